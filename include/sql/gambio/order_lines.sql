-- Order lines with the SKU of their variant (property combination) or attribute and a
-- readable list of the chosen properties and attributes.
-- Amounts are read as text: as exact as Decimal, and cheaper to convert and to store in the
-- run files. The import turns them into Decimal.
SELECT
    op.orders_id, op.orders_products_id, op.products_id, op.products_model, op.products_name,
    CAST(op.products_price AS CHAR) AS products_price,
    CAST(op.final_price AS CHAR) AS final_price,
    CAST(op.products_tax AS CHAR) AS products_tax,
    CAST(op.products_quantity AS CHAR) AS products_quantity,
    op.allow_tax,
    op.properties_combi_model,
    (SELECT ppc.combi_model
       FROM orders_products_properties opp
       JOIN products_properties_combis ppc
         ON ppc.products_properties_combis_id = opp.products_properties_combis_id
      WHERE opp.orders_products_id = op.orders_products_id
      LIMIT 1) AS combi_model,
    (SELECT pa.attributes_model
       FROM orders_products_attributes opa
       JOIN products_attributes pa
         ON pa.products_id = op.products_id
        AND pa.options_id = opa.options_id
        AND pa.options_values_id = opa.options_values_id
      WHERE opa.orders_products_id = op.orders_products_id
        AND pa.attributes_model <> ''
      ORDER BY opa.orders_products_attributes_id
      LIMIT 1) AS attributes_model,
    (SELECT GROUP_CONCAT(CONCAT(opp.properties_name, ': ', opp.values_name)
                         ORDER BY opp.orders_products_properties_id SEPARATOR ', ')
       FROM orders_products_properties opp
      WHERE opp.orders_products_id = op.orders_products_id) AS properties_text,
    (SELECT GROUP_CONCAT(CONCAT(opa.products_options, ': ', opa.products_options_values)
                         ORDER BY opa.orders_products_attributes_id SEPARATOR ', ')
       FROM orders_products_attributes opa
      WHERE opa.orders_products_id = op.orders_products_id) AS attributes_text
FROM orders_products op
WHERE op.orders_id IN %(orders_ids)s
ORDER BY op.orders_id, op.orders_products_id
