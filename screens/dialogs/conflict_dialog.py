"""Shown when someone else saved the customer first: who and when, then their values and yours,
field by field."""

from dataclasses import dataclass, field
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Checkbox, Label, Static

from models.customers import SaveConflict
from models.fields import label
from models.validation import display_value
from screens.dialogs.dialog import Dialog
from screens.widgets.overflow_scroll import OverflowScroll
from screens.widgets.safe_text import safe

SAVE = "save"
RELOAD = "reload"
KEYS = "space Keep mine · s Save · r Reload theirs · Esc back to editing · Tab moves"


@dataclass(frozen=True)
class ConflictChoice:
    """What the clerk chose: save (keeping their own value for `keep_mine`) or reload."""

    action: str
    keep_mine: frozenset[str] = field(default_factory=frozenset)


class ConflictDialog(Dialog[ConflictChoice | None]):
    """Their saved values beside yours; keep yours field by field, or reload theirs."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("s,ctrl+s", "save", "Save my choices"),
        Binding("r", "reload", "Reload theirs"),
        Binding("escape", "cancel", "Back to editing"),
    ]

    def __init__(self, conflict: SaveConflict):
        super().__init__()
        self.conflict = conflict
        self._contested = conflict.contested

    def compose(self) -> ComposeResult:
        with Vertical(id="conflict-dialog", classes="dialog"):
            with Vertical(id="conflict-top", classes="dialog-top"):
                yield Label("Someone else saved this customer", classes="dialog-title")
                yield Static(Text(self._explanation()), classes="dialog-text")
                with Horizontal(classes="conflict-row conflict-head"):
                    yield Label("Field", classes="conflict-field")
                    yield Label("Theirs (saved)", classes="conflict-value")
                    yield Label("Yours", classes="conflict-value")
                    yield Label("", classes="conflict-keep")
            with OverflowScroll(id="conflict-rows", classes="dialog-body"):
                for name in self.conflict.fields:
                    yield from self._row(name)
            with Vertical(id="conflict-bottom", classes="dialog-bottom"):
                with Horizontal(classes="dialog-buttons"):
                    yield Button("Save", id=SAVE, variant="primary", compact=True)
                    yield Button("Reload", id=RELOAD, variant="warning", compact=True)
                    yield Button("Cancel", id="cancel", compact=True)
                yield Static(KEYS, classes="dialog-keys", markup=False)

    def _explanation(self) -> str:
        text = (
            f"{safe(self.conflict.who_and_when())} Their changes since you opened it and "
            "yours are below. "
        )
        if self._contested:
            text += (
                "Where you both changed a field, their value is kept unless you tick "
                "Keep mine (space). "
            )
        return text + (
            "Save keeps your other changes; Reload drops all your changes and shows their version."
        )

    def _row(self, name: str) -> ComposeResult:
        theirs = self.conflict.theirs.get(name)
        mine = self.conflict.mine.get(name)
        with Horizontal(classes="conflict-row", id=f"conflict-{name}"):
            yield Label(label(name), classes="conflict-field", markup=False)
            yield Static(
                Text(safe(display_value(name, theirs[1])) if theirs else "(unchanged)"),
                classes="conflict-value",
            )
            yield Static(
                Text(safe(display_value(name, mine[1])) if mine else "(unchanged)"),
                classes="conflict-value",
            )
            if name in self._contested:
                yield Checkbox(
                    "Keep mine", id=f"keep-{name}", compact=True, classes="conflict-keep"
                )
            else:
                yield Label("", classes="conflict-keep")

    def on_mount(self) -> None:
        """Start on the first choice to make, else on Save."""
        boxes = self.query(Checkbox)
        (boxes.first() if boxes else self.query_one(f"#{SAVE}", Button)).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        """A button answers."""
        {SAVE: self.action_save, RELOAD: self.action_reload}.get(
            event.button.id or "", self.action_cancel
        )()

    def action_save(self) -> None:
        """Save with the clerk's choices."""
        keep = frozenset(
            box.id.removeprefix("keep-") for box in self.query(Checkbox) if box.value and box.id
        )
        self.dismiss(ConflictChoice(SAVE, keep))

    def action_reload(self) -> None:
        """Drop the clerk's changes and show what is saved now."""
        self.dismiss(ConflictChoice(RELOAD))

    def action_cancel(self) -> None:
        """Back to the form, nothing saved or reloaded."""
        self.dismiss(None)
