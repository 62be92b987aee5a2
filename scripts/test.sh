#!/usr/bin/env bash
# Install what the tests need (scripts/setup.sh) and run the test suite. Every server a
# test needs (MariaDB, the SMTP sink, Airflow) is started by the tests on 127.0.0.1.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$repo/scripts/setup.sh"
cd "$repo"
exec "$repo/.venv/bin/python" -m pytest "$@"
