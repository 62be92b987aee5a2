-- VAT per rate as the shop computed it; amounts as text, as in order_lines.sql.
SELECT ots.order_id AS orders_id, CAST(ots.tax_rate AS CHAR) AS tax_rate, CAST(ots.gross AS CHAR) AS gross,
       CAST(ots.net AS CHAR) AS net, CAST(ots.tax AS CHAR) AS tax
FROM orders_tax_sum_items ots
WHERE ots.order_id IN %(orders_ids)s
