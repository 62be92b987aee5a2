"""Point the local stack's configuration at a temporary state folder and free loopback ports."""

from __future__ import annotations

from pathlib import Path

from gambio_hcs_bridge.devstack.config import StackConfig, stack_config
from gambio_hcs_bridge.devstack.process import free_port

# The port variables devstack.config.stack_config() reads.
STACK_PORT_VARIABLES = (
    "GAMBIO_HCS_MARIADB_PORT",
    "GAMBIO_HCS_SMTP_PORT",
    "GAMBIO_HCS_API_PORT",
    "GAMBIO_HCS_WORKER_LOG_PORT",
    "GAMBIO_HCS_TRIGGER_LOG_PORT",
)


def point_stack_at(monkeypatch, state_dir: Path, extra_port_variables: tuple[str, ...] = ()) -> StackConfig:
    """Set the state folder and a distinct free port for every port variable; return the config."""
    variables = STACK_PORT_VARIABLES + extra_port_variables
    monkeypatch.setenv("GAMBIO_HCS_STATE_DIR", str(state_dir))
    ports: set[int] = set()
    while len(ports) < len(variables):
        ports.add(free_port())
    for variable, port in zip(variables, sorted(ports)):
        monkeypatch.setenv(variable, str(port))
    return stack_config()
