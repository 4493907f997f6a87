"""Demo data: realistic, varied and valid customers added in bulk, fast.

Every generated customer passes models.validation.validate_customer unchanged (values are stored
already normalised). Addresses use real cities with their ISO 3166-2 state or province, postal
codes of the city's real format and ranges, and telephone numbers in E.164 from the city's real
area codes, each checked with phonenumbers. Emails use the reserved example domains (RFC 2606),
so no demo message can reach a real person. Portal accounts that have a password all share one
bcrypt hash of DEMO_PASSWORD, computed once, because hashing per row would take hours.

Demo customers get no "created" audit event each (bulk data, not a clerk's change); every write
transaction moves the change counter on once, so open lists refresh.
"""

import functools
import random
import re
import threading
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from models.audit.events import record_event
from models.clock import utcnow
from models.customers import CODE_COUNTER, CODE_PREFIX, code_key, reserve_customer_codes
from models.demo.pools import (
    BUSINESSES,
    COUNTRIES,
    EMAIL_DOMAINS,
    INTERNAL_NOTES,
    LOCK_REASONS,
    PEOPLE,
    PUBLIC_NOTES,
    ROLE_MAILBOXES,
    ROMAJI,
    City,
    Country,
)
from models.duplicates import settle_changes
from models.fields import ADDRESS_PARTS, ADDRESS_SIDES
from models.staff.permissions import Permission, authorize
from models.staff.session import StaffSession
from models.store.bulk import bulk_insert
from models.store.engine import refresh_statistics, write_transaction
from models.store.tables import (
    PORTAL_ACTIVE,
    PORTAL_LOCKED,
    PORTAL_NOT_ACTIVATED,
    Counter,
    Customer,
    Note,
    PortalAccount,
)

DEMO_PASSWORD = "custdesk-demo"
DEMO_PASSWORD_HASH = "$2b$12$wiDs3J87E6g1FNwfiGztje.brdl1MdbOPsVh8MHrEKzYrVRaMT80G"  # cost 12
NOTE_AUTHOR = "demo"
DEMO_MARK = "demo_database"  # a Counter row: this database was created for the demo
DEMO_ACTION = "demo_added"

TRANSACTION_ROWS = 2_000  # customers a write transaction: keeps other writers' waits short
MAX_DEMO_COUNT = 1_000_000  # the most one fill from the app adds (the command line has no limit)
COUNT_LABEL = "Customers to add"
_COUNT_TEXT = re.compile(r"[0-9]{1,9}|[0-9]{1,3}(,[0-9]{3}){1,2}")  # 1000 or 1,000

CUSTOMER_COLUMNS = (
    "code",
    "code_key",
    "business_name",
    "contact_name",
    *(f"{side}_{part}" for side in ADDRESS_SIDES for part in ADDRESS_PARTS),
    "tax_exempt",
    "vat_number",
    "accepts_marketing",
    "wholesale",
    "created_at",
    "updated_at",
)
_COLUMN = {name: index for index, name in enumerate(CUSTOMER_COLUMNS)}
PORTAL_COLUMNS = (
    "customer",
    "status",
    "password_hash",
    "temp_password_expires_at",
    "must_change_password",
    "failed_attempts",
    "last_sign_in_at",
    "lock_reason",
    "login_email",
    "updated_at",
)
NOTE_COLUMNS = ("customer", "body", "public", "author", "created_at")

HISTORY = timedelta(days=3 * 365)  # demo customers were created over the last three years
FAX_SHARE = 0.12


# ---------------------------------------------------------------------------------------------
# Generating values
# ---------------------------------------------------------------------------------------------

_TRANSLITERATION = str.maketrans(
    {
        "ø": "o",
        "Ø": "O",
        "ł": "l",
        "Ł": "L",
        "ß": "ss",
        "æ": "ae",
        "Æ": "Ae",
        "đ": "d",
        "œ": "oe",
        "ı": "i",
    }
)


