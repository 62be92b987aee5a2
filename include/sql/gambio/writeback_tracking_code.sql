-- A parcel's tracking code, once per order and code, so a rerun adds no second row and an
-- order deleted in the meantime gets none. Only columns that GX 3 has too are named.
INSERT INTO orders_parcel_tracking_codes
    (order_id, tracking_code, parcel_service_id, parcel_service_name, language_id, url, comment)
SELECT o.orders_id, %(tracking_code)s, %(parcel_service_id)s, %(parcel_service_name)s,
       %(language_id)s, %(url)s, %(comment)s
FROM orders o
WHERE o.orders_id = %(orders_id)s
  AND NOT EXISTS (
      SELECT 1 FROM orders_parcel_tracking_codes t
      WHERE t.order_id = %(orders_id)s AND t.tracking_code = %(tracking_code)s
  )
