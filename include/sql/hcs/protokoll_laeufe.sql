-- Import runs with their outcome counts, newest first. The caller reads only as many rows
-- as it needs, which avoids the non-portable LIMIT syntax.
-- No semicolon in this file: the SQLite ODBC driver takes one as a second statement.
-- A site override must return the same column names.
SELECT lauf_id,
       MIN(protokolliert_am) AS erster_eintrag,
       MAX(protokolliert_am) AS letzter_eintrag,
       SUM(CASE WHEN ergebnis = 'importiert' THEN 1 ELSE 0 END) AS importiert,
       SUM(CASE WHEN ergebnis = 'abgelehnt' THEN 1 ELSE 0 END) AS abgelehnt,
       SUM(CASE WHEN ergebnis = 'vorhanden' THEN 1 ELSE 0 END) AS vorhanden,
       SUM(CASE WHEN ergebnis = 'gewachsen' THEN 1 ELSE 0 END) AS gewachsen
FROM import_protokoll
GROUP BY lauf_id
ORDER BY MAX(protokolliert_am) DESC, lauf_id DESC