@functools.cache
def ascii_name(text: str) -> str:
    """A name in lower-case ASCII letters and digits only, for email addresses and domains."""
    if text in ROMAJI:
        return ROMAJI[text]
    decomposed = unicodedata.normalize("NFKD", text.translate(_TRANSLITERATION))
    return "".join(char for char in decomposed.casefold() if char.isascii() and char.isalnum())


@functools.cache
def _slug(words: str) -> str:
    """A business's words as a domain label: ASCII words joined by hyphens."""
    parts = [ascii_name(word) for word in words.replace("&", " ").split()]
    return "-".join(part for part in parts if part)[:40].strip("-") or "shop"


def fill_pattern(pattern: str, rng: random.Random, letters: str) -> str:
    """A pattern with '#' as a digit, '%' as a digit 1-9 and '@' as one of `letters`."""
    out = []
    for char in pattern:
        if char == "#":
            out.append(str(rng.randrange(10)))
        elif char == "%":
            out.append(str(rng.randrange(1, 10)))
        elif char == "@":
            out.append(rng.choice(letters))
        else:
            out.append(char)
    return "".join(out)


def phone_number(pattern: str, region: str, rng: random.Random) -> str:
    """A telephone number in E.164 from a national-format pattern, valid for the region."""
    import phonenumbers

    for _attempt in range(200):
        number = phonenumbers.parse(fill_pattern(pattern, rng, "0123456789"), region)
        if phonenumbers.is_valid_number(number):
            return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    raise ValueError(f"The pattern {pattern!r} gives no valid {region} telephone number.")


def _digits(pattern: str, rng: random.Random) -> str:
    """A pattern of digits ('#' any, '%' 1-9) filled in."""
    return fill_pattern(pattern, rng, "")


def _vat_candidates(country: str, rng: random.Random) -> Iterator[str]:
    """VAT numbers for a country with random bodies; some have right check digits."""
    from stdnum import luhn
    from stdnum.iso7064 import mod_11_10

    if country == "FR":  # key = (SIREN * 100 + 12) mod 97 over a SIREN with a Luhn digit
        siren = _digits("%#######", rng)
        siren += luhn.calc_check_digit(siren)
        yield f"FR{int(siren + '12') % 97:02d}{siren}"
    elif country == "DE":
        body = _digits("%#######", rng)
        yield f"DE{body}{mod_11_10.calc_check_digit(body)}"
    elif country == "IT":  # 7-digit company number, a provincial office 001-100, Luhn digit
        body = _digits("%######", rng) + f"{rng.randint(1, 100):03d}"
        yield f"IT{body}{luhn.calc_check_digit(body)}"
    elif country == "SE":
        body = _digits("5#####%##", rng)
        yield f"SE{body}{luhn.calc_check_digit(body)}01"
    elif country == "GB":
        body = _digits("%######", rng)
        yield from (f"GB{body}{check:02d}" for check in range(100))
    else:
        prefix, pattern, checks, tail = {
            "NL": ("NL", "%#######", "0123456789", "B01"),
            "IE": ("IE", "%######", "WABCDEFGHIJKLMNOPQRSTUV", ""),
            "ES": ("ES", "B#######", "0123456789", ""),
            "DK": ("DK", "%######", "0123456789", ""),
            "PL": ("PL", "%########", "0123456789", ""),
        }[country]
        body = _digits(pattern, rng)
        yield from (f"{prefix}{body}{check}{tail}" for check in checks)


def vat_number(country: str, rng: random.Random) -> str:
    """A VAT number with valid check digits for an EU country or GB, compact with its prefix."""
    import stdnum.eu.vat
    import stdnum.gb.vat
    from stdnum.exceptions import ValidationError

    for _attempt in range(1000):
        for candidate in _vat_candidates(country, rng):
            try:
                if country == "GB":
                    return "GB" + stdnum.gb.vat.validate(candidate)
                return stdnum.eu.vat.validate(candidate)
            except ValidationError:
                continue  # a wrong check digit: try the next candidate
    raise ValueError(f"No valid {country} VAT number found.")


