"""A modal Yes/No question: y / n / escape (No) / enter (the focused button), with an optional
reason typed by staff."""

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from styles import stylesheet

from screens.keep_running import KeepRunning

MAX_REASON_CHARS = 200


class ConfirmDialog(KeepRunning, ModalScreen[bool]):
    """Ask before acting: True for Yes, False for No. `reason` holds what staff typed, if asked."""

    CSS_PATH = stylesheet("dialogs.tcss")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Yes"),
        Binding("n", "answer(False)", "No"),
        Binding("escape", "answer(False)", "No"),
    ]

    def __init__(self, title: str, question: Content, *, yes_label: str = "Yes",
                 no_label: str = "No", focus_no: bool = False, ask_reason: str = "",
                 dangerous: bool = False):
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
            yield Static(self._question, id="confirm-question")
            if self._ask_reason:
                yield Label(Content(self._ask_reason), id="confirm-reason-label")
                yield Input(id="confirm-reason", max_length=MAX_REASON_CHARS,
                            placeholder="optional; saved in the audit trail")
            with Horizontal(id="confirm-buttons"):
                yield Button(Content(self._yes_label), id="yes",
                             variant="error" if self._dangerous else "primary")
                yield Button(Content(self._no_label), id="no")
            yield Static(Content("y Yes · n No · Esc cancels · Enter: highlighted button"),
                         id="confirm-keys")

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
