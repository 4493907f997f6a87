"""Country and State/Province pickers: type to narrow the list, arrows and enter to choose."""

from typing import ClassVar, Self

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.events import DescendantBlur
from textual.widgets import Input, OptionList
from textual.widgets.option_list import Option

from models.text.characters import fold_name
from models.validation import country_choices, find_country, subdivision_choices
from screens.widgets.keep_running import KeepRunning
from screens.widgets.safe_editors import SafeInput

Choices = list[tuple[str, str]]  # (name, code), as models.validation gives them
PAGE = 8


def short_code(code: str) -> str:
    """The part of a subdivision code after the country ("ON" for "CA-ON")."""
    return code.split("-", 1)[-1]


def matching(choices: Choices, typed: str) -> Choices:
    """The choices that fit what was typed: names or codes starting with it first, then the rest
    whose names contain it."""
    query = fold_name(typed)
    if not query:
        return list(choices)
    first: Choices = []
    then: Choices = []
    for name, code in choices:
        folded = fold_name(name)
        if folded.startswith(query) or query in (fold_name(code), fold_name(short_code(code))):
            first.append((name, code))
        elif query in folded:
            then.append((name, code))
    return first + then


class PickerInput(SafeInput):
    """The box of a picker: typing narrows the list, arrows move in it, enter chooses."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down", "move(1)", "Next choice", show=False),
        Binding("up", "move(-1)", "Previous choice", show=False),
        Binding("pagedown", f"move({PAGE})", "Choices page down", show=False),
        Binding("pageup", f"move(-{PAGE})", "Choices page up", show=False),
        Binding("enter", "accept", "Choose", show=False),
        Binding("escape", "close", "Close the list", show=False),
    ]

    @property
    def picker(self) -> "Picker":
        """The picker this box belongs to."""
        return self.query_ancestor(Picker)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Escape and the upward keys belong to the list only while it is open; otherwise
        they do what they do elsewhere (escape leaves the screen)."""
        upward = action == "move" and isinstance(parameters[0], int) and parameters[0] < 0
        if action == "close" or upward:
            return self.picker.is_open
        return True

    def action_move(self, step: int) -> None:
        """Open the list, or move the highlight in it."""
        self.picker.move(step)

    async def action_accept(self) -> None:
        """Take the highlighted choice; without an open list, enter submits as in any box."""
        if not self.picker.accept():
            await self.action_submit()

    def action_close(self) -> None:
        """Close the list."""
        self.picker.close()


class PickerList(KeepRunning, OptionList):
    """The drop-down list of a picker; the cursor stays in the box, so it never takes focus."""

    can_focus = False


class Picker(KeepRunning, Vertical):
    """A text box with a drop-down list of choices that follows what is typed."""

    NOUN = "choice"

    def __init__(self, name: str, placeholder: str = ""):
        super().__init__(id=name, classes="picker")
        self._input = PickerInput(compact=True, placeholder=placeholder)
        self._shown: Choices = []
        self._quiet_text: str | None = None  # a text set by the program, not typed

    def compose(self) -> ComposeResult:
        yield self._input
        yield PickerList()

    def choices(self) -> Choices:
        """Every choice, as (name, code)."""
        raise NotImplementedError

    def empty_hint(self) -> str:
        """What the list says when there is nothing to choose from at all."""
        return f"No {self.NOUN} list"

    @property
    def is_open(self) -> bool:
        """Whether the list is showing."""
        return self.has_class("-open")

    @property
    def raw(self) -> str:
        """The text in the box."""
        return self._input.value

    @raw.setter
    def raw(self, text: str) -> None:
        self._set_text(text)

    @property
    def field_value(self) -> object:
        """The code of the choice named in the box, or else the text as typed (checked on save)."""
        typed = fold_name(self._input.value)
        for name, code in self.choices():
            if fold_name(name) == typed:
                return code
        return self._input.value

    def show_value(self, code: object) -> None:
        """Show a stored code by its name (or as it is, if it names no choice)."""
        code = "" if code is None else str(code)
        names = {choice_code: name for name, choice_code in self.choices()}
        self._set_text(names.get(code, code))

    def focus(self, scroll_visible: bool = True) -> Self:
        """Focus the box."""
        self._input.focus(scroll_visible)
        return self

    def move(self, step: int) -> None:
        """Open the list, or move its highlight by `step`."""
        options = self.query_one(PickerList)
        if not self.is_open:
            self._open()
        elif options.highlighted is not None:
            last = options.option_count - 1
            options.highlighted = max(0, min(last, options.highlighted + step))

    def accept(self) -> bool:
        """Put the highlighted choice in the box and close the list; False when nothing was open."""
        if not self.is_open:
            return False
        index = self.query_one(PickerList).highlighted
        if index is not None and index < len(self._shown):
            self._set_text(self._shown[index][0])
        self.close()
        return True

    def close(self) -> bool:
        """Hide the list; False when it was not showing."""
        was_open = self.is_open
        self.remove_class("-open")
        self._input.refresh_bindings()
        return was_open

    def _set_text(self, text: str) -> None:
        self._quiet_text = text
        self._input.value = text
        self._input.cursor_position = len(text)

    def _open(self) -> None:
        """Show the choices that fit the text in the box, the best one highlighted."""
        self._shown = matching(self.choices(), self._input.value)
        options = self.query_one(PickerList)
        options.clear_options()
        if self._shown:
            options.add_options(
                Option(Text.assemble(name, ("  " + short_code(code), "dim")))
                for name, code in self._shown
            )
            options.highlighted = 0
        else:
            hint = self.empty_hint() if not self.choices() else f"No {self.NOUN} matches"
            options.add_option(Option(Text(hint), disabled=True))
        self.add_class("-open")
        self._input.refresh_bindings()

    @on(Input.Changed)
    def _typed(self, event: Input.Changed) -> None:
        """Narrow the list as the clerk types (not when the program set the text)."""
        if event.value == self._quiet_text:
            self._quiet_text = None
            return
        self._quiet_text = None
        if self._input.has_focus:
            self._open()

    @on(OptionList.OptionSelected)
    def _clicked(self, event: OptionList.OptionSelected) -> None:
        """A choice picked with the mouse."""
        event.stop()
        options = self.query_one(PickerList)
        options.highlighted = event.option_index
        self.accept()

    @on(DescendantBlur)
    def _left(self) -> None:
        """Leaving the box closes the list."""
        self.close()


class CountryPicker(Picker):
    """Pick a country by typing part of its name or its code ("can" offers Canada)."""

    NOUN = "country"

    def choices(self) -> Choices:
        """Every country."""
        return country_choices()


class StatePicker(Picker):
    """Pick a state or province of the country chosen in the same address."""

    NOUN = "state or province"

    def __init__(self, name: str, country: CountryPicker, placeholder: str = ""):
        super().__init__(name, placeholder)
        self._country = country

    def country_code(self) -> str:
        """The alpha-2 code of the country in the same address, or "" if none is recognised."""
        value = str(self._country.field_value or "")
        return (find_country(value) or "") if value else ""

    def choices(self) -> Choices:
        """The subdivisions of the chosen country."""
        country = self.country_code()
        return subdivision_choices(country) if country else []

    def empty_hint(self) -> str:
        """Why there is nothing to choose."""
        if not self.country_code():
            return "Choose the country first"
        return "This country has no states or provinces"
