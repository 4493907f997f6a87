"""Bring any custdesk database, new or old, up to the current schema."""

from pathlib import Path

from playhouse.migrations import Runner

from models.audit.events import record_event
from models.staff.session import StaffSession
from models.store.db import database, is_sqlite
from models.store.engine import migration_lock, write_transaction

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


class SchemaOutOfDate(Exception):
    """A staff process met a PostgreSQL schema older than this custdesk; only setup migrates."""


def pending_migrations() -> list[str]:
    """The names of the migrations not yet applied to the open database."""
    runner = Runner(database.obj, str(MIGRATIONS_DIR))
    return [m.name for m in runner.status() if m.applied is None and m.path is not None]


def upgrade_database() -> list[str]:
    """Apply every pending migration in order; returns the names applied (none when up to date)."""
    if not pending_migrations():
        return []
    with migration_lock():
        return Runner(database.obj, str(MIGRATIONS_DIR)).up()


def setup_database() -> list[str]:
    """Create or upgrade the schema and, on PostgreSQL, the group roles and their grants; run by
    the role that owns the schema. Returns the migrations applied."""
    applied = upgrade_database()
    if not is_sqlite():
        from models.store.pg_roles import apply_grants, ensure_group_roles

        with migration_lock():
            ensure_group_roles()
            apply_grants()
    return applied


def record_setup(staff: StaffSession) -> None:
    """Audit a run of `custdesk setup`: who brought the schema (and on PostgreSQL the roles and
    grants) up to date, and from where."""
    with write_transaction():
        record_event(
            None,
            staff,
            "setup",
            counts_as_change=False,
            detail="Brought the schema"
            + ("" if is_sqlite() else ", roles and grants")
            + " up to date",
        )


def prepare_database() -> None:
    """What every command does on opening: on SQLite, migrate (the file's owner is at the desk);
    on PostgreSQL, refuse a schema that is not up to date, since staff processes never migrate."""
    if is_sqlite():
        upgrade_database()
        return
    pending = pending_migrations()
    if pending:
        raise SchemaOutOfDate(
            f"This database's schema is not up to date ({len(pending)} migration(s) to apply, "
            f"from {pending[0]}): an administrator must run 'custdesk setup' as the role that "
            "owns it."
        )
