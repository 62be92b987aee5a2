-- The last number handed out by a number range.
SELECT letzte_nr
FROM nummernkreise
WHERE nummernkreis = :nummernkreis
