"""Character rules in one place: characters that never belong in stored text (validation and
pastes), and the folds that compare text without case or accents (the search index and its
stored keys, likely duplicates, the country and state pickers)."""

import functools
import re
import unicodedata

# C0 (tab and newline too), DEL, C1, Arabic letter mark, zero-width characters, LRM/RLM,
# line and paragraph separators, bidi embeddings and isolates, word joiner, BOM,
# and lone surrogates (undecodable bytes), none of which belong in a customer record.
CONTROL_CHARACTERS = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060\u2066-\u2069\ufeff\ud800-\udfff]"
)

CODE_MARK = (
    "\x1e"  # the search index's marks around the code and email (models/store/search_copy.py)
)
FIELD_MARK = "\x1f"  # … and around its other fields; a folded text never holds either
BLANK_LAST = "\U0010ffff"  # the stored sort key of a blank value: after every real one

# Letters that do not decompose into a base letter plus accents.
_SPECIAL_LETTERS = {
    "ß": "ss",
    "æ": "ae",
    "œ": "oe",
    "ø": "o",
    "đ": "d",
    "ð": "d",
    "ł": "l",
    "þ": "th",
    "ı": "i",
    "ħ": "h",
    "ŧ": "t",
    "ŋ": "n",
    "ĸ": "k",
    "ſ": "s",
}


def strip_accents(text: str) -> str:
    """Text decomposed (NFKD) without its combining marks: "Crème" becomes "Creme"."""
    return "".join(
        char for char in unicodedata.normalize("NFKD", text) if not unicodedata.combining(char)
    )


def _accent_table() -> dict[str, str]:
    """Lower-case Latin letters with accents, mapped to their bare ASCII letters."""
    table = {}
    for code_point in [*range(0xC0, 0x250), *range(0x1E00, 0x1F00)]:
        char = chr(code_point)
        if char != char.lower():
            continue  # the fold lowers first, so only lower-case letters reach the table
        bare = strip_accents(char).lower()
        if bare != char and bare.isascii() and bare.isalpha():
            table[char] = bare
    table.update(_SPECIAL_LETTERS)
    table[CODE_MARK] = " "
    table[FIELD_MARK] = " "
    return table


FOLD_MAP = _accent_table()
_FOLD_TRANSLATION = str.maketrans(FOLD_MAP)
_NOT_DIGIT = re.compile(r"[^0-9]+")


def fold(value: object) -> str:
    """Text as the search index and its stored keys hold it: composed (NFC), lower case, Latin
    accents stripped, no field marks.

    Stored text and search terms both go through this one fold, so "José" typed composed (NFC)
    or decomposed (NFD, "e" then U+0301) finds the same customers. PostgreSQL's copy of it is
    generated from FOLD_MAP (models/store/search_copy.py).
    """
    if value is None:
        return ""
    text = str(value)
    if not text.isascii():
        text = unicodedata.normalize("NFC", text)
    return text.lower().translate(_FOLD_TRANSLATION)


def digits(value: object) -> str:
    """Only the ASCII digits of a value: how telephone numbers are indexed and searched."""
    if value is None:
        return ""
    return _NOT_DIGIT.sub("", str(value))


@functools.lru_cache(maxsize=4096)
def fold_name(text: str) -> str:
    """A name as typed or listed, folded for matching: no accents, no case, single spaces
    (country and state names here, and in the pickers that offer them)."""
    bare = strip_accents(text)
    return " ".join(bare.casefold().replace("\u2019", "'").split())
