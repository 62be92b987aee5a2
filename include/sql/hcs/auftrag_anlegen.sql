INSERT INTO auftraege (
    auftrag_nr, shop_bestellnr, kunden_nr, auftragsdatum, marktplatz, marktplatz_konto,
    marktplatz_bestellnr, versand_durch_marktplatz,
    liefer_firma, liefer_vorname, liefer_nachname, liefer_strasse, liefer_adresszusatz,
    liefer_plz, liefer_ort, liefer_land, ustid, waehrung, zahlungsart, versandart, bemerkung,
    summe_netto, summe_mwst, summe_brutto, shop_positionen, shop_fingerabdruck,
    importiert_am, import_lauf
) VALUES (
    :auftrag_nr, :shop_bestellnr, :kunden_nr, :auftragsdatum, :marktplatz, :marktplatz_konto,
    :marktplatz_bestellnr, :versand_durch_marktplatz,
    :liefer_firma, :liefer_vorname, :liefer_nachname, :liefer_strasse, :liefer_adresszusatz,
    :liefer_plz, :liefer_ort, :liefer_land, :ustid, :waehrung, :zahlungsart, :versandart, :bemerkung,
    :summe_netto, :summe_mwst, :summe_brutto, :shop_positionen, :shop_fingerabdruck,
    :importiert_am, :import_lauf
)
