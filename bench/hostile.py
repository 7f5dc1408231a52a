"""Hostile links files whose checks once grew faster than the file: time each at n and 2n.

Every check of a links file should cost time in proportion to the file (or n log n):
a reviewer's ``check`` on a pull request must not be stalled by a file written to stall
it. Each case below is one shape that once cost quadratic or cubic time, built at any
size; this script times ``load`` + ``validate`` (or what the case exercises) at n and
2n and prints the ratio: about 2 for linear growth, 4 for quadratic, 8 for cubic.

Not a test: nothing asserts a time (tests/test_hostile.py feeds the same shapes at sizes
that took minutes before, and checks the messages). The figures are the ratios, measured
in one run on a shared machine (each the best of three), so a ratio of 2.3 is as linear as
1.9.

    .venv/bin/python bench/hostile.py               # every case at its n and 2n
    .venv/bin/python bench/hostile.py --scale 4     # each n four times larger
    .venv/bin/python bench/hostile.py ring tags     # some cases only
    .venv/bin/python bench/hostile.py --pure        # with PyYAML's pure-Python parser
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SITE = "site:\n  domain: go.example.com\nlinks:\n"
SHORT = "https://go.example.com"


def ring(n: int) -> str:
    """n links, each pointing at the next through the site's own domain, the last at the
    first: one redirect loop of n links (1,000 took 110 s: each link followed the ring
    anew, checking every step against a list of the links seen)."""
    return SITE + "".join(f"  s{i}: {SHORT}/s{(i + 1) % n}\n" for i in range(n))


def chain_with_devices(n: int) -> str:
    """A chain of n links (each to the next, the last out of the site), each link's iPhone
    target the chain's first link: every device loops back through the whole chain."""
    lines = [SITE]
    for i in range(n):
        url = f"{SHORT}/s{i + 1}" if i + 1 < n else "https://shop.example.com/end"
        lines.append(f"  s{i}:\n    url: {url}\n    devices:\n      ios: {SHORT}/s0\n")
    return "".join(lines)


def tags(n: int) -> str:
    """One link with n distinct tags, each written twice (40,000 cost 33 s: each tag was
    looked up in a list of those kept)."""
    names = ", ".join(f"t{i}" for i in range(n))
    return f"links:\n  a:\n    url: https://shop.example.com\n    tags: [{names}, {names}]\n"


def sexagesimal(n: int) -> str:
    """A value of n base-60 parts ('59:59:...'), an int to YAML 1.1, which PyYAML builds
    in quadratic time (and whose digits Python then refuses to print)."""
    return "links:\n  a: " + ":".join(["59"] * n) + "\n"


def digits(n: int) -> str:
    """A status of n decimal digits: past 4,300 Python's int() refuses it."""
    return "links:\n  a:\n    url: https://shop.example.com\n    status: " + "9" * n + "\n"


def deny_list(n: int) -> str:
    """n links and n domains in site.deny_domains, none of them matching: each link was
    compared with every domain of the list."""
    denied = ", ".join(f"bad{i}.example" for i in range(n))
    lines = [f"site:\n  deny_domains: [{denied}]\nlinks:\n"]
    lines += [f"  s{i}: https://shop{i}.example.com/x\n" for i in range(n)]
    return "".join(lines)


def many_domains(n: int) -> str:
    """n short domains in site.domains and n links, each on one of them by 'slug@domain'
    and by 'domains:': each such link made and searched a list of every domain."""
    names = ", ".join(f"d{i}.example" for i in range(n))
    lines = [f"site:\n  domains: [{names}]\nlinks:\n"]
    for i in range(n):
        lines.append(f"  s{i}@d{i}.example: https://shop.example.com/{i}\n")
        lines.append(f"  t{i}:\n    url: https://shop.example.com/t{i}\n")
        lines.append(f"    domains: [d{i}.example, d{(i + 1) % n}.example]\n")
    return "".join(lines)


def lock_line(n: int) -> str:
    """A links.lock line whose slug has n dots before its last letter: the 404 finder's
    normal form (which keys the lock) cut the end with a regex that was quadratic on it."""
    return "a" + "." * n + "b https://shop.example.com/\n"


