INSERT INTO import_protokoll (
    lauf_id, shop_bestellnr, ergebnis, auftrag_nr, marktplatz, marktplatz_bestellnr, kunde,
    summe_brutto, meldungen, protokolliert_am
) VALUES (
    :lauf_id, :shop_bestellnr, :ergebnis, :auftrag_nr, :marktplatz, :marktplatz_bestellnr, :kunde,
    :summe_brutto, :meldungen, :protokolliert_am
)
