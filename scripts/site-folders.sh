#!/usr/bin/env bash
# Prints the site folders of a build, one "folder domain" line each: the folder itself for a
# site of one domain (domain left empty), or each domain's folder for a build of
# site.domains (listed, default first, in its domains.json). The publish workflow deploys
# each folder to the target named for its domain (deploy-each.sh), and GitHub Pages gets the
# folder of its custom domain (pages-status.sh): never a folder for its place in the list.
# Usage: site-folders.sh SITE_DIR
set -euo pipefail
site="${1:?usage: site-folders.sh SITE_DIR}"
if [ ! -f "$site/domains.json" ]; then
  printf '%s \n' "$site"
  exit 0
fi
python3 - "$site" <<'PY'
import json, pathlib, sys
site = pathlib.Path(sys.argv[1])
for name in json.loads((site / "domains.json").read_text(encoding="utf-8"))["domains"]:
    if not (site / name).is_dir() or "/" in name or name.startswith("."):
        sys.exit(f"{site}/domains.json names {name!r}, which is not a folder of the build")
    print(f"{site}/{name} {name}")
PY
