-- languages: the shop languages. Resolve a language by code ('de', 'en'), not by id.
-- orders.language contains the directory name ('german').
CREATE TABLE IF NOT EXISTS languages (
    languages_id INT(11) NOT NULL AUTO_INCREMENT,
    name VARCHAR(32) NOT NULL DEFAULT '',
    code CHAR(2) NOT NULL DEFAULT '',
    image VARCHAR(255) NULL DEFAULT NULL,
    directory VARCHAR(32) NULL DEFAULT NULL,
    sort_order INT(3) NULL DEFAULT NULL,
    language_charset TEXT NOT NULL,
    date_format VARCHAR(32) NOT NULL,
    date_format_long VARCHAR(32) NOT NULL,
    date_format_short VARCHAR(32) NOT NULL,
    date_time_format VARCHAR(32) NOT NULL,
    dob_format_string VARCHAR(32) NOT NULL,
    html_params TEXT NOT NULL,
    language_currency VARCHAR(32) NOT NULL,
    php_date_time_format VARCHAR(32) NOT NULL,
    status TINYINT(1) UNSIGNED NOT NULL DEFAULT 0,
    status_admin TINYINT(1) UNSIGNED NOT NULL DEFAULT 1,
    PRIMARY KEY (languages_id),
    KEY IDX_LANGUAGES_NAME (name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8;

-- The two languages of a fresh GX 4.8.0.3 shop: 1 English, 2 German (German sorts first).
INSERT IGNORE INTO languages (
    languages_id, name, code, image, directory, sort_order, language_charset,
    date_format, date_format_long, date_format_short, date_time_format, dob_format_string,
    html_params, language_currency, php_date_time_format, status, status_admin
) VALUES
    (1, 'English', 'en', 'icon.gif', 'english', 2, 'utf-8',
     'm/d/Y', 'l, d. F Y', 'm/d/Y', 'm/d/Y H:i:s', 'mm/dd/yyyy',
     'dir="ltr" lang="en"', 'USD', 'm/d/Y H:i:s', 1, 1),
    (2, 'Deutsch', 'de', 'icon.gif', 'german', 1, 'utf-8',
     'd.m.Y', 'l, d. F Y', 'd.m.Y', 'd.m.Y H:i:s', 'tt.mm.jjjj',
     'dir="ltr" lang="de"', 'EUR', 'd.m.Y H:i:s', 1, 1);
