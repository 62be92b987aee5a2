-- Every stock movement booked by a document of an order (delivery and cancellation).
SELECT l.artikel_nr, l.menge
FROM lagerbewegungen l
JOIN belege b ON b.beleg_id = l.beleg_id
WHERE b.auftrag_nr = :auftrag_nr
ORDER BY l.bewegung_id
