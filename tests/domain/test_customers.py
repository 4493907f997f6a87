"""Creating and saving customers: codes, validation, version checks and the audit trail."""

import pytest
from support.portal import desk

from models.audit.events import change_count, event_changes
from models.customers import (
    SaveConflict,
    ValidationFailed,
    create_customer,
    load_customer,
    save_customer,
)
from models.store.tables import AuditEvent, Customer

ACME = {
    "business_name": "Acme Ltd",
    "contact_name": "Ada Lovelace",
    "billing_email": "ada@example.com",
    "billing_street1": "10 Downing St",
    "billing_city": "London",
    "billing_country": "GB",
    "billing_postal_code": "SW1A 1AA",
}


def test_blank_code_is_generated_in_sequence(db):
    first = create_customer(ACME, desk())
    second = create_customer({"contact_name": "Bob"}, desk())
    assert first.code == "CST-000001"
    assert second.code == "CST-000002"


def test_generated_code_skips_a_code_typed_by_hand(db):
    create_customer({**ACME, "code": "cst-000001"}, desk())
    generated = create_customer({"contact_name": "Bob"}, desk())
    assert generated.code == "CST-000002"


def test_codes_are_never_reused(db):
    create_customer(ACME, desk())
    Customer.delete().execute()
    assert create_customer(ACME, desk()).code == "CST-000002"


def test_duplicate_code_regardless_of_case_names_the_holder(db):
    create_customer({**ACME, "code": "VIP-1"}, desk())
    with pytest.raises(ValidationFailed) as caught:
        create_customer({"contact_name": "Bob", "code": "vip-1"}, desk())
    assert caught.value.errors["code"] == (
        "Customer Code vip-1 is already used by VIP-1 (Acme Ltd)."
    )
    assert Customer.select().count() == 1


def test_renaming_to_a_taken_code_fails_and_changes_nothing(db):
    create_customer({**ACME, "code": "A-1"}, desk())
    other = create_customer({"contact_name": "Bob", "code": "B-1"}, desk())
    with pytest.raises(ValidationFailed, match="already used by A-1"):
        save_customer(other, {"code": "a-1"}, desk())
    assert load_customer(other.id).code == "B-1"


def test_code_can_be_edited(db):
    record = create_customer(ACME, desk())
    saved = save_customer(record, {"code": "ACME-HQ"}, desk())
    assert saved.code == "ACME-HQ"
    assert saved.version == record.version + 1


def test_invalid_input_returns_every_error_and_saves_nothing(db):
    with pytest.raises(ValidationFailed) as caught:
        create_customer(
            {
                "business_name": "",
                "contact_name": "",
                "billing_email": "not-an-email",
                "billing_country": "Atlantis",
            },
            desk(),
        )
    errors = caught.value.errors
    assert {"business_name", "billing_email", "billing_country"} <= set(errors)
    assert Customer.select().count() == 0
    assert AuditEvent.select().count() == 0


def test_values_are_cleaned_before_they_are_stored(db):
    record = create_customer(
        {
            "business_name": "  Acme  ",
            "billing_street1": "24 Sussex Dr",
            "billing_city": "Ottawa",
            "billing_country": "canada",
            "billing_state": "Ontario",
            "billing_postal_code": "k1a0b1",
            "billing_phone": "(613) 555-0123",
        },
        desk(),
    )
    assert record.values["business_name"] == "Acme"
    assert record.values["billing_country"] == "CA"
    assert record.values["billing_state"] == "CA-ON"
    assert record.values["billing_postal_code"] == "K1A 0B1"
    assert record.values["billing_phone"] == "+16135550123"


def test_save_writes_field_level_audit_with_staff(db):
    record = create_customer(ACME, desk())
    save_customer(record, {"contact_name": "Ada King"}, desk())
    event = AuditEvent.select().where(AuditEvent.action == "updated").get()
    assert event.staff == desk().login
    assert event.customer_id == record.id
    assert event_changes(event) == {"contact_name": ("Ada Lovelace", "Ada King")}


