"""Mailing the protocol through the real SMTP hook to a loopback mail sink, and archiving it."""

from __future__ import annotations

import dataclasses
import io
import json
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from gambio_hcs_bridge.devstack.config import smtp_connection
from gambio_hcs_bridge.reporting.excel import Column, SheetSpec, write_workbook
from gambio_hcs_bridge.reporting.mail import (
    archive_file,
    archive_name,
    format_euro,
    notify_task_failure,
    protocol_mail_subject,
    send_protocol_mail,
)
from gambio_hcs_bridge.reporting.protocol import ProtocolSummary

LAUF_ID = "scheduled__2025-03-05T06:00:00+00:00"
RECIPIENTS = ["datenteam@example.com", "lager@example.com"]


def summary_for(path: Path, **counts) -> ProtocolSummary:
    values = {"imported": 12, "rejected": 1, "present": 3, "grown": 0, "warnings": 2, **counts}
    return ProtocolSummary(
        lauf_id=LAUF_ID,
        created_at=datetime(2025, 3, 5, 7, 0, 12),
        total_gross=Decimal("1234.50"),
        path=path,
        **values,
    )


@pytest.fixture
def workbook_file(tmp_path) -> Path:
    spec = SheetSpec("Zusammenfassung", "Summary", (Column("angabe", "Angabe", "Item"),))
    path = tmp_path / archive_name(LAUF_ID, datetime(2025, 3, 5, 7, 0, 12))
    write_workbook(path, [(spec, [{"angabe": "Importiert"}])])
    return path


@pytest.fixture
def smtp_conn_id(mail_sink, monkeypatch) -> str:
    monkeypatch.setenv("AIRFLOW_CONN_SMTP_SINK", json.dumps(smtp_connection(mail_sink.port)))
    return "smtp_sink"


def send(smtp_conn_id, summary, language="de"):
    send_protocol_mail(
        smtp_conn_id,
        RECIPIENTS,
        "hcs-bridge@example.com",
        summary,
        language,
        summary.path,
        "asset_triggered__2025-03-05T07:01:00+00:00",
    )


def test_german_subject_and_recipients(mail_sink, smtp_conn_id, workbook_file):
    send(smtp_conn_id, summary_for(workbook_file))
    [mail] = mail_sink.messages()
    assert mail["Subject"] == "Übernahme-Protokoll 05.03.2025: 12 importiert, 1 abgelehnt"
    assert mail["To"] == "datenteam@example.com, lager@example.com"
    assert mail["From"] == "hcs-bridge@example.com"


def test_attachment_name_and_bytes(mail_sink, smtp_conn_id, workbook_file):
    send(smtp_conn_id, summary_for(workbook_file))
    [mail] = mail_sink.messages()
    [attachment] = list(mail.iter_attachments())
    assert attachment.get_filename() == "uebernahme-protokoll_2025-03-05_070012_scheduled__2025-03-05T06-00-00-00-00.xlsx"
    content = attachment.get_content()
    assert content == workbook_file.read_bytes()
    assert load_workbook(io.BytesIO(content))["Zusammenfassung"]["A2"].value == "Importiert"


def test_german_body(mail_sink, smtp_conn_id, workbook_file):
    send(smtp_conn_id, summary_for(workbook_file))
    body = mail_sink.messages()[0].get_body(("html",)).get_content()
    assert f"Importlaufs {LAUF_ID} ist angehängt" in body
    assert "<td>1.234,50 €</td>" in body
    assert "Blatt „Abgelehnt“" in body
    assert "asset_triggered__2025-03-05T07:01:00+00:00" in body


def test_no_connection_details_in_mail(mail_sink, smtp_conn_id, workbook_file):
    send(smtp_conn_id, summary_for(workbook_file))
    mail = mail_sink.messages()[0]
    text = mail["Subject"] + mail.get_body(("html",)).get_content()
    for detail in ("127.0.0.1", str(mail_sink.port), smtp_conn_id, "smtp"):
        assert detail not in text, detail


def test_grown_orders_in_subject(workbook_file):
    subject = protocol_mail_subject(summary_for(workbook_file, grown=2), "de")
    assert subject == "Übernahme-Protokoll 05.03.2025: 12 importiert, 1 abgelehnt, 2 nach Übernahme geändert"


def test_english_mail(mail_sink, smtp_conn_id, workbook_file):
    send(smtp_conn_id, summary_for(workbook_file), language="en")
    mail = mail_sink.messages()[0]
    assert mail["Subject"] == "Import protocol 2025-03-05: 12 imported, 1 rejected"
    assert "<td>€1,234.50</td>" in mail.get_body(("html",)).get_content()


def test_body_escapes_run_id(mail_sink, smtp_conn_id, workbook_file):
    odd = dataclasses.replace(summary_for(workbook_file), lauf_id="manual__<b>x</b>")
    send(smtp_conn_id, odd)
    body = mail_sink.messages()[0].get_body(("html",)).get_content()
    assert "<b>x</b>" not in body
    assert "manual__&lt;b&gt;x&lt;/b&gt;" in body


