"""Rules that used to be written twice (in a screen and in models/, or in two features) live
once in models/; every place that shows or applies them gives the same answer."""

from datetime import timedelta

import pytest
from support.portal import desk, fast_bcrypt  # noqa: F401  (fast_bcrypt: autouse fixture)

from models.customers import CustomerRecord, create_customer
from models.fields import display_name, greeting_name
from models.history import change_lines
from models.portal.actions import (
    ACTION_RESET,
    ACTION_SEND,
    MAX_REASON_CHARS,
    PortalActionRefused,
    PortalSummary,
    lock_account,
)
from models.portal.emails import hours
from models.portal.tokens import LINK_LIFETIME, PURPOSE_ACTIVATION, PURPOSE_RESET
from models.store.tables import Customer
from models.validation import display_value
from screens.dialogs import confirm, conflict_dialog, merge_dialog
from screens.portal_flow import confirm_dialog

# ----------------------------------------------------------------- display_value


def test_both_dialogs_and_the_history_show_a_value_with_the_one_display_value():
    assert conflict_dialog.display_value is display_value
    assert merge_dialog.display_value is display_value


@pytest.mark.parametrize(
    ("field", "value", "shown"),
    [
        ("billing_country", "CA", "Canada"),  # the merge dialog showed "CA", the conflict one this
        ("billing_country", "", "(blank)"),
        ("billing_phone", "+442079460000", "+44 20 7946 0000"),
        ("tax_exempt", "state", "State-Provincial taxes"),
        ("wholesale", True, "Yes"),
        ("wholesale", False, "No"),
        ("accepts_marketing", 1, "Yes"),
        ("business_name", None, "(blank)"),
        ("business_name", "Acme", "Acme"),
        ("not_a_field", "x", "x"),
    ],
)
def test_a_stored_value_reads_the_same_everywhere(field, value, shown):
    assert display_value(field, value) == shown


def test_the_history_names_the_country_as_the_dialogs_do():
    assert change_lines({"billing_country": ("GB", "CA")}) == [
        "Billing Country: United Kingdom → Canada"
    ]


# ----------------------------------------------------------------- the reason's limit


def test_the_reason_box_holds_what_the_portal_accepts(db):
    assert confirm.MAX_REASON_CHARS is MAX_REASON_CHARS
    customer = create_customer({"business_name": "Acme", "billing_email": "a@example.com"}, desk())
    with pytest.raises(PortalActionRefused, match=f"at most {MAX_REASON_CHARS} characters"):
        lock_account(customer.id, desk(), expected_version=0, reason="x" * (MAX_REASON_CHARS + 1))


# ----------------------------------------------------------------- link lifetimes


def _question(action: str) -> str:
    summary = PortalSummary(1, "Ada", "ada@example.com", "active", "Active", ())
    return str(confirm_dialog(action, summary, link_mode=True)._question)


def test_the_confirmation_says_how_long_a_link_works_from_the_one_constant(monkeypatch):
    assert "(valid 24 hours)" in _question(ACTION_SEND)
    assert "(valid 1 hour)" in _question(ACTION_RESET)
    monkeypatch.setitem(LINK_LIFETIME, PURPOSE_ACTIVATION, timedelta(hours=48))
    monkeypatch.setitem(LINK_LIFETIME, PURPOSE_RESET, timedelta(hours=2))
    assert f"(valid {hours(timedelta(hours=48))})" in _question(ACTION_SEND)
    assert "(valid 2 hours)" in _question(ACTION_RESET)


# ----------------------------------------------------------------- a customer's name


@pytest.mark.parametrize(
    ("business", "contact", "name"),
    [("Acme", "Ada", "Acme"), ("", "Ada", "Ada"), (None, "Ada", "Ada"), ("", "", "")],
)
def test_a_customer_is_named_the_same_way_by_the_table_the_record_and_the_rule(
    business, contact, name
):
    assert display_name(business, contact) == name
    assert Customer(business_name=business or "", contact_name=contact).display_name == name
    record = CustomerRecord(1, 1, {"business_name": business, "contact_name": contact})
    assert record.display_name == name


def test_an_email_greets_a_person_first():
    assert greeting_name("Bo", "Ada", "Acme") == "Bo"
    assert greeting_name("", "Ada", "Acme") == "Ada"
    assert greeting_name("", None, "Acme") == "Acme"
    assert greeting_name(None, None, None) == ""
