"""Sandbox time (wall clock + an offset tests can advance) and Chorus date formats.

Chorus Pro speaks Paris time: dates ``YYYY-MM-DD``, history timestamps ``YYYY-MM-DD HH:MM``, reports
ISO 8601 with milliseconds and offset. Incoming naive datetimes are read as Paris time too.
"""

from __future__ import annotations

import datetime
import time

try:
    from zoneinfo import ZoneInfo

    PARIS = ZoneInfo("Europe/Paris")
except Exception:  # no tz database on this system: UTC keeps the sandbox usable
    PARIS = datetime.timezone.utc

OFFSET_KEY = "clock_offset"


def sandbox_now(offset: float) -> float:
    return time.time() + offset


def _local(ts: float) -> datetime.datetime:
    return datetime.datetime.fromtimestamp(ts, PARIS)


def fmt_date(ts: float) -> str:
    return _local(ts).strftime("%Y-%m-%d")


def fmt_minute(ts: float) -> str:
    return _local(ts).strftime("%Y-%m-%d %H:%M")


def fmt_iso(ts: float) -> str:
    """``2018-02-16T15:10:25.536+01:00``"""
    return _local(ts).isoformat(timespec="milliseconds")


def fmt_utc(ts: float) -> str:
    return datetime.datetime.fromtimestamp(ts, datetime.timezone.utc).isoformat(timespec="seconds")


def parse_moment(value, *, end_of_day: bool = False) -> float | None:
    """Timestamp of a request date/datetime; ``None`` when absent or unreadable.

    A bare date means the start of that day, or its end when ``end_of_day`` (inclusive ``...Au``).
    """
    if value in (None, ""):
        return None
    text = str(value).strip().replace("Z", "+00:00")
    if len(text) == 10:
        try:
            day = datetime.date.fromisoformat(text)
        except ValueError:
            return None
        moment = datetime.datetime.combine(day, datetime.time.max if end_of_day else datetime.time.min)
        return moment.replace(tzinfo=PARIS).timestamp()
    try:
        moment = datetime.datetime.fromisoformat(text)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=PARIS)
    return moment.timestamp()


def parse_day(value) -> datetime.date | None:
    moment = parse_moment(value)
    return _local(moment).date() if moment is not None else None


def local_date(ts: float) -> datetime.date:
    return _local(ts).date()
