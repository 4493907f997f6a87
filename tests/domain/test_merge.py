"""Merging two customers in one transaction, and undoing the merge from the history."""

import threading

import pytest
from support.portal import (
    SENDER,
    desk,
    secret_of,
    seen,
)

from models.aliases import (
    CustomerAlias,
    alias_target,
    aliases_of,
    code_is_alias,
    merged_into,
    taken_alias_keys,
)
from models.audit.access_log import access_log
from models.audit.chain import verify_chain
from models.audit.events import change_count, event_changes
from models.customers import ValidationFailed, create_customer, load_customer, save_customer
from models.history import customer_history
from models.merge import (
    ACTION_MERGED,
    MergeRefused,
    merge_customers,
    merge_preview,
    undo_merge,
)
from models.notes import add_note, list_notes
from models.portal.actions import send_activation
from models.portal.signin import sign_in
from models.store.db import database
from models.store.tables import (
    AccessLogEntry,
    AuditEvent,
    Customer,
    Note,
    OutboxMessage,
    PortalAccount,
)

SURVIVOR = {
    "code": "ACME",
    "business_name": "Acme Ltd",
    "contact_name": "Ada Lovelace",
    "billing_email": "ada@acme.example",
    "billing_street1": "1 High St",
    "billing_country": "GB",
    "billing_city": "London",
    "billing_postal_code": "EC1A 1BB",
    "wholesale": True,
}
OTHER = {
    "code": "ACME-OLD",
    "business_name": "ACME Limited",
    "contact_name": "Ada Lovelace",
    "billing_email": "accounts@acme.example",
    "billing_country": "US",
    "billing_state": "CA",
    "billing_street1": "500 Market St",
    "billing_city": "San Francisco",
    "billing_postal_code": "94103",
    "billing_phone": "+1 415 555 0100",
}


def with_portal(customer_id: int) -> int:
    """Activate the customer's portal account and have the customer sign in once, wrongly;
    returns the account's id."""
    result = send_activation(customer_id, desk(), expected_version=seen(customer_id), sender=SENDER)
    email = Customer.get_by_id(customer_id).billing_email
    assert not sign_in(email, "not the password").accepted
    assert secret_of(result.outbox_id)
    return PortalAccount.get(PortalAccount.customer == customer_id).id


def rows_of(customer_id: int) -> dict[str, list[int]]:
    """The ids of everything that belongs to a customer."""
    tables = {
        "notes": Note,
        "events": AuditEvent,
        "access": AccessLogEntry,
        "outbox": OutboxMessage,
        "portal": PortalAccount,
    }
    return {
        key: sorted(row.id for row in model.select(model.id).where(model.customer == customer_id))
        for key, model in tables.items()
    }


@pytest.fixture
def pair(db):
    """Two customers, each with a note; the other one also with a portal account, a queued
    email and an access-log entry."""
    survivor = create_customer(SURVIVOR, desk())
    other = create_customer(OTHER, desk())
    add_note(survivor.id, "survivor's note", False, desk())
    add_note(other.id, "other's note", True, desk())
    with_portal(other.id)
    return load_customer(survivor.id), load_customer(other.id)


def snapshot(*customer_ids: int) -> dict:
    """Everything undo must put back: values, archived flags, rows, aliases, accounts."""
    return {
        "customers": {
            i: (load_customer(i).values, load_customer(i).archived) for i in customer_ids
        },
        "rows": {i: rows_of(i) for i in customer_ids},
        "aliases": sorted((a.alias_key, a.customer_id) for a in CustomerAlias.select()),
        "accounts": sorted(
            tuple(sorted((k, str(v)) for k, v in row.items()))
            for row in PortalAccount.select().dicts()
        ),
    }


def test_preview_shows_both_side_by_side_with_the_differences(pair):
    survivor, other = pair
    preview = merge_preview(survivor.id, other.id)
    assert (preview.a.record.code, preview.b.record.code) == ("ACME", "ACME-OLD")
    differing = {f.name: (f.a_value, f.b_value) for f in preview.differing}
    assert differing["business_name"] == ("Acme Ltd", "ACME Limited")
    assert differing["wholesale"] == (True, False)
    assert "contact_name" not in differing
    assert [f.label for f in preview.fields][:2] == ["Business Name", "Contact Name"]
    assert (preview.a.has_portal_account, preview.b.has_portal_account) == (False, True)
    assert not preview.portal_choice_needed
    assert preview.b.counts["notes"] == 1 and preview.b.counts["outbox"] == 1
    assert preview.versions == {survivor.id: survivor.version, other.id: other.version}


