#!/usr/bin/env bash
# Remakes the pictures in docs/images/ (what visitors see, in English and Chinese) with the
# browser tests: a fixed links.yaml at a fixed time, so a picture changes only when its
# page does. Read the result with `git status docs/images` and look at what changed.
# Needs what the tests need (bash scripts/install.sh --test: Chromium and a Chinese font).
set -euo pipefail
cd "$(dirname "$0")/.."
SHORTLINKS_WRITE_DOC_IMAGES=1 SHORTLINKS_STRICT=1 \
  exec .venv/bin/python -m pytest -q -p no:cacheprovider tests/e2e/test_doc_images.py "$@"
