-- orders_total: the total lines of an order, one row per order total module (class), e.g.
-- ot_subtotal, ot_shipping, ot_cod_fee, ot_coupon (negative), ot_gv (positive voucher),
-- ot_tax (one row per tax rate) and ot_total. value is the number; text is for display only.
CREATE TABLE IF NOT EXISTS orders_total (
    orders_total_id INT(10) UNSIGNED NOT NULL AUTO_INCREMENT,
    orders_id INT(11) NOT NULL DEFAULT 0,
    title VARCHAR(255) NOT NULL DEFAULT '',
    text VARCHAR(255) NOT NULL DEFAULT '',
    value DECIMAL(15,4) NOT NULL DEFAULT 0.0000,
    class VARCHAR(32) NOT NULL DEFAULT '',
    sort_order INT(11) NOT NULL DEFAULT 0,
    PRIMARY KEY (orders_total_id),
    KEY idx_orders_total_orders_id (orders_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8;
