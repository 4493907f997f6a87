"""The argument parsers of every subcommand; a subcommand's module is imported only when it runs.

Keeping the parsers apart from the handlers means opening the app does not pay for importing
the CSV, mail and portal code (about a third of custdesk's start-up imports).
"""

import argparse
import importlib
from collections.abc import Callable

from tui.settings import Settings

Handler = Callable[[argparse.Namespace, Settings], int]
STAFF_FREE_COMMANDS = {"setup", "portal-login", "portal-activate"}  # run by the owner or portal


def run_command(args: argparse.Namespace, settings: Settings) -> int:
    """Import the chosen subcommand's module and run its `run(args, settings)`."""
    module = importlib.import_module(f"tui.commands.{args.handler_module}")
    return module.run(args, settings)


def positive_int(text: str) -> int:
    """A whole number of at least 1, for --count."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text} is less than 1")
    return value


def _demo(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("demo", help="fill a database with N realistic customers")
    parser.add_argument(
        "--count",
        type=positive_int,
        default=1000,
        metavar="N",
        help="how many customers to add (default 1000)",
    )
    parser.set_defaults(handler_module="demo")


def _import(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "import",
        help="import customers from a CSV file (every row is checked first)",
        description="Check every row of a customer CSV file and show what would change, then "
        "import it, in chunks of about half a second so others' saves need not wait long. An "
        "import that stops after its first chunk says which lines are in; --resume finishes "
        "it. Exit status: 0 imported (or a clean dry run), 1 nothing imported (or stopped part "
        "way) because of bad rows, a bad file or a conflict, 2 bad arguments or an unreadable "
        "file, 130 interrupted.",
    )
    parser.add_argument("file", metavar="FILE.csv", help="the CSV file (columns as in README)")
    parser.add_argument(
        "--dry-run",
        action="store_true",
        help="check the file and show what would change, importing nothing",
    )
    parser.add_argument(
        "--update",
        action="store_true",
        help="update customers whose code is in the file (without it, such a row is a bad row)",
    )
    parser.add_argument(
        "--duplicates",
        choices=("skip", "create"),
        default="skip",
        help="rows that likely duplicate a customer (same billing email or "
        "telephone, or a very similar name at the same postal code) or an "
        "earlier row: skip them (the default) or create them anyway",
    )
    parser.add_argument(
        "--resume",
        action="store_true",
        help="finish an import of this same file that stopped part way: only the lines after "
        "the last one it wrote are checked and imported",
    )
    parser.set_defaults(handler_module="csv_import")


def _export(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "export",
        help="export every customer (not archived) to a CSV file",
        description="Write every customer that is not archived to a CSV file in code order, "
        "with the columns `custdesk import` reads. The file appears only when complete.",
    )
    parser.add_argument("file", metavar="FILE.csv", help="where to write; - for standard output")
    parser.add_argument("--force", action="store_true", help="overwrite FILE.csv if it exists")
    parser.set_defaults(handler_module="csv_export")


def _outbox(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "outbox", help="list the mail waiting in the outbox and why; --flush delivers it now"
    )
    parser.add_argument(
        "--flush",
        action="store_true",
        help="deliver every waiting message now, without waiting for its retry "
        "time (exit 1 if any could not be delivered)",
    )
    parser.set_defaults(handler_module="outbox")


def _portal(sub: argparse._SubParsersAction) -> None:
    login = sub.add_parser(
        "portal-login",
        help="say whether the portal would let a customer in (password on "
        "stdin); exit 0 in, 1 refused with the reason, 2 usage",
    )
    login.add_argument("email", help="the email the customer signs in with")
    login.add_argument(
        "--new-password",
        action="store_true",
        help="read a new password from stdin's second line; needed to sign in "
        "with a temporary password, which it replaces",
    )
    login.add_argument(
        "--address",
        default="",
        help="the customer's network address: the "
        "source failures are counted and delayed per, and in the access log",
    )
    login.set_defaults(handler_module="portal")
    activate = sub.add_parser(
        "portal-activate",
        help="set a customer's password with the token of a one-time link "
        "(new password on stdin); exit 0 set, 1 refused with the reason, 2 usage",
    )
    activate.add_argument("token", help="the token from the link in the email")
    activate.add_argument(
        "--address", default="", help="the customer's network address, for the access log"
    )
    activate.set_defaults(handler_module="portal")


def _setup(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "setup",
        help="create or upgrade the database (and on PostgreSQL its staff group roles "
        "and grants); run it as the role that owns the schema",
        description="Create or upgrade the schema. On PostgreSQL also create the group roles "
        "custdesk_administrator, custdesk_manager, custdesk_staff, custdesk_readonly and "
        "custdesk_portal, and grant each exactly its rights. Run it as the schema's owner.",
    )
    parser.set_defaults(handler_module="setup")


def _staff(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("staff", help="list, add, change or remove staff (administrators)")
    actions = parser.add_subparsers(
        dest="staff_command", metavar="ACTION", required=True, parser_class=type(parser)
    )
    actions.add_parser("list", help="every staff member and their role")
    add = actions.add_parser(
        "add",
        help="add a login with a role (on PostgreSQL: create its "
        "login role if needed and grant its group)",
    )
    add.add_argument("login")
    add.add_argument("--role", required=True, help="administrator, manager, staff or readonly")
    set_role = actions.add_parser("set-role", help="give a staff member another role")
    set_role.add_argument("login")
    set_role.add_argument("role", help="administrator, manager, staff or readonly")
    remove = actions.add_parser("remove", help="take a login off the staff list")
    remove.add_argument("login")
    parser.set_defaults(handler_module="staff")


def _audit(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "audit", help="check the audit trail, or stream it to a log store (administrators)"
    )
    actions = parser.add_subparsers(
        dest="audit_command", metavar="ACTION", required=True, parser_class=type(parser)
    )
    actions.add_parser(
        "verify",
        help="walk the hash chains of the audit trail and the access "
        "log; exit 1 naming the first row changed, removed or inserted behind "
        "custdesk's back",
    )
    export = actions.add_parser(
        "export", help="stream the audit trail and the access log to standard output"
    )
    export.add_argument(
        "--since",
        metavar="DATE",
        help="only rows from this date or time (YYYY-MM-DD or YYYY-MM-DDTHH:MM, UTC)",
    )
    export.add_argument(
        "--format", choices=("jsonl", "csv"), default="jsonl", help="JSON lines (default) or CSV"
    )
    parser.set_defaults(handler_module="audit")


def add_subcommands(sub: argparse._SubParsersAction) -> None:
    """Add every subcommand's parser, in the order `custdesk --help` lists them."""
    for add in (_setup, _staff, _audit, _demo, _import, _export, _outbox, _portal):
        add(sub)


def share_options(parser: argparse.ArgumentParser, *flags: str) -> None:
    """Let every subcommand, at any depth, take the top-level options `flags` (e.g. --db) after
    its name too: `custdesk outbox --db URL` as well as `custdesk --db URL outbox`.

    The copies default to SUPPRESS, so an option not repeated keeps the value given before the
    subcommand, and one given after it wins. A subcommand that defines the option itself keeps
    its own."""
    shared = [action for action in parser._actions if set(action.option_strings) & set(flags)]
    _copy_into_subcommands(parser, shared)


def _copy_into_subcommands(parser: argparse.ArgumentParser, shared: list[argparse.Action]) -> None:
    for action in parser._actions:
        if not isinstance(action, argparse._SubParsersAction):
            continue
        for child in {id(child): child for child in action.choices.values()}.values():
            for option in shared:
                if not set(option.option_strings) & set(child._option_string_actions):
                    child.add_argument(
                        *option.option_strings,
                        dest=option.dest,
                        metavar=option.metavar,
                        help=option.help,
                        default=argparse.SUPPRESS,
                    )
            _copy_into_subcommands(child, shared)
