"""The one display sanitiser: stored text made inert before it reaches the terminal."""

import unicodedata

from rich.text import Text

BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)
ZERO_WIDTH = frozenset("\u200b\u200c\u200d\u2060\ufeff")
REPLACEMENT = "\ufffd"


def _visible(char: str) -> str:
    """One character as it may be shown: controls become visible placeholders."""
    code = ord(char)
    if char in BIDI_CONTROLS:
        return ""
    if char in ZERO_WIDTH:
        return "·"
    if code < 0x20:
        return chr(0x2400 + code)  # the Control Pictures block: ␛ for ESC, ␊ for LF
    if code == 0x7F:
        return "\u2421"  # ␡
    if 0x80 <= code < 0xA0 or unicodedata.category(char) in ("Cs", "Co", "Cn"):
        return REPLACEMENT
    return char


def safe(text: object) -> str:
    """Text with every control character made visible and bidi overrides removed."""
    value = "" if text is None else str(text)
    if value.isprintable():
        return value
    return "".join(_visible(char) for char in value)


def safe_text(text: object, style: str = "") -> Text:
    """A renderable of untrusted text: never parsed as markup, never raw control bytes."""
    return Text(safe(text), style=style, no_wrap=True, overflow="ellipsis")


def safe_clipboard(text: object) -> str:
    """Text as it may be copied to the clipboard: each line made safe, the line breaks kept."""
    return "\n".join(safe(line) for line in str(text).split("\n"))
