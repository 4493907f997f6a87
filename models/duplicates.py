"""Likely duplicates: the same billing email or telephone, or very similar names at the same
billing postal code.

Every look-up is an equality on an index, never a scan, so it stays fast at 1,000,000
customers: the folded billing email and the telephone's digits are the sort keys the search
index stores (`sort_email`, `sort_phone`, indexed by 0002_search), the postal code has its own
expression index (0004_records). Names cannot be indexed for similarity, so they are compared
only among the customers at the same postal code, at most POSTAL_CANDIDATES of them.
Archived customers never count as duplicates (a merged-away customer is archived).

Each customer's flag (the one other customer it most likely duplicates, and why) is stored in
customer_duplicate and kept right by `settle_changes`, in the transaction of every write: the
database's triggers queue each changed customer, whoever changed it (0011), so a list reads its
flags with its rows. The best flag is a shared email, then a shared telephone, then a similar
name, each time the lowest id.
"""

import functools
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from difflib import SequenceMatcher

import peewee as pw

from models.audit.events import move_change_counter
from models.fields import display_name
from models.store.bulk import bulk_insert
from models.store.engine import (
    execute,
    external_writes_announced,
    fetch_all,
    lock_derived_data,
    refresh_pending,
    take_refreshes,
    write_transaction,
)
from models.store.rows import tuple_rows
from models.store.search_copy import refresh_search_copy
from models.store.tables import Customer, CustomerDuplicate
from models.text.characters import BLANK_LAST, digits, fold, strip_accents
from models.validation import validate_customer

NAME_SIMILARITY = 0.85  # difflib ratio of two folded names from which they count as "similar"
POSTAL_CANDIDATES = 2_000  # customers compared by name at one postal code, at most
NEIGHBOURS_KEPT = 100_000  # customers an import keeps read by postal code between batches
KEY_CANDIDATES = 50  # customers read for one email or telephone, at most

# The look-up keys as SQL. POSTAL_KEY must stay the exact text of the index in 0004_records.
EMAIL_KEY = pw.SQL("sort_email")
PHONE_KEY = pw.SQL("sort_phone")
POSTAL_KEY_SQL = "upper(replace(billing_postal_code, ' ', ''))"
POSTAL_KEY = pw.SQL(POSTAL_KEY_SQL)
_LIVE = pw.SQL("CASE WHEN archived_at IS NULL THEN id END")  # the id of a customer not archived

_LOOKUP_FIELDS = ("billing_country", "billing_email", "billing_phone", "billing_postal_code")
_NAME_WORDS = ("business name", "contact name")  # what the two compared names are called
_NOT_WORD = re.compile(r"[\W_]+")

REASON_EMAIL = "same billing email"
REASON_PHONE = "same billing telephone"


@dataclass(frozen=True)
class DuplicateMatch:
    """A customer that looks like the same one, and why."""

    customer_id: int
    code: str
    name: str
    reason: str

    @property
    def message(self) -> str:
        """One line for people: "Likely duplicate of CST-000012 (Acme Ltd): same billing email"."""
        return flag_message(self.code, self.name, self.reason)


def flag_message(code: str, name: str, reason: str) -> str:
    """A duplicate flag for people, from the other customer's code and name and the reason."""
    who = f"{code} ({name})" if name else code
    return f"Likely duplicate of {who}: {reason}"


@functools.lru_cache(maxsize=65_536)  # names repeat: a settle compares many
def name_key(name: object) -> str:
    """A name as it is compared: casefolded, accents stripped, punctuation removed."""
    text = strip_accents(fold(name).casefold())
    return " ".join(_NOT_WORD.sub(" ", text).split())


def _matcher(key: str) -> SequenceMatcher:
    """A matcher that compares other name keys with `key` (difflib caches the second text)."""
    return SequenceMatcher(None, "", key, autojunk=False)


def _close(key: str, matcher: SequenceMatcher, other: str) -> bool:
    """Whether `other` is very similar to the key `matcher` was made for; cheap bounds first."""
    if not key or not other:
        return False
    if other == key:
        return True
    if 2 * min(len(key), len(other)) < NAME_SIMILARITY * (len(key) + len(other)):
        return False  # the lengths alone keep the ratio below the threshold
    matcher.set_seq1(other)
    return matcher.quick_ratio() >= NAME_SIMILARITY and matcher.ratio() >= NAME_SIMILARITY


