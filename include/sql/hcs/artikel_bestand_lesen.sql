SELECT bestand
FROM artikel
WHERE artikel_nr = :artikel_nr
