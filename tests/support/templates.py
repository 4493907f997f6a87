"""Migrated databases without migrating each time: every test process migrates one template per
engine, once, and each test gets a copy (a file copy on SQLite; the template schema's
`pg_dump`, renamed, on PostgreSQL). The copy is what the migrations make, rows and all."""

import atexit
import re
import shutil
import subprocess
import tempfile
import uuid
from functools import cache
from pathlib import Path
from urllib.parse import unquote

import psycopg2

from models.store.db import close_database, database, open_database
from models.store.upgrade import upgrade_database
from support.pg import PG_URL, schema_url


@cache
def _sqlite_template() -> Path:
    """A migrated SQLite file, made once per process (in a folder removed at exit)."""
    folder = tempfile.mkdtemp(prefix="custdesk-template-")
    atexit.register(shutil.rmtree, folder, True)
    path = Path(folder) / "custdesk.db"
    open_database(f"sqlite:///{path}")
    try:
        upgrade_database()
    finally:
        close_database()  # checkpoints the WAL into the file
    return path


@cache
def _pg_template() -> tuple[str, str]:
    """(schema name, SQL that recreates it): a schema migrated once per process, dumped, and
    dropped again."""
    schema = f"tpl_{uuid.uuid4().hex[:12]}"
    with psycopg2.connect(PG_URL) as conn, conn.cursor() as cur:
        cur.execute(f"CREATE SCHEMA {schema}")
    try:
        open_database(schema_url(schema))
        try:
            upgrade_database()
        finally:
            if hasattr(database.obj, "close_all"):
                database.obj.close_all()
            close_database()
        dump = subprocess.run(  # tables, then their rows, then indexes, keys and triggers
            ["pg_dump", "--inserts", "--no-owner", f"--schema={schema}", PG_URL],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    finally:
        with psycopg2.connect(PG_URL) as conn, conn.cursor() as cur:
            cur.execute(f"DROP SCHEMA {schema} CASCADE")
    script = "\n".join(
        line
        for line in dump.splitlines()
        if not line.startswith("\\")  # psql meta-commands (\restrict)
        and not line.startswith(f"CREATE SCHEMA {schema};")
    ).replace(  # function bodies name the schema's other functions unqualified, as in the app
        "SELECT pg_catalog.set_config('search_path', '', false);",
        f"SET search_path = {schema}, public;",
    )
    return schema, script


def copy_migrated(url: str) -> None:
    """Fill the empty database at `url` (a SQLite file not yet made, or an empty schema of the
    test server) with a copy of a freshly migrated one."""
    if url.startswith("sqlite:///"):
        shutil.copyfile(_sqlite_template(), url.removeprefix("sqlite:///"))
        return
    if shutil.which("pg_dump") is None:  # no PostgreSQL client tools here: migrate the schema
        open_database(url)
        try:
            upgrade_database()
        finally:
            database.obj.close_all()
            close_database()
        return
    template, script = _pg_template()
    schema = re.search(r"search_path=(\w+)", unquote(url))
    assert schema, f"not a test schema URL: {url}"
    with psycopg2.connect(PG_URL) as conn, conn.cursor() as cur:
        cur.execute(re.sub(rf"\b{template}\b", schema.group(1), script))
