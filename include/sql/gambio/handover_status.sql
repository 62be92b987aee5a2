-- Guarded: only orders still in a paid status move, so a rerun changes nothing twice.
UPDATE orders o
JOIN hcs_bridge_handover h ON h.orders_id = o.orders_id
SET o.orders_status = %(handed_over_status_id)s
WHERE o.orders_status IN %(paid_status_ids)s
