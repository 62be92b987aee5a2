-- Spezialliste: delivery notes and invoices of one chunk of shop orders, oldest print first,
-- so the reader keeps the latest of each kind.
SELECT a.shop_bestellnr, b.beleg_id, b.belegart, b.belegnummer, b.gedruckt_am, b.sendungsnummer
FROM belege b
JOIN auftraege a ON a.auftrag_nr = b.auftrag_nr
WHERE a.shop_bestellnr IN (:shop_bestellnrn)
  AND b.belegart IN ('Lieferschein', 'Rechnung', 'Sofortrechnung')
ORDER BY b.beleg_id
