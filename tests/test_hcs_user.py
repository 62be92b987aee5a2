"""The HCS user tool on both ODBC drivers: documents, stock bookings, number ranges, seeding."""

from __future__ import annotations

import threading
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from gambio_hcs_bridge.cli import main
from gambio_hcs_bridge.hcs_numbers import NumberRangeNotFound, allocate_numbers
from gambio_hcs_bridge.hcs_user import (
    ArticleNotFound,
    ArticleSeed,
    OrderNotFound,
    book_stock,
    find_auftrag_nr,
    print_document,
    seed_articles,
    seed_articles_from_gambio,
)

ORDER_TIME = datetime(2024, 5, 6, 9, 15, 0)
PRINT_TIME = datetime(2024, 5, 7, 14, 30, 5)

ARTICLES = [
    ArticleSeed("A-100", "Tasse blau", "4006381333931", Decimal("19"), Decimal("12.90"), Decimal("50")),
    ArticleSeed("B-200", "Kaffee 500 g", "", Decimal("7"), Decimal("8.49"), Decimal("10.5")),
    ArticleSeed("C-300", "Untersetzer", "", Decimal("19"), Decimal("3.00"), Decimal("7")),
]


def insert_order(conn, auftrag_nr, positions, *, shop_bestellnr=None, fba=False):
    """Insert an HCS order with positions (positionsart, artikel_nr, menge) as the importer would."""
    cursor = conn.cursor()
    unit_price = Decimal("11.90")
    lines = []
    for pos_nr, (positionsart, artikel_nr, menge) in enumerate(positions, start=1):
        brutto = (unit_price * menge).quantize(Decimal("0.01"))
        netto = (brutto / Decimal("1.19")).quantize(Decimal("0.01"))
        lines.append((auftrag_nr, pos_nr, positionsart, artikel_nr, f"Position {pos_nr}", menge, unit_price,
                      Decimal("19"), brutto, netto, brutto - netto))

    cursor.execute(
        "INSERT INTO auftraege (auftrag_nr, shop_bestellnr, kunden_nr, auftragsdatum, versand_durch_marktplatz,"
        " summe_netto, summe_mwst, summe_brutto, shop_positionen, shop_fingerabdruck, importiert_am, import_lauf)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            auftrag_nr,
            shop_bestellnr if shop_bestellnr is not None else auftrag_nr + 200000,
            10001,
            ORDER_TIME,
            1 if fba else 0,
            sum((line[9] for line in lines), Decimal(0)),
            sum((line[10] for line in lines), Decimal(0)),
            sum((line[8] for line in lines), Decimal(0)),
            len(lines),
            "f" * 40,
            ORDER_TIME,
            "manual__2024-05-06T09:20:00",
        ),
    )
    cursor.executemany(
        "INSERT INTO auftragspositionen (auftrag_nr, pos_nr, positionsart, artikel_nr, bezeichnung, menge,"
        " einzelpreis_brutto, mwst_satz, betrag_brutto, betrag_netto, mwst_betrag)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        lines,
    )
    conn.commit()


def stock(conn, artikel_nr):
    cursor = conn.cursor()
    cursor.execute("SELECT bestand FROM artikel WHERE artikel_nr = ?", (artikel_nr,))
    return Decimal(str(cursor.fetchone()[0]))


def movements(conn, beleg_id=None):
    """Return the journal rows as (artikel_nr, menge, bewegungsart, beleg_id), oldest first."""
    cursor = conn.cursor()
    if beleg_id is None:
        cursor.execute("SELECT artikel_nr, menge, bewegungsart, beleg_id FROM lagerbewegungen ORDER BY bewegung_id")
    else:
        cursor.execute(
            "SELECT artikel_nr, menge, bewegungsart, beleg_id FROM lagerbewegungen WHERE beleg_id = ?"
            " ORDER BY bewegung_id",
            (beleg_id,),
        )
    return [(nr, Decimal(str(menge)), art, None if beleg is None else int(beleg)) for nr, menge, art, beleg in cursor]


def document(conn, beleg_id):
    cursor = conn.cursor()
    cursor.execute(
        "SELECT belegart, belegnummer, auftrag_nr, gedruckt_am, sendungsnummer, versanddienstleister"
        " FROM belege WHERE beleg_id = ?",
        (beleg_id,),
    )
    return cursor.fetchone()


