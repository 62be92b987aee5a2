-- Stock on hand of the given articles.
SELECT artikel_nr, bestand
FROM artikel
WHERE artikel_nr IN (:artikel_nr)
