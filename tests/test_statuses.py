"""Creating and resolving Gambio order statuses (gambio_hcs_bridge.statuses)."""

from __future__ import annotations

import argparse

import pytest

from gambio_hcs_bridge.devstack.process import free_port
from gambio_hcs_bridge.statuses import (
    DEFAULT_STATUS_NAMES,
    StatusNotFound,
    add_commands,
    ensure_statuses,
    resolve_status_id,
)

pytestmark = pytest.mark.mariadb


def _names_of(conn, status_id: int) -> dict[int, str]:
    cursor = conn.cursor()
    cursor.execute(
        "SELECT language_id, orders_status_name FROM orders_status WHERE orders_status_id = %s", (status_id,)
    )
    return dict(cursor.fetchall())


def _row_count(conn) -> int:
    cursor = conn.cursor()
    cursor.execute("SELECT COUNT(*) FROM orders_status")
    return cursor.fetchone()[0]


def _parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="hcsbridge")
    add_commands(parser.add_subparsers(dest="command", required=True))
    return parser.parse_args(argv)


def test_ensure_statuses_creates_both_roles(gambio_db):
    ids = ensure_statuses(gambio_db, DEFAULT_STATUS_NAMES)

    assert ids == {"paid": 150, "handed_over": 151}


def test_ensure_statuses_names_every_language(gambio_db):
    ensure_statuses(gambio_db, DEFAULT_STATUS_NAMES)

    assert _names_of(gambio_db, 150) == {1: "Paid", 2: "Bezahlt"}
    assert _names_of(gambio_db, 151) == {1: "Handed over to HCS", 2: "An HCS übergeben"}


def test_ensure_statuses_twice_adds_nothing(gambio_db):
    first = ensure_statuses(gambio_db, DEFAULT_STATUS_NAMES)
    rows_after_first = _row_count(gambio_db)

    second = ensure_statuses(gambio_db, DEFAULT_STATUS_NAMES)

    assert second == first
    assert _row_count(gambio_db) == rows_after_first


def test_ensure_statuses_reuses_status_found_by_name(gambio_db):
    # A merchant already created "bezahlt" (lower case) in German only, under id 42.
    gambio_db.cursor().execute(
        "INSERT INTO orders_status (orders_status_id, language_id, orders_status_name) VALUES (42, 2, 'bezahlt')"
    )

    ids = ensure_statuses(gambio_db, {"paid": {"de": "Bezahlt", "en": "Paid"}})

    assert ids == {"paid": 42}
    assert _names_of(gambio_db, 42) == {1: "Paid", 2: "bezahlt"}


def test_ensure_statuses_finds_english_name(gambio_db):
    gambio_db.cursor().execute(
        "INSERT INTO orders_status (orders_status_id, language_id, orders_status_name) "
        "VALUES (7, 1, 'Paid'), (7, 2, 'Zahlung erhalten')"
    )

    ids = ensure_statuses(gambio_db, {"paid": {"de": "Bezahlt", "en": "Paid"}})

    assert ids == {"paid": 7}
    assert _names_of(gambio_db, 7) == {1: "Paid", 2: "Zahlung erhalten"}


def test_ensure_statuses_other_language_gets_german_name(gambio_db):
    gambio_db.cursor().execute(
        "INSERT INTO languages (languages_id, name, code, directory, sort_order, language_charset, date_format, "
        "date_format_long, date_format_short, date_time_format, dob_format_string, html_params, "
        "language_currency, php_date_time_format, status) "
        "VALUES (3, 'Français', 'fr', 'french', 3, 'utf-8', 'd/m/Y', 'l d F Y', 'd/m/Y', 'd/m/Y H:i:s', "
        "'jj/mm/aaaa', 'dir=\"ltr\" lang=\"fr\"', 'EUR', 'd/m/Y H:i:s', 1)"
    )

    ids = ensure_statuses(gambio_db, DEFAULT_STATUS_NAMES)

    assert _names_of(gambio_db, ids["handed_over"]) == {
        1: "Handed over to HCS",
        2: "An HCS übergeben",
        3: "An HCS übergeben",
    }


def test_ensure_statuses_never_takes_id_99(gambio_db):
    # A shop whose highest status id is 98 after the cancel and invoice statuses were removed.
    cursor = gambio_db.cursor()
    cursor.execute("DELETE FROM orders_status WHERE orders_status_id IN (99, 149)")
    cursor.execute(
        "INSERT INTO orders_status (orders_status_id, language_id, orders_status_name) VALUES (98, 2, 'Retoure')"
    )

    ids = ensure_statuses(gambio_db, DEFAULT_STATUS_NAMES)

    assert ids == {"paid": 100, "handed_over": 101}


