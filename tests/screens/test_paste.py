"""Pastes lose nothing silently and run no key: the models' cleaning rule, the paste fence in
front of Textual's input parser, the text boxes (reason, field, note) through the pilot, the
clipboard, and the real app on a pseudo-terminal fed raw bracketed-paste bytes."""

import sys
import time

import pytest
from support.detail import SAMPLE, DetailApp, opened_sqlite
from support.portal import desk
from support.screen import screen_text
from support.waiting import settle
from textual import events
from textual._xterm_parser import XTermParser
from textual.app import App
from textual.widgets import Input, TextArea

from bench.idle_bench import PtyProgram, app_env
from models.customers import create_customer
from models.notes import MAX_NOTE_CHARS
from models.store.db import close_database, open_database
from models.store.upgrade import upgrade_database
from models.text.pasted import clean_paste
from screens.customer_detail import CustomerDetailScreen
from screens.dialogs.actions_menu import ActionsMenu
from screens.dialogs.confirm import MAX_REASON_CHARS, ConfirmDialog
from styles import APP_STYLESHEETS
from tui.paste_fence import PasteFence, PasteFencedParser

SIZE = (80, 24)
HOSTILE = "a\u202eb\u200bc\x85d\x9be\x7ff"  # RLO, ZWSP, C1 NEL (a line break), C1 CSI, DEL
RAW_SHOWN = ("\u202e", "\u200b", "\x85", "\x9b", "\x7f", "\x1b")


# --- the rule, without a UI ---


def test_a_multi_line_paste_into_one_line_is_joined_with_spaces_and_said():
    pasted = clean_paste("100 Queen St W\r\n  Toronto \n\nON\rM5H 2N2", one_line=True)
    assert pasted.text == "100 Queen St W Toronto ON M5H 2N2"
    assert pasted.notice("Street Address") == (
        "Pasted, but its 4 lines were joined with spaces (Street Address holds one line)."
    )


def test_a_single_line_with_a_trailing_line_break_goes_in_without_a_word():
    pasted = clean_paste("Jane Doe\n", one_line=True)
    assert (pasted.text, pasted.notice("Contact Name")) == ("Jane Doe", "")


def test_escape_sequences_and_invisible_characters_are_removed_and_named():
    pasted = clean_paste(
        "ok \x1b[31mred\x1b[0m \x1b]8;;http://x\x07link\x1b]8;;\x07" + HOSTILE, one_line=True
    )
    assert pasted.text == "ok red linkabc def"  # NEL broke the line: joined with a space
    assert pasted.notice("Reason") == (
        "Pasted, but its 2 lines were joined with spaces (Reason holds one line); 4 terminal "
        "escape sequences were removed; 4 control or invisible characters were removed "
        "(U+202E, U+200B, U+009B, U+007F)."
    )


def test_a_paste_longer_than_the_room_left_says_how_much_was_cut():
    pasted = clean_paste("x" * 350, one_line=True, room=200)
    assert pasted.text == "x" * 200 and pasted.cut == 150
    assert pasted.notice("the reason", 200) == (
        "Pasted, but only its first 200 of 350 characters went in (the reason holds at most "
        "200 characters); 150 were left out."
    )


def test_a_paste_into_a_full_field_is_refused_with_the_reason():
    pasted = clean_paste("more", one_line=True, room=0)
    assert pasted.text == ""
    assert pasted.notice("the reason", 200) == (
        "Nothing was pasted: the reason is full (at most 200 characters)."
    )


def test_a_multi_line_paste_keeps_its_lines_where_lines_are_allowed():
    pasted = clean_paste("first\r\nsecond\tcolumn\u2028third", one_line=False)
    assert pasted.text == "first\nsecond column\nthird"
    assert pasted.notice("a note") == ""


# --- the fence in front of Textual's parser ---

PASTE_WITH_ESC = "\x1b[200~Jane\x1b\x0fDoe\x1b[201~"  # an ESC, then ctrl+o, inside the paste


def parsed(parser, *chunks: str) -> list[tuple[str, str]]:
    """The events the chunks of input become, as (kind, key or pasted text)."""
    return [
        (type(event).__name__, event.key if isinstance(event, events.Key) else event.text)
        for chunk in chunks
        for event in parser.feed(chunk)
        if isinstance(event, events.Key | events.Paste)
    ]


