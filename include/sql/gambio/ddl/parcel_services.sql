-- parcel_services: the carriers a tracking code can belong to.
CREATE TABLE IF NOT EXISTS parcel_services (
    parcel_service_id INT(11) NOT NULL AUTO_INCREMENT,
    name VARCHAR(45) NOT NULL DEFAULT '',
    `default` TINYINT(4) NOT NULL DEFAULT 0,
    shipment_type VARCHAR(255) NOT NULL DEFAULT '',
    PRIMARY KEY (parcel_service_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8;

-- The five common carriers with their ids in a fresh GX 4.8.0.3 shop; DHL is the default.
INSERT IGNORE INTO parcel_services (parcel_service_id, name, `default`, shipment_type) VALUES
    (1, 'DHL', 1, ''),
    (2, 'DPD', 0, ''),
    (3, 'GLS', 0, ''),
    (4, 'Hermes', 0, ''),
    (5, 'UPS', 0, '');
