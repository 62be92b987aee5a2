-- The new stock is computed by the caller in Decimal, because SQLite would add in floating point.
UPDATE artikel
SET bestand = :bestand
WHERE artikel_nr = :artikel_nr
