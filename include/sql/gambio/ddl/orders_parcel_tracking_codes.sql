-- orders_parcel_tracking_codes: tracking numbers of an order's parcels. The order column is
-- order_id; url is the parcel service's tracking url with the number filled in.
CREATE TABLE IF NOT EXISTS orders_parcel_tracking_codes (
    orders_parcel_tracking_code_id INT(10) UNSIGNED NOT NULL AUTO_INCREMENT,
    order_id INT(10) UNSIGNED NOT NULL DEFAULT 0,
    tracking_code VARCHAR(255) NOT NULL DEFAULT '',
    is_return_delivery INT(1) UNSIGNED NOT NULL DEFAULT 0,
    parcel_service_id INT(10) UNSIGNED NOT NULL DEFAULT 0,
    parcel_service_name VARCHAR(45) NOT NULL DEFAULT '',
    language_id INT(10) UNSIGNED NOT NULL DEFAULT 0,
    url VARCHAR(1023) NOT NULL DEFAULT '',
    comment TEXT NOT NULL,
    shipment_type VARCHAR(255) NOT NULL DEFAULT '',
    creation_date TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    PRIMARY KEY (orders_parcel_tracking_code_id),
    KEY order_id (order_id),
    KEY tracking_code (tracking_code)
) ENGINE=InnoDB DEFAULT CHARSET=utf8;
