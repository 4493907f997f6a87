"""Rules that used to be written twice (in a screen and in models/, or in two features) live
once in models/; every place that shows or applies them gives the same answer."""

from datetime import timedelta
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from support.portal import (
    SENDER,
    desk,
    make_customer,
    secret_in,
)

from models.customers import CustomerRecord, create_customer
from models.demo import generate, pools
from models.duplicates import name_key
from models.fields import MAX_REASON_CHARS, display_name, greeting_name
from models.history import change_lines
from models.mail import outbox
from models.mail.smtp import parse_mail_url
from models.portal import delivery
from models.portal.actions import (
    ACTION_RESET,
    ACTION_SEND,
    PortalActionRefused,
    PortalSummary,
    lock_account,
    send_activation,
)
from models.portal.emails import hours
from models.portal.tokens import LINK_LIFETIME, PURPOSE_ACTIVATION, PURPOSE_RESET
from models.save_conflict import SaveConflict
from models.store import search_copy as index
from models.store.db import close_database
from models.store.tables import Customer
from models.text.characters import fold, fold_name, strip_accents
from models.transfer.customer_import import preview_import
from models.validation import display_value
from screens.dialogs import confirm, conflict_dialog, csv_dialog, merge_dialog, pickers
from screens.portal_flow import confirm_dialog
from tui.cli import main

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


# ----------------------------------------------------------------- accent folding


def test_the_index_duplicates_and_pickers_fold_with_models_characters():
    assert index.fold is fold and pickers.fold_name is fold_name
    assert strip_accents("Crème brûlée") == "Creme brulee"
    assert fold("Łódź ÆSIR") == "lodz aesir"  # letters that do not decompose, too
    assert name_key("Łukasz Żółć-Nowak") == name_key("lukasz zolc nowak")
    assert fold_name(" Côte  d’Ivoire ") == "cote d'ivoire"


# ----------------------------------------------------------------- save conflicts


def test_the_conflict_dialog_rows_and_choices_follow_save_conflict():
    conflict = SaveConflict(
        CustomerRecord(1, 3, {}),
        theirs={"contact_name": ("Ada", "Bo"), "business_name": ("Acme", "Acme Ltd")},
        mine={"billing_city": ("", "Paris"), "contact_name": ("Ada", "Cy")},
    )
    assert conflict.fields == ["business_name", "contact_name", "billing_city"]
    assert conflict.contested == ["contact_name"]
    assert conflict.kept_edits(set()) == {"billing_city": "Paris"}
    assert conflict.kept_edits({"contact_name"}) == {"billing_city": "Paris", "contact_name": "Cy"}


# ----------------------------------------------------------------- the import report


def test_the_import_report_is_the_same_on_the_command_line_and_in_the_dialog(
    db, db_url, tmp_path, capsys
):
    path = tmp_path / "customers.csv"
    path.write_text(
        "Business Name,Billing Email,Billing Country\n"
        "Good Ltd,jane@example.com,GB\n"
        "Pay Ltd,jane@ex\u0430mple.com,GB\n"  # a Cyrillic "а": a row to check
        "Far Ltd,,Far Away\n",  # a bad row
        encoding="utf-8",
    )
    close_database()
    assert main(["--db", db_url, "import", "--dry-run", str(path)]) == 1
    printed = capsys.readouterr().out.splitlines()
    with preview_import(path) as preview:
        shown = csv_dialog.preview_report(str(path), preview).split("\n")
    assert shown == printed
    assert printed[:2] == [
        f"{path}: 3 rows: 2 to create, 1 bad.",
        "Nothing can be imported: correct the file and check it again.",
    ]
    assert printed[2].startswith("  Line 4, Billing Country: ")
    assert printed[3].startswith("  \u26a0 Line 3, Billing Email: ")


# ----------------------------------------------------------------- mail knows no portal


def test_only_a_deliverer_given_the_portal_secrets_sends_a_portal_email(db, tmp_path):
    customer_id = make_customer()
    queued = send_activation(customer_id, desk(), expected_version=0, sender=SENDER)
    config = parse_mail_url(f"maildir:{tmp_path / 'mail'}", SENDER)
    assert outbox.deliver_waiting(config, due_only=False).outcomes == []  # it waits: no issuer
    assert outbox.deliver_message(queued.outbox_id, config) is None
    [sent] = delivery.deliver_waiting(config, due_only=False).sent
    assert sent.outbox_id == queued.outbox_id
    [path] = (tmp_path / "mail" / "new").iterdir()
    assert secret_in(message_from_bytes(path.read_bytes(), policy=policy.default))


# ----------------------------------------------------------------- the demo's pools


def test_the_demo_draws_from_its_pools_which_hold_data_only():
    assert generate.COUNTRIES is pools.COUNTRIES and generate.PEOPLE is pools.PEOPLE
    assert {c.code for c in pools.COUNTRIES} == set(pools.COUNTRY_BY_CODE)
    assert all(city.postal and city.phones for c in pools.COUNTRIES for city in c.cities)
    source = Path(pools.__file__).read_text(encoding="utf-8")
    assert "import models" not in source and "from models" not in source  # data, no rules
