"""Data folder, loopback ports and Airflow environment of the local stack.

Everything lives in one ignored project folder (``.local`` by default, or
``GAMBIO_HCS_STATE_DIR``). Ports can be moved with the environment variables named below.
"""

from __future__ import annotations

import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[3]

GAMBIO_DATABASE = "gambio"
HCS_MARIADB_DATABASE = "hcs"


@dataclass(frozen=True)
class StackConfig:
    state_dir: Path
    mariadb_port: int
    smtp_port: int
    api_port: int
    worker_log_port: int
    trigger_log_port: int

    @property
    def mariadb_dir(self) -> Path:
        return self.state_dir / "mariadb"

    @property
    def mail_dir(self) -> Path:
        return self.state_dir / "mail"

    @property
    def airflow_home(self) -> Path:
        return self.state_dir / "airflow"

    @property
    def hcs_sqlite_path(self) -> Path:
        return self.state_dir / "hcs" / "hcs.sqlite3"

    @property
    def secrets_dir(self) -> Path:
        return self.state_dir / "secrets"

    def mariadb_root_password(self) -> str:
        """Return the generated root password of the local MariaDB, creating it on first use."""
        path = self.secrets_dir / "mariadb_root_password"
        if not path.exists():
            self.secrets_dir.mkdir(parents=True, exist_ok=True)
            path.write_text(secrets.token_urlsafe(18))
            path.chmod(0o600)
        return path.read_text().strip()


def stack_config() -> StackConfig:
    env = os.environ
    return StackConfig(
        state_dir=Path(env.get("GAMBIO_HCS_STATE_DIR", REPO_ROOT / ".local")).resolve(),
        mariadb_port=int(env.get("GAMBIO_HCS_MARIADB_PORT", "13306")),
        smtp_port=int(env.get("GAMBIO_HCS_SMTP_PORT", "18025")),
        api_port=int(env.get("GAMBIO_HCS_API_PORT", "18080")),
        worker_log_port=int(env.get("GAMBIO_HCS_WORKER_LOG_PORT", "18793")),
        trigger_log_port=int(env.get("GAMBIO_HCS_TRIGGER_LOG_PORT", "18794")),
    )


def gambio_connection(port: int, password: str, database: str = GAMBIO_DATABASE) -> dict:
    """Airflow ``mysql`` connection to a Gambio database on 127.0.0.1."""
    return {
        "conn_type": "mysql",
        "host": "127.0.0.1",
        "port": port,
        "login": "root",
        "password": password,
        "schema": database,
        "extra": {"charset": "utf8mb4"},
    }


def hcs_sqlite_connection(path: Path) -> dict:
    """Airflow ``odbc`` connection to the reference HCS database in a SQLite file."""
    return {
        "conn_type": "odbc",
        "schema": str(path),
        "extra": {
            "driver": "SQLite3",
            "placeholder": "?",
            "Timeout": "30000",
            "JournalMode": "WAL",
            "SyncPragma": "NORMAL",
        },
    }


def hcs_mariadb_connection(port: int, password: str, database: str = HCS_MARIADB_DATABASE) -> dict:
    """Airflow ``odbc`` connection to the reference HCS schema on MariaDB (Connector/ODBC)."""
    return {
        "conn_type": "odbc",
        "host": "127.0.0.1",
        "port": port,
        "login": "root",
        "password": password,
        "schema": database,
        "extra": {"driver": "MariaDB Unicode", "placeholder": "?"},
    }


def smtp_connection(port: int) -> dict:
    """Airflow ``smtp`` connection to the local mail sink (plain SMTP, no TLS, no login)."""
    return {
        "conn_type": "smtp",
        "host": "127.0.0.1",
        "port": port,
        "extra": {"disable_ssl": True, "disable_tls": True, "from_email": "hcs-bridge@localhost"},
    }


def odbc_connection_string(connection: dict) -> str:
    """Build the ODBC connection string that Airflow's OdbcHook builds for ``connection``."""
    extra = connection.get("extra", {})
    parts = [f"DRIVER={{{extra['driver']}}}"]
    if connection.get("host"):
        parts.append(f"SERVER={connection['host']}")
    if connection.get("schema"):
        parts.append(f"DATABASE={connection['schema']}")
    if connection.get("login"):
        parts.append(f"UID={connection['login']}")
    if connection.get("password"):
        parts.append(f"PWD={connection['password']}")
    if connection.get("port"):
        parts.append(f"PORT={connection['port']}")
    for key, value in extra.items():
        if key.lower() not in {"driver", "placeholder", "dsn", "connect_kwargs", "sqlalchemy_scheme"}:
            parts.append(f"{key}={value}")
    return ";".join(parts) + ";"


def airflow_environment(config: StackConfig, hcs_target: str = "sqlite") -> dict[str, str]:
    """Environment for Airflow processes of the local stack: paths, ports and connections."""
    password = config.mariadb_root_password()
    if hcs_target == "sqlite":
        hcs = hcs_sqlite_connection(config.hcs_sqlite_path)
    else:
        hcs = hcs_mariadb_connection(config.mariadb_port, password)
    return {
        "AIRFLOW_HOME": str(config.airflow_home),
        "AIRFLOW__CORE__DAGS_FOLDER": str(REPO_ROOT / "dags"),
        # The bridge is an installed package. Pointing Airflow's plugin loader at plugins/ would
        # make it import every module of the package as a separate plugin file.
        "AIRFLOW__CORE__PLUGINS_FOLDER": str(config.airflow_home / "plugins"),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__CORE__PARALLELISM": "4",
        # Paused until the demo data exists; hcsbridge demo-import unpauses the DAGs.
        "AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION": "True",
        "AIRFLOW__API__HOST": "127.0.0.1",
        "AIRFLOW__API__PORT": str(config.api_port),
        # Task workers call the api-server at this URL. Airflow's default,
        # http://localhost:8080/execution/, misses the stack's port.
        "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"http://127.0.0.1:{config.api_port}/execution/",
        "AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT": str(config.worker_log_port),
        "AIRFLOW__LOGGING__TRIGGER_LOG_SERVER_PORT": str(config.trigger_log_port),
        "AIRFLOW__PROVIDERS_ODBC__ALLOW_DRIVER_IN_EXTRA": "True",
        "AIRFLOW_CONN_GAMBIO_DB": json.dumps(gambio_connection(config.mariadb_port, password)),
        "AIRFLOW_CONN_HCS_ODBC": json.dumps(hcs),
        "AIRFLOW_CONN_SMTP_DEFAULT": json.dumps(smtp_connection(config.smtp_port)),
        "AIRFLOW_VAR_GAMBIO_HCS_BRIDGE": json.dumps(
            {
                "mail_recipients": ["datenteam@example.com"],
                "work_dir": str(config.state_dir / "runs"),
                "archive_dir": str(config.state_dir / "archive"),
            }
        ),
    }

