-- orders_tax_sum_items: gross, net and tax of an order per tax rate. The order column is
-- order_id, not orders_id.
CREATE TABLE IF NOT EXISTS orders_tax_sum_items (
    orders_tax_sum_item_id INT(11) NOT NULL AUTO_INCREMENT,
    tax_class VARCHAR(100) NOT NULL DEFAULT '',
    tax_zone VARCHAR(100) NOT NULL DEFAULT '',
    tax_rate DECIMAL(15,4) NOT NULL DEFAULT 0.0000,
    gross DECIMAL(15,4) NOT NULL DEFAULT 0.0000,
    net DECIMAL(15,4) NOT NULL DEFAULT 0.0000,
    tax DECIMAL(15,4) NOT NULL DEFAULT 0.0000,
    currency VARCHAR(100) NOT NULL DEFAULT '',
    order_id INT(11) NOT NULL DEFAULT 0,
    insert_date DATETIME NOT NULL DEFAULT '1000-01-01 00:00:00',
    last_change_datetime TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
    tax_description VARCHAR(100) NOT NULL DEFAULT '',
    PRIMARY KEY (orders_tax_sum_item_id),
    KEY order_id (order_id),
    KEY insert_date (insert_date, tax_zone, tax_class, tax_rate, currency),
    KEY insert_date_2 (insert_date, order_id, tax_zone, tax_class, tax_rate, currency)
) ENGINE=InnoDB DEFAULT CHARSET=utf8;
