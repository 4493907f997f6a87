"""`custdesk demo --count N`: fill a database with realistic customers."""

import argparse
import time

from tui.settings import Settings


def register(sub: argparse._SubParsersAction) -> None:
    """Add the `demo` subcommand."""
    parser = sub.add_parser("demo", help="fill a database with N realistic customers")
    parser.add_argument("--count", type=positive_int, default=1000, metavar="N",
                        help="how many customers to add (default 1000)")
    parser.add_argument("--db", dest="db_url", metavar="URL", help="the database to fill")
    parser.set_defaults(handler=run)


def positive_int(text: str) -> int:
    """A whole number of at least 1, for --count."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text} is less than 1")
    return value


def run(args: argparse.Namespace, settings: Settings) -> int:
    """Add the customers and say how many and how fast."""
    from models.demo import fill_demo_database

    started = time.perf_counter()
    added = fill_demo_database(args.count)
    print(f"Added {added:,} demo customers to {settings.db_url} "
          f"in {time.perf_counter() - started:.1f} s.")
    return 0
