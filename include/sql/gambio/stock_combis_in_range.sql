-- Variants of the products with ids in a range, for the chunks of a full sync.
SELECT products_properties_combis_id, products_id, combi_model, combi_quantity
FROM products_properties_combis
WHERE products_id BETWEEN %(first_id)s AND %(last_id)s
ORDER BY products_id, products_properties_combis_id
