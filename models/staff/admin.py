"""Managing the staff list: who may use custdesk and in which role (administrators only)."""

import pwd
import re
from dataclasses import dataclass
from datetime import datetime

from models.audit.events import record_event
from models.staff.permissions import ROLE_ADMINISTRATOR, ROLES, Permission, authorize
from models.staff.session import StaffSession
from models.store.db import is_sqlite
from models.store.engine import write_transaction
from models.store.pg_roles import grant_staff_login, revoke_staff_login
from models.store.tables import Staff

_LOGIN = re.compile(r"[A-Za-z_][A-Za-z0-9_.@-]{0,62}")


class StaffChangeRefused(ValueError):
    """A staff change that cannot be made: an unknown role or login, or the last administrator."""


@dataclass(frozen=True)
class StaffRow:
    """One staff member as `custdesk staff list` shows them."""

    login: str
    role: str
    added_by: str
    added_at: datetime


def _check_role(role: str) -> str:
    if role not in ROLES:
        raise StaffChangeRefused(f"Unknown role {role!r}: use one of {', '.join(ROLES)}.")
    return role


def _check_new_login(login: str) -> str:
    if not _LOGIN.fullmatch(login):
        raise StaffChangeRefused(
            f"{login!r} is not a login name: letters, digits, _ . @ - "
            "only, starting with a letter or _, at most 63 characters."
        )
    if is_sqlite():
        try:
            pwd.getpwnam(login)
        except KeyError:
            raise StaffChangeRefused(f"There is no login {login!r} on this machine.") from None
    return login


def _existing(login: str) -> Staff:
    member = Staff.get_or_none(Staff.login == login)
    if member is None:
        raise StaffChangeRefused(f"{login!r} is not on the staff list (see 'custdesk staff list').")
    return member


def _other_administrators(login: str) -> int:
    return Staff.select().where((Staff.role == ROLE_ADMINISTRATOR) & (Staff.login != login)).count()


def _keep_an_administrator(member: Staff, what: str) -> None:
    if member.role == ROLE_ADMINISTRATOR and _other_administrators(member.login) == 0:
        raise StaffChangeRefused(
            f"Cannot {what} {member.login!r}: they are the last "
            "administrator. Make someone else administrator first."
        )


def list_staff(staff: StaffSession) -> list[StaffRow]:
    """Every staff member, by login."""
    authorize(staff, Permission.MANAGE_STAFF)
    return [
        StaffRow(m.login, m.role, m.added_by, m.added_at)
        for m in Staff.select().order_by(Staff.login)
    ]


def add_staff(staff: StaffSession, login: str, role: str) -> StaffRow:
    """Put a login on the staff list with a role (on PostgreSQL: its login role and group)."""
    authorize(staff, Permission.MANAGE_STAFF)
    _check_role(role)
    _check_new_login(login)
    with write_transaction():
        if Staff.get_or_none(Staff.login == login) is not None:
            raise StaffChangeRefused(
                f"{login!r} is already on the staff list; use "
                f"'custdesk staff set-role {login} ROLE'."
            )
        member = Staff.create(login=login, role=role, added_by=staff.login)
        if not is_sqlite():
            grant_staff_login(login, role)
        record_event(
            None, staff, "staff_added", detail=f"Added {login} as {role}", counts_as_change=False
        )
    return StaffRow(member.login, member.role, member.added_by, member.added_at)


def set_role(staff: StaffSession, login: str, role: str) -> StaffRow:
    """Give a staff member another role; the last administrator keeps theirs."""
    authorize(staff, Permission.MANAGE_STAFF)
    _check_role(role)
    with write_transaction():
        member = _existing(login)
        if role != ROLE_ADMINISTRATOR:
            _keep_an_administrator(member, "demote")
        before = member.role
        Staff.update(role=role).where(Staff.login == login).execute()
        if not is_sqlite():
            grant_staff_login(login, role)
        record_event(
            None,
            staff,
            "staff_role_set",
            {"role": (before, role)},
            detail=f"{login}: {before} -> {role}",
            counts_as_change=False,
        )
    return StaffRow(member.login, role, member.added_by, member.added_at)


def remove_staff(staff: StaffSession, login: str) -> None:
    """Take a login off the staff list (on PostgreSQL: out of its group); not the last
    administrator."""
    authorize(staff, Permission.MANAGE_STAFF)
    with write_transaction():
        member = _existing(login)
        _keep_an_administrator(member, "remove")
        Staff.delete().where(Staff.login == login).execute()
        if not is_sqlite():
            revoke_staff_login(login)
        record_event(
            None,
            staff,
            "staff_removed",
            detail=f"Removed {login} ({member.role})",
            counts_as_change=False,
        )
