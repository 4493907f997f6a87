"""Benchmark of the customer list at 10k, 100k and 1M customers, on SQLite and PostgreSQL, over a
pseudo-terminal and headless.

    /tmp/v/bin/python bench/list_bench.py [--sizes 10000,100000,1000000] [--baseline-max 100000]
        [--pg postgresql://postgres@127.0.0.1:5432/test] [--pg-sizes 100000,1000000]
        [--data DIR] [--rebuild] [--fill-only] [--no-record]

For each size a database is filled once with models.demo.generate.fill_demo_database (seed 1)
and kept: a SQLite file in --data, and with --pg a schema bench_list_N on that server (its
comment marks a finished fill). --fill-only fills what is missing and stops (start it early:
1M takes about half an hour on each engine here). Then, in one run:
- over a pseudo-terminal (80x24, a real `python -m tui` process): process start to custdesk's
  first frame (it paints before it opens the database) and to the first painted rows, and to the
  first frame of a hello-world Textual app; each search keystroke to the frame that shows its
  results (the status line names the term); arrow-down and page-down to the next frame; the
  process's peak RSS;
- headless (Textual's pilot, in a child process): the same keystrokes, timed in-process from the
  key to the screen refresh that shows the results, with where the time of the slowest keys
  went (the list's database reads, the duplicate check of the rows on screen, the rest);
- a baseline that fills a DataTable with every row (SQLite, up to --baseline-max customers).
It prints a table and replaces the "## Customer list" section of bench/RESULTS.md.
"""

import argparse
import asyncio
import fcntl
import json
import os
import pty
import re
import select
import shutil
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

SECTION = "## Customer list"
OPENING = "opening the database"  # custdesk's first frame (tui/app.py), before the list
SIZE = (80, 24)
START_RUNS = 3
KEY_GAP_S = 0.15  # a fast typist: the next key comes this long after the last frame settled
QUIET_S = 0.08
BASELINE_SEARCH_MAX = 10_000  # the baseline refills its DataTable per key: minutes at 100k  # no output for this long: the frame (and any follow-up) is done
ESC = "\x1b"
KEYS = {"down": f"{ESC}[B", "pagedown": f"{ESC}[6~", "escape": ESC, "slash": "/"}
ANSI = re.compile(r"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[PX^_][^\x1b]*\x1b\\|.)")
TARGETS = {
    "start_ratio": 1.25,
    "search_median": 35,
    "search_max": 80,
    "move_median": 10,
    "move_max": 33,
    "rss": 80,
    "rss_growth": 1.3,
}

METHOD = (
    "Databases: SQLite files and PostgreSQL schemas filled by `fill_demo_database(N, seed=1)`. "
    "Over a pseudo-terminal of 80×24, `python -m tui --db …` is timed from process start to its "
    "first frame (the app paints, then opens the database; the target applies to this, "
    "against a hello-world app started just before it) and to the first frame holding the first row (medians of 3 starts); each typed key of the search terms (taken from real "
    "rows: a surname, a business word, a city, an email prefix, telephone digits with a space, "
    "an exact code, a miss) to the frame whose status line names the term; 30 arrow-downs and "
    "30 page-downs to the next frame. Headless: the same keys through Textual's pilot in one "
    "process, from the key to the first frame drawn with the results. The baseline fills a "
    "DataTable with every row and searches with LIKE, refilling it (one term, 10k only). "
    "Causes: in the headless run the list's reads (`CustomerResults`) and the duplicate check "
    "(`duplicate_flags`) are timed wherever they run (worker threads: they may overlap); the "
    "time between a key and its frame spent in neither is drawing and waiting for the "
    "interpreter (one process, one GIL)."
)

HELLO_APP = """
from textual.app import App
from textual.widgets import Static

class Hello(App):
    def compose(self):
        yield Static("hello, world")

Hello().run()
"""

