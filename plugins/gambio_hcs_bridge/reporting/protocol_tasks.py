"""Task logic of the reporting DAG ``webshop_reports`` for the Übernahme-Protokoll.

Plain functions that the DAG's tasks call, so tests can run them without a scheduler.
They read the settings when called, never when a DAG file is parsed.
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path

from airflow.sdk.exceptions import AirflowFailException, AirflowSkipException

from gambio_hcs_bridge.settings import Settings, load_settings

log = logging.getLogger(__name__)


def runs_to_report(params: Mapping[str, object], triggering_events, asset) -> list[str]:
    """Return the import run ids whose protocol this reporting run builds.

    A ``lauf_id`` from the trigger form wins. Otherwise every triggering event of ``asset``
    names one run in its extra ``lauf_id``. A run with neither (a manual trigger with an
    empty form) returns ``[]``, which :func:`build_and_archive` reads as "the latest run".
    """
    by_hand = str(params.get("lauf_id") or "").strip()
    if by_hand:
        log.info("Building the protocol of import run %s (given by hand)", by_hand)
        return [by_hand]

    lauf_ids: list[str] = []
    events = triggering_events.get(asset, []) if triggering_events else []
    for event in events:
        lauf_id = str((event.extra or {}).get("lauf_id") or "").strip()
        if not lauf_id:
            log.warning("Ignoring asset event %s of %s: its extra has no lauf_id", getattr(event, "id", "?"), asset.name)
        elif lauf_id not in lauf_ids:
            lauf_ids.append(lauf_id)
    log.info("Building the protocols of %d import runs from %d asset events", len(lauf_ids), len(events))
    return lauf_ids


def build_and_archive(
    lauf_ids: Sequence[str],
    *,
    by_hand: bool,
    recent_runs_shown: int = 5,
    settings: Settings | None = None,
) -> list[dict[str, object]]:
    """Build and archive the protocol of each run in ``lauf_ids`` and return their summaries as dicts.

    Empty ``lauf_ids`` means the most recently logged run. A run without log rows is
    skipped, except when its id was given by hand: then the task fails and names recent runs.
    """
    from gambio_hcs_bridge.hooks.hcs import HcsHook
    from gambio_hcs_bridge.reporting.mail import archive_file, archive_name
    from gambio_hcs_bridge.reporting.protocol import build_protocol, list_runs

    settings = settings or load_settings()
    if not settings.archive_dir:
        raise AirflowFailException(
            "Setting archive_dir is missing. Set it in the gambio_hcs_bridge Variable to the folder that keeps the protocols"
        )
    work_dir = Path(settings.work_dir) if settings.work_dir else None
    if work_dir:
        work_dir.mkdir(parents=True, exist_ok=True)

    conn = HcsHook(hcs_conn_id=settings.hcs_conn_id).get_conn()
    try:
        if not lauf_ids:
            latest = list_runs(conn, 1, override_dir=settings.sql_override_dir)
            if not latest:
                raise AirflowSkipException("import_protokoll has no runs yet, so there is nothing to report")
            lauf_ids = [latest[0].lauf_id]
            log.info("No run id given, building the protocol of the latest run %s", lauf_ids[0])

        built = []
        with tempfile.TemporaryDirectory(prefix="protokoll-", dir=work_dir) as scratch:
            for lauf_id in lauf_ids:
                summary = build_protocol(
                    conn,
                    lauf_id,
                    settings.language,
                    Path(scratch) / "protokoll.xlsx",
                    override_dir=settings.sql_override_dir,
                    tz_name=settings.shop_timezone,
                )
                if summary.orders == 0:
                    if by_hand:
                        recent_runs = list_runs(conn, recent_runs_shown, override_dir=settings.sql_override_dir)
                        recent = ", ".join(run.lauf_id for run in recent_runs) or "none"
                        raise AirflowFailException(
                            f"import_protokoll has no rows for lauf_id {lauf_id!r}. Recent run ids: {recent}"
                        )
                    log.info("Import run %s logged no orders, so no protocol is archived", lauf_id)
                    continue
                archived = archive_file(summary.path, settings.archive_dir, archive_name(lauf_id, summary.created_at))
                data = summary.to_dict()
                data["path"] = str(archived)
                built.append(data)
    finally:
        conn.close()
    return built


def mail_built_protocol(protocol: Mapping[str, object], run_id: str, settings: Settings | None = None) -> None:
    """Mail one archived protocol, or skip when the run needs no mail or no recipient is set."""
    from gambio_hcs_bridge.reporting.mail import send_protocol_mail
    from gambio_hcs_bridge.reporting.protocol import ProtocolSummary

    settings = settings or load_settings()
    summary = ProtocolSummary.from_dict(protocol)
    if not summary.needs_mail:
        raise AirflowSkipException(f"Import run {summary.lauf_id} imported, rejected and changed nothing, so no mail is sent")
    if not settings.mail_recipients:
        log.warning("Protocol of import run %s not mailed: mail_recipients is empty", summary.lauf_id)
        raise AirflowSkipException("mail_recipients is empty")
    if not summary.path.is_file():
        raise AirflowFailException(f"Archived protocol {summary.path} not found. Rebuild it by triggering webshop_reports with lauf_id {summary.lauf_id}")
    send_protocol_mail(
        settings.smtp_conn_id,
        settings.mail_recipients,
        settings.mail_from,
        summary,
        settings.language,
        summary.path,
        run_id,
    )
