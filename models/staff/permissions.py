"""Roles and what each may do: the one permission table, and the one check every operation asks.

PostgreSQL's grants (models/store/pg_roles.py) say the same wherever the server can express it.
"""

from enum import StrEnum

from models.audit.events import record_event
from models.staff.session import StaffSession
from models.store.engine import write_transaction
from models.store.tables import Staff

ROLE_ADMINISTRATOR = "administrator"
ROLE_MANAGER = "manager"
ROLE_STAFF = "staff"
ROLE_READONLY = "readonly"
ROLES = (ROLE_ADMINISTRATOR, ROLE_MANAGER, ROLE_STAFF, ROLE_READONLY)

ACTION_REFUSED = "refused"


class Permission(StrEnum):
    """One thing a staff member may be allowed to do."""

    VIEW = "view"
    EDIT = "edit"
    ARCHIVE = "archive"
    MERGE = "merge"
    IMPORT = "import"
    EXPORT = "export"
    PORTAL_SEND = "portal_send_activation"
    PORTAL_LOCK = "portal_lock"
    PORTAL_RESET = "portal_reset_and_unlock"
    ACCESS_LOG = "access_log"
    DEMO = "demo"
    MANAGE_STAFF = "manage_staff"
    AUDIT = "audit"


PERMISSION_LABELS = {
    Permission.VIEW: "find and view customers",
    Permission.EDIT: "create and edit customers and notes",
    Permission.ARCHIVE: "archive and restore customers",
    Permission.MERGE: "merge customers and undo merges",
    Permission.IMPORT: "import customers",
    Permission.EXPORT: "export customers",
    Permission.PORTAL_SEND: "send activation emails",
    Permission.PORTAL_LOCK: "lock portal accounts",
    Permission.PORTAL_RESET: "reset passwords and unlock portal accounts",
    Permission.ACCESS_LOG: "read the portal access log",
    Permission.DEMO: "add demo customers",
    Permission.MANAGE_STAFF: "manage staff",
    Permission.AUDIT: "check and export the audit trail",
}

_CUSTOMER_WORK = {
    Permission.VIEW,
    Permission.EDIT,
    Permission.PORTAL_SEND,
    Permission.PORTAL_LOCK,
    Permission.ACCESS_LOG,
}
_MANAGING = _CUSTOMER_WORK | {
    Permission.ARCHIVE,
    Permission.MERGE,
    Permission.IMPORT,
    Permission.EXPORT,
    Permission.PORTAL_RESET,
    Permission.DEMO,
}

ROLE_PERMISSIONS: dict[str, frozenset[Permission]] = {
    ROLE_ADMINISTRATOR: frozenset(Permission),
    ROLE_MANAGER: frozenset(_MANAGING),
    ROLE_STAFF: frozenset(_CUSTOMER_WORK),
    ROLE_READONLY: frozenset({Permission.VIEW}),
}


class NotStaff(Exception):
    """The login is not in the staff table; the message says who can add it."""


class NotPermitted(Exception):
    """The staff member's role does not allow the operation; the message says so."""


def role_of(login: str) -> str | None:
    """The role of a login in the staff table, or None when it is not staff."""
    return Staff.select(Staff.role).where(Staff.login == login).scalar()


def role_allows(role: str | None, permission: Permission) -> bool:
    """Whether a role may do something."""
    return permission in ROLE_PERMISSIONS.get(role or "", frozenset())


def refusal_text(role: str | None, permission: Permission) -> str:
    """Why a role may not do something, for people."""
    if role is None:
        return f"you are not on the staff list, so you may not {PERMISSION_LABELS[permission]}"
    return f"your role ({role}) may not {PERMISSION_LABELS[permission]}"


def require_staff(login: str) -> str:
    """The role of a login; NotStaff naming who can add it when it has none."""
    role = role_of(login)
    if role is None:
        admins = [
            row.login
            for row in Staff.select(Staff.login)
            .where(Staff.role == ROLE_ADMINISTRATOR)
            .order_by(Staff.login)
        ]
        who = ", ".join(admins) if admins else "the database's owner"
        raise NotStaff(
            f"{login!r} is not on this database's staff list; an administrator "
            f"({who}) can add you with 'custdesk staff add {login} --role ROLE'."
        )
    return role


def authorize(staff: StaffSession, permission: Permission, customer_id: int | None = None) -> None:
    """Let the operation go on, or audit the refused attempt and raise NotPermitted.

    Call before the operation's own write transaction, so the refusal's audit row stays.
    """
    role = role_of(staff.login)
    if role_allows(role, permission):
        return
    reason = refusal_text(role, permission)
    with write_transaction():
        record_event(
            customer_id,
            staff,
            ACTION_REFUSED,
            detail=f"Refused: {reason}.",
            result=ACTION_REFUSED,
            counts_as_change=False,
        )
    raise NotPermitted(f"Not allowed: {reason}.")
