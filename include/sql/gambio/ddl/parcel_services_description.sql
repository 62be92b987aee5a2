-- parcel_services_description: the tracking url of each carrier per language.
-- {TRACKING_NUMBER} in url is replaced by the tracking code.
CREATE TABLE IF NOT EXISTS parcel_services_description (
    parcel_service_id INT(11) NOT NULL DEFAULT 0,
    language_id INT(11) NOT NULL DEFAULT 0,
    url VARCHAR(1023) NOT NULL DEFAULT '',
    comment TEXT NOT NULL,
    PRIMARY KEY (parcel_service_id, language_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8;

-- Urls and texts as in a fresh GX 4.8.0.3 shop (language 1 English, 2 German).
INSERT IGNORE INTO parcel_services_description (parcel_service_id, language_id, url, comment) VALUES
    (1, 1, 'http://nolp.dhl.de/nextt-online-public/set_identcodes.do?lang=en&idc={TRACKING_NUMBER}&rfn=&extendedSearch=true', 'You can access the shipment tracking for your order by visiting the link above.'),
    (1, 2, 'http://nolp.dhl.de/nextt-online-public/set_identcodes.do?lang=de&idc={TRACKING_NUMBER}&rfn=&extendedSearch=true', 'Die Sendungsverfolgung für Ihre Bestellung können Sie über den oben stehenden Link aufrufen.'),
    (2, 1, 'https://tracking.dpd.de/parcelstatus?query={TRACKING_NUMBER}&locale=en_DE', 'You can access the shipment tracking for your order by visiting the link above.'),
    (2, 2, 'https://tracking.dpd.de/parcelstatus?query={TRACKING_NUMBER}&locale=de_DE', 'Die Sendungsverfolgung für Ihre Bestellung können Sie über den oben stehenden Link aufrufen.'),
    (3, 1, 'https://gls-group.eu/DE/en/parcel-tracking?match={TRACKING_NUMBER}', 'You can access the shipment tracking for your order by visiting the link above.'),
    (3, 2, 'https://gls-group.eu/DE/de/paketverfolgung?match={TRACKING_NUMBER}', 'Die Sendungsverfolgung für Ihre Bestellung können Sie über den oben stehenden Link aufrufen.'),
    (4, 1, 'https://tracking.hermesworld.com/?TrackID={TRACKING_NUMBER}', 'You can access the shipment tracking for your order by visiting the link above.'),
    (4, 2, 'https://tracking.hermesworld.com/?TrackID={TRACKING_NUMBER}', 'Die Sendungsverfolgung für Ihre Bestellung können Sie über den oben stehenden Link aufrufen.'),
    (5, 1, 'https://www.ups.com/track?loc=en_EN&tracknum={TRACKING_NUMBER}', 'You can access the shipment tracking for your order by visiting the link above.'),
    (5, 2, 'https://www.ups.com/track?loc=de_DE&tracknum={TRACKING_NUMBER}', 'Die Sendungsverfolgung für Ihre Bestellung können Sie über den oben stehenden Link aufrufen.');
