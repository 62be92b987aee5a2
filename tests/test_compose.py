"""Static checks of docker-compose.yml, .env.example and the Dockerfile.

No Docker engine is needed: the files are parsed and their wiring is compared with the values
the bridge's code and settings expect. Whether the images build and the containers start is
not checked here.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from gambio_hcs_bridge.settings import DEFAULT_SETTINGS

REPO = Path(__file__).resolve().parents[1]
COMPOSE_FILE = REPO / "docker-compose.yml"
ENV_EXAMPLE = REPO / ".env.example"
DOCKERFILE = REPO / "Dockerfile"

AIRFLOW_SERVICES = [
    "airflow-apiserver",
    "airflow-scheduler",
    "airflow-dag-processor",
    "airflow-triggerer",
    "airflow-worker",
    "airflow-init",
]
REQUIRED_SERVICES = ["postgres", "redis", "mariadb", "demo-shop", *AIRFLOW_SERVICES]
HEALTHCHECKED_SERVICES = ["postgres", "redis", "mariadb", "airflow-apiserver", "airflow-worker"]
CONNECTION_VARIABLES = {
    "AIRFLOW_CONN_GAMBIO_DB": DEFAULT_SETTINGS.gambio_conn_id,
    "AIRFLOW_CONN_HCS_ODBC": DEFAULT_SETTINGS.hcs_conn_id,
    "AIRFLOW_CONN_SMTP_DEFAULT": DEFAULT_SETTINGS.smtp_conn_id,
}
PLACEHOLDER_SECRET = "change-me"
SHARED_DATA_MOUNT = "/opt/airflow/bridge"

# ${NAME}, ${NAME:-default} or ${NAME:?message}, but not the escaped $${NAME}.
COMPOSE_VARIABLE = re.compile(r"(?<!\$)\$\{([A-Za-z_][A-Za-z0-9_]*)")


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load(COMPOSE_FILE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def services(compose) -> dict:
    return compose["services"]


@pytest.fixture(scope="module")
def common(compose) -> dict:
    return compose["x-airflow-common"]


@pytest.fixture(scope="module")
def env_example() -> dict[str, str]:
    return parse_env_file(ENV_EXAMPLE)


def parse_env_file(path: Path) -> dict[str, str]:
    """Parse the KEY=VALUE lines of a .env file and strip one pair of surrounding quotes.

    Enough for .env.example, which uses no interpolation, escapes or inline comments.
    """
    values = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        key, separator, value = line.partition("=")
        assert separator, f"{path.name} line {number} is not KEY=VALUE: {line!r}"
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        values[key.strip()] = value
    return values


def environment_as_dict(environment) -> dict[str, str]:
    if isinstance(environment, list):
        return dict(item.split("=", 1) for item in environment)
    return dict(environment)


def service_names_with_prefix(services: dict, prefix: str) -> list[str]:
    return sorted(name for name in services if name.startswith(prefix))


# --- services and shared configuration -------------------------------------------------


def test_required_services_exist(services):
    for name in REQUIRED_SERVICES:
        assert name in services, f"service {name} missing from docker-compose.yml"


def test_airflow_services_share_image(services, common):
    assert common["build"] == "."
    assert common["image"]
    for name in service_names_with_prefix(services, "airflow-"):
        assert services[name]["build"] == common["build"], name
        assert services[name]["image"] == common["image"], name


def test_airflow_services_share_environment(services, common):
    expected = environment_as_dict(common["environment"])
    names = service_names_with_prefix(services, "airflow-")
    assert sorted(names) == sorted(AIRFLOW_SERVICES)
    for name in names:
        assert environment_as_dict(services[name]["environment"]) == expected, name


def test_demo_shop_uses_bridge_image(services, common):
    assert services["demo-shop"]["build"] == common["build"]
    assert services["demo-shop"]["image"] == common["image"]
    assert services["demo-shop"]["depends_on"]["mariadb"]["condition"] == "service_healthy"


def test_celery_executor_wiring(common):
    environment = environment_as_dict(common["environment"])
    assert environment["AIRFLOW__CORE__EXECUTOR"] == "CeleryExecutor"
    assert environment["AIRFLOW__CELERY__BROKER_URL"] == "redis://redis:6379/0"
    assert environment["AIRFLOW__CELERY__RESULT_BACKEND"] == (
        "db+postgresql://${POSTGRES_USER}:${POSTGRES_PASSWORD}@postgres:5432/${POSTGRES_DB}"
    )
    assert environment["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"] == (
        "postgresql+psycopg2://${POSTGRES_USER}:${POSTGRES_PASSWORD}@postgres:5432/${POSTGRES_DB}"
    )
    assert environment["AIRFLOW__CORE__EXECUTION_API_SERVER_URL"] == "http://airflow-apiserver:8080/execution/"
    assert environment["AIRFLOW__PROVIDERS_ODBC__ALLOW_DRIVER_IN_EXTRA"] == "True"


def test_shared_keys_come_from_env_file(common):
    environment = environment_as_dict(common["environment"])
    assert environment["AIRFLOW__CORE__FERNET_KEY"] == "${AIRFLOW_FERNET_KEY}"
    assert environment["AIRFLOW__API_AUTH__JWT_SECRET"] == "${AIRFLOW_JWT_SECRET}"
    assert environment["AIRFLOW__API__SECRET_KEY"] == "${AIRFLOW_API_SECRET_KEY}"


def test_schedules_come_from_env_file(common):
    environment = environment_as_dict(common["environment"])
    for name in (
        "GAMBIO_HCS_IMPORT_SCHEDULE",
        "GAMBIO_HCS_WRITEBACK_SCHEDULE",
        "GAMBIO_HCS_STOCK_SCHEDULE",
        "GAMBIO_HCS_WATCH_SECONDS",
    ):
        assert environment[name] == "${" + name + "}", name


# --- health checks and start order -----------------------------------------------------


def test_health_checks_exist(services):
    for name in HEALTHCHECKED_SERVICES:
        healthcheck = services[name].get("healthcheck")
        assert healthcheck, f"service {name} has no healthcheck"
        assert healthcheck["test"], f"service {name} has an empty healthcheck test"


def test_health_check_commands(services):
    assert services["postgres"]["healthcheck"]["test"][:2] == ["CMD", "pg_isready"]
    assert services["redis"]["healthcheck"]["test"] == ["CMD", "redis-cli", "ping"]
    worker_test = " ".join(services["airflow-worker"]["healthcheck"]["test"])
    assert "celery --app airflow.providers.celery.executors.celery_executor.app inspect ping" in worker_test


def test_airflow_services_wait_for_dependencies(services):
    for name in AIRFLOW_SERVICES:
        depends_on = services[name]["depends_on"]
        assert depends_on["postgres"]["condition"] == "service_healthy", name
        assert depends_on["redis"]["condition"] == "service_healthy", name
        if name != "airflow-init":
            assert depends_on["airflow-init"]["condition"] == "service_completed_successfully", name


def test_init_migrates_metadata_database(services):
    command = services["airflow-init"]["command"]
    script = command if isinstance(command, str) else " ".join(command)
    assert "airflow db migrate" in script


# --- ports and volumes -----------------------------------------------------------------


def test_published_ports_bind_loopback(services):
    published = []
    for name, service in services.items():
        for port in service.get("ports", []):
            published.append(port)
            assert isinstance(port, str), f"{name}: write the port as a string 'host_ip:host:container'"
            assert port.startswith("127.0.0.1:"), f"{name} publishes {port} on all interfaces"
    assert "127.0.0.1:${AIRFLOW_API_PORT}:8080" in published


def test_named_volumes_are_declared(compose, services):
    declared = set(compose["volumes"])
    for name, service in services.items():
        for volume in service.get("volumes", []):
            source = volume.split(":", 1)[0]
            if source.startswith((".", "/", "$")):
                continue
            assert source in declared, f"{name} mounts the undeclared volume {source}"
    for volume in ("postgres-data", "airflow-logs", "bridge-data", "mariadb-data"):
        assert volume in declared


def test_work_volume_shared_by_airflow_services(services):
    for name in AIRFLOW_SERVICES:
        volumes = services[name]["volumes"]
        assert f"bridge-data:{SHARED_DATA_MOUNT}" in volumes, name
        assert "airflow-logs:/opt/airflow/logs" in volumes, name


def test_settings_dirs_lie_in_shared_volume(env_example):
    settings = json.loads(env_example["AIRFLOW_VAR_GAMBIO_HCS_BRIDGE"])
    for key in ("work_dir", "archive_dir"):
        assert settings[key].startswith(SHARED_DATA_MOUNT + "/"), key


def test_odbc_ini_mounted_read_only(services, env_example):
    for name in AIRFLOW_SERVICES:
        if name == "airflow-init":
            continue
        assert "${HCS_ODBC_INI}:/etc/odbc.ini:ro" in services[name]["volumes"], name
    assert (REPO / env_example["HCS_ODBC_INI"]).is_file()


# --- connections, variables and secrets ------------------------------------------------


def test_connection_variables_match_code(common):
    environment = environment_as_dict(common["environment"])
    defined = {name for name in environment if name.startswith("AIRFLOW_CONN_")}
    assert defined == set(CONNECTION_VARIABLES)
    for variable, conn_id in CONNECTION_VARIABLES.items():
        # Airflow looks connection conn_id up in the variable AIRFLOW_CONN_<CONN_ID upper-cased>.
        assert variable == "AIRFLOW_CONN_" + conn_id.upper()
        assert environment[variable] == "${" + variable + "}"


def test_connection_examples_are_valid(env_example):
    gambio = json.loads(env_example["AIRFLOW_CONN_GAMBIO_DB"])
    hcs = json.loads(env_example["AIRFLOW_CONN_HCS_ODBC"])
    smtp = json.loads(env_example["AIRFLOW_CONN_SMTP_DEFAULT"])
    assert gambio["conn_type"] == "mysql"
    assert gambio["extra"] == {"charset": "utf8mb4"}
    assert hcs["conn_type"] == "odbc"
    assert hcs["extra"]["placeholder"] == "?"
    assert hcs["extra"]["driver"] == "MariaDB Unicode"
    assert smtp["conn_type"] == "smtp"


def test_compose_variables_defined_in_env_example(env_example):
    used = set(COMPOSE_VARIABLE.findall(COMPOSE_FILE.read_text(encoding="utf-8")))
    assert used, "docker-compose.yml uses no ${VAR} at all"
    missing = sorted(used - set(env_example))
    assert not missing, f"used in docker-compose.yml but not defined in .env.example: {missing}"


def test_env_example_has_placeholder_secrets(env_example):
    secret_keys = [key for key in env_example if re.search(r"PASSWORD|SECRET|_KEY$", key)]
    assert len(secret_keys) >= 6, secret_keys
    for key in secret_keys:
        assert env_example[key] == PLACEHOLDER_SECRET, key
    for key in CONNECTION_VARIABLES:
        connection = json.loads(env_example[key])
        assert connection.get("password", PLACEHOLDER_SECRET) == PLACEHOLDER_SECRET, key


def test_env_file_is_ignored():
    assert "/.env" in (REPO / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert ".env" in (REPO / ".dockerignore").read_text(encoding="utf-8").splitlines()


# --- Dockerfile ------------------------------------------------------------------------


def dockerfile_lines() -> list[str]:
    # Joins continuation lines so each instruction is one string.
    text = DOCKERFILE.read_text(encoding="utf-8").replace("\\\n", " ")
    return [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]


def constraint_pin(package: str) -> str:
    for line in (REPO / "constraints.txt").read_text(encoding="utf-8").splitlines():
        name, _, version = line.partition("==")
        if name.strip().lower() == package:
            return version.strip()
    raise AssertionError(f"{package} is not pinned in constraints.txt")


def test_dockerfile_pins_base_image():
    from_lines = [line for line in dockerfile_lines() if line.startswith("FROM ")]
    assert from_lines
    airflow_version = constraint_pin("apache-airflow")
    assert airflow_version == "3.3.2"
    for line in from_lines:
        assert line.split()[1] == f"apache/airflow:{airflow_version}-python3.11", line


def test_dockerfile_installs_with_constraints():
    installs = [line for line in dockerfile_lines() if line.startswith("RUN pip install")]
    assert len(installs) == 1
    assert "-c /opt/bridge/constraints.txt /opt/bridge" in installs[0]
    assert "COPY --chown=airflow:0 pyproject.toml constraints.txt README.md /opt/bridge/" in dockerfile_lines()


def test_dockerfile_copies_dags_and_sql():
    lines = dockerfile_lines()
    assert "COPY --chown=airflow:0 dags/ /opt/airflow/dags/" in lines
    assert "COPY --chown=airflow:0 include/ /opt/bridge/include/" in lines
    assert "ENV GAMBIO_HCS_SQL_DIR=/opt/bridge/include/sql" in lines


def test_dockerfile_installs_odbc_drivers():
    packages = " ".join(line for line in dockerfile_lines() if "apt-get install" in line).split()
    for package in ("unixodbc", "libsqliteodbc", "odbc-mariadb", "libmariadb3"):
        assert package in packages, package
