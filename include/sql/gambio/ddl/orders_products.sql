-- orders_products: one row per order line. With allow_tax = 1, products_price (unit price)
-- and final_price (unit price x quantity) are gross; products_tax is the VAT rate in percent.
-- products_id is 0 for a line whose SKU the shop did not know; properties_combi_model is the
-- bare variant SKU.
CREATE TABLE IF NOT EXISTS orders_products (
    orders_products_id INT(11) NOT NULL AUTO_INCREMENT,
    orders_id INT(11) NOT NULL DEFAULT 0,
    products_id INT(11) NOT NULL DEFAULT 0,
    products_model VARCHAR(64) NULL DEFAULT NULL,
    products_name VARCHAR(255) NOT NULL DEFAULT '',
    products_price DECIMAL(15,4) NOT NULL DEFAULT 0.0000,
    products_discount_made DECIMAL(4,2) NULL DEFAULT NULL,
    products_shipping_time VARCHAR(255) NULL DEFAULT NULL,
    final_price DECIMAL(15,4) NOT NULL DEFAULT 0.0000,
    products_tax DECIMAL(7,4) NOT NULL DEFAULT 0.0000,
    products_quantity DECIMAL(15,4) NOT NULL DEFAULT 0.0000,
    allow_tax INT(1) NOT NULL DEFAULT 0,
    product_type INT(11) NOT NULL DEFAULT 1,
    properties_combi_price DECIMAL(15,4) NOT NULL DEFAULT 0.0000,
    properties_combi_model VARCHAR(64) NOT NULL DEFAULT '',
    checkout_information TEXT NULL,
    PRIMARY KEY (orders_products_id),
    KEY orders_id (orders_id),
    KEY products_id (products_id, orders_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8;
