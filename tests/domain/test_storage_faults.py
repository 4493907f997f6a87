"""Faults of the database's storage give one plain line and change nothing: a full disk, a
database file, -wal, -shm or folder that cannot be written, a read-only file system, a folder
that does not exist. Command line through the installed `custdesk`, the app through the pilot.

A full disk is a real 1 MB tmpfs and a read-only file system a real read-only remount (the tests
mount them where they may, and say why they skip where they may not). An unwritable file is made
so with chmod, or, as root (whom modes do not stop), with `chattr +i`.
"""

import errno
import os
import re
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path

import peewee
import pytest
from support.cli import run_custdesk
from support.detail import SAMPLE, DetailApp
from support.portal import desk
from support.waiting import settle

from models.customers import create_customer, load_customer
from models.store.db import DatabaseUnavailable, close_database, database, open_database
from models.store.engine import write_transaction
from models.store.tables import Customer
from models.store.upgrade import upgrade_database
from tui.error_log import start_error_log, stop_error_log

ROWS = 3000  # customers in the big CSV file: far more than a full 1 MB disk can take


@pytest.fixture(autouse=True)
def _closed_afterwards() -> Iterator[None]:
    """The tests that open a database in this process leave it closed."""
    yield
    close_database()


def _mount(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["mount", *args], capture_output=True, text=True, check=False)


@pytest.fixture
def small_disk(tmp_path) -> Iterator[Path]:
    """A folder on a 1 MB tmpfs of its own, unmounted after the test."""
    folder = tmp_path / "disk"
    folder.mkdir()
    if shutil.which("mount") is None:
        pytest.skip("no mount command here, so no small disk to fill")
    mounted = _mount("-t", "tmpfs", "-o", "size=1m,mode=0755", "tmpfs", str(folder))
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.strip()}")
    yield folder
    close_database()
    if subprocess.run(["umount", str(folder)], check=False).returncode != 0:
        subprocess.run(["umount", "--lazy", str(folder)], check=True)  # a worker's connection


def fill_disk(folder: Path) -> None:
    """Fill the disk holding `folder` to its last byte."""
    descriptor = os.open(folder / "filler", os.O_WRONLY | os.O_CREAT)
    try:
        for size in (65536, 4096, 512, 1):
            while True:
                try:
                    os.write(descriptor, b"\0" * size)
                except OSError as error:
                    assert error.errno == errno.ENOSPC
                    break
    finally:
        os.close(descriptor)
    assert os.statvfs(folder).f_bavail == 0


@pytest.fixture
def unwritable() -> Iterator:
    """make(path): a file or folder this process may no longer write; undone after the test."""
    made: list[Path] = []

    def make(path: Path) -> None:
        if os.geteuid() != 0:
            path.chmod(path.stat().st_mode & ~0o222)
        elif shutil.which("chattr") is None:
            pytest.skip("running as root without chattr: no way to make a file unwritable")
        else:
            result = subprocess.run(
                ["chattr", "+i", str(path)], capture_output=True, text=True, check=False
            )
            if result.returncode != 0:
                pytest.skip(f"chattr +i is refused here: {result.stderr.strip()}")
        made.append(path)
        assert not os.access(path, os.W_OK)

    yield make
    for path in made:
        if os.geteuid() != 0:
            path.chmod(path.stat().st_mode | 0o200)
        else:
            subprocess.run(["chattr", "-i", str(path)], check=True)


