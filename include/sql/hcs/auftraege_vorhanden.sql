-- HCS orders that already exist for the given shop orders, with what HCS received.
SELECT shop_bestellnr, auftrag_nr, shop_fingerabdruck, marktplatz_bestellnr, shop_positionen, summe_brutto
FROM auftraege
WHERE shop_bestellnr IN (:shop_bestellnr)