def last_number(conn, nummernkreis):
    cursor = conn.cursor()
    cursor.execute("SELECT letzte_nr FROM nummernkreise WHERE nummernkreis = ?", (nummernkreis,))
    return int(cursor.fetchone()[0])


@pytest.fixture
def hcs(hcs_db):
    """The HCS database with the three test articles in the article master."""
    seed_articles(hcs_db, ARTICLES)
    return hcs_db


# --- documents -------------------------------------------------------------------------


def test_lieferschein_reduces_stock_per_position(hcs):
    insert_order(hcs, 200001, [("Artikel", "A-100", Decimal("3")), ("Artikel", "B-200", Decimal("2")),
                               ("Versand", None, Decimal("1"))])

    beleg_id = print_document(hcs, 200001, "Lieferschein", printed_at=PRINT_TIME,
                              tracking_number="00340434161094042557", carrier="DHL")

    assert stock(hcs, "A-100") == Decimal("47")
    assert stock(hcs, "B-200") == Decimal("8.5")
    assert stock(hcs, "C-300") == Decimal("7")
    assert movements(hcs, beleg_id) == [
        ("A-100", Decimal("-3"), "Lieferschein", beleg_id),
        ("B-200", Decimal("-2"), "Lieferschein", beleg_id),
    ]


def test_lieferschein_document_row(hcs):
    insert_order(hcs, 200001, [("Artikel", "A-100", Decimal("1"))])

    beleg_id = print_document(hcs, 200001, "Lieferschein", printed_at=PRINT_TIME,
                              tracking_number="00340434161094042557", carrier="DHL")
    row = document(hcs, beleg_id)

    assert beleg_id == 500001
    assert row.belegart == "Lieferschein"
    assert row.belegnummer == "LS-500001"
    assert int(row.auftrag_nr) == 200001
    assert row.gedruckt_am == PRINT_TIME
    assert row.sendungsnummer == "00340434161094042557"
    assert row.versanddienstleister == "DHL"


def test_lieferschein_same_article_twice(hcs):
    insert_order(hcs, 200001, [("Artikel", "A-100", Decimal("1")), ("Artikel", "A-100", Decimal("4"))])

    beleg_id = print_document(hcs, 200001, "Lieferschein", printed_at=PRINT_TIME)

    assert stock(hcs, "A-100") == Decimal("45")
    assert movements(hcs, beleg_id) == [
        ("A-100", Decimal("-1"), "Lieferschein", beleg_id),
        ("A-100", Decimal("-4"), "Lieferschein", beleg_id),
    ]


def test_lieferschein_reprint_books_nothing(hcs):
    insert_order(hcs, 200001, [("Artikel", "A-100", Decimal("3"))])

    print_document(hcs, 200001, "Lieferschein", printed_at=PRINT_TIME)
    second = print_document(hcs, 200001, "Lieferschein", printed_at=PRINT_TIME)

    assert stock(hcs, "A-100") == Decimal("47")
    assert movements(hcs, second) == []


def test_fba_order_books_no_stock(hcs):
    insert_order(hcs, 200001, [("Artikel", "A-100", Decimal("3"))], fba=True)

    lieferschein = print_document(hcs, 200001, "Lieferschein", printed_at=PRINT_TIME)
    sofortrechnung = print_document(hcs, 200001, "Sofortrechnung", printed_at=PRINT_TIME)
    storno = print_document(hcs, 200001, "Storno", printed_at=PRINT_TIME)

    assert stock(hcs, "A-100") == Decimal("50")
    assert movements(hcs) == []
    assert document(hcs, lieferschein).belegnummer == "LS-500001"
    assert document(hcs, sofortrechnung).belegnummer == "SR-500002"
    assert document(hcs, storno).belegnummer == "ST-500003"