def test_a_customer_cannot_be_merged_with_itself_or_while_archived(pair):
    survivor, other = pair
    with pytest.raises(MergeRefused, match="two different customers"):
        merge_preview(survivor.id, survivor.id)
    merge_customers(survivor.id, other.id, {}, None, desk())
    with pytest.raises(MergeRefused, match="ACME-OLD \\(ACME Limited\\) is archived"):
        merge_preview(survivor.id, other.id)
    with pytest.raises(MergeRefused, match="is archived"):
        merge_customers(survivor.id, other.id, {}, None, desk())


def test_merge_moves_everything_archives_the_other_and_leaves_an_alias(pair):
    survivor, other = pair
    before = rows_of(other.id)
    chosen = {
        name: other.values[name]
        for name in (
            "business_name",
            "billing_country",
            "billing_state",
            "billing_city",
            "billing_street1",
            "billing_postal_code",
            "billing_phone",
        )
    }
    result = merge_customers(
        survivor.id,
        other.id,
        chosen,
        None,
        desk(),
        expected_versions=merge_preview(survivor.id, other.id).versions,
    )
    kept = load_customer(survivor.id)
    assert kept.values["business_name"] == "ACME Limited"
    assert kept.values["billing_state"] == "US-CA"
    assert kept.values["billing_phone"] == "+14155550100"
    assert kept.values["wholesale"] is True  # not chosen: the survivor's value stays
    assert kept.version == survivor.version + 1
    assert load_customer(other.id).archived
    after = rows_of(survivor.id)
    for key in ("notes", "outbox", "portal"):
        assert set(before[key]) <= set(after[key]), key
    # history and access-log rows stay with the customer they are about (hash-chained), and
    # show on the survivor through its alias
    assert set(before["events"]) <= set(rows_of(other.id)["events"])
    assert {row.id for row in customer_history(survivor.id)} >= set(before["events"])
    assert {row.id for row in access_log(survivor.id, desk())} == set(before["access"])
    assert result.moved == {"notes": 1, "outbox": 1}
    assert verify_chain("audit_event")[1] is None and verify_chain("access_log_entry")[1] is None
    assert [n.body for n in list_notes(survivor.id)] == ["other's note", "survivor's note"]
    assert alias_target("acme-old") == survivor.id
    assert code_is_alias("acme-old") == "ACME"
    assert taken_alias_keys(["acme-old", "acme", "cst-000001"]) == {"acme-old"}
    assert aliases_of(survivor.id) == ["ACME-OLD"]
    assert merged_into(other.id) == "ACME"
    event = AuditEvent.get_by_id(result.event_id)
    assert (event.customer_id, event.action, event.staff) == (
        survivor.id,
        ACTION_MERGED,
        desk().login,
    )
    assert event_changes(event)["business_name"] == ("Acme Ltd", "ACME Limited")
    other_events = AuditEvent.select().where(AuditEvent.customer == other.id)
    assert [e.action for e in other_events.order_by(AuditEvent.id)][-1] == "merged_into"


def test_the_merged_away_code_stays_reserved(pair):
    survivor, other = pair
    merge_customers(survivor.id, other.id, {}, None, desk())
    count = Customer.select().count()
    with pytest.raises(
        ValidationFailed, match=r"Customer Code acme-old is (already used by ACME-OLD|reserved)"
    ):
        create_customer({"contact_name": "New", "code": "acme-old"}, desk())
    assert Customer.select().count() == count


def test_the_history_shows_the_merge_without_its_undo_data(pair):
    survivor, other = pair
    merge_customers(survivor.id, other.id, {"business_name": "ACME Limited"}, None, desk())
    top = customer_history(survivor.id)[0]
    assert top.title == "Merged" and top.undoable
    assert top.lines[0].startswith(
        "Merged ACME-OLD (ACME Limited) into this customer; its "
        "code now finds this one; moved 1 note, "
    )
    assert "1 email; the portal account of ACME-OLD moved here" in top.lines[0]
    assert "{" not in top.lines[0]
    assert top.lines[1] == "Business Name: Acme Ltd → ACME Limited"


def test_the_portal_account_moves_with_its_sign_in(pair):
    survivor, other = pair
    account_id = PortalAccount.get(PortalAccount.customer == other.id).id
    merge_customers(survivor.id, other.id, {}, None, desk())
    assert PortalAccount.get_by_id(account_id).customer_id == survivor.id
    sign_in("accounts@acme.example", "still wrong")
    assert AccessLogEntry.select().order_by(AccessLogEntry.id.desc()).first().customer_id == (
        survivor.id
    )


