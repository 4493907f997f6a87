"""The `custdesk` command line: open the app, or run one of the subcommands."""

import argparse
import dataclasses
import os
import sys
from collections.abc import Sequence
from urllib.parse import urlparse

from tui.commands.parsers import (
    STAFF_FREE_COMMANDS,
    add_subcommands,
    run_command,
    share_options,
)
from tui.settings import DEMO_SIZE, Settings, at_the_desk, default_db_url, resolve_settings

# models/ (and Peewee) load in the functions below, not here: the full-screen app paints its
# first frame first and opens the database after it (tui/app.py).


class CommandLineError(Exception):
    """Bad arguments or configuration: one line for the user, exit status 2."""


class _Parser(argparse.ArgumentParser):
    """An argument parser that reports a mistake in one line instead of printing the usage."""

    def error(self, message: str):
        raise CommandLineError(f"{message} (see '{self.prog} --help')")


def build_parser() -> argparse.ArgumentParser:
    """The parser for `custdesk` and its subcommands."""
    parser = _Parser(
        prog="custdesk",
        description="Find customers, keep their details right and "
        "manage their portal accounts, from the keyboard.",
    )
    parser.add_argument(
        "--db",
        metavar="URL",
        help="database: sqlite:///path.db or "
        "postgresql://user@host/dbname (default: CUSTDESK_DB, else a SQLite "
        "file in the user data folder)",
    )
    parser.add_argument(
        "--mail",
        metavar="URL",
        help="mail: smtp://[user:pass@]host:port"
        "[?starttls=1], smtps://…, or maildir:PATH (default: CUSTDESK_MAIL_URL, "
        "else a Maildir in the user data folder)",
    )
    parser.add_argument(
        "--demo",
        action="store_true",
        help=f"open the demo database, filled with {DEMO_SIZE:,} customers the first time",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    add_subcommands(sub)
    share_options(parser, "--db", "--mail")
    return parser


def _open(settings: Settings, command: str | None) -> None:
    """Open the database; `setup` creates or upgrades it, every other command checks it is
    ready (and, on SQLite, upgrades it). Only the default data folder is created when missing
    (private to this user)."""
    import peewee

    from models.store.db import DatabaseUnavailable, database_faults, display_url, open_database
    from models.store.upgrade import prepare_database, setup_database

    defaults = (default_db_url(), default_db_url(demo=True))
    try:
        open_database(settings.db_url, create_folder=settings.db_url in defaults)
        with database_faults():
            if command == "setup":
                setup_database()
            else:
                prepare_database()
    except peewee.DatabaseError as error:
        raise DatabaseUnavailable(
            f"Cannot use the database {display_url(settings.db_url)}: {error}"
        ) from error


def _warn_visible_passwords(db: str | None, mail: str | None) -> None:
    """A password typed on the command line is visible to every local user in `ps`: say so."""
    for flag, url, instead in (
        ("--db", db, "~/.pgpass, PGPASSFILE, PGSERVICE or PGPASSWORD"),
        ("--mail", mail, "CUSTDESK_MAIL_URL in the environment"),
    ):
        if url and urlparse(url).password:
            print(
                f"custdesk: warning: the password in {flag} is visible to every local user "
                f"(ps); use {instead} instead.",
                file=sys.stderr,
            )


def _ready(args: argparse.Namespace) -> Settings:
    """The app's settings once its database is open and ready and the staff member known
    (run by the app after its first frame)."""
    from models.store.db import database_faults

    settings = resolve_settings(args.db, args.mail, args.demo)
    _open(settings, None)
    with database_faults():
        return at_the_desk(settings)


def _run_app(args: argparse.Namespace) -> int:
    """Open the full-screen app: it paints, then opens the database (and fills an empty demo
    database, with progress). A database that cannot be used ends it, said as before."""
    from tui.app import CustdeskApp

    app = CustdeskApp(None, opening=lambda: _ready(args))
    app.run()
    if app.opening_error is not None:
        raise app.opening_error
    return app.return_code or 0


PRIVATE_UMASK = 0o077  # folders 0700, files 0600: the database, log and mail hold personal data


def main(argv: Sequence[str] | None = None) -> int:
    """Run custdesk; returns the exit status (2 for bad arguments or an unusable database)."""
    # SQLite gives -wal and -shm the database file's own mode, so a team that shares a file
    # sets its group mode once on the file (README) and custdesk keeps to it.
    os.umask(PRIVATE_UMASK)
    try:
        args = build_parser().parse_args(argv)
        _warn_visible_passwords(args.db, args.mail)
        if args.command is None:
            return _run_app(args)
        return _run_command(args)
    except Exception as error:  # noqa: BLE001 - said in one line when ours, raised again if not
        return _refusal(error)


def _run_command(args: argparse.Namespace) -> int:
    """Open the database, know who is at the desk, and run the subcommand."""
    from models.staff.session import identify
    from models.store.db import database_faults

    settings = resolve_settings(args.db, args.mail, args.demo)
    _open(settings, args.command)
    with database_faults():
        if args.command in STAFF_FREE_COMMANDS:
            settings = dataclasses.replace(settings, staff=identify())
        else:
            settings = at_the_desk(settings)
        return run_command(args, settings)


def _refusal(error: Exception) -> int:
    """One line on stderr and the exit status for a refusal or an unusable database (1 for a
    refusal of the role, 2 for the rest); any other error is raised again."""
    from models.staff.permissions import NotPermitted, NotStaff
    from models.store.db import DatabaseUnavailable
    from models.store.upgrade import SchemaOutOfDate

    if isinstance(error, NotPermitted):
        print(f"custdesk: {error}", file=sys.stderr)
        return 1
    if isinstance(error, CommandLineError | DatabaseUnavailable | SchemaOutOfDate | NotStaff):
        print(f"custdesk: {error}", file=sys.stderr)
        return 2
    raise error