def test_sofortrechnung_without_lieferschein_books_once(hcs):
    insert_order(hcs, 200001, [("Artikel", "A-100", Decimal("3")), ("Artikel", "C-300", Decimal("2"))])

    beleg_id = print_document(hcs, 200001, "Sofortrechnung", printed_at=PRINT_TIME)
    print_document(hcs, 200001, "Rechnung", printed_at=PRINT_TIME)
    print_document(hcs, 200001, "Sofortrechnung", printed_at=PRINT_TIME)

    assert stock(hcs, "A-100") == Decimal("47")
    assert stock(hcs, "C-300") == Decimal("5")
    assert movements(hcs) == [
        ("A-100", Decimal("-3"), "Lieferschein", beleg_id),
        ("C-300", Decimal("-2"), "Lieferschein", beleg_id),
    ]


def test_sofortrechnung_after_lieferschein_books_nothing(hcs):
    insert_order(hcs, 200001, [("Artikel", "A-100", Decimal("3"))])

    lieferschein = print_document(hcs, 200001, "Lieferschein", printed_at=PRINT_TIME)
    sofortrechnung = print_document(hcs, 200001, "Sofortrechnung", printed_at=PRINT_TIME)

    assert stock(hcs, "A-100") == Decimal("47")
    assert movements(hcs, sofortrechnung) == []
    assert movements(hcs) == [("A-100", Decimal("-3"), "Lieferschein", lieferschein)]


def test_rechnung_and_gutschrift_book_nothing(hcs):
    insert_order(hcs, 200001, [("Artikel", "A-100", Decimal("3"))])

    print_document(hcs, 200001, "Rechnung", printed_at=PRINT_TIME)
    print_document(hcs, 200001, "Gutschrift", printed_at=PRINT_TIME)

    assert stock(hcs, "A-100") == Decimal("50")
    assert movements(hcs) == []


def test_storno_books_delivered_stock_back(hcs):
    insert_order(hcs, 200001, [("Artikel", "A-100", Decimal("3")), ("Artikel", "B-200", Decimal("2.5"))])

    print_document(hcs, 200001, "Lieferschein", printed_at=PRINT_TIME)
    storno = print_document(hcs, 200001, "Storno", printed_at=PRINT_TIME)
    second_storno = print_document(hcs, 200001, "Storno", printed_at=PRINT_TIME)

    assert stock(hcs, "A-100") == Decimal("50")
    assert stock(hcs, "B-200") == Decimal("10.5")
    assert movements(hcs, storno) == [
        ("A-100", Decimal("3"), "Storno", storno),
        ("B-200", Decimal("2.5"), "Storno", storno),
    ]
    assert movements(hcs, second_storno) == []


def test_storno_of_undelivered_order_books_nothing(hcs):
    insert_order(hcs, 200001, [("Artikel", "A-100", Decimal("3"))])

    print_document(hcs, 200001, "Storno", printed_at=PRINT_TIME)

    assert stock(hcs, "A-100") == Decimal("50")
    assert movements(hcs) == []


def test_lieferschein_after_storno_books_again(hcs):
    insert_order(hcs, 200001, [("Artikel", "A-100", Decimal("3"))])

    print_document(hcs, 200001, "Lieferschein", printed_at=PRINT_TIME)
    print_document(hcs, 200001, "Storno", printed_at=PRINT_TIME)
    print_document(hcs, 200001, "Lieferschein", printed_at=PRINT_TIME)

    assert stock(hcs, "A-100") == Decimal("47")
    assert [menge for _, menge, _, _ in movements(hcs)] == [Decimal("-3"), Decimal("3"), Decimal("-3")]


def test_beleg_ids_increase_strictly(hcs):
    insert_order(hcs, 200001, [("Artikel", "A-100", Decimal("1"))])
    insert_order(hcs, 200002, [("Artikel", "C-300", Decimal("1"))])

    printed = [
        print_document(hcs, 200001, "Lieferschein", printed_at=PRINT_TIME),
        print_document(hcs, 200002, "Rechnung", printed_at=PRINT_TIME),
        print_document(hcs, 200001, "Sofortrechnung", printed_at=PRINT_TIME),
        print_document(hcs, 200002, "Gutschrift", printed_at=PRINT_TIME),
        print_document(hcs, 200001, "Storno", printed_at=PRINT_TIME),
    ]

    assert printed == [500001, 500002, 500003, 500004, 500005]
    assert [document(hcs, beleg_id).belegnummer for beleg_id in printed] == [
        "LS-500001",
        "RE-500002",
        "SR-500003",
        "GS-500004",
        "ST-500005",
    ]


