SELECT products_attributes_id, products_id, attributes_model, attributes_stock
FROM products_attributes
WHERE products_id IN %(products_ids)s
ORDER BY products_id, products_attributes_id
