"""The History tab's rows (the audit trail) and the Access log tab's rows (portal sign-ins)."""

import pytest
from support.portal import (
    NEW_PASSWORD,
    SENDER,
    activated,
    desk,
    make_customer,
    seen,
)

from models.archive import archive_customer, restore_customer
from models.audit.access_log import access_log
from models.audit.events import record_event
from models.customers import create_customer, load_customer, save_customer
from models.history import action_title, customer_history
from models.notes import add_note, delete_note
from models.portal.actions import lock_account, send_activation
from models.portal.signin import sign_in
from models.store.engine import write_transaction
from models.transfer.customer_import import apply_import, preview_import


@pytest.fixture
def acme(db):
    """A customer created with a few fields set."""
    return create_customer(
        {
            "code": "ACME",
            "business_name": "Acme Ltd",
            "billing_country": "GB",
            "billing_phone": "+44 20 7946 0000",
            "wholesale": True,
        },
        desk(),
    )


def test_creation_lists_each_value_set(acme):
    [row] = customer_history(acme.id)
    assert (row.title, row.staff, row.action) == ("Created", desk().login, "created")
    assert set(row.lines) == {
        "Customer Code: ACME",
        "Business Name: Acme Ltd",
        "Billing Country: United Kingdom",  # the country's name, as every dialog shows it
        "Billing Telephone: +44 20 7946 0000",
        "Wholesale: Yes",
        "Tax Exempt: No",
    }
    assert not row.undoable


def test_a_change_shows_label_before_and_after_in_words(acme):
    save_customer(
        acme,
        {
            "business_name": "Acme Limited",
            "wholesale": False,
            "tax_exempt": "state",
            "billing_phone": "",
        },
        desk(),
    )
    row = customer_history(acme.id)[0]
    assert (row.title, row.staff) == ("Updated", desk().login)
    assert set(row.lines) == {
        "Business Name: Acme Ltd → Acme Limited",
        "Wholesale: Yes → No",
        "Tax Exempt: No → State-Provincial taxes",
        "Billing Telephone: +44 20 7946 0000 → (blank)",
    }


def test_newest_first_across_every_kind_of_event(acme):
    note = add_note(acme.id, "first line\nsecond", True, desk())
    delete_note(note.id, desk())
    archive_customer(acme.id, desk())
    restore_customer(acme.id, desk())
    rows = customer_history(acme.id)
    assert [(r.title, r.staff) for r in rows] == [
        ("Restored", desk().login),
        ("Archived", desk().login),
        ("Note deleted", desk().login),
        ("Note added", desk().login),
        ("Created", desk().login),
    ]
    assert rows[3].lines == (f"Added public note #{note.id}: first line second",)
    assert rows[0].at >= rows[-1].at


def test_paging_goes_on_from_the_oldest_row_shown(acme):
    for number in range(5):
        add_note(acme.id, f"note {number}", False, desk())
    first = customer_history(acme.id, limit=4)
    rest = customer_history(acme.id, limit=4, before_id=first[-1].id)
    assert len(first) == 4 and len(rest) == 2
    assert [r.title for r in rest] == ["Note added", "Created"]


def test_portal_actions_are_titled_with_their_labels(db):
    customer_id = make_customer()
    send_activation(customer_id, desk(), expected_version=seen(customer_id), sender=SENDER)
    lock_account(customer_id, desk(), expected_version=seen(customer_id), reason="card fraud")
    rows = customer_history(customer_id)
    assert [r.title for r in rows[:2]] == ["Portal: Lock Account", "Portal: Send Activation Email"]
    assert rows[0].lines[0].endswith("Reason: card fraud")


def test_unknown_actions_and_fields_are_spelled_out(acme):
    with write_transaction():
        record_event(acme.id, desk(), "portal_frobnicate_widget", {"colour": ("red", None)})
        record_event(acme.id, desk(), "loyalty_points_added", detail="+10")
    rows = customer_history(acme.id)
    assert (rows[0].title, rows[0].lines) == ("Loyalty points added", ("+10",))
    assert (rows[1].title, rows[1].lines) == (
        "Portal: Frobnicate widget",
        ("Colour: red → (blank)",),
    )
    assert action_title("") == "(no action)"


def test_an_import_shows_its_file_line_and_changes(acme, tmp_path):
    path = tmp_path / "customers.csv"
    path.write_text("Customer Code,Business Name\nACME,Acme Trading\n", encoding="utf-8")
    with preview_import(path, update=True) as preview:
        apply_import(preview, desk())
    row = customer_history(acme.id)[0]
    assert (row.title, row.staff) == ("Imported", desk().login)
    assert "Business Name: Acme Ltd → Acme Trading" in row.lines
    assert any("line 2" in line for line in row.lines)


def test_another_customers_events_never_show(acme):
    other = create_customer({"contact_name": "Someone Else"}, desk())
    save_customer(load_customer(other.id), {"contact_name": "Someone"}, desk())
    assert {r.staff for r in customer_history(acme.id)} == {desk().login}


def test_the_access_log_lists_sign_in_attempts_newest_first(db):
    customer_id, temporary = activated("jo@example.com")
    other_id, _ = activated("kim@example.com")
    sign_in("jo@example.com", "wrong", address="203.0.113.7")
    sign_in("jo@example.com", temporary, NEW_PASSWORD, address="203.0.113.8")
    sign_in("kim@example.com", "wrong")
    rows = access_log(customer_id, desk())
    assert [(r.outcome, r.address) for r in rows] == [
        ("Success", "203.0.113.8"),
        ("Failed", "203.0.113.7"),
    ]
    assert rows[0].reason == "signed in; own password set"
    assert rows[1].reason == "wrong password (1 in a row)"
    assert rows[0].email == "jo@example.com"
    assert rows[0].at >= rows[1].at
    assert [r.reason for r in access_log(customer_id, desk(), limit=1, before_id=rows[0].id)] == [
        "wrong password (1 in a row)"
    ]
    assert len(access_log(other_id, desk())) == 1
