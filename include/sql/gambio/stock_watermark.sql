-- The newest shop order and order line. A new order raises both; magnalister merging a
-- later eBay purchase into an existing order raises the second.
SELECT
    (SELECT COALESCE(MAX(orders_id), 0) FROM orders) AS max_orders_id,
    (SELECT COALESCE(MAX(orders_products_id), 0) FROM orders_products) AS max_orders_products_id
