"""Write .xlsx workbooks for people: bold frozen header, filters, widths, € and date formats.

Every spreadsheet of the bridge (the Übernahme-Protokoll, the Spezialliste) goes through
:func:`write_workbook`. Rows are streamed: openpyxl's write-only mode keeps only one row
in memory, and it supports everything used here (cell styles, frozen panes, column
widths, an auto filter set after the last row). The one cost of streaming is that column
widths must be fixed before the first row, so they come from the header and the first
:data:`WIDTH_SAMPLE_ROWS` rows unless a :class:`Column` gives a width.

Text cells are always written as strings. Some text would run as a formula when a user
edits the cell: text that starts with ``=``, ``+``, ``-``, ``@``, tab or carriage return, also
after leading whitespace. Such a cell also gets the ``quotePrefix`` style, the flag Excel
sets when a user types a leading apostrophe. The stored value stays unchanged.
"""

from __future__ import annotations

import itertools
import logging
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties

log = logging.getLogger(__name__)

KINDS = ("text", "money", "price", "date", "datetime", "qty", "int")

MONEY_FORMAT = "#,##0.00 €"
# Unit prices are stored with 4 decimals. The format shows at least 2 and up to 4 of them.
PRICE_FORMAT = "#,##0.00## €"
DATE_FORMAT = "DD.MM.YYYY"
DATETIME_FORMAT = "DD.MM.YYYY HH:MM"
QTY_FORMAT = "#,##0.####"
# Whole quantities get a format without a decimal part, because '#,##0.####' shows
# 12 as "12." (or "12," in German Excel).
WHOLE_QTY_FORMAT = "#,##0"
# Order and customer numbers are identifiers, so they get no thousands separator.
INT_FORMAT = "0"

NUMBER_FORMATS = {
    "money": MONEY_FORMAT,
    "price": PRICE_FORMAT,
    "date": DATE_FORMAT,
    "datetime": DATETIME_FORMAT,
    "qty": QTY_FORMAT,
    "int": INT_FORMAT,
}

# Paper size code of the OOXML page setup for A4.
A4_PAPER_SIZE = 9

NO_MATCHES = {"de": "Keine Treffer", "en": "No matches"}

WIDTH_SAMPLE_ROWS = 200
MIN_WIDTH = 6.0
MAX_WIDTH = 60.0
# Typical rendered width of a number of each kind, in characters, for the width estimate.
_KIND_WIDTHS = {"money": 14.0, "price": 14.0, "date": 11.0, "datetime": 17.0, "qty": 10.0, "int": 10.0}

_CENT = Decimal("0.01")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_SHEET_TITLE_INVALID = re.compile(r"[\[\]:*?/\\]")
_HEADER_FONT = Font(bold=True)
_WRAP = Alignment(wrap_text=True, vertical="top")


@dataclass(frozen=True)
class Column:
    """One column of a sheet: the row key it shows, its header per language and its kind.

    ``kind`` is one of :data:`KINDS`. ``money`` is rounded to the cent, ``price`` keeps up
    to 4 decimals, ``qty`` up to 4, ``int`` is an identifier such as an order number.
    ``width`` in Excel character units; ``None`` estimates it from the header and data.
    ``wrap`` wraps text at line breaks (for lists such as several marketplace order ids).
    """

    key: str
    header_de: str
    header_en: str
    kind: str = "text"
    width: float | None = None
    wrap: bool = False

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"Column {self.key!r} has invalid kind {self.kind!r}, expected one of {', '.join(KINDS)}")

    def header(self, language: str) -> str:
        return self.header_en if language == "en" else self.header_de


@dataclass(frozen=True)
class SheetSpec:
    """Layout of one sheet: its title per language and its columns, left to right."""

    title_de: str
    title_en: str
    columns: tuple[Column, ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "columns", tuple(self.columns))
        if not self.columns:
            raise ValueError(f"Sheet {self.title_de!r} has no columns")
        for title in (self.title_de, self.title_en):
            # Excel rejects longer titles and these characters when it opens the file.
            if not title or len(title) > 31 or _SHEET_TITLE_INVALID.search(title):
                raise ValueError(f"Invalid sheet title {title!r}: 1 to 31 characters, none of [ ] : * ? / \\")

    def title(self, language: str) -> str:
        return self.title_en if language == "en" else self.title_de


