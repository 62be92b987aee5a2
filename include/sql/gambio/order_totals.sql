-- Total rows that become positions or that the totals check needs. Sub-totals and VAT
-- lines are left out: the import reads VAT per rate from orders_tax_sum_items. The value is
-- read as text, as in order_lines.sql.
SELECT ot.orders_id, ot.class, CAST(ot.value AS CHAR) AS value, ot.title, ot.sort_order
FROM orders_total ot
WHERE ot.orders_id IN %(orders_ids)s
  AND ot.class NOT IN ('ot_subtotal', 'ot_subtotal_no_tax', 'ot_tax', 'ot_total_netto', 'ot_gm_tax_free')
ORDER BY ot.orders_id, ot.sort_order, ot.orders_total_id
