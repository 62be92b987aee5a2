-- Lines of shop orders that still take stock: orders in the paid or another open status.
-- Amazon FBA orders (FulfillmentChannel AFN in magnalister's internaldata, PHP-serialised or
-- JSON) are left out, because Amazon ships them from its own warehouse. The SKU columns are
-- the same as in order_lines.sql, so a line maps to the article the import would use.
SELECT
    op.orders_id, op.products_quantity, op.properties_combi_model,
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
    op.products_model
FROM orders o
JOIN orders_products op ON op.orders_id = o.orders_id
LEFT JOIN magnalister_orders mo ON mo.orders_id = o.orders_id
WHERE o.orders_status IN %(open_status_ids)s
  AND COALESCE(mo.internaldata REGEXP 'FulfillmentChannel";s:[0-9]+:"AFN"|"FulfillmentChannel" *: *"AFN"', 0) = 0
ORDER BY op.orders_id, op.orders_products_id
