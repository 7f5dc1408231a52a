#!/usr/bin/env python3
"""Which hosts get this build: the publish workflow's decision (.github/workflows/publish.yml).

A push to main and a run by hand deploy to every host that is on. The hourly run deploys to a
host only when the files it would get differ from the files it has: a link started, expired
or changed, or anything else in the site moved (a template, a setting, the generator). What
each host has is kept in a record that the workflow stores with actions/cache once its
deploys are done (`record`) and restores at the start of the next run (`decide`): for each
host, the digest of the files it was given and a fingerprint of where they went (its sites or
projects, from deploy-targets.sh). When unsure, it deploys: no record, an unreadable one, a
host whose sites changed. A needless deploy costs a minute; a skipped one leaves links wrong.

Why a digest of the built files rather than the build's next change: the digest is the
question itself, so it stays right whatever moves the output, with no rule to keep in step
with the build. The next change is still said in the job summary, from links.json.

    decide SITE DIR   (the build job) reads DIR/record.json (restored: may be missing), the
        built SITE, and for each host HOST_<NAME>=true|false and TARGET_<NAME>; appends to
        $GITHUB_OUTPUT `<host>=true|false` for each host, `deploy=true|false` (any of them)
        and `record=true|false` (whether the record job has anything to keep), one line a
        host to $GITHUB_STEP_SUMMARY; writes DIR/proposal.json for the record job.
    record DIR        (the record job, after the deploy jobs) reads DIR/proposal.json and
        RESULT_<NAME> (each deploy job's result) and writes DIR/record.json: the new entry
        of each host whose deploy succeeded, the old one of a host whose deploy did not, none
        for a host that is off (turned on again, it gets a deploy).

<NAME> is the host's name in capitals with '_' for '-': HOST_GITHUB_PAGES, TARGET_NETLIFY.
Standard library only: it runs with the runner's Python, apart from the site's generator.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from datetime import datetime, timezone
from pathlib import Path

HOSTS = {"github-pages": "GitHub Pages", "netlify": "Netlify", "cloudflare": "Cloudflare Pages"}
# The build's own bookkeeping (generator/write.py): the marker holds the build's number,
# which changes with every build into the same folder while the files people are served do
# not (the manifest of earlier versions, inside the folder, held the time of the build).
BOOKKEEPING = {".shortlinks", ".shortlinks-manifest.json"}
VERSION = 1
OFF = {
    "github-pages": "Pages is not on with GitHub Actions as its source",
    "netlify": "its secrets are not set",
    "cloudflare": "its secrets are not set",
}
RUNS = {"push": "a push to main", "workflow_dispatch": "a run by hand"}
SHOWN = 8  # links named in a summary line; the rest are counted


def env_name(host: str) -> str:
    return host.upper().replace("-", "_")


def digest(site: Path) -> str:
    """One hash of every file of the site: its path and its bytes."""
    h = hashlib.sha256()
    files = {p.relative_to(site).as_posix(): p for p in site.rglob("*") if p.is_file()}
    for name in sorted(files):
        if Path(name).name in BOOKKEEPING:
            continue
        h.update(name.encode("utf-8") + b"\0" + hashlib.sha256(files[name].read_bytes()).digest())
    return h.hexdigest()


def links_of(site: Path) -> tuple[dict[str, list], str | None]:
    """Each published link by its short URL, as [slug, state, target], and the soonest next
    change with the links it moves, from links.json (one a domain with site.domains). A site
    built with 'links_json: false' has none: the summary says less, the decision is the same.
    """
    links: dict[str, list] = {}
    changes: list[tuple[datetime, str]] = []
    for path in sorted(site.glob("links.json")) + sorted(site.glob("*/links.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        for link in data.get("links", []):
            links[link["short_url"]] = [link["slug"], link["state"], link.get("url")]
        if not data.get("next_change"):
            continue
        at = datetime.fromisoformat(data["next_change"])
        moved = [
            f"{link['slug']} {what}"
            for link in data.get("links", [])
            for what in ("starts", "expires")
            if link.get(what) and datetime.fromisoformat(link[what]) == at
        ]
        changes.append((at, data["next_change"] + (f" ({', '.join(moved)})" if moved else "")))
    return links, min(changes)[1] if changes else None


def read_record(path: Path) -> tuple[dict | None, str | None]:
    """The record of the last deploys, or None with why not."""
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None, "no record of an earlier deploy"
    except (OSError, ValueError) as exc:
        return None, f"the record of the last deploy is unreadable ({exc})"
    if not isinstance(record, dict) or record.get("version") != VERSION:
        return None, "the record of the last deploy is from another version of this script"
    hosts, deploys = record.get("hosts"), record.get("deploys")
    if not (
        isinstance(hosts, dict)
        and isinstance(deploys, dict)
        and all(isinstance(e, dict) and isinstance(e.get("digest"), str) for e in hosts.values())
        and all(isinstance(d, dict) for d in deploys.values())
    ):
        return None, "the record of the last deploy is unreadable (not the shape it should be)"
    return record, None


def changes_between(old: dict[str, list], new: dict[str, list]) -> list[str]:
    """What happened to each link between two deploys: 'gh started', 'sale expired' ..."""
    said = []
    for url in sorted(old.keys() | new.keys(), key=lambda u: (new.get(u) or old[u])[0]):
        before, after = old.get(url), new.get(url)
        if before == after:
            continue
        slug = (after or before)[0]
        if before is None:
            said.append(f"{slug} added")
        elif after is None:
            said.append(f"{slug} removed")
        elif before[1] != after[1] and after[1] in ("active", "expired"):
            said.append(f"{slug} {'started' if after[1] == 'active' else 'expired'}")
        else:
            said.append(f"{slug} changed")
    return said


def describe_changes(said: list[str]) -> str:
    shown = ", ".join(said[:SHOWN])
    if len(said) > SHOWN:
        shown += f" and {len(said) - SHOWN} more"
    return f"{len(said)} link{'s' if len(said) != 1 else ''} changed ({shown})"


def decide(site: Path, folder: Path, env: dict[str, str], now: datetime) -> int:
    if not site.is_dir():
        print(f"::error::{site} is not there: build the site first", flush=True)
        return 1
    event = env.get("GITHUB_EVENT_NAME", "")
    record, why_none = read_record(folder / "record.json")
    old_hosts = record["hosts"] if record else {}
    old_deploys = record["deploys"] if record else {}
    now_digest = digest(site)
    links, next_change = links_of(site)
    deploy = {
        "digest": now_digest,
        "at": now.strftime("%Y-%m-%d %H:%M UTC"),
        "commit": env.get("GITHUB_SHA", ""),
        "next_change": next_change,
        "links": links,
    }
    new_hosts: dict[str, dict] = {}
    lines: list[str] = []
    outputs: list[str] = []
    for host, title in HOSTS.items():
        on = env.get(f"HOST_{env_name(host)}", "false") == "true"
        target = env.get(f"TARGET_{env_name(host)}", "")
        entry = {"digest": now_digest, "target": target}
        old = old_hosts.get(host)
        if not on:
            go, line = False, f"off ({OFF[host]}: docs/deploy.md)"
        elif event != "schedule":
            go, line = True, f"{RUNS.get(event, f'a {event} run')} always deploys: deploying"
        elif old is None:
            go, line = True, f"{why_none or 'no record of a deploy there'}: deploying"
        elif old.get("target") != target:
            go, line = True, "its sites changed since the last deploy: deploying"
        elif old.get("digest") != now_digest:
            before = old_deploys.get(old["digest"], {})
            said = changes_between(before.get("links", {}), links) if before else []
            go = True
            line = (
                f"{describe_changes(said)} since the deploy of {before.get('at', '?')}: deploying"
                if said
                else "the site's files changed (no link started, expired or changed): deploying"
            )
        else:
            before = old_deploys.get(old["digest"], {})
            go = False
            line = (
                f"nothing changed since the last deploy at {before.get('at', '?')}"
                f"{' (' + before['commit'][:7] + ')' if before.get('commit') else ''};"
                f" next change at {next_change or 'none scheduled'}"
            )
        if go:
            new_hosts[host] = entry
        outputs.append(f"{host}={'true' if go else 'false'}")
        lines.append(f"- {title}: {line}")

    # the record job runs when there is something to keep: a deploy, or a host turned off
    # whose entry goes (so that turning it on again deploys)
    dropped = [h for h in old_hosts if h in HOSTS and env.get(f"HOST_{env_name(h)}") != "true"]
    keep = bool(new_hosts or dropped)
    outputs.append(f"deploy={'true' if new_hosts else 'false'}")
    outputs.append(f"record={'true' if keep else 'false'}")
    proposal = {
        "version": VERSION,
        "old": record or {"version": VERSION, "hosts": {}, "deploys": {}},
        "new": new_hosts,
        "deploy": deploy,
        "off": [h for h in HOSTS if env.get(f"HOST_{env_name(h)}") != "true"],
    }
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "proposal.json").write_text(json.dumps(proposal, ensure_ascii=False), "utf-8")
    _append(env.get("GITHUB_OUTPUT"), outputs)
    _append(env.get("GITHUB_STEP_SUMMARY"), ["### Publish", "", *lines])
    for line in lines:
        print(line[2:])
    return 0


def record(folder: Path, env: dict[str, str]) -> int:
    proposal = json.loads((folder / "proposal.json").read_text(encoding="utf-8"))
    old = proposal["old"]
    hosts: dict[str, dict] = {}
    for host in HOSTS:
        result = env.get(f"RESULT_{env_name(host)}", "")
        if host in proposal["off"]:
            continue  # off: turned on again, it gets a deploy
        if host in proposal["new"] and result == "success":
            hosts[host] = proposal["new"][host]
            print(f"{HOSTS[host]}: deployed, recorded")
        elif host in old["hosts"]:
            hosts[host] = old["hosts"][host]
            if host in proposal["new"]:
                print(f"{HOSTS[host]}: the deploy did not succeed ({result}): its record stays")
    deploys = {d["digest"]: d for d in [*old["deploys"].values(), proposal["deploy"]]}
    kept = {entry["digest"] for entry in hosts.values()}
    new = {
        "version": VERSION,
        "hosts": hosts,
        "deploys": {k: v for k, v in deploys.items() if k in kept},
    }
    (folder / "record.json").write_text(json.dumps(new, ensure_ascii=False), "utf-8")
    return 0


def _append(path: str | None, lines: list[str]) -> None:
    if not path:
        return
    with open(path, "a", encoding="utf-8") as f:
        f.write("".join(line + "\n" for line in lines))


def main(argv: list[str]) -> int:
    usage = "usage: publish-decision.py decide SITE DIR | record DIR"
    if len(argv) == 3 and argv[0] == "decide":
        return decide(Path(argv[1]), Path(argv[2]), dict(os.environ), datetime.now(timezone.utc))
    if len(argv) == 2 and argv[0] == "record":
        return record(Path(argv[1]), dict(os.environ))
    print(usage, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
