-- The article positions of an order, the only positions that move stock.
SELECT pos_nr, artikel_nr, menge
FROM auftragspositionen
WHERE auftrag_nr = :auftrag_nr
  AND positionsart = 'Artikel'
ORDER BY pos_nr
