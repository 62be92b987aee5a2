-- Orders purchased in a window (shop-local bounds) that are paid or already handed over;
-- a backfill re-examines them and imports those HCS lacks.
SELECT o.orders_id, o.orders_status, o.date_purchased
FROM orders o
WHERE o.orders_status IN %(status_ids)s
  AND o.date_purchased >= %(local_from)s
  AND o.date_purchased < %(local_to)s
ORDER BY o.orders_id