def big_csv(folder: Path) -> Path:
    """A good customer CSV file of ROWS rows."""
    path = folder / "customers.csv"
    lines = ["Business Name,Contact Name,Billing Email,Billing City"]
    lines += [
        f"Company {i} Trading Ltd,Contact Person {i},person{i}@example.com,City {i}"
        for i in range(ROWS)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def seeded(folder: Path) -> Path:
    """A custdesk database with one customer in `folder`, closed (no -wal left); returns its path."""
    path = folder / "custdesk.db"
    result = run_custdesk("--db", f"sqlite:///{path}", "demo", "--count", "1")
    assert result.returncode == 0, result.stderr
    assert sorted(item.name for item in folder.iterdir()) == ["custdesk.db"]
    return path


def customer_count(path: Path) -> int:
    """Customers in the file, read with the plain sqlite3 module, read-only."""
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as connection:
        return connection.execute("SELECT count(*) FROM customer").fetchone()[0]


def assert_one_line(result: subprocess.CompletedProcess, *words: str) -> None:
    """Exit status 2 and one line on stderr holding `words`, no traceback."""
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.count("\n") == 1, result.stderr
    assert result.stderr.startswith("custdesk: ")
    for word in words:
        assert word in result.stderr


# --- a full disk -------------------------------------------------------------------------------


def test_import_on_a_full_disk_says_so_and_imports_nothing(small_disk, tmp_path):
    path = seeded(small_disk)
    fill_disk(small_disk)
    result = run_custdesk("--db", f"sqlite:///{path}", "import", str(big_csv(tmp_path)))
    assert_one_line(result, f"The disk holding {path} is full")  # found on opening it
    (small_disk / "filler").unlink()
    assert customer_count(path) == 1


def test_import_that_fills_the_disk_midway_says_exactly_what_it_kept(small_disk, tmp_path):
    """Full in its first chunk: nothing imported; later: the committed chunks stay, and the
    line says how many customers and how to finish (the chunk size is time, so either)."""
    path = seeded(small_disk)
    result = run_custdesk("--db", f"sqlite:///{path}", "import", str(big_csv(tmp_path)))
    assert_one_line(result, f"The disk holding {path} is full: free some space, then try again.")
    kept = re.search(r"\(([0-9,]+) created", result.stderr)
    if kept is None:
        assert "Nothing was imported." in result.stderr
        assert customer_count(path) == 1
    else:
        assert "the rest was not. To finish, run: custdesk import customers.csv --resume" in (
            result.stderr
        )
        assert customer_count(path) == 1 + int(kept.group(1).replace(",", ""))


def test_demo_on_a_full_disk_says_so_and_how_many_were_kept(small_disk):
    path = small_disk / "custdesk.db"
    result = run_custdesk("--db", f"sqlite:///{path}", "demo", "--count", str(ROWS))
    assert_one_line(
        result, f"The disk holding {path} is full", "0 demo customers were added before it"
    )
    assert customer_count(path) == 0


def test_a_new_database_on_a_full_disk_leaves_no_file(small_disk):
    fill_disk(small_disk)
    path = small_disk / "new.db"
    result = run_custdesk("--db", f"sqlite:///{path}", "outbox")
    assert_one_line(result, f"The disk holding {path} is full")
    assert not path.exists()


def test_a_write_on_a_full_disk_raises_one_line_and_changes_nothing(small_disk):
    open_database(f"sqlite:///{small_disk / 'custdesk.db'}")
    upgrade_database()
    record = create_customer(SAMPLE, desk())
    fill_disk(small_disk)
    with pytest.raises(DatabaseUnavailable, match=r"^The disk holding .* is full"):
        create_customer({**SAMPLE, "business_name": "Second Ltd"}, desk())
    assert Customer.select().count() == 1
    assert load_customer(record.id).values == record.values


async def test_the_app_says_the_disk_is_full_and_keeps_the_edit(small_disk):
    url = f"sqlite:///{small_disk / 'custdesk.db'}"
    open_database(url)
    upgrade_database()
    record = create_customer(SAMPLE, desk())
    fill_disk(small_disk)
    app = DetailApp(url, record.id)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        screen = app.screen
        screen.query_one("#row-business_name Input").value = "Maple Leaf Trading"
        await pilot.press("ctrl+s")
        await settle(pilot)
        messages = [note.message for note in app._notifications]
        full = f"The disk holding {small_disk / 'custdesk.db'} is full: free some space"
        assert messages == [f"The customer could not be read or saved: {full}, then try again."]
        assert [note.title for note in app._notifications] == ["Database unavailable"]
        assert screen.changed_fields() == ["business_name"]  # the edit is still on screen
    with database.connection_context():
        assert load_customer(record.id).values["business_name"] == SAMPLE["business_name"]


# --- files, folders and file systems that cannot be written -----------------------------------


@pytest.mark.parametrize(
    "suffix, words",
    [
        ("", "The database file"),
        ("-wal", "The database's -wal file"),
        ("-shm", "The database's -shm file"),
    ],
)
def test_an_unwritable_database_file_is_named(tmp_path, unwritable, suffix, words):
    folder = tmp_path / "data"
    folder.mkdir()
    path = seeded(folder)
    target = Path(f"{path}{suffix}")
    target.touch()
    unwritable(target)
    result = run_custdesk("--db", f"sqlite:///{path}", "import", str(big_csv(tmp_path)))
    assert_one_line(result, f"{words} {target} cannot be written")
    assert customer_count(path) == 1


def test_a_folder_that_cannot_be_written_is_named(tmp_path, unwritable):
    folder = tmp_path / "locked"
    folder.mkdir()
    unwritable(folder)
    result = run_custdesk("--db", f"sqlite:///{folder / 'new.db'}", "outbox")
    assert_one_line(result, f"The folder {folder} cannot be written")


def test_a_write_with_an_unwritable_wal_file_names_it(tmp_path, unwritable):
    folder = tmp_path / "data"
    folder.mkdir()
    url = f"sqlite:///{folder / 'custdesk.db'}"
    open_database(url)
    upgrade_database()
    record = create_customer(SAMPLE, desk())
    unwritable(folder / "custdesk.db-wal")
    with pytest.raises(DatabaseUnavailable, match=r"-wal file .* cannot be written"):
        create_customer({**SAMPLE, "business_name": "Second Ltd"}, desk())
    assert load_customer(record.id).version == record.version


def test_a_read_only_file_system_is_named(small_disk):
    path = seeded(small_disk)
    remounted = _mount("-o", "remount,ro", str(small_disk))
    if remounted.returncode != 0:
        pytest.skip(f"cannot remount the tmpfs read-only: {remounted.stderr.strip()}")
    for command in (["outbox"], ["demo", "--count", "1"]):
        result = run_custdesk("--db", f"sqlite:///{path}", *command)
        assert_one_line(result, f"{path} is on a read-only file system")
    result = run_custdesk("--db", f"sqlite:///{small_disk / 'new.db'}", "outbox")
    assert_one_line(result, "new.db is on a read-only file system")
    assert _mount("-o", "remount,rw", str(small_disk)).returncode == 0
    assert customer_count(path) == 1
    assert not (small_disk / "new.db").exists()


# --- folders ------------------------------------------------------------------------------------


def test_a_database_in_a_folder_that_does_not_exist_is_refused(tmp_path):
    missing = tmp_path / "no" / "such" / "dir"
    result = run_custdesk("--db", f"sqlite:///{missing / 'x.db'}", "outbox")
    assert_one_line(result, f"The folder {missing} does not exist")
    assert not (tmp_path / "no").exists()


def test_the_default_data_folder_is_created_private(tmp_path):
    data = tmp_path / "fresh" / "custdesk"
    result = run_custdesk("outbox", env={"CUSTDESK_DATA_DIR": str(data)})
    assert result.returncode == 0, result.stderr
    assert (data / "custdesk.db").exists()
    assert data.stat().st_mode & 0o777 == 0o700


def test_the_error_log_creates_the_data_folder_private(tmp_path, monkeypatch):
    data = tmp_path / "fresh-log" / "custdesk"
    monkeypatch.setenv("CUSTDESK_DATA_DIR", str(data))
    try:
        assert start_error_log().parent == data
    finally:
        stop_error_log()
    assert data.stat().st_mode & 0o777 == 0o700


# --- what is not a fault keeps its own exception --------------------------------------------------


def test_a_constraint_is_not_taken_for_a_fault(sqlite_url):
    open_database(sqlite_url)
    upgrade_database()
    record = create_customer(SAMPLE, desk())
    with pytest.raises(peewee.IntegrityError), write_transaction():
        Customer.update(code=None).where(Customer.id == record.id).execute()


# --- PostgreSQL -----------------------------------------------------------------------------------


def test_a_read_only_postgresql_database_is_named(db_url, tmp_path):
    if db_url.startswith("sqlite"):
        pytest.skip("PostgreSQL's read-only transactions; SQLite's are tested above")
    open_database(db_url)
    upgrade_database()
    close_database()
    read_only = f"{db_url}%20-cdefault_transaction_read_only%3Don"
    result = run_custdesk("--db", read_only, "import", str(big_csv(tmp_path)))
    assert_one_line(result, "is read-only for custdesk", "Nothing was imported.")