def aliases(n: int) -> str:
    """One link with n aliases in a flow list."""
    names = ", ".join(f"a{i}" for i in range(n))
    return f"links:\n  a:\n    url: https://shop.example.com\n    aliases: [{names}]\n"


def unknown_keys(n: int) -> str:
    """One link with n keys that are no link key, each given a 'did you mean'."""
    keys = "".join(f"    k{i}: x\n" for i in range(n))
    return "links:\n  a:\n    url: https://shop.example.com\n" + keys


def missing_colon_at_the_end(n: int) -> str:
    """n good links, then a key without its ':': the error is placed by reading the tokens
    again up to it."""
    good = "".join(f"  s{i}: https://shop.example.com/{i}\n" for i in range(n))
    return "links:\n" + good + "  gh https://github.com/acme\n  b: https://b.example\n"


def distributors(n: int) -> str:
    """A campaign with n distributors."""
    people = "".join(f"      - {{code: c{i}, name: Person {i}}}\n" for i in range(n))
    return (
        "campaigns:\n  spring:\n    url: https://shop.example.com/spring\n"
        "    distributors:\n" + people
    )


def duplicate_keys(n: int) -> str:
    """The same slug n times: one message each, naming the first line."""
    return "links:\n" + "".join("  a: https://shop.example.com\n" for _ in range(n))


def check(text: str) -> int:
    """load + validate, as ``shortlinks check`` does: the number of problems."""
    from generator.load import load_text
    from generator.validate import validate

    doc, problems = load_text(text)
    if doc is not None:
        problems += validate(doc)[1]
    return len(problems)


def read_lock(text: str) -> int:
    from generator import lock

    return len(lock.parse(text, "links.lock").entries)


@dataclass(frozen=True)
class Case:
    make: Callable[[int], str]
    n: int  # the smaller size timed (the other is twice it)
    run: Callable[[str], int] = check


CASES = {
    "ring": Case(ring, 2_000),
    "chain-with-devices": Case(chain_with_devices, 2_000),
    "tags": Case(tags, 40_000),
    "sexagesimal": Case(sexagesimal, 200_000),
    "digits": Case(digits, 1_000_000),
    "deny-list": Case(deny_list, 10_000),
    "many-domains": Case(many_domains, 2_000),
    "lock-line": Case(lock_line, 100_000, read_lock),
    "aliases": Case(aliases, 20_000),
    "unknown-keys": Case(unknown_keys, 20_000),
    "missing-colon-at-the-end": Case(missing_colon_at_the_end, 50_000),
    "distributors": Case(distributors, 5_000),
    "duplicate-keys": Case(duplicate_keys, 20_000),
}


def timed(case: Case, n: int, runs: int = 1) -> float:
    """The best of ``runs`` timings: the least disturbed by the other work on the machine."""
    text = case.make(n)
    best = float("inf")
    for _ in range(runs):
        gc.collect()
        start = time.perf_counter()
        case.run(text)
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("cases", nargs="*", choices=[[], *CASES], metavar="CASE")
    parser.add_argument("--scale", type=float, default=1.0, help="multiply every n by this")
    parser.add_argument("--runs", type=int, default=3, help="time each this often, keep the best")
    parser.add_argument("--pure", action="store_true", help="parse with PyYAML's pure Python")
    args = parser.parse_args()
    if args.pure:
        os.environ["SHORTLINKS_PURE_YAML"] = "1"  # load.PURE_YAML_ENV
    print(f"{'case':<26} {'n':>9} {'time n':>9} {'time 2n':>9} {'ratio':>6}")
    for name in args.cases or CASES:
        case = CASES[name]
        n = max(1, int(case.n * args.scale))
        timed(case, n // 10)  # warm up: imports, caches
        one, two = timed(case, n, args.runs), timed(case, 2 * n, args.runs)
        print(f"{name:<26} {n:>9,} {one:>8.3f}s {two:>8.3f}s {two / one:>6.2f}", flush=True)


if __name__ == "__main__":
    main()