def similar_names(first: str, second: str) -> bool:
    """Whether two name keys are very similar (difflib ratio at least NAME_SIMILARITY)."""
    return _close(second, _matcher(second), first)


def postal_key(postal_code: object) -> str:
    """A postal code as it is compared (as POSTAL_KEY computes it): no spaces, upper case."""
    return str(postal_code or "").replace(" ", "").upper()


@dataclass(frozen=True)
class _Probe:
    """What typed values are looked up by."""

    email: str
    phone: str
    postal: str
    country: str
    names: tuple[tuple[str, str], ...]  # (which name, its key), for the non-blank names


def _name_keys(business: object, contact: object) -> tuple[tuple[str, str], ...]:
    """(which name, its key) for each non-blank name."""
    keys = zip(_NAME_WORDS, (name_key(business), name_key(contact)), strict=True)
    return tuple((what, key) for what, key in keys if key)


def _probe_of(values: dict[str, object]) -> _Probe:
    """The look-up keys of typed values; a field that does not validate is left out."""

    given = {name: values[name] for name in _LOOKUP_FIELDS if values.get(name)}
    result = validate_customer(given)
    clean = {name: value for name, value in result.values.items() if name not in result.errors}
    return _Probe(
        fold(clean.get("billing_email", "")),
        digits(clean.get("billing_phone", "")),
        postal_key(clean.get("billing_postal_code", "")),
        str(clean.get("billing_country", "")),
        _name_keys(values.get("business_name"), values.get("contact_name")),
    )


_COLUMNS = (
    Customer.id,
    Customer.code,
    Customer.business_name,
    Customer.contact_name,
    Customer.billing_country,
    Customer.archived_at,
)


def _by_key(key_sql: pw.SQL, key: str, cap: int) -> list[tuple]:
    """Up to `cap` customers (archived too) whose key equals `key`, by the key's index, in id
    order."""
    return sorted(tuple_rows(Customer.select(*_COLUMNS).where(key_sql == key).limit(cap)))


@dataclass(frozen=True)
class _Neighbour:
    """A customer not archived at a postal code, with its name keys."""

    id: int
    code: str
    name: str
    country: str
    keys: tuple[str, str]


def _neighbours(postal: str) -> list[_Neighbour]:
    """The customers not archived at a postal code, in id order (POSTAL_CANDIDATES read)."""
    return [
        _Neighbour(
            row_id,
            code,
            display_name(business, contact),
            country,
            (name_key(business), name_key(contact)),
        )
        for row_id, code, business, contact, country, archived_at in _by_key(
            POSTAL_KEY, postal, POSTAL_CANDIDATES
        )
        if archived_at is None
    ]


def _similar_neighbours(
    names: tuple[tuple[str, str], ...],
    country: str,
    neighbours: list[_Neighbour],
    exclude_id: int | None,
) -> Iterator[tuple[_Neighbour, str]]:
    """The neighbours with a name very similar to one of `names` ((which, key) pairs), and
    why; one in another country (when both have one) does not count."""
    matchers = [(what, key, _matcher(key)) for what, key in names]
    for neighbour in neighbours:
        if neighbour.id == exclude_id or (
            country and neighbour.country and neighbour.country != country
        ):
            continue
        for what, key, matcher in matchers:
            if any(_close(key, matcher, other) for other in neighbour.keys):
                yield neighbour, f"similar {what} at the same postal code"
                break


def find_duplicates_of(
    values: dict[str, object], exclude_id: int | None = None, limit: int = 5
) -> list[DuplicateMatch]:
    """The customers that the typed values likely duplicate, best reasons first (email, then
    telephone, then names), at most `limit`; for the new-customer screen's warning."""
    probe = _probe_of(values)
    found: dict[int, DuplicateMatch] = {}
    for key_sql, key, reason in (
        (EMAIL_KEY, probe.email, REASON_EMAIL),
        (PHONE_KEY, probe.phone, REASON_PHONE),
    ):
        for row_id, code, business, contact, _, archived_at in (
            _by_key(key_sql, key, KEY_CANDIDATES) if key else []
        ):
            if row_id != exclude_id and archived_at is None:
                found.setdefault(
                    row_id, DuplicateMatch(row_id, code, display_name(business, contact), reason)
                )
    if probe.postal and probe.names and len(found) < limit:
        for neighbour, why in _similar_neighbours(
            probe.names, probe.country, _neighbours(probe.postal), exclude_id
        ):
            found.setdefault(
                neighbour.id, DuplicateMatch(neighbour.id, neighbour.code, neighbour.name, why)
            )
            if len(found) >= limit:
                break
    return list(found.values())[:limit]


