"""Text boxes that never echo a control character and take pastes without losing a word.

What is drawn goes through the display sanitiser; what is pasted is cleaned by the models' rule
(models.text.pasted) and every change to it is said in one toast.
"""

import unicodedata

from rich.text import Text
from textual import events
from textual.widgets import Input, TextArea

from models.text.pasted import Pasted, clean_paste
from screens.widgets.keep_running import KeepRunning
from screens.widgets.safe_text import REPLACEMENT, safe

_HIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})


def visible_inline(value: str) -> str:
    """`value` with each control or invisible character shown as one visible placeholder.

    One character in, one character out, so the cursor of an Input stays where the text is.
    """
    if value.isprintable():
        return value
    return "".join(_one_visible(char) for char in value)


def _one_visible(char: str) -> str:
    if unicodedata.category(char) not in _HIDDEN_CATEGORIES:
        return char
    shown = safe(char)
    return shown if len(shown) == 1 and shown != char else REPLACEMENT


def tell_paste(widget, pasted: Pasted, field: str, limit: int | None) -> None:
    """Say in a toast what was changed in a paste (nothing when it went in as it was)."""
    notice = pasted.notice(field, limit)
    if notice:
        widget.notify(
            notice, title="Paste", markup=False, severity="warning" if pasted.cut else "information"
        )


class SafeInput(KeepRunning, Input):
    """An Input that never sends a control character to the terminal and takes pastes whole.

    A stored value stays exactly what is stored (validation then names a bad character); only
    the drawing shows placeholders such as ␛ instead of the raw bytes. A paste (from the
    terminal, or ctrl+v from the app's clipboard) is cleaned, joined into one line and fitted to
    max_length, and the clerk is told what changed.
    """

    def __init__(self, *args, paste_name: str = "this field", **kwargs):
        super().__init__(*args, **kwargs)
        self.paste_name = paste_name  # how the paste toast names the field

    @property
    def _value(self) -> Text:
        """The value as drawn: control and bidi characters made visible, never markup."""
        return Text(visible_inline(self.value), no_wrap=True, overflow="ignore", end="")

    def _position_to_cell(self, position: int) -> int:
        """The screen column of a character position, measured on the text as drawn."""
        return Text(visible_inline(self.value[:position])).cell_len

    def _on_paste(self, event: events.Paste) -> None:
        """A paste from the terminal: in whole, or the clerk is told what was left out."""
        event.stop()
        event.prevent_default()  # Input's own handler keeps the first line only
        self.paste(event.text)

    def action_paste(self) -> None:
        """ctrl+v: paste the app's clipboard, cleaned like a terminal paste."""
        self.paste(self.app.clipboard)

    def paste(self, text: str) -> None:
        """Insert pasted text at the cursor (over the selection), cleaned and fitted."""
        start, end = sorted(self.selection)
        start, end = max(0, start), min(len(self.value), end)
        room = self.max_length - (len(self.value) - (end - start)) if self.max_length else None
        pasted = clean_paste(text, one_line=True, room=room)
        if pasted.text:
            self.replace(pasted.text, start, end)
        tell_paste(self, pasted, self.paste_name, self.max_length or None)


class SafeTextArea(KeepRunning, TextArea):
    """A TextArea whose pastes are cleaned of control and invisible characters (so none is
    ever echoed) and fitted to max_length, the clerk told what changed. Keys insert printable
    characters only, so a paste is the one way such a character could get in."""

    def __init__(self, *args, max_length: int = 0, paste_name: str = "this text", **kwargs):
        super().__init__(*args, **kwargs)
        self.max_length = max_length
        self.paste_name = paste_name

    async def _on_paste(self, event: events.Paste) -> None:
        """A paste from the terminal."""
        event.stop()
        event.prevent_default()  # TextArea's own handler inserts the text raw
        self.paste(event.text)
        self.focus()

    def action_paste(self) -> None:
        """ctrl+v: paste the app's clipboard, cleaned like a terminal paste."""
        self.paste(self.app.clipboard)

    def paste(self, text: str) -> None:
        """Insert pasted text at the cursor (over the selection), cleaned and fitted."""
        if self.read_only:
            return
        start, end = sorted(self.selection)
        room = None
        if self.max_length:
            room = self.max_length - len(self.text) + len(self.get_text_range(start, end))
        pasted = clean_paste(text, one_line=False, room=room)
        if pasted.text and (result := self._replace_via_keyboard(pasted.text, start, end)):
            self.move_cursor(result.end_location)
        tell_paste(self, pasted, self.paste_name, self.max_length or None)