def test_unchanged_save_writes_nothing(db):
    record = create_customer(ACME, desk())
    before = (AuditEvent.select().count(), change_count())
    again = save_customer(record, dict(record.values), desk())
    assert again.version == record.version
    assert (AuditEvent.select().count(), change_count()) == before


def test_every_write_moves_the_change_counter(db):
    start = change_count()
    record = create_customer(ACME, desk())
    save_customer(record, {"contact_name": "Ada King"}, desk())
    assert change_count() == start + 2


def test_stale_save_is_a_conflict_naming_their_changes(db):
    mine = create_customer(ACME, desk())
    theirs = load_customer(mine.id)
    save_customer(theirs, {"contact_name": "Ada King"}, desk())
    with pytest.raises(SaveConflict) as caught:
        save_customer(mine, {"business_name": "Acme Group"}, desk())
    conflict = caught.value
    assert conflict.theirs == {"contact_name": ("Ada Lovelace", "Ada King")}
    assert conflict.mine == {"business_name": ("Acme Ltd", "Acme Group")}
    assert "Contact Name" in str(conflict)
    assert load_customer(mine.id).values["business_name"] == "Acme Ltd"
    resolved = save_customer(conflict.current, {"business_name": "Acme Group"}, desk())
    assert resolved.values["contact_name"] == "Ada King"
    assert resolved.values["business_name"] == "Acme Group"


@pytest.mark.usefixtures("utc_zone")
def test_a_conflict_names_who_saved_last_and_when_from_the_audit_trail(db):
    mine = create_customer(ACME, desk())
    save_customer(load_customer(mine.id), {"contact_name": "Ada King"}, desk())
    save_customer(load_customer(mine.id), {"billing_city": "Westminster"}, desk())
    last = (
        AuditEvent.select()
        .where(AuditEvent.action == "updated")
        .order_by(AuditEvent.id.desc())
        .get()
    )
    with pytest.raises(SaveConflict) as caught:
        save_customer(mine, {"business_name": "Acme Group"}, desk())
    conflict = caught.value
    assert (conflict.saved_by.staff, conflict.saved_by.at, conflict.saves) == (
        desk().login,
        last.at,
        2,
    )
    assert conflict.who_and_when(now=last.at) == (
        f"{desk().login} saved this customer at {last.at:%H:%M} UTC "
        "(after 1 other save since you opened it)."
    )


@pytest.mark.usefixtures("utc_zone")
def test_a_conflict_after_an_import_or_an_archive_says_so_with_the_day():
    from datetime import datetime

    from models.save_conflict import OtherSave

    at = datetime(2026, 3, 14, 14, 2)
    assert (
        OtherSave("ada", at).sentence(now=datetime(2026, 3, 14, 23, 0))
        == "ada saved this customer at 14:02 UTC"
    )
    assert (
        OtherSave("bob", at, "imported").sentence(now=datetime(2026, 3, 15, 9, 0))
        == "bob updated this customer from a CSV file on 2026-03-14 at 14:02 UTC"
    )
    assert (
        OtherSave("cy", at, "archived").sentence(now=at) == "cy archived this customer at 14:02 UTC"
    )


def test_a_conflict_keeps_the_clerks_edits_only_where_they_chose(db):
    mine = create_customer(ACME, desk())
    save_customer(
        load_customer(mine.id),
        {"contact_name": "Ada King", "business_name": "Acme Holdings"},
        desk(),
    )
    with pytest.raises(SaveConflict) as caught:
        save_customer(
            mine,
            {"business_name": "Acme Group", "contact_name": "Ada King", "billing_city": "Leeds"},
            desk(),
        )
    conflict = caught.value
    assert conflict.contested == ["business_name"]  # both changed it, to different values
    assert conflict.kept_edits(frozenset()) == {"billing_city": "Leeds"}
    assert conflict.kept_edits(frozenset({"business_name"})) == {
        "business_name": "Acme Group",
        "billing_city": "Leeds",
    }


def test_timestamps_are_utc(db):
    from models.clock import utcnow

    record = create_customer(ACME, desk())
    stored = Customer.get_by_id(record.id)
    assert abs((utcnow() - stored.created_at).total_seconds()) < 60
