-- One history row for a status the order may still move to, unless the order's newest
-- history row already has this status (a rerun after a crash between this statement and
-- the status update). Written before the status, so a MyISAM shop without transactions
-- never ends with a status change that has no history row.
INSERT INTO orders_status_history (orders_id, orders_status_id, date_added, customer_notified, comments)
SELECT o.orders_id, %(status_id)s, %(changed_at)s, 0, %(comments)s
FROM orders o
WHERE o.orders_id = %(orders_id)s
  AND o.orders_status NOT IN %(blocked_status_ids)s
  AND COALESCE((
      SELECT newest.orders_status_id FROM orders_status_history newest
      WHERE newest.orders_id = o.orders_id
      ORDER BY newest.orders_status_history_id DESC
      LIMIT 1), -1) <> %(status_id)s
