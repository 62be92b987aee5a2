-- orders_status_history: one row per status change of an order; date_added is server-local
-- time. customer_id is the admin account that made the change, 0 when unknown.
CREATE TABLE IF NOT EXISTS orders_status_history (
    orders_status_history_id INT(11) NOT NULL AUTO_INCREMENT,
    orders_id INT(11) NOT NULL DEFAULT 0,
    orders_status_id INT(5) NOT NULL DEFAULT 0,
    date_added DATETIME NOT NULL DEFAULT '1000-01-01 00:00:00',
    customer_notified INT(1) NULL DEFAULT 0,
    comments TEXT NULL,
    customer_id INT(5) NOT NULL DEFAULT 0,
    PRIMARY KEY (orders_status_history_id),
    KEY orders_id (orders_id),
    KEY orders_status_id (orders_status_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8;
