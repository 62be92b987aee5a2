-- Current state of the shop orders of one batch of HCS documents. magnalister_status is
-- NULL for orders that did not come through magnalister. shipped_at is the time of the
-- newest history row with the shipped status, from which an invoice of a magnalister order waits.
SELECT
    o.orders_id,
    o.orders_status,
    o.language,
    mo.orders_status AS magnalister_status,
    (SELECT MAX(h.date_added) FROM orders_status_history h
      WHERE h.orders_id = o.orders_id AND h.orders_status_id = %(shipped_status_id)s) AS shipped_at
FROM orders o
LEFT JOIN magnalister_orders mo ON mo.orders_id = o.orders_id
WHERE o.orders_id IN %(orders_ids)s
