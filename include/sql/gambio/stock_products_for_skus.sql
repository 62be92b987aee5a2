-- Products that carry one of the given SKUs as their own model, a variant model or an
-- attribute model. A variant product is synced whole, because its product level is the sum
-- of all its variants.
SELECT products_id FROM products WHERE products_model IN %(skus)s
UNION
SELECT products_id FROM products_properties_combis WHERE combi_model IN %(skus)s
UNION
SELECT products_id FROM products_attributes WHERE attributes_model IN %(skus)s