BASELINE_APP = """
import sys
sys.path.insert(0, sys.argv[2])
from textual import work
from textual.app import App
from textual.widgets import DataTable, Input, Static
from models.store.db import open_database, database

QUERY = ("SELECT code, business_name, contact_name, billing_email, billing_phone, "
         "billing_city || ', ' || billing_country FROM customer WHERE archived_at IS NULL")

class Baseline(App):
    BINDINGS = [("slash", "search", "Search"), ("q", "quit", "Quit")]

    def compose(self):
        yield Input(id="search", compact=True)
        yield Static("", id="summary", markup=False)
        yield DataTable(cursor_type="row")

    def on_mount(self):
        table = self.query_one(DataTable)
        table.add_columns("Code", "Business Name", "Contact Name", "Email", "Telephone", "City")
        rows = database.execute_sql(QUERY + " ORDER BY business_name, id").fetchall()
        table.add_rows(rows)
        self.query_one("#summary").update(f"{len(rows):,} customers")
        table.focus()

    def action_search(self):
        self.query_one("#search").focus()

    def on_input_changed(self, event):
        self.find(event.value)

    @work(thread=True, exclusive=True)
    def find(self, term):
        pattern = f"%{term}%"
        with database.connection_context():
            rows = database.execute_sql(
                QUERY + " AND (code LIKE ? OR business_name LIKE ? OR contact_name LIKE ? OR "
                "billing_email LIKE ? OR billing_city LIKE ?) ORDER BY business_name, id",
                (pattern,) * 5).fetchall()
        self.call_from_thread(self.show, term, rows)

    def show(self, term, rows):
        table = self.query_one(DataTable)
        table.clear()
        table.add_rows(rows)
        self.query_one("#summary").update(f"{len(rows):,} match '{term}'")

open_database(sys.argv[1])
Baseline().run()
"""


# --- databases ---


def build(path: Path, count: int) -> None:
    """A SQLite database with `count` demo customers (seed 1), made once."""
    from models.demo.generate import fill_demo_database
    from models.staff.session import identify
    from models.store.db import close_database, open_database
    from models.store.upgrade import upgrade_database

    for stale in path.parent.glob(path.name + "*"):
        stale.unlink()
    partial = path.with_suffix(".building")
    for stale in path.parent.glob(partial.name + "*"):
        stale.unlink()
    started = time.perf_counter()
    open_database(f"sqlite:///{partial}")
    try:
        upgrade_database()
        fill_demo_database(
            identify(),
            count,
            seed=1,
            progress=lambda done: print(f"\r  {path.name}: {done:,} customers", end="", flush=True),
        )
    finally:
        close_database()
    partial.rename(path)
    print(f"\r  {path.name}: {count:,} customers in {time.perf_counter() - started:.0f} s")


PG_FILLED = "custdesk list bench: {count} customers"  # the schema's comment once its fill is done


def pg_url(base_url: str, schema: str) -> str:
    """A URL for `base_url` that works in `schema`."""
    from urllib.parse import quote

    sep = "&" if "?" in base_url else "?"
    return f"{base_url}{sep}options={quote(f'-csearch_path={schema},public')}"


def pg_filled(base_url: str, schema: str) -> str | None:
    """The comment of `schema` (None when it does not exist or has none)."""
    import psycopg2

    with psycopg2.connect(base_url) as conn, conn.cursor() as cur:
        cur.execute(
            "SELECT obj_description(oid, 'pg_namespace') FROM pg_namespace WHERE nspname = %s",
            (schema,),
        )
        found = cur.fetchone()
    conn.close()
    return found[0] if found else None


def build_pg(base_url: str, count: int, rebuild: bool) -> str:
    """A PostgreSQL schema bench_list_N with `count` demo customers (seed 1), made once and kept;
    its URL. The schema's comment says the fill finished; one without it is filled afresh."""
    import psycopg2

    from models.demo.generate import fill_demo_database
    from models.staff.session import identify
    from models.store.db import close_database, database, open_database
    from models.store.upgrade import setup_database

    schema = f"bench_list_{count}"
    url = pg_url(base_url, schema)
    if not rebuild and pg_filled(base_url, schema) == PG_FILLED.format(count=count):
        return url
    with psycopg2.connect(base_url) as conn, conn.cursor() as cur:
        cur.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        cur.execute(f"CREATE SCHEMA {schema}")
    conn.close()
    started = time.perf_counter()
    open_database(url)
    try:
        setup_database()
        fill_demo_database(
            identify(),
            count,
            seed=1,
            progress=lambda done: print(f"\r  {schema}: {done:,} customers", end="", flush=True),
        )
        database.execute_sql(f"COMMENT ON SCHEMA {schema} IS %s", (PG_FILLED.format(count=count),))
    finally:
        if hasattr(database.obj, "close_all"):
            database.obj.close_all()
        close_database()
    print(f"\r  {schema}: {count:,} customers in {time.perf_counter() - started:.0f} s")
    return url


