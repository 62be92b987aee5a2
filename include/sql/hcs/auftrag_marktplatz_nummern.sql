-- Keep every marketplace order id of a merged order on the HCS order.
UPDATE auftraege SET marktplatz_bestellnr = :marktplatz_bestellnr WHERE auftrag_nr = :auftrag_nr
