-- The orders one import run created, with the HCS order header and customer.
-- LEFT JOIN keeps a protocol line when the HCS order or customer was deleted since.
-- A site override must return the same column names.
SELECT p.shop_bestellnr, p.auftrag_nr, p.marktplatz, p.marktplatz_bestellnr, p.kunde,
       p.summe_brutto AS protokoll_summe_brutto,
       a.kunden_nr, a.auftragsdatum, a.summe_netto, a.summe_mwst, a.summe_brutto,
       k.firma, k.vorname, k.nachname
FROM import_protokoll p
LEFT JOIN auftraege a ON a.auftrag_nr = p.auftrag_nr
LEFT JOIN kunden k ON k.kunden_nr = a.kunden_nr
WHERE p.lauf_id = :lauf_id
  AND p.ergebnis = :ergebnis
ORDER BY p.shop_bestellnr
