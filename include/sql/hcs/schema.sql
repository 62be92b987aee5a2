-- Reference HCS 2000 schema: stands in for a site's HCS database in the demo and the tests.
-- Portable across the SQLite3 ODBC driver and MariaDB Connector/ODBC: no AUTO_INCREMENT,
-- numbers come from the number ranges (nummernkreise) as in the ERP itself.
-- Statements are separated by a semicolon at the end of a line.
-- Money is DECIMAL(12,2), quantities and stock DECIMAL(15,4); SQLite stores them with
-- NUMERIC affinity, so readers convert through Decimal and never sum money in SQL.
-- Datetimes are local time of the shop's time zone, as WinHCS writes them.

CREATE TABLE nummernkreise (
    nummernkreis VARCHAR(20) NOT NULL PRIMARY KEY,
    letzte_nr BIGINT NOT NULL
);

INSERT INTO nummernkreise (nummernkreis, letzte_nr) VALUES ('kunde', 10000);
INSERT INTO nummernkreise (nummernkreis, letzte_nr) VALUES ('auftrag', 200000);
INSERT INTO nummernkreise (nummernkreis, letzte_nr) VALUES ('beleg', 500000);
INSERT INTO nummernkreise (nummernkreis, letzte_nr) VALUES ('lagerbewegung', 0);

-- Kunden: one row per buyer. suchschluessel is the SHA-1 of the normalised e-mail,
-- name and billing address, so repeated guest orders of one buyer find one customer.
CREATE TABLE kunden (
    kunden_nr BIGINT NOT NULL PRIMARY KEY,
    suchschluessel CHAR(40) NOT NULL,
    firma VARCHAR(50) NOT NULL DEFAULT '',
    vorname VARCHAR(40) NOT NULL DEFAULT '',
    nachname VARCHAR(40) NOT NULL DEFAULT '',
    strasse VARCHAR(50) NOT NULL DEFAULT '',
    adresszusatz VARCHAR(50) NOT NULL DEFAULT '',
    plz VARCHAR(10) NOT NULL DEFAULT '',
    ort VARCHAR(40) NOT NULL DEFAULT '',
    land CHAR(2) NOT NULL DEFAULT '',
    email VARCHAR(96) NOT NULL DEFAULT '',
    telefon VARCHAR(30) NOT NULL DEFAULT '',
    ustid VARCHAR(20) NOT NULL DEFAULT '',
    angelegt_am DATETIME NOT NULL
);

CREATE UNIQUE INDEX kunden_suchschluessel ON kunden (suchschluessel);

-- Artikel: the article master with the stock on hand (bestand).
CREATE TABLE artikel (
    artikel_nr VARCHAR(30) NOT NULL PRIMARY KEY,
    bezeichnung VARCHAR(60) NOT NULL DEFAULT '',
    ean VARCHAR(20) NOT NULL DEFAULT '',
    mwst_satz DECIMAL(5,2) NOT NULL DEFAULT 19,
    vk_brutto DECIMAL(12,2) NOT NULL DEFAULT 0,
    bestand DECIMAL(15,4) NOT NULL DEFAULT 0,
    geaendert_am DATETIME NOT NULL
);

-- Auftraege: one HCS order per shop order; shop_bestellnr (Gambio orders_id) is unique,
-- which makes the import exactly-once. The delivery address is copied into the order.
CREATE TABLE auftraege (
    auftrag_nr BIGINT NOT NULL PRIMARY KEY,
    shop_bestellnr BIGINT NOT NULL,
    kunden_nr BIGINT NOT NULL,
    auftragsdatum DATETIME NOT NULL,
    marktplatz VARCHAR(20) NOT NULL DEFAULT '',
    marktplatz_konto VARCHAR(20) NOT NULL DEFAULT '',
    marktplatz_bestellnr VARCHAR(1000) NOT NULL DEFAULT '',
    versand_durch_marktplatz SMALLINT NOT NULL DEFAULT 0,
    liefer_firma VARCHAR(50) NOT NULL DEFAULT '',
    liefer_vorname VARCHAR(40) NOT NULL DEFAULT '',
    liefer_nachname VARCHAR(40) NOT NULL DEFAULT '',
    liefer_strasse VARCHAR(50) NOT NULL DEFAULT '',
    liefer_adresszusatz VARCHAR(50) NOT NULL DEFAULT '',
    liefer_plz VARCHAR(10) NOT NULL DEFAULT '',
    liefer_ort VARCHAR(40) NOT NULL DEFAULT '',
    liefer_land CHAR(2) NOT NULL DEFAULT '',
    ustid VARCHAR(20) NOT NULL DEFAULT '',
    waehrung CHAR(3) NOT NULL DEFAULT 'EUR',
    zahlungsart VARCHAR(100) NOT NULL DEFAULT '',
    versandart VARCHAR(100) NOT NULL DEFAULT '',
    bemerkung VARCHAR(1000) NOT NULL DEFAULT '',
    summe_netto DECIMAL(12,2) NOT NULL,
    summe_mwst DECIMAL(12,2) NOT NULL,
    summe_brutto DECIMAL(12,2) NOT NULL,
    shop_positionen INTEGER NOT NULL,
    shop_fingerabdruck CHAR(40) NOT NULL,
    importiert_am DATETIME NOT NULL,
    import_lauf VARCHAR(250) NOT NULL
);