def _others_by_key(key_sql: pw.SQL, keys: set[str]) -> dict[str, tuple[int, int, int]]:
    """For each key: how many customers not archived have it, and the lowest and highest id."""
    if not keys:
        return {}
    query = (
        Customer.select(key_sql, pw.fn.COUNT(_LIVE), pw.fn.MIN(_LIVE), pw.fn.MAX(_LIVE))
        .where(key_sql.in_(sorted(keys)))
        .group_by(key_sql)
    )
    return {key: (count, low, high) for key, count, low, high in tuple_rows(query)}


# --- many rows at once (an import) ---

REASON_SAME_NAME = "same name, and neither has a billing email, telephone or postal code"
_BLANK_KEYS = (EMAIL_KEY == BLANK_LAST) & (PHONE_KEY == BLANK_LAST) & (POSTAL_KEY == "")


def _clean_probe(values: dict[str, object]) -> _Probe:
    """The look-up keys of values already validated (in their stored form)."""
    return _Probe(
        fold(values.get("billing_email", "")),
        digits(values.get("billing_phone", "")),
        postal_key(values.get("billing_postal_code", "")),
        str(values.get("billing_country", "") or ""),
        _name_keys(values.get("business_name"), values.get("contact_name")),
    )


def _live_at_postal_codes(postals: Iterable[str]) -> dict[str, list[_Neighbour]]:
    """The customers not archived at each postal code, in id order, POSTAL_CANDIDATES at most a
    code: one query by the postal index for all the codes."""
    postals = set(postals)
    if not postals:
        return {}
    number = pw.fn.ROW_NUMBER().over(partition_by=[POSTAL_KEY], order_by=[Customer.id])
    at_postal = POSTAL_KEY.in_(sorted(postals))
    ranked = (
        Customer.select(*_COLUMNS[:5], POSTAL_KEY.alias("postal"), number.alias("n"))
        .where(at_postal & Customer.archived_at.is_null())
        .alias("ranked")
    )
    query = (
        pw.Select(
            [ranked],
            [
                ranked.c.id,
                ranked.c.code,
                ranked.c.business_name,
                ranked.c.contact_name,
                ranked.c.billing_country,
                ranked.c.postal,
            ],
        )
        .where(ranked.c.n <= POSTAL_CANDIDATES)
        .order_by(ranked.c.id)
        .bind(Customer._meta.database)
    )
    found: dict[str, list[_Neighbour]] = {postal: [] for postal in postals}
    for row_id, code, business, contact, country, postal in query.tuples():
        found[postal].append(
            _Neighbour(
                row_id,
                code,
                display_name(business, contact),
                country,
                (name_key(business), name_key(contact)),
            )
        )
    return found


def _same_bare_names(
    probes: list[_Probe], values: list[dict[str, object]]
) -> dict[tuple[str, str], int]:
    """For rows with no email, telephone or postal code: the lowest id of a customer not
    archived with the same folded names and none of those either, by (business, contact)."""
    pairs = {
        (fold(row.get("business_name")), fold(row.get("contact_name")))
        for probe, row in zip(probes, values, strict=True)
        if not (probe.email or probe.phone or probe.postal) and probe.names
    }
    if not pairs:
        return {}
    sort_business, sort_contact = pw.SQL("sort_business"), pw.SQL("sort_contact")
    found: dict[tuple[str, str], int] = {}
    for column, keys in (
        (sort_contact, {contact for _, contact in pairs if contact}),
        (sort_business, {business for business, contact in pairs if not contact}),
    ):
        if not keys:
            continue
        query = (
            Customer.select(sort_business, sort_contact, pw.fn.MIN(Customer.id))
            .where(column.in_(sorted(keys)) & _BLANK_KEYS & Customer.archived_at.is_null())
            .group_by(sort_business, sort_contact)
        )
        for business, contact, low in tuple_rows(query):
            pair = tuple("" if key == BLANK_LAST else key for key in (business, contact))
            if pair in pairs:
                found[pair] = min(low, found.get(pair, low))
    return found