def test_when_both_have_portal_accounts_the_clerk_must_choose(pair):
    survivor, other = pair
    with_portal(survivor.id)
    assert merge_preview(survivor.id, other.id).portal_choice_needed
    before = change_count()
    with pytest.raises(MergeRefused, match="Both customers have a portal account"):
        merge_customers(survivor.id, other.id, {}, None, desk())
    with pytest.raises(MergeRefused, match="must be one of the two"):
        merge_customers(survivor.id, other.id, {}, 999, desk())
    assert change_count() == before
    assert not load_customer(other.id).archived


@pytest.mark.parametrize("keep", ["survivor", "other"])
def test_the_chosen_portal_account_survives_and_the_other_is_deleted(pair, keep):
    survivor, other = pair
    with_portal(survivor.id)
    accounts = {
        c.id: PortalAccount.get(PortalAccount.customer == c.id).id for c in (survivor, other)
    }
    keep_id = survivor.id if keep == "survivor" else other.id
    drop_id = other.id if keep == "survivor" else survivor.id
    merge_customers(survivor.id, other.id, {}, keep_id, desk())
    assert PortalAccount.get(PortalAccount.customer == survivor.id).id == accounts[keep_id]
    assert PortalAccount.get_or_none(PortalAccount.id == accounts[drop_id]) is None
    assert PortalAccount.select().count() == 1


def test_portal_from_must_name_a_customer_with_an_account(pair):
    survivor, other = pair
    with pytest.raises(MergeRefused, match="ACME \\(Acme Ltd\\) has no portal account"):
        merge_customers(survivor.id, other.id, {}, survivor.id, desk())


def test_the_survivor_keeps_its_code(pair):
    survivor, other = pair
    with pytest.raises(MergeRefused, match="keeps its code ACME"):
        merge_customers(survivor.id, other.id, {"code": "ACME-OLD"}, None, desk())
    with pytest.raises(MergeRefused, match="Unknown field password"):
        merge_customers(survivor.id, other.id, {"password": "x"}, None, desk())


def test_chosen_values_that_do_not_fit_together_are_refused_and_change_nothing(pair):
    survivor, other = pair
    before = snapshot(survivor.id, other.id)
    with pytest.raises(ValidationFailed) as refused:
        merge_customers(survivor.id, other.id, {"billing_state": "CA"}, None, desk())
    assert "billing_state" in refused.value.errors
    assert snapshot(survivor.id, other.id) == before


def test_a_merge_of_customers_changed_since_the_preview_is_refused(pair):
    survivor, other = pair
    versions = merge_preview(survivor.id, other.id).versions
    save_customer(load_customer(other.id), {"billing_city": "Oakland"}, desk())
    with pytest.raises(MergeRefused, match="ACME-OLD was changed since the merge was opened"):
        merge_customers(survivor.id, other.id, {}, None, desk(), expected_versions=versions)
    assert not load_customer(other.id).archived


def test_a_failure_inside_the_merge_leaves_everything_as_it_was(pair):
    survivor, other = pair
    third = create_customer({"contact_name": "Third", "code": "T-1"}, desk())
    CustomerAlias.create(
        alias_key="acme-old", code="ACME-OLD", customer=third.id, merged_from=third.id
    )  # the alias the merge needs is taken
    before = snapshot(survivor.id, other.id)
    with pytest.raises(MergeRefused, match="Someone else changed"):
        merge_customers(survivor.id, other.id, {"business_name": "New"}, None, desk())
    assert snapshot(survivor.id, other.id) == before


def test_undo_puts_both_customers_back_as_they_were(pair):
    survivor, other = pair
    before = snapshot(survivor.id, other.id)
    result = merge_customers(
        survivor.id, other.id, {"business_name": "ACME Limited", "wholesale": False}, None, desk()
    )
    undone = undo_merge(result.event_id, desk())
    after = snapshot(survivor.id, other.id)
    assert after["customers"] == before["customers"]
    assert after["aliases"] == before["aliases"] == []
    assert after["accounts"] == before["accounts"]
    for customer_id in (survivor.id, other.id):
        for key in ("notes", "access", "outbox", "portal"):
            assert after["rows"][customer_id][key] == before["rows"][customer_id][key]
        # every earlier event is back where it was; the merge's own events stay
        assert set(before["rows"][customer_id]["events"]) <= set(
            after["rows"][customer_id]["events"]
        )
    assert not undone.other.archived
    assert alias_target("ACME-OLD") is None
    top = customer_history(survivor.id)
    assert (top[0].title, top[0].staff) == ("Merge undone", desk().login)
    assert "Business Name: ACME Limited → Acme Ltd" in top[0].lines
    assert not next(row for row in top if row.id == result.event_id).undoable


