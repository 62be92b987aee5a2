-- The next chunk of products in id order (keyset paging, so memory stays bounded).
SELECT products_id, products_model, products_quantity, use_properties_combis_quantity
FROM products
WHERE products_id > %(after_id)s
ORDER BY products_id
LIMIT %(limit)s
