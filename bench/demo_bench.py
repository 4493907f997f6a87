"""Benchmark of demo data: 100,000 customers added in under 60 s.

    /tmp/v/bin/python bench/demo_bench.py [--million] [--pg URL] [--no-record]

Each size gets a fresh, migrated database (a SQLite file in a temporary folder; with --pg, the
throwaway schema bench_demo on that server, dropped afterwards), and fill_demo_database is timed
in this process. The results replace the "## Demo data" section of bench/RESULTS.md, keeping
every other section.
"""

import argparse
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.results import postgres_schema, report, run_lines
from models.demo.generate import fill_demo_database
from models.staff.session import identify
from models.store.db import close_database, database, open_database
from models.store.tables import Customer, Note, PortalAccount
from models.store.upgrade import MIGRATIONS_DIR, upgrade_database

SECTION = "## Demo data"
LIMIT_S = 60.0
LIMIT_ROWS = 100_000
PG_SCHEMA = "bench_demo"
METHOD = (
    "`fill_demo_database(N, seed=1)` timed in-process on a fresh, migrated database: "
    "customers with portal accounts (about a third of them) and notes, in multi-row "
    "INSERTs (each size built once by Peewee's `insert_many`), one write transaction "
    "per 2,000 customers."
)


def migrations() -> str:
    """The migration scripts this run's databases were built with."""
    return ", ".join(sorted(p.stem for p in MIGRATIONS_DIR.glob("[0-9]*.py")))


def fill(url: str, count: int) -> tuple[float, str]:
    """Migrate the database, add `count` demo customers; the seconds taken and what was added."""
    open_database(url)
    try:
        upgrade_database()
        started = time.perf_counter()
        added = fill_demo_database(identify(), count, seed=1)
        seconds = time.perf_counter() - started
        if added != count or Customer.select().count() != count:
            raise SystemExit(f"Asked for {count:,} customers, got {added:,}.")
        contents = (
            f"{PortalAccount.select().count():,} portal accounts, {Note.select().count():,} notes"
        )
    finally:
        if hasattr(database.obj, "close_all"):
            database.obj.close_all()
        close_database()
    return seconds, contents


def row(engine: str, count: int, seconds: float, contents: str) -> str:
    """One line of the results table, with the verdict where the target applies."""
    verdict = ""
    if count == LIMIT_ROWS:
        verdict = f"{'PASS' if seconds < LIMIT_S else 'FAIL'} (< {LIMIT_S:.0f} s)"
    line = (
        f"| {engine} | {count:,} | {seconds:.1f} s | {count / seconds:,.0f} | {contents} | "
        f"{verdict} |"
    )
    print(line, flush=True)
    return line


def main() -> int:
    """Fill fresh databases of each size on SQLite (and PostgreSQL with --pg); record results."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--million", action="store_true", help="also fill 1,000,000 customers")
    parser.add_argument("--pg", metavar="URL", help="also run on this PostgreSQL server")
    parser.add_argument("--no-record", action="store_true", help="do not write RESULTS.md")
    args = parser.parse_args()
    sizes = [10_000, 100_000] + ([1_000_000] if args.million else [])
    table = [
        "| engine | customers | wall time | customers/s | also added | target |",
        "|---|---|---|---|---|---|",
    ]
    with tempfile.TemporaryDirectory(prefix="demo-bench-") as folder:
        for count in sizes:
            url = f"sqlite:///{Path(folder) / f'demo-{count}.db'}"
            table.append(row("SQLite", count, *fill(url, count)))
    if args.pg:
        for count in sizes:
            with postgres_schema(args.pg, PG_SCHEMA) as url:
                table.append(row("PostgreSQL", count, *fill(url, count)))
    report(
        SECTION,
        ["", *run_lines(), "", f"{METHOD} Migrations applied: {migrations()}.", "", *table],
        record=not args.no_record,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
