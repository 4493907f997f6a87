"""Look-alike email addresses: the rule without a UI, punycode storage, and the warning in the
import preview (both engines), beside the field, and in a portal action's confirm dialog."""

import pytest
from support.detail import SAMPLE, DetailApp, opened_sqlite
from support.portal import desk
from support.screen import screen_text
from support.waiting import settle
from textual.app import App

from models.customers import create_customer, load_customer
from models.portal.actions import ACTION_LOCK, PortalSummary
from models.text.email_lookalike import lookalike_warning, unicode_domain
from models.transfer.customer_import import preview_import
from models.validation import validate_customer
from screens.portal_flow import confirm_dialog
from screens.widgets.form_fields import FieldRow
from styles import APP_STYLESHEETS

SIZE = (80, 24)
CYRILLIC_A = "\u0430"
MIXED_DOMAIN = f"jo@p{CYRILLIC_A}ypal.com"  # "paypal" with a Cyrillic а
WHOLE_CYRILLIC = "jo@\u0430\u0440\u0440\u04cf\u0435.com"  # аррӏе: reads "apple"
MIXED_WARNING = (
    "Check this address: “p\u0430ypal” mixes Latin and Cyrillic letters, as "
    "look-alike addresses do."
)


# --- the rule ---


@pytest.mark.parametrize(
    "address, warning",
    [
        (MIXED_DOMAIN, MIXED_WARNING),
        ("jo@xn--pypal-4ve.com", MIXED_WARNING),  # the same domain, as stored (punycode)
        (
            "j\u043ehn@example.com",
            (
                "Check this address: “j\u043ehn” mixes Latin and Cyrillic "
                "letters, as look-alike addresses do."
            ),
        ),
        (
            WHOLE_CYRILLIC,
            (
                "Check this address: its domain \u0430\u0440\u0440\u04cf\u0435.com is "
                "written in letters that look like Latin ones; it reads as apple.com but "
                "is not that domain."
            ),
        ),
        (
            "jo@xn--80ak6aa92e.com",
            (
                "Check this address: its domain \u0430\u0440\u0440\u04cf\u0435.com"
                " is written in letters that look like Latin ones; it reads as "
                "apple.com but is not that domain."
            ),
        ),
        (
            "jo@\u0261oogle.com",
            (
                "Check this address: its domain \u0261oogle.com is written in "
                "letters that look like Latin ones; it reads as google.com but is "
                "not that domain."
            ),
        ),  # Latin small script g
    ],
)
def test_look_alike_addresses_are_warned_about(address, warning):
    assert lookalike_warning(address) == warning


@pytest.mark.parametrize(
    "address",
    [
        "jane@example.com",
        "jo@b\u00fccher.de",
        "jo@xn--bcher-kva.de",
        ("ivan@\u043f\u0440\u0438\u043c\u0435\u0440.\u0440\u0444"),
        "\u7530\u4e2d@\u4f8b\u3048.jp",
        "jos\u00e9@example.com",
        "",
        None,
        "not an address",
    ],
)
def test_ordinary_and_international_addresses_are_not(address):
    assert lookalike_warning(address) == ""


def test_punycode_labels_are_shown_in_unicode():
    assert unicode_domain("xn--bcher-kva.de") == "b\u00fccher.de"
    assert unicode_domain("xn--zz.example") == "xn--zz.example"  # not punycode: as it is


# --- stored in ASCII ---


@pytest.mark.parametrize(
    "typed, stored",
    [
        ("Jo@B\u00fccher.DE", "Jo@xn--bcher-kva.de"),
        ("jo@xn--bcher-kva.de", "jo@xn--bcher-kva.de"),
        (MIXED_DOMAIN, "jo@xn--pypal-4ve.com"),
        ("jos\u00e9@example.com", "jos\u00e9@example.com"),  # no ASCII form: kept, needs SMTPUTF8
    ],
)
def test_an_international_domain_is_stored_in_its_ascii_form(typed, stored):
    result = validate_customer({"business_name": "Acme", "billing_email": typed})
    assert result.ok and result.values["billing_email"] == stored
    again = validate_customer({"business_name": "Acme", "billing_email": stored})
    assert again.values["billing_email"] == stored


# --- where it is shown ---


def test_the_import_preview_lists_look_alike_addresses(db, tmp_path):
    path = tmp_path / "customers.csv"
    path.write_text(
        "Business Name,Billing Email,Shipping Email\n"
        "Good Ltd,jane@example.com,\n"
        f"Pay Ltd,{MIXED_DOMAIN},{WHOLE_CYRILLIC}\n",
        encoding="utf-8",
    )
    with preview_import(path) as preview:
        assert preview.ok and preview.to_create == 2
        assert [(w.line, w.column, w.message) for w in preview.warnings] == [
            (3, "Billing Email", MIXED_WARNING),
            (3, "Shipping Email", lookalike_warning(WHOLE_CYRILLIC)),
        ]


@pytest.fixture
def shown(sqlite_url):
    with opened_sqlite(sqlite_url):
        yield sqlite_url, create_customer({**SAMPLE, "billing_email": MIXED_DOMAIN}, desk())


async def test_the_detail_screen_warns_beside_the_field_and_typing_clears_it(shown):
    url, customer = shown
    assert load_customer(customer.id).values["billing_email"] == "jo@xn--pypal-4ve.com"
    app = DetailApp(url, customer.id)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(pilot)
        row = app.screen.query_one("#row-billing_email", FieldRow)
        assert row.warning == MIXED_WARNING and row.has_class("-warned")
        await pilot.press("f3")  # the Addresses tab
        row.focus_editor()
        await pilot.pause()
        assert "⚠ Check this address" in screen_text(app)
        row.editor.value = "jo@paypal.com"
        await pilot.pause()
        assert row.warning == "" and not row.has_class("-warned")


class DialogApp(App):
    CSS_PATH = APP_STYLESHEETS  # as the real app: every dialog's styles

    def on_mount(self) -> None:
        summary = PortalSummary(1, "Pay Ltd", "jo@xn--pypal-4ve.com", "active", "active", ())
        self.push_screen(confirm_dialog(ACTION_LOCK, summary, link_mode=False))


async def test_a_portal_action_confirm_dialog_warns_about_the_address():
    app = DialogApp()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        text = " ".join(screen_text(app).split())
        assert "⚠ Check this address: “p\u0430ypal” mixes Latin and Cyrillic" in text
