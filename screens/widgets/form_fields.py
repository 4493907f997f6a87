"""The pieces of a customer form: a labelled row with its error mark, and one editor per kind."""

from typing import Self

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Label, RadioButton, RadioSet, Static, Switch

from models.fields import TAX_EXEMPT_CHOICES, FieldSpec, label
from models.validation import display_phone
from screens.dialogs.pickers import Picker
from screens.widgets.keep_running import KeepRunning
from screens.widgets.safe_editors import SafeInput
from screens.widgets.safe_text import safe


class TextEditor(SafeInput):
    """A one-line text box for a text, email, telephone, postal code or VAT field."""

    def __init__(self, spec: FieldSpec, placeholder: str = ""):
        super().__init__(id=spec.name, compact=True, placeholder=placeholder, paste_name=spec.label)
        self.kind = spec.kind

    @property
    def field_value(self) -> object:
        """What the clerk typed."""
        return self.value

    @property
    def raw(self) -> str:
        """The text in the box."""
        return self.value

    @raw.setter
    def raw(self, text: str) -> None:
        self.value = text

    def show_value(self, value: object) -> None:
        """Show a stored value (telephone numbers in international format)."""
        text = "" if value is None else str(value)
        text = display_phone(text) if self.kind == "phone" else text
        if text != self.value:
            self.value = text
            self.cursor_position = len(text) if self.has_focus else 0


class YesNoSwitch(KeepRunning, Horizontal):
    """A Yes/No switch with the word beside it."""

    def __init__(self, name: str):
        super().__init__(classes="yes-no")
        self._switch = Switch(animate=False, id=name)

    def compose(self) -> ComposeResult:
        yield self._switch
        yield Label("No", classes="yes-no-word")

    @property
    def field_value(self) -> object:
        """True for Yes."""
        return self._switch.value

    def show_value(self, value: object) -> None:
        """Show a stored Yes/No."""
        self._switch.value = bool(value)
        self._show_word()

    def on_switch_changed(self, event: Switch.Changed) -> None:
        """Keep the word in step with the switch."""
        self._show_word()

    def focus(self, scroll_visible: bool = True) -> Self:
        """Focus the switch itself."""
        self._switch.focus(scroll_visible)
        return self

    def _show_word(self) -> None:
        if self.is_mounted:
            self.query_one(".yes-no-word", Label).update("Yes" if self._switch.value else "No")


class TaxExemptChoice(KeepRunning, RadioSet):
    """The four-way Tax-Exempt choice."""

    def __init__(self, name: str):
        super().__init__(
            *(
                RadioButton(text, id=f"tax-{key}", compact=True)
                for key, text in TAX_EXEMPT_CHOICES.items()
            ),
            id=name,
            compact=True,
        )

    @property
    def field_value(self) -> object:
        """The key of the chosen option ("no", "all", "state", "country")."""
        for button in self.query(RadioButton):
            if button.value and button.id:
                return button.id.removeprefix("tax-")
        return ""

    def show_value(self, value: object) -> None:
        """Press the button of a stored choice."""
        key = str(value or "no")
        for button in self.query(RadioButton):
            button.value = button.id == f"tax-{key}"


FieldEditor = TextEditor | YesNoSwitch | TaxExemptChoice | Picker  # what a FieldRow edits with


class FieldRow(KeepRunning, Horizontal):
    """One field: its label, its editor, and the validation message beside it when invalid."""

    def __init__(self, field: str, editor: FieldEditor, text: str | None = None):
        super().__init__(id=f"row-{field}", classes="field-row")
        self.field = field
        self.editor = editor
        self._label = text or label(field)
        self._message = ""
        self._warning = ""

    def compose(self) -> ComposeResult:
        yield Label(self._label, classes="field-label", markup=False)
        with Vertical(classes="field-editor"):
            yield self.editor
            yield Static("", classes="field-error", markup=False)

    @property
    def value(self) -> object:
        """The editor's current value, in the form validation accepts."""
        return self.editor.field_value

    @property
    def message(self) -> str:
        """The validation message shown beside the field, or ""."""
        return self._message

    def mark(self, message: str | None) -> None:
        """Show a validation message beside the field, or clear it with None."""
        self._message = message or ""
        self._show_note()

    @property
    def warning(self) -> str:
        """The warning shown beside the field (when it has no validation message), or ""."""
        return self._warning

    def warn(self, warning: str) -> None:
        """Show a warning beside the field (a value to check, not an error), or clear it."""
        if warning != self._warning:
            self._warning = warning
            self._show_note()

    def _show_note(self) -> None:
        note = self.query_one(".field-error", Static)
        if self._message:
            note.update(Text(f"✗ {safe(self._message)}"))
        else:
            note.update(Text(f"⚠ {safe(self._warning)}") if self._warning else "")
        self.set_class(bool(self._message), "-invalid")
        self.set_class(bool(self._warning) and not self._message, "-warned")

    def focus_editor(self) -> None:
        """Put the cursor in this field."""
        self.editor.focus()
