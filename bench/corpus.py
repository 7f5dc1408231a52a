"""Realistic links.yaml files of any size, for the benchmarks.

Deterministic (a seeded generator), so every run and every machine builds the same
file. The mix follows what a shop or a campaign team writes: mostly one-line
links, a share of long-form links with expiry, start, title and tags, aliases
(some of them Chinese), Chinese slugs, a few 301s and links that do not forward
the query. Expiry dates fall before and after the benchmark's fixed clock, so
every state (active, expired, scheduled) is present.
"""

from __future__ import annotations

import random
from pathlib import Path

HEADER = """\
site:
  domain: go.example.com
  timezone: Asia/Shanghai
  home: https://www.example.com

links:
"""

_WORDS = ("spring", "sale", "shop", "new", "deal", "gift", "card", "app", "promo", "summer",
          "winter", "vip", "club", "week", "day")  # fmt: skip
_CHINESE = "优惠券特卖新品会员礼物春季夏季秋冬活动团购直播"


def _slug(rng: random.Random, i: int) -> str:
    if i % 10 == 7:  # one link in ten has a Chinese slug
        return "".join(rng.choice(_CHINESE) for _ in range(3)) + str(i)
    return f"{rng.choice(_WORDS)}-{rng.choice(_WORDS)}-{i}"


def _day(rng: random.Random) -> str:
    return f"{rng.choice((2025, 2026, 2027))}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"


def links_yaml(n: int, seed: int = 7) -> str:
    """A links.yaml with ``n`` links (aliases not counted)."""
    rng = random.Random(seed)
    out = [HEADER]
    for i in range(n):
        slug = _slug(rng, i)
        url = f"https://shop.example.com/p/{i}?utm_source=wechat&utm_campaign=c{i % 97}"
        kind = rng.random()
        if kind < 0.55:  # the one-line form
            out.append(f"  {slug}: {url}\n")
            continue
        out.append(f"  {slug}:\n    url: {url}\n")
        if kind < 0.75:
            out.append(f"    expires: {_day(rng)}\n")
        elif kind < 0.85:
            out.append(f"    starts: {_day(rng)}\n    expires: 2027-12-31\n")
        if rng.random() < 0.3:
            out.append(f"    title: Product {i} — spring collection\n")
        if rng.random() < 0.2:
            alias = f"a{i}" if rng.random() < 0.5 else f"品{i}"
            out.append(f"    aliases: [{alias}]\n")
        if rng.random() < 0.1:
            out.append("    tags: [shop, spring]\n")
        if kind >= 0.85 and rng.random() < 0.3:  # permanent links never expire
            out.append("    status: 301\n    forward_query: false\n")
    return "".join(out)


def write(folder: Path, n: int) -> Path:
    path = folder / f"links-{n}.yaml"
    path.write_text(links_yaml(n), encoding="utf-8")
    return path


if __name__ == "__main__":
    import sys

    print(links_yaml(int(sys.argv[1]) if len(sys.argv) > 1 else 20), end="")