@dataclass
class _GrowingPool:
    """Fresh values from `make` until `cap` are made, then picks among those already made:
    unique numbers for small fills, a bounded cost (validation is slow) for large ones."""

    make: Callable[[], str]
    cap: int
    values: list[str] = field(default_factory=list)

    def pick(self, rng: random.Random) -> str:
        """A value: a new one while the pool grows, then one of the pool's."""
        if len(self.values) < self.cap:
            self.values.append(self.make())
            return self.values[-1]
        return rng.choice(self.values)


POOL_CAP = 128  # validated telephone or VAT numbers kept per pattern or country


class DemoGenerator:
    """Makes demo customers, portal accounts and notes from one random seed."""

    def __init__(self, seed: int | None = None, now: datetime | None = None):
        self.rng = random.Random(seed)
        self.now = now or utcnow()
        self._phones: dict[tuple[str, str], _GrowingPool] = {}
        self._vats: dict[str, _GrowingPool] = {}
        self._countries = COUNTRIES
        self._weights = [country.weight for country in COUNTRIES]

    # -- numbers, checked once and pooled --

    def phone(self, country: Country, pattern: str) -> str:
        """A valid E.164 number from a pattern of the country."""
        key = (country.code, pattern)
        pool = self._phones.get(key)
        if pool is None:
            pool = self._phones[key] = _GrowingPool(
                functools.partial(phone_number, pattern, country.code, self.rng), POOL_CAP
            )
        return pool.pick(self.rng)

    def vat(self, country: str) -> str:
        """A valid VAT number of the country."""
        pool = self._vats.get(country)
        if pool is None:
            pool = self._vats[country] = _GrowingPool(
                functools.partial(vat_number, country, self.rng), POOL_CAP
            )
        return pool.pick(self.rng)

    # -- names --

    def person(self, pool: str) -> tuple[str, str, str]:
        """(contact name, first name, last name) of someone from a people pool."""
        people = PEOPLE[pool]
        rng = self.rng
        first, last = rng.choice(people.first), rng.choice(people.last)
        if first in people.female_first:
            for ending, female in (("ski", "ska"), ("cki", "cka"), ("dzki", "dzka")):
                if last.endswith(ending):
                    last = last[: -len(ending)] + female
                    break
        name = f"{last} {first}" if people.family_first else f"{first} {last}"
        return name, first, last

    def business(self, pool: str, country: Country) -> tuple[str, str]:
        """(business name, domain label) of a business from a business pool."""
        rng = self.rng
        words = BUSINESSES[pool]
        stem, trade = rng.choice(words.stems), rng.choice(words.trades)
        last, last2 = rng.choice(PEOPLE[pool].last), rng.choice(PEOPLE[pool].last)
        core = rng.choice(words.patterns).format(stem=stem, trade=trade, last=last, last2=last2)
        suffix = rng.choice(country.suffixes)
        slug = _slug(f"{stem} {trade}") if pool == "ja" else _slug(core)
        return (f"{core} {suffix}" if suffix else core), slug

    # -- addresses --

    def address(
        self, country: Country, city: City, contact: str, business: str, email: str, fax: bool
    ) -> tuple[str, ...]:
        """A full address in a city (parts in ADDRESS_PARTS order), with a landline or mobile."""
        rng = self.rng
        street = rng.choice(city.streets or country.streets)
        if country.house_max:
            number = str(rng.randint(1, country.house_max))
            if country.house_letters and rng.random() < 0.08:
                number += rng.choice(country.house_letters)
        else:
            number = f"{rng.randint(1, 9)}-{rng.randint(1, 30)}-{rng.randint(1, 20)}"
        street1 = country.street_format.format(number=number, street=street)
        street2 = ""
        if rng.random() < 0.25:
            street2 = fill_pattern(rng.choice(city.street2 or country.street2), rng, "ABCDEF")
        postal = fill_pattern(rng.choice(city.postal), rng, country.postal_letters)
        if country.code == "US" and rng.random() < 0.1:
            postal += fill_pattern("-####", rng, "")
        landline = rng.choice(city.phones)
        mobile = country.mobiles and rng.random() < 0.35
        phone = self.phone(country, rng.choice(country.mobiles) if mobile else landline)
        fax_number = self.phone(country, landline) if fax else ""
        return (
            contact,
            business,
            street1,
            street2,
            city.name,
            country.code,
            city.state,
            postal,
            phone,
            fax_number,
            email,
        )

    def email(self, number: int, first: str, last: str, domain: str = "") -> str:
        """A unique email (the customer number makes it so) at a personal or business domain."""
        rng = self.rng
        f, l_ = ascii_name(first), ascii_name(last)
        if not f:
            local = f"{rng.choice(ROLE_MAILBOXES)}{number}"
        else:
            local = rng.choice((f"{f}.{l_}", f"{f[0]}{l_}", f"{f}_{l_}", f"{l_}.{f}", f)) + str(
                number
            )
        return f"{local}@{domain or rng.choice(EMAIL_DOMAINS)}"

    # -- customers --

    def customer_row(self, code: str, created_at: datetime) -> tuple:
        """One customer as a tuple in CUSTOMER_COLUMNS order."""
        rng = self.rng
        number = int(code[len(CODE_PREFIX) :])
        country = rng.choices(self._countries, self._weights)[0]
        city = rng.choice(country.cities)
        pool = city.people or rng.choice(country.people)
        contact, first, last = self.person(pool)
        is_business = rng.random() < 0.55
        business, domain = "", ""
        if is_business:
            business, slug = self.business(
                pool if pool in BUSINESSES else country.business, country
            )
            domain = f"{slug}.example"
            if rng.random() < 0.15:  # some businesses give no contact person
                contact, first, last = "", "", ""
        email = self.email(number, first, last, domain) if rng.random() < 0.96 else ""
        billing = self.address(
            country, city, contact, business, email, is_business and rng.random() < FAX_SHARE
        )
        shipping = self._shipping(billing, country, city, pool, number, business, domain)
        vat = ""
        if is_business and country.vat and rng.random() < 0.7:
            vat = self.vat(country.code)
        tax_exempt = rng.choices(("no", "all", "state", "country"), (82, 6, 7, 5))[0]
        marketing = rng.random() < 0.45
        wholesale = rng.random() < (0.3 if is_business else 0.03)
        updated_at = created_at
        if rng.random() < 0.4:
            updated_at = created_at + (self.now - created_at) * rng.random()
        return (
            code,
            code_key(code),
            business,
            contact,
            *billing,
            *shipping,
            tax_exempt,
            vat,
            marketing,
            wholesale,
            created_at,
            updated_at,
        )

    def _shipping(
        self,
        billing: tuple[str, ...],
        country: Country,
        city: City,
        pool: str,
        number: int,
        business: str,
        domain: str,
    ) -> tuple[str, ...]:
        """The shipping address: mostly the billing one, else elsewhere, sometimes abroad."""
        rng = self.rng
        roll = rng.random()
        if roll < 0.62:
            return billing
        contact, email = billing[0], billing[10]
        if roll > 0.96:  # ships abroad: a forwarder or a second office
            country = rng.choices(self._countries, self._weights)[0]
            city = rng.choice(country.cities)
        elif rng.random() < 0.5:
            city = rng.choice(country.cities)
        if rng.random() < 0.3:  # someone else receives the goods
            contact, first, last = self.person(pool)
            email = self.email(number, first, last, domain) if email else ""
        return self.address(country, city, contact, business, email, False)

    def portal_row(self, customer_id: int, row: tuple) -> tuple | None:
        """A portal account for some customers with a billing email, in every state."""
        rng = self.rng
        email = row[_COLUMN["billing_email"]]
        if not email or rng.random() >= 0.35:
            return None
        created_at = row[_COLUMN["created_at"]]
        roll = rng.random()
        if roll < 0.25:
            return (
                customer_id,
                PORTAL_NOT_ACTIVATED,
                "",
                None,
                False,
                0,
                None,
                "",
                None,
                created_at,
            )
        since = created_at + (self.now - created_at) * rng.random()
        login = email.casefold()
        if roll < 0.88:
            if rng.random() < 0.1:  # a temporary password sent, not used yet
                expires = self.now + timedelta(hours=rng.randint(1, 72))
                return (
                    customer_id,
                    PORTAL_ACTIVE,
                    DEMO_PASSWORD_HASH,
                    expires,
                    True,
                    0,
                    None,
                    "",
                    login,
                    since,
                )
            last_sign_in = since + (self.now - since) * rng.random()
            return (
                customer_id,
                PORTAL_ACTIVE,
                DEMO_PASSWORD_HASH,
                None,
                False,
                rng.choices((0, 1, 2), (90, 7, 3))[0],
                last_sign_in,
                "",
                login,
                since,
            )
        return (
            customer_id,
            PORTAL_LOCKED,
            DEMO_PASSWORD_HASH,
            None,
            False,
            rng.randint(0, 3),
            since,
            rng.choice(LOCK_REASONS),
            login,
            since,
        )

    def note_rows(self, customer_id: int, row: tuple) -> list[tuple]:
        """Notes for some customers: mostly internal, some public, by author "demo"."""
        rng = self.rng
        if rng.random() >= 0.18:
            return []
        created_at = row[_COLUMN["created_at"]]
        notes = []
        for _ in range(rng.choices((1, 2, 3), (60, 30, 10))[0]):
            public = rng.random() < 0.3
            body = rng.choice(PUBLIC_NOTES if public else INTERNAL_NOTES)
            notes.append(
                (
                    customer_id,
                    body,
                    public,
                    NOTE_AUTHOR,
                    created_at + (self.now - created_at) * rng.random(),
                )
            )
        return notes


