"""Asked when leaving a customer with unsaved changes: Save, Discard or Cancel."""

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Label, Static

from screens.dialogs.dialog import Dialog

SAVE = "save"
DISCARD = "discard"
CANCEL = "cancel"
KEYS = "s Save · d Discard · Esc or c Cancel · Enter: highlighted button"


class UnsavedDialog(Dialog[str]):
    """Save / Discard / Cancel; `s`, `d` and `escape` answer it, tab and enter work too."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("s", "answer('save')", "Save"),
        Binding("d", "answer('discard')", "Discard"),
        Binding("escape,c", "answer('cancel')", "Cancel"),
    ]

    def __init__(self, changed_labels: list[str]):
        super().__init__()
        self._changed = changed_labels

    def compose(self) -> ComposeResult:
        with Vertical(id="unsaved-dialog", classes="dialog"):
            yield Label("Unsaved changes", classes="dialog-title")
            yield Static(Text(self._summary()), classes="dialog-text")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Save", id=SAVE, variant="primary", compact=True)
                yield Button("Discard", id=DISCARD, variant="error", compact=True)
                yield Button("Cancel", id=CANCEL, compact=True)
            yield Static(KEYS, classes="dialog-keys", markup=False)

    def _summary(self) -> str:
        shown = ", ".join(self._changed[:4])
        more = f" and {len(self._changed) - 4} more" if len(self._changed) > 4 else ""
        return f"You changed {shown}{more}. Save before leaving?"

    def on_mount(self) -> None:
        """Start on Save, the choice that loses nothing."""
        self.query_one(f"#{SAVE}", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        """A button answers the question."""
        self.dismiss(event.button.id or CANCEL)

    def action_answer(self, answer: str) -> None:
        """A key answers the question."""
        self.dismiss(answer)