def test_ensure_statuses_rejects_long_name(gambio_db):
    long_name = "Bezahlt und an die Warenwirtschaft übergeben"

    with pytest.raises(ValueError) as raised:
        ensure_statuses(gambio_db, {"paid": {"de": long_name}})

    assert str(raised.value) == (
        f"status name {long_name!r} (paid, de) has 44 characters; orders_status_name holds at most 32"
    )
    assert _row_count(gambio_db) == 12


def test_resolve_status_by_id(gambio_db):
    assert resolve_status_id(gambio_db, 99) == 99


def test_resolve_status_by_german_name(gambio_db):
    assert resolve_status_id(gambio_db, "Rechnung erstellt") == 149


def test_resolve_status_ignores_case(gambio_db):
    assert resolve_status_id(gambio_db, "versendet") == 3
    assert resolve_status_id(gambio_db, "DISPATCHED") == 3


def test_resolve_created_status_by_name(gambio_db):
    ensure_statuses(gambio_db, DEFAULT_STATUS_NAMES)

    assert resolve_status_id(gambio_db, "An HCS übergeben") == 151
    assert resolve_status_id(gambio_db, "handed over to hcs") == 151


def test_resolve_unknown_name_names_value(gambio_db):
    with pytest.raises(StatusNotFound) as raised:
        resolve_status_id(gambio_db, "Bezahlt")

    assert str(raised.value) == (
        "Gambio order status 'Bezahlt' not found in orders_status (no language has this name). "
        "Existing statuses: 0 Nicht bestätigt / Not validated, 1 Offen / Pending, "
        "2 In Bearbeitung / Processing, 3 Dispatched / Versendet, 99 Canceled / Storniert, "
        "149 Invoice created / Rechnung erstellt. "
        "Run `hcsbridge setup-statuses` to create the bridge's statuses."
    )


def test_resolve_unknown_id_names_value(gambio_db):
    with pytest.raises(StatusNotFound) as raised:
        resolve_status_id(gambio_db, 150)

    assert str(raised.value).startswith("Gambio order status id 150 not found in orders_status. Existing statuses: 0 ")


def test_resolve_ambiguous_name_rejected(gambio_db):
    gambio_db.cursor().execute(
        "INSERT INTO orders_status (orders_status_id, language_id, orders_status_name) "
        "VALUES (160, 2, 'Zurückgestellt'), (161, 1, 'zurückgestellt')"
    )

    with pytest.raises(ValueError) as raised:
        resolve_status_id(gambio_db, "Zurückgestellt")

    assert str(raised.value) == (
        "Gambio order status name 'Zurückgestellt' belongs to several ids [160, 161]; "
        "configure the status by id instead"
    )


def test_resolve_rejects_bool(gambio_db):
    with pytest.raises(TypeError) as raised:
        resolve_status_id(gambio_db, True)

    assert str(raised.value) == "a Gambio order status is an id or a name, not True"


def test_setup_statuses_command_creates_and_prints(gambio_db, mariadb, monkeypatch, capsys):
    monkeypatch.setenv("GAMBIO_DB_PASSWORD", mariadb.root_password)
    args = _parse(["setup-statuses", "--port", str(mariadb.port), "--database", gambio_db.database_name])

    exit_code = args.handler(args)

    assert exit_code == 0
    assert capsys.readouterr().out.splitlines() == [
        "paid: orders_status_id 150 'Bezahlt' (created in languages en, de)",
        "handed_over: orders_status_id 151 'An HCS übergeben' (created in languages en, de)",
    ]


def test_setup_statuses_command_second_run_finds(gambio_db, mariadb, monkeypatch, capsys):
    monkeypatch.setenv("GAMBIO_DB_PASSWORD", mariadb.root_password)
    args = _parse(["setup-statuses", "--port", str(mariadb.port), "--database", gambio_db.database_name])
    args.handler(args)
    capsys.readouterr()

    exit_code = args.handler(args)

    assert exit_code == 0
    assert capsys.readouterr().out.splitlines() == [
        "paid: orders_status_id 150 'Bezahlt' (found)",
        "handed_over: orders_status_id 151 'An HCS übergeben' (found)",
    ]


def test_setup_statuses_command_unreachable_server(monkeypatch, capsys):
    monkeypatch.setenv("GAMBIO_DB_PASSWORD", "unused")
    port = free_port()
    args = _parse(["setup-statuses", "--port", str(port)])

    exit_code = args.handler(args)

    assert exit_code == 1
    error = capsys.readouterr().err
    assert error.startswith(f"Cannot connect to the Gambio database gambio at 127.0.0.1:{port} as root: ")
    assert error.endswith("For the local stack run `hcsbridge stack start` first.\n")
