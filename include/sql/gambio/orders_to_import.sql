-- Orders waiting in one of the paid statuses, oldest first.
SELECT o.orders_id, o.orders_status, o.date_purchased
FROM orders o
WHERE o.orders_status IN %(paid_status_ids)s
ORDER BY o.orders_id
