#!/usr/bin/env bash
# Deploys every site folder of a build (scripts/site-folders.sh) with one command, run once
# a folder with $DIR (the folder) and $TARGET (the host's site or project for it) set.
#
# Each folder goes only to the target named for its domain, never by its place in the list:
# the order and the names of site.domains are a pull request's to change, the targets are
# the repository's secrets, so a reordered or renamed list cannot send one domain's links to
# the site that serves another domain.
#   DEFAULT  the one-site secret (NETLIFY_SITE_ID, CLOUDFLARE_PAGES_PROJECT): a bare target
#            for a build of one folder (site.domain, or site.domains of one domain); with
#            several domains it must say its domain, as one "domain target" line, or the
#            deploy fails before deploying anything.
#   MAP      "domain target" lines (NETLIFY_SITE_IDS, CLOUDFLARE_PAGES_PROJECTS).
# A domain with no target is skipped, and said.
# Usage: deploy-each.sh SITE_DIR DEFAULT MAP COMMAND
set -euo pipefail
site="$1" default="$2" map="$3" command="$4"
mapfile -t folders < <(bash "$(dirname "$0")/site-folders.sh" "$site")
read -r -a words <<<"$default" || true
bare=""
case "${#words[@]}" in
  0) ;;
  1) bare="${words[0]}" ;;
  2) map="$(printf '%s\n%s\n' "${words[0]} ${words[1]}" "$map")" ;;
  *)
    echo "::error::the one-site secret (NETLIFY_SITE_ID, CLOUDFLARE_PAGES_PROJECT) holds" \
      "${#words[@]} words: give the site alone, or one 'domain site' line (docs/deploy.md)"
    exit 1
    ;;
esac
if [ -n "$bare" ] && [ "${#folders[@]}" -gt 1 ]; then
  echo "::error::this build has one folder a domain, and the one-site secret" \
    "(NETLIFY_SITE_ID, CLOUDFLARE_PAGES_PROJECT) does not say which domain its site serves:" \
    "write it as one 'domain site' line, or list every domain in NETLIFY_SITE_IDS" \
    "(CLOUDFLARE_PAGES_PROJECTS). Nothing deployed (docs/deploy.md, several domains)."
  exit 1
fi
deployed=0
for line in "${folders[@]}"; do
  read -r dir domain <<<"$line" || true
  if [ -z "$domain" ] && [ -f "$dir/CNAME" ]; then
    domain="$(tr -d '[:space:]' <"$dir/CNAME")"  # site.domain: a "domain target" line may name it
  fi
  target=""
  if [ -n "$domain" ]; then
    target="$(printf '%s\n' "$map" | awk -v d="${domain,,}" 'tolower($1) == d { print $2; exit }')"
  fi
  if [ -z "$target" ]; then
    target="$bare"  # one folder only (checked above)
  fi
  if [ -z "$target" ]; then
    echo "::notice::no deploy target for ${domain:-$dir}: skipped (docs/deploy.md, several domains)"
    continue
  fi
  echo "deploying $dir"
  DIR="$dir" TARGET="$target" bash -c "$command"
  deployed=$((deployed + 1))
done
echo "deployed $deployed folder(s)"
