"""The production topology on one machine: PostgreSQL, Redis and Airflow with the CeleryExecutor.

Everything is throwaway and lives in ``<state dir>/celery``: a PostgreSQL cluster (metadata
database and Celery result backend), a Redis server (Celery broker) and the Airflow components
``api-server``, ``scheduler``, ``dag-processor``, ``triggerer`` and ``celery worker``, each a
separate process in its own process group with its log in ``<state dir>/celery/logs``. All
servers listen on 127.0.0.1 only.

The scheduler, triggerer and Celery worker run with ``--skip-serve-logs``. Airflow 3.3.2 binds
those log servers to all interfaces, and every component writes its task logs into the same
``AIRFLOW_HOME/logs`` on this machine, where the api-server reads them without a log server.

``python -m gambio_hcs_bridge.devstack.celery_stack --check`` starts the topology, seeds a small
demo shop, runs ``gambio_order_import`` once through the Celery worker, prints the outcome and
stops everything.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import pwd
import secrets
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from gambio_hcs_bridge.devstack.airflow_standalone import _own_lineage, _process_table
from gambio_hcs_bridge.devstack.config import StackConfig, airflow_environment, stack_config
from gambio_hcs_bridge.devstack.process import port_open, process_alive, read_pid, wait_until

log = logging.getLogger(__name__)

MARKER_VARIABLE = "GAMBIO_HCS_CELERY_STACK"
POSTGRES_USER = "airflow"
POSTGRES_DATABASE = "airflow"
# PostgreSQL refuses to run as root, so a root caller runs it as this Debian system user.
POSTGRES_OS_USER = "postgres"
IMPORT_DAG = "gambio_order_import"
# Airflow components in start order. stop() stops them in reverse order, then Redis, then PostgreSQL.
AIRFLOW_COMPONENTS: dict[str, list[str]] = {
    "api-server": ["api-server"],
    "scheduler": ["scheduler", "--skip-serve-logs"],
    "dag-processor": ["dag-processor"],
    "triggerer": ["triggerer", "--skip-serve-logs"],
    "celery-worker": ["celery", "worker", "--concurrency", "2", "--skip-serve-logs"],
}
STOP_GRACE_SECONDS = 20.0


class CeleryStackError(RuntimeError):
    """Raised when a part of the Celery topology is missing, fails to start or survives stop()."""


@dataclass(frozen=True)
class CeleryStackPorts:
    postgres: int
    redis: int


def celery_stack_ports() -> CeleryStackPorts:
    """Read the PostgreSQL and Redis ports from ``GAMBIO_HCS_POSTGRES_PORT`` and ``GAMBIO_HCS_REDIS_PORT``."""
    return CeleryStackPorts(
        postgres=int(os.environ.get("GAMBIO_HCS_POSTGRES_PORT", "15432")),
        redis=int(os.environ.get("GAMBIO_HCS_REDIS_PORT", "16379")),
    )


class CeleryStack:
    """PostgreSQL, Redis and the Airflow components of one state folder."""

    def __init__(self, config: StackConfig, ports: CeleryStackPorts, hcs_target: str = "sqlite"):
        self.config = config
        self.ports = ports
        self.hcs_target = hcs_target

    # Folders and files -------------------------------------------------------------------

    @property
    def base_dir(self) -> Path:
        return self.config.state_dir / "celery"

    @property
    def postgres_dir(self) -> Path:
        """Data folder of the PostgreSQL cluster; it also contains the cluster's unix socket."""
        return self.base_dir / "postgres"

    @property
    def redis_dir(self) -> Path:
        return self.base_dir / "redis"

    @property
    def airflow_home(self) -> Path:
        return self.base_dir / "airflow"

    @property
    def log_dir(self) -> Path:
        return self.base_dir / "logs"

    @property
    def pid_dir(self) -> Path:
        return self.base_dir / "pids"

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.config.api_port}"

    def log_file(self, name: str) -> Path:
        return self.log_dir / f"{name}.log"

    def _pid_file(self, name: str) -> Path:
        return self.pid_dir / f"{name}.pid"

    def _secret(self, name: str, factory) -> str:
        path = self.config.secrets_dir / name
        if not path.exists():
            self.config.secrets_dir.mkdir(parents=True, exist_ok=True)
            path.write_text(factory())
            path.chmod(0o600)
        return path.read_text().strip()

    def postgres_password(self) -> str:
        return self._secret("celery_postgres_password", lambda: secrets.token_urlsafe(18))

    # Environment -------------------------------------------------------------------------

    def environment(self) -> dict[str, str]:
        """Build the environment of every Airflow process of the topology (and of CLI calls)."""
        from cryptography.fernet import Fernet

        password = self.postgres_password()
        postgres = f"{POSTGRES_USER}:{password}@127.0.0.1:{self.ports.postgres}/{POSTGRES_DATABASE}"
        env = dict(os.environ)
        env.update(airflow_environment(self.config, self.hcs_target))
        env.update(
            {
                "AIRFLOW_HOME": str(self.airflow_home),
                "AIRFLOW__CORE__PLUGINS_FOLDER": str(self.airflow_home / "plugins"),
                "AIRFLOW__CORE__EXECUTOR": "CeleryExecutor",
                "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"postgresql+psycopg2://{postgres}",
                "AIRFLOW__CELERY__BROKER_URL": f"redis://127.0.0.1:{self.ports.redis}/0",
                # The driver is named because SQLAlchemy 2.1 picks psycopg 3 for a bare postgresql:// URL.
                "AIRFLOW__CELERY__RESULT_BACKEND": f"db+postgresql+psycopg2://{postgres}",
                "AIRFLOW__CELERY__WORKER_CONCURRENCY": "2",
                "AIRFLOW__CELERY__WORKER_LOG_SERVER_PORT": str(self.config.worker_log_port),
                # One api-server worker process instead of Airflow's default of 4.
                "AIRFLOW__API__WORKERS": "1",
                # Every component must sign and check the execution API's tokens with the same
                # secrets, so they are fixed here instead of being generated per process.
                "AIRFLOW__API__SECRET_KEY": self._secret("celery_api_secret_key", lambda: secrets.token_urlsafe(32)),
                "AIRFLOW__API_AUTH__JWT_SECRET": self._secret("celery_jwt_secret", lambda: secrets.token_urlsafe(32)),
                "AIRFLOW__CORE__FERNET_KEY": self._secret("celery_fernet_key", lambda: Fernet.generate_key().decode()),
                "PATH": os.pathsep.join([str(_venv_bin()), os.environ.get("PATH", "")]),
                MARKER_VARIABLE: str(self.base_dir),
            }
        )
        return env

    # Start -------------------------------------------------------------------------------

    def start(self, timeout: float = 240.0) -> None:
        """Start PostgreSQL, Redis, migrate the metadata database and start the Airflow components.

        Waits until the api-server reports a healthy scheduler, dag-processor and triggerer and the
        Celery worker is ready. On any failure everything started so far is stopped again.
        """
        postgres_bin = _postgres_bin_dir()
        redis_bin = shutil.which("redis-server")
        if redis_bin is None:
            raise CeleryStackError("redis-server not found: install the Debian package redis-server (scripts/setup.sh does).")

        self.stop()
        self._check_ports_free()
        for folder in (self.log_dir, self.pid_dir, self.redis_dir, self.airflow_home):
            folder.mkdir(parents=True, exist_ok=True)

        deadline = time.monotonic() + timeout
        try:
            self._start_postgres(postgres_bin, deadline)
            self._start_redis(redis_bin, deadline)
            self._migrate()
            for name, arguments in AIRFLOW_COMPONENTS.items():
                self._launch(name, [str(_venv_bin() / "airflow"), *arguments], self.environment())
            self._wait_for_airflow(deadline)
        except BaseException:
            self.stop()
            raise
        log.info("Celery topology runs: api-server %s, state folder %s", self.api_url, self.base_dir)

    def _check_ports_free(self) -> None:
        ports = {
            "PostgreSQL": self.ports.postgres,
            "Redis": self.ports.redis,
            "api-server": self.config.api_port,
        }
        for name, port in ports.items():
            if port_open(port):
                raise CeleryStackError(
                    f"Port {port} for {name} is already in use by another program. Stop it or move the "
                    "port with GAMBIO_HCS_POSTGRES_PORT, GAMBIO_HCS_REDIS_PORT or GAMBIO_HCS_API_PORT."
                )

    def _start_postgres(self, bin_dir: Path, deadline: float) -> None:
        run_as = _postgres_run_as()
        self.postgres_dir.mkdir(parents=True, exist_ok=True)
        self.postgres_dir.chmod(0o700)
        if run_as:
            os.chown(self.postgres_dir, run_as["user"], run_as["group"])
            probe = subprocess.run(["test", "-w", str(self.postgres_dir)], **run_as)
            if probe.returncode != 0:
                raise CeleryStackError(
                    f"The OS user {POSTGRES_OS_USER} cannot reach {self.postgres_dir}: every parent folder "
                    "must be searchable by other users (chmod o+x). Choose another state folder "
                    "with GAMBIO_HCS_STATE_DIR."
                )

        if not (self.postgres_dir / "PG_VERSION").exists():
            password_file = self.base_dir / "postgres-password"
            password_file.write_text(self.postgres_password() + "\n")
            password_file.chmod(0o600)
            if run_as:
                os.chown(password_file, run_as["user"], run_as["group"])
            try:
                with open(self.log_file("initdb"), "ab") as output:
                    subprocess.run(
                        [
                            str(bin_dir / "initdb"),
                            f"--pgdata={self.postgres_dir}",
                            f"--username={POSTGRES_USER}",
                            f"--pwfile={password_file}",
                            "--auth-local=trust",
                            "--auth-host=scram-sha-256",
                            "--encoding=UTF8",
                            "--no-locale",
                        ],
                        check=True,
                        stdout=output,
                        stderr=subprocess.STDOUT,
                        **run_as,
                    )
            except subprocess.CalledProcessError as exc:
                raise CeleryStackError(f"initdb failed with exit code {exc.returncode}; see {self.log_file('initdb')}") from None
            finally:
                password_file.unlink(missing_ok=True)

        self._launch(
            "postgres",
            [
                str(bin_dir / "postgres"),
                "-D", str(self.postgres_dir),
                "-p", str(self.ports.postgres),
                "-c", "listen_addresses=127.0.0.1",
                "-c", f"unix_socket_directories={self.postgres_dir}",
                "-c", "max_connections=200",
                # A throwaway cluster: losing the last commits in a power cut does not matter.
                "-c", "synchronous_commit=off",
            ],
            dict(os.environ),
            run_as,
        )
        if not wait_until(lambda: self._postgres_ready() or not self._alive("postgres"), _remaining(deadline), 0.5):
            raise CeleryStackError(f"PostgreSQL did not accept connections in time; see {self.log_file('postgres')}")
        if not self._alive("postgres"):
            raise CeleryStackError(f"PostgreSQL exited during start; see {self.log_file('postgres')}")

        import psycopg2

        conn = psycopg2.connect(
            host="127.0.0.1", port=self.ports.postgres, user=POSTGRES_USER,
            password=self.postgres_password(), dbname="postgres",
        )
        try:
            conn.autocommit = True
            cursor = conn.cursor()
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", (POSTGRES_DATABASE,))
            if cursor.fetchone() is None:
                cursor.execute(f'CREATE DATABASE "{POSTGRES_DATABASE}"')
        finally:
            conn.close()

    def _postgres_ready(self) -> bool:
        import psycopg2

        try:
            psycopg2.connect(
                host="127.0.0.1", port=self.ports.postgres, user=POSTGRES_USER,
                password=self.postgres_password(), dbname="postgres", connect_timeout=2,
            ).close()
        except psycopg2.OperationalError:
            return False
        return True

    def _start_redis(self, redis_bin: str, deadline: float) -> None:
        self._launch(
            "redis",
            [
                redis_bin,
                "--bind", "127.0.0.1",
                "--port", str(self.ports.redis),
                "--save", "",
                "--appendonly", "no",
                "--daemonize", "no",
                "--dir", str(self.redis_dir),
            ],
            dict(os.environ),
        )
        if not wait_until(lambda: self._redis_ready() or not self._alive("redis"), _remaining(deadline), 0.2):
            raise CeleryStackError(f"Redis did not answer PING in time; see {self.log_file('redis')}")
        if not self._alive("redis"):
            raise CeleryStackError(f"Redis exited during start; see {self.log_file('redis')}")

    def _redis_ready(self) -> bool:
        import redis

        try:
            return bool(redis.Redis(host="127.0.0.1", port=self.ports.redis, socket_timeout=2).ping())
        except redis.RedisError:
            return False

    def _migrate(self) -> None:
        with open(self.log_file("db-migrate"), "ab") as output:
            result = subprocess.run(
                [str(_venv_bin() / "airflow"), "db", "migrate"],
                cwd=self.airflow_home, env=self.environment(), stdin=subprocess.DEVNULL,
                stdout=output, stderr=subprocess.STDOUT, timeout=300,
            )
        if result.returncode != 0:
            raise CeleryStackError(
                f"airflow db migrate failed with exit code {result.returncode}; see {self.log_file('db-migrate')}"
            )

    def _wait_for_airflow(self, deadline: float) -> None:
        def ready() -> bool:
            dead = [name for name in AIRFLOW_COMPONENTS if not self._alive(name)]
            if dead:
                raise CeleryStackError(
                    f"Airflow component {dead[0]} exited during start; see {self.log_file(dead[0])}"
                )
            health = self.health() or {}
            parts = ("metadatabase", "scheduler", "triggerer", "dag_processor")
            healthy = all((health.get(part) or {}).get("status") == "healthy" for part in parts)
            return healthy and self.worker_ready()

        if not wait_until(ready, _remaining(deadline), 1.0):
            raise CeleryStackError(
                f"The Airflow components did not become healthy in time; health {self.health()}, "
                f"logs in {self.log_dir}"
            )

    def health(self) -> dict | None:
        """Return the api-server's health report, or None if the request fails."""
        try:
            with urllib.request.urlopen(f"{self.api_url}/api/v2/monitor/health", timeout=5) as response:
                return json.load(response)
        except (urllib.error.URLError, OSError, ValueError):
            return None

    def worker_ready(self) -> bool:
        """Tell whether the Celery worker logged that it is connected to the broker and ready."""
        try:
            return b" ready." in self.log_file("celery-worker").read_bytes()
        except FileNotFoundError:
            return False

    def _launch(self, name: str, command: list[str], env: dict[str, str], run_as: dict | None = None) -> int:
        """Start ``command`` in its own session (so its own process group) and record its pid."""
        with open(self.log_file(name), "ab") as output:
            process = subprocess.Popen(
                command,
                cwd=self.airflow_home if name in AIRFLOW_COMPONENTS else self.base_dir,
                env={**env, MARKER_VARIABLE: str(self.base_dir)},
                stdin=subprocess.DEVNULL,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                **(run_as or {}),
            )
        self._pid_file(name).write_text(f"{process.pid}\n")
        log.info("Started %s with pid %d, log %s", name, process.pid, self.log_file(name))
        return process.pid

    def _alive(self, name: str) -> bool:
        pid = read_pid(self._pid_file(name))
        return pid is not None and process_alive(pid)

    # Stop --------------------------------------------------------------------------------

    def stop(self) -> None:
        """Stop every process of the topology and raise CeleryStackError if one survives SIGKILL.

        Each component's process group gets SIGTERM (PostgreSQL gets SIGINT, its fast shutdown),
        and SIGKILL after STOP_GRACE_SECONDS. The Airflow components stop first, PostgreSQL last,
        so that no component loses its database while it shuts down.
        """
        order = [*reversed(AIRFLOW_COMPONENTS), "redis", "postgres"]
        for name in order:
            first_signal = signal.SIGINT if name == "postgres" else signal.SIGTERM
            self._stop_group(name, first_signal)

        leftovers = self.processes()
        if leftovers:
            log.warning("Sending SIGKILL to leftover processes %s of %s", leftovers, self.base_dir)
            for pid in leftovers:
                _signal(pid, signal.SIGKILL)
            if not wait_until(lambda: not self.processes(), 10.0, 0.2):
                raise CeleryStackError(f"Processes {self.processes()} of {self.base_dir} survived SIGKILL")

    def _stop_group(self, name: str, first_signal: int) -> None:
        pid_file = self._pid_file(name)
        group = read_pid(pid_file)
        if group is None:
            return
        members = self._group_members(group)
        if members:
            _signal_group(group, first_signal)
            # Children that left the group (setsid) are signalled one by one.
            for pid in members:
                _signal(pid, first_signal)
            if not wait_until(lambda: not self._group_members(group), STOP_GRACE_SECONDS, 0.2):
                survivors = self._group_members(group)
                log.warning("%s processes %s still run %.0f s after %s; sending SIGKILL",
                            name, survivors, STOP_GRACE_SECONDS, signal.Signals(first_signal).name)
                _signal_group(group, signal.SIGKILL)
                for pid in survivors:
                    _signal(pid, signal.SIGKILL)
                if not wait_until(lambda: not self._group_members(group), 10.0, 0.2):
                    raise CeleryStackError(f"{name} processes {self._group_members(group)} survived SIGKILL")
        _reap(group)
        pid_file.unlink(missing_ok=True)
        log.info("Stopped %s (process group %d)", name, group)

    def _group_members(self, group: int) -> list[int]:
        """Return the live processes of process group ``group`` and their descendants."""
        table = _process_table()
        members = {info.pid for info in table.values() if info.pgid == group}
        added = True
        while added:
            children = {info.pid for info in table.values() if info.ppid in members} - members
            members |= children
            added = bool(children)
        return sorted(members - _own_lineage())

    def processes(self) -> list[int]:
        """Return the pids of all live processes of the topology.

        A process belongs to it if it is in a recorded process group, descends from one, or
        carries the marker variable. The marker alone is not enough because PostgreSQL and
        setproctitle in Airflow overwrite the environment block of some processes.
        """
        members: set[int] = set()
        for pid_file in self.pid_dir.glob("*.pid"):
            group = read_pid(pid_file)
            if group is not None:
                members.update(self._group_members(group))
        marker = f"{MARKER_VARIABLE}={self.base_dir}".encode()
        for pid in _process_table():
            try:
                environ = Path(f"/proc/{pid}/environ").read_bytes()
            except OSError:
                continue
            if marker in environ.split(b"\0"):
                members.add(pid)
        return sorted(members - _own_lineage())

    # CLI helpers -------------------------------------------------------------------------

    def airflow_cli(self, *arguments: str, timeout: float = 120.0) -> subprocess.CompletedProcess:
        """Run ``airflow ARGUMENTS`` with the topology's environment and return the finished process."""
        return subprocess.run(
            [str(_venv_bin() / "airflow"), *arguments],
            env=self.environment(), cwd=self.airflow_home,
            capture_output=True, text=True, timeout=timeout,
        )

    def dag_runs(self, dag_id: str) -> list[dict]:
        """Return the runs of ``dag_id`` from ``airflow dags list-runs -o json`` (warnings before the JSON skipped)."""
        output = self.airflow_cli("dags", "list-runs", dag_id, "-o", "json").stdout or ""
        return json.loads(_json_part(output, "[") or "[]")

    def task_states(self, dag_id: str, run_id: str) -> list[dict]:
        """Return the task instances of one run from ``airflow tasks states-for-dag-run -o json``."""
        output = self.airflow_cli("tasks", "states-for-dag-run", dag_id, run_id, "-o", "json").stdout or ""
        return json.loads(_json_part(output, "[") or "[]")

    def celery_task_results(self) -> list[tuple[str, str]]:
        """Return (status, worker) of every task result the Celery worker stored in the result backend."""
        import psycopg2

        conn = psycopg2.connect(
            host="127.0.0.1", port=self.ports.postgres, user=POSTGRES_USER,
            password=self.postgres_password(), dbname=POSTGRES_DATABASE,
        )
        try:
            cursor = conn.cursor()
            cursor.execute("SELECT to_regclass('celery_taskmeta') IS NOT NULL")
            if not cursor.fetchone()[0]:
                return []
            cursor.execute("SELECT status, worker FROM celery_taskmeta ORDER BY id")
            return [tuple(row) for row in cursor.fetchall()]
        finally:
            conn.close()

    def trigger_and_wait(self, dag_id: str, run_id: str, timeout: float = 180.0) -> dict:
        """Unpause and trigger ``dag_id`` with ``run_id``; return that run once it has finished."""
        deadline = time.monotonic() + timeout
        # The dag-processor needs a few seconds to parse the DAG files after the start.
        while self.airflow_cli("dags", "unpause", dag_id).returncode != 0:
            if time.monotonic() > deadline:
                raise CeleryStackError(f"DAG {dag_id} did not appear in Airflow; see {self.log_file('dag-processor')}")
            time.sleep(2)
        triggered = self.airflow_cli("dags", "trigger", dag_id, "--run-id", run_id)
        if triggered.returncode != 0:
            raise CeleryStackError(f"airflow dags trigger {dag_id} failed: {triggered.stderr.strip()[-2000:]}")

        while time.monotonic() < deadline:
            run = next((run for run in self.dag_runs(dag_id) if run.get("run_id") == run_id), None)
            if run is not None and run.get("state") in ("success", "failed"):
                return run
            time.sleep(2)
        raise CeleryStackError(f"Run {run_id} of {dag_id} did not finish within {timeout:.0f} s; logs in {self.log_dir}")


    def finished_runs(self, dag_id: str, timeout: float = 120.0) -> list[dict]:
        """Wait until no run of ``dag_id`` is queued or running and return all its runs.

        Unpausing the DAG also creates a scheduled run for its latest interval, which may import the
        orders before the triggered run does.
        """
        runs: list[dict] = []
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            runs = self.dag_runs(dag_id)
            if all(run.get("state") in ("success", "failed") for run in runs):
                return runs
            time.sleep(2)
        raise CeleryStackError(f"Runs of {dag_id} still unfinished after {timeout:.0f} s: {runs}")


