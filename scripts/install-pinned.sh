#!/usr/bin/env bash
# The publish workflow's install (.github/workflows/publish.yml): into VENV (default .venv),
# exactly the versions of requirements/publish.txt, each file checked against its hash, then
# shortlinks itself from this checkout. Nothing unpinned is installed or run: pip refuses a
# file whose hash is not listed (--require-hashes), follows no dependency the file does not
# name (--no-deps), and builds shortlinks with the pinned setuptools and wheel instead of
# fetching the newest into an isolated build environment (--no-build-isolation, --no-index).
# With the workflow's pip cache (keyed on requirements/publish.txt) nothing is downloaded.
#
# On your own machine scripts/install.sh (and build-site.sh) does the simple, editable install.
# Usage: scripts/install-pinned.sh [VENV]
set -euo pipefail
cd "$(dirname "$0")/.."
venv="${1:-.venv}"
pip=(--quiet --disable-pip-version-check)
python3 -m venv "$venv"
"$venv/bin/python" -m pip install "${pip[@]}" --require-hashes --no-deps -r requirements/publish.txt
"$venv/bin/python" -m pip install "${pip[@]}" --no-deps --no-build-isolation --no-index .
