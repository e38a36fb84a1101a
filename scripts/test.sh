#!/usr/bin/env bash
# One command: install the development dependencies into .venv and run the whole test suite.
# Set FANZHA_TEST_DATABASE_URL to run it against PostgreSQL instead of SQLite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh dev
mkdir -p artifacts
.venv/bin/python -m pytest "$@"