@pytest.mark.parametrize("keep", ["survivor", "other"])
def test_undo_restores_a_deleted_portal_account(pair, keep):
    survivor, other = pair
    with_portal(survivor.id)
    before = snapshot(survivor.id, other.id)
    keep_id = survivor.id if keep == "survivor" else other.id
    result = merge_customers(survivor.id, other.id, {}, keep_id, desk())
    undo_merge(result.event_id, desk())
    assert snapshot(survivor.id, other.id)["accounts"] == before["accounts"]


def test_undo_twice_or_of_another_event_is_refused(pair):
    survivor, other = pair
    result = merge_customers(survivor.id, other.id, {}, None, desk())
    undo_merge(result.event_id, desk())
    with pytest.raises(MergeRefused, match="already been undone"):
        undo_merge(result.event_id, desk())
    created = AuditEvent.get(
        (AuditEvent.customer == survivor.id) & (AuditEvent.action == "created")
    )
    with pytest.raises(MergeRefused, match=f"History event #{created.id} is not a merge"):
        undo_merge(created.id, desk())


@pytest.mark.parametrize("changed", ["survivor", "other"])
def test_undo_is_refused_once_either_customer_changed(pair, changed):
    survivor, other = pair
    result = merge_customers(survivor.id, other.id, {}, None, desk())
    target = survivor.id if changed == "survivor" else other.id
    save_customer(load_customer(target), {"billing_city": "Leeds"}, desk())
    before = snapshot(survivor.id, other.id)
    with pytest.raises(MergeRefused, match="has been changed since the merge"):
        undo_merge(result.event_id, desk())
    assert snapshot(survivor.id, other.id) == before


def test_undo_is_refused_once_the_moved_portal_account_changed(pair):
    survivor, other = pair
    result = merge_customers(survivor.id, other.id, {}, None, desk())
    PortalAccount.update(version=PortalAccount.version + 1).where(
        PortalAccount.customer == survivor.id
    ).execute()
    with pytest.raises(MergeRefused, match="portal account it moved has been changed"):
        undo_merge(result.event_id, desk())
    assert load_customer(other.id).archived


def test_aliases_follow_a_chain_of_merges_and_its_undo(pair):
    survivor, other = pair
    third = create_customer({"business_name": "Acme Group", "code": "GROUP"}, desk())
    merge_customers(survivor.id, other.id, {}, None, desk())
    second = merge_customers(third.id, survivor.id, {}, None, desk())
    assert alias_target("ACME-OLD") == alias_target("ACME") == third.id
    undo_merge(second.event_id, desk())
    assert alias_target("ACME-OLD") == survivor.id
    assert alias_target("ACME") is None


def test_two_clerks_merging_the_same_customer_at_once_cannot_both_succeed(pair):
    survivor, other = pair
    rival = create_customer({"business_name": "Acme Rival", "code": "RIVAL"}, desk())
    barrier = threading.Barrier(2)
    outcomes: list[object] = []

    def merge_into(survivor_id: int) -> None:
        with database.connection_context():
            barrier.wait()
            try:
                outcomes.append(merge_customers(survivor_id, other.id, {}, None, desk()))
            except MergeRefused as refused:
                outcomes.append(refused)

    threads = [threading.Thread(target=merge_into, args=(i,)) for i in (survivor.id, rival.id)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(type(o).__name__ for o in outcomes) == ["MergeRefused", "MergeResult"]
    [alias] = CustomerAlias.select()
    winner = next(o for o in outcomes if not isinstance(o, MergeRefused)).survivor.id
    assert alias.customer_id == winner
    assert rows_of(other.id)["notes"] == []


def test_searching_a_merged_away_code_finds_the_survivor_first(pair):
    from models.search.query import CustomerResults, ListQuery

    survivor, other = pair
    merge_customers(survivor.id, other.id, {}, None, desk())
    rows = CustomerResults(ListQuery("acme-old")).first(5)
    assert rows and rows[0].id == survivor.id
    assert other.id not in [row.id for row in rows]  # archived: hidden from the list
