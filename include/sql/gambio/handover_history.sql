-- One history row per order that is still paid, unless the newest change already recorded
-- for it is this hand-over (a rerun after a crash between this statement and the status
-- update). Written before the status, so a shop on MyISAM without transactions never ends
-- with a status change that has no history row.
INSERT INTO orders_status_history (orders_id, orders_status_id, date_added, customer_notified, comments)
SELECT h.orders_id, %(handed_over_status_id)s, %(date_added)s, 0, h.comments
FROM hcs_bridge_handover h
JOIN orders o ON o.orders_id = h.orders_id
WHERE o.orders_status IN %(paid_status_ids)s
  AND NOT EXISTS (
      SELECT 1 FROM orders_status_history done
      WHERE done.orders_id = h.orders_id
        AND done.orders_status_id = %(handed_over_status_id)s
        AND done.orders_status_history_id > COALESCE((
            SELECT MAX(other.orders_status_history_id) FROM orders_status_history other
            WHERE other.orders_id = h.orders_id
              AND other.orders_status_id <> %(handed_over_status_id)s), 0)
  )
