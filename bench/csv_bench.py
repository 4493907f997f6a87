"""Benchmark of CSV import and export: 100,000 rows imported under 60 s, 1,000,000 exported in
constant memory.

    /tmp/v/bin/python bench/csv_bench.py [--rows 100000] [--export-rows 1000000] [--pg URL]

Each measured step runs the real command line (`python -m tui import/export`) as a child
process; its wall time and peak RSS (from wait4) are reported. The 1,000,000 customers for the
export are inserted directly (already clean) to save time; the export is measured at a tenth of
that size too, to show that memory does not grow with the number of customers. The results
replace the "## CSV import/export" section of bench/RESULTS.md, keeping every other section.
"""

import argparse
import csv
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.results import (
    machine,  # noqa: F401 - bench/list_bench.py imports it from here
    postgres_schema,
    report,
    run_lines,
)
from models.transfer.csv_format import COLUMNS, HEADER, cell_formatter

SECTION = "## CSV import/export"
IMPORT_LIMIT_S = 60.0
METHOD = (
    "Each step is the real command line in a child process (`python -m tui --db URL "
    "import FILE` / `export --force FILE`); peak RSS is that process's maximum resident "
    "set size. The import file has most fields filled, a fifth of the rows without a code "
    "(generated) and some formula-like names; importing it a second time with --update finds "
    "every coded row unchanged and every row without a code a likely duplicate (same "
    "billing email), so nothing is created; the export databases were filled directly "
    "with clean customers. While the first import writes (in chunks of about 0.5 s), a clerk "
    "in the benchmark's own process saves one customer every 0.2 s (a real save, audited). "
    "CPU time is the child's user+system time; the load average "
    "(1 minute, at the end of the step) shows how busy the shared machine was."
)

FIRST = [
    "Zoë",
    "José",
    "Ana",
    "Björn",
    "Chloé",
    "Dmitri",
    "Élodie",
    "Fatima",
    "Günter",
    "Hana",
    "Ingrid",
    "Jürgen",
    "Kai",
    "Léa",
    "Mateo",
    "Noémie",
    "Olu",
    "Priya",
    "Quinn",
    "Renée",
    "Søren",
    "Tomás",
    "Ulla",
    "Valérie",
    "Wei",
    "Xavier",
    "Yusuf",
    "Zsófia",
]
LAST = [
    "Müller",
    "García",
    "Smith",
    "Nguyen",
    "O'Brien",
    "Dubois",
    "Kowalski",
    "Rossi",
    "Ødegaard",
    "Papadopoulos",
    "Tanaka",
    "Johansson",
    "Fernández",
    "Brown",
    "Lefèvre",
]
TRADE = [
    "Café",
    "Bakery",
    "Hardware",
    "Consulting",
    "Logistics",
    "Studio",
    "Garage",
    "Florist",
    "Books",
    "Dental",
    "Outfitters",
    "Brewing",
    "Imports",
    "Design",
    "Plumbing",
]
STREETS = [
    "Main St",
    "Rue de la Paix",
    "High Street",
    "Hauptstraße",
    "King St W",
    "George St",
    "Avenue des Champs-Élysées",
    "Queen's Road",
    "Market St",
    "Bahnhofstraße",
]
# Country: (cities, states, postal codes) in their stored (clean) form.
PLACES = {
    "US": (
        ["San Francisco", "New York", "Austin"],
        ["US-CA", "US-NY", "US-TX"],
        ["94103", "10001", "73301"],
    ),
    "CA": (
        ["Montréal", "Toronto", "Vancouver"],
        ["CA-QC", "CA-ON", "CA-BC"],
        ["H2X 1Y4", "M5V 2T6", "V6B 1A1"],
    ),
    "GB": (["London", "Leeds", "Bristol"], [""], ["SW1A 1AA", "LS1 4AP", "BS1 4DJ"]),
    "FR": (["Paris", "Lyon", "Marseille"], [""], ["75001", "69002", "13001"]),
    "DE": (["Berlin", "München", "Köln"], [""], ["10115", "80331", "50667"]),
    "AU": (["Sydney", "Melbourne"], ["AU-NSW", "AU-VIC"], ["2000", "3000"]),
}
VAT_NUMBERS = {"FR": "FR40303265045", "GB": "GB980780684", "DE": "DE136695976"}


