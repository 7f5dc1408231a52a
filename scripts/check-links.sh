#!/usr/bin/env bash
# The check workflow's link check (.github/workflows/check.yml), here so that the tests run
# exactly what CI runs (tests/e2e/test_workflow_steps.py).
#
# On a pull request the checker is the BASE branch's shortlinks, never the pull request's:
# a pull request that edits generator/ (the lock's check, say, to accept everything) must
# not switch the check off for itself. The base's committed files are exported (git
# archive) into a folder of their own and installed into a venv of their own; that
# `shortlinks` checks the pull request's links file against the base's links.lock (`check
# --base`) and writes the job summary (`diff`), which the reviewer trusts too. On a push the
# branch's own committed shortlinks checks it, installed the same way.
#
# No code of the pull request may run before this in the same job: it could move the base
# ref or replace a program (the job has sudo). The workflow runs it first, in a job of its
# own; the site is built in another. Nothing here imports from the current folder, which is
# the pull request's: `python -m NAME` looks for NAME there first (its generator/, or a
# venv/ or pip/ folder that fakes the install), hence `python3 -I`, and the checker is run
# as a command.
#
# A base without a generator (the pull request that brings shortlinks into a repository):
#   - and without a lock beside the links file: nothing is published that the check
#     protects, so the pull request's own shortlinks checks it, with a warning;
#   - with one: the check fails (published links, and no trusted checker to hold them).
# A checker that does not install, or a base missing from the checkout, fails the check too.
#
# Usage: scripts/check-links.sh [FILE]   (default links.yaml; from the top of the checkout)
# Environment: GITHUB_BASE_REF (set on pull requests), GITHUB_STEP_SUMMARY, RUNNER_TEMP.
# Exit: 0 fine; otherwise the failing command's code (1: problems in the links file).
set -euo pipefail
file="${1:-links.yaml}"

# Installs the shortlinks committed at git revision $1 into a new venv; sets $checker.
install_checker() {
  local work
  work="$(mktemp -d "${RUNNER_TEMP:-${TMPDIR:-/tmp}}/shortlinks-checker.XXXXXX")"
  mkdir "$work/src"
  git archive --format=tar "$1" | tar -x -C "$work/src"
  echo "::group::Install shortlinks from $1 (the checker)"
  if ! { python3 -I -m venv "$work/venv" &&
    "$work/venv/bin/python" -I -m pip install --quiet --disable-pip-version-check "$work/src"; }; then
    echo "::endgroup::"
    echo "::error::the shortlinks of $1 does not install, so nothing checks $file"
    exit 1
  fi
  echo "::endgroup::"
  checker="$work/venv/bin/shortlinks"
}

if [ -z "${GITHUB_BASE_REF:-}" ]; then # a push: the branch checks itself
  install_checker HEAD
  exec "$checker" check "$file" --format github
fi

base="origin/$GITHUB_BASE_REF"
lock="${file%.*}.lock"
if ! git rev-parse --verify --quiet "$base^{commit}" >/dev/null; then
  echo "::error::the base branch $base is not in this checkout: actions/checkout needs fetch-depth: 0"
  exit 1
fi
if git cat-file -e "$base:pyproject.toml" 2>/dev/null &&
  git cat-file -e "$base:generator/cli.py" 2>/dev/null; then
  install_checker "$base"
elif git cat-file -e "$base:./$lock" 2>/dev/null; then
  echo "::error::$base has $lock (published links) but no generator to check them with;" \
    "restore generator/ and pyproject.toml on $base first"
  exit 1
else
  echo "::warning::$base has no generator yet: this pull request is checked by its own," \
    "which it could have changed. Review generator/, scripts/ and .github/ before merging."
  install_checker HEAD
fi

status=0
"$checker" check "$file" --format github --base "$base" || status=$?
# the summary also when the check found mistakes: the reviewer sees both
"$checker" diff "$base" "$file" --file "$file" --format markdown \
  >>"${GITHUB_STEP_SUMMARY:-/dev/stdout}" || { code=$?; [ "$status" -ne 0 ] || status=$code; }
exit "$status"