def test_fractional_quantities_exact(hcs):
    insert_order(hcs, 200001, [("Artikel", "B-200", Decimal("2.5")), ("Artikel", "B-200", Decimal("0.3333"))])

    beleg_id = print_document(hcs, 200001, "Lieferschein", printed_at=PRINT_TIME)

    assert stock(hcs, "B-200") == Decimal("7.6667")
    assert movements(hcs, beleg_id) == [
        ("B-200", Decimal("-2.5"), "Lieferschein", beleg_id),
        ("B-200", Decimal("-0.3333"), "Lieferschein", beleg_id),
    ]


def test_printed_at_defaults_to_berlin_local_time(hcs):
    insert_order(hcs, 200001, [("Artikel", "A-100", Decimal("1"))])
    berlin = ZoneInfo("Europe/Berlin")

    before = datetime.now(berlin).replace(tzinfo=None, microsecond=0)
    beleg_id = print_document(hcs, 200001, "Rechnung")
    after = datetime.now(berlin).replace(tzinfo=None)
    printed_at = document(hcs, beleg_id).gedruckt_am

    assert printed_at.tzinfo is None
    assert before <= printed_at <= after


def test_printed_at_aware_converted_to_berlin(hcs):
    insert_order(hcs, 200001, [("Artikel", "A-100", Decimal("1"))])
    utc_time = datetime(2024, 10, 27, 0, 30, 0, tzinfo=ZoneInfo("UTC"))

    beleg_id = print_document(hcs, 200001, "Rechnung", printed_at=utc_time)

    assert document(hcs, beleg_id).gedruckt_am == datetime(2024, 10, 27, 2, 30, 0)


def test_print_unknown_order_writes_nothing(hcs):
    with pytest.raises(OrderNotFound, match="999999"):
        print_document(hcs, 999999, "Lieferschein", printed_at=PRINT_TIME)

    assert last_number(hcs, "beleg") == 500000


def test_print_unknown_article_rolls_back(hcs):
    insert_order(hcs, 200001, [("Artikel", "A-100", Decimal("3")), ("Artikel", "X-999", Decimal("1"))])

    with pytest.raises(ArticleNotFound, match="X-999"):
        print_document(hcs, 200001, "Lieferschein", printed_at=PRINT_TIME)

    cursor = hcs.cursor()
    cursor.execute("SELECT COUNT(*) FROM belege")
    assert int(cursor.fetchone()[0]) == 0
    assert stock(hcs, "A-100") == Decimal("50")
    assert movements(hcs) == []
    assert last_number(hcs, "beleg") == 500000


def test_print_invalid_belegart_rejected(hcs):
    insert_order(hcs, 200001, [("Artikel", "A-100", Decimal("1"))])

    with pytest.raises(ValueError, match="Packzettel"):
        print_document(hcs, 200001, "Packzettel", printed_at=PRINT_TIME)


def test_print_overlong_tracking_rejected(hcs):
    insert_order(hcs, 200001, [("Artikel", "A-100", Decimal("1"))])

    with pytest.raises(ValueError, match="sendungsnummer"):
        print_document(hcs, 200001, "Lieferschein", tracking_number="9" * 65)


def test_find_auftrag_nr_by_shop_order(hcs):
    insert_order(hcs, 200001, [("Artikel", "A-100", Decimal("1"))], shop_bestellnr=400210)

    assert find_auftrag_nr(hcs, 400210) == 200001
    with pytest.raises(OrderNotFound, match="400211"):
        find_auftrag_nr(hcs, 400211)


# --- stock without documents -----------------------------------------------------------


def test_book_stock_wareneingang(hcs):
    bewegung_id = book_stock(hcs, "A-100", Decimal("20"), "Wareneingang", booked_at=PRINT_TIME)

    assert bewegung_id == 1
    assert stock(hcs, "A-100") == Decimal("70")
    assert movements(hcs) == [("A-100", Decimal("20"), "Wareneingang", None)]


def test_book_stock_thekenverkauf_repeated_tenths(hcs):
    book_stock(hcs, "C-300", Decimal("-0.1"), "Thekenverkauf", booked_at=PRINT_TIME)
    book_stock(hcs, "C-300", Decimal("-0.1"), "Thekenverkauf", booked_at=PRINT_TIME)
    book_stock(hcs, "C-300", Decimal("-0.1"), "Thekenverkauf", booked_at=PRINT_TIME)

    assert stock(hcs, "C-300") == Decimal("6.7")


