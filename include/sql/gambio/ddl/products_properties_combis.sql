-- products_properties_combis: the variants ("Varianten", formerly "Eigenschaften-Kombinationen")
-- of a product. combi_model is the variant SKU and combi_quantity its stock. combi_ean has at
-- most 20 characters. combi_price is a net surcharge on the product price.
CREATE TABLE IF NOT EXISTS products_properties_combis (
    products_properties_combis_id INT(10) UNSIGNED NOT NULL AUTO_INCREMENT,
    products_id INT(10) UNSIGNED NOT NULL DEFAULT 0,
    sort_order INT(10) UNSIGNED NOT NULL DEFAULT 0,
    combi_model VARCHAR(64) NOT NULL DEFAULT '',
    combi_ean VARCHAR(20) NOT NULL DEFAULT '',
    stock_type VARCHAR(16) NULL DEFAULT 'not-managed',
    combi_quantity DECIMAL(15,4) NOT NULL DEFAULT 0.0000,
    combi_shipping_status_id INT(11) NOT NULL DEFAULT 0,
    combi_weight DECIMAL(15,4) NOT NULL DEFAULT 0.0000,
    combi_weight_type ENUM('calc','fix') NULL DEFAULT NULL,
    combi_price_type ENUM('calc','fix') NOT NULL,
    combi_price DECIMAL(15,4) NOT NULL DEFAULT 0.0000,
    products_vpe_id INT(11) NULL DEFAULT 0,
    vpe_value DECIMAL(15,4) NOT NULL DEFAULT 0.0000,
    gtin VARCHAR(64) NULL DEFAULT NULL,
    asin VARCHAR(64) NULL DEFAULT NULL,
    PRIMARY KEY (products_properties_combis_id),
    KEY products_properties_combis_id (products_properties_combis_id, products_id, sort_order),
    KEY products_properties_combis_cheapest (products_id, combi_price),
    KEY products_id (products_id, sort_order)
) ENGINE=InnoDB DEFAULT CHARSET=utf8;
