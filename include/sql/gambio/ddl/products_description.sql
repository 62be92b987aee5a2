-- products_description: name and texts of a product per language. gm_url_keywords is latin1
-- in a stock shop, unlike every other text column.
CREATE TABLE IF NOT EXISTS products_description (
    products_id INT(11) NOT NULL AUTO_INCREMENT,
    language_id INT(11) NOT NULL DEFAULT 1,
    products_name VARCHAR(255) NOT NULL DEFAULT '',
    products_description TEXT NULL,
    products_short_description TEXT NULL,
    products_keywords VARCHAR(255) NULL DEFAULT NULL,
    products_meta_title TEXT NOT NULL,
    products_meta_description TEXT NOT NULL,
    products_meta_keywords TEXT NOT NULL,
    products_url VARCHAR(255) NULL DEFAULT NULL,
    products_viewed INT(5) NULL DEFAULT 0,
    gm_alt_text VARCHAR(255) NULL DEFAULT NULL,
    gm_url_keywords VARCHAR(255) CHARACTER SET latin1 COLLATE latin1_general_cs NOT NULL DEFAULT '',
    checkout_information TEXT NOT NULL,
    PRIMARY KEY (products_id, language_id),
    KEY products_name (products_name),
    KEY language_id (language_id, products_keywords),
    KEY language_id_2 (language_id, products_name),
    KEY seo_boost_index (gm_url_keywords, products_id, language_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8;
