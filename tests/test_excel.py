"""The shared workbook writer: formula-safe text, number formats, layout, streaming."""

from __future__ import annotations

from datetime import date, datetime, timezone
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from gambio_hcs_bridge.reporting.excel import (
    Column,
    SheetSpec,
    Typed,
    is_formula_like,
    safe_text,
    write_workbook,
)

TEXT_SHEET = SheetSpec("Texte", "Texts", (Column("text", "Text", "Text"),))


def written_cell(tmp_path, value, kind="text"):
    spec = SheetSpec("Blatt", "Sheet", (Column("v", "Wert", "Value", kind),))
    path = tmp_path / "cell.xlsx"
    write_workbook(path, [(spec, [{"v": value}])])
    return load_workbook(path)["Blatt"]["A2"]


@pytest.mark.parametrize(
    "text",
    [
        "=1+1",
        '=HYPERLINK("http://x")',
        "+49 170",
        "-5",
        "@SUM(A1)",
        "\tTab",
        "  =after spaces",
        "#N/A",
        "#DIV/0!",
    ],
)
def test_formula_like_text_stays_string(tmp_path, text):
    cell = written_cell(tmp_path, text)
    assert cell.value == text
    assert cell.data_type == "s"
    assert cell.quotePrefix is True


def test_leading_carriage_return_protected(tmp_path):
    cell = written_cell(tmp_path, "\rCR")
    assert cell.value == "\nCR"
    assert cell.data_type == "s"
    assert cell.quotePrefix is True


@pytest.mark.parametrize("text", ["Müller", "a=b", "Köln 50667", "E-Mail", "", "100"])
def test_plain_text_has_no_quote_prefix(tmp_path, text):
    cell = written_cell(tmp_path, text)
    assert cell.value == (text or None)
    assert cell.quotePrefix is False


def test_is_formula_like_cases():
    assert is_formula_like("=A1") is True
    assert is_formula_like(" +1") is True
    assert is_formula_like("\n=A1") is True
    assert is_formula_like("Straße 1") is False


def test_safe_text_replaces_control_characters():
    assert safe_text("a\x00b\x1fc") == "a\ufffdb\ufffdc"
    assert safe_text("line\nbreak\ttab") == "line\nbreak\ttab"
    assert safe_text("a\r\nb\rc") == "a\nb\nc"
    assert safe_text(None) == ""
    assert safe_text(12) == "12"


def test_money_rounds_half_up_to_cent(tmp_path):
    cell = written_cell(tmp_path, Decimal("0.125"), "money")
    assert cell.value == 0.13
    assert cell.number_format == "#,##0.00 €"


def test_money_from_driver_string(tmp_path):
    assert written_cell(tmp_path, "137.40", "money").value == 137.4


def test_money_keeps_twelve_digits(tmp_path):
    assert written_cell(tmp_path, Decimal("9999999999.99"), "money").value == 9999999999.99


def test_whole_quantity_format(tmp_path):
    cell = written_cell(tmp_path, Decimal("12.0000"), "qty")
    assert cell.value == 12
    assert cell.number_format == "#,##0"


def test_fractional_quantity_format(tmp_path):
    cell = written_cell(tmp_path, Decimal("0.3333"), "qty")
    assert cell.value == 0.3333
    assert cell.number_format == "#,##0.####"


def test_datetime_from_iso_text(tmp_path):
    cell = written_cell(tmp_path, "2025-03-30 02:30:00", "datetime")
    assert cell.value == datetime(2025, 3, 30, 2, 30)
    assert cell.number_format == "DD.MM.YYYY HH:MM"


def test_date_format(tmp_path):
    cell = written_cell(tmp_path, date(2025, 12, 31), "date")
    assert cell.value == datetime(2025, 12, 31)
    assert cell.number_format == "DD.MM.YYYY"


def test_aware_datetime_rejected(tmp_path):
    with pytest.raises(ValueError, match="time zone"):
        written_cell(tmp_path, datetime(2025, 1, 1, tzinfo=timezone.utc), "datetime")


def test_int_rejects_fraction(tmp_path):
    with pytest.raises(ValueError, match="whole number"):
        written_cell(tmp_path, Decimal("1.5"), "int")