def probe(url: str) -> dict:
    """What the benchmark types and expects, read from the database (a child process)."""
    output = subprocess.run(
        [sys.executable, __file__, "--probe", url],
        capture_output=True,
        text=True,
        check=True,
        cwd=REPO,
    ).stdout
    return json.loads(output)


def probe_child(url: str) -> None:
    """Print the first row's code and search terms taken from real customers, as JSON."""
    from models.search.query import CustomerResults, ListQuery
    from models.store.db import open_database
    from models.store.search_copy import digits
    from models.store.tables import Customer
    from models.store.upgrade import setup_database

    open_database(url)
    setup_database()  # a database kept from an earlier run gets this version's migrations
    first = CustomerResults(ListQuery()).first(1)[0].code
    total = Customer.select().count()

    def pick(field, share: int):
        """A customer with this field filled, a share of the way through the table."""
        return (
            Customer.select()
            .where(field != "")
            .order_by(Customer.id)
            .offset(total * share // 4)
            .first()
        )

    phone = digits(pick(Customer.billing_phone, 2).billing_phone)[-7:-2]
    terms = [
        pick(Customer.contact_name, 1).contact_name.split()[-1].lower(),  # a surname, typed
        pick(Customer.business_name, 2).business_name.split()[0],  # a business word
        pick(Customer.billing_city, 3).billing_city,
        pick(Customer.billing_email, 1).billing_email.split("@")[0][:8],
        f"{phone[:3]} {phone[3:]}",  # telephone digits, with a space
        pick(Customer.code, 2).code,  # an exact code
        "zqxj",  # no match
    ]
    print(json.dumps({"first_code": first, "terms": terms}))


# --- a process on a pseudo-terminal ---


class Terminal:
    """A program running on a pseudo-terminal of the benchmark's size."""

    def __init__(self, argv: list[str], env: dict[str, str]):
        self.started = time.perf_counter()
        master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", SIZE[1], SIZE[0], 0, 0))
        self.process = subprocess.Popen(
            argv,
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=env,
            cwd=REPO,
            start_new_session=True,
            close_fds=True,
        )
        os.close(slave)
        self.fd = master
        self.seen = ""
        self.typed: list[tuple[str, float]] = []  # each search key: the term so far, seconds

    def read(self, timeout: float) -> tuple[str, float]:
        """Output that arrives within `timeout` (plain text), and when its first byte came."""
        ready, _, _ = select.select([self.fd], [], [], timeout)
        if not ready:
            return "", 0.0
        arrived = time.perf_counter()
        try:
            data = os.read(self.fd, 1 << 16)
        except OSError:  # the program has ended
            return "", 0.0
        text = ANSI.sub("", data.decode("utf-8", "replace"))
        self.seen += text
        return text, arrived

    def wait_for(self, marker: str, since: float, timeout: float = 60.0) -> float:
        """Seconds from `since` until output containing `marker` (new output only)."""
        window = ""
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            text, arrived = self.read(0.5)
            window = (window + text)[-4000:]
            if marker in window:
                return arrived - since
        raise TimeoutError(f"no {marker!r} on screen within {timeout:.0f} s")

    def wait_for_all(self, markers: list[str], timeout: float = 60.0) -> dict[str, float]:
        """Seconds from the program's start until output containing each marker."""
        window, found = "", {}
        deadline = time.perf_counter() + timeout
        while len(found) < len(markers) and time.perf_counter() < deadline:
            text, arrived = self.read(0.5)
            window = (window + text)[-8000:]
            for marker in markers:
                if marker not in found and marker in window:
                    found[marker] = arrived - self.started
        if len(found) < len(markers):
            raise TimeoutError(f"not all of {markers!r} on screen within {timeout:.0f} s")
        return found

    def first_frame(self, since: float, timeout: float = 5.0) -> float:
        """Seconds from `since` to the next output."""
        text, arrived = self.read(timeout)
        if not text and not arrived:
            raise TimeoutError("no frame after the key")
        return arrived - since

    def settle(self, quiet: float = QUIET_S, limit: float = 5.0) -> None:
        """Read until nothing more comes for `quiet` seconds."""
        deadline = time.perf_counter() + limit
        while time.perf_counter() < deadline:
            _, arrived = self.read(quiet)
            if not arrived:
                return

    def press(self, key: str) -> float:
        """Send one key; returns when it was sent."""
        os.write(self.fd, KEYS.get(key, key).encode())
        return time.perf_counter()

    def peak_rss_mb(self) -> float:
        """The program's peak resident memory so far."""
        status = Path(f"/proc/{self.process.pid}/status").read_text()
        return int(re.search(r"VmHWM:\s*(\d+)", status).group(1)) / 1024

    def close(self) -> None:
        """Quit the program (q), or end it."""
        try:
            os.write(self.fd, b"q")
            self.process.wait(timeout=5)
        except (OSError, subprocess.TimeoutExpired):
            self.process.kill()
            self.process.wait()
        os.close(self.fd)


def bench_env(home: Path) -> dict[str, str]:
    """The environment of the measured programs: a plain 256-colour terminal, private folders."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CUSTDESK_", "TEXTUAL"))}
    env.update(
        TERM="xterm-256color",
        COLORTERM="truecolor",
        LANG="C.UTF-8",
        CUSTDESK_DATA_DIR=str(home / "data"),
        CUSTDESK_CONFIG_DIR=str(home / "config"),
        PYTHONPATH=str(REPO),
    )
    return env


def time_start(argv: list[str], env: dict, marker: str, first: str | None = None) -> tuple:
    """Process start to the first frame showing `marker`, and to the earlier frame showing
    `first` when given (medians of a few runs)."""
    times, firsts = [], []
    for _ in range(START_RUNS):
        terminal = Terminal(argv, env)
        try:
            found = terminal.wait_for_all([marker] + ([first] if first else []))
            times.append(found[marker])
            if first is not None:
                firsts.append(found[first])
        finally:
            terminal.close()
    return statistics.median(times), statistics.median(firsts) if firsts else None


def type_terms(terminal: Terminal, terms: list[str], summary_marker) -> list[float]:
    """Type each term a key at a time; seconds from each key to the frame naming the term."""
    times = []
    for number, term in enumerate(terms):
        terminal.press("slash")
        terminal.settle(quiet=0.3)  # the search field has the focus before the first key
        for length in range(1, len(term) + 1):
            time.sleep(KEY_GAP_S)
            sent = terminal.press(term[length - 1])
            times.append(terminal.wait_for(summary_marker(term[:length].strip()), sent, timeout=60))
            terminal.typed.append((term[:length], times[-1]))
            terminal.settle()
        if number < len(terms) - 1:
            terminal.press("escape")
            terminal.settle(quiet=0.3)
    return times


def time_moves(terminal: Terminal, key: str, count: int) -> list[float]:
    """Seconds from each key to the next frame."""
    times = []
    for _ in range(count):
        time.sleep(0.05)
        terminal.settle(quiet=0.03)
        sent = terminal.press(key)
        times.append(terminal.first_frame(sent))
    terminal.settle()
    return times


def pty_run(
    argv: list[str], env: dict, first_marker: str, terms: list[str], summary_marker
) -> dict:
    """One session: the first frame, typed searches, arrows and page-downs, peak RSS."""
    terminal = Terminal(argv, env)
    try:
        terminal.wait_for(first_marker, terminal.started)
        terminal.settle(quiet=0.5, limit=60)  # the count, and anything else at start
        arrows = time_moves(terminal, "down", 30)
        pages = time_moves(terminal, "pagedown", 30)
        search = type_terms(terminal, terms, summary_marker) if terms else []
        slowest = sorted(terminal.typed, key=lambda typed: -typed[1])[:3]
        return {
            "search": search,
            "arrow": arrows,
            "page": pages,
            "rss": terminal.peak_rss_mb(),
            "slowest": ", ".join(f"'{term}' {seconds * 1000:.0f}" for term, seconds in slowest),
        }
    finally:
        terminal.close()


def app_marker(term: str) -> str:
    """How the list's status line names a search term once its results are on screen."""
    return f"'{term}'"


# --- headless, in a child process ---


def headless_child(url: str, terms: list[str]) -> None:
    """Time the same keys in-process with Textual's pilot, from the key to the frame; print JSON."""
    from models.store.db import open_database
    from screens.customer_list import CustomerListScreen
    from screens.widgets.customer_table import CustomerTable
    from tui.app import CustdeskApp
    from tui.settings import at_the_desk, resolve_settings

    open_database(url)
    app = CustdeskApp(at_the_desk(resolve_settings(url, None, False)))
    frames: list[tuple[float, str | None]] = []  # when each frame was drawn, and for what term
    draw = app._display
    spans = time_spans()

    def showing() -> str | None:
        """The search term whose results are on the list screen now (None while loading)."""
        screen = app.screen
        if not isinstance(screen, CustomerListScreen) or screen._shown is None:
            return None
        if screen._searching or screen.query_one(CustomerTable)._loading:
            return None
        return screen._shown.query.text

    def display(screen, update) -> None:
        frames.append((time.perf_counter(), showing()))
        draw(screen, update)

    app._display = display

    causes: dict[str, list] = {"search": [], "arrow": [], "page": []}

    async def key_to_frame(pilot, key: str, term: str | None, name: str) -> float:
        """Press a key; seconds to the first frame after it (showing `term`, when given), and
        where the time went (kept in `causes`)."""
        started = time.perf_counter()
        await pilot.press(key)
        deadline = started + 60
        while time.perf_counter() < deadline:
            for drawn, shown in frames:
                if drawn > started and (term is None or shown == term):
                    causes[name].append(
                        [term or key, drawn - started, *spans.within(started, drawn)]
                    )
                    return drawn - started
            await asyncio.sleep(0.001)
        raise TimeoutError(f"no frame for {key!r}")

    async def run() -> dict:
        timings = {"search": [], "arrow": [], "page": [], "causes": causes}
        async with app.run_test(size=SIZE) as pilot:
            while showing() != "":
                await asyncio.sleep(0.01)
            await pilot.pause(0.5)
            for key, name in (("down", "arrow"), ("pagedown", "page")):
                for _ in range(30):
                    timings[name].append(await key_to_frame(pilot, key, None, name))
                    await pilot.pause(0.02)
            for term in terms:
                await pilot.press("slash")
                for length in range(1, len(term) + 1):
                    await asyncio.sleep(KEY_GAP_S)
                    timings["search"].append(
                        await key_to_frame(pilot, term[length - 1], term[:length], "search")
                    )
                await pilot.press("escape")
                while showing() != "":
                    await asyncio.sleep(0.01)
        return timings

    timings = asyncio.run(run())
    status = Path("/proc/self/status").read_text()
    timings["rss"] = int(re.search(r"VmHWM:\s*(\d+)", status).group(1)) / 1024
    print(json.dumps(timings))


class Spans:
    """When the list's database reads and duplicate checks ran (any thread), to tell where the
    time between a key and its frame went."""

    KINDS = ("query", "duplicates")

    def __init__(self):
        self.spans: list[tuple[str, float, float]] = []

    def timed(self, kind: str, function):
        """`function`, recording each call's start and end under `kind`."""

        def timed_call(*args, **kwargs):
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                self.spans.append((kind, started, time.perf_counter()))

        return timed_call

    def within(self, start: float, end: float) -> list[float]:
        """Seconds within [start, end] spent in each kind, then in either (calls that nest or
        run in parallel threads count once)."""
        return [self._covered(start, end, {kind}) for kind in self.KINDS] + [
            self._covered(start, end, set(self.KINDS))
        ]

    def _covered(self, start: float, end: float, kinds: set[str]) -> float:
        clipped = sorted(
            (max(start, begin), min(end, stop))
            for kind, begin, stop in self.spans
            if kind in kinds and stop > start and begin < end
        )
        total, reached = 0.0, start
        for begin, stop in clipped:
            total += max(0.0, stop - max(begin, reached))
            reached = max(reached, stop)
        return total


def time_spans() -> Spans:
    """Instrument the list's reads (search, pages, count) and the duplicate check."""
    import models.duplicates
    from models.search.query import CustomerResults

    spans = Spans()
    for name in ("first", "after", "before", "last", "slice", "count"):
        setattr(CustomerResults, name, spans.timed("query", getattr(CustomerResults, name)))
    models.duplicates.duplicate_flags = spans.timed("duplicates", models.duplicates.duplicate_flags)
    return spans


def headless_run(url: str, terms: list[str], env: dict) -> dict:
    output = subprocess.run(
        [sys.executable, __file__, "--headless", url, json.dumps(terms)],
        capture_output=True,
        text=True,
        check=True,
        cwd=REPO,
        env=env,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


# --- reporting ---


def stats_ms(values: list[float]) -> tuple[float, float, float]:
    """Median, 95th percentile and maximum, in milliseconds."""
    ordered = sorted(v * 1000 for v in values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered), p95, ordered[-1]


def verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def row(
    engine: str, size: int, how: str, start: float | None, hello: float, run: dict
) -> tuple[str, dict]:
    """One table row, and the checks against the targets."""
    search, arrow, page = (
        stats_ms(run[k]) if run.get(k) else None for k in ("search", "arrow", "page")
    )
    checks = {}
    cells = [engine, f"{size:,}", how]
    if start is None:
        cells += ["—", "—"]
    else:
        rows, frame = start
        painted = frame if frame is not None else rows
        checks["start"] = painted <= TARGETS["start_ratio"] * hello
        cells.append(f"{painted:.2f} s ({painted / hello:.2f}× of {hello:.2f} s)")
        cells.append(f"{rows:.2f} s ({rows / hello:.2f}×)")
    if search:
        checks["search"] = (
            search[0] <= TARGETS["search_median"] and search[2] <= TARGETS["search_max"]
        )
        cells.append(f"{search[0]:.0f} / {search[1]:.0f} / {search[2]:.0f}")
    else:
        cells.append("—")
    for name, values in (("arrow", arrow), ("page", page)):
        checks[name] = values[0] <= TARGETS["move_median"] and values[2] <= TARGETS["move_max"]
        cells.append(f"{values[0]:.1f} / {values[2]:.1f}")
    checks["rss"] = run["rss"] <= TARGETS["rss"]
    cells.append(f"{run['rss']:.0f} MB")
    return "| " + " | ".join(cells) + " |", checks


def databases(args) -> list[tuple[str, int, str]]:
    """Each (engine, size, URL) to measure, filled first where it is missing."""
    found = []
    for size in [int(size) for size in args.sizes.split(",")]:
        path = args.data / f"list-{size}.db"
        if args.rebuild or not path.exists():
            build(path, size)
        found.append(("SQLite", size, f"sqlite:///{path}"))
    if args.pg:
        sizes = [int(size) for size in args.pg_sizes.split(",")]
        found.extend(("PostgreSQL", size, build_pg(args.pg, size, args.rebuild)) for size in sizes)
    return found


def causes(engine: str, size: int, run: dict) -> list[str]:
    """Where the time of the slowest keys went (headless): the list's database reads, the
    duplicate check of the rows on screen (in worker threads, so they may overlap), and time in
    neither (drawing, and waiting for the interpreter)."""
    lines = []
    for name, label, limit in (
        ("search", "search keys", TARGETS["search_max"]),
        ("page", "page-downs", TARGETS["move_max"]),
        ("arrow", "arrows", TARGETS["move_max"]),
    ):
        slowest = sorted(run["causes"][name], key=lambda cause: -cause[1])[:3]
        if not slowest or slowest[0][1] * 1000 <= limit:
            continue
        parts = [
            f"'{key}' {total * 1000:.0f} ms (database reads {query * 1000:.0f}, duplicate "
            f"check {dups * 1000:.0f}, neither {(total - either) * 1000:.0f})"
            for key, total, query, dups, either in slowest
        ]
        lines.append(f"- {engine} {size:,}, headless, slowest {label}: " + "; ".join(parts))
    return lines


def main() -> int:
    """Build the databases if needed, measure, print and record."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--pg", metavar="URL", help="also measure on this PostgreSQL server")
    parser.add_argument("--pg-sizes", default="100000,1000000", help="sizes for --pg")
    parser.add_argument("--baseline-max", type=int, default=100_000)
    parser.add_argument("--data", type=Path, default=Path(tempfile.gettempdir()) / "custdesk-bench")
    parser.add_argument("--rebuild", action="store_true", help="build the databases again")
    parser.add_argument("--fill-only", action="store_true", help="build the databases, then stop")
    parser.add_argument("--no-record", action="store_true", help="do not write RESULTS.md")
    args = parser.parse_args()
    from bench.results import report, run_lines

    args.data.mkdir(parents=True, exist_ok=True)
    targets = databases(args)
    if args.fill_only:
        return 0
    home = Path(tempfile.mkdtemp(prefix="custdesk-list-bench-"))
    env = bench_env(home)
    load_before = os.getloadavg()
    try:
        hello_file = home / "hello.py"
        hello_file.write_text(HELLO_APP)
        baseline_file = home / "baseline.py"
        baseline_file.write_text(BASELINE_APP)
        hello_argv = [sys.executable, str(hello_file)]
        hellos: list[float] = []
        lines, all_checks, rss, slowest = [], {}, {}, []
        for engine, size, url in targets:
            expect = probe(url)
            app = [sys.executable, "-m", "tui", "--db", url]
            hello, _ = time_start(hello_argv, env, "hello, world")  # beside it: same load
            hellos.append(hello)
            start = time_start(app, env, expect["first_code"], OPENING)
            run = pty_run(app, env, expect["first_code"], expect["terms"], app_marker)
            line, checks = row(engine, size, "custdesk, pty", start, hello, run)
            lines.append(line)
            slowest.append(
                f"- {engine} {size:,} customers, pty: slowest search keys (ms): {run['slowest']}"
            )
            all_checks[(engine, size, "pty")] = checks
            rss[(engine, size)] = run["rss"]
            print(line)
            headless = headless_run(url, expect["terms"], env)
            line, checks = row(engine, size, "custdesk, headless", None, hello, headless)
            slowest += causes(engine, size, headless)
            lines.append(line)
            all_checks[(engine, size, "headless")] = checks
            print(line)
            if engine == "SQLite" and size <= args.baseline_max:
                argv = [sys.executable, str(baseline_file), url, str(REPO)]
                first = "customers"
                start, _ = time_start(argv, env, first)
                start = (start, None)
                terms = expect["terms"][:1] if size <= BASELINE_SEARCH_MAX else []
                run = pty_run(argv, env, first, terms, lambda term: f"match '{term}'")
                line, _ = row(engine, size, "baseline DataTable, pty", start, hello, run)
                lines.append(line)
                print(line)
    finally:
        shutil.rmtree(home, ignore_errors=True)
    load_after = os.getloadavg()
    growth = max(
        rss[(engine, max(size for e, size in rss if e == engine))]
        / rss[(engine, min(size for e, size in rss if e == engine))]
        for engine, _ in rss
    )
    sizes = sorted({size for _, size in rss})
    summary = [
        f"- First frame within {TARGETS['start_ratio']}× of the hello-world app's, started "
        f"just before it ({min(hellos):.2f}–{max(hellos):.2f} s): "
        + verdict(all(c["start"] for k, c in all_checks.items() if "start" in c)),
        f"- Search keystroke to painted results ≤ {TARGETS['search_median']} ms median, "
        f"≤ {TARGETS['search_max']} ms max: "
        + verdict(all(c["search"] for c in all_checks.values())),
        f"- Arrow and page-down to next frame ≤ {TARGETS['move_median']} ms median, "
        f"≤ {TARGETS['move_max']} ms max: "
        + verdict(all(c["arrow"] and c["page"] for c in all_checks.values())),
        f"- Peak RSS ≤ {TARGETS['rss']} MB: "
        + verdict(all(c["rss"] for c in all_checks.values()))
        + f"; growth from {sizes[0]:,} to {sizes[-1]:,} customers {growth:.2f}× "
        f"(target ≤ {TARGETS['rss_growth']}×): " + verdict(growth <= TARGETS["rss_growth"]),
    ]
    table = [
        (
            "| engine | customers | program | start to first frame (× hello-world) | start to first rows "
            "| search key to results, ms "
            "(median / p95 / max) | arrow, ms (median / max) | page-down, ms (median / max) "
            "| peak RSS |"
        ),
        "|---|---|---|---|---|---|---|---|---|",
        *lines,
    ]
    report(
        SECTION,
        [
            *run_lines(),
            (
                f"Load average before/after: {load_before[0]:.2f} / {load_after[0]:.2f} "
                "(other work on the machine shows up in every figure)."
            ),
            "",
            METHOD,
            "",
            *table,
            "",
            *summary,
            *slowest,
        ],
        record=not args.no_record,
    )
    return 0


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--probe":
        probe_child(sys.argv[2])
    elif len(sys.argv) > 1 and sys.argv[1] == "--headless":
        headless_child(sys.argv[2], json.loads(sys.argv[3]))
    else:
        sys.exit(main())
