#!/usr/bin/env bash
# The composite action (action.yml): install shortlinks, check the links file (annotations on
# its lines), build the site. Inputs come in as environment variables, never as text pasted
# into a script: SHORTLINKS_FILE, SHORTLINKS_OUTPUT, SHORTLINKS_HOSTS (space-separated).
# SHORTLINKS_PYTHON: a Python that has shortlinks already (the tests use it).
set -euo pipefail
file="${SHORTLINKS_FILE:-links.yaml}"
output="${SHORTLINKS_OUTPUT:-_site}"
python="${SHORTLINKS_PYTHON:-}"
if [ -z "$python" ]; then
  venv="${RUNNER_TEMP:-/tmp}/shortlinks-venv"
  python3 -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "${GITHUB_ACTION_PATH:-.}"
  python="$venv/bin/python"
fi
hosts=()
for name in ${SHORTLINKS_HOSTS:-}; do hosts+=(--host "$name"); done
"$python" -m generator check "$file" --format github
"$python" -m generator build "$file" -o "$output" "${hosts[@]}"
