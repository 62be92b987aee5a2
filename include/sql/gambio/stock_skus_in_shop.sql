-- Which of the given SKUs the shop uses as a product, variant or attribute model.
SELECT products_model FROM products WHERE products_model IN %(skus)s
UNION
SELECT combi_model FROM products_properties_combis WHERE combi_model IN %(skus)s
UNION
SELECT attributes_model FROM products_attributes WHERE attributes_model IN %(skus)s
