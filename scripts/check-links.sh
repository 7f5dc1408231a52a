#!/usr/bin/env bash
# The check workflow's link check (.github/workflows/check.yml), here so that the tests run
# exactly what CI runs (tests/e2e/test_workflow_steps.py).
#
# On a push the branch's own shortlinks checks its links file. On a pull request the
# checker is the BASE branch's, never the pull request's: a pull request that edits
# generator/ (the lock's check, say, to accept everything) must not switch the check off
# for itself. The base's committed files are exported (git archive) into a folder of their
# own and installed into a venv of their own; that `shortlinks` checks the pull request's
# links file against the base's links.lock (`check --base`) and writes the job summary
# (`diff`), which the reviewer trusts too. Nothing here imports from the current folder,
# which is the pull request's: `python -m NAME` would look for NAME there first (its own
# generator/, or a venv/ or pip/ folder that fakes the install), hence `python3 -I` for venv
# and pip, and the checker run as a command.
#
# A base without a generator (the pull request that brings shortlinks into a repository):
#   - and without a lock beside the links file: nothing is published that the check
#     protects, so the pull request's own shortlinks (.venv) checks it, with a warning;
#   - with one: the check fails (published links, and no trusted checker to hold them).
# A base whose generator does not install fails the check too (fail closed).
#
# Usage: scripts/check-links.sh [FILE]   (default links.yaml; from the top of the checkout)
# Environment: GITHUB_BASE_REF (set on pull requests), GITHUB_STEP_SUMMARY, RUNNER_TEMP.
# Exit: 0 fine; otherwise the failing command's code (1: problems in the links file).
set -euo pipefail
file="${1:-links.yaml}"
own=.venv/bin/shortlinks # the checkout's own, from scripts/install.sh

if [ -z "${GITHUB_BASE_REF:-}" ]; then
  exec "$own" check "$file" --format github
fi

base="origin/$GITHUB_BASE_REF"
lock="${file%.*}.lock"
if ! git rev-parse --verify --quiet "$base^{commit}" >/dev/null; then
  echo "::error::the base branch $base is not in this checkout: actions/checkout needs fetch-depth: 0"
  exit 1
fi

if git cat-file -e "$base:pyproject.toml" 2>/dev/null &&
  git cat-file -e "$base:generator/cli.py" 2>/dev/null; then
  work="$(mktemp -d "${RUNNER_TEMP:-${TMPDIR:-/tmp}}/shortlinks-base.XXXXXX")"
  mkdir "$work/src"
  git archive --format=tar "$base" | tar -x -C "$work/src"
  echo "::group::Install shortlinks from $base (the checker of this pull request)"
  if ! { python3 -I -m venv "$work/venv" &&
    "$work/venv/bin/python" -I -m pip install --quiet --disable-pip-version-check "$work/src"; }; then
    echo "::endgroup::"
    echo "::error::the generator of $base does not install, so nothing checks this pull request"
    exit 1
  fi
  echo "::endgroup::"
  checker="$work/venv/bin/shortlinks"
elif git cat-file -e "$base:./$lock" 2>/dev/null; then
  echo "::error::$base has $lock (published links) but no generator to check them with;" \
    "restore generator/ and pyproject.toml on $base first"
  exit 1
else
  echo "::warning::$base has no generator yet: this pull request is checked by its own," \
    "which it could have changed. Review generator/, scripts/ and .github/ before merging."
  checker="$own"
fi

status=0
"$checker" check "$file" --format github --base "$base" || status=$?
# the summary also when the check found mistakes: the reviewer sees both
"$checker" diff "$base" "$file" --file "$file" --format markdown \
  >>"${GITHUB_STEP_SUMMARY:-/dev/stdout}" || { code=$?; [ "$status" -ne 0 ] || status=$code; }
exit "$status"
