"""Finding customers for the list: search, sort orders, keyset paging and counting.

A list is a run of segments, shown one after another: for a search, the exact matches on code
or email, then the customers whose sorted column starts with the term, then those with another
field starting with it, then the other matches; for the portal-status order, one segment a
status (within each of those). Each segment is ordered by the chosen sort
column, then the id, and is read one of two ways, chosen by a cheap, bounded look at its size:
- small (at most MATERIALIZE_LIMIT candidates from an index): its ids are read once, in order;
- large: it is walked along the sort order's index with a per-row test (keyset paging: the
  next page starts after the last row's key; OFFSET only from the nearer end).
So no page costs more than reading a bounded number of rows, and the total is counted apart.
"""

import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import peewee

from models.audit.events import change_count
from models.duplicates import flag_message, settle_pending
from models.store.db import database
from models.store.engine import (
    fetch_all,
    stop_query,
    substring_match,
    text_position,
    unindexed,
)
from models.store.search_copy import BLANK_LAST, CODE_MARK, FIELD_MARK, digits, fold, sort_keys
from models.store.tables import PORTAL_NOT_ACTIVATED, PORTAL_STATUS_LABELS

SORT_ORDERS: dict[str, str] = {
    "code": "Code",
    "business_name": "Business Name",
    "contact_name": "Contact Name",
    "email": "Email",
    "telephone": "Telephone",
    "city": "City / Country",
    "portal": "Portal",
}
DEFAULT_SORT = "business_name"
MATERIALIZE_LIMIT = 10_000  # a segment with at most this many candidates is read in one go
MIN_INDEXED_LENGTH = 3  # shorter words have no trigram: they only match the start of a field

_PHONE_LIKE = re.compile(r"[0-9+\-()./\s]+")
_PREFIX_FIELDS = ("code", "email", "business_name", "contact_name", "city", "telephone")
_PORTAL_ORDER = sorted(PORTAL_STATUS_LABELS, key=PORTAL_STATUS_LABELS.__getitem__)
_ROW_COLUMNS = (
    "c.id, c.code, c.business_name, c.contact_name, c.billing_email, "
    "c.billing_phone, c.billing_city, c.billing_country, c.archived_at, p.status, "
    "d.reason, o.code, o.business_name, o.contact_name"
)
# Each row with its portal account and its stored duplicate flag (models/duplicates.py keeps
# customer_duplicate in step with every write); a flag whose other customer is gone or archived
# since is not shown.
_ROW_SOURCES = (
    "customer c LEFT JOIN portal_account p ON p.customer_id = c.id "
    "LEFT JOIN customer_duplicate d ON d.customer_id = c.id "
    "LEFT JOIN customer o ON o.id = d.other_id AND o.archived_at IS NULL"
)


class ReadCancelled(Exception):
    """The read was stopped by CustomerResults.cancel() (a newer query replaced it)."""


@dataclass(frozen=True)
class ListQuery:
    """What the list shows: an optional search term and a sort order."""

    text: str = ""
    sort: str = DEFAULT_SORT
    descending: bool = False
    include_archived: bool = False


@dataclass(frozen=True)
class CustomerRow:
    """One line of the list: the columns as shown (the telephone formatted for reading), and
    where the row sits in its result."""

    id: int
    code: str
    business_name: str
    contact_name: str
    email: str
    telephone: str
    city: str
    country: str
    portal_status: str
    archived: bool
    anchor: tuple = field(compare=False, repr=False)
    duplicate: str = ""  # why the customer is a likely duplicate of another, or ""


@dataclass(frozen=True)
class SearchTerm:
    """A search term folded like the index: the words that must all occur, and the texts a
    field may start with to rank as a prefix match."""

    text: str
    words: tuple[str, ...]
    starts: tuple[str, ...]


def parse_term(raw: str) -> SearchTerm | None:
    """The folded form of what was typed, or None for nothing to search."""
    text = " ".join(fold(raw).split())
    if not text:
        return None
    number = digits(raw)
    if number and _PHONE_LIKE.fullmatch(raw.strip()):  # "555 01" finds +1 555-0100
        return SearchTerm(text, (number,), tuple(dict.fromkeys((text, number))))
    return SearchTerm(text, tuple(dict.fromkeys(text.split())), (text,))


@contextmanager
def _connected() -> Iterator[None]:
    """Use this thread's open connection, or open one for the duration."""
    if database.is_closed():
        with database.connection_context():
            yield
    else:
        yield


