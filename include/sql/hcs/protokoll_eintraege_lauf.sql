-- Orders this run has already recorded (a retried task must not record them twice).
SELECT shop_bestellnr, ergebnis FROM import_protokoll
WHERE lauf_id = :lauf_id AND shop_bestellnr IN (:shop_bestellnr)
