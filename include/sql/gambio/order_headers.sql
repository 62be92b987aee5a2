-- Order headers with their magnalister row. FBA orders are recognised by the Amazon
-- FulfillmentChannel 'AFN' inside magnalister's internaldata (PHP-serialised or JSON).
SELECT
    o.orders_id, o.orders_status, o.date_purchased, o.currency, o.currency_value,
    o.customers_id, o.customers_email_address, o.customers_telephone, o.customers_vat_id,
    o.delivery_name, o.delivery_firstname, o.delivery_lastname, o.delivery_company,
    o.delivery_street_address, o.delivery_house_number, o.delivery_additional_info,
    o.delivery_suburb, o.delivery_city, o.delivery_postcode, o.delivery_country,
    o.delivery_country_iso_code_2,
    o.billing_name, o.billing_firstname, o.billing_lastname, o.billing_company,
    o.billing_street_address, o.billing_house_number, o.billing_additional_info,
    o.billing_suburb, o.billing_city, o.billing_postcode, o.billing_country,
    o.billing_country_iso_code_2,
    o.payment_method, o.payment_class, o.shipping_method, o.shipping_class, o.comments,
    mo.platform, mo.mpID, mo.special,
    (mo.internaldata REGEXP 'FulfillmentChannel";s:[0-9]+:"AFN"|"FulfillmentChannel" *: *"AFN"') AS fba
FROM orders o
LEFT JOIN magnalister_orders mo ON mo.orders_id = o.orders_id
WHERE o.orders_id IN %(orders_ids)s
ORDER BY o.orders_id
