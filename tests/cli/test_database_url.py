"""PostgreSQL URLs: libpq keywords in the query work, one given twice or a bad port is one line."""

from urllib.parse import urlparse

import pytest
from support.cli import run_custdesk

from models.store.db import (
    DatabaseUnavailable,
    close_database,
    database,
    display_url,
    open_database,
)
from models.store.upgrade import upgrade_database


@pytest.fixture
def pg_url(db_url):
    """A fresh PostgreSQL schema's URL (the SQLite half does not apply: these are libpq's)."""
    if db_url.startswith("sqlite"):
        pytest.skip("libpq keywords are PostgreSQL's")
    return db_url


def test_host_in_the_address_and_the_query_is_one_line_and_status_2(tmp_path):
    result = run_custdesk("--db", "postgresql://desk@127.0.0.1/shop?host=10.0.0.9", "outbox")
    assert result.returncode == 2
    assert result.stderr == (
        "custdesk: Database URL 'postgresql://desk@127.0.0.1/shop?host="
        "10.0.0.9' gives host twice: give it once, in the address or as "
        "?host=.\n"
    )


@pytest.mark.parametrize(
    "url, word",
    [
        ("postgresql://desk@db:5432/shop?port=6543", "port"),
        ("postgresql://desk@db/shop?user=other", "user"),
        ("postgresql://desk@db/shop?dbname=other", "dbname"),
    ],
)
def test_any_part_given_twice_is_refused(url, word):
    with pytest.raises(DatabaseUnavailable, match=f"gives {word} twice"):
        open_database(url)


def test_a_port_out_of_range_is_one_line_and_status_2():
    result = run_custdesk("--db", "postgresql://desk@127.0.0.1:99999/shop", "outbox")
    assert result.returncode == 2
    assert result.stderr.startswith(
        "custdesk: Database URL 'postgresql://desk@127.0.0.1:99999/shop' has a bad port"
    )
    assert "Traceback" not in result.stderr and result.stderr.count("\n") == 1


def test_host_given_only_in_the_query_is_used(pg_url):
    parts = urlparse(pg_url)
    moved = parts._replace(
        netloc=f"{parts.username}@:{parts.port or 5432}",
        query=f"{parts.query}&host={parts.hostname}",
    ).geturl()
    open_database(moved)
    upgrade_database()
    assert database.obj.connect_params["host"] == parts.hostname
    close_database()


def test_a_password_in_the_query_is_never_printed():
    assert (
        display_url("postgresql://desk@127.0.0.1:1/shop?password=s3cret&sslmode=require")
        == "postgresql://desk@127.0.0.1:1/shop?password=***&sslmode=require"
    )
    result = run_custdesk("--db", "postgresql://desk@127.0.0.1:1/shop?password=s3cret", "outbox")
    assert result.returncode == 2
    assert "password=***" in result.stderr and "s3cret" not in result.stderr
