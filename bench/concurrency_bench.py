"""Many staff at once: saves per second and search latency with 1, 4 and 16 staff processes.

Each staff process loops for a fixed time like a clerk: search for a name, open a customer,
change a field and save (a version conflict is counted and retried with fresh values). Run on a
SQLite file and on PostgreSQL in one run:

    python bench/concurrency_bench.py --pg postgresql://postgres@127.0.0.1:5432/test
"""

import argparse
import multiprocessing
import os
import random
import re
import statistics
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.results import RESULTS, postgres_schema, report, run_lines

SECTION = "## Many staff at once"
CUSTOMERS = 20_000
SECONDS = 8.0
STAFF_COUNTS = (1, 4, 16)
TERMS = ("mül", "acme", "smith", "josé", "dublin", "bakery", "jo", "555 01", "ørsted", "cst-0001")


def _prepare(url: str) -> list[int]:
    """Migrate and fill the database; returns the customer ids."""
    from models.demo.generate import fill_demo_database
    from models.staff.session import identify
    from models.store.db import close_database, open_database
    from models.store.tables import Customer
    from models.store.upgrade import upgrade_database

    open_database(url)
    upgrade_database()
    fill_demo_database(identify(), CUSTOMERS, seed=7)
    ids = [row[0] for row in Customer.select(Customer.id).tuples()]
    close_database()
    return ids


def _staff(url: str, ids: list[int], start_at: float, seconds: float, seed: int) -> dict:
    """One clerk's loop; returns the saves, conflicts and search latencies it saw."""
    from models.customers import SaveConflict, load_customer, save_customer
    from models.search.query import CustomerResults, ListQuery
    from models.staff.session import identify
    from models.store.db import open_database

    open_database(url)
    staff = identify()
    rng = random.Random(seed)
    saves = conflicts = 0
    latencies: list[float] = []
    time.sleep(max(0.0, start_at - time.time()))
    stop = time.time() + seconds
    while time.time() < stop:
        began = time.perf_counter()
        CustomerResults(ListQuery(rng.choice(TERMS))).first(50)
        latencies.append((time.perf_counter() - began) * 1000)
        record = load_customer(rng.choice(ids))
        while True:
            try:
                save_customer(record, {"billing_street2": f"Suite {rng.randint(1, 999)}"}, staff)
                saves += 1
                break
            except SaveConflict as conflict:
                conflicts += 1
                record = conflict.current
    return {"saves": saves, "conflicts": conflicts, "latencies": latencies}


def _measure(url: str, ids: list[int], staff: int) -> dict:
    """Run `staff` processes at once; totals and latency figures."""
    start_at = time.time() + 2.0 + staff * 0.15
    with multiprocessing.get_context("spawn").Pool(staff) as pool:
        results = pool.starmap(_staff, [(url, ids, start_at, SECONDS, n) for n in range(staff)])
    latencies = sorted(ms for r in results for ms in r["latencies"])
    return {
        "saves_per_s": sum(r["saves"] for r in results) / SECONDS,
        "conflicts": sum(r["conflicts"] for r in results),
        "median": statistics.median(latencies),
        "p95": latencies[int(len(latencies) * 0.95) - 1],
        "searches": len(latencies),
    }


def _previous_saves() -> tuple[str, dict[tuple[str, str], str]]:
    """The date and saves/s of this section's last recorded run, to print beside the new one
    (the cost of what changed since, e.g. the audit chain)."""
    text = RESULTS.read_text() if RESULTS.exists() else ""
    section = text.split(SECTION, 1)[1].split("\n## ", 1)[0] if SECTION in text else ""
    date = re.search(r"Date: (\S+?)\.", section)
    saves = {
        (cells[1], cells[2]): cells[3]
        for line in section.splitlines()
        if line.startswith("| ") and not line.startswith("| engine")
        for cells in [[c.strip() for c in line.split("|")]]
    }
    return (date.group(1) if date else "", saves)


def main() -> None:
    """Measure each engine at each number of staff, print the table, record it."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pg", metavar="URL", help="also measure this PostgreSQL server")
    parser.add_argument("--no-record", action="store_true", help="do not write RESULTS.md")
    args = parser.parse_args()
    before_date, before = _previous_saves()
    load_before = os.getloadavg()[0]
    rows = []
    with ExitStack() as stack:
        folder = stack.enter_context(tempfile.TemporaryDirectory())
        engines = [("SQLite", f"sqlite:///{folder}/bench.db")]
        if args.pg:
            engines.append(
                ("PostgreSQL", stack.enter_context(postgres_schema(args.pg, "bench_concurrency")))
            )
        for engine, url in engines:
            ids = _prepare(url)
            for staff in STAFF_COUNTS:
                figures = _measure(url, ids, staff)
                rows.append(
                    f"| {engine} | {staff} | {figures['saves_per_s']:,.0f} | "
                    f"{before.get((engine, str(staff)), '—')} | "
                    f"{figures['conflicts']} | {figures['searches']:,} | "
                    f"{figures['median']:.1f} ms | {figures['p95']:.1f} ms |"
                )
                print(rows[-1], flush=True)
    method = (
        f"{CUSTOMERS:,} demo customers; each staff process loops for {SECONDS:.0f} s: a "
        "search (first 50 rows, terms of 2–8 characters), then load a random customer, "
        "change one field and save (version-checked; a conflict is retried with the fresh "
        "values). All processes start together. Every save writes its audit row into the "
        "hash chain (models/audit/chain.py); the column beside saves/s is the previous "
        f"recorded run's ({before_date or 'none'})."
    )
    header = (
        f"| engine | staff processes | saves/s (all) | saves/s on {before_date or '—'} "
        "| conflicts | searches | search median | search p95 |"
    )
    load = f"Load average before/after: {load_before:.2f} / {os.getloadavg()[0]:.2f}."
    lines = [*run_lines(), load, "", method, "", header, "|---|---|---|---|---|---|---|---|", *rows]
    report(SECTION, lines, record=not args.no_record)


if __name__ == "__main__":
    main()
