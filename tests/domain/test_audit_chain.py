"""An audit trail that proves itself: hash chains over the audit trail and the access log,
`custdesk audit verify` naming the first row changed, removed or inserted behind custdesk's
back, `custdesk audit export`, and the chains whole with many staff writing at once."""

import csv
import io
import json
import multiprocessing
import time
from datetime import datetime

import pytest
from support.cli import run_custdesk
from support.portal import NEW_PASSWORD, activated, desk, make_customer, named_staff

from models.audit.chain import verify_chain
from models.audit.trail import export_trail, verify_trail
from models.customers import create_customer
from models.notes import add_note
from models.portal.signin import sign_in
from models.staff.permissions import NotPermitted
from models.store.db import close_database, database, is_sqlite, open_database
from models.store.tables import AccessLogEntry, AuditEvent


def some_history() -> int:
    """A few audited changes and sign-ins; returns a customer id."""
    customer_id, temporary = activated("jo@example.com")
    add_note(customer_id, "called", False, desk())
    create_customer({"business_name": "Second Ltd"}, desk())
    sign_in("jo@example.com", "wrong password", address="203.0.113.5")
    sign_in("jo@example.com", temporary, NEW_PASSWORD, address="203.0.113.5")
    return customer_id


def test_both_chains_hold_after_ordinary_work(db):
    some_history()
    check = verify_trail(desk())
    assert check.broken is None
    assert check.checked["audit_event"] >= 4 and check.checked["access_log_entry"] == 2
    assert AuditEvent.get(AuditEvent.action == "audit_verified").detail == (
        "Checked the audit trail: both chains hold"
    )


def test_a_changed_row_is_named(db):
    some_history()
    victim = AuditEvent.select().order_by(AuditEvent.seq).offset(1).first()
    database.execute_sql(
        "UPDATE audit_event SET detail = 'nothing to see' WHERE id = %s".replace(
            "%s", database.param
        ),
        (victim.id,),
    )
    checked, broken = verify_chain("audit_event")
    assert (checked, broken.row_id, broken.seq) == (1, victim.id, 2)
    assert broken.describe() == (
        f"audit_event row {victim.id} (chain place 2): changed since it was written"
    )


def test_a_removed_row_and_removed_last_rows_are_named(db):
    some_history()
    rows = list(AuditEvent.select().order_by(AuditEvent.seq))
    AuditEvent.delete().where(AuditEvent.id == rows[-1].id).execute()
    assert verify_chain("audit_event")[1].problem == "the last 1 row(s) were removed"
    AuditEvent.delete().where(AuditEvent.id == rows[1].id).execute()
    checked, broken = verify_chain("audit_event")
    assert (checked, broken.seq, broken.problem) == (1, 2, "a row was removed")


def test_a_changed_access_log_row_is_named(db):
    some_history()
    entry = AccessLogEntry.select().order_by(AccessLogEntry.seq).first()
    AccessLogEntry.update(success=True).where(AccessLogEntry.id == entry.id).execute()
    assert verify_trail(desk()).broken.describe() == (
        f"access_log_entry row {entry.id} (chain place 1): changed since it was written"
    )


def test_a_row_inserted_behind_custdesks_back_is_named_on_sqlite(db):
    some_history()
    if not is_sqlite():
        pytest.skip("on PostgreSQL the server links every inserted row (next test)")
    database.execute_sql(
        "INSERT INTO audit_event (staff, at, action, changes, detail, "
        "client_address, terminal, host, result, row_hash) VALUES ('ceo', "
        "'2026-01-01 00:00:00', 'updated', '{}', 'forged', '', '', '', 'done', "
        "'')"
    )
    broken = verify_chain("audit_event")[1]
    assert broken.problem == "inserted behind custdesk's back (it has no place in the chain)"


def test_postgresql_links_every_row_whatever_the_client_sends(db):
    if is_sqlite():
        pytest.skip("the server's trigger is PostgreSQL's")
    some_history()
    database.execute_sql(
        "INSERT INTO audit_event (staff, at, action, changes, detail, "
        "client_address, terminal, host, result, seq, row_hash) VALUES ('ceo', "
        "'2026-01-01 00:00:00', 'updated', '{}', 'forged', '', '', '', 'done', "
        "999, 'not a hash')"
    )
    forged = AuditEvent.get(AuditEvent.detail == "forged")
    assert forged.staff == desk().login and forged.seq != 999
    assert verify_chain("audit_event")[1] is None


