-- Every SKU of the shop, for seeding the demo's HCS article master: product models,
-- variant models (properties combinations) and attribute models, each with the product
-- name in one language, the EAN, the net price and the tax class. Gambio stores net
-- prices. A variant's combi_price and an attribute's options_values_price are added to
-- the product price, and price_prefix '-' makes the attribute price a discount. Attributes
-- have no EAN column in GX 4.8, so their ean is empty.
-- Ordered so that a SKU found twice keeps its product, then variant, then attribute row.
SELECT sku, products_name, ean, net_price, products_tax_class_id
FROM (
    SELECT 1 AS source_rank, p.products_id, 0 AS row_id,
           p.products_model AS sku,
           COALESCE(pd.products_name, '') AS products_name,
           COALESCE(p.products_ean, '') AS ean,
           p.products_price AS net_price,
           p.products_tax_class_id
    FROM products p
    LEFT JOIN (products_description pd
               JOIN languages l ON l.languages_id = pd.language_id AND l.code = %(language_code)s)
           ON pd.products_id = p.products_id
    WHERE p.products_model <> '' AND CHAR_LENGTH(p.products_model) <= %(max_sku_length)s

    UNION ALL

    SELECT 2, c.products_id, c.products_properties_combis_id,
           c.combi_model,
           COALESCE(pd.products_name, ''),
           c.combi_ean,
           p.products_price + c.combi_price,
           p.products_tax_class_id
    FROM products_properties_combis c
    JOIN products p ON p.products_id = c.products_id
    LEFT JOIN (products_description pd
               JOIN languages l ON l.languages_id = pd.language_id AND l.code = %(language_code)s)
           ON pd.products_id = p.products_id
    WHERE c.combi_model <> '' AND CHAR_LENGTH(c.combi_model) <= %(max_sku_length)s

    UNION ALL

    SELECT 3, a.products_id, a.products_attributes_id,
           a.attributes_model,
           COALESCE(pd.products_name, ''),
           '',
           CASE WHEN a.price_prefix = '-'
                THEN p.products_price - a.options_values_price
                ELSE p.products_price + a.options_values_price END,
           p.products_tax_class_id
    FROM products_attributes a
    JOIN products p ON p.products_id = a.products_id
    LEFT JOIN (products_description pd
               JOIN languages l ON l.languages_id = pd.language_id AND l.code = %(language_code)s)
           ON pd.products_id = p.products_id
    WHERE a.attributes_model <> '' AND CHAR_LENGTH(a.attributes_model) <= %(max_sku_length)s
) skus
ORDER BY source_rank, products_id, row_id
