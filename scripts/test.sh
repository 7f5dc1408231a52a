#!/usr/bin/env bash
# One command on a fresh Debian machine: install what the tests need, then run them all
# (lint, format check, the whole pytest suite including the end-to-end tests).
# Under CI=true a missing tool fails its test instead of skipping it.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh --test
.venv/bin/ruff check generator tests
.venv/bin/ruff format --check generator tests
exec .venv/bin/python -m pytest "$@"
