"""A modal Yes/No question: y / n / escape (No) / enter (the focused button), with an optional
reason typed by staff. A question too long for the screen scrolls (PgUp/PgDn, or tab to it and
the arrows); the reason, the buttons and the keys always show."""

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from models.fields import MAX_REASON_CHARS
from screens.widgets.keep_running import KeepRunning
from screens.widgets.overflow_scroll import OverflowScroll
from screens.widgets.safe_editors import SafeInput
from styles import stylesheet

KEYS = "y Yes · n No · Esc cancels · Enter: highlighted button"
SCROLL_KEYS = "PgUp/PgDn scroll the question"


class ConfirmDialog(KeepRunning, ModalScreen[bool]):
    """Ask before acting: True for Yes, False for No. `reason` holds what staff typed, if asked."""

    CSS_PATH = stylesheet("dialogs.tcss")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Yes"),
        Binding("n", "answer(False)", "No"),
        Binding("escape", "answer(False)", "No"),
        Binding("pageup", "scroll_question(False)", "Scroll the question up", show=False),
        Binding("pagedown", "scroll_question(True)", "Scroll the question down", show=False),
    ]

    def __init__(
        self,
        title: str,
        question: Content,
        *,
        yes_label: str = "Yes",
        no_label: str = "No",
        focus_no: bool = False,
        ask_reason: str = "",
        dangerous: bool = False,
    ):
        super().__init__()
        self._title = title
        self._question = question
        self._yes_label = yes_label
        self._no_label = no_label
        self._focus_no = focus_no
        self._ask_reason = ask_reason
        self._dangerous = dangerous
        self.reason = ""

    def compose(self) -> ComposeResult:
        """Title, question, the optional reason, the two buttons and the keys."""
        with Vertical(id="confirm"):
            yield Label(Content(self._title), id="confirm-title")
            with OverflowScroll(id="confirm-question-scroll"):
                yield Static(self._question, id="confirm-question")
            with Vertical(id="confirm-answer"):
                if self._ask_reason:
                    yield Label(Content(self._ask_reason), id="confirm-reason-label")
                    yield SafeInput(
                        id="confirm-reason",
                        max_length=MAX_REASON_CHARS,
                        placeholder="optional; saved in the audit trail",
                        paste_name="the reason",
                    )
                with Horizontal(id="confirm-buttons"):
                    yield Button(
                        Content(self._yes_label),
                        id="yes",
                        variant="error" if self._dangerous else "primary",
                    )
                    yield Button(Content(self._no_label), id="no")
                yield Static(Content(KEYS), id="confirm-keys")

    def on_mount(self) -> None:
        """Focus No when the action is one to think twice about, else Yes."""
        self.query_one("#no" if self._focus_no else "#yes", Button).focus()

    def on_overflow_scroll_overflow(self, event: OverflowScroll.Overflow) -> None:
        """Name the keys that scroll the question while it does not fit."""
        self.query_one("#confirm-keys", Static).update(
            Content(f"{KEYS}\n{SCROLL_KEYS}" if event.overflows else KEYS)
        )

    def action_scroll_question(self, down: bool) -> None:
        """Scroll the question a page, wherever the focus is."""
        scroll = self.query_one("#confirm-question-scroll", OverflowScroll)
        if down:
            scroll.scroll_page_down()
        else:
            scroll.scroll_page_up()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        """A button answers the question."""
        event.stop()
        self.action_answer(event.button.id == "yes")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter in the reason moves to Yes; a second Enter confirms."""
        event.stop()
        self.query_one("#yes", Button).focus()

    def action_answer(self, yes: bool) -> None:
        """Close the dialog with the answer, keeping the reason typed."""
        if self._ask_reason:
            self.reason = self.query_one("#confirm-reason", Input).value.strip()
        self.dismiss(yes)
