"""``hcsbridge stack ...``: start, stop and inspect the local demo stack.

The stack is a throwaway MariaDB server (Gambio and HCS databases), the mail sink and
``airflow standalone``, all on 127.0.0.1 and all keeping their data under the state folder
(``.local`` by default). Every command can run again after a crash: stale pid files are
detected and replaced.
"""

from __future__ import annotations

import argparse
import shlex
import sys
from email.utils import parsedate_to_datetime
from pathlib import Path

from gambio_hcs_bridge.devstack.airflow_standalone import ADMIN_USER, AirflowStandalone
from gambio_hcs_bridge.devstack.config import (
    GAMBIO_DATABASE,
    HCS_MARIADB_DATABASE,
    StackConfig,
    airflow_environment,
    stack_config,
)
from gambio_hcs_bridge.devstack.mailsink import MailSink, daemon_pid, start_daemon, stop_daemon
from gambio_hcs_bridge.devstack.mariadb import LocalMariaDB, MariaDBNotAvailable
from gambio_hcs_bridge.devstack.process import read_pid

HCS_TARGETS = ("sqlite", "mariadb")
DEFAULT_HCS_TARGET = "sqlite"


def add_commands(subparsers) -> None:
    stack = subparsers.add_parser(
        "stack",
        help="run the local demo stack (MariaDB, mail sink, Airflow standalone) on 127.0.0.1",
        description="Run the local demo stack on 127.0.0.1. Its data lives in .local "
        "(or $GAMBIO_HCS_STATE_DIR).",
    )
    commands = stack.add_subparsers(dest="stack_command", required=True)

    start = commands.add_parser("start", help="start MariaDB, the mail sink and Airflow, keeping parts that already run")
    start.add_argument("--no-airflow", action="store_true", help="start only MariaDB and the mail sink")
    _add_hcs_target_option(start)
    start.set_defaults(handler=start_stack)

    stop = commands.add_parser("stop", help="stop Airflow, the mail sink and MariaDB (their data stays in the state folder)")
    stop.set_defaults(handler=stop_stack)

    status = commands.add_parser("status", help="print one status line per service")
    status.set_defaults(handler=print_status)

    env = commands.add_parser(
        "env",
        help="print export lines with the stack's Airflow settings and connections, for eval in a shell",
    )
    _add_hcs_target_option(env)
    env.set_defaults(handler=print_environment)

    mails = commands.add_parser("mails", help="list the mails the mail sink received, oldest first")
    mails.set_defaults(handler=list_mails)


def _add_hcs_target_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--hcs-target",
        choices=HCS_TARGETS,
        default=None,
        help="database behind the Airflow connection hcs_odbc: a SQLite file or the stack's MariaDB "
        f"(default: the choice of the last start, else {DEFAULT_HCS_TARGET})",
    )


def start_stack(args: argparse.Namespace) -> int:
    config = stack_config()
    hcs_target = args.hcs_target or saved_hcs_target(config)

    mariadb = _mariadb(config)
    try:
        mariadb.start()
        mariadb.create_database(GAMBIO_DATABASE, "utf8")
        mariadb.create_database(HCS_MARIADB_DATABASE, "utf8mb4")
    except (MariaDBNotAvailable, RuntimeError) as exc:
        print(f"MariaDB failed to start: {exc}", file=sys.stderr)
        return 1
    print(
        f"MariaDB     running on 127.0.0.1:{config.mariadb_port}, "
        f"databases {GAMBIO_DATABASE} (utf8) and {HCS_MARIADB_DATABASE} (utf8mb4)"
    )

    try:
        start_daemon(config.smtp_port, mail_inbox(config), mail_pid_file(config), mail_log_file(config))
    except RuntimeError as exc:
        print(f"Mail sink failed to start: {exc}", file=sys.stderr)
        return 1
    print(f"Mail sink   running on 127.0.0.1:{config.smtp_port}, mails stored in {mail_inbox(config)}")

    if args.no_airflow:
        return 0

    airflow = AirflowStandalone(config, hcs_target)
    if airflow.pid() is not None and hcs_target != saved_hcs_target(config):
        print(
            f"Airflow already runs with --hcs-target {saved_hcs_target(config)}; "
            "run 'hcsbridge stack stop' first to switch.",
            file=sys.stderr,
        )
        return 1
    if hcs_target == "sqlite":
        config.hcs_sqlite_path.parent.mkdir(parents=True, exist_ok=True)
    _save_hcs_target(config, hcs_target)

    if airflow.pid() is None:
        print("Airflow     starting (the first start creates the metadata database and takes up to 3 minutes)")
    try:
        airflow.start()
    except RuntimeError as exc:
        print(f"Airflow failed to start: {exc}", file=sys.stderr)
        return 1
    print(f"Airflow     running, HCS connection hcs_odbc points to {hcs_target}, log {airflow.log_file}")
    print(f"Airflow UI: {airflow.url}  user {ADMIN_USER}, password in {airflow.password_file}")
    return 0


