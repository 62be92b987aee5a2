INSERT INTO kunden (
    kunden_nr, suchschluessel, firma, vorname, nachname, strasse, adresszusatz, plz, ort, land,
    email, telefon, ustid, angelegt_am
) VALUES (
    :kunden_nr, :suchschluessel, :firma, :vorname, :nachname, :strasse, :adresszusatz, :plz, :ort, :land,
    :email, :telefon, :ustid, :angelegt_am
)
