"""Time as custdesk stores it (naive datetimes in UTC) and as staff read it (their own zone).

Stored times stay UTC everywhere, and so do exports and texts that are stored or sent (audit
details, emails). What a screen shows is in the staff member's time zone — `TZ` or the system's,
as the C library reads it — with the zone named: "2026-12-08 14:03 CET".
"""

from datetime import UTC, datetime


def utcnow() -> datetime:
    """The current time in UTC, without tzinfo, as every table stores it."""
    return datetime.now(UTC).replace(tzinfo=None)


def local(at: datetime) -> datetime:
    """A stored (naive UTC) moment in the staff member's time zone, with that zone attached."""
    return at.replace(tzinfo=UTC).astimezone()


def shown_time(at: datetime, *, date: bool = True) -> str:
    """A stored (naive UTC) moment as staff read it: "2026-12-08 14:03 CET", or "14:03 CET"
    without the date."""
    moment = local(at)
    clock = f"{moment:%H:%M} {zone_name(moment)}"
    return f"{moment:%Y-%m-%d} {clock}" if date else clock


def zone_name(moment: datetime) -> str:
    """The zone's abbreviation at that moment (CET, CEST, PDT, IST, UTC), or its offset from UTC
    (UTC-03:00) where the zone has no letters for it."""
    name = moment.tzname() or ""
    if name.isalpha():
        return name
    offset = moment.utcoffset()
    if not offset:
        return "UTC"
    minutes = int(offset.total_seconds()) // 60
    sign = "+" if minutes >= 0 else "-"
    return f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"
