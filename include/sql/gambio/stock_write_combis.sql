UPDATE products_properties_combis c
JOIN hcs_bridge_stock s ON s.row_id = c.products_properties_combis_id
SET c.combi_quantity = s.quantity
WHERE s.seq BETWEEN %(first_seq)s AND %(last_seq)s
  AND s.target = 2
  AND c.combi_quantity <> s.quantity
