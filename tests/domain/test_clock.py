"""Times are stored in UTC and shown in the staff member's time zone, named (models/clock.py)."""

import io
import json
from datetime import datetime

import pytest
from support.clock import time_zone
from support.portal import desk

from models.audit.events import record_event
from models.audit.trail import export_trail
from models.clock import local, shown_time, utcnow
from models.portal.actions import stored_when, when
from models.save_conflict import OtherSave
from models.store.engine import write_transaction
from models.store.tables import AuditEvent

STORED = datetime(2026, 12, 8, 13, 3)  # naive UTC, as every table holds it


@pytest.mark.parametrize(
    "zone,shown",
    [
        ("Europe/Berlin", "2026-12-08 14:03 CET"),
        ("America/Los_Angeles", "2026-12-08 05:03 PST"),
        ("Asia/Kolkata", "2026-12-08 18:33 IST"),
        ("UTC", "2026-12-08 13:03 UTC"),
        ("America/Sao_Paulo", "2026-12-08 10:03 UTC-03:00"),  # a zone with no letters for it
    ],
)
def test_a_stored_time_is_shown_in_the_staff_members_zone_named(zone, shown):
    with time_zone(zone):
        assert shown_time(STORED) == shown
        assert shown_time(STORED, date=False) == shown.split(" ", 1)[1]


@pytest.mark.parametrize(
    "zone,stored,shown",
    [
        # Berlin moves its clocks on at 01:00 UTC on 2026-03-29
        ("Europe/Berlin", datetime(2026, 3, 29, 0, 59), "2026-03-29 01:59 CET"),
        ("Europe/Berlin", datetime(2026, 3, 29, 1, 0), "2026-03-29 03:00 CEST"),
        # Los Angeles moves them back at 09:00 UTC on 2026-11-01: 01:xx happens twice
        ("America/Los_Angeles", datetime(2026, 11, 1, 8, 30), "2026-11-01 01:30 PDT"),
        ("America/Los_Angeles", datetime(2026, 11, 1, 9, 30), "2026-11-01 01:30 PST"),
        ("Asia/Kolkata", datetime(2026, 3, 29, 1, 0), "2026-03-29 06:30 IST"),  # no DST
    ],
)
def test_summer_time_follows_the_date_shown(zone, stored, shown):
    with time_zone(zone):
        assert shown_time(stored) == shown


def test_the_conflict_sentence_uses_the_staff_members_day_and_clock():
    late = datetime(2026, 3, 14, 23, 30)  # UTC: the day before `now`; Berlin: the same day
    now = datetime(2026, 3, 15, 0, 10)
    with time_zone("Europe/Berlin"):
        assert OtherSave("ada", late).sentence(now) == "ada saved this customer at 00:30 CET"
    with time_zone("UTC"):
        assert OtherSave("ada", late).sentence(now) == (
            "ada saved this customer on 2026-03-14 at 23:30 UTC"
        )
    with time_zone("America/Los_Angeles"):
        assert OtherSave("ada", late).sentence(now) == "ada saved this customer at 16:30 PDT"


def test_stored_times_stay_utc_whatever_the_zone():
    with time_zone("Asia/Kolkata"):
        before = datetime.now().replace(tzinfo=None)
        stored = utcnow()
        assert abs((before - stored).total_seconds() - 5.5 * 3600) < 60
        assert local(stored).utcoffset().total_seconds() == 5.5 * 3600


def test_the_audit_export_stays_utc_iso_whatever_the_zone(db):
    with write_transaction():
        record_event(None, desk(), "audit_verified", counts_as_change=False, detail="x")
    stored = AuditEvent.select().order_by(AuditEvent.id.desc()).get().at
    with time_zone("America/Los_Angeles"):
        out = io.StringIO()
        export_trail(desk(), out)
    rows = [json.loads(line) for line in out.getvalue().splitlines()]
    assert stored.isoformat() in [row["at"] for row in rows]


def test_the_portal_summary_shows_the_staff_members_zone_and_stored_reasons_stay_utc():
    with time_zone("Europe/Berlin"):
        assert when(STORED) == "2026-12-08 14:03 CET"
        assert stored_when(STORED) == "2026-12-08 13:03 UTC"
