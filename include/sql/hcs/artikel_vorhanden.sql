SELECT artikel_nr FROM artikel WHERE artikel_nr IN (:artikel_nr)