def duplicates_of_rows(
    values: list[dict[str, object]],
    neighbours: dict[str, list[_Neighbour]] | None = None,
) -> list[DuplicateMatch | None]:
    """For each row of validated values (a batch of an import), the existing customer it
    likely duplicates, by the same rules as `find_duplicates_of` (email, then telephone, then
    a similar name at the postal code), or one with the same names where neither has an email,
    telephone or postal code; None when there is none.

    Set-based: one grouped query per kind of key for the whole batch, by its index. Pass the
    same `neighbours` dict for every batch of one file to read each postal code once."""
    probes = [_clean_probe(row) for row in values]
    emails = _others_by_key(EMAIL_KEY, {probe.email for probe in probes if probe.email})
    phones = _others_by_key(PHONE_KEY, {probe.phone for probe in probes if probe.phone})
    pairs: list[tuple[int, str] | None] = []
    for probe in probes:
        email, phone = emails.get(probe.email), phones.get(probe.phone)
        pairs.append(
            (email[1], REASON_EMAIL)
            if email and email[0]
            else (phone[1], REASON_PHONE)
            if phone and phone[0]
            else None
        )
    neighbours = {} if neighbours is None else neighbours
    if sum(len(kept) for kept in neighbours.values()) > NEIGHBOURS_KEPT:
        neighbours.clear()  # memory stays bounded; a postal code is read again when needed
    wanted = {
        probe.postal
        for probe, pair in zip(probes, pairs, strict=True)
        if pair is None and probe.postal and probe.names
    } - neighbours.keys()
    neighbours.update(_live_at_postal_codes(wanted))
    bare = _same_bare_names(probes, values)
    for index, (probe, row) in enumerate(zip(probes, values, strict=True)):
        if pairs[index] is not None:
            continue
        if probe.postal and probe.names:
            match = next(
                _similar_neighbours(
                    probe.names, probe.country, neighbours.get(probe.postal, []), None
                ),
                None,
            )
            if match is not None:
                pairs[index] = (match[0].id, match[1])
        elif not (probe.email or probe.phone or probe.postal):
            low = bare.get((fold(row.get("business_name")), fold(row.get("contact_name"))))
            if low is not None:
                pairs[index] = (low, REASON_SAME_NAME)
    holders = (
        {
            row[0]: row
            for row in tuple_rows(
                Customer.select(*_COLUMNS[:4]).where(
                    Customer.id.in_(sorted({pair[0] for pair in pairs if pair}))
                )
            )
        }
        if any(pairs)
        else {}
    )
    return [
        DuplicateMatch(
            pair[0], holders[pair[0]][1], holders[pair[0]][2] or holders[pair[0]][3], pair[1]
        )
        if pair and pair[0] in holders
        else None
        for pair in pairs
    ]


# --- flags kept on write ---

SETTLE_BATCH = 2_000  # queued customers settled at a time
_RANKS = {REASON_EMAIL: 0, REASON_PHONE: 1}  # any other reason is a similar name: rank 2
Flag = tuple[int, str]  # (the other customer's id, why)


def _rank(flag: Flag) -> tuple[int, int]:
    """How good a flag is (lower is better): its reason, then the other's id."""
    return _RANKS.get(flag[1], 2), flag[0]


@dataclass(frozen=True)
class _Changed:
    """A customer whose flag is worked out: its look-up keys as stored."""

    id: int
    live: bool
    email: str
    phone: str
    postal: str
    country: str
    keys: tuple[str, str]  # its business and contact name keys

    @property
    def names(self) -> tuple[tuple[str, str], ...]:
        """(which name, its key), for the non-blank names."""
        return tuple((what, key) for what, key in zip(_NAME_WORDS, self.keys) if key)


def _marks(values: list) -> str:
    """The placeholders of an IN list (raw SQL: Peewee takes long to build a big IN list)."""
    return ", ".join("?" for _ in values)


