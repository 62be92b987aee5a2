INSERT INTO belege (
    beleg_id, belegart, belegnummer, auftrag_nr, gedruckt_am, sendungsnummer, versanddienstleister
) VALUES (
    :beleg_id, :belegart, :belegnummer, :auftrag_nr, :gedruckt_am, :sendungsnummer, :versanddienstleister
)
