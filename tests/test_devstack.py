"""The local stack: mail sink, throwaway MariaDB, ``airflow standalone`` and ``hcsbridge stack``.

Every server listens on 127.0.0.1 on a free port, keeps its files under ``tmp_path`` and is
stopped by the test that started it. The Airflow test is marked slow (about a minute).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import shutil
import signal
import smtplib
import subprocess
import urllib.request
import uuid
from email.message import EmailMessage
from pathlib import Path

import openpyxl
import pytest

from gambio_hcs_bridge.devstack import commands
from gambio_hcs_bridge.devstack.airflow_standalone import AirflowStandalone
from gambio_hcs_bridge.devstack.mailsink import MailSink, daemon_pid, start_daemon, stop_daemon
from gambio_hcs_bridge.devstack.mariadb import LocalMariaDB
from gambio_hcs_bridge.devstack.process import free_port, port_open, process_alive, read_pid
from stack_env import point_stack_at



def _require_mariadb() -> None:
    if shutil.which("mariadbd") or Path("/usr/sbin/mariadbd").exists():
        return
    reason = "mariadbd not found: install the Debian package mariadb-server"
    if os.environ.get("CI") == "true":
        pytest.fail(reason)
    pytest.skip(reason)


@pytest.fixture
def stack_env(tmp_path, monkeypatch):
    """Point the stack configuration at a temporary state folder and free loopback ports."""
    return point_stack_at(monkeypatch, tmp_path / "state")


def _send(port: int, subject: str, body: str = "Hallo") -> None:
    message = EmailMessage()
    message["From"] = "hcs-bridge@localhost"
    message["To"] = "datenteam@example.com"
    message["Subject"] = subject
    message.set_content(body)
    with smtplib.SMTP("127.0.0.1", port, timeout=10) as client:
        client.send_message(message)


def _dead_pid() -> int:
    process = subprocess.Popen(["true"])
    process.wait()
    return process.pid


# Mail sink


def test_mail_sink_stores_smtplib_mails(mail_sink):
    _send(mail_sink.port, "Erster Bericht", "Grüße aus dem Lager")
    _send(mail_sink.port, "Zweiter Bericht")

    files = mail_sink.message_files()
    assert len(files) == 2
    assert all(path.suffix == ".eml" for path in files)
    assert b"Subject: Erster Bericht" in files[0].read_bytes()

    first, second = mail_sink.messages()
    assert first["Subject"] == "Erster Bericht"
    assert first["To"] == "datenteam@example.com"
    assert first.get_content().strip() == "Grüße aus dem Lager"
    assert second["Subject"] == "Zweiter Bericht"


def test_mail_sink_keeps_smtp_hook_attachment(mail_sink, tmp_path, monkeypatch):
    from airflow.providers.smtp.hooks.smtp import SmtpHook

    workbook = openpyxl.Workbook()
    workbook.active["A1"] = "Auftrag"
    workbook.active["A2"] = 10001
    xlsx = tmp_path / "protokoll.xlsx"
    workbook.save(xlsx)
    connection = {
        "conn_type": "smtp",
        "host": "127.0.0.1",
        "port": mail_sink.port,
        "extra": {"disable_ssl": True, "disable_tls": True},
    }
    monkeypatch.setenv("AIRFLOW_CONN_DEVSTACK_MAIL_SINK", json.dumps(connection))

    with SmtpHook(smtp_conn_id="devstack_mail_sink") as hook:
        hook.send_email_smtp(
            to="datenteam@example.com",
            subject="Importprotokoll",
            html_content="<p>Protokoll anbei</p>",
            from_email="hcs-bridge@localhost",
            files=[str(xlsx)],
        )

    [mail] = mail_sink.messages()
    assert mail["Subject"] == "Importprotokoll"
    [attachment] = list(mail.iter_attachments())
    assert attachment.get_filename() == "protokoll.xlsx"
    content = attachment.get_content()
    assert content == xlsx.read_bytes()
    assert openpyxl.load_workbook(io.BytesIO(content)).active["A2"].value == 10001


def test_mail_sink_daemon_start_twice_then_sigterm(tmp_path):
    port = free_port()
    inbox, pid_file, log_file = tmp_path / "inbox", tmp_path / "sink.pid", tmp_path / "sink.log"
    pid = start_daemon(port, inbox, pid_file, log_file)
    try:
        assert start_daemon(port, inbox, pid_file, log_file) == pid
        _send(port, "Über den Daemon")
    finally:
        stop_daemon(pid_file)

    assert not process_alive(pid)
    assert not pid_file.exists()
    assert not port_open(port)
    assert "Received SIGTERM" in log_file.read_text()
    [mail] = MailSink(port, inbox).messages()
    assert mail["Subject"] == "Über den Daemon"


def test_mail_sink_daemon_replaces_stale_pid_file(tmp_path):
    port = free_port()
    pid_file = tmp_path / "sink.pid"
    stale = _dead_pid()
    pid_file.write_text(f"{stale}\n")

    pid = start_daemon(port, tmp_path / "inbox", pid_file, tmp_path / "sink.log")
    try:
        assert pid != stale
        assert daemon_pid(pid_file) == pid
        assert port_open(port)
    finally:
        stop_daemon(pid_file)
    assert not process_alive(pid)


# MariaDB


@pytest.fixture
def own_mariadb(tmp_path):
    """A MariaDB server of this test alone, because the tests kill it."""
    _require_mariadb()
    server = LocalMariaDB(tmp_path / "mariadb", free_port(), uuid.uuid4().hex)
    yield server
    server.stop()


def _mariadb_processes(server: LocalMariaDB) -> list[int]:
    """Return pids of live processes whose command line names the server's data folder."""
    marker = f"--datadir={server.datadir}".encode()
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        if marker in cmdline.split(b"\0") and process_alive(int(entry.name)):
            pids.append(int(entry.name))
    return pids


