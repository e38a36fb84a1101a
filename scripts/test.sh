#!/usr/bin/env bash
# One command: install the development dependencies into .venv and run the whole test suite.
# Set FANZHA_TEST_DATABASE_URL to run it against PostgreSQL instead of SQLite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh dev
mkdir -p artifacts
# Browser tests drive Debian's chromium (never a downloaded browser) and need a CJK font.
if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "==> installing chromium and a CJK font for the browser tests"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null
  else
    echo "!! /usr/bin/chromium is missing: browser tests will be skipped" \
      "(as root: 'apt-get install -y chromium fonts-noto-cjk')" >&2
  fi
fi
.venv/bin/python -m pytest "$@"
