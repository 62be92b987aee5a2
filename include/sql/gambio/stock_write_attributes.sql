-- attributes_stock can be NULL in GX 3 shops, hence the NULL-safe comparison.
UPDATE products_attributes a
JOIN hcs_bridge_stock s ON s.row_id = a.products_attributes_id
SET a.attributes_stock = s.quantity
WHERE s.seq BETWEEN %(first_seq)s AND %(last_seq)s
  AND s.target = 3
  AND NOT (a.attributes_stock <=> s.quantity)
