INSERT INTO auftragspositionen (
    auftrag_nr, pos_nr, positionsart, artikel_nr, bezeichnung, menge, einzelpreis_brutto,
    mwst_satz, betrag_brutto, betrag_netto, mwst_betrag
) VALUES (
    :auftrag_nr, :pos_nr, :positionsart, :artikel_nr, :bezeichnung, :menge, :einzelpreis_brutto,
    :mwst_satz, :betrag_brutto, :betrag_netto, :mwst_betrag
)
