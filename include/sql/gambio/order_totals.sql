SELECT ot.orders_id, ot.class, ot.value, ot.title, ot.sort_order
FROM orders_total ot
WHERE ot.orders_id IN %(orders_ids)s
ORDER BY ot.orders_id, ot.sort_order, ot.orders_total_id