def _json_part(output: str, opening: str) -> str:
    """Return ``output`` from its first line that starts with ``opening``; the CLI may print warnings first."""
    lines = output.splitlines()
    for index, line in enumerate(lines):
        if line.startswith(opening):
            return "\n".join(lines[index:])
    return ""


def _postgres_bin_dir() -> Path:
    """Return the newest Debian PostgreSQL server bin folder (``/usr/lib/postgresql/<major>/bin``)."""
    candidates = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/postgres"),
        key=lambda path: int(path.parent.parent.name) if path.parent.parent.name.isdigit() else 0,
    )
    if not candidates:
        raise CeleryStackError("PostgreSQL server not found in /usr/lib/postgresql: install the Debian package postgresql.")
    return candidates[-1].parent


def _postgres_run_as() -> dict:
    """Return the Popen arguments that drop root to the ``postgres`` OS user; empty for other users."""
    if os.geteuid() != 0:
        return {}
    try:
        entry = pwd.getpwnam(POSTGRES_OS_USER)
    except KeyError:
        raise CeleryStackError(
            f"OS user {POSTGRES_OS_USER} not found: install the Debian package postgresql, which creates it."
        ) from None
    return {"user": entry.pw_uid, "group": entry.pw_gid, "extra_groups": []}


def _remaining(deadline: float) -> float:
    return max(deadline - time.monotonic(), 1.0)