def _changed_rows(ids: Iterable[int]) -> list[_Changed]:
    """The customers with these ids that exist, with their stored keys."""
    ids = sorted(set(ids))
    if not ids:
        return []
    rows = fetch_all(
        "SELECT id, business_name, contact_name, billing_country, archived_at, sort_email, "
        f"sort_phone, {POSTAL_KEY_SQL} FROM customer WHERE id IN ({_marks(ids)})",
        ids,
    )
    return [
        _Changed(
            row_id,
            archived_at is None,
            email,
            phone,
            postal or "",
            country or "",
            (name_key(business), name_key(contact)),
        )
        for row_id, business, contact, country, archived_at, email, phone, postal in rows
    ]


def _lowest_others(column: str, ids: list[int]) -> dict[int, int]:
    """For each customer: the lowest id of another customer not archived with the same key
    (`column`, a stored sort key), by the key's index; customers without one are left out."""
    if not ids:
        return {}
    rows = fetch_all(
        f"SELECT c.id, (SELECT o.id FROM customer o WHERE o.{column} = c.{column} "
        "AND o.id <> c.id AND o.archived_at IS NULL ORDER BY o.id LIMIT 1) "
        f"FROM customer c WHERE c.id IN ({', '.join('?' for _ in ids)})",
        ids,
    )
    return {row_id: other for row_id, other in rows if other is not None}


def _work_out(rows: list[_Changed]) -> dict[int, Flag | None]:
    """Each customer's flag worked out afresh from the database (None when it has none)."""
    flags: dict[int, Flag] = {}
    for column, key, reason in (
        ("sort_email", "email", REASON_EMAIL),
        ("sort_phone", "phone", REASON_PHONE),
    ):
        wanted = [r.id for r in rows if r.id not in flags and getattr(r, key) != BLANK_LAST]
        for row_id, other in _lowest_others(column, wanted).items():
            flags[row_id] = (other, reason)
    by_name = [r for r in rows if r.id not in flags and r.postal and r.names]
    neighbours = _live_at_postal_codes(r.postal for r in by_name)
    for row in by_name:
        match = next(
            _similar_neighbours(row.names, row.country, neighbours.get(row.postal, []), row.id),
            None,
        )
        if match is not None:
            flags[row.id] = (match[0].id, match[1])
    return {row.id: flags.get(row.id) for row in rows}


def _offers(changed: list[_Changed], settled: set[int]) -> dict[int, Flag]:
    """The customers (not in `settled`) for which a changed customer not archived is now a
    better flag than the one they hold: it shares their email or telephone, or has a similar
    name at their postal code. Each look-up reads the flags held with the customers."""
    best: dict[int, Flag] = {}
    held: dict[int, Flag] = {}

    def offer(member: int, flag: Flag) -> None:
        now = best.get(member, held.get(member))
        if now is None or _rank(flag) < _rank(now):
            best[member] = flag

    flagged = "FROM customer c LEFT JOIN customer_duplicate d ON d.customer_id = c.id"
    for column, key, reason in (
        ("sort_email", "email", REASON_EMAIL),
        ("sort_phone", "phone", REASON_PHONE),
    ):
        holders: dict[str, list[int]] = defaultdict(list)
        for row in changed:
            if getattr(row, key) != BLANK_LAST:
                holders[getattr(row, key)].append(row.id)
        values = sorted(holders)
        for member, value, other, why in (
            fetch_all(
                f"SELECT c.id, c.{column}, d.other_id, d.reason {flagged} "
                f"WHERE c.{column} IN ({_marks(values)})",
                values,
            )
            if values
            else []
        ):
            if member in settled:
                continue
            if other is not None:
                held[member] = (other, why)
            for holder in holders[value]:
                if holder != member:
                    offer(member, (holder, reason))
    named: dict[str, list[_Changed]] = defaultdict(list)
    for row in changed:
        if row.postal and row.names:
            named[row.postal].append(row)
    postals = sorted(named)
    postal_key_sql = POSTAL_KEY_SQL.replace("billing_", "c.billing_")
    for member, business, contact, country, postal, other, why in (
        fetch_all(
            f"SELECT c.id, c.business_name, c.contact_name, c.billing_country, "
            f"{postal_key_sql}, d.other_id, d.reason {flagged} "
            f"WHERE {postal_key_sql} IN ({_marks(postals)}) "
            "AND (d.reason IS NULL OR d.reason NOT IN (?, ?))",
            [*postals, REASON_EMAIL, REASON_PHONE],
        )
        if postals
        else []
    ):
        if member in settled:
            continue
        if other is not None:
            held.setdefault(member, (other, why))
        now = best.get(member, held.get(member))
        rivals = [
            row
            for row in named[postal]
            if row.id != member and (now is None or (2, row.id) < _rank(now))
        ]
        names = _name_keys(business, contact) if rivals else ()
        for row in rivals:  # in id order: the first similar one is the best
            neighbour = _Neighbour(row.id, "", "", row.country, row.keys)
            match = next(_similar_neighbours(names, country or "", [neighbour], member), None)
            if match is not None:
                offer(member, (row.id, match[1]))
                break
    return {member: flag for member, flag in best.items() if flag != held.get(member)}


