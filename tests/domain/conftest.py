"""Fixtures of the domain tests: staff login roles on PostgreSQL, free sign-in failures."""

from collections.abc import Iterator

import psycopg2
import pytest
from support.pg import PG_URL, Team

from models.store.db import close_database, database, open_database
from models.store.upgrade import setup_database


@pytest.fixture
def team() -> Iterator[Team]:
    """The owner runs setup on a fresh schema; every login role is dropped afterwards."""
    made = Team()
    with psycopg2.connect(PG_URL) as conn, conn.cursor() as cur:
        cur.execute(f"CREATE SCHEMA {made.schema}")
    open_database(made.owner_url)
    setup_database()
    try:
        yield made
    finally:
        if hasattr(database.obj, "close_all"):
            database.obj.close_all()
        close_database()
        with psycopg2.connect(PG_URL) as conn, conn.cursor() as cur:
            cur.execute(f"DROP SCHEMA {made.schema} CASCADE")
            for name in made.logins:
                cur.execute(f'DROP ROLE IF EXISTS "{name}"')


@pytest.fixture
def no_source_delays(monkeypatch):
    """Every failure from one source is free (no growing delay), for tests of the per-email
    counts; the source limits have their own tests."""
    monkeypatch.setattr("models.portal.signin_limits.SOURCE_FREE_FAILURES", 1000)
