"""Dates and instants: the rules that make ``expires: 2026-12-31`` mean what people mean.

A bare date is a whole day in the site's time zone: ``expires`` lasts through its
end and ``starts`` begins at its start. A datetime with an offset is exact; one
without is read in the site's zone.
"""

from __future__ import annotations

import difflib
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from .problems import shown


class TimeError(ValueError):
    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.hint = hint


# The longest IANA name is 32 characters; anything much longer is not a zone, and is neither
# looked up (the file name would be too long: OSError) nor compared with every zone name.
MAX_ZONE_NAME = 100
# Years an instant may fall in. An instant is converted to other zones (the site's, UTC)
# and a bare ``expires`` date moves to the next day: at year 1 or 9999 that leaves what
# ``datetime`` can hold (OverflowError, a traceback in ``check`` and ``build``). People
# write ``expires: 9999-12-31`` for "never": the hint says to leave ``expires`` out.
FIRST_YEAR = 1000
LAST_YEAR = 9998


def zone(name: object) -> ZoneInfo:
    """The time zone called ``name``, or a TimeError with a suggestion.

    Names longer than ``MAX_ZONE_NAME`` are refused without asking the file system (which
    raises OSError for a name too long for a file: it used to escape as a traceback) or
    difflib (whose work grows with the name's length: minutes for a 50 MB value)."""
    if not isinstance(name, str) or not name:
        raise TimeError(
            f"expected a time zone name, got {shown(name)}", "e.g. Asia/Shanghai or UTC"
        )
    unknown = f"unknown time zone {shown(name)}"
    if len(name) > MAX_ZONE_NAME:
        raise TimeError(unknown, "use an IANA name such as Europe/Berlin")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        close = difflib.get_close_matches(name, sorted(available_timezones()), n=1, cutoff=0.8)
        hint = f"did you mean {close[0]!r}?" if close else "use an IANA name such as Europe/Berlin"
        raise TimeError(unknown, hint) from None


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
    and ``starts: 0001-01-01T00:00:00+05:00`` used to pass here and then overflow
    ``datetime`` in validation, the build or the CLI, each time as a traceback.
    """
    if isinstance(value, str):
        try:
            value = parse_iso(value)
        except ValueError as exc:
            detail = str(exc) if "range" in str(exc) else "not an ISO 8601 date"
            raise TimeError(
                f"{shown(value)} is not a valid date ({detail})",
                "write a date as 2026-12-31 or a time as 2026-12-31T18:00:00+08:00",
            ) from None
    if isinstance(value, date) and not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise TimeError(
            f"{value.isoformat()!r} is out of range: the year must be from {FIRST_YEAR} "
            f"to {LAST_YEAR}",
            "write a real date; for a link that never expires, leave 'expires' out",
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