def test_no_recipients_rejected(smtp_conn_id, workbook_file):
    with pytest.raises(ValueError, match="mail_recipients"):
        send_protocol_mail(smtp_conn_id, [], "a@example.com", summary_for(workbook_file), "de", workbook_file, "r")


def test_missing_attachment_rejected(smtp_conn_id, tmp_path):
    missing = tmp_path / "missing.xlsx"
    with pytest.raises(FileNotFoundError, match="missing.xlsx"):
        send_protocol_mail(smtp_conn_id, RECIPIENTS, "a@example.com", summary_for(missing), "de", missing, "r")


def test_archive_name_format():
    name = archive_name("manual__2025-03-05T07:00:00.123456+00:00", datetime(2025, 3, 5, 8, 1, 2))
    assert name == "uebernahme-protokoll_2025-03-05_080102_manual__2025-03-05T07-00-00.123456-00-00.xlsx"


def test_archive_name_strips_path_characters():
    name = archive_name("../../etc/passwd", datetime(2025, 1, 2, 3, 4, 5))
    assert name == "uebernahme-protokoll_2025-01-02_030405_etc-passwd.xlsx"


def test_archive_file_copies(tmp_path, workbook_file):
    archive_dir = tmp_path / "archiv" / "2025"
    archived = archive_file(workbook_file, archive_dir, "uebernahme-protokoll_x.xlsx")
    assert archived == archive_dir / "uebernahme-protokoll_x.xlsx"
    assert archived.read_bytes() == workbook_file.read_bytes()
    assert sorted(p.name for p in archive_dir.iterdir()) == ["uebernahme-protokoll_x.xlsx"]


def test_archive_file_rejects_path_name(tmp_path, workbook_file):
    with pytest.raises(ValueError, match="plain file name"):
        archive_file(workbook_file, tmp_path, "../x.xlsx")


def test_format_euro_negative():
    assert format_euro(Decimal("-1234.5"), "de") == "-1.234,50 €"
    assert format_euro(Decimal("-1234.5"), "en") == "-€1,234.50"


class FakeTaskInstance:
    dag_id = "webshop_reports"
    task_id = "build_protocols"
    run_id = "manual__{{ 7*7 }}"
    try_number = 2
    log_url = "http://localhost:8080/dags/webshop_reports/runs/x/tasks/build_protocols"


def test_failure_alert_german(mail_sink, monkeypatch):
    monkeypatch.setenv("AIRFLOW_CONN_SMTP_DEFAULT", json.dumps(smtp_connection(mail_sink.port)))
    monkeypatch.setenv("AIRFLOW_VAR_GAMBIO_HCS_BRIDGE", json.dumps({"mail_recipients": ["datenteam@example.com"]}))
    notify_task_failure({"ti": FakeTaskInstance(), "exception": RuntimeError("PWD=geheim")})
    [alert] = mail_sink.messages()
    body = alert.get_body(("html",)).get_content()
    assert alert["Subject"] == "Airflow-Fehler: webshop_reports / build_protocols"
    assert alert["To"] == "datenteam@example.com"
    assert "<td>RuntimeError</td>" in body
    assert "<td>manual__{{ 7*7 }}</td>" in body
    assert "geheim" not in body


def test_failure_alert_english(mail_sink, monkeypatch):
    monkeypatch.setenv("AIRFLOW_CONN_SMTP_DEFAULT", json.dumps(smtp_connection(mail_sink.port)))
    monkeypatch.setenv(
        "AIRFLOW_VAR_GAMBIO_HCS_BRIDGE", json.dumps({"mail_recipients": ["a@example.com"], "language": "en"})
    )
    notify_task_failure({"ti": FakeTaskInstance(), "exception": None})
    assert mail_sink.messages()[0]["Subject"] == "Airflow failure: webshop_reports / build_protocols"


def test_alert_without_recipients_sends_nothing(mail_sink, monkeypatch):
    monkeypatch.setenv("AIRFLOW_CONN_SMTP_DEFAULT", json.dumps(smtp_connection(mail_sink.port)))
    monkeypatch.setenv("AIRFLOW_VAR_GAMBIO_HCS_BRIDGE", json.dumps({}))
    notify_task_failure({"ti": FakeTaskInstance(), "exception": None})
    assert mail_sink.messages() == []


def test_alert_invalid_settings_sends_nothing(mail_sink, monkeypatch):
    monkeypatch.setenv("AIRFLOW_CONN_SMTP_DEFAULT", json.dumps(smtp_connection(mail_sink.port)))
    monkeypatch.setenv("AIRFLOW_VAR_GAMBIO_HCS_BRIDGE", json.dumps({"language": "fr"}))
    notify_task_failure({"ti": FakeTaskInstance(), "exception": None})
    assert mail_sink.messages() == []
