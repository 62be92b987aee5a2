-- Article numbers on the unhandled delivery notes (and immediate invoices) of shop orders:
-- the articles whose shop stock the real-time path pushes.
SELECT DISTINCT p.artikel_nr
FROM belege b
JOIN auftraege a ON a.auftrag_nr = b.auftrag_nr
JOIN auftragspositionen p ON p.auftrag_nr = a.auftrag_nr
LEFT JOIN beleg_verarbeitung v ON v.beleg_id = b.beleg_id
WHERE v.beleg_id IS NULL
  AND b.belegart IN ('Lieferschein', 'Sofortrechnung')
  AND p.artikel_nr IS NOT NULL
