-- orders_products_attributes: the attribute ("Zusatzoption") values chosen for an order line, as
-- text plus option and value ids. The attribute SKU is in products_attributes.attributes_model.
CREATE TABLE IF NOT EXISTS orders_products_attributes (
    orders_products_attributes_id INT(11) NOT NULL AUTO_INCREMENT,
    orders_id INT(11) NOT NULL DEFAULT 0,
    orders_products_id INT(11) NOT NULL DEFAULT 0,
    products_options VARCHAR(255) NOT NULL DEFAULT '',
    products_options_values VARCHAR(255) NOT NULL DEFAULT '',
    options_values_price DECIMAL(15,4) NOT NULL DEFAULT 0.0000,
    price_prefix CHAR(1) NOT NULL DEFAULT '',
    options_id INT(11) NOT NULL DEFAULT 0,
    options_values_id INT(11) NOT NULL DEFAULT 0,
    PRIMARY KEY (orders_products_attributes_id),
    KEY orders_products_id (orders_products_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8;
