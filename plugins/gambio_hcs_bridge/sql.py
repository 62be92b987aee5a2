"""Load SQL statements from files under ``include/sql`` and bind their parameters.

Gambio statements (``include/sql/gambio``) use MySQLdb's ``%(name)s`` placeholders.
HCS statements (``include/sql/hcs``) use ``:name`` placeholders, which :func:`to_qmark`
turns into the ``?`` markers every ODBC driver understands. A site whose HCS tables
differ puts its own version of a file into the override folder; it is found first.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping, Sequence
from operator import itemgetter
from functools import lru_cache
from pathlib import Path

DEFAULT_SQL_DIR = Path(__file__).resolve().parents[2] / "include" / "sql"

# A quoted string literal, a quoted identifier or a :name placeholder (but not '::').
_QMARK_TOKEN = re.compile(r"'(?:[^']|'')*'|`[^`]*`|\"[^\"]*\"|(?<![:\w]):([A-Za-z_]\w*)")


class SqlFileNotFound(FileNotFoundError):
    """Raised when no folder of the search path has the requested statement."""


def sql_search_path(override_dir: str | Path | None = None) -> list[Path]:
    """Return the folders searched for SQL files, the site's override folder first."""
    folders = []
    if override_dir:
        folders.append(Path(override_dir))
    env_dir = os.environ.get("GAMBIO_HCS_SQL_DIR")
    folders.append(Path(env_dir) if env_dir else DEFAULT_SQL_DIR)
    return folders


def load_sql(system: str, name: str, override_dir: str | Path | None = None) -> str:
    """Return the text of ``<system>/<name>.sql`` from the first folder that has it."""
    return _load_cached(system, name, tuple(sql_search_path(override_dir)))


@lru_cache(maxsize=256)
def _load_cached(system: str, name: str, folders: tuple[Path, ...]) -> str:
    if system not in ("gambio", "hcs") or not re.fullmatch(r"[a-z0-9_/]+", name):
        raise ValueError(f"invalid SQL file reference {system}/{name}")
    for folder in folders:
        candidate = folder / system / f"{name}.sql"
        if candidate.is_file():
            return _strip_comment_lines(candidate.read_text(encoding="utf-8"))
    searched = ", ".join(str(folder / system) for folder in folders)
    raise SqlFileNotFound(f"SQL file {name}.sql not found in {searched}")


def _strip_comment_lines(text: str) -> str:
    # The SQLite3 ODBC driver does not skip "--" comments when it scans for quotes, ";" and
    # "?": an apostrophe or semicolon in a comment breaks the statement. Whole-line comments
    # are therefore removed before a statement reaches any driver.
    return "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("--"))


def to_qmark(sql: str, params: Mapping[str, object]) -> tuple[str, tuple]:
    """Turn ``:name`` placeholders into ``?`` and return the values in placeholder order.

    A list or tuple value expands to one marker per element, for ``IN (:ids)``; an empty
    list expands to a single NULL marker, which matches nothing.
    """
    values: list[object] = []

    def replace(match: re.Match) -> str:
        name = match.group(1)
        if name is None:
            return match.group(0)
        if name not in params:
            raise KeyError(f"SQL parameter :{name} has no value")
        value = params[name]
        if isinstance(value, list | tuple):
            if not value:
                values.append(None)
                return "?"
            values.extend(value)
            return ", ".join("?" * len(value))
        values.append(value)
        return "?"

    return _QMARK_TOKEN.sub(replace, sql), tuple(values)


def qmark_batch(sql: str, rows: Sequence[Mapping[str, object]]) -> tuple[str, list[tuple]]:
    """Convert a statement once and bind every row of ``rows`` in placeholder order."""
    names = [m.group(1) for m in _QMARK_TOKEN.finditer(sql) if m.group(1)]
    converted, _ = to_qmark(sql, {name: None for name in names})
    return converted, [tuple(row[name] for name in names) for row in rows]


def qmark_picker(sql: str, fields: Sequence[str]) -> tuple[str, Callable[[Sequence], tuple]]:
    """Convert a statement once; return it with a function that picks a row's values.

    Rows are tuples laid out as ``fields``. The picker returns the values in placeholder
    order and runs in C (``operator.itemgetter``), which matters for bulk writes of several
    hundred thousand rows.
    """
    names = [m.group(1) for m in _QMARK_TOKEN.finditer(sql) if m.group(1)]
    position = {name: index for index, name in enumerate(fields)}
    unknown = [name for name in names if name not in position]
    if unknown:
        raise KeyError(f"SQL parameter :{unknown[0]} has no value; the statement may use {', '.join(fields)}")
    converted, _ = to_qmark(sql, {name: None for name in names})
    if not names:
        return converted, lambda row: ()
    if len(names) == 1:
        index = position[names[0]]
        return converted, lambda row: (row[index],)
    return converted, itemgetter(*(position[name] for name in names))


def split_statements(script: str) -> list[str]:
    """Split a DDL script at semicolons that end a line; drop comment-only parts."""
    statements = []
    for part in re.split(r";\s*$", script, flags=re.MULTILINE):
        lines = [line for line in part.splitlines() if not line.strip().startswith("--")]
        statement = "\n".join(lines).strip()
        if statement:
            statements.append(statement)
    return statements
