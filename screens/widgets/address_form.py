"""One address of a customer (billing or shipping): every field the seeds list, with pickers."""

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Label

from models.fields import ADDRESS_PARTS, FIELDS_BY_NAME, address_field, label
from screens.dialogs.pickers import CountryPicker, Picker, StatePicker
from screens.widgets.form_fields import FieldRow, TextEditor
from screens.widgets.keep_running import KeepRunning

PLACEHOLDERS = {
    "country": "type to search, e.g. can",
    "state": "type to search",
    "phone": "e.g. +1 416 555 0100",
    "fax": "e.g. +1 416 555 0101",
}


class AddressForm(KeepRunning, Vertical):
    """The fields of one address side, labelled without the side's name."""

    def __init__(self, side: str):
        super().__init__(id=f"{side}-address", classes="address-form")
        self.side = side

    def compose(self) -> ComposeResult:
        yield Label(f"{self.side.capitalize()} address", classes="address-title")
        country = CountryPicker(address_field(self.side, "country"), PLACEHOLDERS["country"])
        for part in ADDRESS_PARTS:
            name = address_field(self.side, part)
            editor: TextEditor | Picker
            if part == "country":
                editor = country
            elif part == "state":
                editor = StatePicker(name, country, PLACEHOLDERS["state"])
            else:
                editor = TextEditor(FIELDS_BY_NAME[name], PLACEHOLDERS.get(part, ""))
            yield FieldRow(name, editor, self._short_label(name))

    def _short_label(self, name: str) -> str:
        """A field's label without the side, which the section title already says."""
        return label(name).removeprefix(f"{self.side.capitalize()} ")

    def copy_from(self, other: "AddressForm") -> None:
        """Fill this address with what is typed in the other one."""
        for part in ADDRESS_PARTS:
            mine = self.query_one(f"#row-{address_field(self.side, part)}", FieldRow).editor
            theirs = other.query_one(f"#row-{address_field(other.side, part)}", FieldRow).editor
            if not isinstance(mine, TextEditor | Picker) or not isinstance(
                theirs, TextEditor | Picker
            ):
                raise TypeError(f"The address part {part} is not edited as text.")
            mine.raw = theirs.raw