# ---------------------------------------------------------------------------------------------
# Writing them
# ---------------------------------------------------------------------------------------------


def _created_times(generator: DemoGenerator, done: int, size: int, total: int) -> list[datetime]:
    """Creation times that grow with the customer code, spread over the last three years."""
    start = generator.now - HISTORY
    step = HISTORY / max(total, 1)
    return [start + step * (done + i + generator.rng.random()) for i in range(size)]


class NotDemoDatabase(Exception):
    """Demo customers were asked for in a database that was not created for the demo."""


def _claim_demo_database() -> None:
    """Mark an empty database as a demo database, accept one already marked, refuse any other:
    demo customers share a published password and must never land among real ones."""
    if Counter.select().where(Counter.name == DEMO_MARK).exists():
        return
    if Customer.select().exists():
        raise NotDemoDatabase(
            "This database was not created as a demo database and already "
            "holds customers: demo customers go only into a demo database "
            "(custdesk --demo, or a new file or empty database)."
        )
    Counter.insert(name=DEMO_MARK, value=1).execute()


def is_demo_database() -> bool:
    """Whether the open database was created as a demo database."""
    return Counter.select().where(Counter.name == DEMO_MARK).exists()


def _add_batch(
    generator: DemoGenerator,
    staff: StaffSession,
    done: int,
    size: int,
    total: int,
    only_if_empty: bool,
) -> int:
    """Add one batch of customers with their portal accounts and notes in one transaction;
    returns how many were added (0 when only_if_empty and customers already exist)."""
    with write_transaction():
        # The code counter's row lock makes a second process wait here, then see our rows.
        Counter.update(value=Counter.value).where(Counter.name == CODE_COUNTER).execute()
        if only_if_empty and Customer.select().exists():
            return 0
        _claim_demo_database()
        codes = reserve_customer_codes(size)
        times = _created_times(generator, done, size, total)
        rows = [generator.customer_row(code, at) for code, at in zip(codes, times)]
        ids = dict(bulk_insert(Customer, CUSTOMER_COLUMNS, rows, ("code_key", "id")))
        portal, notes = [], []
        for row in rows:
            customer_id = ids[row[1]]
            account = generator.portal_row(customer_id, row)
            if account is not None:
                portal.append(account)
            notes += generator.note_rows(customer_id, row)
        bulk_insert(PortalAccount, PORTAL_COLUMNS, portal)
        bulk_insert(Note, NOTE_COLUMNS, notes)
        settle_changes()  # the batch's search copy and duplicate flags
        record_event(None, staff, DEMO_ACTION, detail=f"Added {size:,} demo customers")
    return size