def test_textual_alone_turns_text_after_an_esc_in_a_paste_into_keystrokes():
    """The cause, in Textual 8.2.8 (docs/notes/paste-escape.md). If this fails, Textual has
    fixed it: tui/paste_fence.py can go."""
    assert parsed(XTermParser(), PASTE_WITH_ESC) == [
        ("Key", "circumflex_accent"),
        ("Key", "ctrl+o"),
        ("Key", "D"),
        ("Key", "o"),
        ("Key", "e"),
        ("Paste", "Jane"),
    ]


def test_behind_the_fence_a_paste_arrives_whole_and_no_key_is_pressed():
    assert parsed(PasteFencedParser(), "a" + PASTE_WITH_ESC + "b") == [
        ("Key", "a"),
        ("Paste", "Jane\x1b\x0fDoe"),
        ("Key", "b"),
    ]


@pytest.mark.parametrize("cut", range(1, len(PASTE_WITH_ESC) + 2))
def test_the_fence_holds_wherever_the_terminal_splits_the_input(cut):
    text = "a" + PASTE_WITH_ESC + "b"
    assert parsed(PasteFencedParser(), text[:cut], text[cut:]) == [
        ("Key", "a"),
        ("Paste", "Jane\x1b\x0fDoe"),
        ("Key", "b"),
    ]


def test_the_fence_byte_by_byte_and_outside_a_paste_changes_nothing():
    fence = PasteFence()
    assert "".join(fence.feed(char) for char in "x\x1b[Ay" + PASTE_WITH_ESC) == (
        "x\x1b[Ay\x1b[200~Jane\uffff\x0fDoe\x1b[201~"
    )


def test_the_escape_key_after_a_paste_is_still_the_escape_key():
    parser = PasteFencedParser()
    assert parsed(parser, PASTE_WITH_ESC, "\x1b") == [("Paste", "Jane\x1b\x0fDoe")]
    time.sleep(0.15)  # longer than Textual's ESCDELAY: a lone ESC is the key
    assert [event.key for event in parser.tick()] == ["escape"]


# --- the text boxes, through the pilot ---


class ReasonApp(App):
    """A Lock Account confirm dialog with its reason field, on an otherwise empty app."""

    CSS_PATH = APP_STYLESHEETS  # as the real app: every dialog's styles

    def __init__(self):
        super().__init__()
        self.answers: list[bool] = []

    def on_mount(self) -> None:
        self.push_screen(
            ConfirmDialog("Lock Account", "Lock it?", ask_reason="Reason"), self.answers.append
        )


async def reason_box(pilot) -> Input:
    await pilot.pause()
    box = pilot.app.screen.query_one("#confirm-reason", Input)
    box.focus()
    await pilot.pause()
    return box


def toasts(app) -> list[str]:
    return [note.message for note in app._notifications]


async def test_a_multi_line_paste_into_the_reason_is_joined_and_said():
    app = ReasonApp()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        box = await reason_box(pilot)
        box.post_message(events.Paste("card reported stolen\nby the customer\n"))
        await pilot.pause()
        assert box.value == "card reported stolen by the customer"
        assert toasts(app) == [
            ("Pasted, but its 2 lines were joined with spaces (the reason holds one line).")
        ]


async def test_a_paste_longer_than_the_reason_is_cut_and_said_then_refused_when_full():
    app = ReasonApp()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        box = await reason_box(pilot)
        box.post_message(events.Paste("x" * 350))  # dropped whole before
        await pilot.pause()
        assert box.value == "x" * MAX_REASON_CHARS
        box.post_message(events.Paste("more"))
        await pilot.pause()
        assert box.value == "x" * MAX_REASON_CHARS
        assert toasts(app) == [
            (
                "Pasted, but only its first 200 of 350 characters went in (the reason holds at "
                "most 200 characters); 150 were left out."
            ),
            "Nothing was pasted: the reason is full (at most 200 characters).",
        ]


async def test_invisible_and_control_characters_pasted_into_the_reason_are_never_drawn():
    app = ReasonApp()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        box = await reason_box(pilot)
        box.post_message(events.Paste(HOSTILE))
        await pilot.pause()
        assert box.value == "abc def"
        shown = screen_text(app)
        assert "abc def" in shown and not any(char in shown for char in RAW_SHOWN)
        assert "U+202E, U+200B, U+009B, U+007F" in toasts(app)[0]


