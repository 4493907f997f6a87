"""An import commits in chunks (issue 16 point 4): what a stop part way leaves, what the
marker tells others, and how --resume finishes it."""

import threading

import pytest
from support.portal import desk

from models.audit.chain import verify_chain
from models.customers import create_customer, load_customer, save_customer
from models.store.tables import Customer
from models.transfer import customer_import
from models.transfer.csv_format import Cancelled
from models.transfer.customer_import import (
    ImportConflict,
    ImportStopped,
    apply_import,
    preview_import,
)
from models.transfer.import_run import import_note, start_run, stopped_import, waited_note
from tui.cli import main


@pytest.fixture
def one_row_chunks(monkeypatch):
    """Every planned write is its own chunk (a transaction each), with no pause between."""
    monkeypatch.setattr(customer_import, "CHUNK_SECONDS", 0)
    monkeypatch.setattr(customer_import, "WRITE_ROWS", 1)
    monkeypatch.setattr(customer_import, "PAUSE_SECONDS", 0)


def write_csv(tmp_path, text: str):
    path = tmp_path / "customers.csv"
    path.write_text(text)
    return path


def test_a_conflict_after_the_first_chunk_keeps_the_lines_before_and_resume_finishes(
    db, tmp_path, one_row_chunks
):
    acme = create_customer({"code": "ACME-1", "business_name": "Acme"}, desk())
    path = write_csv(
        tmp_path,
        "Customer Code,Business Name\nNEW-1,New\nNEW-2,Newer\nACME-1,Acme Group\nNEW-3,Last\n",
    )
    with preview_import(path, update=True) as preview:
        save_customer(acme, {"contact_name": "Someone"}, desk())
        with pytest.raises(ImportStopped, match="Line 4: customer ACME-1 was changed") as stop:
            apply_import(preview, desk())
    assert "Lines up to 3 of customers.csv were imported" in str(stop.value)
    assert "custdesk import customers.csv --resume" in str(stop.value)
    assert sorted(c.code for c in Customer.select()) == ["ACME-1", "NEW-1", "NEW-2"]
    stopped = stopped_import(path, update=True)
    assert (stopped.last_line, stopped.created, stopped.updated) == (3, 2, 0)
    assert "was changed by someone else" in stopped.reason

    with preview_import(path, update=True, after_line=stopped.last_line) as rest:
        assert (rest.rows, rest.to_create, rest.to_update) == (2, 1, 1)
        apply_import(rest, desk(), resumes=stopped)
    assert sorted(c.code for c in Customer.select()) == ["ACME-1", "NEW-1", "NEW-2", "NEW-3"]
    assert load_customer(acme.id).values["business_name"] == "Acme Group"
    assert stopped_import(path, update=True) is None  # resumed: nothing left to resume
    assert verify_chain("audit_event")[1] is None


def test_a_stop_in_the_first_chunk_leaves_nothing_and_nothing_to_resume(db, tmp_path, monkeypatch):
    monkeypatch.setattr(customer_import, "WRITE_ROWS", 1)  # one chunk of two pieces
    path = write_csv(tmp_path, "Contact Name\nAda\nBo\n")
    cancel = threading.Event()
    with preview_import(path) as preview, pytest.raises(Cancelled):
        apply_import(preview, desk(), progress=lambda *step: cancel.set(), cancel=cancel)
    assert Customer.select().count() == 0
    assert stopped_import(path, update=False) is None


def test_cancelling_after_a_chunk_says_which_lines_are_in(db, tmp_path, one_row_chunks):
    path = write_csv(tmp_path, "Contact Name\nAda\nBo\nCy\n")
    cancel = threading.Event()
    with preview_import(path) as preview, pytest.raises(ImportStopped, match="Lines up to 2"):
        apply_import(preview, desk(), progress=lambda *step: cancel.set(), cancel=cancel)
    assert [c.contact_name for c in Customer.select()] == ["Ada"]
    assert stopped_import(path, update=False).reason == "Cancelled"


def test_a_conflict_in_the_first_chunk_still_imports_nothing(db, tmp_path):
    path = write_csv(tmp_path, "Customer Code,Business Name\nA-1,First\nB-2,Second\n")
    with preview_import(path) as preview:
        create_customer({"code": "b-2", "business_name": "Quick"}, desk())
        with pytest.raises(ImportConflict, match="nothing was imported") as conflict:
            apply_import(preview, desk())
    assert not isinstance(conflict.value, ImportStopped)


def test_the_note_names_a_running_import_to_a_save_that_waited(db, tmp_path):
    path = write_csv(tmp_path, "Contact Name\nAda\n")
    assert import_note() is None
    run = start_run(desk(), path, False, 120_000)
    note = import_note()
    assert note.startswith("Another import is running: customers.csv by ")
    assert "0 of 120,000 rows written" in note
    assert waited_note(1.0) == note and waited_note(0.01) is None
    assert import_note(exclude=run) is None


def test_the_command_line_resumes_a_stopped_import(db, db_url, tmp_path, one_row_chunks, capsys):
    path = write_csv(tmp_path, "Customer Code,Business Name\nA-1,First\nB-2,Second\nC-3,Third\n")
    assert main(["--db", db_url, "import", str(path), "--resume"]) == 1
    assert "no stopped import of this file to resume" in capsys.readouterr().err
    with preview_import(path) as preview:
        create_customer({"code": "B-2", "business_name": "Quick"}, desk())
        with pytest.raises(ImportStopped):
            apply_import(preview, desk())
    assert main(["--db", db_url, "import", str(path), "--resume"]) == 1  # B-2 is taken now
    assert "B-2 is already used" in capsys.readouterr().out
    Customer.update(code="Q-9", code_key="q-9").where(Customer.code == "B-2").execute()
    assert main(["--db", db_url, "import", str(path), "--resume"]) == 0
    out = capsys.readouterr().out
    assert "Resuming the import of customers.csv by " in out and "after line 2" in out
    assert "Imported " in out and "2 created" in out
    assert sorted(c.code for c in Customer.select()) == ["A-1", "B-2", "C-3", "Q-9"]
