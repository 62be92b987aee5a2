-- Every order outcome of one import run (lauf_id = the Airflow run_id), for the Übernahme-Protokoll.
-- A site override must return the same column names.
SELECT lauf_id, shop_bestellnr, ergebnis, auftrag_nr, marktplatz, marktplatz_bestellnr,
       kunde, summe_brutto, meldungen, protokolliert_am
FROM import_protokoll
WHERE lauf_id = :lauf_id
ORDER BY shop_bestellnr
