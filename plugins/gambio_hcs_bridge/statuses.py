"""Gambio order statuses: create the bridge's statuses and resolve configured statuses to ids.

A fresh Gambio shop has no "Bezahlt" and no "An HCS übergeben" status. ``hcsbridge
setup-statuses`` creates them in every shop language; the bridge settings then name them
(by name or id), and :func:`resolve_status_id` turns a setting into an ``orders_status_id``.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from dataclasses import dataclass, field

import MySQLdb

log = logging.getLogger(__name__)

# role -> language code -> status name. Languages not listed get the German name.
DEFAULT_STATUS_NAMES: dict[str, dict[str, str]] = {
    "paid": {"de": "Bezahlt", "en": "Paid"},
    "handed_over": {"de": "An HCS übergeben", "en": "Handed over to HCS"},
}

# Ids with a fixed meaning in every Gambio shop: 99 cancelled, 149 invoice created. A new status
# never takes them, even in a shop that deleted those rows.
RESERVED_STATUS_IDS = frozenset({99, 149})

MAX_STATUS_NAME_LENGTH = 32  # orders_status.orders_status_name is VARCHAR(32)

_LOCK_NAME = "gambio_hcs_bridge.ensure_statuses"
_LOCK_TIMEOUT_SECONDS = 30


class StatusNotFound(LookupError):
    """Raised when a configured Gambio order status does not exist in the shop."""


@dataclass
class StatusSetupResult:
    """Outcome of :func:`ensure_statuses` for one role."""

    role: str
    status_id: int
    created: bool
    added_languages: list[str] = field(default_factory=list)


def ensure_statuses(conn, names: dict[str, dict[str, str]]) -> dict[str, int]:
    """Create the statuses in ``names`` that the shop lacks and return role -> orders_status_id.

    ``names`` maps a role to its names per language code, e.g. ``{"paid": {"de": "Bezahlt",
    "en": "Paid"}}``. An existing status with one of those names in any language is reused, and
    only its missing language rows are added. Calling this again changes nothing.
    """
    return {result.role: result.status_id for result in setup_statuses(conn, names)}


def setup_statuses(conn, names: dict[str, dict[str, str]]) -> list[StatusSetupResult]:
    """Do the work of :func:`ensure_statuses` and report per role what was found or created."""
    for role, per_language in names.items():
        _check_names(role, per_language)

    cursor = conn.cursor()
    # A named lock keeps two setup runs from both creating the same status under two ids.
    cursor.execute("SELECT GET_LOCK(%s, %s)", (_LOCK_NAME, _LOCK_TIMEOUT_SECONDS))
    if cursor.fetchone()[0] != 1:
        raise TimeoutError(
            f"timed out after {_LOCK_TIMEOUT_SECONDS} s waiting for the database lock {_LOCK_NAME!r}, "
            "which another setup of Gambio order statuses has; run the setup again when it has finished"
        )
    try:
        results = [_ensure_one(cursor, role, per_language) for role, per_language in names.items()]
        conn.commit()
    except BaseException:
        conn.rollback()
        raise
    finally:
        cursor.execute("SELECT RELEASE_LOCK(%s)", (_LOCK_NAME,))
        cursor.fetchall()
    return results


def resolve_status_id(conn, value: int | str) -> int:
    """Return the orders_status_id of ``value``: an id, or a status name in any shop language.

    Names match case-insensitively. Raises :class:`StatusNotFound` naming ``value`` and the
    existing statuses when nothing matches, and ``ValueError`` when a name belongs to two ids.
    """
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise TypeError(f"a Gambio order status is an id or a name, not {value!r}")

    statuses = _load_statuses(conn)
    if isinstance(value, int):
        if value in statuses:
            return value
        raise StatusNotFound(
            f"Gambio order status id {value} not found in orders_status. {_existing_text(statuses)}"
        )

    expected = value.strip().casefold()
    matches = sorted(
        status_id
        for status_id, per_language in statuses.items()
        if any(name.strip().casefold() == expected for name in per_language.values())
    )
    if not matches:
        raise StatusNotFound(
            f"Gambio order status {value!r} not found in orders_status (no language has this name). "
            f"{_existing_text(statuses)} Run `hcsbridge setup-statuses` to create the bridge's statuses."
        )
    if len(matches) > 1:
        raise ValueError(
            f"Gambio order status name {value!r} belongs to several ids {matches}; "
            "configure the status by id instead"
        )
    return matches[0]


def _check_names(role: str, per_language: dict[str, str]) -> None:
    if not per_language:
        raise ValueError(f"status role {role!r} has no names; give at least a German name ('de')")
    for code, name in per_language.items():
        if not name or not name.strip():
            raise ValueError(f"status role {role!r} has an empty name for language {code!r}")
        if len(name) > MAX_STATUS_NAME_LENGTH:
            raise ValueError(
                f"status name {name!r} ({role}, {code}) has {len(name)} characters; "
                f"orders_status_name holds at most {MAX_STATUS_NAME_LENGTH}"
            )


def _ensure_one(cursor, role: str, per_language: dict[str, str]) -> StatusSetupResult:
    languages = _load_languages(cursor)
    fallback = per_language.get("de") or next(iter(per_language.values()))

    status_id = _find_existing(cursor, role, per_language)
    created = status_id is None
    if created:
        status_id = _next_status_id(cursor)

    cursor.execute("SELECT language_id FROM orders_status WHERE orders_status_id = %s", (status_id,))
    present = {row[0] for row in cursor.fetchall()}
    added = []
    for language_id, code in languages:
        if language_id in present:
            continue
        cursor.execute(
            "INSERT INTO orders_status (orders_status_id, language_id, orders_status_name) VALUES (%s, %s, %s)",
            (status_id, language_id, per_language.get(code, fallback)),
        )
        added.append(code)

    if created:
        log.info("Created Gambio order status %s (%s) in languages %s", status_id, role, ", ".join(added))
    elif added:
        log.info("Added languages %s to Gambio order status %s (%s)", ", ".join(added), status_id, role)
    return StatusSetupResult(role=role, status_id=status_id, created=created, added_languages=added)


def _find_existing(cursor, role: str, per_language: dict[str, str]) -> int | None:
    expected = {name.strip().casefold() for name in per_language.values()}
    cursor.execute("SELECT orders_status_id, orders_status_name FROM orders_status")
    matches = sorted({status_id for status_id, name in cursor.fetchall() if name.strip().casefold() in expected})
    if len(matches) > 1:
        log.warning(
            "Status role %s matches several Gambio order statuses %s by name; using %s",
            role,
            matches,
            matches[0],
        )
    return matches[0] if matches else None


def _next_status_id(cursor) -> int:
    cursor.execute("SELECT COALESCE(MAX(orders_status_id), 0) FROM orders_status")
    candidate = int(cursor.fetchone()[0]) + 1
    while candidate in RESERVED_STATUS_IDS:
        candidate += 1
    return candidate


def _load_languages(cursor) -> list[tuple[int, str]]:
    cursor.execute("SELECT languages_id, code FROM languages ORDER BY languages_id")
    languages = [(int(language_id), code) for language_id, code in cursor.fetchall()]
    if not languages:
        raise ValueError("the Gambio table languages is empty, so no status name can be created")
    return languages


def _load_statuses(conn) -> dict[int, dict[int, str]]:
    cursor = conn.cursor()
    cursor.execute("SELECT orders_status_id, language_id, orders_status_name FROM orders_status")
    statuses: dict[int, dict[int, str]] = {}
    for status_id, language_id, name in cursor.fetchall():
        statuses.setdefault(int(status_id), {})[int(language_id)] = name
    return statuses


def _existing_text(statuses: dict[int, dict[int, str]]) -> str:
    listed = ", ".join(
        f"{status_id} {' / '.join(sorted(set(names.values())))}" for status_id, names in sorted(statuses.items())
    )
    return f"Existing statuses: {listed or 'none'}."


# --- command line ---------------------------------------------------------------------------


def add_commands(subparsers) -> None:
    """Register ``setup-statuses`` on the ``hcsbridge`` command line."""
    from gambio_hcs_bridge.devstack.config import GAMBIO_DATABASE, stack_config

    config = stack_config()
    parser = subparsers.add_parser(
        "setup-statuses",
        help="create the Gambio order statuses 'Bezahlt' and 'An HCS übergeben' where missing",
        description=(
            "Create the order statuses 'Bezahlt' (Paid) and 'An HCS übergeben' (Handed over to HCS) "
            "in every shop language unless a status with that name exists, and print their ids. "
            "Defaults reach the MariaDB of the local stack; the password comes from the environment "
            "variable GAMBIO_DB_PASSWORD, else from the local stack's secrets."
        ),
    )
    parser.add_argument("--host", default="127.0.0.1", help="database host (default: %(default)s)")
    parser.add_argument(
        "--port", type=int, default=config.mariadb_port, help="database TCP port (default: %(default)s)"
    )
    parser.add_argument("--user", default="root", help="database user (default: %(default)s)")
    parser.add_argument(
        "--database", default=GAMBIO_DATABASE, help="name of the Gambio database (default: %(default)s)"
    )
    parser.set_defaults(handler=run_setup_statuses)


def run_setup_statuses(args: argparse.Namespace) -> int:
    """Handle ``hcsbridge setup-statuses``; return the process exit code."""
    password = os.environ.get("GAMBIO_DB_PASSWORD")
    if password is None:
        from gambio_hcs_bridge.devstack.config import stack_config

        password = stack_config().mariadb_root_password()

    try:
        conn = MySQLdb.connect(
            host=args.host,
            port=args.port,
            user=args.user,
            password=password,
            database=args.database,
            charset="utf8mb4",
            connect_timeout=5,
        )
    except MySQLdb.OperationalError as exc:
        print(
            f"Cannot connect to the Gambio database {args.database} at {args.host}:{args.port} "
            f"as {args.user}: {exc.args[-1]}. For the local stack run `hcsbridge stack start` first.",
            file=sys.stderr,
        )
        return 1

    try:
        results = setup_statuses(conn, DEFAULT_STATUS_NAMES)
    except (MySQLdb.Error, ValueError, TimeoutError) as exc:
        print(f"Setting up the order statuses in {args.database} failed: {exc}", file=sys.stderr)
        return 1
    finally:
        conn.close()

    for result in results:
        names = DEFAULT_STATUS_NAMES[result.role]
        if result.created:
            state = f"created in languages {', '.join(result.added_languages)}"
        elif result.added_languages:
            state = f"found, added languages {', '.join(result.added_languages)}"
        else:
            state = "found"
        print(f"{result.role}: orders_status_id {result.status_id} '{names['de']}' ({state})")
    return 0
