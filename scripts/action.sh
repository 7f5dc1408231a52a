#!/usr/bin/env bash
# The composite action (action.yml): install shortlinks, check the links file (annotations on
# its lines), build the site. Inputs come in as environment variables, never as text pasted
# into a script: SHORTLINKS_FILE, SHORTLINKS_OUTPUT, SHORTLINKS_HOSTS (space-separated).
# SHORTLINKS_PYTHON: a Python that has shortlinks already (the tests use it).
#
# What runs is the shortlinks of the ref the calling workflow pins (`uses: ...@<sha>`),
# never code of the repository being checked: Python runs isolated (-I), because
# `python -m NAME` would look for NAME in the current folder first, and a pull request there
# could add a generator/ (or venv/, pip/) folder that passes everything.
#
# On a pull request the links are checked against the base branch's links.lock (`check
# --base origin/<base branch>`): without it, a lock edited by hand along with links.yaml
# would move a published link. The base must be in the checkout (actions/checkout with
# fetch-depth: 0); when it is not, the check fails and says so.
set -euo pipefail
file="${SHORTLINKS_FILE:-links.yaml}"
output="${SHORTLINKS_OUTPUT:-_site}"
python="${SHORTLINKS_PYTHON:-}"
if [ -z "$python" ]; then
  venv="${RUNNER_TEMP:-/tmp}/shortlinks-venv"
  python3 -I -m venv "$venv"
  "$venv/bin/python" -I -m pip install --quiet --disable-pip-version-check "${GITHUB_ACTION_PATH:-.}"
  python="$venv/bin/python"
fi
base=()
if [ -n "${GITHUB_BASE_REF:-}" ]; then
  ref="origin/$GITHUB_BASE_REF"
  if ! git rev-parse --verify --quiet "$ref^{commit}" >/dev/null; then
    echo "::error::the base branch $ref is not in this checkout, so links.lock cannot be" \
      "checked against it: give actions/checkout 'fetch-depth: 0'"
    exit 1
  fi
  base=(--base "$ref")
fi
hosts=()
for name in ${SHORTLINKS_HOSTS:-}; do hosts+=(--host "$name"); done
"$python" -I -m generator check "$file" --format github "${base[@]}"
"$python" -I -m generator build "$file" -o "$output" "${hosts[@]}"
