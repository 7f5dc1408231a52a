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
# Pages -> Custom domain. It also says which folder Pages gets (`folder=`):
# - a site of one domain (site.domain): SITE_DIR itself, with a warning when the custom
#   domain is not the site's CNAME;
# - a build of site.domains (SITE_DIR/domains.json): the folder named exactly as the custom
#   domain, and no other. The order or the names of site.domains are the pull request's to
#   change; which domain Pages serves is the repository's setting. So a list reordered, or a
#   domain renamed, never puts another domain's links at the custom domain: when the build
#   has no folder of that name (or the custom domain is unset or cannot be read), `folder=`
#   is empty and `pages-problem=` says why, and the Pages job fails with it.
#
# Usage: scripts/pages-status.sh SITE_DIR
# Environment: GH_TOKEN, GITHUB_REPOSITORY, GITHUB_API_URL, GITHUB_OUTPUT.
set -euo pipefail
site_dir="${1:?usage: pages-status.sh SITE_DIR}"
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
    if [ -f "$site_dir/domains.json" ]; then
      problem="could not read the custom domain of GitHub Pages (the API answered HTTP $code):"
      problem+=" with site.domains, Pages gets only the folder of its custom domain"
      echo "::error::$problem"
      echo "folder=" >>"$out"
      echo "pages-problem=$problem" >>"$out"
    else
      echo "folder=$site_dir" >>"$out"
    fi
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
if [ -f "$site_dir/domains.json" ]; then
  # the folder of the custom domain, named as site.domains names it (domains are compared
  # without case, as DNS does); never another one
  folder="$(python3 - "$site_dir" "$cname" <<'PY'
import json, pathlib, sys
site, cname = pathlib.Path(sys.argv[1]), sys.argv[2].strip().lower()
for name in json.loads((site / "domains.json").read_text(encoding="utf-8"))["domains"]:
    if cname and name.lower() == cname and "/" not in name and not name.startswith("."):
        if (site / name).is_dir():
            print(site / name)
PY
)"
  if [ -z "$folder" ]; then
    domains="$(python3 -c 'import json, sys; print(", ".join(json.load(open(sys.argv[1]))["domains"]))' \
      "$site_dir/domains.json")"
    if [ -z "$cname" ]; then
      problem="GitHub Pages has no custom domain, and this site has one folder a domain"
      problem+=" ($domains): enter the domain Pages serves under Settings -> Pages -> Custom"
      problem+=" domain (docs/deploy.md, several domains). Not deploying to GitHub Pages."
    else
      problem="GitHub Pages serves $cname (Settings -> Pages -> Custom domain), which is not"
      problem+=" a domain of this build ($domains): not deploying to GitHub Pages. Put $cname"
      problem+=" back in site.domains, or change the custom domain (docs/deploy.md, several domains)."
    fi
    echo "::error::$problem"
    echo "github-pages=true" >>"$out"
    echo "folder=" >>"$out"
    echo "pages-problem=$problem" >>"$out"
    exit 0
  fi
else
  folder="$site_dir"
  if [ -f "$folder/CNAME" ]; then
    domain="$(tr -d '[:space:]' <"$folder/CNAME")"
    if [ "${cname,,}" != "${domain,,}" ]; then
      echo "::warning::GitHub Pages serves this site at ${cname:-its github.io address}, not at" \
        "$domain: with GitHub Actions, Pages ignores the CNAME file. Enter $domain under" \
        "Settings -> Pages -> Custom domain (docs/deploy.md)."
    fi
  fi
fi
echo "GitHub Pages is on (${build_type:-workflow}): deploying $folder there"
echo "github-pages=true" >>"$out"
echo "folder=$folder" >>"$out"