def test_book_stock_inventur_books_difference(hcs):
    first = book_stock(hcs, "A-100", Decimal("42"), "Inventur", booked_at=PRINT_TIME)
    second = book_stock(hcs, "A-100", Decimal("42"), "Inventur", booked_at=PRINT_TIME)

    assert stock(hcs, "A-100") == Decimal("42")
    assert second == first + 1
    assert movements(hcs) == [
        ("A-100", Decimal("-8"), "Inventur", None),
        ("A-100", Decimal("0"), "Inventur", None),
    ]


def test_book_stock_inventur_fractional_count(hcs):
    book_stock(hcs, "B-200", Decimal("12.25"), "Inventur", booked_at=PRINT_TIME)

    assert stock(hcs, "B-200") == Decimal("12.25")
    assert movements(hcs) == [("B-200", Decimal("1.75"), "Inventur", None)]


def test_book_stock_unknown_article_rolls_back(hcs):
    with pytest.raises(ArticleNotFound, match="X-999"):
        book_stock(hcs, "X-999", Decimal("5"), "Wareneingang")

    assert movements(hcs) == []
    assert last_number(hcs, "lagerbewegung") == 0


@pytest.mark.parametrize(
    ("menge", "bewegungsart", "message"),
    [
        (Decimal("5"), "Lieferschein", "bewegungsart"),
        (Decimal("0"), "Wareneingang", "non-zero"),
        (Decimal("-1"), "Inventur", "negative"),
        (Decimal("0.00001"), "Wareneingang", "decimal places"),
    ],
)
def test_book_stock_invalid_input_rejected(hcs, menge, bewegungsart, message):
    with pytest.raises(ValueError, match=message):
        book_stock(hcs, "A-100", menge, bewegungsart)

    assert stock(hcs, "A-100") == Decimal("50")


# --- number ranges ---------------------------------------------------------------------


def test_allocate_numbers_consecutive_blocks(hcs_db):
    cursor = hcs_db.cursor()

    first_block = allocate_numbers(cursor, "auftrag", 3)
    second_block = allocate_numbers(cursor, "auftrag", 2)
    hcs_db.commit()

    assert first_block == 200001
    assert second_block == 200004
    assert set(range(first_block, first_block + 3)).isdisjoint(range(second_block, second_block + 2))
    assert last_number(hcs_db, "auftrag") == 200005


def test_allocate_numbers_concurrent_caller_waits(hcs_db, hcs_connection):
    import pyodbc

    from gambio_hcs_bridge.devstack.config import odbc_connection_string

    hcs_db.commit()
    other = pyodbc.connect(odbc_connection_string(hcs_connection), autocommit=False)
    results = {}

    def allocate_in_other_connection():
        results["first"] = allocate_numbers(other.cursor(), "beleg", 2)
        other.commit()

    try:
        first_block = allocate_numbers(hcs_db.cursor(), "beleg", 3)
        thread = threading.Thread(target=allocate_in_other_connection)
        thread.start()
        thread.join(timeout=1.0)
        waited = thread.is_alive()
        hcs_db.commit()
        thread.join(timeout=30.0)
    finally:
        other.close()

    assert first_block == 500001
    assert waited
    assert results["first"] == 500004


def test_allocate_numbers_rollback_returns_block(hcs_db):
    cursor = hcs_db.cursor()

    allocate_numbers(cursor, "kunde", 5)
    hcs_db.rollback()

    assert allocate_numbers(cursor, "kunde", 1) == 10001


def test_allocate_numbers_missing_range(hcs_db):
    with pytest.raises(NumberRangeNotFound, match="rechnung"):
        allocate_numbers(hcs_db.cursor(), "rechnung", 1)


def test_allocate_numbers_rejects_zero_count(hcs_db):
    with pytest.raises(ValueError, match="at least 1"):
        allocate_numbers(hcs_db.cursor(), "kunde", 0)


# --- article master --------------------------------------------------------------------


