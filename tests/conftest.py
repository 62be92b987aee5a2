"""Shared fixtures: a throwaway MariaDB server, fresh Gambio and HCS databases, a mail sink.

Every server listens on 127.0.0.1 on a free port and is stopped by the fixture that
started it. Fixtures skip with a reason when a server binary is missing, except in CI
(``CI=true``), where a missing binary fails the run because .ci/run installs them.
"""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path

import pytest

from gambio_hcs_bridge.devstack.config import (
    hcs_mariadb_connection,
    hcs_sqlite_connection,
    odbc_connection_string,
)
from gambio_hcs_bridge.devstack.mariadb import LocalMariaDB, MariaDBNotAvailable
from gambio_hcs_bridge.devstack.process import free_port

SHARED_DIR = Path(__file__).resolve().parents[2] / "shared"
GX48_INSTALL_SQL = SHARED_DIR / "gambio" / "gx-4.8.0.3-install.sql"


def _missing(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(reason)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def mariadb(tmp_path_factory):
    """A MariaDB server for the whole test session."""
    server = LocalMariaDB(tmp_path_factory.mktemp("mariadb"), free_port(), uuid.uuid4().hex)
    try:
        server.start()
    except MariaDBNotAvailable as exc:
        _missing(str(exc))
    yield server
    server.stop()


@pytest.fixture
def gambio_db(mariadb):
    """A fresh Gambio database (the project's own DDL) in utf8, as a shop has it."""
    from gambio_hcs_bridge.demo.gambio_schema import create_gambio_schema

    name = f"gambio_{uuid.uuid4().hex[:10]}"
    mariadb.create_database(name, "utf8")
    conn = mariadb.connect(name)
    create_gambio_schema(conn)
    conn.database_name = name
    yield conn
    conn.close()
    mariadb.drop_database(name)


def _sqlite_hcs(tmp_path) -> dict:
    return hcs_sqlite_connection(tmp_path / f"hcs_{uuid.uuid4().hex[:8]}.sqlite3")


def _mariadb_hcs(mariadb) -> dict:
    name = f"hcs_{uuid.uuid4().hex[:10]}"
    mariadb.create_database(name, "utf8mb4")
    return hcs_mariadb_connection(mariadb.port, mariadb.root_password, name)


@pytest.fixture(params=["sqlite", "mariadb"])
def hcs_connection(request, tmp_path):
    """Airflow-style connection dict of an empty HCS database, once per ODBC driver."""
    import pyodbc

    drivers = {"sqlite": "SQLite3", "mariadb": "MariaDB Unicode"}
    if drivers[request.param] not in pyodbc.drivers():
        _missing(f"ODBC driver {drivers[request.param]} is not registered (install libsqliteodbc/odbc-mariadb)")
    if request.param == "sqlite":
        connection = _sqlite_hcs(tmp_path)
    else:
        connection = _mariadb_hcs(request.getfixturevalue("mariadb"))
    yield connection
    if request.param == "mariadb":
        request.getfixturevalue("mariadb").drop_database(connection["schema"])


@pytest.fixture
def hcs_db(hcs_connection):
    """An open pyodbc connection (autocommit off) to a fresh HCS database with the schema."""
    import pyodbc

    from gambio_hcs_bridge.hcs_schema import create_hcs_schema
    from gambio_hcs_bridge.odbc import prepare_hcs_connection

    # The same connection settings as HcsHook, including the MariaDB ODBC workaround.
    conn = prepare_hcs_connection(pyodbc.connect(odbc_connection_string(hcs_connection), autocommit=False))
    create_hcs_schema(conn)
    yield conn
    conn.close()


@pytest.fixture
def gx48_installer_sql() -> Path:
    """Path of the real Gambio GX 4.8.0.3 installer schema, or a skip saying why it is absent."""
    if not GX48_INSTALL_SQL.is_file():
        _missing(f"the real Gambio GX 4.8.0.3 installer schema is not at {GX48_INSTALL_SQL}")
    return GX48_INSTALL_SQL


@pytest.fixture
def mail_sink(tmp_path):
    """A loopback SMTP server that stores each received mail as a file."""
    from gambio_hcs_bridge.devstack.mailsink import MailSink

    sink = MailSink(free_port(), tmp_path / "mail")
    sink.start()
    yield sink
    sink.stop()


def pytest_report_header(config):
    shared = "found" if GX48_INSTALL_SQL.is_file() else "absent: real-schema tests will be skipped"
    mariadbd = shutil.which("mariadbd") or "/usr/sbin/mariadbd"
    return [f"shared GX 4.8 installer schema: {shared}", f"mariadbd: {mariadbd}"]
