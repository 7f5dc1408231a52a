#!/usr/bin/env bash
# Whether the publish workflow deploys to GitHub Pages: writes github-pages=true or false to
# $GITHUB_OUTPUT, and says why in the log. Pages is on when the repository has a Pages site
# that takes its files from GitHub Actions (Settings -> Pages -> Source: GitHub Actions). A
# team that serves the links from Netlify or Cloudflare Pages alone leaves Pages off, and the
# run stays green: the Pages job is skipped instead of failing in configure-pages.
#
# It asks GitHub's REST API, GET /repos/{owner}/{repo}/pages: 200 with the site (its
# build_type is "workflow" for Actions, "legacy" for a branch), 404 when the repository has
# no Pages site ("Get a GitHub Pages site", https://docs.github.com/en/rest/pages/pages). The
# job's token needs the permission `pages: read`. When the answer is anything else (the API
# down, a token without the permission), it cannot tell, and deploys as before: a Pages job
# that then fails says what is wrong, where skipping would hide it.
#
# With Actions, Pages ignores the CNAME file: the custom domain is the one in Settings ->
# Pages -> Custom domain. When that differs from the site's CNAME (site.domain), it warns.
#
# Usage: scripts/pages-status.sh PAGES_FOLDER   (the folder Pages serves: site-folders.sh)
# Environment: GH_TOKEN, GITHUB_REPOSITORY, GITHUB_API_URL, GITHUB_OUTPUT.
set -euo pipefail
folder="${1:?usage: pages-status.sh PAGES_FOLDER}"
out="${GITHUB_OUTPUT:-/dev/stdout}"
api="${GITHUB_API_URL:-https://api.github.com}/repos/${GITHUB_REPOSITORY:?}/pages"
body="$(mktemp)"
trap 'rm -f "$body"' EXIT
# the token goes in on standard input, never on a command line
code="$(printf 'Authorization: Bearer %s\n' "${GH_TOKEN:?}" |
  curl --silent --show-error --max-time 30 --output "$body" --write-out '%{http_code}' \
    --header @- --header 'Accept: application/vnd.github+json' \
    --header 'X-GitHub-Api-Version: 2022-11-28' "$api")" || code="${code:-000}"

case "$code" in
  200) ;;
  404)
    echo "GitHub Pages is off in this repository: not deploying there" \
      "(Settings -> Pages -> Source: GitHub Actions turns it on; docs/deploy.md)"
    echo "github-pages=false" >>"$out"
    exit 0
    ;;
  *)
    echo "::warning::could not tell whether GitHub Pages is on (the API answered HTTP $code):" \
      "deploying to it as if it were"
    echo "github-pages=true" >>"$out"
    exit 0
    ;;
esac

# build_type, then the custom domain of Settings (empty for none), one a line
mapfile -t site < <(python3 -c '
import json, sys
site = json.load(open(sys.argv[1], encoding="utf-8"))
print(site.get("build_type") or "")
print(site.get("cname") or "")
' "$body")
build_type="${site[0]:-}" cname="${site[1]:-}"
if [ "$build_type" = "legacy" ]; then
  echo "::warning::GitHub Pages here publishes a branch, not this workflow's site: not" \
    "deploying there. To publish the links there: Settings -> Pages -> Source: GitHub Actions."
  echo "github-pages=false" >>"$out"
  exit 0
fi
if [ -f "$folder/CNAME" ]; then
  domain="$(tr -d '[:space:]' <"$folder/CNAME")"
  if [ "${cname,,}" != "${domain,,}" ]; then
    echo "::warning::GitHub Pages serves this site at ${cname:-its github.io address}, not at" \
      "$domain: with GitHub Actions, Pages ignores the CNAME file. Enter $domain under" \
      "Settings -> Pages -> Custom domain (docs/deploy.md)."
  fi
fi
echo "GitHub Pages is on (${build_type:-workflow}): deploying there"
echo "github-pages=true" >>"$out"
