"""Retention and listing of the archive folder (Übernahme-Protokolle and Spezialisten).

Only files whose names start with a prefix the bridge writes are ever deleted, so other
files an administrator keeps in the same folder stay untouched.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta, timezone
from pathlib import Path

log = logging.getLogger(__name__)

# File name prefixes of the bridge's archived reports (see reporting.mail and reporting.spezialliste).
ARCHIVE_PREFIXES = ("uebernahme-protokoll_", "spezialliste_")
# The listing returned as XCom names at most this many files, newest first, to keep the XCom small.
MAX_LISTED_FILES = 500


def prune_archive(archive_dir: Path | str, retention_days: int, now: datetime | None = None) -> list[str]:
    """Delete archived reports last modified more than ``retention_days`` days before ``now``.

    Returns the deleted file names. A missing folder deletes nothing.
    """
    if retention_days < 1:
        raise ValueError(f"Invalid retention of {retention_days} days, expected at least 1")
    folder = Path(archive_dir)
    if not folder.is_dir():
        return []
    cutoff = (now or datetime.now(timezone.utc)) - timedelta(days=retention_days)
    removed = []
    for path in sorted(_reports(folder)):
        modified = datetime.fromtimestamp(path.stat().st_mtime, timezone.utc)
        if modified < cutoff:
            path.unlink(missing_ok=True)
            removed.append(path.name)
    log.info("Deleted %d archived reports older than %d days from %s", len(removed), retention_days, folder)
    return removed


def list_archive(archive_dir: Path | str, limit: int = MAX_LISTED_FILES) -> list[dict[str, object]]:
    """Return the archived reports, newest first: name, size in bytes and modification time (UTC, ISO)."""
    folder = Path(archive_dir)
    if not folder.is_dir():
        return []
    entries = []
    for path in _reports(folder):
        stat = path.stat()
        entries.append((stat.st_mtime, path.name, stat.st_size))
    entries.sort(reverse=True)
    return [
        {"name": name, "size": size, "modified": datetime.fromtimestamp(mtime, timezone.utc).isoformat(timespec="seconds")}
        for mtime, name, size in entries[:limit]
    ]


def _reports(folder: Path):
    for path in folder.iterdir():
        if path.is_file() and path.name.startswith(ARCHIVE_PREFIXES):
            yield path
