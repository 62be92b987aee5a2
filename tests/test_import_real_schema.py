"""The import on a shop built from the real Gambio GX 4.8.0.3 installer schema (InnoDB, utf8mb3)."""

from __future__ import annotations

import uuid

import pytest

from gambio_hcs_bridge.demo.gambio_schema import load_installer_schema
from gambio_hcs_bridge.demo.generator import generate_shop
from gambio_hcs_bridge.hcs_user import seed_articles_from_gambio
from gambio_hcs_bridge.importer.pipeline import run_import
from gambio_hcs_bridge.importer.runfiles import RunStore
from gambio_hcs_bridge.settings import parse_settings
from gambio_hcs_bridge.statuses import DEFAULT_STATUS_NAMES, ensure_statuses
from shopdata import gambio_rows, hcs_rows


@pytest.fixture
def real_shop(mariadb, gx48_installer_sql):
    name = f"gambio_gx48_{uuid.uuid4().hex[:8]}"
    mariadb.create_database(name, "utf8")
    conn = mariadb.connect(name)
    load_installer_schema(conn, gx48_installer_sql)
    statuses = ensure_statuses(conn, DEFAULT_STATUS_NAMES)
    shop = generate_shop(conn, seed=7, orders=300, paid_status_id=statuses["paid"])
    yield conn, statuses, shop
    conn.close()
    mariadb.drop_database(name)


@pytest.mark.mariadb
def test_import_on_real_installer_schema(real_shop, hcs_db, tmp_path):
    gambio, statuses, shop = real_shop
    seed_articles_from_gambio(gambio, hcs_db, seed=7)
    paid_before = gambio_rows(gambio, "SELECT COUNT(*) FROM orders WHERE orders_status = %s", (statuses["paid"],))[0][0]
    settings = parse_settings({"status_paid": statuses["paid"], "status_handed_over": statuses["handed_over"]})

    result = run_import(gambio, hcs_db, RunStore(tmp_path, "test", "gx48"), settings, lauf_id="gx48")

    outcomes = dict(hcs_rows(hcs_db, "SELECT ergebnis, COUNT(*) FROM import_protokoll GROUP BY ergebnis"))
    assert result.extract["candidates"] == paid_before
    assert int(outcomes.get("importiert", 0)) + int(outcomes.get("abgelehnt", 0)) == paid_before
    assert int(outcomes["importiert"]) == result.load["imported"]
    assert result.mark["status_changed"] == result.load["imported"]
    handed_over = gambio_rows(gambio, "SELECT COUNT(*) FROM orders WHERE orders_status = %s",
                              (statuses["handed_over"],))[0][0]
    assert handed_over == result.load["imported"]
    history = gambio_rows(gambio, "SELECT COUNT(*) FROM orders_status_history WHERE orders_status_id = %s",
                          (statuses["handed_over"],))[0][0]
    assert history == result.load["imported"]


@pytest.mark.mariadb
def test_rejections_on_real_schema_are_only_unknown_skus(real_shop, hcs_db, tmp_path):
    gambio, statuses, _ = real_shop
    seed_articles_from_gambio(gambio, hcs_db, seed=7)
    settings = parse_settings({"status_paid": statuses["paid"], "status_handed_over": statuses["handed_over"]})

    run_import(gambio, hcs_db, RunStore(tmp_path, "test", "gx48"), settings, lauf_id="gx48")

    from gambio_hcs_bridge.messages import load_messages

    codes = {
        message.code
        for (meldungen,) in hcs_rows(hcs_db, "SELECT meldungen FROM import_protokoll WHERE ergebnis = 'abgelehnt'")
        for message in load_messages(meldungen)
        if message.is_error
    }
    # The generator writes consistent orders; only its deliberately unknown marketplace SKUs fail.
    assert codes <= {"unknown_sku"}
