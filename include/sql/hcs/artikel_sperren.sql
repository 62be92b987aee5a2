-- Touch an article before reading its stock. The update locks the row (MariaDB) or the
-- database (SQLite) until the transaction ends, so no concurrent booking is lost.
UPDATE artikel
SET geaendert_am = :geaendert_am
WHERE artikel_nr = :artikel_nr
