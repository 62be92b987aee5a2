#!/usr/bin/env bash
# Set everything up on a fresh Debian machine, start the local stack (MariaDB, mail sink,
# Airflow standalone), load a fresh demo shop and HCS database, and run the import once.
# Safe to run again: it starts from fresh demo data each time.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$repo/scripts/setup.sh"
export PATH="$repo/.venv/bin:$PATH"

hcsbridge stack start
hcsbridge demo-data --reset --orders "${DEMO_ORDERS:-300}" --seed "${DEMO_SEED:-42}"
hcsbridge hcs init --reset
hcsbridge hcs seed-articles
hcsbridge demo-import
