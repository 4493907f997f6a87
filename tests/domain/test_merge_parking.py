"""A merge parks the portal account it drops where only undo reads it: the audit trail never
holds a password hash or sign-in email, and undo gives the account back with its password."""

import json
from datetime import datetime

import pytest
from support.pg import needs_pg, refused
from support.portal import (
    NEW_PASSWORD,
    SENDER,
    desk,
    make_customer,
    secret_of,
)

from models.merge import (
    ACTION_MERGED,
    ACTION_MERGED_INTO,
    ACTION_UNDONE,
    MergeRefused,
    merge_customers,
    undo_merge,
)
from models.portal.actions import send_activation
from models.portal.signin import sign_in
from models.staff.session import identify
from models.store.db import database, open_database
from models.store.tables import AuditEvent, ParkedPortalAccount, PortalAccount

OTHER_PASSWORD = "violet trombone harbour 58"
EMAILS = {"survivor": "ada@acme.example", "other": "accounts@acme.example"}
PASSWORDS = {"survivor": NEW_PASSWORD, "other": OTHER_PASSWORD}


def with_password(side: str) -> int:
    """A customer whose portal account is active with its own password; returns its id."""
    customer_id = make_customer(EMAILS[side], business=f"Acme {side}")
    result = send_activation(customer_id, desk(), expected_version=0, sender=SENDER)
    assert sign_in(EMAILS[side], secret_of(result.outbox_id), PASSWORDS[side]).accepted
    return customer_id


def accounts() -> dict[int, dict]:
    """Every portal account, every column, by id (read as the schema's owner)."""
    return {row["id"]: row for row in PortalAccount.select().dicts()}


def assert_no_secret_in_audit(hashes: list[str]) -> None:
    """No password hash anywhere in audit_event; no sign-in email in the merge's events (the
    portal actions' own events say where their email went)."""
    table = "\n".join(map(str, database.execute_sql("SELECT * FROM audit_event").fetchall()))
    for password_hash in hashes:
        assert password_hash and password_hash not in table
    merges = AuditEvent.select(AuditEvent.detail).where(
        AuditEvent.action.in_([ACTION_MERGED, ACTION_MERGED_INTO, ACTION_UNDONE])
    )
    details = "\n".join(event.detail for event in merges)
    assert "Merged" in details
    for email in EMAILS.values():
        assert email not in details


@pytest.mark.parametrize("keep", ["survivor", "other"])
def test_undo_gives_the_parked_account_back_with_its_password(db, keep):
    ids = {side: with_password(side) for side in ("survivor", "other")}
    drop = "other" if keep == "survivor" else "survivor"
    before = accounts()
    dropped = PortalAccount.get(PortalAccount.customer == ids[drop])
    hashes = [row["password_hash"] for row in before.values()]
    result = merge_customers(ids["survivor"], ids["other"], {}, ids[keep], desk())
    [parked] = ParkedPortalAccount.select()
    assert (parked.account_id, parked.merge_event_id) == (dropped.id, result.event_id)
    assert parked.password_hash == dropped.password_hash  # moved as it was, not in the detail
    assert list(accounts()) == [PortalAccount.get(PortalAccount.customer == ids["survivor"]).id]
    assert not sign_in(EMAILS[drop], PASSWORDS[drop]).accepted  # parked: it cannot sign in
    portal = json.loads(AuditEvent.get_by_id(result.event_id).detail)["portal"]
    assert portal["parked_account"] == dropped.id and "dropped_account" not in portal
    assert "parked for undo" in json.loads(AuditEvent.get_by_id(result.event_id).detail)["summary"]
    assert_no_secret_in_audit(hashes)
    portal_columns = {c.name for c in database.get_columns("portal_account")} - {"id"}
    parked_columns = {c.name for c in database.get_columns("parked_portal_account")}
    assert parked_columns - portal_columns == {"id", "account_id", "merge_event_id", "parked_at"}
    assert portal_columns <= parked_columns  # a column added to one needs adding to the other
    undo_merge(result.event_id, desk())
    assert ParkedPortalAccount.select().count() == 0
    restored = accounts()
    assert restored[dropped.id] == before[dropped.id]
    assert restored.keys() == before.keys()
    for side in ("survivor", "other"):
        assert sign_in(EMAILS[side], PASSWORDS[side]).accepted, side
    assert_no_secret_in_audit(hashes)


