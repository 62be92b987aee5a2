-- orders_status: the name of each order status per shop language (at most 32 characters).
CREATE TABLE IF NOT EXISTS orders_status (
    orders_status_id INT(11) NOT NULL DEFAULT 0,
    language_id INT(11) NOT NULL DEFAULT 1,
    orders_status_name VARCHAR(32) NOT NULL DEFAULT '',
    color CHAR(6) NOT NULL DEFAULT '2196F3',
    PRIMARY KEY (orders_status_id, language_id),
    KEY idx_orders_status_name (orders_status_name),
    KEY language_id_index (language_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8;

-- The statuses of a fresh GX 4.8.0.3 shop; language 1 is English, 2 is German.
-- 99 is the shop's cancel status and 149 its "invoice created" status.
INSERT IGNORE INTO orders_status (orders_status_id, language_id, orders_status_name, color) VALUES
    (0, 1, 'Not validated', 'e0412c'),
    (0, 2, 'Nicht bestätigt', 'e0412c'),
    (1, 1, 'Pending', 'f5ae49'),
    (1, 2, 'Offen', 'f5ae49'),
    (2, 1, 'Processing', '0c7fda'),
    (2, 2, 'In Bearbeitung', '0c7fda'),
    (3, 1, 'Dispatched', '45a845'),
    (3, 2, 'Versendet', '45a845'),
    (99, 1, 'Canceled', 'e0412c'),
    (99, 2, 'Storniert', 'e0412c'),
    (149, 1, 'Invoice created', '45a845'),
    (149, 2, 'Rechnung erstellt', '45a845');
