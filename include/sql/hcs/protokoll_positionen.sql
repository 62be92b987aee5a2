-- The positions of the orders one import run created, in order and position sequence.
-- A site override must return the same column names.
SELECT p.shop_bestellnr, ap.auftrag_nr, ap.pos_nr, ap.positionsart, ap.artikel_nr,
       ap.bezeichnung, ap.menge, ap.einzelpreis_brutto, ap.mwst_satz,
       ap.betrag_netto, ap.mwst_betrag, ap.betrag_brutto
FROM import_protokoll p
JOIN auftragspositionen ap ON ap.auftrag_nr = p.auftrag_nr
WHERE p.lauf_id = :lauf_id
  AND p.ergebnis = :ergebnis
ORDER BY p.shop_bestellnr, ap.pos_nr
