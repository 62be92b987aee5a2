-- Spezialliste: the order lines of one chunk of selected orders. final_price is the gross
-- line total when allow_tax = 1 (always so in a German shop).
SELECT
    op.orders_id, op.orders_products_id, op.products_model, op.properties_combi_model,
    op.products_name, op.products_quantity, op.products_price, op.final_price, op.products_tax
FROM orders_products op
WHERE op.orders_id IN %(orders_ids)s
ORDER BY op.orders_id, op.orders_products_id
