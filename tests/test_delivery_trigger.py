"""The event trigger that watches HCS for new delivery notes."""

from __future__ import annotations

import asyncio
import json
from datetime import datetime

import pytest

from gambio_hcs_bridge.hcs_user import print_document
from gambio_hcs_bridge.sql import load_sql, to_qmark
from gambio_hcs_bridge.triggers.hcs_documents import HcsDeliveryNoteTrigger, pending_delivery_notes


def add_hcs_order(conn, auftrag_nr: int, shop_bestellnr: int) -> None:
    cursor = conn.cursor()
    cursor.execute(*to_qmark(
        "INSERT INTO auftraege (auftrag_nr, shop_bestellnr, kunden_nr, auftragsdatum, summe_netto, summe_mwst,"
        " summe_brutto, shop_positionen, shop_fingerabdruck, importiert_am, import_lauf)"
        " VALUES (:nr, :shop, 10001, :now, 10, 1.9, 11.9, 1, '', :now, 'test')",
        {"nr": auftrag_nr, "shop": shop_bestellnr, "now": datetime(2026, 11, 20, 12, 0)},
    ))
    conn.commit()


def test_pending_counts_only_unhandled_delivery_notes(hcs_db):
    add_hcs_order(hcs_db, 200001, 400301)
    add_hcs_order(hcs_db, 200002, 400302)
    first = print_document(hcs_db, 200001, "Lieferschein")
    print_document(hcs_db, 200001, "Rechnung")
    second = print_document(hcs_db, 200002, "Sofortrechnung")
    cursor = hcs_db.cursor()
    cursor.execute("INSERT INTO beleg_verarbeitung (beleg_id, shop_bestellnr, ergebnis, verarbeitet_am)"
                   " VALUES (?, 400301, 'geschrieben', ?)", first, datetime(2026, 11, 20, 12, 5))
    hcs_db.commit()

    assert pending_delivery_notes(hcs_db, load_sql("hcs", "lieferscheine_offen")) == (1, second)


def test_nothing_pending_gives_zero(hcs_db):
    assert pending_delivery_notes(hcs_db, load_sql("hcs", "lieferscheine_offen")) == (0, 0)


def test_trigger_serializes_its_arguments():
    trigger = HcsDeliveryNoteTrigger(hcs_conn_id="hcs_test", poke_interval=2.5)
    assert trigger.serialize() == (
        "gambio_hcs_bridge.triggers.hcs_documents.HcsDeliveryNoteTrigger",
        {"hcs_conn_id": "hcs_test", "poke_interval": 2.5},
    )


def test_trigger_fires_once_per_new_delivery_note(hcs_db, hcs_connection, monkeypatch):
    monkeypatch.setenv("AIRFLOW_CONN_HCS_TEST", json.dumps(hcs_connection))
    monkeypatch.setenv("AIRFLOW__PROVIDERS_ODBC__ALLOW_DRIVER_IN_EXTRA", "True")
    add_hcs_order(hcs_db, 200001, 400301)
    add_hcs_order(hcs_db, 200002, 400302)
    first = print_document(hcs_db, 200001, "Lieferschein", tracking_number="00340434161094042557", carrier="DHL")

    async def collect() -> list[dict]:
        events = []
        stream = HcsDeliveryNoteTrigger(hcs_conn_id="hcs_test", poke_interval=0.2).run()
        events.append((await asyncio.wait_for(stream.__anext__(), 30)).payload)
        second = print_document(hcs_db, 200002, "Lieferschein")
        events.append((await asyncio.wait_for(stream.__anext__(), 30)).payload)
        await stream.aclose()
        return events, second

    events, second = asyncio.run(collect())

    assert events == [{"beleg_id": first, "pending": 1}, {"beleg_id": second, "pending": 2}]


def test_trigger_fires_again_after_hcs_reset(hcs_db, hcs_connection, monkeypatch):
    monkeypatch.setenv("AIRFLOW_CONN_HCS_TEST", json.dumps(hcs_connection))
    monkeypatch.setenv("AIRFLOW__PROVIDERS_ODBC__ALLOW_DRIVER_IN_EXTRA", "True")
    add_hcs_order(hcs_db, 200001, 400301)
    add_hcs_order(hcs_db, 200002, 400302)
    print_document(hcs_db, 200001, "Lieferschein")
    higher = print_document(hcs_db, 200002, "Lieferschein")

    async def collect() -> list[dict]:
        stream = HcsDeliveryNoteTrigger(hcs_conn_id="hcs_test", poke_interval=0.2).run()
        first = (await asyncio.wait_for(stream.__anext__(), 30)).payload
        # A restored HCS lost the newer note; the older one is still unhandled.
        cursor = hcs_db.cursor()
        cursor.execute("DELETE FROM belege WHERE beleg_id = ?", higher)
        hcs_db.commit()
        second = (await asyncio.wait_for(stream.__anext__(), 30)).payload
        await stream.aclose()
        return [first, second]

    events = asyncio.run(collect())

    assert events == [{"beleg_id": higher, "pending": 2}, {"beleg_id": higher - 1, "pending": 1}]
