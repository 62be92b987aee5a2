-- The shop languages. orders.language contains the directory name, the settings name the code.
SELECT languages_id, code, directory
FROM languages
ORDER BY languages_id
