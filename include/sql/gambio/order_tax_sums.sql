SELECT ots.order_id AS orders_id, ots.tax_rate, ots.gross, ots.net, ots.tax
FROM orders_tax_sum_items ots
WHERE ots.order_id IN %(orders_ids)s