def change_marker() -> int:
    """The change counter (every write moves it on), read on this thread's connection, once
    the changes other programs made are settled (which moves it on too)."""
    with _connected():
        settle_pending()
        return change_count()


@dataclass
class _Segment:
    """One run of the list: the rows passing `predicate`; `candidates`, when set, is an
    index-backed condition that holds for every such row, and `probe` bounds their number."""

    predicate: str
    params: tuple
    candidates: str = ""
    candidate_params: tuple = ()
    probe: str = ""
    probe_params: tuple = ()
    count_sql: str = ""  # a whole count query (for "not activated": all minus the others)
    # Disjoint FROM ... WHERE parts whose counts (each ANDed with the predicate) add up to the
    # segment's size without building a set of every candidate in memory.
    count_parts: tuple[tuple[str, tuple], ...] = ()
    ids: list[int] | None = None  # the whole segment in order, once read in one go
    walked: bool = False
    size: int | None = None

    @property
    def counted(self) -> int:
        """The number of rows, once counted (asking before the count is an error)."""
        if self.size is None:
            raise ValueError("This part of the list is not counted yet.")
        return self.size


class CustomerResults:
    """The customers a ListQuery selects, in order, read a page at a time from any thread."""

    def __init__(self, query: ListQuery, materialize_limit: int = MATERIALIZE_LIMIT):
        if query.sort not in SORT_ORDERS:
            raise ValueError(f"Unknown sort order {query.sort!r}.")
        self.query = query
        self.term = parse_term(query.text)
        self._limit = materialize_limit
        self._keys = (*sort_keys("code" if query.sort == "portal" else query.sort), "c.id")
        self._lock = threading.Lock()
        self._cancelled = False
        self._busy: set = set()  # the connections running a cancellable read now
        self._segments = self._build_segments()
        with _connected():
            settle_pending()  # rows another program wrote are searchable before the first page

    # --- reading pages ---

    def first(self, count: int) -> list[CustomerRow]:
        """The first rows."""
        return self._forward(0, None, count)

    def after(self, anchor: tuple, count: int) -> list[CustomerRow]:
        """The rows that follow the row with this anchor."""
        return self._forward(anchor[0], anchor, count)

    def before(self, anchor: tuple, count: int) -> list[CustomerRow]:
        """The rows that come just before the row with this anchor, in list order."""
        return self._backward(anchor[0], anchor, count)

    def last(self, count: int) -> list[CustomerRow]:
        """The last rows, in list order."""
        return self._backward(len(self._segments) - 1, None, count)

    def slice(self, offset: int, count: int) -> list[CustomerRow]:
        """The rows from a position on (counts every segment first)."""
        self.count()
        picked: list[tuple] = []
        with _connected():
            for number, segment in enumerate(self._segments):
                if count <= len(picked):
                    break
                if offset >= segment.counted:
                    offset -= segment.counted
                    continue
                picked += self._segment_slice(number, offset, count - len(picked))
                offset = 0
            return self._rows(picked)

    def count(self) -> int:
        """How many customers the list holds (may take a while for a broad search; raises
        ReadCancelled when cancel() stops it)."""
        with _connected(), self._cancellable():
            for number in range(len(self._segments)):
                self._size(number)
        return sum(segment.counted for segment in self._segments)

    def cancel(self) -> None:
        """Stop a count of this result that is running now, from any thread."""
        with self._lock:
            self._cancelled = True
            for connection in self._busy:
                stop_query(connection)

    @contextmanager
    def _cancellable(self) -> Iterator[None]:
        """Run queries on this thread's connection so that cancel() can interrupt them."""
        connection = database.connection()
        with self._lock:
            if self._cancelled:
                raise ReadCancelled()
            self._busy.add(connection)
        try:
            yield
        except peewee.DatabaseError as error:
            if self._cancelled:
                raise ReadCancelled() from error
            raise
        finally:
            with self._lock:
                self._busy.discard(connection)

    @property
    def known_count(self) -> int | None:
        """The total when it is already known without further queries, else None."""
        sizes = [segment.size for segment in self._segments]
        known = [size for size in sizes if size is not None]
        return sum(known) if len(known) == len(sizes) else None

    # --- segments ---

    def _build_segments(self) -> list[_Segment]:
        """The segments, in list order."""
        tiers = [_Segment("1=1", ())] if self.term is None else self._tiers(self.term)
        if self.query.sort != "portal":
            return tiers
        statuses = _PORTAL_ORDER[::-1] if self.query.descending else _PORTAL_ORDER
        return [self._with_status(tier, status) for tier in tiers for status in statuses]

    def _tiers(self, term: SearchTerm) -> list[_Segment]:
        """Exact code or email; then a start of the sorted column, then of another field (the
        first is a range of the sort index itself); then anywhere."""
        typed_key = self.query.text.strip().casefold()
        alias = "c.id IN (SELECT a.customer_id FROM customer_alias a WHERE a.alias_key = ?)"
        exact = f"({self._instr('c.search_text', '?')} > 0 OR {alias})"
        exact_params = (f"{CODE_MARK}{term.text}{CODE_MARK}", typed_key)
        starts = " OR ".join(
            f"{self._instr('c.search_text', '?')} > 0" for _ in range(2 * len(term.starts))
        )
        starts_params = tuple(p for s in term.starts for p in (CODE_MARK + s, FIELD_MARK + s))
        code_key, email_key = self._key_of("code"), self._key_of("email")
        tiers = [
            _Segment(
                exact,
                exact_params,
                candidates=f"c.id IN (SELECT c.id FROM customer c WHERE {code_key} IN (?, ?) "
                f"UNION SELECT c.id FROM customer c WHERE {email_key} = ? "
                f"UNION SELECT a.customer_id FROM customer_alias a WHERE a.alias_key = ?)",
                candidate_params=(term.text, typed_key, term.text, typed_key),
            )
        ]
        sorted_field = "code" if self.query.sort == "portal" else self.query.sort
        own = [self._range(sorted_field, start) for start in term.starts]
        for number, (own_range, own_params) in enumerate(own):
            earlier = "".join(f" AND NOT {r}" for r, _ in own[:number])
            tiers.append(
                _Segment(
                    f"{own_range}{earlier} AND NOT ({exact})",
                    (*own_params, *(p for _, ps in own[:number] for p in ps), *exact_params),
                    count_parts=((f"FROM customer c WHERE {own_range}", own_params),),
                )
            )
        own_any = " OR ".join(r for r, _ in own)
        own_params = tuple(p for _, ps in own for p in ps)
        others = [
            self._range(field, start)
            for start in term.starts
            for field in _PREFIX_FIELDS
            if field != sorted_field
        ]
        tiers.append(
            self._starts_tier(
                others,
                f"({starts}) AND NOT ({own_any}) AND NOT ({exact})",
                (*starts_params, *own_params, *exact_params),
            )
        )
        long_words = [word for word in term.words if len(word) >= MIN_INDEXED_LENGTH]
        if long_words:
            words = " AND ".join(f"{self._instr('c.search_text', '?')} > 0" for _ in term.words)
            tiers.append(
                self._anywhere_tier(
                    long_words,
                    f"{words} AND NOT ({starts}) AND NOT ({exact})",
                    (*term.words, *starts_params, *exact_params),
                )
            )
        return tiers

    def _range(self, sort: str, start: str) -> tuple[str, tuple]:
        """The condition "this sort order's column starts with `start`", as an index range."""
        key = self._key_of(sort)
        return f"({key} >= ? AND {key} < ?)", (start, start + BLANK_LAST)

    def _starts_tier(
        self, ranges: list[tuple[str, tuple]], predicate: str, params: tuple
    ) -> _Segment:
        """The customers in any of these index ranges (another field starts with the term)."""
        range_params = tuple(p for _, ps in ranges for p in ps)
        probe = " + ".join(
            f"(SELECT count(*) FROM (SELECT 1 FROM customer c WHERE {r} "
            f"LIMIT {self._limit + 1}) AS r{n})"
            for n, (r, _) in enumerate(ranges)
        )
        union = " UNION ".join(f"SELECT c.id FROM customer c WHERE {r}" for r, _ in ranges)
        parts = tuple(
            (
                f"FROM customer c WHERE {r}" + "".join(f" AND NOT {e}" for e, _ in ranges[:n]),
                (*ps, *(p for _, eps in ranges[:n] for p in eps)),
            )
            for n, (r, ps) in enumerate(ranges)
        )
        return _Segment(
            predicate,
            params,
            candidates=f"c.id IN ({union})",
            candidate_params=range_params,
            probe=f"SELECT {probe}",
            probe_params=range_params,
            count_parts=parts,
        )

    def _anywhere_tier(self, words: list[str], predicate: str, params: tuple) -> _Segment:
        """The customers with every word somewhere: the trigram index finds the candidates."""
        match = substring_match(words, self._limit + 1)
        return _Segment(
            predicate,
            params,
            candidates=match.candidates,
            candidate_params=match.params,
            probe=match.probe,
            probe_params=match.params,
            count_parts=((match.count_from, match.params),),
        )

    def _with_status(self, tier: _Segment, status: str) -> _Segment:
        """The part of a segment whose portal status is one of the statuses."""
        exists = "EXISTS (SELECT 1 FROM portal_account p WHERE p.customer_id = c.id AND p.status"
        if status == PORTAL_NOT_ACTIVATED:
            return _Segment(
                f"({tier.predicate}) AND NOT {exists} <> ?)",
                (*tier.params, PORTAL_NOT_ACTIVATED),
                tier.candidates,
                tier.candidate_params,
                tier.probe,
                tier.probe_params,
                count_sql=(self._not_activated_count() if tier.predicate == "1=1" else ""),
                count_parts=tier.count_parts,
            )
        predicate = f"({tier.predicate}) AND {exists} = ?)"
        if tier.candidates:
            return _Segment(
                predicate,
                (*tier.params, status),
                tier.candidates,
                tier.candidate_params,
                tier.probe,
                tier.probe_params,
                count_parts=tier.count_parts,
            )
        holders = "SELECT p.customer_id FROM portal_account p WHERE p.status = ?"
        return _Segment(
            predicate,
            (*tier.params, status),
            candidates=f"c.id IN ({holders})",
            candidate_params=(status,),
            probe=f"SELECT count(*) FROM ({holders} LIMIT {self._limit + 1}) AS h",
            probe_params=(status,),
            count_parts=tier.count_parts,
        )

    def _not_activated_count(self) -> str:
        """Count the customers without an active or locked account, as all minus the others."""
        live = self._live("c", indexed=True)
        return (
            f"SELECT (SELECT count(*) FROM customer c WHERE {live}) - "
            f"(SELECT count(*) FROM portal_account p JOIN customer c ON c.id = p.customer_id "
            f"WHERE p.status <> ? AND {live})"
        )

    def _plan(self, number: int) -> _Segment:
        """A segment, its reading decided (and, when small, read) on first use."""
        segment = self._segments[number]
        with self._lock:
            if segment.ids is not None or segment.walked:
                return segment
            small = bool(segment.candidates) and (
                not segment.probe
                or self._scalar(segment.probe, segment.probe_params) <= self._limit
            )
            if small:
                where, params = self._where(segment, with_candidates=True)
                segment.ids = [
                    row[0]
                    for row in self._fetch(
                        f"SELECT c.id FROM customer c WHERE {where} "
                        f"ORDER BY {self._order(False, sorting=True)}",
                        params,
                    )
                ]
                segment.size = len(segment.ids)
            else:
                segment.walked = True
        return segment

    def _size(self, number: int) -> int:
        """How many rows a segment holds."""
        segment = self._plan(number)
        if segment.size is None:
            if segment.count_sql:
                size = self._scalar(segment.count_sql, (PORTAL_NOT_ACTIVATED,))
            elif segment.predicate == "1=1":
                size = self._scalar(
                    f"SELECT count(*) FROM customer c WHERE {self._live('c', True)}", ()
                )
            elif segment.count_parts:
                size = sum(
                    self._scalar(
                        f"SELECT count(*) {part} AND {self._live('c', False)} "
                        f"AND ({segment.predicate})",
                        (*part_params, *segment.params),
                    )
                    for part, part_params in segment.count_parts
                )
            else:
                where, params = self._where(segment, with_candidates=True)
                size = self._scalar(f"SELECT count(*) FROM customer c WHERE {where}", params)
            segment.size = size
        return segment.size

    # --- moving through segments ---

    def _forward(self, number: int, anchor: tuple | None, count: int) -> list[CustomerRow]:
        picked: list[tuple] = []
        with _connected():
            while number < len(self._segments) and len(picked) < count:
                picked += self._segment_step(number, anchor, count - len(picked), forward=True)
                number, anchor = number + 1, None
            return self._rows(picked)

    def _backward(self, number: int, anchor: tuple | None, count: int) -> list[CustomerRow]:
        picked: list[tuple] = []
        with _connected():
            while number >= 0 and len(picked) < count:
                picked = (
                    self._segment_step(number, anchor, count - len(picked), forward=False) + picked
                )
                number, anchor = number - 1, None
            return self._rows(picked)

    def _segment_step(
        self, number: int, anchor: tuple | None, count: int, forward: bool
    ) -> list[tuple]:
        """Up to `count` anchors of a segment after (or before) an anchor, in list order."""
        segment = self._plan(number)
        if segment.ids is not None:
            if forward:
                start = 0 if anchor is None else anchor[1] + 1
                positions = range(start, min(start + count, len(segment.ids)))
            else:
                end = len(segment.ids) if anchor is None else anchor[1]
                positions = range(max(0, end - count), end)
            return [(number, position, segment.ids[position]) for position in positions]
        where, params = self._where(segment, with_candidates=False)
        if anchor is not None:
            after = forward != self.query.descending
            where += (
                f" AND ({', '.join(self._keys)}) {'>' if after else '<'} "
                f"({', '.join('?' for _ in self._keys)})"
            )
            params = (*params, *anchor[1])
        reverse = not forward
        rows = self._fetch(
            f"SELECT {', '.join(self._keys)} FROM customer c WHERE {where} "
            f"ORDER BY {self._order(reverse)} LIMIT {int(count)}",
            params,
        )
        anchors = [(number, tuple(row), row[-1]) for row in rows]
        return anchors if forward else anchors[::-1]

    def _segment_slice(self, number: int, offset: int, count: int) -> list[tuple]:
        """Up to `count` anchors of a segment from a position in it (OFFSET from the nearer end)."""
        segment = self._segments[number]
        if segment.ids is not None:
            end = min(offset + count, len(segment.ids))
            return [(number, position, segment.ids[position]) for position in range(offset, end)]
        where, params = self._where(segment, with_candidates=False)
        size = segment.counted
        from_end = offset > size - offset - count
        skip = max(0, size - offset - count) if from_end else offset
        take = min(count, size - offset)
        rows = self._fetch(
            f"SELECT {', '.join(self._keys)} FROM customer c WHERE {where} "
            f"ORDER BY {self._order(from_end)} LIMIT {int(take)} "
            f"OFFSET {int(skip)}",
            params,
        )
        anchors = [(number, tuple(row), row[-1]) for row in rows]
        return anchors[::-1] if from_end else anchors

    # --- SQL ---

    def _rows(self, anchors: list[tuple]) -> list[CustomerRow]:
        """The shown columns of the anchored customers, in the anchors' order."""
        from models.validation import display_phone  # loaded in the reading thread, not at start

        if not anchors:
            return []
        ids = [anchor[-1] for anchor in anchors]
        found = {
            row[0]: row
            for row in self._fetch(
                f"SELECT {_ROW_COLUMNS} FROM {_ROW_SOURCES} "
                f"WHERE c.id IN ({', '.join('?' for _ in ids)})",
                tuple(ids),
            )
        }
        rows = []
        for anchor in anchors:
            row = found.get(anchor[-1])
            if row is None:
                continue  # deleted since the page was found
            status = row[9] or PORTAL_NOT_ACTIVATED
            rows.append(
                CustomerRow(
                    row[0],
                    row[1],
                    row[2],
                    row[3],
                    row[4],
                    display_phone(row[5] or ""),
                    row[6],
                    row[7],
                    PORTAL_STATUS_LABELS.get(status, status),
                    row[8] is not None,
                    anchor[:2],
                    flag_message(row[11], row[12] or row[13], row[10]) if row[11] else "",
                )
            )
        return rows

    def _where(self, segment: _Segment, with_candidates: bool) -> tuple[str, tuple]:
        """A segment's WHERE clause over `customer c`, and its parameters."""
        parts: list[str] = []
        params: list[object] = []
        if not self.query.include_archived:
            parts.append(self._live("c", indexed=False))
        if with_candidates and segment.candidates:
            parts.append(f"({segment.candidates})")
            params += segment.candidate_params
        parts.append(f"({segment.predicate})")
        params += segment.params
        return " AND ".join(parts), tuple(params)

    def _live(self, table: str, indexed: bool) -> str:
        """Not archived (the unary + keeps SQLite walking the sort index, not this one)."""
        if self.query.include_archived:
            return "1=1"
        column = f"{table}.archived_at"
        return f"{column if indexed else unindexed(column)} IS NULL"

    def _order(self, reverse: bool, sorting: bool = False) -> str:
        """The ORDER BY list; `sorting` keeps SQLite from walking a sort index to avoid a sort."""
        direction = "DESC" if self.query.descending != reverse else "ASC"
        return ", ".join(f"{unindexed(key) if sorting else key} {direction}" for key in self._keys)

    def _key_of(self, sort: str) -> str:
        return sort_keys(sort)[0]

    def _instr(self, haystack: str, needle: str) -> str:
        return text_position(haystack, needle)

    def _fetch(self, sql: str, params: tuple) -> list[tuple]:
        return fetch_all(sql, params)

    def _scalar(self, sql: str, params: tuple) -> int:
        return self._fetch(sql, params)[0][0] or 0