@dataclass(frozen=True)
class Typed:
    """A row value with its own kind, for sheets whose value column mixes kinds (a summary)."""

    kind: str
    value: object

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"Invalid kind {self.kind!r}, expected one of {', '.join(KINDS)}")


def is_formula_like(text: str) -> bool:
    """Tell whether a spreadsheet program could take ``text`` for a formula or an error value."""
    stripped = text.lstrip()
    return text.startswith(_FORMULA_START) or stripped.startswith(_FORMULA_START) or stripped in ERROR_CODES


def safe_text(value: object) -> str:
    """Return ``value`` as text that a worksheet can store.

    ``None`` becomes an empty string. Control characters that the xlsx format cannot store
    (all below U+0020 except tab, line feed and carriage return) become U+FFFD, so
    a bad byte in a customer's address is visible instead of failing the whole workbook.
    Carriage returns become line feeds, as every XML reader would turn them anyway.
    Write the result with :func:`text_cell` so it cannot become a formula.
    """
    if value is None:
        return ""
    text = str(value).replace("\r\n", "\n").replace("\r", "\n")
    return ILLEGAL_CHARACTERS_RE.sub("\ufffd", text)


def text_cell(sheet, value: object, *, wrap: bool = False) -> WriteOnlyCell:
    """Create a string cell for ``value`` that never turns into a formula.

    openpyxl stores a string starting with ``=`` as a formula and ``#N/A`` and the other
    error names as error values. Data type ``s`` stores them as text. ``quotePrefix`` also keeps
    Excel and LibreOffice from running the text when a user edits the cell.
    """
    raw = "" if value is None else str(value)
    text = safe_text(raw)
    cell = WriteOnlyCell(sheet, text)
    cell.data_type = "s"
    if is_formula_like(raw) or is_formula_like(text):
        cell.quotePrefix = True
    if wrap:
        cell.alignment = _WRAP
    return cell


def to_decimal(value: object) -> Decimal | None:
    """Convert a database number to Decimal exactly (ODBC drivers return str, Decimal or int)."""
    if value is None or value == "":
        return None
    if isinstance(value, Decimal):
        return value
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise ValueError(f"Invalid number {value!r}") from None
    if not number.is_finite():
        raise ValueError(f"Invalid number {value!r}")
    return number


