#!/usr/bin/env bash
# Prints, for $GITHUB_OUTPUT, which optional hosts the publish workflow deploys to: a host is
# on when all of its settings are there (docs/deploy.md), and skipped cleanly when not.
set -euo pipefail
on() { for name in "$@"; do [ -n "${!name:-}" ] || { echo false; return; }; done; echo true; }
echo "netlify=$(on NETLIFY_AUTH_TOKEN NETLIFY_SITE_ID)"
echo "cloudflare=$(on CLOUDFLARE_API_TOKEN CLOUDFLARE_ACCOUNT_ID CLOUDFLARE_PAGES_PROJECT)"
