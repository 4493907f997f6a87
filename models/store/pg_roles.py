"""PostgreSQL's side of the permission table: the group roles, their grants, and staff logins.

Every staff role may insert audit and access-log rows but never update or delete them, never
reads a password or token hash, and never changes the schema; `readonly` (no grant beyond
the reads every role has) writes nothing but its own audit rows. The grants are applied again by every `custdesk setup`, so new tables
get them too.
"""

from models.staff.permissions import ROLE_ADMINISTRATOR, ROLE_MANAGER, ROLE_STAFF, ROLES
from models.store.db import database

GROUP_PREFIX = "custdesk_"
PORTAL_ROLE = "custdesk_portal"

# Columns no staff role may read: secrets that stay with the server and the portal's sign-in.
SECRET_COLUMNS = {"portal_account": ("password_hash",), "portal_token": ("token_hash",)}

_READ_BY_ALL = (
    "customer",
    "note",
    "customer_alias",
    "counter",
    "staff",
    "schema_migration",
    "chain_head",
    "audit_event",
    "import_run",
)
# Data derived from customers (0011), kept by whichever desk settles the queue first: a search
# or a change poll settles what another program wrote, whatever the desk's role.
_DERIVED_BY_ALL = {
    "customer_refresh": "SELECT, DELETE",
    "customer_duplicate": "SELECT, INSERT, UPDATE, DELETE",
}
_STAFF_WRITES = {
    "customer": "INSERT, UPDATE",
    "note": "INSERT, UPDATE",
    "counter": "UPDATE",
    "portal_account": "INSERT, UPDATE",
    "portal_token": "INSERT, UPDATE",
    "outbox_message": "SELECT, INSERT, UPDATE",
    "access_log_entry": "SELECT",
}
_MANAGER_WRITES = {
    "customer_alias": "INSERT, UPDATE, DELETE",
    "portal_account": "DELETE",
    "counter": "INSERT",
    "import_run": "INSERT, UPDATE",
}
_ADMINISTRATOR_WRITES = {"staff": "INSERT, UPDATE, DELETE"}
# Functions of the schema's owner (migration 0010) that move a portal account a merge drops in
# and out of parked_portal_account, which no staff role may touch itself: the roles that merge.
_MERGE_FUNCTIONS = (
    "custdesk_park_portal_account(bigint, bigint)",
    "custdesk_unpark_portal_account(bigint)",
)
_PORTAL_GRANTS = {
    "customer": "SELECT",
    "portal_account": "SELECT, UPDATE",
    "portal_token": "SELECT, UPDATE",
    "access_log_entry": "SELECT (id), INSERT",  # the id: INSERT … RETURNING
    "schema_migration": "SELECT",
    "sign_in_email": "SELECT, INSERT, UPDATE, DELETE",
    "sign_in_source": "SELECT, INSERT, UPDATE, DELETE",
    "sign_in_lock_source": "SELECT, INSERT, UPDATE, DELETE",
}


def group_role(role: str) -> str:
    """The PostgreSQL group role that carries a custdesk role's grants."""
    return f"{GROUP_PREFIX}{role}"