def _phone_pool() -> dict[str, list[str]]:
    """Valid E.164 numbers per country: each example number with its last digit varied."""
    import phonenumbers

    pool: dict[str, list[str]] = {}
    for country in PLACES:
        example = phonenumbers.format_number(
            phonenumbers.example_number(country), phonenumbers.PhoneNumberFormat.E164
        )
        candidates = [example[:-1] + str(digit) for digit in range(10)]
        pool[country] = [
            n for n in candidates if phonenumbers.is_valid_number(phonenumbers.parse(n))
        ]
    return pool


class CustomerMaker:
    """Realistic, varied, valid customers in their stored form, the same for the same seed."""

    def __init__(self, seed: int = 42):
        self.random = random.Random(seed)
        self.phones = _phone_pool()

    def address(self, side: str, person: str, business: str) -> dict[str, str]:
        """One filled address side."""
        pick = self.random.choice
        country = pick(list(PLACES))
        cities, states, postcodes = PLACES[country]
        return {
            f"{side}_contact_name": person,
            f"{side}_business_name": business,
            f"{side}_street1": f"{self.random.randint(1, 999)} {pick(STREETS)}",
            f"{side}_street2": pick(["", "", f"Suite {self.random.randint(1, 50)}"]),
            f"{side}_city": pick(cities),
            f"{side}_country": country,
            f"{side}_state": pick(states),
            f"{side}_postal_code": pick(postcodes),
            f"{side}_phone": pick(self.phones[country]),
            f"{side}_fax": pick(["", pick(self.phones[country])]),
            f"{side}_email": f"{person.split()[0].lower().encode('ascii', 'ignore').decode()}"
            f".{self.random.randint(0, 10**9)}@example.com",
        }

    def customer(self, number: int, blank_code: bool) -> dict[str, object]:
        """Customer `number`: every field filled but a few; a formula-like name now and then."""
        pick = self.random.choice
        person = f"{pick(FIRST)} {pick(LAST)}"
        business = f"{pick(LAST)} {pick(TRADE)}" + pick(["", " Ltd", " GmbH", " & Co"])
        if number % 97 == 0:
            business = f'=HYPERLINK("x") {business}'
        values: dict[str, object] = {
            "code": "" if blank_code else f"B-{number:07d}",
            "business_name": business,
            "contact_name": person,
            **self.address("billing", person, business),
        }
        shipping = self.address("shipping", person, business)
        if self.random.random() < 0.5:
            shipping = {name: "" for name in shipping}
        values.update(shipping)
        country = str(values["billing_country"])
        values.update(
            {
                "tax_exempt": pick(["no", "no", "no", "all", "state", "country"]),
                "vat_number": VAT_NUMBERS.get(country, "") if self.random.random() < 0.3 else "",
                "accepts_marketing": self.random.random() < 0.4,
                "wholesale": self.random.random() < 0.2,
            }
        )
        return values


