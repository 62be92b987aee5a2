-- Drop this run's earlier verdict on an order before recording a new one; imported orders keep theirs.
DELETE FROM import_protokoll
WHERE lauf_id = :lauf_id AND shop_bestellnr = :shop_bestellnr AND ergebnis <> 'importiert'
