"""A modal Yes/No question: y / n / escape (No) / enter (the focused button), with an optional
reason typed by staff. A question too long for the screen scrolls (PgUp/PgDn, or tab to it and
the arrows); the reason, the buttons and the keys always show."""

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Button, Input, Label, Static

from models.fields import MAX_REASON_CHARS
from screens.dialogs.dialog import Dialog
from screens.widgets.overflow_scroll import OverflowScroll
from screens.widgets.safe_editors import SafeInput

KEYS = "y Yes · n No · Esc cancels · Enter: highlighted button"
SCROLL_KEYS = "PgUp/PgDn scroll the question"


class ConfirmDialog(Dialog[bool]):
    """Ask before acting: True for Yes, False for No. `reason` holds what staff typed, if asked."""

    PREFIX = "confirm"
    KEYS_TEXT = KEYS
    SCROLL_KEYS_TEXT = SCROLL_KEYS
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Yes"),
        Binding("n", "answer(False)", "No"),
        Binding("escape", "answer(False)", "No"),
        Binding("pageup", "scroll_body(False)", "Scroll the question up", show=False),
        Binding("pagedown", "scroll_body(True)", "Scroll the question down", show=False),
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
        with Vertical(id="confirm", classes="dialog"):
            yield Label(Content(self._title), id="confirm-title", classes="dialog-top dialog-title")
            with OverflowScroll(id="confirm-question-scroll", classes="dialog-body"):
                yield Static(self._question, id="confirm-question")
            with Vertical(id="confirm-answer", classes="dialog-bottom"):
                if self._ask_reason:
                    yield Label(
                        Content(self._ask_reason), id="confirm-reason-label", classes="dialog-label"
                    )
                    yield SafeInput(
                        id="confirm-reason",
                        max_length=MAX_REASON_CHARS,
                        placeholder="optional; saved in the audit trail",
                        paste_name="the reason",
                    )
                with Horizontal(id="confirm-buttons", classes="dialog-buttons"):
                    yield Button(
                        Content(self._yes_label),
                        id="yes",
                        variant="error" if self._dangerous else "primary",
                    )
                    yield Button(Content(self._no_label), id="no")
                yield Static(Content(KEYS), id="confirm-keys", classes="dialog-keys")

    def on_mount(self) -> None:
        """Focus No when the action is one to think twice about, else Yes."""
        self.query_one("#no" if self._focus_no else "#yes", Button).focus()

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
