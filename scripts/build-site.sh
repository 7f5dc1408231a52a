#!/usr/bin/env bash
# One command on a fresh Debian machine: install, then build _site/ from links.yaml.
# Extra arguments go to `shortlinks build` (e.g. -o public, --now 2026-12-01T00:00:00Z).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
echo "Building the site from links.yaml..." >&2
exec .venv/bin/shortlinks build links.yaml "$@"
