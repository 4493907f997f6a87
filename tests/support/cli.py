"""Running the `custdesk` command as a separate process, as a clerk would."""

import os
import shutil
import subprocess
import sys


def _command() -> list[str]:
    """The installed `custdesk` command, or `python -m tui`."""
    return [shutil.which("custdesk")] if shutil.which("custdesk") else [sys.executable, "-m", "tui"]


def start_custdesk(*args: str, env: dict | None = None) -> subprocess.Popen:
    """Start `custdesk` as a separate process and return at once (stdin closed, output kept)."""
    return subprocess.Popen(
        [*_command(), *args],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **(env or {})},
    )


def run_custdesk(
    *args: str, env: dict | None = None, stdin: str = ""
) -> subprocess.CompletedProcess:
    """Run the installed `custdesk` command (or `python -m tui`) as a separate process."""
    return subprocess.run(
        [*_command(), *args],
        capture_output=True,
        text=True,
        input=stdin,
        timeout=60,
        env={**os.environ, **(env or {})},
        check=False,
    )
