-- Reasons earlier runs recorded for these set-aside orders; a reason seen before is no news.
SELECT DISTINCT shop_bestellnr, meldungen FROM import_protokoll
WHERE shop_bestellnr IN (:shop_bestellnr) AND ergebnis = 'abgelehnt' AND lauf_id <> :lauf_id