def test_a_merge_recorded_before_parking_still_undoes_from_its_snapshot(db):
    """Merges recorded before migration 0010 kept the dropped account in their detail; their
    audit rows are never rewritten, so undo still reads it there. The test makes such a row
    from a parked merge."""
    ids = {side: with_password(side) for side in ("survivor", "other")}
    result = merge_customers(ids["survivor"], ids["other"], {}, ids["survivor"], desk())
    parked = ParkedPortalAccount.select().dicts().get()
    snapshot = {
        name: value.isoformat() if isinstance(value, datetime) else value
        for name, value in parked.items()
        if name not in ("id", "account_id", "merge_event", "parked_at")
    }
    snapshot["id"] = parked["account_id"]
    detail = json.loads(AuditEvent.get_by_id(result.event_id).detail)
    detail["portal"] = {"moved_account": None, "moved_version": None, "dropped_account": snapshot}
    AuditEvent.update(detail=json.dumps(detail)).where(AuditEvent.id == result.event_id).execute()
    ParkedPortalAccount.delete().execute()
    undo_merge(result.event_id, desk())
    assert sign_in(EMAILS["other"], OTHER_PASSWORD).accepted


@needs_pg
def test_a_manager_merges_and_undoes_two_portal_accounts_as_its_own_login(team):
    ids = {side: with_password(side) for side in ("survivor", "other")}
    before = accounts()
    manager = team.login("manager")
    database.obj.close_all()
    open_database(team.url_for(manager))
    staff = identify()
    assert staff.login == manager
    # the survivor keeps the other's account: one account moves, the survivor's is parked
    result = merge_customers(ids["survivor"], ids["other"], {}, ids["other"], staff)
    undo_merge(result.event_id, staff)
    database.obj.close_all()
    open_database(team.owner_url)
    assert accounts() == before
    assert ParkedPortalAccount.select().count() == 0
    for side in ("survivor", "other"):
        assert sign_in(EMAILS[side], PASSWORDS[side]).accepted, side
    assert_no_secret_in_audit([row["password_hash"] for row in before.values()])


@needs_pg
def test_no_staff_role_touches_parked_accounts_and_only_managers_move_them(team):
    ids = {side: with_password(side) for side in ("survivor", "other")}
    result = merge_customers(ids["survivor"], ids["other"], {}, ids["survivor"], desk())
    logins = {role: team.login(role) for role in ("staff", "manager", "administrator")}
    for role, login in logins.items():
        connection = team.raw(login)
        try:
            assert "permission denied" in refused(
                connection, "SELECT * FROM parked_portal_account"
            ), role
            assert "permission denied" in refused(
                connection, "SELECT account_id FROM parked_portal_account"
            ), role
            assert "permission denied" in refused(
                connection, "DELETE FROM parked_portal_account"
            ), role
            if role == "staff":
                assert "permission denied for function" in refused(
                    connection, f"SELECT custdesk_unpark_portal_account({result.event_id})"
                )
                assert "permission denied for function" in refused(
                    connection, "SELECT custdesk_park_portal_account(1, 1)"
                )
        finally:
            connection.close()
    assert ParkedPortalAccount.select().count() == 1
    connection = team.raw(logins["manager"])
    try:
        with connection.cursor() as cur:
            cur.execute("SELECT custdesk_unpark_portal_account(%s)", (result.event_id,))
            back = cur.fetchone()[0]
    finally:
        connection.close()
    assert back == PortalAccount.get(PortalAccount.customer == ids["other"]).id
    assert ParkedPortalAccount.select().count() == 0


def test_undo_is_refused_when_the_parked_sign_in_email_was_taken_since(db):
    ids = {side: with_password(side) for side in ("survivor", "other")}
    result = merge_customers(ids["survivor"], ids["other"], {}, ids["survivor"], desk())
    newcomer = make_customer(EMAILS["other"], business="Acme newcomer")
    send_activation(newcomer, desk(), expected_version=0, sender=SENDER)
    before = accounts()
    with pytest.raises(
        MergeRefused,
        match="sign-in email of the portal account it parked is now used by another account",
    ):
        undo_merge(result.event_id, desk())
    assert accounts() == before
    assert ParkedPortalAccount.get().merge_event_id == result.event_id
