-- Reserve a block of numbers from a number range. The update locks the range row until
-- the transaction of the caller ends, so concurrent writers get disjoint blocks.
-- No apostrophe, question mark or semicolon in these comments: the SQLite3 ODBC driver
-- parses comments as SQL when it looks for parameter markers and statement ends.
UPDATE nummernkreise
SET letzte_nr = letzte_nr + :anzahl
WHERE nummernkreis = :nummernkreis
