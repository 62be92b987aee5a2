"""A temporary Airflow home for DAG tests, and helpers that run Airflow in a child process.

Airflow reads ``AIRFLOW_HOME`` and its configuration once, when ``airflow`` is first
imported. Other tests import it into the pytest process with the default home, so DAG
runs and DAG parsing happen in a child Python process that gets the environment of
:class:`AirflowHome` plus whatever the test set with ``monkeypatch.setenv``.

Use it from a test module with ``from airflow_env import airflow_home  # noqa: F401`` (the
fixture) and call :func:`run_dag_test` or :func:`parse_dag_file`.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
DAGS_DIR = REPO_ROOT / "dags"
VENV_BIN = Path(sys.executable).parent
RESULT_MARKER = "AIRFLOW_TEST_RESULT="

# Runs one DAG run in the child: parse the file, set retries to 0 (dag.test waits out real
# retry delays), call dag.test() and print the task states as JSON on one marked line.
_DAG_TEST_SCRIPT = """
import json, sys
from airflow.dag_processing.dagbag import DagBag

dag_file, dag_id, run_conf = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
bag = DagBag(dag_folder=dag_file)
if bag.import_errors:
    print(MARKER + json.dumps({"import_errors": {str(k): v for k, v in bag.import_errors.items()}}))
    sys.exit(0)
dag = bag.dags[dag_id]
for task in dag.tasks:
    task.retries = 0
run = dag.test(run_conf=run_conf)

from airflow.models.taskinstance import TaskInstance
from airflow.utils.session import create_session
with create_session() as session:
    instances = session.query(TaskInstance).filter_by(dag_id=dag_id, run_id=run.run_id).all()
    tasks = {f"{ti.task_id}[{ti.map_index}]" if ti.map_index >= 0 else ti.task_id: str(ti.state) for ti in instances}
print(MARKER + json.dumps({"state": str(run.state), "run_id": run.run_id, "tasks": tasks}))
""".replace("MARKER", repr(RESULT_MARKER))


@dataclass(frozen=True)
class AirflowHome:
    """A migrated Airflow home folder and the environment variables that point Airflow at it."""

    path: Path
    env: dict[str, str]

    def child_env(self) -> dict[str, str]:
        """Return the current process environment (with the test's monkeypatches) plus this home."""
        return {**os.environ, **self.env}


def airflow_home_env(home: Path) -> dict[str, str]:
    """Return the environment for Airflow processes that use ``home`` and this repository's DAGs."""
    return {
        "AIRFLOW_HOME": str(home),
        "AIRFLOW__CORE__DAGS_FOLDER": str(DAGS_DIR),
        "AIRFLOW__CORE__PLUGINS_FOLDER": str(home / "plugins"),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__CORE__UNIT_TEST_MODE": "False",
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{home / 'airflow.db'}",
        "AIRFLOW__PROVIDERS_ODBC__ALLOW_DRIVER_IN_EXTRA": "True",
        "PATH": f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}",
    }


@pytest.fixture(scope="session")
def airflow_home(tmp_path_factory) -> AirflowHome:
    """An Airflow home with a migrated SQLite metadata database, shared by the session."""
    home = tmp_path_factory.mktemp("airflow_home")
    env = airflow_home_env(home)
    result = subprocess.run(
        [str(VENV_BIN / "airflow"), "db", "migrate"],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=300,
    )
    if result.returncode != 0:
        pytest.fail(f"airflow db migrate failed with exit code {result.returncode}:\n{result.stderr[-4000:]}")
    return AirflowHome(home, env)


def run_python(env: dict[str, str], script: str, *args: str, timeout: float = 300) -> dict:
    """Run ``script`` in a child Python with ``env`` and return the JSON of its marked result line."""
    result = subprocess.run(
        [sys.executable, "-c", script, *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=REPO_ROOT,
    )
    for line in reversed(result.stdout.splitlines()):
        if line.startswith(RESULT_MARKER):
            return json.loads(line[len(RESULT_MARKER) :])
    raise AssertionError(
        f"Child process exited with code {result.returncode} and no result line.\n"
        f"stdout (end):\n{result.stdout[-4000:]}\nstderr (end):\n{result.stderr[-6000:]}"
    )


def run_dag_test(airflow_home: AirflowHome, dag_file: Path, dag_id: str, run_conf: dict, timeout: float = 300) -> dict:
    """Run ``dag_id`` from ``dag_file`` once with ``dag.test(run_conf=...)`` in a child process.

    Returns ``{"state", "run_id", "tasks": {task_id or "task_id[map_index]": state}}`` or
    ``{"import_errors": {...}}`` when the file does not parse.
    """
    return run_python(
        airflow_home.child_env(), _DAG_TEST_SCRIPT, str(dag_file), dag_id, json.dumps(run_conf), timeout=timeout
    )