def stop_stack(args: argparse.Namespace) -> int:
    config = stack_config()
    failed = False

    # Airflow goes first because its tasks may still use the database or send mail.
    try:
        AirflowStandalone(config, saved_hcs_target(config)).stop()
        print("Airflow     stopped")
    except RuntimeError as exc:
        print(f"Airflow failed to stop: {exc}", file=sys.stderr)
        failed = True

    stop_daemon(mail_pid_file(config))
    print("Mail sink   stopped")

    _mariadb(config).stop()
    print("MariaDB     stopped")
    return 1 if failed else 0


def print_status(args: argparse.Namespace) -> int:
    config = stack_config()

    mariadb = _mariadb(config)
    if mariadb.is_running():
        print(f"MariaDB     running on 127.0.0.1:{config.mariadb_port}, pid {read_pid(mariadb.pid_file)}")
    else:
        print("MariaDB     stopped")

    sink_pid = daemon_pid(mail_pid_file(config))
    mail_count = len(MailSink(config.smtp_port, mail_inbox(config)).message_files())
    if sink_pid is not None:
        print(f"Mail sink   running on 127.0.0.1:{config.smtp_port}, pid {sink_pid}, stored mails: {mail_count}")
    else:
        print(f"Mail sink   stopped, stored mails: {mail_count}")

    airflow = AirflowStandalone(config, saved_hcs_target(config))
    airflow_pid = airflow.pid()
    if airflow_pid is None:
        print("Airflow     stopped")
        return 0
    health = airflow.health()
    if health is None:
        print(f"Airflow     starting, pid {airflow_pid}, api-server not answering yet on {airflow.url}")
    else:
        components = ", ".join(f"{name} {report.get('status')}" for name, report in health.items())
        print(f"Airflow     running on {airflow.url}, pid {airflow_pid}: {components}")
    return 0


def print_environment(args: argparse.Namespace) -> int:
    config = stack_config()
    hcs_target = args.hcs_target or saved_hcs_target(config)
    # The connection JSON contains the generated MariaDB root password. That is acceptable only
    # for this throwaway server on 127.0.0.1. The lines go to stdout on this explicit request
    # alone, never to a log, for `eval "$(hcsbridge stack env)"`.
    for key, value in airflow_environment(config, hcs_target).items():
        print(f"export {key}={shlex.quote(value)}")
    return 0


def list_mails(args: argparse.Namespace) -> int:
    config = stack_config()
    messages = MailSink(config.smtp_port, mail_inbox(config)).messages()
    if not messages:
        print(f"No mails in {mail_inbox(config)}")
        return 0
    for message in messages:
        attachments = [part.get_filename() or "(unnamed)" for part in message.iter_attachments()]
        print(
            f"{_format_date(message['Date'])}  to {message['To'] or '-'}  "
            f"subject \"{message['Subject'] or ''}\"  attachments: {', '.join(attachments) or 'none'}"
        )
    return 0


def mail_inbox(config: StackConfig) -> Path:
    return config.mail_dir / "inbox"


def mail_pid_file(config: StackConfig) -> Path:
    return config.mail_dir / "sink.pid"


def mail_log_file(config: StackConfig) -> Path:
    return config.mail_dir / "sink.log"


def saved_hcs_target(config: StackConfig) -> str:
    """Return the --hcs-target of the last ``stack start``, or the default before the first one."""
    try:
        target = (config.state_dir / "hcs_target").read_text().strip()
    except FileNotFoundError:
        return DEFAULT_HCS_TARGET
    return target if target in HCS_TARGETS else DEFAULT_HCS_TARGET


def _save_hcs_target(config: StackConfig, target: str) -> None:
    config.state_dir.mkdir(parents=True, exist_ok=True)
    (config.state_dir / "hcs_target").write_text(f"{target}\n")


def _mariadb(config: StackConfig) -> LocalMariaDB:
    return LocalMariaDB(config.mariadb_dir, config.mariadb_port, config.mariadb_root_password())


def _format_date(value: str | None) -> str:
    if not value:
        return "(no date)"
    try:
        return parsedate_to_datetime(value).strftime("%Y-%m-%d %H:%M:%S %z")
    except (TypeError, ValueError):
        return value
