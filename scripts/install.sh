#!/usr/bin/env bash
# Creates .venv in the repo root and installs fanzha with pinned dependencies (and extras given as $1).
set -euo pipefail
cd "$(dirname "$0")/.."
EXTRAS="${1:-}"
PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  echo "==> creating .venv"
  "$PYTHON" -m venv .venv
fi
echo "==> installing Python packages${EXTRAS:+ (extras: $EXTRAS)}"
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e ".${EXTRAS:+[$EXTRAS]}"

# PDF bulletins: WeasyPrint renders through pango/fontconfig and needs a Chinese font;
# poppler-utils (pdftoppm) turns bulletin PDFs into PNG previews for the test artefacts.
need_apt=()
ldconfig -p 2>/dev/null | grep -q libpangoft2-1.0 || need_apt+=(libpango-1.0-0 libpangoft2-1.0-0)
{ command -v fc-list >/dev/null && fc-list :lang=zh | grep -q .; } || need_apt+=(fonts-wqy-zenhei)
command -v pdftoppm >/dev/null || need_apt+=(poppler-utils)
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "==> installing system packages: ${need_apt[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
  else
    echo "!! PDF bulletins need the Debian packages ${need_apt[*]}: run as root" \
      "'apt-get install -y ${need_apt[*]}'" >&2
  fi
fi

# Web console assets (htmx, ECharts) and the API docs page (Swagger UI): pinned in package.json/package-lock.json, installed from the
# npm registry at install time and served by fanzha itself, so browsers never fetch from outside.
VENDOR=src/fanzha/web/static/vendor
ASSETS=(htmx.org/dist/htmx.min.js echarts/dist/echarts.min.js
  swagger-ui-dist/swagger-ui-bundle.js swagger-ui-dist/swagger-ui.css)
missing=0
for asset in "${ASSETS[@]}"; do
  [ -f "$VENDOR/$(basename "$asset")" ] && [ ! package-lock.json -nt "$VENDOR/$(basename "$asset")" ] || missing=1
done
if [ "$missing" = 1 ]; then
  if ! command -v npm >/dev/null; then
    echo "!! the web console needs htmx, ECharts and Swagger UI from npm, but npm is missing:" \
      "install Node.js/npm (Debian: 'apt-get install -y npm') and run scripts/install.sh again" >&2
    exit 1
  fi
  echo "==> installing web console assets (npm ci)"
  # --ignore-scripts: no package runs code at install (swagger-ui-dist's analytics hook would call out).
  npm ci --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error
  mkdir -p "$VENDOR"
  for asset in "${ASSETS[@]}"; do cp "node_modules/$asset" "$VENDOR/"; done
fi