def test_typed_value_overrides_column_kind(tmp_path):
    spec = SheetSpec("Blatt", "Sheet", (Column("v", "Wert", "Value"),))
    path = tmp_path / "typed.xlsx"
    write_workbook(path, [(spec, [{"v": Typed("money", Decimal("5"))}, {"v": "Text"}])])
    sheet = load_workbook(path)["Blatt"]
    assert sheet["A2"].value == 5
    assert sheet["A2"].number_format == "#,##0.00 €"
    assert sheet["A3"].value == "Text"


def test_missing_key_names_column(tmp_path):
    with pytest.raises(KeyError, match="text"):
        write_workbook(tmp_path / "x.xlsx", [(TEXT_SHEET, [{"other": 1}])])


def test_layout_header_panes_filter(tmp_path):
    spec = SheetSpec(
        "Liste",
        "List",
        (Column("a", "Artikel", "Article"), Column("b", "Betrag", "Amount", "money", width=20)),
    )
    path = tmp_path / "layout.xlsx"
    counts = write_workbook(path, [(spec, ({"a": f"A-{i}", "b": i} for i in range(3)))])
    sheet = load_workbook(path)["Liste"]
    assert counts == {"Liste": 3}
    assert [cell.value for cell in sheet[1]] == ["Artikel", "Betrag"]
    assert sheet["A1"].font.bold is True
    assert sheet["A2"].font.bold is False
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:B4"
    assert sheet.column_dimensions["B"].width == 20


def test_print_layout(tmp_path):
    path = tmp_path / "print.xlsx"
    write_workbook(path, [(TEXT_SHEET, [{"text": "a"}])])
    sheet = load_workbook(path)["Texte"]
    assert sheet.page_setup.orientation == "landscape"
    assert sheet.page_setup.fitToWidth == 1
    assert sheet.page_setup.fitToHeight == 0
    assert sheet.sheet_properties.pageSetUpPr.fitToPage is True
    assert sheet.print_title_rows == "$1:$1"


def test_width_follows_longest_text(tmp_path):
    path = tmp_path / "width.xlsx"
    write_workbook(path, [(TEXT_SHEET, [{"text": "x" * 30}, {"text": "kurz\n" + "y" * 40}])])
    assert load_workbook(path)["Texte"].column_dimensions["A"].width == 41


def test_width_capped(tmp_path):
    path = tmp_path / "wide.xlsx"
    write_workbook(path, [(TEXT_SHEET, [{"text": "x" * 500}])])
    assert load_workbook(path)["Texte"].column_dimensions["A"].width == 60


def test_empty_sheet_no_matches_german(tmp_path):
    path = tmp_path / "empty.xlsx"
    counts = write_workbook(path, [(TEXT_SHEET, [])])
    sheet = load_workbook(path)["Texte"]
    assert counts == {"Texte": 0}
    assert sheet["A2"].value == "Keine Treffer"
    assert sheet.auto_filter.ref == "A1:A2"


def test_empty_sheet_no_matches_english(tmp_path):
    path = tmp_path / "empty.xlsx"
    write_workbook(path, [(TEXT_SHEET, [])], language="en")
    sheet = load_workbook(path)["Texts"]
    assert sheet["A1"].value == "Text"
    assert sheet["A2"].value == "No matches"


def test_streams_generator_of_many_rows(tmp_path):
    spec = SheetSpec("Viele", "Many", (Column("n", "Nr.", "No.", "int"), Column("m", "Betrag", "Amount", "money")))
    rows = ({"n": i, "m": Decimal(i) / 100} for i in range(20_000))
    path = tmp_path / "many.xlsx"
    counts = write_workbook(path, [(spec, rows)])
    sheet = load_workbook(path, read_only=True)["Viele"]
    assert counts == {"Viele": 20_000}
    assert sum(1 for _ in sheet.iter_rows()) == 20_001


def test_failed_write_leaves_no_file(tmp_path):
    def broken_rows():
        yield {"text": "ok"}
        raise RuntimeError("database gone")

    path = tmp_path / "broken.xlsx"
    with pytest.raises(RuntimeError):
        write_workbook(path, [(TEXT_SHEET, broken_rows())])
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("title", ["", "x" * 32, "a/b", "Blatt[1]"])
def test_invalid_sheet_title_rejected(title):
    with pytest.raises(ValueError, match="sheet title"):
        SheetSpec(title, "ok", (Column("a", "A", "A"),))


def test_invalid_kind_rejected():
    with pytest.raises(ValueError, match="kind"):
        Column("a", "A", "A", kind="percent")
