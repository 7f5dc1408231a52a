#!/usr/bin/env bash
# Deploys every site folder of a build (scripts/site-folders.sh) with one command, run once
# a folder with $DIR (the folder) and $TARGET (the host's site or project for it) set.
# DEFAULT is the target of a one-domain site and of the default domain; MAP holds one
# "domain target" line for each other domain. A domain with no target is skipped, and said.
# Usage: deploy-each.sh SITE_DIR DEFAULT MAP COMMAND
set -euo pipefail
site="$1" default="$2" map="$3" command="$4"
first=1 deployed=0
while read -r dir domain; do
  target=""
  if [ -n "$domain" ]; then
    target="$(printf '%s\n' "$map" | awk -v d="$domain" '$1 == d { print $2; exit }')"
  fi
  if [ -z "$target" ] && [ "$first" = 1 ]; then
    target="$default"
  fi
  first=0
  if [ -z "$target" ]; then
    echo "::notice::no deploy target for ${domain:-$dir}: skipped (docs/deploy.md, several domains)"
    continue
  fi
  echo "deploying $dir"
  DIR="$dir" TARGET="$target" bash -c "$command"
  deployed=$((deployed + 1))
done < <(bash "$(dirname "$0")/site-folders.sh" "$site")
echo "deployed $deployed folder(s)"