def to_datetime(value: object) -> datetime | None:
    """Convert a database datetime (a datetime, or ISO text from some ODBC drivers) to a naive datetime."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        result = value
    elif isinstance(value, date):
        result = datetime(value.year, value.month, value.day)
    else:
        try:
            result = datetime.fromisoformat(str(value).strip())
        except ValueError:
            raise ValueError(f"Invalid datetime {value!r}") from None
    if result.tzinfo is not None:
        # Excel has no time zones; the caller decides which local time a cell shows.
        raise ValueError(f"Datetime {value!r} has a time zone. Convert it to local time before writing")
    return result


def write_workbook(
    path: Path | str,
    sheets: Sequence[tuple[SheetSpec, Iterable[Mapping[str, object]]]],
    language: str = "de",
) -> dict[str, int]:
    """Write ``sheets`` to the .xlsx file ``path`` and return the data row count per sheet title.

    Each row is a mapping from column key to value; values may be :class:`Typed`. Rows are
    consumed once, in order, sheet by sheet. A sheet without rows gets one row saying
    "Keine Treffer" ("No matches"). The file is written under a temporary name and renamed,
    so a reader never sees half a workbook.
    """
    if language not in NO_MATCHES:
        raise ValueError(f"Invalid language {language!r}, expected de or en")
    if not sheets:
        raise ValueError("A workbook needs at least one sheet")
    path = Path(path)
    partial = path.with_name(f".{path.name}.partial")

    workbook = Workbook(write_only=True)
    counts: dict[str, int] = {}
    try:
        for spec, rows in sheets:
            title = spec.title(language)
            if title in counts:
                raise ValueError(f"Duplicate sheet title {title!r}")
            counts[title] = _write_sheet(workbook.create_sheet(title), spec, rows, language)
        workbook.save(partial)
        os.replace(partial, path)
    except BaseException:
        _discard(workbook, partial)
        raise
    finally:
        partial.unlink(missing_ok=True)
    return counts


def _discard(workbook: Workbook, partial: Path) -> None:
    # Saving is the public way to close the open sheet streams and delete openpyxl's
    # temporary sheet files. The half-written workbook is removed by the caller.
    try:
        workbook.save(partial)
    except Exception as exc:  # the sheet that failed may not close cleanly
        log.debug("Could not close the sheets of a failed workbook: %s", exc)


def _write_sheet(sheet, spec: SheetSpec, rows: Iterable[Mapping[str, object]], language: str) -> int:
    iterator = iter(rows)
    sample = list(itertools.islice(iterator, WIDTH_SAMPLE_ROWS))

    # Write-only sheets need widths and panes before the first row is appended.
    for index, column in enumerate(spec.columns, start=1):
        width = column.width if column.width is not None else _estimate_width(column, sample, language)
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    _set_print_layout(sheet)

    header = []
    for column in spec.columns:
        cell = text_cell(sheet, column.header(language))
        cell.font = _HEADER_FONT
        header.append(cell)
    sheet.append(header)

    count = 0
    for row in itertools.chain(sample, iterator):
        sheet.append([_cell(sheet, spec, column, row) for column in spec.columns])
        count += 1
    if count == 0:
        sheet.append([text_cell(sheet, NO_MATCHES[language])])

    last_column = get_column_letter(len(spec.columns))
    sheet.auto_filter.ref = f"A1:{last_column}{max(count, 1) + 1}"
    return count


def _set_print_layout(sheet) -> None:
    # Printed, a sheet is A4 landscape, one page wide, with the header row on every page.
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = A4_PAPER_SIZE
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    sheet.print_title_rows = "1:1"


def _cell(sheet, spec: SheetSpec, column: Column, row: Mapping[str, object]):
    try:
        value = row[column.key]
    except KeyError:
        raise KeyError(f"Row for sheet {spec.title_de!r} has no value for column {column.key!r}") from None
    kind = column.kind
    if isinstance(value, Typed):
        kind, value = value.kind, value.value

    if kind == "text":
        return text_cell(sheet, value, wrap=column.wrap)
    if value is None or value == "":
        return None
    if kind in ("date", "datetime"):
        cell = WriteOnlyCell(sheet, _date_value(kind, value))
        cell.number_format = NUMBER_FORMATS[kind]
        return cell

    number = to_decimal(value)
    cell = WriteOnlyCell(sheet, _number_value(kind, number))
    if kind == "qty" and number == number.to_integral_value():
        cell.number_format = WHOLE_QTY_FORMAT
    else:
        cell.number_format = NUMBER_FORMATS[kind]
    return cell


def _date_value(kind: str, value: object) -> date | datetime:
    moment = to_datetime(value)
    return moment.date() if kind == "date" else moment


def _number_value(kind: str, number: Decimal) -> int | Decimal:
    # openpyxl 3.1.5 writes numbers as '%.16g' of their float value. Excel keeps 15
    # significant digits, as many as the widest HCS number column, DECIMAL(15,4), has.
    if kind == "money":
        return number.quantize(_CENT, rounding=ROUND_HALF_UP)
    if kind == "int":
        if number != number.to_integral_value():
            raise ValueError(f"Invalid whole number {number}")
        return int(number)
    return number


def _estimate_width(column: Column, sample: list[Mapping[str, object]], language: str) -> float:
    width = float(len(column.header(language))) + 3  # room for the filter button
    if not sample:
        width = max(width, len(NO_MATCHES[language]) + 1.0)
    for row in sample:
        value = row.get(column.key)
        kind = column.kind
        if isinstance(value, Typed):
            kind, value = value.kind, value.value
        if value is None:
            continue
        if kind == "text":
            longest_line = max((len(line) for line in safe_text(value).splitlines()), default=0)
            width = max(width, longest_line + 1.0)
        else:
            width = max(width, _KIND_WIDTHS[kind])
    return min(max(width, MIN_WIDTH), MAX_WIDTH)

