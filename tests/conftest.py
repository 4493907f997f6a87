"""Shared fixtures: a fresh database per test, on SQLite and (when configured) PostgreSQL."""

import uuid
from collections.abc import Iterator

import psycopg2
import pytest
from support.clock import time_zone
from support.pg import PG_SKIPPED, PG_URL, schema_url
from support.templates import copy_migrated

from models.store.db import close_database, database, open_database
from models.store.upgrade import upgrade_database

ENGINES = ["sqlite", "postgresql"]


@pytest.fixture(autouse=True)
def _private_folders(tmp_path, monkeypatch):
    """Keep every default path (data, config, mail, and files named relative to the current
    folder, like the export dialog's default) inside the test's temporary folder."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CUSTDESK_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("CUSTDESK_CONFIG_DIR", str(tmp_path / "config"))
    for name in ("CUSTDESK_DB", "CUSTDESK_MAIL_URL", "CUSTDESK_MAIL_FROM", "CUSTDESK_PORTAL_URL"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(autouse=True)
def fast_bcrypt(monkeypatch):
    """bcrypt at cost 4 for every test (and every `custdesk` it starts): the same code path, a
    few milliseconds a hash. Tests of the cost itself set or remove CUSTDESK_BCRYPT_COST."""
    monkeypatch.setenv("CUSTDESK_BCRYPT_COST", "4")


@pytest.fixture(params=ENGINES)
def db_url(request, tmp_path):
    """A URL for an empty database: a SQLite file, or a fresh PostgreSQL schema."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'custdesk.db'}"
        return
    if not PG_URL:
        pytest.skip(PG_SKIPPED)
    schema = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg2.connect(PG_URL) as conn, conn.cursor() as cur:
        cur.execute(f"CREATE SCHEMA {schema}")
    try:
        yield schema_url(schema)
    finally:
        if database.obj is not None and hasattr(database.obj, "close_all"):
            database.obj.close_all()
        with psycopg2.connect(PG_URL) as conn, conn.cursor() as cur:
            cur.execute(f"DROP SCHEMA {schema} CASCADE")


@pytest.fixture
def sqlite_url(tmp_path):
    """A URL for an empty SQLite file, for tests that are about SQLite itself."""
    return f"sqlite:///{tmp_path / 'custdesk.db'}"


@pytest.fixture
def db(db_url):
    """An open, migrated database (a copy of one migrated once per test process, which is
    what migrating gives); closed after the test."""
    copy_migrated(db_url)
    open_database(db_url)
    upgrade_database()
    yield database
    close_database()


@pytest.fixture
def utc_zone() -> Iterator[None]:
    """The test sees times as a staff member whose zone is UTC (stable expected text)."""
    with time_zone("UTC"):
        yield
