"""What a paste puts into a text field: nothing lost without a word.

A paste is cleaned the way the models would refuse it anyway (terminal escape sequences, control
and invisible characters), fitted to the field (one line, at most so many characters), and
described: every change made to it is named in one notice for the clerk.
"""

import re
from dataclasses import dataclass

from models.text.characters import CONTROL_CHARACTERS

# Terminal escape sequences, removed whole so no "[31m" is left behind: CSI (ESC [ ... final),
# OSC and the other string commands (ESC ] ... BEL or ST), two-character escapes, a lone ESC.
_ESCAPE_SEQUENCE = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"
    r"|\x1b[\]PX^_][^\x07\x1b]*(?:\x07|\x1b\\)?"
    r"|\x1b[ -~]?"
)
_LINE_BREAK = re.compile("\r\n|[\r\n\x0b\x0c\x85\u2028\u2029]")
_TAB = "\t"


@dataclass(frozen=True)
class Pasted:
    """A paste made fit for a field: the text to insert and what was done to it."""

    text: str
    joined_lines: int = 0  # how many lines were joined into one (0: it was one line)
    escapes: int = 0  # terminal escape sequences removed
    removed: tuple[str, ...] = ()  # the control or invisible characters removed, as U+XXXX
    cut: int = 0  # characters left out at the end because the field is full

    def notice(self, field: str, limit: int | None = None) -> str:
        """One line that says what was changed in the paste, or "" when it went in as it was.
        `field` names the field ("Contact Name"); `limit` is its length limit, if it has one."""
        most = f"at most {limit:,} characters" if limit else "no more"
        if self.cut and not self.text:
            return f"Nothing was pasted: {field} is full ({most})."
        parts = []
        if self.joined_lines:
            parts.append(
                f"its {self.joined_lines} lines were joined with spaces ({field} holds one line)"
            )
        if self.escapes:
            parts.append(_removed(self.escapes, "terminal escape sequence"))
        if self.removed:
            shown = ", ".join(dict.fromkeys(self.removed))
            parts.append(
                f"{_removed(len(self.removed), 'control or invisible character')} ({shown})"
            )
        if self.cut:
            parts.append(
                f"only its first {len(self.text):,} of {len(self.text) + self.cut:,} "
                f"characters went in ({field} holds {most}); "
                f"{self.cut:,} were left out"
            )
        if not parts:
            return ""
        return "Pasted, but " + "; ".join(parts) + "."


def _removed(number: int, noun: str) -> str:
    if number == 1:
        return f"1 {noun} was removed"
    return f"{number:,} {noun}s were removed"


def clean_paste(text: str, *, one_line: bool, room: int | None = None) -> Pasted:
    """A paste made fit for a field: escape sequences and the characters the models refuse
    removed, tabs made spaces, lines joined with spaces for a one-line field, and cut to `room`
    characters (None: no limit)."""
    text, escapes = _ESCAPE_SEQUENCE.subn("", text)
    lines = _LINE_BREAK.split(text.replace(_TAB, " "))
    removed: list[str] = []
    kept_lines = []
    for line in lines:
        removed += [f"U+{ord(char):04X}" for char in CONTROL_CHARACTERS.findall(line)]
        kept_lines.append(CONTROL_CHARACTERS.sub("", line))
    joined = 0
    if one_line:
        parts = [line.strip() for line in kept_lines if line.strip()]
        joined = len(parts) if len(parts) > 1 else 0
        text = " ".join(parts) if joined else "".join(kept_lines)
    else:
        text = "\n".join(kept_lines)
    cut = 0
    if room is not None and len(text) > room:
        room = max(room, 0)
        cut, text = len(text) - room, text[:room]
    return Pasted(text, joined, escapes, tuple(removed), cut)
