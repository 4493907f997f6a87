"""The PostgreSQL test server: its URL, schema URLs, and staff login roles on a schema."""

import os
import uuid
from urllib.parse import quote

import psycopg2
import pytest

from models.staff.admin import add_staff
from models.staff.session import identify

PG_URL = os.environ.get("CUSTDESK_TEST_PG", "")
PG_SKIPPED = "PostgreSQL half skipped: set CUSTDESK_TEST_PG to a server URL to run it"
needs_pg = pytest.mark.skipif(not PG_URL, reason=PG_SKIPPED)


def schema_url(schema: str, role: str | None = None, base: str = "") -> str:
    """The server's URL with its search path set to one schema (then public, for extensions),
    as `role` when given."""
    base = base or PG_URL
    if role:
        base = base.replace("://postgres@", f"://{role}@", 1)
    sep = "&" if "?" in base else "?"
    return f"{base}{sep}options={quote(f'-csearch_path={schema},public')}"


class Team:
    """A schema set up by its owner, and uniquely named login roles in the staff groups."""

    def __init__(self) -> None:
        self.schema = f"t_{uuid.uuid4().hex[:12]}"
        self.owner_url = schema_url(self.schema)
        self.logins: list[str] = []

    def login(self, role: str) -> str:
        """A new login role in the `role` group; returns its name."""
        name = f"{self.schema}_{role}"
        add_staff(identify(), name, role)
        self.logins.append(name)
        return name

    def url_for(self, login: str) -> str:
        """The database URL a staff member with this login uses."""
        return schema_url(self.schema, login)

    def raw(self, login: str):
        """A plain connection as `login`, to try what custdesk itself would never send."""
        connection = psycopg2.connect(self.url_for(login))
        connection.autocommit = True
        return connection


def refused(connection, sql: str) -> str:
    """The server's refusal of one statement (the test fails if the server runs it)."""
    with pytest.raises(psycopg2.errors.InsufficientPrivilege) as caught, connection.cursor() as cur:
        cur.execute(sql)
    return str(caught.value)