def test_seed_articles_values(hcs):
    cursor = hcs.cursor()
    cursor.execute(
        "SELECT artikel_nr, bezeichnung, ean, mwst_satz, vk_brutto, bestand FROM artikel ORDER BY artikel_nr"
    )
    rows = [
        (nr, name, ean, Decimal(str(vat)), Decimal(str(price)), Decimal(str(on_hand)))
        for nr, name, ean, vat, price, on_hand in cursor.fetchall()
    ]

    assert rows == [
        ("A-100", "Tasse blau", "4006381333931", Decimal("19"), Decimal("12.90"), Decimal("50")),
        ("B-200", "Kaffee 500 g", "", Decimal("7"), Decimal("8.49"), Decimal("10.5")),
        ("C-300", "Untersetzer", "", Decimal("19"), Decimal("3.00"), Decimal("7")),
    ]


def test_seed_articles_in_batches(hcs_db):
    articles = [ArticleSeed(f"S-{index:03d}", bestand=Decimal(index)) for index in range(7)]

    inserted = seed_articles(hcs_db, articles, batch_size=3)

    cursor = hcs_db.cursor()
    cursor.execute("SELECT COUNT(*) FROM artikel")
    assert inserted == 7
    assert int(cursor.fetchone()[0]) == 7
    assert stock(hcs_db, "S-006") == Decimal("6")


def test_seed_articles_overlong_number_rejected(hcs_db):
    with pytest.raises(ValueError, match="artikel_nr"):
        seed_articles(hcs_db, [ArticleSeed("A" * 31)])


def test_seed_articles_duplicate_rolls_back(hcs_db):
    import pyodbc

    # The SQLite3 ODBC driver reports the violation as a plain pyodbc.Error (SQLSTATE HY000).
    with pytest.raises(pyodbc.Error, match="(?i)unique|duplicate"):
        seed_articles(hcs_db, [ArticleSeed("D-1"), ArticleSeed("D-2"), ArticleSeed("D-1")])

    cursor = hcs_db.cursor()
    cursor.execute("SELECT COUNT(*) FROM artikel")
    assert int(cursor.fetchone()[0]) == 0


def test_autocommit_connection_rejected(hcs):
    hcs.autocommit = True
    try:
        with pytest.raises(ValueError, match="autocommit"):
            book_stock(hcs, "A-100", Decimal("1"), "Wareneingang")
    finally:
        hcs.autocommit = False



# --- article master from a Gambio shop -------------------------------------------------


def insert_gambio_catalog(gambio_db):
    """A small shop: plain products, variants, attributes, a duplicate and unusable SKUs."""
    cursor = gambio_db.cursor()
    cursor.executemany(
        "INSERT INTO products (products_id, products_model, products_ean, products_price, products_tax_class_id)"
        " VALUES (%s, %s, %s, %s, %s)",
        [
            (1, "TS-1", "4006381333931", Decimal("10.0000"), 1),
            (2, "KF-500", None, Decimal("7.9346"), 2),
            (3, "", None, Decimal("15.0000"), 1),
            (4, None, None, Decimal("5.0000"), 5),
        ],
    )
    cursor.executemany(
        "INSERT INTO products_description (products_id, language_id, products_name, products_meta_title,"
        " products_meta_description, products_meta_keywords, checkout_information)"
        " VALUES (%s, %s, %s, '', '', '', '')",
        [
            (1, 1, "Mug"),
            (1, 2, "Tasse"),
            (2, 2, "Kaffee, ganze Bohne, kräftige Röstung aus Hochlandanbau, Vorratspackung 500 g"),
            (3, 2, "Shirt"),
        ],
    )
    cursor.executemany(
        "INSERT INTO products_properties_combis (products_properties_combis_id, products_id, combi_model,"
        " combi_ean, combi_price_type, combi_price) VALUES (%s, %s, %s, %s, 'calc', %s)",
        [
            (11, 3, "SH-RED-M", "4012345000016", Decimal("2.5000")),
            (12, 3, "SH-BLUE-L", "", Decimal("0")),
            (13, 3, "", "", Decimal("0")),
            (14, 3, "X" * 31, "", Decimal("0")),
            (15, 1, "ts-1", "", Decimal("0")),
        ],
    )
    cursor.executemany(
        "INSERT INTO products_attributes (products_attributes_id, products_id, options_id, options_values_id,"
        " options_values_price, price_prefix, attributes_model) VALUES (%s, %s, 1, %s, %s, %s, %s)",
        [
            (21, 4, 1, Decimal("1.0000"), "+", "MUG-XL"),
            (22, 4, 2, Decimal("0.5000"), "-", "MUG-S"),
            (23, 1, 3, Decimal("0"), "+", "TS-1"),
        ],
    )
    gambio_db.commit()