def _venv_bin() -> Path:
    # sys.executable is the virtual environment's python (not resolved through the symlink).
    return Path(sys.executable).parent


def _signal(pid: int, signum: int) -> None:
    try:
        os.kill(pid, signum)
    except ProcessLookupError:
        pass


def _signal_group(group: int, signum: int) -> None:
    try:
        os.killpg(group, signum)
    except (ProcessLookupError, PermissionError):
        pass


def _reap(pid: int) -> None:
    # Collect the exit status when the process is our own child, so no zombie stays behind.
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        pass


def seed_demo(config: StackConfig, orders: int = 20, seed: int = 1) -> int:
    """Start the stack's MariaDB and write a fresh demo shop and HCS database; return the paid status id.

    The demo shop is generated with ``orders`` orders from ``seed``; the HCS SQLite file gets an
    article master with every SKU of the shop.
    """
    import pyodbc

    from gambio_hcs_bridge.demo.gambio_schema import create_gambio_schema
    from gambio_hcs_bridge.demo.generator import generate_shop
    from gambio_hcs_bridge.devstack.config import GAMBIO_DATABASE, hcs_sqlite_connection, odbc_connection_string
    from gambio_hcs_bridge.devstack.mariadb import LocalMariaDB
    from gambio_hcs_bridge.hcs_schema import create_hcs_schema
    from gambio_hcs_bridge.hcs_user import seed_articles_from_gambio
    from gambio_hcs_bridge.odbc import prepare_hcs_connection
    from gambio_hcs_bridge.statuses import DEFAULT_STATUS_NAMES, ensure_statuses

    server = LocalMariaDB(config.mariadb_dir, config.mariadb_port, config.mariadb_root_password())
    server.start()
    server.drop_database(GAMBIO_DATABASE)
    server.create_database(GAMBIO_DATABASE, "utf8")
    gambio = server.connect(GAMBIO_DATABASE)
    try:
        create_gambio_schema(gambio)
        statuses = ensure_statuses(gambio, DEFAULT_STATUS_NAMES)
        generate_shop(gambio, seed=seed, orders=orders, paid_status_id=statuses["paid"])

        config.hcs_sqlite_path.parent.mkdir(parents=True, exist_ok=True)
        config.hcs_sqlite_path.unlink(missing_ok=True)
        hcs_dsn = odbc_connection_string(hcs_sqlite_connection(config.hcs_sqlite_path))
        hcs = prepare_hcs_connection(pyodbc.connect(hcs_dsn))
        try:
            create_hcs_schema(hcs)
            seed_articles_from_gambio(gambio, hcs, seed=seed)
        finally:
            hcs.close()
    finally:
        gambio.close()
    return statuses["paid"]


