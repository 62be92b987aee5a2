"""Start, stop and inspect ``airflow standalone`` for the local stack.

``airflow standalone`` starts the scheduler, dag-processor, api-server and triggerer as
``airflow ...`` child processes, and those fork executor workers and log servers. Stopping
only the parent leaves all of them running, so the standalone process gets its own process
group, and ``stop()`` waits until every process of the stack is gone.

A process belongs to the stack if it carries the marker variable ``GAMBIO_HCS_AIRFLOW_STACK``
(inherited from the standalone process), if it is an ``airflow`` process in the recorded
process group, or if it descends from either. The marker alone is not enough because
setproctitle overwrites the environment block of the api-server, log servers and executor
workers. Matching on ``AIRFLOW_HOME`` alone would also hit a shell that ran
``eval "$(hcsbridge stack env)"``.

NOTE: Airflow 3.3.2 binds the worker and trigger log servers to all interfaces (``host=""``
in ``airflow.utils.serve_logs.core``), and ``airflow standalone`` offers no way to change
that or to skip them. They only serve log files to requests with a token signed with
``[api] secret_key``. The api-server listens on 127.0.0.1.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import sys
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from gambio_hcs_bridge.devstack.config import StackConfig, airflow_environment
from gambio_hcs_bridge.devstack.process import port_open, process_alive, read_pid, wait_until

log = logging.getLogger(__name__)

MARKER_VARIABLE = "GAMBIO_HCS_AIRFLOW_STACK"
ADMIN_USER = "admin"
# Components orphaned by a crashed standalone process often hang on SIGTERM (see _stop_processes),
# so they get a short grace period before SIGKILL.
ORPHAN_GRACE_SECONDS = 10.0


class AirflowStandalone:
    """The ``airflow standalone`` process of one local stack (one ``AIRFLOW_HOME``)."""

    def __init__(self, config: StackConfig, hcs_target: str = "sqlite"):
        self.config = config
        self.hcs_target = hcs_target

    @property
    def home(self) -> Path:
        return self.config.airflow_home

    @property
    def pid_file(self) -> Path:
        return self.home / "standalone.pid"

    @property
    def log_file(self) -> Path:
        return self.home / "standalone.log"

    @property
    def password_file(self) -> Path:
        """File in which SimpleAuthManager stores the generated admin password."""
        return self.home / "simple_auth_manager_passwords.json.generated"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.config.api_port}"

    def environment(self) -> dict[str, str]:
        """Build the environment of the standalone process and all its children."""
        env = dict(os.environ)
        env.update(airflow_environment(self.config, self.hcs_target))
        # standalone runs its parts as plain ``airflow`` commands found on PATH.
        env["PATH"] = os.pathsep.join([str(_venv_bin()), env.get("PATH", "")])
        env.setdefault("AIRFLOW__CORE__EXECUTOR", "LocalExecutor")
        env[MARKER_VARIABLE] = str(self.home)
        return env

    def start(self, timeout: float = 180.0) -> int:
        """Start ``airflow standalone`` unless it already runs, wait for the api-server and return the pid.

        The timeout is generous because the first start creates the metadata database.
        Processes left behind by a crashed run are stopped first, because they hold the ports.
        """
        airflow_bin = _venv_bin() / "airflow"
        if not airflow_bin.exists():
            raise RuntimeError(f"{airflow_bin} not found: install the project into its virtual environment first.")

        pid = self.pid()
        if pid is None:
            self._stop_processes()
            self._check_ports_free()
            pid = self._launch(airflow_bin)
            log.info("Started airflow standalone with pid %d, log %s", pid, self.log_file)

        if not wait_until(lambda: not process_alive(pid) or self.health() is not None, timeout, interval=1.0):
            self.stop()
            raise RuntimeError(
                f"Timed out after {timeout:.0f} s waiting for the Airflow api-server at {self.url}. "
                f"See {self.log_file}"
            )
        if not process_alive(pid):
            self.stop()
            raise RuntimeError(f"airflow standalone exited during start. See {self.log_file}")
        return pid

    def stop(self, timeout: float = 30.0) -> None:
        """Stop every process of this stack and remove the pid file.

        Sends SIGINT to the standalone process and waits up to ``timeout`` seconds for a clean
        shutdown. Processes left after that, or orphaned by a crash, get SIGTERM and then SIGKILL.
        """
        self._stop_processes(timeout)
        self.pid_file.unlink(missing_ok=True)
        log.info("Stopped all Airflow processes of %s", self.home)

    def pid(self) -> int | None:
        """Return the pid of the running standalone process, or None if it is not running."""
        pid = read_pid(self.pid_file)
        if pid is not None and self._belongs_to_stack(pid):
            return pid
        return None

    def stack_processes(self) -> list[int]:
        """Return the pids of all live processes of this stack (see the module docstring)."""
        group = read_pid(self.pid_file)
        processes = _process_table()
        members = {
            info.pid
            for info in processes.values()
            if self._has_marker(info.pid) or (info.pgid == group and info.is_airflow)
        }
        # Descendants belong to the stack even after a setsid() or an overwritten environment.
        added = True
        while added:
            children = {info.pid for info in processes.values() if info.ppid in members} - members
            members |= children
            added = bool(children)
        return sorted(members - _own_lineage())

    def health(self) -> dict | None:
        """Return the api-server's health report, or None if the request fails."""
        try:
            with urllib.request.urlopen(f"{self.url}/api/v2/monitor/health", timeout=5) as response:
                return json.load(response)
        except (urllib.error.URLError, OSError, ValueError):
            return None

    def admin_password(self) -> str | None:
        """Return the generated password of the ``admin`` user, or None before the first start."""
        try:
            passwords = json.loads(self.password_file.read_text())
        except FileNotFoundError:
            return None
        return passwords.get(ADMIN_USER)

    def _launch(self, airflow_bin: Path) -> int:
        self.home.mkdir(parents=True, exist_ok=True)
        with open(self.log_file, "ab") as log_output:
            process = subprocess.Popen(
                [str(airflow_bin), "standalone"],
                cwd=self.home,
                env=self.environment(),
                stdin=subprocess.DEVNULL,
                stdout=log_output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.pid_file.write_text(f"{process.pid}\n")
        return process.pid

    def _check_ports_free(self) -> None:
        ports = {
            "api-server": self.config.api_port,
            "worker log server": self.config.worker_log_port,
            "trigger log server": self.config.trigger_log_port,
        }
        for name, port in ports.items():
            if port_open(port):
                raise RuntimeError(
                    f"Port {port} for the Airflow {name} is already in use by another program. "
                    "Stop it or move the stack's ports with the GAMBIO_HCS_*_PORT variables."
                )

    def _stop_processes(self, timeout: float = 30.0) -> None:
        group = read_pid(self.pid_file)
        parent = self.pid()
        if parent is not None:
            # On SIGINT standalone terminates its components and keeps reading their output until
            # they exit. On SIGTERM it dies at once, and components that then write to the
            # orphaned pipe can hang, as LocalExecutor workers did on Airflow 3.3.2.
            _signal(parent, signal.SIGINT)
            if wait_until(lambda: not self.stack_processes(), timeout, interval=0.5):
                _reap(parent)
                return
            log.warning("Airflow processes %s still run %.0f s after SIGINT; sending SIGTERM", self.stack_processes(), timeout)
        self._terminate_remaining(grace=ORPHAN_GRACE_SECONDS)
        _reap(group)

    def _terminate_remaining(self, grace: float) -> None:
        """Send SIGTERM to every remaining stack process, and SIGKILL after ``grace`` seconds."""
        terminated: set[int] = set()

        def all_gone() -> bool:
            # Processes forked during the shutdown get their SIGTERM on a later poll.
            remaining = self.stack_processes()
            for pid in set(remaining) - terminated:
                _signal(pid, signal.SIGTERM)
                terminated.add(pid)
            return not remaining

        if wait_until(all_gone, grace, interval=0.5):
            return
        leftovers = self.stack_processes()
        log.warning("Sending SIGKILL to Airflow processes %s that outlived SIGTERM by %.0f s", leftovers, grace)
        for pid in leftovers:
            _signal(pid, signal.SIGKILL)
        if not wait_until(lambda: not self.stack_processes(), 10.0, interval=0.5):
            raise RuntimeError(f"Airflow processes {self.stack_processes()} survived SIGKILL")

    def _belongs_to_stack(self, pid: int) -> bool:
        return process_alive(pid) and pid not in _own_lineage() and self._has_marker(pid)

    def _has_marker(self, pid: int) -> bool:
        try:
            environ = Path(f"/proc/{pid}/environ").read_bytes()
        except OSError:
            # The process has exited, or it belongs to another user and its environment is unreadable.
            return False
        return f"{MARKER_VARIABLE}={self.home}".encode() in environ.split(b"\0")


def _venv_bin() -> Path:
    # sys.executable is the virtual environment's python (not resolved through the symlink).
    return Path(sys.executable).parent


@dataclass(frozen=True)
class _ProcessInfo:
    pid: int
    ppid: int
    pgid: int
    is_airflow: bool


def _process_table() -> dict[int, _ProcessInfo]:
    """Read pid, parent pid, process group and command of every live process from /proc."""
    table = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            # The command name in brackets may contain spaces, so split after its closing bracket.
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            cmdline = (entry / "cmdline").read_bytes()
        except (OSError, IndexError):
            continue
        if fields[0] == "Z":
            continue
        pid = int(entry.name)
        table[pid] = _ProcessInfo(pid, int(fields[1]), int(fields[2]), b"airflow" in cmdline)
    return table


def _own_lineage() -> set[int]:
    """Return this process and its ancestors, which stop() must never signal."""
    lineage = set()
    pid = os.getpid()
    while pid > 1 and pid not in lineage:
        lineage.add(pid)
        try:
            pid = int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            break
    return lineage


def _signal(pid: int, signum: int) -> None:
    try:
        os.kill(pid, signum)
    except ProcessLookupError:
        pass


def _reap(pid: int | None) -> None:
    # Collect the exit status when the standalone process is our own child (tests).
    if pid is None:
        return
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        pass
