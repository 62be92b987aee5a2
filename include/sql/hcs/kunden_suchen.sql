SELECT suchschluessel, kunden_nr FROM kunden WHERE suchschluessel IN (:suchschluessel)
