-- Spezialliste: one page of the selected shop orders, keyset-paginated by orders_id.
-- Every filter is a bound value. A list filter is off when its flag is 0; its tuple then
-- holds one placeholder element, because MySQLdb cannot render an empty tuple.
-- date_purchased is shop-local time, as are the bounds. gross is ot_total, vat the sum of
-- the ot_tax rows (one per tax rate); the reader computes net = gross - vat.
-- LIKE patterns escape %, _ and ! with '!'.
SELECT
    o.orders_id, o.date_purchased, o.orders_status,
    o.customers_name, o.customers_company, o.customers_email_address, o.customers_city,
    o.delivery_country_iso_code_2, o.billing_country_iso_code_2,
    mo.platform, mo.special,
    ott.value AS gross,
    (SELECT COALESCE(SUM(tax.value), 0) FROM orders_total tax
     WHERE tax.orders_id = o.orders_id AND tax.class = 'ot_tax') AS vat,
    os.orders_status_name
FROM orders o
LEFT JOIN magnalister_orders mo ON mo.orders_id = o.orders_id
LEFT JOIN orders_total ott ON ott.orders_total_id = (
    SELECT MIN(t.orders_total_id) FROM orders_total t WHERE t.orders_id = o.orders_id AND t.class = 'ot_total')
LEFT JOIN orders_status os ON os.orders_status_id = o.orders_status
    AND os.language_id = (SELECT MIN(l.languages_id) FROM languages l WHERE l.code = %(language_code)s)
WHERE o.orders_id > %(after_id)s
  AND o.date_purchased >= %(local_from)s
  AND o.date_purchased < %(local_to)s
  AND (%(filter_platforms)s = 0 OR COALESCE(NULLIF(mo.platform, ''), 'shop') IN %(platforms)s)
  AND (%(filter_statuses)s = 0 OR o.orders_status IN %(status_ids)s)
  AND (%(gross_min)s IS NULL OR ott.value >= %(gross_min)s)
  AND (%(gross_max)s IS NULL OR ott.value <= %(gross_max)s)
  AND (%(customer_like)s IS NULL
       OR o.customers_name LIKE %(customer_like)s ESCAPE '!'
       OR o.customers_company LIKE %(customer_like)s ESCAPE '!'
       OR o.customers_email_address LIKE %(customer_like)s ESCAPE '!'
       OR o.customers_city LIKE %(customer_like)s ESCAPE '!'
       OR o.delivery_name LIKE %(customer_like)s ESCAPE '!'
       OR o.delivery_company LIKE %(customer_like)s ESCAPE '!'
       OR o.delivery_city LIKE %(customer_like)s ESCAPE '!')
  AND (%(filter_skus)s = 0 OR EXISTS (
       SELECT 1 FROM orders_products op
       WHERE op.orders_id = o.orders_id
         AND (op.products_model IN %(skus)s OR op.properties_combi_model IN %(skus)s)))
  AND (%(sku_like)s IS NULL OR EXISTS (
       SELECT 1 FROM orders_products op
       WHERE op.orders_id = o.orders_id
         AND (op.products_model LIKE %(sku_like)s ESCAPE '!'
              OR op.properties_combi_model LIKE %(sku_like)s ESCAPE '!')))
ORDER BY o.orders_id
LIMIT %(page_size)s
