INSERT INTO lagerbewegungen (
    bewegung_id, artikel_nr, menge, bewegungsart, beleg_id, gebucht_am
) VALUES (
    :bewegung_id, :artikel_nr, :menge, :bewegungsart, :beleg_id, :gebucht_am
)
