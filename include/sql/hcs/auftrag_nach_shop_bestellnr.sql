-- The HCS order that was imported from a shop order (Gambio orders_id).
SELECT auftrag_nr
FROM auftraege
WHERE shop_bestellnr = :shop_bestellnr
