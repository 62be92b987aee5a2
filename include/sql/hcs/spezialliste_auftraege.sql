-- Spezialliste: the HCS orders of one chunk of shop orders.
SELECT auftrag_nr, shop_bestellnr, importiert_am
FROM auftraege
WHERE shop_bestellnr IN (:shop_bestellnrn)
