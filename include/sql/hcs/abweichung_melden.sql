INSERT INTO shop_abweichungen (shop_bestellnr, shop_fingerabdruck, gemeldet_am)
VALUES (:shop_bestellnr, :shop_fingerabdruck, :gemeldet_am)
