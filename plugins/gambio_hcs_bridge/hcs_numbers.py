"""Reserve numbers from the HCS number ranges (table ``nummernkreise``).

HCS has no AUTO_INCREMENT. Customer, order, document and stock movement numbers come
from named number ranges, as in the ERP itself, which also keeps the SQL portable
across the SQLite3 and MariaDB ODBC drivers.
"""

from __future__ import annotations

from pathlib import Path

from gambio_hcs_bridge.sql import load_sql, to_qmark


class NumberRangeNotFound(LookupError):
    """Raised when the table ``nummernkreise`` has no row for the requested number range."""


def allocate_numbers(
    cursor, nummernkreis: str, count: int, override_dir: str | Path | None = None
) -> int:
    """Reserve ``count`` consecutive numbers of ``nummernkreis`` and return the first one.

    Runs inside the caller's transaction and does not commit. The UPDATE comes first, so it
    locks the range row (MariaDB) or takes the write lock (SQLite) before the SELECT reads
    the new value, and a concurrent caller gets the next block only after this transaction
    ends. A rollback returns the numbers to the range.
    """
    if count < 1:
        raise ValueError(f"count must be at least 1 to reserve numbers from {nummernkreis!r}, got {count}")

    params = {"nummernkreis": nummernkreis, "anzahl": count}
    cursor.execute(*to_qmark(load_sql("hcs", "nummernkreis_reservieren", override_dir), params))
    cursor.execute(*to_qmark(load_sql("hcs", "nummernkreis_lesen", override_dir), params))
    row = cursor.fetchone()
    if row is None:
        raise NumberRangeNotFound(
            f"number range {nummernkreis!r} not found in table nummernkreise. "
            "Insert a row (nummernkreis, letzte_nr) for it or check the HCS schema."
        )
    last = int(row[0])
    return last - count + 1
