-- What HCS received of recently handed-over orders, to detect orders that grew afterwards
-- (magnalister merges later eBay purchases of one buyer into an open order).
SELECT
    o.orders_id,
    (SELECT GROUP_CONCAT(op.orders_products_id ORDER BY op.orders_products_id)
       FROM orders_products op WHERE op.orders_id = o.orders_id) AS line_ids,
    (SELECT ot.value FROM orders_total ot
      WHERE ot.orders_id = o.orders_id AND ot.class = 'ot_total' LIMIT 1) AS ot_total,
    mo.special
FROM orders o
LEFT JOIN magnalister_orders mo ON mo.orders_id = o.orders_id
WHERE o.orders_status = %(handed_over_status_id)s
  AND o.date_purchased >= %(local_since)s
ORDER BY o.orders_id
