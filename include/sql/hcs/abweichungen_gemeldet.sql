SELECT shop_bestellnr, shop_fingerabdruck
FROM shop_abweichungen
WHERE shop_bestellnr IN (:shop_bestellnr)
