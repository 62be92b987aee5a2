-- An order with its flag versand_durch_marktplatz, which is 1 when the marketplace ships it (Amazon FBA).
SELECT auftrag_nr, shop_bestellnr, versand_durch_marktplatz
FROM auftraege
WHERE auftrag_nr = :auftrag_nr
