"""Bring any custdesk database, new or old, up to the current schema."""

from pathlib import Path

from playhouse.migrations import Runner

from models.db import database
from models.engine import migration_lock

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


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