async def test_an_esc_and_enter_pasted_into_the_reason_do_not_answer_the_dialog():
    """The raw bytes a terminal sends for a paste of "fraud ESC CR y", through the app's parser
    and driver: before the fence, CR moved to Yes and y confirmed the lock."""
    app = ReasonApp()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        box = await reason_box(pilot)
        for event in PasteFencedParser().feed("\x1b[200~fraud\x1b\ry\x1b[201~"):
            app._driver.process_message(event)
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog) and app.answers == []
        assert app.focused is box and box.value == "fraud y"


@pytest.fixture
def shown(sqlite_url):
    """A SQLite URL and a saved customer (the boxes are about showing, one engine is enough)."""
    with opened_sqlite(sqlite_url):
        yield sqlite_url, create_customer(SAMPLE, desk())


@pytest.mark.parametrize("parser, opens_menu", [(XTermParser, True), (PasteFencedParser, False)])
async def test_an_esc_and_ctrl_o_pasted_into_a_field_never_open_the_actions_menu(
    shown, parser, opens_menu
):
    """The raw bytes of a paste, through Textual's parser (the menu opens: the cause) and
    through custdesk's (it does not, and the field gets the text)."""
    url, customer = shown
    app = DetailApp(url, customer.id)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        box = app.screen.query_one("#contact_name", Input)
        box.focus()
        await pilot.press("end", "ctrl+u")
        for event in parser().feed(PASTE_WITH_ESC):
            app._driver.process_message(event)
        await settle(pilot)
        assert isinstance(app.screen, ActionsMenu) is opens_menu
        if not opens_menu:
            assert isinstance(app.screen, CustomerDetailScreen) and box.value == "JaneDoe"
            assert toasts(app) == [
                (
                    "Pasted, but 1 terminal escape sequence was removed; "
                    "1 control or invisible character was removed (U+000F)."
                )
            ]


async def test_the_notes_editor_keeps_lines_and_never_draws_invisible_characters(shown):
    url, customer = shown
    app = DetailApp(url, customer.id)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("f5")
        await settle(pilot)
        editor = app.screen.query_one("#note-body", TextArea)
        assert app.focused is editor
        editor.post_message(events.Paste("Called back\n" + HOSTILE))
        await pilot.pause()
        assert editor.text == "Called back\nabc\ndef"
        shown_text = screen_text(app)
        assert "abc" in shown_text and not any(char in shown_text for char in RAW_SHOWN)
        assert toasts(app) == [
            (
                "Pasted, but 4 control or invisible characters were removed "
                "(U+202E, U+200B, U+009B, U+007F)."
            )
        ]
        editor.post_message(events.Paste("y" * MAX_NOTE_CHARS))
        await pilot.pause()
        assert len(editor.text) == MAX_NOTE_CHARS
        assert "characters went in (a note holds at most 4,000 characters)" in toasts(app)[-1]


async def test_text_copied_to_the_clipboard_goes_through_the_sanitiser(db, db_url):
    from tui.app import CustdeskApp
    from tui.settings import at_the_desk, resolve_settings

    app = CustdeskApp(at_the_desk(resolve_settings(db_url, None, False)))
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        app.copy_to_clipboard("Acme\x1b[2J\u202eLtd\nline two\x7f")
        assert app.clipboard == "Acme␛[2JLtd\nline two␡"


# --- the real app on a pseudo-terminal ---


def test_the_real_app_takes_a_paste_with_an_esc_as_text_not_keys(tmp_path, sqlite_url):
    open_database(sqlite_url)
    upgrade_database()
    create_customer(SAMPLE, desk())
    close_database()
    program = PtyProgram([sys.executable, "-m", "tui", "--db", sqlite_url], app_env(tmp_path))
    try:
        program.read_until(b"1 customer", timeout=30)
        program.send(b"/")
        program.read_until_quiet(quiet=0.3)
        program.send(b"\x1b[200~Maple\x1b\x0fLeaf\x1b[201~")
        output = program.read_until(b"U+000F", timeout=10)
        output += program.read_until_quiet(quiet=0.5)
    finally:
        program.close()
    assert b"MapleLeaf" in output  # in the search box
    assert b"Send Activation" not in output  # the Actions menu never opened