def write_import_file(path: Path, rows: int) -> None:
    """A CSV file of `rows` customers, a fifth of them without a code."""
    maker = CustomerMaker()
    formatters = [(name, cell_formatter(name)) for _, name in COLUMNS]
    with open(path, "w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(HEADER)
        for number in range(rows):
            values = maker.customer(number, blank_code=number % 5 == 4)
            writer.writerow([fmt(values[name]) for name, fmt in formatters])


def fill_database(url: str, rows: int) -> float:
    """Insert `rows` clean customers straight into the database; returns the seconds taken."""
    from models.customers import code_key
    from models.store.db import close_database, open_database
    from models.store.engine import write_transaction
    from models.store.tables import Customer
    from models.store.upgrade import upgrade_database

    open_database(url)
    upgrade_database()
    started = time.perf_counter()
    maker = CustomerMaker(seed=7)
    names = [name for _, name in COLUMNS]
    fields = [Customer.code_key, *(getattr(Customer, name) for name in names)]
    with write_transaction():
        for start in range(0, rows, 500):
            batch = []
            for number in range(start, min(rows, start + 500)):
                values = maker.customer(number, blank_code=False)
                batch.append((code_key(str(values["code"])), *(values[n] for n in names)))
            Customer.insert_many(batch, fields=fields).execute()
    close_database()
    return time.perf_counter() - started


@dataclass
class Run:
    """One measured child process."""

    seconds: float
    cpu_seconds: float
    peak_rss_mb: float
    load: float  # the machine's 1-minute load average when the step ended
    output: str

    def cells(self) -> str:
        """Wall time, CPU time, peak RSS and load as table cells."""
        return (
            f"{self.seconds:.1f} s | {self.cpu_seconds:.1f} s | {self.peak_rss_mb:.0f} MB | "
            f"{self.load:.1f}"
        )


def measure(args: list[str], meanwhile=None) -> Run:
    """Run a command line as a child process; its wall time and peak resident memory.
    `meanwhile(stop)`, when given, runs in a thread until the child has ended (stop is set)."""
    started = time.perf_counter()
    stop = threading.Event()
    with tempfile.TemporaryFile("w+") as output:
        child = subprocess.Popen(args, stdout=output, stderr=subprocess.STDOUT, cwd=REPO)
        beside = threading.Thread(target=meanwhile, args=(stop,)) if meanwhile else None
        if beside:
            beside.start()
        _, status, usage = os.wait4(child.pid, 0)
        stop.set()
        if beside:
            beside.join()
        child.returncode = os.waitstatus_to_exitcode(status)
        seconds = time.perf_counter() - started
        output.seek(0)
        text = output.read()
    if child.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed ({child.returncode}):\n{text[-2000:]}")
    return Run(
        seconds,
        usage.ru_utime + usage.ru_stime,
        usage.ru_maxrss / 1024,
        os.getloadavg()[0],
        text.strip().splitlines()[-1],
    )


class Clerk:
    """A clerk saving one customer again and again (every 0.2 s) while an import writes: how
    long each save took, and whether it was told another import is running."""

    def __init__(self, url: str):
        self.url = url
        self.waits: list[float] = []
        self.told = 0

    def __call__(self, stop: threading.Event) -> None:
        from models.customers import create_customer, save_customer
        from models.staff.session import identify
        from models.store.db import close_database, open_database
        from models.transfer.import_run import running_imports, waited_note

        open_database(self.url)
        staff = identify()
        record = create_customer({"code": "CLERK-1", "business_name": "Clerk's own"}, staff)
        while not stop.is_set():
            if not running_imports():  # still checking the file, or done
                stop.wait(0.05)
                continue
            started = time.perf_counter()
            record = save_customer(record, {"contact_name": f"Save {len(self.waits)}"}, staff)
            self.waits.append(time.perf_counter() - started)
            self.told += waited_note(self.waits[-1]) is not None
            stop.wait(0.2)
        close_database()

    def summary(self) -> str:
        """The saves in one phrase."""
        if not self.waits:
            return "no save landed while it wrote"
        ordered = sorted(self.waits)
        return (
            f"a clerk's {len(ordered)} saves meanwhile all succeeded: median "
            f"{ordered[len(ordered) // 2]:.2f} s, longest {ordered[-1]:.2f} s; {self.told} "
            "were told another import is running"
        )


def custdesk(url: str, *args: str) -> list[str]:
    """The command line that runs custdesk on a database."""
    return [sys.executable, "-m", "tui", "--db", url, *args]


def bench_engine(
    label: str,
    base: str,
    url: str,
    import_file: Path,
    import_rows: int,
    export_rows: int,
    work: Path,
) -> list[str]:
    """Import into an empty database, import the same file again (nothing new: the rows
    without a code are found as likely duplicates), then export 1/10 and all of `export_rows`
    customers."""
    lines = []
    measure(custdesk(url, "setup"))  # the schema, before the clerk opens the database
    clerk = Clerk(url)
    run = measure(custdesk(url, "import", str(import_file)), meanwhile=clerk)
    verdict = "PASS" if run.seconds < IMPORT_LIMIT_S else "FAIL"
    lines.append(
        f"| {label} | import {import_rows:,} rows (new database; {clerk.summary()}) | "
        f"{run.cells()} | {verdict} (< {IMPORT_LIMIT_S:.0f} s) |"
    )
    print(lines[-1], flush=True)
    run = measure(custdesk(url, "import", "--update", str(import_file)))
    verdict = "PASS" if run.seconds < IMPORT_LIMIT_S else "FAIL"
    lines.append(
        f"| {label} | the same {import_rows:,} rows again, --update (coded rows "
        f"unchanged, the rest likely duplicates, skipped) | {run.cells()} | "
        f"{verdict} (< {IMPORT_LIMIT_S:.0f} s) |"
    )
    print(lines[-1], "\n  ", run.output, flush=True)
    return lines + bench_export(label, base, export_rows, work)


def bench_export(label: str, base_url: str, export_rows: int, work: Path) -> list[str]:
    """Export databases of export_rows/10 and export_rows customers; memory must not grow."""
    lines = []
    peaks = []
    for rows in (export_rows // 10, export_rows):
        with fresh_database(base_url, work, f"export{rows}") as url:
            fill_seconds = fill_database(url, rows)
            print(f"  filled {rows:,} customers in {fill_seconds:.0f} s", flush=True)
            target = work / f"export-{rows}.csv"
            run = measure(custdesk(url, "export", "--force", str(target)))
            size = target.stat().st_size / 1024 / 1024
            target.unlink()
        peaks.append(run.peak_rss_mb)
        lines.append(
            f"| {label} | export {rows:,} customers ({size:,.0f} MB file) | {run.cells()} | |"
        )
        print(lines[-1], flush=True)
    growth = peaks[1] - peaks[0]
    verdict = "PASS" if growth < 20 else "FAIL"
    lines[-1] = lines[-1][:-3] + f"| {verdict} (peak RSS {round(growth):+d} MB for 10× the rows) |"
    return lines


@contextmanager
def fresh_database(base_url: str, work: Path, name: str) -> Iterator[str]:
    """An empty database (a SQLite file or a PostgreSQL schema), removed afterwards."""
    if not base_url.startswith("sqlite"):
        with postgres_schema(base_url, f"bench_{name}_{uuid.uuid4().hex[:8]}") as url:
            yield url
        return
    try:
        yield f"sqlite:///{work / f'{name}.db'}"
    finally:
        for path in work.glob(f"{name}.db*"):
            path.unlink()


def main() -> int:
    """Run the benchmark on SQLite (and PostgreSQL with --pg) and record the results."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000, help="rows to import")
    parser.add_argument("--export-rows", type=int, default=1_000_000, help="customers to export")
    parser.add_argument("--pg", metavar="URL", help="also run on this PostgreSQL server")
    parser.add_argument("--no-record", action="store_true", help="do not write RESULTS.md")
    args = parser.parse_args()
    table = [
        "| engine | step | wall time | CPU time | peak RSS | load avg | target |",
        "|---|---|---|---|---|---|---|",
    ]
    with tempfile.TemporaryDirectory(prefix="csv-bench-") as folder:
        work = Path(folder)
        import_file = work / "import.csv"
        write_import_file(import_file, args.rows)
        print(f"wrote {args.rows:,} rows ({import_file.stat().st_size / 1e6:.0f} MB)", flush=True)
        engines = [("SQLite", "sqlite")] + ([("PostgreSQL", args.pg)] if args.pg else [])
        for label, base in engines:
            with fresh_database(base, work, "import") as url:
                table += bench_engine(
                    label, base, url, import_file, args.rows, args.export_rows, work
                )
    report(SECTION, ["", *run_lines(), "", METHOD, "", *table], record=not args.no_record)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
