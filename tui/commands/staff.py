"""`custdesk staff list|add|set-role|remove`: the staff list, for administrators."""

import argparse
import sys

from models.staff.admin import (
    StaffChangeRefused,
    add_staff,
    list_staff,
    remove_staff,
    set_role,
)
from models.staff.session import StaffSession
from screens.widgets.safe_text import safe
from tui.settings import Settings


def run(args: argparse.Namespace, settings: Settings) -> int:
    """Carry out one staff action and say what it did in one line (a table for list)."""
    try:
        return _run(args, settings.staff)
    except StaffChangeRefused as error:
        print(f"custdesk: {safe(error)}", file=sys.stderr)
        return 2


def _run(args: argparse.Namespace, staff: StaffSession) -> int:
    if args.staff_command == "list":
        rows = list_staff(staff)
        width = max(len(row.login) for row in rows)
        for row in rows:
            print(
                f"{safe(row.login):<{width}}  {row.role:<13}  added {row.added_at:%Y-%m-%d} "
                f"by {safe(row.added_by)}"
            )
    elif args.staff_command == "add":
        row = add_staff(staff, args.login, args.role)
        print(f"Added {safe(row.login)} as {row.role}.")
    elif args.staff_command == "set-role":
        row = set_role(staff, args.login, args.role)
        print(f"{safe(row.login)} is now {row.role}.")
    else:
        remove_staff(staff, args.login)
        print(f"Removed {safe(args.login)} from the staff list.")
    return 0