def test_verify_and_export_are_for_administrators_only(db):
    some_history()
    with pytest.raises(NotPermitted, match="check and export the audit trail"):
        verify_trail(named_staff("boss", "manager"))
    with pytest.raises(NotPermitted):
        export_trail(named_staff("boss", "manager"), io.StringIO())


def test_export_streams_both_trails_in_chain_order_as_jsonl_and_csv(db):
    some_history()
    out = io.StringIO()
    count = export_trail(desk(), out, fmt="jsonl")
    records = [json.loads(line) for line in out.getvalue().splitlines()]
    assert len(records) == count
    audit = [r for r in records if r["trail"] == "audit"]
    access = [r for r in records if r["trail"] == "access"]
    assert [r["seq"] for r in audit] == list(range(1, len(audit) + 1))
    assert [r["address"] for r in access] == ["203.0.113.5", "203.0.113.5"]
    assert all(len(r["row_hash"]) == 64 for r in records)
    table = io.StringIO()
    assert export_trail(desk(), table, fmt="csv") == count + 1  # the first export is audited
    rows = list(csv.DictReader(io.StringIO(table.getvalue())))
    assert rows[0]["trail"] == "audit" and rows[-1]["trail"] == "access"


def test_export_since_a_date_leaves_older_rows_out(db):
    some_history()
    assert export_trail(desk(), io.StringIO(), since=datetime(2100, 1, 1)) == 0


# ------------------------------------------------------------------ the command line


def test_audit_verify_exits_1_naming_the_first_changed_row(db, db_url):
    some_history()
    ok = run_custdesk("--db", db_url, "audit", "verify")
    assert ok.returncode == 0, ok.stderr
    assert "audit_event:" in ok.stdout and "access_log_entry: 2 rows hold" in ok.stdout
    victim = AuditEvent.select().order_by(AuditEvent.seq).first()
    AuditEvent.update(staff="someone else").where(AuditEvent.id == victim.id).execute()
    broken = run_custdesk("--db", db_url, "audit", "verify")
    assert broken.returncode == 1
    assert broken.stderr == (
        f"custdesk: the audit trail does not hold: audit_event row "
        f"{victim.id} (chain place 1): changed since it was written\n"
    )


def test_audit_export_on_the_command_line_and_a_bad_date(db, db_url):
    some_history()
    jsonl = run_custdesk("--db", db_url, "audit", "export")
    assert jsonl.returncode == 0, jsonl.stderr
    assert all(
        json.loads(line)["trail"] in ("audit", "access") for line in jsonl.stdout.splitlines()
    )
    csv_out = run_custdesk(
        "--db", db_url, "audit", "export", "--format", "csv", "--since", "2000-01-01"
    )
    assert csv_out.stdout.startswith("trail,seq,at,")
    bad = run_custdesk("--db", db_url, "audit", "export", "--since", "last tuesday")
    assert bad.returncode == 2
    assert bad.stderr == (
        "custdesk: --since 'last tuesday' is not a date: use YYYY-MM-DD or "
        "YYYY-MM-DDTHH:MM (UTC).\n"
    )


# ------------------------------------------------------------------ many staff at once


def _write_many(url: str, start_at: float, worker: int) -> int:
    """One staff process: customers, notes and sign-ins, as fast as it can."""
    import os

    from models.staff.session import identify

    os.environ["CUSTDESK_BCRYPT_COST"] = "4"
    open_database(url)
    staff = identify()
    time.sleep(max(0.0, start_at - time.time()))
    for number in range(12):
        record = create_customer({"business_name": f"Worker {worker} #{number}"}, staff)
        add_note(record.id, "note", False, staff)
        sign_in(f"nobody{worker}@example.com", "wrong", address=f"198.51.100.{worker}")
    close_database()
    return worker


def test_the_chains_stay_whole_with_many_staff_writing_at_once(db, db_url):
    make_customer()
    start_at = time.time() + 1.0
    with multiprocessing.get_context("spawn").Pool(4) as pool:
        done = pool.starmap(_write_many, [(db_url, start_at, n) for n in range(4)])
    assert sorted(done) == [0, 1, 2, 3]
    checked, broken = verify_chain("audit_event")
    assert broken is None and checked == 1 + 4 * 12 * 2
    checked, broken = verify_chain("access_log_entry")
    assert broken is None and checked == 4 * 12
