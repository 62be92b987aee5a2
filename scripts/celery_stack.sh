#!/usr/bin/env bash
# Check the production topology by hand, without Docker: start PostgreSQL, Redis and Airflow with
# the CeleryExecutor (api-server, scheduler, dag-processor, triggerer, one Celery worker) on
# 127.0.0.1, seed a small demo shop, run gambio_order_import once, print the outcome and stop
# everything. Needs scripts/setup.sh first. Extra arguments go to the check, e.g. --orders 50.
# Data goes to .local/celery; ports move with GAMBIO_HCS_POSTGRES_PORT, GAMBIO_HCS_REDIS_PORT
# and the other GAMBIO_HCS_*_PORT variables.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PATH="$repo/.venv/bin:$PATH"
cd "$repo"
exec "$repo/.venv/bin/python" -m gambio_hcs_bridge.devstack.celery_stack --check "$@"
