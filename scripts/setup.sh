#!/usr/bin/env bash
# Install everything the bridge needs on a fresh Debian machine, as root:
# Debian packages, a virtual environment in .venv and the package with its pinned
# dependencies. Safe to run again: finished steps are skipped.
# Other systems: follow "Manual installation" in docs/installation.md.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="$repo/.venv"

apt_packages=(
    mariadb-server mariadb-client
    unixodbc unixodbc-dev libsqliteodbc odbc-mariadb
    libmariadb-dev pkg-config gcc
    # Metadata database and Celery broker of the CeleryExecutor check (scripts/celery_stack.sh).
    postgresql redis-server
    # Headless browser and fonts for the UI test (tests/test_ui_e2e.py) and its screenshots.
    chromium fonts-dejavu-core fonts-liberation
)

if [ "$(id -u)" -ne 0 ]; then
    echo "setup.sh must run as root because it installs Debian packages." >&2
    echo "Run it with sudo, or install by hand as docs/installation.md describes." >&2
    exit 1
fi

if [ ! -r /etc/debian_version ]; then
    echo "setup.sh supports Debian and its derivatives only (no /etc/debian_version found)." >&2
    echo "Install by hand as docs/installation.md describes." >&2
    exit 1
fi

python_bin="${PYTHON:-$(command -v python3.11 || command -v python3 || true)}"
if [ -z "$python_bin" ] || ! "$python_bin" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))'; then
    echo "Python 3.11 is required; set PYTHON=/path/to/python3.11 if it is not on PATH." >&2
    exit 1
fi

missing=()
for package in "${apt_packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ "${#missing[@]}" -gt 0 ]; then
    echo "Installing Debian packages: ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Debian starts a system MariaDB after installing the package; the bridge runs its
# own throwaway server instead, so the system one is left alone.

if [ ! -x "$venv/bin/python" ]; then
    echo "Creating the virtual environment in $venv"
    "$python_bin" -m venv "$venv"
fi

# Reinstall only when the dependency files changed since the last successful run.
stamp="$venv/.bridge-install-stamp"
wanted="$(cat "$repo/pyproject.toml" "$repo/constraints.txt" | sha256sum | cut -d' ' -f1)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$wanted" ]; then
    echo "Installing the bridge and its pinned dependencies (a few minutes on a fresh machine)"
    "$venv/bin/python" -m pip install -q --upgrade pip
    "$venv/bin/python" -m pip install -q -c "$repo/constraints.txt" -e "$repo[test]"
    "$venv/bin/python" -m pip check
    echo "$wanted" > "$stamp"
fi

echo "Setup complete: $venv"
