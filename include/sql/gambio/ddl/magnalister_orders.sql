-- magnalister_orders: one row per order that the magnalister plugin imported from a marketplace.
-- The plugin creates this table itself (shape of its 2.8.x migrations); the shop installer does
-- not. platform is the plugin's module name ('ebay', 'amazon', 'hood', 'hitmeister', 'otto').
-- special is the marketplace order id. For a merged eBay order it contains several ids, one per line.
-- orders_status is the last status magnalister reported to the marketplace.
-- data and internaldata are PHP-serialized arrays; for Amazon, internaldata holds
-- FulfillmentChannel ('AFN' for orders that Amazon ships itself).
CREATE TABLE IF NOT EXISTS magnalister_orders (
    orders_id INT(11) NOT NULL,
    orders_status INT(11) NOT NULL,
    mpID INT(8) UNSIGNED NOT NULL,
    platform VARCHAR(20) NOT NULL,
    data TEXT NOT NULL,
    internaldata LONGTEXT NOT NULL,
    special TEXT NULL DEFAULT NULL,
    PRIMARY KEY (orders_id),
    KEY platform (platform)
) ENGINE=InnoDB DEFAULT CHARSET=utf8;
