#!/usr/bin/env bash
# Prints, for $GITHUB_OUTPUT, which optional hosts the publish workflow deploys to: a host is
# on when all of its settings are there (docs/deploy.md), and skipped cleanly when not. The
# site (or project) may be given for the default domain, for the others (NETLIFY_SITE_IDS,
# CLOUDFLARE_PAGES_PROJECTS: "domain target" lines, with site.domains), or both.
#
# Also a fingerprint of where each host deploys (its sites or projects, not its token): a
# scheduled run that finds the site unchanged still deploys to a host whose sites changed
# since its last deploy (scripts/publish-decision.py).
set -euo pipefail
on() { for name in "$@"; do [ -n "${!name:-}" ] || { echo false; return; }; done; echo true; }
fingerprint() { printf '%s\n' "$@" | sha256sum | cut -c1-64; }
NETLIFY_SITE="${NETLIFY_SITE_ID:-}${NETLIFY_SITE_IDS:-}"
CLOUDFLARE_PROJECT="${CLOUDFLARE_PAGES_PROJECT:-}${CLOUDFLARE_PAGES_PROJECTS:-}"
echo "netlify=$(on NETLIFY_AUTH_TOKEN NETLIFY_SITE)"
echo "cloudflare=$(on CLOUDFLARE_API_TOKEN CLOUDFLARE_ACCOUNT_ID CLOUDFLARE_PROJECT)"
echo "netlify-target=$(fingerprint "${NETLIFY_SITE_ID:-}" "${NETLIFY_SITE_IDS:-}")"
echo "cloudflare-target=$(fingerprint "${CLOUDFLARE_ACCOUNT_ID:-}" \
  "${CLOUDFLARE_PAGES_PROJECT:-}" "${CLOUDFLARE_PAGES_PROJECTS:-}")"
