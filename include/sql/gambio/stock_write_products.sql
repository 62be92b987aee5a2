-- Guarded by the current value, so the affected row count is the number of values changed.
UPDATE products p
JOIN hcs_bridge_stock s ON s.row_id = p.products_id
SET p.products_quantity = s.quantity
WHERE s.seq BETWEEN %(first_seq)s AND %(last_seq)s
  AND s.target = 1
  AND p.products_quantity <> s.quantity
