"""Unit tests of the import's plain functions: money, text, time windows, settings, SQL binding."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from gambio_hcs_bridge.importer.extract import Window
from gambio_hcs_bridge.importer.money import net_from_gross, split_proportionally
from gambio_hcs_bridge.importer.text import clean_text, repair_double_encoding
from gambio_hcs_bridge.importer.transform import _street_lines, shop_local, to_utc
from gambio_hcs_bridge.settings import SettingsError, parse_settings
from gambio_hcs_bridge.sql import qmark_picker, to_qmark

BERLIN = ZoneInfo("Europe/Berlin")
UTC = ZoneInfo("UTC")


def test_split_three_cents_over_three_equal_rates():
    parts = split_proportionally(Decimal("-0.10"), {Decimal("19"): Decimal("1"), Decimal("7"): Decimal("1"),
                                                    Decimal("0"): Decimal("1")})
    assert sum(parts.values()) == Decimal("-0.10")
    assert sorted(parts.values()) == [Decimal("-0.04"), Decimal("-0.03"), Decimal("-0.03")]


def test_split_without_weights_goes_to_highest_rate():
    parts = split_proportionally(Decimal("4.90"), {Decimal("7"): Decimal("0"), Decimal("19"): Decimal("0")})
    assert parts == {Decimal("19"): Decimal("4.90")}


def test_net_from_gross_rounds_half_up():
    assert net_from_gross(Decimal("137.40"), Decimal("19")) == Decimal("115.46")
    assert net_from_gross(Decimal("0.05"), Decimal("7")) == Decimal("0.05")


def test_double_encoding_repaired():
    assert repair_double_encoding("MÃ¼ÃŸig") == ("Müßig", "repaired")


def test_double_encoding_clean_text_untouched():
    assert repair_double_encoding("Müßig-Çelik") == ("Müßig-Çelik", "clean")


def test_clean_text_placeholder_company_empty():
    messages = []
    assert clean_text("--", "delivery_company", messages, placeholder_empty=True) == ""
    assert messages == []


@pytest.mark.parametrize(
    ("street", "number", "additional", "expected"),
    [
        ("Musterweg", "", "8", ("Musterweg 8", "")),
        ("Musterweg", "12a", "Hinterhaus", ("Musterweg 12a", "Hinterhaus")),
        ("Packstation 123", "", "123456789", ("Packstation 123", "123456789")),
        ("Packstation", "", "123456789", ("Packstation", "123456789")),
        ("Hauptstraße 5", "", "3. OG", ("Hauptstraße 5", "3. OG")),
    ],
)
def test_street_lines(street, number, additional, expected):
    assert _street_lines(street, number, additional) == expected


def test_empty_date_sentinels_become_none():
    assert shop_local(datetime(1000, 1, 1)) is None
    assert shop_local(None) is None
    assert shop_local(datetime(2026, 5, 1, 12, 0)) == datetime(2026, 5, 1, 12, 0)


def test_local_time_to_utc_summer_and_winter():
    assert to_utc(datetime(2026, 7, 1, 0, 30), BERLIN) == datetime(2026, 6, 30, 22, 30, tzinfo=UTC)
    assert to_utc(datetime(2026, 12, 1, 0, 30), BERLIN) == datetime(2026, 11, 30, 23, 30, tzinfo=UTC)


def test_window_repeated_autumn_hour_counts_both_readings():
    # 2026-10-25 02:30 Berlin happens twice: 00:30 UTC (summer time) and 01:30 UTC (winter time).
    first = Window(datetime(2026, 10, 25, 0, 0, tzinfo=UTC), datetime(2026, 10, 25, 1, 0, tzinfo=UTC))
    second = Window(datetime(2026, 10, 25, 1, 0, tzinfo=UTC), datetime(2026, 10, 25, 2, 0, tzinfo=UTC))
    local = datetime(2026, 10, 25, 2, 30)
    assert first.contains_local(local, BERLIN) is True
    assert second.contains_local(local, BERLIN) is True


def test_window_spring_gap_edge():
    # 2026-03-29 01:59 Berlin is 00:59 UTC; 03:00 Berlin (summer time) is 01:00 UTC.
    window = Window(datetime(2026, 3, 29, 1, 0, tzinfo=UTC), datetime(2026, 3, 29, 2, 0, tzinfo=UTC))
    assert window.contains_local(datetime(2026, 3, 29, 1, 59), BERLIN) is False
    assert window.contains_local(datetime(2026, 3, 29, 3, 0), BERLIN) is True


def test_window_local_bounds_widened_by_an_hour():
    window = Window(datetime(2026, 11, 20, 23, 0, tzinfo=UTC), datetime(2026, 11, 21, 23, 0, tzinfo=UTC))
    low, high = window.local_bounds(BERLIN)
    assert low == datetime(2026, 11, 20, 23, 0)
    assert high == datetime(2026, 11, 22, 1, 0)


def test_window_rejects_end_before_start():
    with pytest.raises(ValueError, match="not after its start"):
        Window(datetime(2026, 1, 2, tzinfo=UTC), datetime(2026, 1, 1, tzinfo=UTC))


def test_settings_error_names_key_value_and_form():
    with pytest.raises(SettingsError) as raised:
        parse_settings({"language": "fr"})
    assert str(raised.value) == "Invalid setting language='fr': expected one of de, en"


def test_settings_unknown_key_rejected():
    with pytest.raises(SettingsError, match="stock_bufer"):
        parse_settings({"stock_bufer": 2})


def test_settings_status_accepts_name_and_id():
    settings = parse_settings({"status_paid": "Bezahlt", "status_handed_over": "201"})
    assert settings.status_paid == "Bezahlt"
    assert settings.status_handed_over == 201


def test_settings_vat_rates_normalised():
    settings = parse_settings({"allowed_vat_rates": [19, "7", 0, 20]})
    assert settings.allowed_vat_rates == (Decimal("0.00"), Decimal("7.00"), Decimal("19.00"), Decimal("20.00"))


def test_qmark_keeps_colons_in_strings_and_expands_lists():
    sql, values = to_qmark("SELECT ':x' FROM t WHERE a = :a AND b IN (:ids)", {"a": 1, "ids": [2, 3]})
    assert sql == "SELECT ':x' FROM t WHERE a = ? AND b IN (?, ?)"
    assert values == (1, 2, 3)


def test_qmark_injection_stays_a_value():
    sql, values = to_qmark("SELECT 1 FROM kunden WHERE email = :email", {"email": "x' OR '1'='1"})
    assert sql == "SELECT 1 FROM kunden WHERE email = ?"
    assert values == ("x' OR '1'='1",)


def test_qmark_picker_follows_the_statement_order():
    sql, pick = qmark_picker("INSERT INTO t (b, a) VALUES (:b, :a)", ("a", "b", "c"))
    assert (sql, pick((1, 2, 3))) == ("INSERT INTO t (b, a) VALUES (?, ?)", (2, 1))


def test_qmark_picker_single_parameter_gives_a_tuple():
    _, pick = qmark_picker("DELETE FROM t WHERE a = :a", ("a", "b"))
    assert pick((7, 8)) == (7,)


def test_qmark_picker_unknown_parameter_named():
    with pytest.raises(KeyError, match=":d has no value"):
        qmark_picker("INSERT INTO t (d) VALUES (:d)", ("a", "b"))


def test_paused_gc_off_inside_on_after():
    import gc

    from gambio_hcs_bridge.importer.runfiles import paused_gc

    with paused_gc():
        inside = gc.isenabled()
    assert (inside, gc.isenabled()) == (False, True)


def test_paused_gc_keeps_a_disabled_collector_off():
    import gc

    from gambio_hcs_bridge.importer.runfiles import paused_gc

    gc.disable()
    try:
        with paused_gc():
            pass
        assert gc.isenabled() is False
    finally:
        gc.enable()


@pytest.mark.parametrize("count, chunk_size, expected", [
    (6840, 5000, 3420),
    (68285, 5000, 4878),
    (5000, 5000, 5000),
    (5001, 5000, 2501),
    (7, 2, 2),
    (0, 5000, 1),
])
def test_even_chunk_size(count, chunk_size, expected):
    from gambio_hcs_bridge.importer.extract import even_chunk_size

    assert even_chunk_size(count, chunk_size) == expected