def articles_in(conn):
    cursor = conn.cursor()
    cursor.execute(
        "SELECT artikel_nr, bezeichnung, ean, mwst_satz, vk_brutto, bestand FROM artikel ORDER BY artikel_nr"
    )
    return {
        nr: (name, ean, Decimal(str(vat)), Decimal(str(price)), Decimal(str(on_hand)))
        for nr, name, ean, vat, price, on_hand in cursor.fetchall()
    }


def test_seed_from_gambio_values(gambio_db, hcs_db):
    insert_gambio_catalog(gambio_db)

    inserted = seed_articles_from_gambio(gambio_db, hcs_db, seed=7, stock_range=(5, 5))

    assert inserted == 6
    assert articles_in(hcs_db) == {
        "KF-500": ("Kaffee, ganze Bohne, kräftige Röstung aus Hochlandanbau, Vor", "", Decimal("7"),
                   Decimal("8.49"), Decimal("5")),
        "MUG-S": ("MUG-S", "", Decimal("19"), Decimal("5.36"), Decimal("5")),
        "MUG-XL": ("MUG-XL", "", Decimal("19"), Decimal("7.14"), Decimal("5")),
        "SH-BLUE-L": ("Shirt", "", Decimal("19"), Decimal("17.85"), Decimal("5")),
        "SH-RED-M": ("Shirt", "4012345000016", Decimal("19"), Decimal("20.83"), Decimal("5")),
        "TS-1": ("Tasse", "4006381333931", Decimal("19"), Decimal("11.90"), Decimal("5")),
    }


def test_seed_from_gambio_stock_deterministic(gambio_db, hcs_db, tmp_path):
    import pyodbc

    from gambio_hcs_bridge.devstack.config import hcs_sqlite_connection, odbc_connection_string
    from gambio_hcs_bridge.hcs_schema import create_hcs_schema

    insert_gambio_catalog(gambio_db)
    seed_articles_from_gambio(gambio_db, hcs_db, seed=7)
    first = {nr: row[4] for nr, row in articles_in(hcs_db).items()}

    again = pyodbc.connect(
        odbc_connection_string(hcs_sqlite_connection(tmp_path / "again.sqlite3")), autocommit=False
    )
    other = pyodbc.connect(
        odbc_connection_string(hcs_sqlite_connection(tmp_path / "other.sqlite3")), autocommit=False
    )
    try:
        for conn, seed in ((again, 7), (other, 8)):
            create_hcs_schema(conn)
            seed_articles_from_gambio(gambio_db, conn, seed=seed)
        second = {nr: row[4] for nr, row in articles_in(again).items()}
        different_seed = {nr: row[4] for nr, row in articles_in(other).items()}
    finally:
        again.close()
        other.close()

    assert second == first
    assert different_seed != first
    assert all(0 <= value <= 120 and value == value.to_integral_value() for value in first.values())


def test_seed_from_gambio_invalid_stock_range(gambio_db, hcs_db):
    with pytest.raises(ValueError, match="stock_range"):
        seed_articles_from_gambio(gambio_db, hcs_db, seed=1, stock_range=(10, 5))


# --- command line ----------------------------------------------------------------------


@pytest.fixture
def local_stack_dir(tmp_path, monkeypatch):
    """A state folder for the local stack, so the hcs commands work on a throwaway SQLite file."""
    import pyodbc

    if "SQLite3" not in pyodbc.drivers():
        pytest.skip("ODBC driver SQLite3 is not registered (install libsqliteodbc)")
    monkeypatch.setenv("GAMBIO_HCS_STATE_DIR", str(tmp_path / "state"))
    return tmp_path / "state"


def open_local_hcs(state_dir):
    import pyodbc

    from gambio_hcs_bridge.devstack.config import hcs_sqlite_connection, odbc_connection_string

    path = state_dir / "hcs" / "hcs.sqlite3"
    return pyodbc.connect(odbc_connection_string(hcs_sqlite_connection(path)), autocommit=False)


