"""Opening databases and migrating them: new, older, broken, unreachable."""

import os
import sqlite3

import peewee
import pytest
from playhouse.migrations import Runner

from models.store.db import DatabaseUnavailable, close_database, database, open_database
from models.store.tables import ALL_TABLES, Counter, Customer
from models.store.upgrade import MIGRATIONS_DIR, pending_migrations, upgrade_database


def test_new_database_comes_up_to_date(db):
    assert pending_migrations() == []
    assert all(table.table_exists() for table in ALL_TABLES)
    assert Counter.get_by_id("customer_code").value == 0


def test_upgrade_twice_applies_nothing_the_second_time(db):
    assert upgrade_database() == []


def test_older_database_is_brought_up_to_date(db_url):
    open_database(db_url)
    runner = Runner(database.obj, str(MIGRATIONS_DIR))
    runner.up(target="0001_initial")
    newer = [m.name for m in runner.status() if m.applied is None]
    assert upgrade_database() == newer
    assert pending_migrations() == []
    close_database()


def test_sqlite_opens_in_wal_with_foreign_keys_and_busy_timeout(sqlite_url):
    open_database(sqlite_url)
    assert database.execute_sql("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert database.execute_sql("PRAGMA foreign_keys").fetchone()[0] == 1
    assert database.execute_sql("PRAGMA busy_timeout").fetchone()[0] >= 5000
    close_database()


def test_file_that_is_not_a_database_is_refused(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_bytes(b"this is not a database\n" * 200)
    with pytest.raises(DatabaseUnavailable, match=r"notes\.txt"):
        open_database(f"sqlite:///{path}")


@pytest.mark.skipif(os.geteuid() == 0, reason="root can read any file")
def test_unreadable_folder_is_refused(tmp_path):
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0)
    try:
        with pytest.raises(DatabaseUnavailable):
            open_database(f"sqlite:///{folder / 'sub' / 'x.db'}")
    finally:
        folder.chmod(0o700)


def test_path_under_a_file_is_refused(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(DatabaseUnavailable, match="is a file, not a folder"):
        open_database(f"sqlite:///{blocker / 'x.db'}")
    with pytest.raises(DatabaseUnavailable, match=r"Cannot reach the folder .*: Not a directory"):
        open_database(f"sqlite:///{blocker / 'sub' / 'x.db'}")


def test_unreachable_postgres_is_refused_in_one_line():
    with pytest.raises(DatabaseUnavailable) as caught:
        open_database("postgresql://nobody@127.0.0.1:1/nothing")
    assert "Cannot reach PostgreSQL" in str(caught.value)
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize("url", ["mysql://x/y", "sqlite:///", "postgresql://127.0.0.1/"])
def test_bad_urls_are_refused(url):
    with pytest.raises(DatabaseUnavailable):
        open_database(url)


def test_foreign_keys_are_enforced(db):
    from models.store.tables import Note

    with pytest.raises(peewee.IntegrityError):
        Note.create(customer=999_999, body="x", author="t")


def test_a_killed_writer_leaves_the_file_intact(sqlite_url, tmp_path):
    open_database(sqlite_url)
    upgrade_database()
    close_database()
    path = sqlite_url[len("sqlite:///") :]
    raw = sqlite3.connect(path)
    raw.execute("BEGIN IMMEDIATE")
    raw.execute("UPDATE counter SET value = 99 WHERE name = 'customer_code'")
    raw.close()  # closed without commit, as a killed process would leave it
    open_database(sqlite_url)
    assert Counter.get_by_id("customer_code").value == 0
    assert Customer.select().count() == 0
    close_database()


def test_ci_runs_the_postgresql_half():
    if os.environ.get("CI") and not os.environ.get("CUSTDESK_TEST_PG"):
        pytest.fail("CI must set CUSTDESK_TEST_PG: a skipped PostgreSQL half never passes CI")


def test_lost_postgres_connection_is_one_clear_error_then_reconnects(db_url):
    if not db_url.startswith("postgresql"):
        pytest.skip("about PostgreSQL connections")
    import psycopg2

    from models.store.db import connection

    open_database(db_url)
    upgrade_database()
    database.connect(reuse_if_open=True)
    pid = database.execute_sql("SELECT pg_backend_pid()").fetchone()[0]
    with psycopg2.connect(db_url.split("?")[0]) as admin, admin.cursor() as cur:
        cur.execute("SELECT pg_terminate_backend(%s)", (pid,))
    with pytest.raises(DatabaseUnavailable, match="did not answer"), connection():
        database.execute_sql("SELECT 1").fetchone()
    with connection():
        assert Customer.select().count() == 0
    close_database()
