-- Documents of shop orders that the status write-back has not recorded yet, oldest first.
-- Every run starts at beleg_id 0 and pages by the last beleg_id it read, so a document
-- that waited in an earlier run, or whose run crashed, is read again: no time watermark.
-- A site whose HCS also contains orders from other channels keeps them out here, by joining
-- only orders that carry a shop order number.
SELECT
    b.beleg_id,
    b.belegart,
    b.belegnummer,
    b.auftrag_nr,
    b.gedruckt_am,
    b.sendungsnummer,
    b.versanddienstleister,
    a.shop_bestellnr,
    a.versand_durch_marktplatz
FROM belege b
JOIN auftraege a ON a.auftrag_nr = b.auftrag_nr
LEFT JOIN beleg_verarbeitung v ON v.beleg_id = b.beleg_id
WHERE v.beleg_id IS NULL
  AND b.beleg_id > :nach_beleg_id
ORDER BY b.beleg_id
LIMIT :anzahl
