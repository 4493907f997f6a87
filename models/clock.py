"""Time as custdesk stores it: naive datetimes in UTC."""

from datetime import UTC, datetime


def utcnow() -> datetime:
    """The current time in UTC, without tzinfo, as every table stores it."""
    return datetime.now(UTC).replace(tzinfo=None)
