-- Shop orders (Gambio orders_id) that already have an HCS order. The stock sync counts the
-- others as shop orders HCS has not imported yet.
SELECT shop_bestellnr
FROM auftraege
WHERE shop_bestellnr IN (:shop_bestellnr)
