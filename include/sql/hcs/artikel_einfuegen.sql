INSERT INTO artikel (
    artikel_nr, bezeichnung, ean, mwst_satz, vk_brutto, bestand, geaendert_am
) VALUES (
    :artikel_nr, :bezeichnung, :ean, :mwst_satz, :vk_brutto, :bestand, :geaendert_am
)
