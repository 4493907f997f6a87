"""Look-alike email addresses: one that mixes scripts in a part, or whose domain has letters that
look like Latin ones (Cyrillic "а" in "pаypal.com"), gets a warning wherever it is shown.

The rule is a warning, not a refusal: such addresses exist in earnest (an all-Cyrillic domain),
so staff are asked to check, and the address is kept as typed.
"""

import unicodedata

# Letters of other scripts (and Latin-extended ones) drawn like a basic Latin letter, and the
# letter they pass for; letters that NFKC maps to ASCII (fullwidth, mathematical) pass too.
_LOOK_ALIKES = dict(
    zip("аеорсухѕіјԁһӏԛԝьοανικρυχϲϳıɑɡɩᴏ", "aeopcyxsijdhlqwboavikpuxcjiagio", strict=True)
)
# Scripts that one word of an East Asian language mixes as a matter of course.
_EAST_ASIAN = frozenset({"CJK", "HIRAGANA", "KATAKANA", "HANGUL", "BOPOMOFO"})
_PUNYCODE_PREFIX = "xn--"


def _script(char: str) -> str:
    """The script of a letter, from its Unicode name ("LATIN", "CYRILLIC", …), or ""."""
    if not unicodedata.category(char).startswith("L"):
        return ""
    plain = unicodedata.normalize("NFKC", char)  # fullwidth "ａ" is a Latin "a"
    name = unicodedata.name(plain[0] if plain else char, "")
    script = name.split(" ", 1)[0]
    return "CJK" if script in _EAST_ASIAN else script


def _scripts(text: str) -> list[str]:
    """The scripts of the letters in `text`, in order of first appearance."""
    return list(dict.fromkeys(script for char in text if (script := _script(char))))


def _as_latin(char: str) -> str:
    """The basic Latin letter or digit a character passes for, or "" when it passes for none."""
    if char.isascii():
        return char
    plain = unicodedata.normalize("NFKC", char)
    return plain if plain.isascii() else _LOOK_ALIKES.get(char, "")


def _passes_for_latin(label: str) -> str:
    """What a non-ASCII domain label reads as when every letter of it passes for a Latin one
    ("аррӏе" in Cyrillic reads "apple"), else ""."""
    if label.isascii():
        return ""
    latin = [_as_latin(char) for char in label]
    return "" if "" in latin else "".join(latin)


def unicode_domain(domain: str) -> str:
    """A domain with its punycode labels ("xn--…") shown as the Unicode they stand for."""
    return ".".join(_decoded(label) for label in domain.split("."))


def _decoded(label: str) -> str:
    if not label.lower().startswith(_PUNYCODE_PREFIX):
        return label
    try:
        return label[len(_PUNYCODE_PREFIX) :].encode("ascii").decode("punycode")
    except UnicodeError:
        return label  # not valid punycode: shown as it is (validation refuses it)


def lookalike_warning(address: object) -> str:
    """A warning for an email address that may imitate another, or "" for none."""
    text = "" if address is None else str(address).strip()
    local, at, domain = text.rpartition("@")
    if not at:
        return ""
    shown_domain = unicode_domain(domain)
    for part in (local, *shown_domain.split(".")):
        scripts = _scripts(part)
        if len(scripts) > 1:
            names = " and ".join(script.title() for script in scripts)
            return (
                f"Check this address: “{part}” mixes {names} letters, as look-alike addresses do."
            )
    labels = shown_domain.split(".")
    if any(_passes_for_latin(label) for label in labels):
        reads = ".".join(_passes_for_latin(label) or label for label in labels)
        return (
            f"Check this address: its domain {shown_domain} is written in letters that "
            f"look like Latin ones; it reads as {reads} but is not that domain."
        )
    return ""
