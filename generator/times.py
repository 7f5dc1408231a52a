"""Dates and instants: the rules that make ``expires: 2026-12-31`` mean what people mean.

A bare date is a whole day in the site's time zone: ``expires`` lasts through its
end and ``starts`` begins at its start. A datetime with an offset is exact; one
without is read in the site's zone.
"""

from __future__ import annotations

import difflib
import functools
import importlib.resources
import re
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from .problems import shown


class TimeError(ValueError):
    """A time zone or date that cannot be read; carries a hint and its rule id."""

    def __init__(self, message: str, hint: str | None = None, *, rule: str) -> None:
        super().__init__(message)
        self.hint = hint
        self.rule = rule


# The longest IANA name is 32 characters; anything much longer is not a zone, and is neither
# looked up (the file name would be too long: OSError) nor compared with every zone name.
MAX_ZONE_NAME = 100
# Years an instant may fall in. An instant is converted to other zones (the site's, UTC)
# and a bare ``expires`` date moves to the next day: at year 1 or 9999 that leaves what
# ``datetime`` can hold (OverflowError, a traceback in ``check`` and ``build``). People
# write ``expires: 9999-12-31`` for "never": the hint says to leave ``expires`` out.
FIRST_YEAR = 1000
LAST_YEAR = 9998


# Names zoneinfo resolves whose meaning depends on the machine that builds, so the same
# links.yaml would expire at different instants on a laptop and in CI: files of the system
# time-zone folder that are not IANA zones ('localtime' is that machine's own zone,
# 'posixrules' a system's default rules) and IANA's 'Factory', which stands for "no zone set".
NOT_ZONES = frozenset({"localtime", "posixrules", "Factory"})
# The system folder's variants of every zone: 'posix/Asia/Shanghai' is Asia/Shanghai, and
# 'right/UTC' counts leap seconds (its clock has run 27 seconds apart from UTC's since 2017);
# neither is an IANA name, and a system without those folders has no such zone.
SYSTEM_FOLDERS = ("posix/", "right/")
# What people write for "the zone of this machine": never a zone of a shared site.
MACHINE_WORDS = frozenset({"local", "system", "default", "auto", "host", "server"})
EXAMPLES = "an IANA name such as 'Asia/Shanghai', 'Europe/Berlin' or 'UTC'"
# 'UTC+8', 'GMT-05:00': an offset, which IANA spells Etc/GMT-8 (the sign turned around).
OFFSET = re.compile(r"(?:UTC|GMT)\s*([+-])\s*(\d{1,2})(?::?(\d{2}))?", re.IGNORECASE)
# A POSIX TZ string (the TZ variable's other form): 'CST-8', 'EST5EDT,M3.2.0,M11.1.0',
# '<+08>-8'. IANA keeps a few old names of that shape (EST5EDT, GMT0): those are zones.
POSIX_TZ = re.compile(r"(?:[A-Za-z]{3,}|<[A-Za-z0-9+-]+>)[+-]?\d{1,2}(?::\d{2}){0,2}.*")


@functools.cache
def iana_names() -> frozenset[str]:
    """The zone names IANA's database defines, from the tzdata package (a dependency): the
    same list on every machine, unlike ``available_timezones()``, which adds whatever the
    system's time-zone folder holds (on Debian 'localtime', a link to /etc/localtime)."""
    try:
        text = importlib.resources.files("tzdata").joinpath("zones").read_text("utf-8")
        names = frozenset(text.split())
    except (ModuleNotFoundError, OSError):  # pragma: no cover - tzdata is a dependency
        names = frozenset(n for n in available_timezones() if not n.startswith(SYSTEM_FOLDERS))
    return names - NOT_ZONES


def _not_a_zone(name: str) -> TimeError | None:
    """Why ``name``, which is not an IANA zone name, is not one although zoneinfo or a reader
    might take it for one (with the zone meant, when that is clear); None for a name that
    is simply unknown (a typo)."""
    folded = name.strip().lower()
    names = iana_names()
    if name in NOT_ZONES or folded in MACHINE_WORDS or folded.rstrip("/").endswith("localtime"):
        return TimeError(
            f"time zone {shown(name)} depends on the machine that builds the site",
            f"name the zone the dates are meant in: {EXAMPLES}",
            rule="time-zone",
        )
    inner = name
    if name.startswith("/") and "/zoneinfo/" in name:  # /usr/share/zoneinfo/Europe/Berlin
        inner = name.split("/zoneinfo/", 1)[1]
    if inner.startswith(SYSTEM_FOLDERS):
        inner = inner.split("/", 1)[1]
    if inner != name or name.startswith("/"):
        what = f"time zone {shown(name)} is a file of this machine, not an IANA zone name"
        return TimeError(
            what,
            f"did you mean {inner!r}?" if inner in names else f"use {EXAMPLES}",
            rule="time-zone",
        )
    if m := OFFSET.fullmatch(name.strip()):
        sign, hours, minutes = m.group(1), int(m.group(2)), int(m.group(3) or 0)
        what = f"time zone {shown(name)} is an offset, not an IANA zone name"
        if not hours and not minutes:
            return TimeError(what, "did you mean 'UTC'?", rule="time-zone")
        etc = f"Etc/GMT{'-' if sign == '+' else '+'}{hours}"
        meant = f"{etc!r} (IANA turns the sign around) or " if not minutes and etc in names else ""
        return TimeError(
            what,
            f"did you mean {meant}the place's zone, such as 'Asia/Shanghai'? A place's zone"
            " also follows its daylight-saving changes",
            rule="time-zone",
        )
    if POSIX_TZ.fullmatch(name.strip()):  # what the TZ variable takes: 'CST-8', 'EST5EDT,M3..'
        return TimeError(
            f"time zone {shown(name)} is a POSIX TZ string, not an IANA zone name",
            f"use {EXAMPLES}",
            rule="time-zone",
        )
    same = [n for n in names if n.lower() == folded]
    if same:  # a file system that ignores letter case (macOS, Windows) finds 'asia/shanghai'
        return TimeError(
            f"time zone {shown(name)} is not written as IANA writes it",
            f"did you mean {same[0]!r}?",
            rule="time-zone",
        )
    return None


