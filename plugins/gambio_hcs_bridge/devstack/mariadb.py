"""A throwaway MariaDB server in a project folder, listening on 127.0.0.1 only.

Used for the demo shop, the tests and the benchmarks. It runs Debian's ``mariadbd``
with ``--no-defaults`` so no system configuration leaks in.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
from dataclasses import dataclass
from pathlib import Path

import MySQLdb

from gambio_hcs_bridge.devstack.process import process_alive, read_pid, wait_until


class MariaDBNotAvailable(RuntimeError):
    """Raised when the MariaDB server binaries are not installed."""


@dataclass
class LocalMariaDB:
    """A MariaDB server whose data, socket, log and pid file live in ``base_dir``."""

    base_dir: Path
    port: int
    root_password: str

    @property
    def datadir(self) -> Path:
        return self.base_dir / "data"

    @property
    def socket(self) -> Path:
        return self.base_dir / "mariadb.sock"

    @property
    def pid_file(self) -> Path:
        return self.base_dir / "mariadb.pid"

    @property
    def log_file(self) -> Path:
        return self.base_dir / "mariadb.log"

    def start(self, timeout: float = 60.0) -> None:
        """Start the server unless it already runs; initialise the data folder on first use."""
        for binary in ("mariadbd", "mariadb-install-db"):
            if not _find_binary(binary):
                raise MariaDBNotAvailable(
                    f"{binary} not found: install the Debian package mariadb-server (scripts/setup.sh does)."
                )

        self.base_dir.mkdir(parents=True, exist_ok=True)
        if self.is_running():
            return

        # A crash leaves a stale pid file and socket behind; mariadbd refuses to start over them.
        self.pid_file.unlink(missing_ok=True)
        self.socket.unlink(missing_ok=True)

        fresh = not (self.datadir / "mysql").is_dir()
        if fresh:
            subprocess.run(
                [
                    _find_binary("mariadb-install-db"),
                    "--no-defaults",
                    f"--datadir={self.datadir}",
                    "--auth-root-authentication-method=normal",
                    "--skip-test-db",
                    "--user=root",
                ],
                check=True,
                capture_output=True,
            )

        # Temporary tables go to a folder of this server: other programs cleaning /tmp made
        # MariaDB fail with "Error on delete of '/tmp/#sql-temptable-...'".
        tmpdir = self.base_dir / "tmp"
        tmpdir.mkdir(exist_ok=True)
        with open(self.log_file, "ab") as log:
            subprocess.Popen(
                [
                    _find_binary("mariadbd"),
                    "--no-defaults",
                    f"--datadir={self.datadir}",
                    f"--socket={self.socket}",
                    f"--pid-file={self.pid_file}",
                    f"--port={self.port}",
                    f"--tmpdir={tmpdir}",
                    "--bind-address=127.0.0.1",
                    "--user=root",
                    "--skip-name-resolve",
                    "--character-set-server=utf8mb4",
                    "--collation-server=utf8mb4_general_ci",
                    "--innodb-buffer-pool-size=256M",
                    "--innodb-flush-log-at-trx-commit=2",
                    "--max-connections=200",
                    "--local-infile=1",
                ],
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

        if not wait_until(self._accepts_connections, timeout):
            raise RuntimeError(f"MariaDB did not start within {timeout:.0f} s; see {self.log_file}")

        if fresh:
            self._set_root_password()

    def stop(self, timeout: float = 30.0) -> None:
        """Stop the server and wait until its process is gone."""
        pid = read_pid(self.pid_file)
        if pid is None or not process_alive(pid):
            self.pid_file.unlink(missing_ok=True)
            return
        os.kill(pid, signal.SIGTERM)
        if not wait_until(lambda: not process_alive(pid), timeout):
            os.kill(pid, signal.SIGKILL)
            wait_until(lambda: not process_alive(pid), 5.0)
        self.pid_file.unlink(missing_ok=True)

    def is_running(self) -> bool:
        pid = read_pid(self.pid_file)
        return pid is not None and process_alive(pid) and self._accepts_connections()

    def connect(self, database: str | None = None, **kwargs) -> MySQLdb.Connection:
        """Open a client connection as root over TCP on 127.0.0.1."""
        params = dict(
            host="127.0.0.1",
            port=self.port,
            user="root",
            password=self.root_password,
            charset="utf8mb4",
            autocommit=True,
        )
        if database:
            params["database"] = database
        params.update(kwargs)
        return MySQLdb.connect(**params)

    def create_database(self, name: str, charset: str = "utf8") -> None:
        """Create ``name`` if missing. ``name`` comes from code, never from user input."""
        collation = "utf8_general_ci" if charset == "utf8" else f"{charset}_general_ci"
        with self.connect() as conn:
            conn.cursor().execute(
                f"CREATE DATABASE IF NOT EXISTS `{name}` CHARACTER SET {charset} COLLATE {collation}"
            )

    def drop_database(self, name: str) -> None:
        with self.connect() as conn:
            conn.cursor().execute(f"DROP DATABASE IF EXISTS `{name}`")

    def _accepts_connections(self) -> bool:
        try:
            conn = self.connect(connect_timeout=2)
        except MySQLdb.OperationalError:
            # A fresh server still has an empty root password until _set_root_password ran.
            try:
                conn = MySQLdb.connect(
                    unix_socket=str(self.socket), user="root", password="", connect_timeout=2
                )
            except MySQLdb.OperationalError:
                return False
        conn.close()
        return True

    def _set_root_password(self) -> None:
        conn = MySQLdb.connect(unix_socket=str(self.socket), user="root", password="")
        try:
            cursor = conn.cursor()
            for host in ("localhost", "127.0.0.1"):
                cursor.execute(
                    "CREATE USER IF NOT EXISTS 'root'@%s IDENTIFIED BY %s", (host, self.root_password)
                )
                cursor.execute("ALTER USER 'root'@%s IDENTIFIED BY %s", (host, self.root_password))
                cursor.execute("GRANT ALL PRIVILEGES ON *.* TO 'root'@%s WITH GRANT OPTION", (host,))
            cursor.execute("FLUSH PRIVILEGES")
        finally:
            conn.close()


def _find_binary(name: str) -> str | None:
    return shutil.which(name) or next(
        (str(p) for p in (Path("/usr/sbin") / name, Path("/usr/bin") / name) if p.exists()), None
    )