def run_check(orders: int) -> int:
    """Start the topology, run the import DAG once on a demo shop, print the outcome and stop everything."""
    from gambio_hcs_bridge.devstack.demo_import import _print_outcome
    from gambio_hcs_bridge.devstack.mariadb import LocalMariaDB

    config = stack_config()
    stack = CeleryStack(config, celery_stack_ports())
    mariadb = LocalMariaDB(config.mariadb_dir, config.mariadb_port, config.mariadb_root_password())
    started = time.monotonic()
    try:
        seed_demo(config, orders=orders)
        print(f"Demo shop with {orders} orders written; starting PostgreSQL, Redis and Airflow (CeleryExecutor)")
        stack.start()
        print(f"Topology healthy after {time.monotonic() - started:.0f} s; api-server {stack.api_url}")
        run_id = f"celery_check__{int(time.time())}"
        run = stack.trigger_and_wait(IMPORT_DAG, run_id)
        print(f"Run {run_id} of {IMPORT_DAG}: {run['state']}")
        for task in stack.task_states(IMPORT_DAG, run_id):
            print(f"  {task.get('task_id')}: {task.get('state')}")
        runs = stack.finished_runs(IMPORT_DAG)
        for other in runs:
            if other["run_id"] != run_id:
                print(f"Run {other['run_id']} (created by unpausing the DAG): {other['state']}")
        statuses = [status for status, _ in stack.celery_task_results()]
        print(f"Celery result backend: {statuses.count('SUCCESS')} of {len(statuses)} task results SUCCESS")
        _print_outcome(config, [other["run_id"] for other in runs])
        return 0 if all(other["state"] == "success" for other in runs) else 1
    except CeleryStackError as exc:
        print(f"Celery check failed: {exc}", file=sys.stderr)
        return 1
    finally:
        stack.stop()
        mariadb.stop()
        print(f"Stopped everything after {time.monotonic() - started:.0f} s; leftover processes: {stack.processes() or 'none'}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", required=True,
                        help="start the topology, run gambio_order_import once on a demo shop, print the outcome, stop")
    parser.add_argument("--orders", type=int, default=20, help="number of demo shop orders (default 20)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    return run_check(args.orders)


if __name__ == "__main__":
    sys.exit(main())
