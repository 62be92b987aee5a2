-- Article positions of HCS orders whose goods have not left the warehouse yet: no
-- Lieferschein, no Sofortrechnung and no Storno. Orders the marketplace ships itself
-- (versand_durch_marktplatz = 1, Amazon FBA) never take goods from our stock.
-- One row per position: the caller sums menge in Decimal, because SQLite would sum in
-- floating point.
SELECT p.artikel_nr, p.menge
FROM auftragspositionen p
JOIN auftraege a ON a.auftrag_nr = p.auftrag_nr
WHERE p.positionsart = 'Artikel'
  AND p.artikel_nr IS NOT NULL
  AND a.versand_durch_marktplatz <> 1
  AND NOT EXISTS (
      SELECT 1 FROM belege b
      WHERE b.auftrag_nr = a.auftrag_nr
        AND b.belegart IN ('Lieferschein', 'Sofortrechnung', 'Storno')
  )
