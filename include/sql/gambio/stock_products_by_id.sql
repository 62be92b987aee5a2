SELECT products_id, products_model, products_quantity, use_properties_combis_quantity
FROM products
WHERE products_id IN %(products_ids)s
ORDER BY products_id
