-- Delivery notes (and immediate invoices, which deliver too) of shop orders that the status
-- write-back has not handled yet: how many, and the highest document id.
SELECT COUNT(*), MAX(b.beleg_id)
FROM belege b
JOIN auftraege a ON a.auftrag_nr = b.auftrag_nr
LEFT JOIN beleg_verarbeitung v ON v.beleg_id = b.beleg_id
WHERE v.beleg_id IS NULL
  AND b.belegart IN ('Lieferschein', 'Sofortrechnung')
