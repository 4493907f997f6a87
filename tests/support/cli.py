"""Running the `custdesk` command as a separate process, as a clerk would."""

import os
import shutil
import subprocess
import sys


def run_custdesk(
    *args: str, env: dict | None = None, stdin: str = ""
) -> subprocess.CompletedProcess:
    """Run the installed `custdesk` command (or `python -m tui`) as a separate process."""
    command = (
        [shutil.which("custdesk")] if shutil.which("custdesk") else [sys.executable, "-m", "tui"]
    )
    return subprocess.run(
        [*command, *args],
        capture_output=True,
        text=True,
        input=stdin,
        timeout=60,
        env={**os.environ, **(env or {})},
        check=False,
    )
