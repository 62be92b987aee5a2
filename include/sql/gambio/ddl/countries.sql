-- countries: countries_name is English and not per language; orders copy a country name as
-- text and the ISO code into *_country_iso_code_2.
CREATE TABLE IF NOT EXISTS countries (
    countries_id INT(11) NOT NULL AUTO_INCREMENT,
    countries_name VARCHAR(64) NOT NULL DEFAULT '',
    countries_iso_code_2 CHAR(2) NOT NULL DEFAULT '',
    countries_iso_code_3 CHAR(3) NOT NULL DEFAULT '',
    address_format_id INT(11) NOT NULL DEFAULT 0,
    status INT(1) NULL DEFAULT 1,
    is_state_mandatory INT(1) NULL DEFAULT 0,
    PRIMARY KEY (countries_id),
    UNIQUE KEY countries_iso_code_2 (countries_iso_code_2),
    UNIQUE KEY countries_iso_code_3 (countries_iso_code_3),
    KEY IDX_COUNTRIES_NAME (countries_name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8;

-- The countries the demo shop sells to, with their ids in a fresh GX 4.8.0.3 shop.
-- A fresh shop lists every country; these are the ones the bridge and its tests need.
INSERT IGNORE INTO countries (
    countries_id, countries_name, countries_iso_code_2, countries_iso_code_3,
    address_format_id, status, is_state_mandatory
) VALUES
    (14, 'Austria', 'AT', 'AUT', 5, 1, 0),
    (21, 'Belgium', 'BE', 'BEL', 1, 1, 0),
    (56, 'Czech Republic', 'CZ', 'CZE', 1, 1, 0),
    (57, 'Denmark', 'DK', 'DNK', 1, 1, 0),
    (73, 'France', 'FR', 'FRA', 1, 1, 0),
    (81, 'Germany', 'DE', 'DEU', 5, 1, 0),
    (105, 'Italy', 'IT', 'ITA', 1, 1, 0),
    (124, 'Luxembourg', 'LU', 'LUX', 1, 1, 0),
    (150, 'Netherlands', 'NL', 'NLD', 1, 1, 0),
    (170, 'Poland', 'PL', 'POL', 1, 1, 0),
    (195, 'Spain', 'ES', 'ESP', 3, 1, 0),
    (203, 'Sweden', 'SE', 'SWE', 1, 1, 0),
    (204, 'Switzerland', 'CH', 'CHE', 5, 1, 0),
    (222, 'United Kingdom', 'GB', 'GBR', 1, 1, 0),
    (223, 'United States of America', 'US', 'USA', 2, 1, 1);
