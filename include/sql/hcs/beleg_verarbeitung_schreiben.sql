-- One row per document the status write-back handled. The primary key on beleg_id makes a
-- second row for the same document fail.
INSERT INTO beleg_verarbeitung (beleg_id, shop_bestellnr, ergebnis, meldung, verarbeitet_am)
VALUES (:beleg_id, :shop_bestellnr, :ergebnis, :meldung, :verarbeitet_am)
