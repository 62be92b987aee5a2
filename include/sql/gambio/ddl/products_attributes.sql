-- products_attributes: attribute values ("Zusatzoptionen") of a product, keyed by option and
-- value id. attributes_model is the attribute SKU, attributes_stock its stock.
CREATE TABLE IF NOT EXISTS products_attributes (
    products_attributes_id INT(11) NOT NULL AUTO_INCREMENT,
    products_id INT(11) NOT NULL DEFAULT 0,
    options_id INT(11) NOT NULL DEFAULT 0,
    options_values_id INT(11) NOT NULL DEFAULT 0,
    options_values_price DECIMAL(15,4) NOT NULL DEFAULT 0.0000,
    price_prefix CHAR(1) NOT NULL DEFAULT '',
    stock_type VARCHAR(16) NULL DEFAULT 'not-managed',
    attributes_model VARCHAR(64) NOT NULL DEFAULT '',
    attributes_stock DECIMAL(15,4) NOT NULL DEFAULT 0,
    options_values_weight DECIMAL(15,4) NOT NULL DEFAULT 0.0000,
    weight_prefix CHAR(1) NOT NULL DEFAULT '',
    sortorder INT(11) NOT NULL DEFAULT 0,
    PRIMARY KEY (products_attributes_id),
    KEY products_id (products_id, options_id, options_values_id, sortorder),
    KEY options_values_id (options_values_id),
    KEY sortorder (sortorder)
) ENGINE=InnoDB DEFAULT CHARSET=utf8;
