-- One page of article numbers in key order, for the daily list of HCS articles the shop
-- does not sell. A site whose database has no LIMIT overrides this file.
SELECT artikel_nr
FROM artikel
WHERE artikel_nr > :nach
ORDER BY artikel_nr
LIMIT :anzahl