class BadDemoCount(ValueError):
    """What was typed for how many demo customers to add is not a count; the message says why
    and names the field."""


def parse_demo_count(text: str) -> int:
    """How many demo customers someone typed ("1000" or "1,000"): a whole number from 1 to
    MAX_DEMO_COUNT, else BadDemoCount."""
    typed = text.strip()
    rule = f"a whole number from 1 to {MAX_DEMO_COUNT:,}"
    if not typed:
        raise BadDemoCount(f"{COUNT_LABEL} is empty: type {rule}.")
    count = int(typed.replace(",", "")) if _COUNT_TEXT.fullmatch(typed) else 0
    if 1 <= count <= MAX_DEMO_COUNT:
        return count
    raise BadDemoCount(f"{COUNT_LABEL} must be {rule}.")


class DemoStopped(Exception):
    """A fill stopped before `count` because it was asked to; the `added` customers of the
    batches committed so far are kept."""

    def __init__(self, added: int):
        super().__init__(f"Stopped after adding {added:,} demo customers.")
        self.added = added


def _fill(
    staff: StaffSession,
    count: int,
    seed: int | None,
    progress: Callable[[int], None] | None,
    cancel: threading.Event | None,
    only_if_empty: bool,
) -> int:
    authorize(staff, Permission.DEMO)
    generator = DemoGenerator(seed)
    added = 0
    while added < count and not (cancel is not None and cancel.is_set()):
        size = min(TRANSACTION_ROWS, count - added)
        batch = _add_batch(generator, staff, added, size, count, only_if_empty and added == 0)
        if batch == 0:
            return 0
        added += batch
        if progress is not None:
            progress(added)
    if added:
        refresh_statistics()
    if added < count:
        raise DemoStopped(added)
    return added


def fill_demo_database(
    staff: StaffSession,
    count: int,
    seed: int | None = None,
    progress: Callable[[int], None] | None = None,
    cancel: threading.Event | None = None,
) -> int:
    """Add `count` realistic, varied, valid customers to the open database; returns how many.

    Each batch of TRANSACTION_ROWS customers is its own committed transaction. `seed` makes the
    customers repeatable; `progress` is called with the number added so far after each batch.
    `cancel` is checked before each batch: once set, the fill stops and raises DemoStopped
    with the number added (and kept) so far. Raises NotDemoDatabase for a database that was
    not created as a demo database.
    """
    return _fill(staff, count, seed, progress, cancel, only_if_empty=False)


def ensure_demo_data(
    staff: StaffSession,
    count: int,
    progress: Callable[[int], None] | None = None,
    cancel: threading.Event | None = None,
) -> int:
    """Fill the open database with `count` demo customers if it has none yet; returns how
    many were added (0 when it already had customers). `progress` and `cancel` work as for
    fill_demo_database (DemoStopped when cancelled)."""
    return _fill(staff, count, None, progress, cancel, only_if_empty=True)
