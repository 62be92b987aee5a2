-- Attribute values of the products with ids in a range, for the chunks of a full sync.
SELECT products_attributes_id, products_id, attributes_model, attributes_stock
FROM products_attributes
WHERE products_id BETWEEN %(first_id)s AND %(last_id)s
ORDER BY products_id, products_attributes_id
