"""A loopback SMTP server that stores every mail it receives as a ``.eml`` file.

The local stack and the tests send the bridge's report mails here instead of to a real
mail server. ``MailSink.start()`` runs the server in a thread of the calling process (for
tests). ``python -m gambio_hcs_bridge.devstack.mailsink --port P --folder F`` runs it in
the foreground until SIGTERM or SIGINT, and ``start_daemon``/``stop_daemon`` manage that
process for ``hcsbridge stack``.
"""

from __future__ import annotations

import argparse
import email
import email.policy
import itertools
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from email.message import EmailMessage
from pathlib import Path

from aiosmtpd.controller import Controller

from gambio_hcs_bridge.devstack.process import port_open, process_alive, read_pid, wait_until

log = logging.getLogger(__name__)

HOST = "127.0.0.1"
MODULE = "gambio_hcs_bridge.devstack.mailsink"


class _StoreHandler:
    """aiosmtpd handler that writes each message's raw bytes to its own file."""

    def __init__(self, folder: Path):
        self.folder = folder
        # The counter keeps names unique and ordered when two mails arrive in the same nanosecond.
        # aiosmtpd calls the handler from one event loop thread, so it needs no lock.
        self._counter = itertools.count()

    async def handle_DATA(self, server, session, envelope) -> str:
        name = f"{time.time_ns():020d}-{os.getpid()}-{next(self._counter):06d}.eml"
        path = self.folder / name
        # Write under a temporary name and rename, so that messages() never reads half a mail.
        partial = self.folder / f".{name}.partial"
        partial.write_bytes(envelope.original_content)
        os.replace(partial, path)
        log.info(
            "Stored mail from %s to %s (%d bytes) as %s",
            envelope.mail_from,
            ", ".join(envelope.rcpt_tos),
            len(envelope.original_content),
            path.name,
        )
        return "250 Message accepted for delivery"


class MailSink:
    """An SMTP server on 127.0.0.1:``port`` that stores received mails in ``folder``."""

    def __init__(self, port: int, folder: Path):
        self.port = port
        self.folder = Path(folder)
        self._controller: Controller | None = None

    def start(self) -> None:
        """Start the server in a background thread and return once it accepts connections."""
        if self._controller is not None:
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        controller = Controller(
            _StoreHandler(self.folder), hostname=HOST, port=self.port, enable_SMTPUTF8=True
        )
        controller.start()
        self._controller = controller
        log.info("Mail sink listening on %s:%d, storing mails in %s", HOST, self.port, self.folder)

    def stop(self) -> None:
        """Stop the server thread. Stored mails stay in the folder."""
        if self._controller is None:
            return
        self._controller.stop()
        self._controller = None
        log.info("Mail sink on %s:%d stopped", HOST, self.port)

    def message_files(self) -> list[Path]:
        """Return the stored ``.eml`` files, oldest first (the names sort by arrival time)."""
        if not self.folder.is_dir():
            return []
        return sorted(self.folder.glob("*.eml"))

    def messages(self) -> list[EmailMessage]:
        """Parse every stored mail with ``email.policy.default``, oldest first."""
        parsed = []
        for path in self.message_files():
            with path.open("rb") as file:
                parsed.append(email.message_from_binary_file(file, policy=email.policy.default))
        return parsed


def is_daemon_process(pid: int) -> bool:
    """Return True if ``pid`` is a live mail sink started as ``python -m gambio_hcs_bridge.devstack.mailsink``."""
    if not process_alive(pid):
        return False
    try:
        argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return False
    return MODULE.encode() in argv


def daemon_pid(pid_file: Path) -> int | None:
    """Return the pid of the running mail sink daemon, or None if the pid file is missing or stale."""
    pid = read_pid(pid_file)
    if pid is not None and is_daemon_process(pid):
        return pid
    return None


def start_daemon(port: int, folder: Path, pid_file: Path, log_file: Path, timeout: float = 15.0) -> int:
    """Start the mail sink as a background process in its own session and return its pid.

    Does nothing but return the pid if the daemon already runs. A pid file left by a crashed
    daemon is replaced.
    """
    pid = daemon_pid(pid_file)
    if pid is not None:
        return pid
    pid_file.unlink(missing_ok=True)
    if port_open(port):
        raise RuntimeError(
            f"Port {HOST}:{port} is already in use by another program. "
            "Stop it or set GAMBIO_HCS_SMTP_PORT to a free port."
        )

    pid_file.parent.mkdir(parents=True, exist_ok=True)
    log_file.parent.mkdir(parents=True, exist_ok=True)
    with open(log_file, "ab") as log_output:
        process = subprocess.Popen(
            [sys.executable, "-m", MODULE, "--port", str(port), "--folder", str(folder)],
            stdin=subprocess.DEVNULL,
            stdout=log_output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    pid_file.write_text(f"{process.pid}\n")

    if not wait_until(lambda: process.poll() is not None or port_open(port), timeout):
        stop_daemon(pid_file)
        raise RuntimeError(f"Mail sink did not listen on {HOST}:{port} within {timeout:.0f} s; see {log_file}")
    if process.poll() is not None:
        pid_file.unlink(missing_ok=True)
        raise RuntimeError(f"Mail sink exited with code {process.returncode}; see {log_file}")
    return process.pid


def stop_daemon(pid_file: Path, timeout: float = 10.0) -> None:
    """Stop the daemon named in ``pid_file`` (SIGTERM, then SIGKILL) and remove the pid file."""
    pid = daemon_pid(pid_file)
    if pid is not None:
        os.kill(pid, signal.SIGTERM)
        if not wait_until(lambda: not process_alive(pid), timeout):
            log.warning("Mail sink pid %d ignored SIGTERM for %.0f s; sending SIGKILL", pid, timeout)
            os.kill(pid, signal.SIGKILL)
            wait_until(lambda: not process_alive(pid), 5.0)
        _reap(pid)
    pid_file.unlink(missing_ok=True)


def _reap(pid: int) -> None:
    # Only needed when the daemon is a child of this process, as in the tests. After the CLI
    # exits, init reaps its children.
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        pass


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog=f"python -m {MODULE}",
        description="Run an SMTP server on 127.0.0.1 that stores every received mail as a .eml file.",
    )
    parser.add_argument("--port", type=int, required=True, help="TCP port to listen on (127.0.0.1 only)")
    parser.add_argument("--folder", type=Path, required=True, help="folder for the received .eml files")
    args = parser.parse_args(argv)

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    # aiosmtpd logs every SMTP command and every port probe at INFO. The stored-mail lines are enough.
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    stop_requested = threading.Event()

    def request_stop(signum, frame):
        log.info("Received %s, shutting down", signal.Signals(signum).name)
        stop_requested.set()

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)

    sink = MailSink(args.port, args.folder)
    sink.start()
    try:
        # A timed wait lets the main thread run the signal handler promptly.
        while not stop_requested.wait(1.0):
            pass
    finally:
        sink.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
