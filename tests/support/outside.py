"""Writing a custdesk database as other programs do, without custdesk's code: Python's plain
sqlite3 module, the sqlite3 shell, a plain PostgreSQL connection and psql."""

import shutil
import sqlite3
import subprocess
from contextlib import closing
from pathlib import Path
from urllib.parse import unquote

import psycopg2


def sqlite_file(url: str) -> Path:
    """The file of a sqlite:/// URL."""
    return Path(unquote(url[len("sqlite:///") :]))


def plain_sqlite(url: str, sql: str, params: tuple = ()) -> int:
    """Run one statement with Python's plain sqlite3 module (no custdesk function registered);
    returns the last inserted row id."""
    with closing(sqlite3.connect(sqlite_file(url))) as connection:
        cursor = connection.execute(sql, params)
        connection.commit()
        return cursor.lastrowid


def shell(program: str, *args: str) -> str:
    """Run a database shell (sqlite3, psql) with its arguments; its output. Fails the test when
    the shell fails."""
    path = shutil.which(program)
    assert path, f"{program} is not installed (apt-get install -y {program})"
    done = subprocess.run([path, *args], check=False, capture_output=True, text=True, timeout=30)
    assert done.returncode == 0, done.stderr
    return done.stdout


def sqlite_shell(url: str, sql: str) -> str:
    """Run SQL with the sqlite3 shell binary on the database's file."""
    return shell("sqlite3", str(sqlite_file(url)), sql)


def plain_postgres(url: str, sql: str, params: tuple = ()) -> None:
    """Run one statement (%s placeholders) on a plain psycopg2 connection, and commit."""
    with closing(psycopg2.connect(url)) as connection, connection.cursor() as cursor:
        cursor.execute(sql, params)
        connection.commit()


def psql(url: str, sql: str) -> str:
    """Run SQL with the psql binary (stops at the first error)."""
    return shell("psql", "-X", "-v", "ON_ERROR_STOP=1", "-d", url, "-c", sql)


def write_outside(url: str, sql: str, params: tuple = ()) -> None:
    """Run one statement (? placeholders) as another program would, on either engine."""
    if url.startswith("sqlite:///"):
        plain_sqlite(url, sql, params)
    else:
        plain_postgres(url, sql.replace("?", "%s"), params)
