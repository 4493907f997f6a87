"""What every benchmark shares: the machine line, a throwaway PostgreSQL schema, and its section
of bench/RESULTS.md.

The scripts run as `python bench/NAME.py` from the repository root and import this module as
`bench.results` (each puts the repository root on sys.path first).
"""

import datetime
import os
import platform
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"


def machine() -> str:
    """CPU, cores, memory, Python and SQLite versions, in one line."""
    import sqlite3

    cpu = platform.processor() or platform.machine()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        found = re.search(r"model name\s*:\s*(.+)", cpuinfo.read_text())
        cpu = found.group(1) if found else cpu
    memory = ""
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        found = re.search(r"MemTotal:\s*(\d+)", meminfo.read_text())
        memory = f", {int(found.group(1)) / 1024 / 1024:.0f} GB RAM" if found else ""
    return (
        f"{cpu}, {os.cpu_count()} cores{memory}; {platform.system()} {platform.release()}; "
        f"Python {platform.python_version()}; SQLite {sqlite3.sqlite_version}"
    )


def run_lines() -> list[str]:
    """The date, machine and command line of this run, as the first lines of a section."""
    command = " ".join(["/tmp/v/bin/python", "bench/" + Path(sys.argv[0]).name, *sys.argv[1:]])
    return [
        f"Date: {datetime.date.today().isoformat()}. Machine: {machine()}.",
        f"Command: `{command}`",
    ]


@contextmanager
def postgres_schema(base_url: str, schema: str) -> Iterator[str]:
    """A new schema on the PostgreSQL server, dropped afterwards; yields a URL that uses it."""
    import psycopg2

    def run(statement: str) -> None:
        with psycopg2.connect(base_url) as conn, conn.cursor() as cur:
            cur.execute(statement)

    run(f"CREATE SCHEMA {schema}")
    try:
        sep = "&" if "?" in base_url else "?"
        yield f"{base_url}{sep}options={quote(f'-csearch_path={schema},public')}"
    finally:
        run(f"DROP SCHEMA {schema} CASCADE")


def write_section(title: str, lines: list[str]) -> None:
    """Replace (or add) the section `title` ("## …") of RESULTS.md with the heading and
    `lines`, keeping the other sections."""
    text = RESULTS.read_text() if RESULTS.exists() else "# Benchmark results\n"
    parts = re.split(r"(?m)^(?=## )", text)
    mine = "\n".join([title, *lines])
    if any(part.startswith(title) for part in parts):
        parts = [mine if part.startswith(title) else part for part in parts]
    else:
        parts.append(mine)
    RESULTS.write_text("\n\n".join(part.strip("\n") for part in parts) + "\n")


def report(title: str, lines: list[str], record: bool) -> None:
    """Print the section and, when `record`, write it into RESULTS.md."""
    print("\n".join([title, *lines]))
    if record:
        write_section(title, lines)