def quote_ident(name: str) -> str:
    """A name quoted as an SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


def _role_exists(name: str) -> bool:
    return (
        database.execute_sql("SELECT 1 FROM pg_roles WHERE rolname = %s", (name,)).fetchone()
        is not None
    )


def ensure_group_roles() -> None:
    """Create the four staff group roles and the portal role, where missing (no login)."""
    for name in [group_role(role) for role in ROLES] + [PORTAL_ROLE]:
        if not _role_exists(name):
            database.execute_sql(f"CREATE ROLE {quote_ident(name)} NOLOGIN")


def _tables() -> list[str]:
    rows = database.execute_sql(
        "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
    ).fetchall()
    return [row[0] for row in rows]


def _readable_columns(table: str) -> list[str]:
    rows = database.execute_sql(
        "SELECT column_name FROM information_schema.columns "
        "WHERE table_schema = current_schema() AND table_name = %s ORDER BY ordinal_position",
        (table,),
    ).fetchall()
    hidden = SECRET_COLUMNS.get(table, ())
    return [row[0] for row in rows if row[0] not in hidden]


def _grant(privileges: str, table: str, grantees: list[str]) -> None:
    who = ", ".join(quote_ident(name) for name in grantees)
    database.execute_sql(f"GRANT {privileges} ON {quote_ident(table)} TO {who}")


def apply_grants() -> None:
    """Give each group role exactly the rights of its custdesk role on the current schema."""
    staff_groups = [group_role(role) for role in ROLES]
    everyone = staff_groups + [PORTAL_ROLE]
    schema = database.execute_sql("SELECT current_schema()").fetchone()[0]
    tables = _tables()
    for table in tables:
        database.execute_sql(
            f"REVOKE ALL ON {quote_ident(table)} FROM "
            + ", ".join(quote_ident(name) for name in everyone)
        )
    database.execute_sql(
        f"GRANT USAGE ON SCHEMA {quote_ident(schema)} TO "
        + ", ".join(quote_ident(name) for name in everyone)
    )
    database.execute_sql(
        f"GRANT USAGE ON ALL SEQUENCES IN SCHEMA {quote_ident(schema)} TO "
        + ", ".join(quote_ident(name) for name in everyone)
    )
    for table in tables:
        if table in _READ_BY_ALL:
            _grant("SELECT", table, staff_groups)
        elif table in SECRET_COLUMNS:
            columns = ", ".join(quote_ident(c) for c in _readable_columns(table))
            _grant(f"SELECT ({columns})", table, staff_groups)
    _grant("INSERT", "audit_event", staff_groups)
    for table, privileges in _DERIVED_BY_ALL.items():
        if table in tables:
            _grant(privileges, table, staff_groups)
    writers = {
        ROLE_STAFF: [ROLE_STAFF, ROLE_MANAGER, ROLE_ADMINISTRATOR],
        ROLE_MANAGER: [ROLE_MANAGER, ROLE_ADMINISTRATOR],
        ROLE_ADMINISTRATOR: [ROLE_ADMINISTRATOR],
    }
    for level, grants in (
        (ROLE_STAFF, _STAFF_WRITES),
        (ROLE_MANAGER, _MANAGER_WRITES),
        (ROLE_ADMINISTRATOR, _ADMINISTRATOR_WRITES),
    ):
        for table, privileges in grants.items():
            if table in tables:
                _grant(privileges, table, [group_role(r) for r in writers[level]])
    for table, privileges in _PORTAL_GRANTS.items():
        if table in tables:
            _grant(privileges, table, [PORTAL_ROLE])
    mergers = ", ".join(quote_ident(group_role(r)) for r in (ROLE_MANAGER, ROLE_ADMINISTRATOR))
    for function in _MERGE_FUNCTIONS:
        name = f"{quote_ident(schema)}.{function}"
        database.execute_sql(
            f"REVOKE ALL ON FUNCTION {name} FROM PUBLIC, "
            + ", ".join(quote_ident(role) for role in everyone)
        )
        database.execute_sql(f"GRANT EXECUTE ON FUNCTION {name} TO {mergers}")


def grant_staff_login(login: str, role: str) -> None:
    """Create the login role if needed and make it a member of exactly one staff group."""
    if not _role_exists(login):
        database.execute_sql(f"CREATE ROLE {quote_ident(login)} LOGIN")
    revoke_staff_login(login)
    database.execute_sql(f"GRANT {quote_ident(group_role(role))} TO {quote_ident(login)}")


def revoke_staff_login(login: str) -> None:
    """Take a login out of every staff group (the login role itself stays)."""
    if not _role_exists(login):
        return
    for name in (group_role(r) for r in ROLES):
        database.execute_sql(f"REVOKE {quote_ident(name)} FROM {quote_ident(login)}")