def zone(name: object) -> ZoneInfo:
    """The time zone called ``name``, or a TimeError with a suggestion.

    Only IANA's names are zones (``iana_names``): zoneinfo also finds files of the system's
    time-zone folder ('localtime', 'posix/...'), and, on a file system that ignores letter
    case, 'asia/shanghai'; a site built from the same links.yaml must expire at the same
    instants on every machine.

    Names longer than ``MAX_ZONE_NAME`` are refused without asking the file system (which
    raises OSError for a name too long for a file) or difflib (whose work grows with the
    name's length: minutes for a 50 MB value)."""
    if not isinstance(name, str) or not name.strip():
        raise TimeError(
            f"expected a time zone name, got {shown(name)}", f"e.g. {EXAMPLES}", rule="time-zone"
        )
    unknown = f"unknown time zone {shown(name)}"
    if len(name) > MAX_ZONE_NAME:
        raise TimeError(unknown, f"use {EXAMPLES}", rule="time-zone")
    if name not in iana_names():
        refused = _not_a_zone(name)
        if refused is not None:
            raise refused
        close = difflib.get_close_matches(name, sorted(iana_names()), n=1, cutoff=0.8)
        hint = f"did you mean {close[0]!r}?" if close else f"use {EXAMPLES}"
        raise TimeError(unknown, hint, rule="time-zone")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        # an IANA name this machine cannot read: tzdata (a dependency) is missing or broken
        raise TimeError(
            unknown, "reinstall shortlinks with its dependencies (tzdata)", rule="time-zone"
        ) from None


def parse_iso(text: str) -> date | datetime:
    """ISO 8601 date or datetime, including a trailing 'Z' (which 3.10 does not take)."""
    s = text.strip()
    if len(s) == 10:
        return date.fromisoformat(s)
    if s.endswith(("Z", "z")):
        s = s[:-1] + "+00:00"
    return datetime.fromisoformat(s)


def instant(value: object, tz: tzinfo, *, end_of_day: bool) -> datetime:
    """The aware instant a date or datetime value stands for.

    ``end_of_day`` makes a bare date mean the first instant *after* that day,
    which is when an ``expires`` date stops being valid.

    A year outside ``FIRST_YEAR``..``LAST_YEAR`` is a TimeError: ``expires: 9999-12-31``
    and ``starts: 0001-01-01T00:00:00+05:00`` would otherwise pass here and overflow
    ``datetime`` later, in validation, the build or the CLI.
    """
    if isinstance(value, str):
        try:
            value = parse_iso(value)
        except ValueError as exc:
            detail = str(exc) if "range" in str(exc) else "not an ISO 8601 date"
            raise TimeError(
                f"{shown(value)} is not a valid date ({detail})",
                "write a date as 2026-12-31 or a time as 2026-12-31T18:00:00+08:00",
                rule="date-value",
            ) from None
    if isinstance(value, date) and not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise TimeError(
            f"{value.isoformat()!r} is out of range: the year must be from {FIRST_YEAR} "
            f"to {LAST_YEAR}",
            "write a real date; for a link that never expires, leave 'expires' out",
            rule="date-range",
        )
    if isinstance(value, datetime):
        if value.tzinfo is None:
            return value.replace(tzinfo=tz)
        return value
    if isinstance(value, date):
        day = value + timedelta(days=1) if end_of_day else value
        return datetime.combine(day, time(0), tzinfo=tz)
    raise TimeError(
        f"expected a date, got {type(value).__name__} {shown(value)}",
        "write a date as 2026-12-31",
        rule="date-value",
    )


def parse_now(text: str) -> datetime:
    """``--now``: an ISO datetime; without an offset it is UTC."""
    value = parse_iso(text)
    if not isinstance(value, datetime):
        value = datetime.combine(value, time(0))
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value


def describe(at: datetime, tz: tzinfo, *, end: bool = False) -> str:
    """An instant in the site's zone, in English (the command line's language)."""
    from .i18n import describe as in_language

    return in_language(at, tz, "en", end=end)
