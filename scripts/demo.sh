#!/usr/bin/env bash
# One command from a fresh clone: install everything, build the demo city on SQLite, start the server.
set -euo pipefail
cd "$(dirname "$0")/.."
PORT="${PORT:-8000}"
bash scripts/install.sh
.venv/bin/fanzha --database "sqlite:///fanzha-demo.db" demo --reset --serve --port "$PORT"
