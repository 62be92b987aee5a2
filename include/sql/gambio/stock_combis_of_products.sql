SELECT products_properties_combis_id, products_id, combi_model, combi_quantity
FROM products_properties_combis
WHERE products_id IN %(products_ids)s
ORDER BY products_id, products_properties_combis_id
