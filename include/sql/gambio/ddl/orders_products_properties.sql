-- orders_products_properties: one row per property of the variant ("Kombination") sold in an
-- order line; products_properties_combis_id names the variant.
CREATE TABLE IF NOT EXISTS orders_products_properties (
    orders_products_properties_id INT(10) UNSIGNED NOT NULL AUTO_INCREMENT,
    orders_products_id INT(10) UNSIGNED NULL DEFAULT NULL,
    products_properties_combis_id INT(10) UNSIGNED NULL DEFAULT NULL,
    properties_name VARCHAR(255) NOT NULL DEFAULT '',
    values_name VARCHAR(255) NOT NULL DEFAULT '',
    properties_price_type VARCHAR(8) NOT NULL DEFAULT '',
    properties_price DECIMAL(16,4) NOT NULL DEFAULT 0.0000,
    PRIMARY KEY (orders_products_properties_id),
    KEY orders_products_id (orders_products_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8;
