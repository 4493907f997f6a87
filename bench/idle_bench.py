"""Bytes custdesk writes to an 80x24 terminal: while idle, and while paging through the list.

    /tmp/v/bin/python bench/idle_bench.py [--count 10000] [--idle 10] [--pages 20] [--no-record]

A SQLite demo database of --count customers is filled in a temporary folder (`custdesk demo`);
then `python -m tui` runs on a pseudo-terminal (80x24, xterm-256color, truecolor) with private
data and config folders. After the first paint (the list's count on screen, then 1 s without
output) it counts the bytes written while nothing is pressed for --idle seconds (target: 0; the
list polls the change counter every 2 s and must not repaint), then while pressing Page Down
--pages times (one press every 0.25 s, then until quiet), and then idle again on the detail
screen of the highlighted customer (Enter). It prints a table and replaces the
"## Terminal output" section of bench/RESULTS.md.
"""

import argparse
import os
import select
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.list_bench import SIZE, Terminal
from bench.results import report, run_lines

SECTION = "## Terminal output"
PAGE_DOWN = b"\x1b[6~"
QUIET_S = 1.0
PRESS_GAP_S = 0.25


class PtyProgram(Terminal):
    """A program on an 80x24 pseudo-terminal, read as raw bytes (to count them)."""

    def read_for(self, seconds: float) -> bytes:
        """Everything written during the next `seconds`."""
        got = bytearray()
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            if select.select([self.fd], [], [], left)[0]:
                chunk = self._read()
                if chunk is None:
                    break
                got += chunk
        return bytes(got)

    def read_until(self, marker: bytes, timeout: float = 60.0) -> bytes:
        """Output until `marker` has appeared in it (TimeoutError after `timeout` seconds)."""
        got = bytearray()
        deadline = time.monotonic() + timeout
        while marker not in got:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"{marker!r} did not appear within {timeout:.0f} s")
            if select.select([self.fd], [], [], left)[0]:
                chunk = self._read()
                if chunk is None:
                    raise TimeoutError(f"the program ended before {marker!r} appeared")
                got += chunk
        return bytes(got)

    def read_until_quiet(self, quiet: float = QUIET_S, limit: float = 30.0) -> bytes:
        """Output until nothing more comes for `quiet` seconds."""
        got = bytearray()
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            if not select.select([self.fd], [], [], quiet)[0]:
                break
            chunk = self._read()
            if chunk is None:
                break
            got += chunk
        return bytes(got)

    def _read(self) -> bytes | None:
        try:
            chunk = os.read(self.fd, 1 << 16)
        except OSError:  # the program has ended
            return None
        return chunk or None

    def send(self, data: bytes) -> None:
        """Type `data` into the program."""
        os.write(self.fd, data)

    def close(self) -> None:
        """Quit the program (ctrl+q: q may be typed into a field), or end it."""
        try:
            self.send(b"\x11")
            self.process.wait(timeout=5)
        except (OSError, subprocess.TimeoutExpired):
            self.process.kill()
            self.process.wait()
        os.close(self.fd)


def app_env(home: Path, **extra: str) -> dict[str, str]:
    """The environment of the measured app: a 256-colour truecolor terminal, private folders."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("CUSTDESK_", "TEXTUAL")) and k != "NO_COLOR"
    }
    env.update(
        TERM="xterm-256color",
        COLORTERM="truecolor",
        LANG="C.UTF-8",
        CUSTDESK_DATA_DIR=str(home / "data"),
        CUSTDESK_CONFIG_DIR=str(home / "config"),
        PYTHONPATH=str(REPO),
        **extra,
    )
    return env


def app_argv(db_url: str) -> list[str]:
    """The command that opens custdesk on `db_url`."""
    return [sys.executable, "-m", "tui", "--db", db_url]


def fill_demo(db_url: str, count: int, env: dict[str, str]) -> None:
    """Fill a new database with `count` demo customers (the real `custdesk demo` command)."""
    subprocess.run(
        [sys.executable, "-m", "tui", "--db", db_url, "demo", "--count", str(count)],
        env=env,
        cwd=REPO,
        check=True,
        capture_output=True,
    )


def measure(
    db_url: str, env: dict[str, str], count: int, idle_s: float, pages: int
) -> dict[str, float]:
    """First-paint bytes and seconds, idle bytes, and paging bytes for one run."""
    started = time.monotonic()
    program = PtyProgram(app_argv(db_url), env)
    try:
        first = program.read_until(f"{count:,} customers".encode())
        first += program.read_until_quiet()
        painted = time.monotonic() - started
        idle = program.read_for(idle_s)
        paging = bytearray()
        for _ in range(pages):
            program.send(PAGE_DOWN)
            paging += program.read_for(PRESS_GAP_S)
        paging += program.read_until_quiet()
        program.send(b"\r")  # open the highlighted customer: a form with a focused field
        program.read_until(b"Save")
        program.read_until_quiet()
        detail_idle = program.read_for(idle_s)
    finally:
        program.close()
    return {
        "first_bytes": len(first),
        "first_s": painted,
        "idle_bytes": len(idle),
        "paging_bytes": len(paging),
        "detail_idle_bytes": len(detail_idle),
    }


def main() -> int:
    """Run the benchmark and record it."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000, help="demo customers")
    parser.add_argument("--idle", type=float, default=10.0, help="idle seconds measured")
    parser.add_argument("--pages", type=int, default=20, help="Page Down presses")
    parser.add_argument("--no-record", action="store_true", help="do not write RESULTS.md")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="custdesk-idle-") as folder:
        home = Path(folder)
        env = app_env(home)
        db_url = f"sqlite:///{home / 'demo.db'}"
        fill_demo(db_url, args.count, env)
        result = measure(db_url, env, args.count, args.idle, args.pages)
    idle_ok = result["idle_bytes"] == 0
    detail_ok = result["detail_idle_bytes"] == 0
    per_page = result["paging_bytes"] / max(1, args.pages)
    lines = [
        *run_lines(),
        "",
        (
            f"`python -m tui` on a SQLite database of {args.count:,} demo customers, in a "
            f"pseudo-terminal of {SIZE[0]}×{SIZE[1]} (xterm-256color, truecolor), default settings "
            "(animations off). Bytes are everything the app wrote to the terminal."
        ),
        "",
        "| what | bytes | per step | target |",
        "|---|---|---|---|",
        (
            f"| first paint ({result['first_s']:.1f} s after start, until 1 s quiet) | "
            f"{result['first_bytes']:,} | | |"
        ),
        (
            f"| idle for {args.idle:g} s (change counter polled every 2 s) | "
            f"{result['idle_bytes']:,} | | {'PASS' if idle_ok else 'FAIL'} (0) |"
        ),
        (
            f"| Page Down ×{args.pages} (one every {PRESS_GAP_S} s) | {result['paging_bytes']:,} | "
            f"{per_page:,.0f} per page | |"
        ),
        (
            f"| idle for {args.idle:g} s on a customer's detail screen (Enter) | "
            f"{result['detail_idle_bytes']:,} | | {'PASS' if detail_ok else 'FAIL'} (0) |"
        ),
    ]
    report(SECTION, lines, not args.no_record)
    return 0 if idle_ok and detail_ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