def test_cli_init_creates_schema_once(local_stack_dir, capsys):
    assert main(["hcs", "init"]) == 0
    assert main(["hcs", "init"]) == 0

    output = capsys.readouterr().out
    assert "Created the HCS schema" in output
    assert "already exists" in output
    assert (local_stack_dir / "hcs" / "hcs.sqlite3").is_file()


def test_cli_lieferschein_by_shop_order(local_stack_dir, capsys):
    main(["hcs", "init"])
    conn = open_local_hcs(local_stack_dir)
    try:
        seed_articles(conn, ARTICLES)
        insert_order(conn, 200001, [("Artikel", "A-100", Decimal("3"))], shop_bestellnr=400210)
    finally:
        conn.close()

    exit_code = main(["hcs", "lieferschein", "400210", "--shop", "--tracking", "00340434161094042557",
                      "--carrier", "DHL"])

    conn = open_local_hcs(local_stack_dir)
    try:
        row = document(conn, 500001)
        on_hand = stock(conn, "A-100")
    finally:
        conn.close()
    assert exit_code == 0
    assert "LS-500001" in capsys.readouterr().out
    assert int(row.auftrag_nr) == 200001
    assert row.sendungsnummer == "00340434161094042557"
    assert on_hand == Decimal("47")


def test_cli_lager_books_signed_change(local_stack_dir):
    main(["hcs", "init"])
    conn = open_local_hcs(local_stack_dir)
    try:
        seed_articles(conn, ARTICLES)
    finally:
        conn.close()

    exit_code = main(["hcs", "lager", "B-200", "-2.25", "--art", "Thekenverkauf"])

    conn = open_local_hcs(local_stack_dir)
    try:
        on_hand = stock(conn, "B-200")
    finally:
        conn.close()
    assert exit_code == 0
    assert on_hand == Decimal("8.25")


def test_cli_unknown_order_exits_with_error(local_stack_dir, capsys):
    main(["hcs", "init"])

    exit_code = main(["hcs", "rechnung", "999"])

    assert exit_code == 1
    assert "Auftrag) 999 not found" in capsys.readouterr().err


def test_cli_without_init_exits_with_error(local_stack_dir, capsys):
    exit_code = main(["hcs", "lager", "A-100", "5", "--art", "Wareneingang"])

    assert exit_code == 1
    assert "hcsbridge hcs init" in capsys.readouterr().err
    assert not (local_stack_dir / "hcs" / "hcs.sqlite3").exists()


def test_cli_mariadb_target(mariadb, local_stack_dir, monkeypatch, capsys):
    import pyodbc

    from gambio_hcs_bridge.devstack.config import (
        HCS_MARIADB_DATABASE,
        hcs_mariadb_connection,
        odbc_connection_string,
    )

    if "MariaDB Unicode" not in pyodbc.drivers():
        pytest.skip("ODBC driver MariaDB Unicode is not registered (install odbc-mariadb)")
    # Point the local stack at the test server: its port and its root password file.
    monkeypatch.setenv("GAMBIO_HCS_MARIADB_PORT", str(mariadb.port))
    secrets_dir = local_stack_dir / "secrets"
    secrets_dir.mkdir(parents=True)
    (secrets_dir / "mariadb_root_password").write_text(mariadb.root_password)
    mariadb.drop_database(HCS_MARIADB_DATABASE)

    try:
        init_exit_code = main(["hcs", "init", "--target", "mariadb"])
        conn = pyodbc.connect(
            odbc_connection_string(hcs_mariadb_connection(mariadb.port, mariadb.root_password)), autocommit=False
        )
        try:
            seed_articles(conn, ARTICLES)
            insert_order(conn, 200001, [("Artikel", "C-300", Decimal("2"))])
            print_exit_code = main(["hcs", "sofortrechnung", "200001", "--target", "mariadb"])
            conn.rollback()
            on_hand = stock(conn, "C-300")
        finally:
            conn.close()
    finally:
        mariadb.drop_database(HCS_MARIADB_DATABASE)

    assert init_exit_code == 0
    assert print_exit_code == 0
    assert "SR-500001" in capsys.readouterr().out
    assert on_hand == Decimal("5")
