"""The customer portal's side on the command line: `portal-login EMAIL` (the sign-in check)
and `portal-activate TOKEN` (set a password with a one-time link). Secrets come on stdin."""

import argparse
import getpass
import sys

from models.env import SettingError
from models.portal.signin import SignInResult, activate_with_link, sign_in
from screens.widgets.safe_text import safe
from tui.settings import Settings

EXIT_IN = 0
EXIT_REFUSED = 1
EXIT_USAGE = 2


class _NoSecret(Exception):
    """stdin ended before the expected line; the message says which."""


def _read_secret(prompt: str, missing: str) -> str:
    """One non-empty line from stdin (without echo on a terminal); only the line ending is
    removed. `missing` says what is missing when there is none."""
    line = getpass.getpass(prompt) if sys.stdin.isatty() else sys.stdin.readline()
    secret = line.removesuffix("\n").removesuffix("\r")
    if not secret:
        raise _NoSecret(missing)
    return secret


def _answer(result: SignInResult, hint: str = "") -> int:
    """Print the portal's answer; the exit status says in or refused."""
    print(safe(result.message) + (f" {hint}" if hint and result.needs_new_password else ""))
    return EXIT_IN if result.accepted else EXIT_REFUSED


def _login(args: argparse.Namespace) -> int:
    """The sign-in check."""
    password = _read_secret("Password: ", "no password on stdin's first line")
    new_password = (
        _read_secret("New password: ", "--new-password: no new password on stdin's second line")
        if args.new_password
        else None
    )
    return _answer(
        sign_in(args.email, password, new_password, args.address),
        "Give the new password on stdin's second line with --new-password.",
    )


def _activate(args: argparse.Namespace) -> int:
    """Setting a password with a one-time link."""
    new_password = _read_secret("New password: ", "no new password on stdin's first line")
    return _answer(activate_with_link(args.token, new_password, args.address))


def run(args: argparse.Namespace, settings: Settings) -> int:
    """Run `portal-login` or `portal-activate`."""
    try:
        return _login(args) if args.command == "portal-login" else _activate(args)
    except _NoSecret as missing:
        print(f"custdesk: {args.command}: {missing}", file=sys.stderr)
        return EXIT_USAGE
    except SettingError as error:
        print(f"custdesk: {error}", file=sys.stderr)
        return EXIT_USAGE
