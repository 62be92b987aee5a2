-- Guarded like the history row: an order at or past the new status, or cancelled, keeps
-- its status. last_modified is set as the shop admin sets it (GX 4 would bump it anyway).
UPDATE orders
SET orders_status = %(status_id)s, last_modified = %(changed_at)s
WHERE orders_id = %(orders_id)s
  AND orders_status NOT IN %(blocked_status_ids)s
