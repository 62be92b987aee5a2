"""Mail the Übernahme-Protokoll, keep it in the archive folder, and alert on task failures.

Mails go out through the Airflow SMTP connection (``SmtpHook``). Subject and body are
German by default and English by setting. They carry counts, the import run id and the
attachment, never a connection, host name, login or exception text.
"""

from __future__ import annotations

import html
import logging
import os
import re
import shutil
from collections.abc import Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    # Imported for annotations only: the protocol module loads openpyxl, and DAG files
    # import this module at parse time for the failure callback.
    from gambio_hcs_bridge.reporting.protocol import ProtocolSummary

log = logging.getLogger(__name__)

ARCHIVE_PREFIX = "uebernahme-protokoll"
_UNSAFE_NAME_CHARACTERS = re.compile(r"[^A-Za-z0-9._-]+")
_MAX_RUN_ID_LENGTH = 100

_MAIL_TEXTS = {
    "de": {
        "subject": "Übernahme-Protokoll {date}: {imported} importiert, {rejected} abgelehnt",
        "subject_grown": ", {grown} nach Übernahme geändert",
        "intro": "das Übernahme-Protokoll des Importlaufs {run} ist angehängt.",
        "greeting": "Hallo,",
        "imported": "Importiert",
        "rejected": "Abgelehnt",
        "grown": "Nach Übernahme geändert",
        "present": "Bereits vorhanden",
        "total_gross": "Summe brutto der importierten Aufträge",
        "warnings": "Hinweise",
        "rejected_hint": "Die Gründe der abgelehnten Bestellungen stehen im Blatt „Abgelehnt“.",
        "grown_hint": "Geänderte Bestellungen stehen im Blatt „Hinweise“; bitte die HCS-Aufträge von Hand anpassen.",
        "footer": "Gesendet von Airflow (DAG webshop_reports, Lauf {run}).",
    },
    "en": {
        "subject": "Import protocol {date}: {imported} imported, {rejected} rejected",
        "subject_grown": ", {grown} changed after import",
        "intro": "the import protocol of import run {run} is attached.",
        "greeting": "Hello,",
        "imported": "Imported",
        "rejected": "Rejected",
        "grown": "Changed after import",
        "present": "Already present",
        "total_gross": "Gross total of imported orders",
        "warnings": "Warnings",
        "rejected_hint": "The reasons for the rejected orders are on the sheet 'Rejected'.",
        "grown_hint": "Changed orders are on the sheet 'Warnings'; please adjust the HCS orders by hand.",
        "footer": "Sent by Airflow (DAG webshop_reports, run {run}).",
    },
}

_FAILURE_TEXTS = {
    "de": {
        "subject": "Airflow-Fehler: {dag_id} / {task_id}",
        "intro": "eine Aufgabe der Gambio-HCS-Schnittstelle ist fehlgeschlagen.",
        "dag": "DAG",
        "task": "Task",
        "run": "Lauf",
        "try": "Versuch",
        "error": "Fehlerart",
        "log": "Log",
        "hint": "Die Fehlermeldung steht im Log des Tasks in der Airflow-Oberfläche.",
    },
    "en": {
        "subject": "Airflow failure: {dag_id} / {task_id}",
        "intro": "a task of the Gambio-HCS bridge failed.",
        "dag": "DAG",
        "task": "Task",
        "run": "Run",
        "try": "Try",
        "error": "Error type",
        "log": "Log",
        "hint": "The error message is in the task log in the Airflow UI.",
    },
}


def protocol_mail_subject(summary: ProtocolSummary, language: str) -> str:
    """Return the subject line, for example "Übernahme-Protokoll 05.03.2025: 12 importiert, 1 abgelehnt"."""
    texts = _texts(_MAIL_TEXTS, language)
    date_format = "%d.%m.%Y" if language == "de" else "%Y-%m-%d"
    subject = texts["subject"].format(
        date=summary.created_at.strftime(date_format), imported=summary.imported, rejected=summary.rejected
    )
    if summary.grown:
        subject += texts["subject_grown"].format(grown=summary.grown)
    return subject


def protocol_mail_body(summary: ProtocolSummary, language: str, run_id: str) -> str:
    """Return the HTML body: the counts, the gross total and hints on what to do."""
    texts = _texts(_MAIL_TEXTS, language)
    rows = [
        (texts["imported"], str(summary.imported)),
        (texts["rejected"], str(summary.rejected)),
        (texts["grown"], str(summary.grown)),
        (texts["present"], str(summary.present)),
        (texts["total_gross"], format_euro(summary.total_gross, language)),
        (texts["warnings"], str(summary.warnings)),
    ]
    hints = []
    if summary.rejected:
        hints.append(texts["rejected_hint"])
    if summary.grown:
        hints.append(texts["grown_hint"])

    parts = [
        f"<p>{_e(texts['greeting'])}</p>",
        f"<p>{_e(texts['intro'].format(run=summary.lauf_id))}</p>",
        _html_table(rows),
        *(f"<p>{_e(hint)}</p>" for hint in hints),
        f"<p><small>{_e(texts['footer'].format(run=run_id))}</small></p>",
    ]
    return "\n".join(parts)