@pytest.mark.mariadb
def test_mariadb_start_twice_is_noop(own_mariadb):
    own_mariadb.start()
    pid = read_pid(own_mariadb.pid_file)

    own_mariadb.start()

    assert read_pid(own_mariadb.pid_file) == pid
    assert _mariadb_processes(own_mariadb) == [pid]


@pytest.mark.mariadb
def test_mariadb_restarts_after_sigkill(own_mariadb):
    own_mariadb.start()
    own_mariadb.create_database("kept", "utf8mb4")
    killed = read_pid(own_mariadb.pid_file)
    os.kill(killed, signal.SIGKILL)
    os.waitpid(killed, 0)
    assert own_mariadb.pid_file.exists(), "SIGKILL should leave the pid file behind"

    own_mariadb.start()

    restarted = read_pid(own_mariadb.pid_file)
    assert restarted != killed
    assert process_alive(restarted)
    with own_mariadb.connect() as conn:
        cursor = conn.cursor()
        cursor.execute("SHOW DATABASES LIKE 'kept'")
        assert cursor.fetchall() == (("kept",),)


@pytest.mark.mariadb
def test_mariadb_stop_leaves_no_process(own_mariadb):
    own_mariadb.start()
    pid = read_pid(own_mariadb.pid_file)

    own_mariadb.stop()

    assert not process_alive(pid)
    assert _mariadb_processes(own_mariadb) == []
    assert not own_mariadb.pid_file.exists()
    assert not port_open(own_mariadb.port)


# hcsbridge stack


def _run_stack(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="hcsbridge")
    commands.add_commands(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["stack", *argv])
    return args.handler(args)


@pytest.mark.mariadb
def test_stack_commands_without_airflow(stack_env, capsys):
    _require_mariadb()
    config = stack_env
    password = config.mariadb_root_password()
    try:
        assert _run_stack("start", "--no-airflow") == 0
        sink_pid = daemon_pid(commands.mail_pid_file(config))
        mariadb_pid = read_pid(config.mariadb_dir / "mariadb.pid")
        assert _run_stack("start", "--no-airflow") == 0
        assert daemon_pid(commands.mail_pid_file(config)) == sink_pid
        assert read_pid(config.mariadb_dir / "mariadb.pid") == mariadb_pid
        start_output = capsys.readouterr().out
        assert password not in start_output

        _send(config.smtp_port, "Bestandsabgleich")
        assert _run_stack("mails") == 0
        mails_output = capsys.readouterr().out
        assert "Bestandsabgleich" in mails_output
        assert "datenteam@example.com" in mails_output

        assert _run_stack("status") == 0
        status_lines = capsys.readouterr().out.splitlines()
        assert len(status_lines) == 3
        assert status_lines[0].startswith("MariaDB     running")
        assert status_lines[1].startswith("Mail sink   running")
        assert status_lines[2] == "Airflow     stopped"

        assert _run_stack("env") == 0
        env_output = capsys.readouterr().out
        assert f"export AIRFLOW_HOME={config.airflow_home}" in env_output.splitlines()
        assert "export AIRFLOW_CONN_SMTP_DEFAULT=" in env_output
    finally:
        assert _run_stack("stop") == 0

    assert not process_alive(sink_pid)
    assert not process_alive(mariadb_pid)
    assert not port_open(config.smtp_port)
    assert not port_open(config.mariadb_port)
    assert password not in capsys.readouterr().out


# Airflow standalone


def _processes_with_environment(name: str, value: str) -> list[int]:
    """Return pids of other live processes whose environment sets ``name`` to ``value``."""
    entry_bytes = f"{name}={value}".encode()
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            environ = (entry / "environ").read_bytes()
        except OSError:
            continue
        if entry_bytes in environ.split(b"\0") and process_alive(int(entry.name)):
            pids.append(int(entry.name))
    return pids


def _processes_in_group(group: int) -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[2]) == group and fields[0] != "Z":
            pids.append(int(entry.name))
    return pids


@pytest.mark.slow
@pytest.mark.airflow
def test_airflow_standalone_start_and_stop(stack_env):
    config = stack_env
    airflow = AirflowStandalone(config)
    try:
        pid = airflow.start()

        health = airflow.health()
        assert health is not None
        assert health["metadatabase"]["status"] == "healthy"
        with urllib.request.urlopen(f"{airflow.url}/auth/login/", timeout=10) as response:
            assert response.status == 200
            assert response.headers.get_content_type() == "text/html"
            assert b"<html" in response.read()
        assert airflow.admin_password()
        assert airflow.start() == pid
    finally:
        airflow.stop()

    assert airflow.stack_processes() == []
    assert _processes_in_group(pid) == []
    assert _processes_with_environment("AIRFLOW_HOME", str(config.airflow_home)) == []
    assert not airflow.pid_file.exists()
    for port in (config.api_port, config.worker_log_port, config.trigger_log_port):
        assert not port_open(port), f"port {port} still open after stop"


def test_demo_outcome_repeated_rejection_once():
    from gambio_hcs_bridge.devstack.demo_import import latest_verdicts

    rows = [
        ("abgelehnt", 400218, None, '[{"code":"unknown_sku"}]'),
        ("importiert", 400210, 200001, "[]"),
        ("abgelehnt", 400218, None, '[{"code":"unknown_sku","field":"x"}]'),
    ]
    assert latest_verdicts(rows) == [
        ("abgelehnt", 400218, None, '[{"code":"unknown_sku","field":"x"}]'),
        ("importiert", 400210, 200001, "[]"),
    ]
