#!/usr/bin/env bash
# One command on a fresh Debian machine: install what the tests need, then run them all
# (lint, format check, the whole pytest suite including the end-to-end tests).
# Under CI=true a missing tool fails its test instead of skipping it.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh --test
.venv/bin/ruff check generator tests
.venv/bin/ruff format --check generator tests
# Users without libyaml get PyYAML's pure-Python parser, which words errors differently and
# reads some text differently: the loader's tests run with it too (generator/load.py).
SHORTLINKS_PURE_YAML=1 .venv/bin/python -m pytest -q -p no:cacheprovider \
    tests/test_load.py tests/test_fastload.py tests/test_bad_input.py tests/test_hostile.py
exec .venv/bin/python -m pytest "$@"