def _store_flags(flags: Mapping[int, Flag | None]) -> None:
    """Replace the stored flags of these customers (None: no flag)."""
    ids = sorted(flags)
    for start in range(0, len(ids), SETTLE_BATCH):
        part = ids[start : start + SETTLE_BATCH]
        execute(f"DELETE FROM customer_duplicate WHERE customer_id IN ({_marks(part)})", part)
    rows = [(row_id, *flag) for row_id, flag in sorted(flags.items()) if flag is not None]
    bulk_insert(CustomerDuplicate, ("customer", "other_id", "reason"), rows)


def _refresh_flags(changed_ids: list[int]) -> None:
    """Bring the flags up to date after these customers changed (inserted, updated, archived,
    restored, deleted): theirs and those pointing at them are worked out afresh, and each
    changed customer is offered to those it may now be a better flag for."""
    changed = _changed_rows(changed_ids)
    pointing = {
        row_id
        for (row_id,) in fetch_all(
            f"SELECT customer_id FROM customer_duplicate WHERE other_id IN ({_marks(changed_ids)})",
            changed_ids,
        )
    }
    settled = set(changed_ids) | pointing
    fresh = _work_out([*changed, *_changed_rows(pointing - set(changed_ids))])
    gone = set(changed_ids) - {row.id for row in changed}  # deleted customers
    _store_flags({**fresh, **dict.fromkeys(gone)})
    _store_flags(_offers([row for row in changed if row.live], settled))


def settle_changes() -> int:
    """Bring everything derived from the customers queued as changed up to date, in the
    caller's write transaction: their search copy, then the duplicate flags. Every write of
    customers calls it before it commits; returns how many were settled."""
    lock_derived_data()
    settled = 0
    while changed := take_refreshes(SETTLE_BATCH):
        refresh_search_copy(changed)
        _refresh_flags(changed)
        settled += len(changed)
    return settled


def settle_pending() -> None:
    """Settle the customers another program changed (the sqlite3 shell, psql, a script), each
    batch in its own write transaction, and move the change counter on so every desk re-reads
    its list; a quick look when nothing waits. Runs before a search and at each change poll."""
    while refresh_pending():
        with write_transaction():
            lock_derived_data()
            changed = take_refreshes(SETTLE_BATCH)
            refresh_search_copy(changed)
            _refresh_flags(changed)
            if changed and not external_writes_announced():
                move_change_counter()


def duplicate_flags(customer_ids: list[int]) -> dict[int, str]:
    """The stored flag of each listed customer that likely has a duplicate (the others are left
    out), e.g. "Likely duplicate of CST-000012 (Acme Ltd): same billing email"."""
    if not customer_ids:
        return {}
    other = Customer.alias("o")
    query = (
        CustomerDuplicate.select(
            CustomerDuplicate.customer,
            other.code,
            other.business_name,
            other.contact_name,
            CustomerDuplicate.reason,
        )
        .join(other, on=(other.id == CustomerDuplicate.other_id))
        .where(CustomerDuplicate.customer.in_(list(customer_ids)) & other.archived_at.is_null())
    )
    return {
        row_id: flag_message(code, business or contact, reason)
        for row_id, code, business, contact, reason in tuple_rows(query)
    }
