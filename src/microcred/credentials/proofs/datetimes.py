"""XML Schema ``dateTime`` values as Data Integrity proofs use them.

VC Data Integrity 1.0, section 2.1 "Proofs": ``created`` and ``expires`` are
[XMLSCHEMA11-2] ``dateTimeStamp`` values. microcred writes them in UTC with a ``Z`` and
second precision (the form every official vector uses) and reads any valid
``dateTime``; a value without a time zone is read as UTC.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone

__all__ = ["format_datetime", "parse_datetime"]

_DATETIME = re.compile(
    r"(?P<year>-?\d{4,})-(?P<month>\d{2})-(?P<day>\d{2})"
    r"T(?P<hour>\d{2}):(?P<minute>\d{2}):(?P<second>\d{2})(?P<fraction>\.\d+)?"
    r"(?P<tz>Z|[+-]\d{2}:\d{2})?"
)


def format_datetime(moment: datetime) -> str:
    """``moment`` as ``YYYY-MM-DDThh:mm:ssZ`` in UTC (microseconds dropped).

    A naive datetime is refused: microcred keeps every time zone-aware.
    """
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("created/expires must be timezone-aware; pass datetime.now(UTC)")
    return moment.astimezone(UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_datetime(value: object) -> datetime | None:
    """Parse an XML Schema ``dateTime`` to an aware UTC datetime; None when invalid."""
    if not isinstance(value, str):
        return None
    match = _DATETIME.fullmatch(value)
    if match is None:
        return None
    fraction = match["fraction"] or ""
    micro = int((fraction[1:] + "000000")[:6]) if fraction else 0
    tz_text = match["tz"]
    if tz_text in (None, "Z"):
        tz = UTC
    else:
        sign = 1 if tz_text[0] == "+" else -1
        hours, minutes = int(tz_text[1:3]), int(tz_text[4:6])
        if hours > 14 or minutes > 59:
            return None
        tz = timezone(sign * timedelta(hours=hours, minutes=minutes))
    try:
        hour = int(match["hour"])
        extra = timedelta(0)
        if hour == 24:  # XML Schema allows 24:00:00 as the end of a day
            if match["minute"] != "00" or match["second"] != "00" or micro:
                return None
            hour, extra = 0, timedelta(days=1)
        moment = datetime(
            int(match["year"]),
            int(match["month"]),
            int(match["day"]),
            hour,
            int(match["minute"]),
            int(match["second"]),
            micro,
            tzinfo=tz,
        )
        return (moment + extra).astimezone(UTC)
    except (ValueError, OverflowError):
        return None
