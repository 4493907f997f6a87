"""`custdesk audit verify|export`: check the audit trail's chains, or stream it elsewhere."""

import argparse
import sys
from datetime import datetime

from models.audit.trail import export_trail, verify_trail
from tui.settings import Settings

EXIT_OK, EXIT_BROKEN, EXIT_USAGE = 0, 1, 2


def _since(text: str | None) -> datetime | None:
    """The --since date or time (ISO 8601, UTC), or None; ValueError saying what to type."""
    if not text:
        return None
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(
            f"--since {text!r} is not a date: use YYYY-MM-DD or YYYY-MM-DDTHH:MM (UTC)."
        ) from None


def run(args: argparse.Namespace, settings: Settings) -> int:
    """Verify: one line per chain, exit 1 naming the first break. Export: the rows on stdout."""
    if args.audit_command == "verify":
        check = verify_trail(settings.staff)
        for table, count in check.checked.items():
            print(f"{table}: {count:,} rows hold")
        if check.broken:
            print(
                f"custdesk: the audit trail does not hold: {check.broken.describe()}",
                file=sys.stderr,
            )
            return EXIT_BROKEN
        return EXIT_OK
    try:
        since = _since(args.since)
    except ValueError as error:
        print(f"custdesk: {error}", file=sys.stderr)
        return EXIT_USAGE
    count = export_trail(settings.staff, sys.stdout, since, args.format)
    print(f"Exported {count:,} rows.", file=sys.stderr)
    return EXIT_OK
