"""Issue 16 point 4, with real processes: a clerk's saves during a 100,000-row `custdesk import`
wait (the import commits in chunks of about half a second) and succeed, and the clerk is told
that another import is running; the import, killed part way, can be resumed."""

import signal
import time

import pytest
from support.cli import start_custdesk
from support.portal import desk

from models.customers import create_customer, load_customer, save_customer
from models.store.db import close_database, open_database
from models.store.tables import Customer
from models.store.upgrade import upgrade_database
from models.transfer import import_run
from models.transfer.import_run import import_note, running_imports, stopped_import, waited_note

ROWS = 100_000
SAVING_SECONDS = 3.0


@pytest.fixture
def clerk_db(sqlite_url):
    open_database(sqlite_url)
    upgrade_database()
    yield sqlite_url
    close_database()


def wait_for_running_import(importer, seconds: float) -> None:
    """Until the importer's marker says it writes (its check of the file is done)."""
    deadline = time.monotonic() + seconds
    while not running_imports():
        assert importer.poll() is None, importer.communicate()
        assert time.monotonic() < deadline, "the import did not start writing"
        time.sleep(0.05)


def test_saves_during_a_large_import_wait_and_succeed(clerk_db, tmp_path, monkeypatch):
    acme = create_customer({"code": "ACME-1", "business_name": "Acme"}, desk())
    path = tmp_path / "people.csv"
    path.write_text("Contact Name\n" + "".join(f"Person {n:06d}\n" for n in range(ROWS)))
    importer = start_custdesk("--db", clerk_db, "import", str(path))
    try:
        wait_for_running_import(importer, seconds=180)
        waits = []
        record = load_customer(acme.id)
        saving_until = time.monotonic() + SAVING_SECONDS
        while time.monotonic() < saving_until:
            started = time.monotonic()
            record = save_customer(record, {"contact_name": f"Clerk {len(waits)}"}, desk())
            waits.append(time.monotonic() - started)
        note = import_note()
    finally:
        importer.send_signal(signal.SIGKILL)  # a killed import: the rest of the test resumes it
        importer.wait()
    written = Customer.select().count() - 1
    assert 0 < written < ROWS, "the import was still writing while the clerk saved"
    assert load_customer(acme.id).values["contact_name"] == f"Clerk {len(waits) - 1}"
    assert max(waits) < 2.0, f"saves waited {[round(w, 2) for w in waits]} s"
    assert note is not None and "Another import is running: people.csv" in note
    assert waited_note(max(waits)) == note, f"no save had to wait (longest {max(waits):.2f} s)"

    monkeypatch.setattr(import_run, "STALE_AFTER", import_run.timedelta(0))
    stopped = stopped_import(path, update=False)
    assert stopped is not None and stopped.created == written
    assert stopped.last_line == written + 1  # the header is line 1
