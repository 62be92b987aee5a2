-- Names of the write-back statuses in every shop language, for the meldung texts.
SELECT orders_status_id, language_id, orders_status_name
FROM orders_status
WHERE orders_status_id IN %(status_ids)s