def send_protocol_mail(
    smtp_conn_id: str,
    recipients: Sequence[str],
    mail_from: str,
    summary: ProtocolSummary,
    language: str,
    attachment: Path,
    run_id: str,
) -> None:
    """Send the protocol workbook ``attachment`` with its summary to ``recipients``.

    ``run_id`` is the Airflow run that sends the mail. The footer names it for tracing.
    Raises ``ValueError`` without recipients and ``FileNotFoundError`` without the file.
    """
    from airflow.providers.smtp.hooks.smtp import SmtpHook

    if not recipients:
        raise ValueError("No mail recipients given. Set mail_recipients in the gambio_hcs_bridge settings")
    attachment = Path(attachment)
    if not attachment.is_file():
        raise FileNotFoundError(f"Protocol workbook {attachment} not found")

    subject = protocol_mail_subject(summary, language)
    with SmtpHook(smtp_conn_id=smtp_conn_id) as hook:
        hook.send_email_smtp(
            to=list(recipients),
            from_email=mail_from,
            subject=subject,
            html_content=protocol_mail_body(summary, language, run_id),
            files=[str(attachment)],
        )
    log.info(
        "Mailed import protocol of run %s to %d recipients (attachment %s)",
        summary.lauf_id,
        len(recipients),
        attachment.name,
    )


def archive_name(lauf_id: str, created_at: datetime) -> str:
    """Return the archive file name ``uebernahme-protokoll_<YYYY-MM-DD_HHMMSS>_<safe run id>.xlsx``.

    The run id keeps letters, digits, dot, dash and underscore. Every other sequence of
    characters (``:`` and ``+`` of a timestamp, spaces) becomes one dash.
    """
    return f"{ARCHIVE_PREFIX}_{created_at:%Y-%m-%d_%H%M%S}_{safe_file_part(lauf_id)}.xlsx"


def safe_file_part(text: str) -> str:
    """Return ``text`` reduced to characters that are safe in a file name on every system."""
    safe = _UNSAFE_NAME_CHARACTERS.sub("-", text).strip("-.")
    return safe[:_MAX_RUN_ID_LENGTH] or "lauf"


def archive_file(path: Path, archive_dir: Path | str, name: str) -> Path:
    """Copy ``path`` into ``archive_dir`` as ``name`` and return the archived path.

    The copy is written under a temporary name and renamed, so the archive never contains
    half a file. An existing file of the same name is replaced.
    """
    if not name or Path(name).name != name or name.startswith("."):
        raise ValueError(f"Invalid archive file name {name!r}: expected a plain file name")
    folder = Path(archive_dir)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / name
    partial = folder / f".{name}.partial"
    try:
        shutil.copyfile(path, partial)
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    log.info("Archived %s as %s", Path(path).name, target)
    return target


def format_euro(amount: Decimal, language: str) -> str:
    """Format ``amount`` as "1.234,50 €" (German) or "€1,234.50" (English)."""
    text = f"{amount:,.2f}"
    if language == "de":
        return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".") + " €"
    return f"€{text}" if amount >= 0 else f"-€{text[1:]}"


def notify_task_failure(context: Mapping) -> None:
    """Mail a failure alert to the configured recipients (an ``on_failure_callback``).

    Settings are read here, when a task failed, because a DAG file must not read Variables
    while it is parsed. The alert names DAG, task, run, try and error type and links the
    log. It leaves out the exception message, which can quote connection details.
    """
    from airflow.providers.smtp.notifications.smtp import SmtpNotifier

    from gambio_hcs_bridge.settings import SettingsError, load_settings

    ti = context.get("ti") or context.get("task_instance")
    dag_id = getattr(ti, "dag_id", "?")
    task_id = getattr(ti, "task_id", "?")
    run_id = getattr(ti, "run_id", "?")
    try:
        settings = load_settings()
    except SettingsError as exc:
        # The failure may come from the settings themselves, and without them there is no recipient.
        log.error("Failure alert for %s.%s (run %s) not sent: %s", dag_id, task_id, run_id, exc)
        return
    if not settings.mail_recipients:
        log.warning("Failure alert for %s.%s (run %s) not sent: mail_recipients is empty", dag_id, task_id, run_id)
        return

    texts = _texts(_FAILURE_TEXTS, settings.language)
    exception = context.get("exception")
    rows = [
        (texts["dag"], dag_id),
        (texts["task"], task_id),
        (texts["run"], run_id),
        (texts["try"], str(getattr(ti, "try_number", "?"))),
        (texts["error"], type(exception).__name__ if exception is not None else "?"),
    ]
    log_url = getattr(ti, "log_url", None)
    if log_url:
        rows.append((texts["log"], log_url))
    body = "\n".join(
        [f"<p>{_e(texts['intro'])}</p>", _html_table(rows), f"<p>{_e(texts['hint'])}</p>"]
    )

    notifier = SmtpNotifier(
        to=list(settings.mail_recipients),
        from_email=settings.mail_from,
        subject=texts["subject"].format(dag_id=dag_id, task_id=task_id),
        html_content=body,
        smtp_conn_id=settings.smtp_conn_id,
    )
    # notify() sends the given texts as they are. Calling the notifier would first render
    # them as Jinja templates, which breaks on a run id with braces.
    notifier.notify(context)
    log.info("Sent failure alert for %s.%s (run %s) to %d recipients", dag_id, task_id, run_id, len(settings.mail_recipients))


def _texts(catalogue: Mapping[str, Mapping[str, str]], language: str) -> Mapping[str, str]:
    if language not in catalogue:
        raise ValueError(f"Invalid language {language!r}, expected de or en")
    return catalogue[language]


def _html_table(rows: Sequence[tuple[str, str]]) -> str:
    cells = "".join(
        f'<tr><td style="padding-right:1em">{_e(label)}</td><td>{_e(value)}</td></tr>' for label, value in rows
    )
    return f"<table>{cells}</table>"


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)