CREATE UNIQUE INDEX auftraege_shop_bestellnr ON auftraege (shop_bestellnr);

CREATE INDEX auftraege_kunden_nr ON auftraege (kunden_nr);

-- Auftragspositionen: positionsart is Artikel, Freitext, Versand, Gebuehr, Gutschein or Rabatt.
CREATE TABLE auftragspositionen (
    auftrag_nr BIGINT NOT NULL,
    pos_nr INTEGER NOT NULL,
    positionsart VARCHAR(12) NOT NULL,
    artikel_nr VARCHAR(30),
    bezeichnung VARCHAR(60) NOT NULL DEFAULT '',
    menge DECIMAL(15,4) NOT NULL,
    einzelpreis_brutto DECIMAL(15,4) NOT NULL,
    mwst_satz DECIMAL(5,2) NOT NULL,
    betrag_brutto DECIMAL(12,2) NOT NULL,
    betrag_netto DECIMAL(12,2) NOT NULL,
    mwst_betrag DECIMAL(12,2) NOT NULL,
    PRIMARY KEY (auftrag_nr, pos_nr)
);

CREATE INDEX auftragspositionen_artikel_nr ON auftragspositionen (artikel_nr);

-- Belege: printed documents. beleg_id grows monotonically with every print, so a reader
-- can resume after the highest id it processed. belegart is Lieferschein, Rechnung,
-- Sofortrechnung, Gutschrift or Storno.
CREATE TABLE belege (
    beleg_id BIGINT NOT NULL PRIMARY KEY,
    belegart VARCHAR(20) NOT NULL,
    belegnummer VARCHAR(20) NOT NULL,
    auftrag_nr BIGINT NOT NULL,
    gedruckt_am DATETIME NOT NULL,
    sendungsnummer VARCHAR(64) NOT NULL DEFAULT '',
    versanddienstleister VARCHAR(40) NOT NULL DEFAULT ''
);

CREATE INDEX belege_auftrag_nr ON belege (auftrag_nr);

-- Lagerbewegungen: the stock journal; menge is signed (negative = goods out).
-- bewegungsart is Lieferschein, Wareneingang, Thekenverkauf, Inventur or Storno.
CREATE TABLE lagerbewegungen (
    bewegung_id BIGINT NOT NULL PRIMARY KEY,
    artikel_nr VARCHAR(30) NOT NULL,
    menge DECIMAL(15,4) NOT NULL,
    bewegungsart VARCHAR(20) NOT NULL,
    beleg_id BIGINT,
    gebucht_am DATETIME NOT NULL
);

CREATE INDEX lagerbewegungen_artikel_nr ON lagerbewegungen (artikel_nr);

-- Import-Protokoll: the outcome of every order in every import run (importiert, abgelehnt,
-- vorhanden, gewachsen). An imported order's row is written in the same transaction as the
-- order, so the protocol of any past run can be rebuilt from this table alone.
-- meldungen is a JSON list of {"code", "field", "value"} objects; texts are rendered later
-- in the configured language.
CREATE TABLE import_protokoll (
    lauf_id VARCHAR(250) NOT NULL,
    shop_bestellnr BIGINT NOT NULL,
    ergebnis VARCHAR(20) NOT NULL,
    auftrag_nr BIGINT,
    marktplatz VARCHAR(20) NOT NULL DEFAULT '',
    marktplatz_bestellnr VARCHAR(1000) NOT NULL DEFAULT '',
    kunde VARCHAR(100) NOT NULL DEFAULT '',
    summe_brutto DECIMAL(12,2),
    meldungen VARCHAR(4000) NOT NULL DEFAULT '',
    protokolliert_am DATETIME NOT NULL,
    PRIMARY KEY (lauf_id, shop_bestellnr)
);

CREATE INDEX import_protokoll_shop_bestellnr ON import_protokoll (shop_bestellnr);

-- Shop-Abweichungen: shop orders that changed after their import (for example an eBay
-- purchase that magnalister merged into an order HCS already has). One row per order and
-- fingerprint, so each change is reported once.
CREATE TABLE shop_abweichungen (
    shop_bestellnr BIGINT NOT NULL,
    shop_fingerabdruck CHAR(40) NOT NULL,
    gemeldet_am DATETIME NOT NULL,
    PRIMARY KEY (shop_bestellnr, shop_fingerabdruck)
);

-- Beleg-Verarbeitung: every HCS document the status write-back has handled, one row each, so
-- no document is processed twice and none is skipped. ergebnis is geschrieben (Gambio
-- updated), unveraendert (nothing to write, for example a status that would move backwards),
-- bestellung_fehlt (the shop order was deleted) or ignoriert (a document type that is off).
-- A document that waits (an invoice before magnalister confirmed shipping) gets no row yet.
CREATE TABLE beleg_verarbeitung (
    beleg_id BIGINT NOT NULL PRIMARY KEY,
    shop_bestellnr BIGINT,
    ergebnis VARCHAR(20) NOT NULL,
    meldung VARCHAR(1000) NOT NULL DEFAULT '',
    verarbeitet_am DATETIME NOT NULL
);
