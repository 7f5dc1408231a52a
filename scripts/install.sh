#!/usr/bin/env bash
# Installs what shortlinks needs into ./.venv (and, with --test, what its tests need).
# Safe to run again: it only installs what is missing. Used by build-site.sh and test.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
# One line before each step that can take a while, on standard error (build-site.sh's
# standard output is the build's).
say() { echo "$*" >&2; }

want_test=0
[ "${1:-}" = "--test" ] && want_test=1

apt_packages=()
command -v python3 >/dev/null 2>&1 || apt_packages+=(python3)
# venv needs ensurepip, which Debian ships apart (python3-venv); a fresh machine has neither
if ! command -v python3 >/dev/null 2>&1 || ! python3 -c 'import ensurepip, venv' 2>/dev/null; then
  apt_packages+=(python3-venv)
fi
has() { command -v "$1" >/dev/null 2>&1 || [ -x "/usr/sbin/$1" ]; }
if [ "$want_test" = 1 ]; then
  # the diff, workflow and docs tests make git repositories of their own
  has git || apt_packages+=(git)
  # a self-signed certificate for the TLS test of `shortlinks targets` (tests/test_targets.py)
  has openssl || apt_packages+=(openssl)
  # node runs the redirect pages' script in the end-to-end tests
  has node || apt_packages+=(nodejs)
  # the web servers of the conformance suite (tests/e2e/test_conformance.py)
  has nginx || apt_packages+=(nginx)
  has apache2 || apt_packages+=(apache2)
  has caddy || apt_packages+=(caddy)
  # hosts' own local servers come from npm (tests/e2e/npm); the Azure CLI builds keytar
  has npm || apt_packages+=(npm)
  # the browser tests drive Debian's Chromium with Playwright (no browser download)
  has chromium || apt_packages+=(chromium)
  # a CJK font, so screenshots of Chinese pages show the characters
  [ -e /usr/share/fonts/truetype/wqy/wqy-zenhei.ttc ] || apt_packages+=(fonts-wqy-zenhei)
  [ -e /usr/include/libsecret-1/libsecret/secret.h ] || apt_packages+=(libsecret-1-dev)
fi

if [ "${#apt_packages[@]}" -gt 0 ]; then
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "install these first: ${apt_packages[*]}" >&2
    exit 1
  fi
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  say "Updating the Debian package lists (apt-get update, under a minute)..."
  $sudo apt-get update -qq
  say "Installing Debian packages: ${apt_packages[*]} (a few minutes)..."
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${apt_packages[@]}" >/dev/null
fi

# A .venv left half-made by an earlier failed run (no pip in it) is made again.
if [ -x .venv/bin/python ] && ! .venv/bin/python -m pip --version >/dev/null 2>&1; then
  rm -rf .venv
fi
if [ ! -x .venv/bin/python ]; then
  say "Making the Python environment .venv..."
  python3 -m venv .venv
fi
extra=""
[ "$want_test" = 1 ] && extra="[test]"
if [ "$want_test" = 1 ]; then
  say "Installing shortlinks and its test tools into .venv (a few minutes the first time)..."
else
  say "Installing shortlinks into .venv (a minute or two the first time)..."
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".${extra}"

if [ "$want_test" = 1 ]; then
  # Pinned by package-lock.json; reinstalled only when the lock file changes.
  npm_dir=tests/e2e/npm
  stamp="$npm_dir/node_modules/.installed-lock.json"
  if ! cmp -s "$npm_dir/package-lock.json" "$stamp" 2>/dev/null; then
    say "Installing the hosts' local servers from npm into tests/e2e/npm (a few minutes)..."
    # --legacy-peer-deps: Debian 12's npm 9 would otherwise want optional peers that the
    # lock file (written by a newer npm) leaves out, and refuse to install at all.
    (cd "$npm_dir" && npm ci --legacy-peer-deps --no-audit --no-fund --loglevel=error)
    cp "$npm_dir/package-lock.json" "$stamp"
  fi
fi
