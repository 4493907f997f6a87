"""The `custdesk` command line: bad arguments and databases give one line and exit status 2."""

import os
import subprocess
import sys

import pytest
from support.cli import run_custdesk

from tui.cli import main


def test_unknown_option_is_one_line_and_status_2(capsys):
    assert main(["--frobnicate"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("custdesk: unrecognized arguments: --frobnicate")
    assert err.count("\n") == 1


def test_unknown_command_is_status_2(capsys):
    assert main(["frobnicate"]) == 2
    assert "invalid choice" in capsys.readouterr().err


def test_unknown_database_scheme_is_status_2(capsys):
    assert main(["--db", "mysql://x/y", "demo", "--count", "1"]) == 2
    assert capsys.readouterr().err.startswith("custdesk: Unknown database URL")


def test_file_that_is_not_a_database_is_status_2(tmp_path, capsys):
    junk = tmp_path / "junk.db"
    junk.write_bytes(os.urandom(4096))
    assert main(["--db", f"sqlite:///{junk}", "demo", "--count", "1"]) == 2
    err = capsys.readouterr().err
    assert "junk.db" in err and "Traceback" not in err


def test_environment_variable_chooses_the_database(tmp_path, monkeypatch, capsys):
    target = tmp_path / "from-env.db"
    monkeypatch.setenv("CUSTDESK_DB", f"sqlite:///{target}")
    assert main(["demo", "--count", "3"]) == 0
    assert target.exists()
    assert "Added 3 demo customers" in capsys.readouterr().out


def test_demo_count_must_be_positive(tmp_path, capsys):
    assert main(["demo", "--count", "0", "--db", f"sqlite:///{tmp_path / 'x.db'}"]) == 2


def test_installed_command_reports_unreachable_server_without_traceback(tmp_path):
    result = run_custdesk(
        "--db",
        "postgresql://nobody@127.0.0.1:1/nothing",
        "demo",
        env={"CUSTDESK_DATA_DIR": str(tmp_path)},
    )
    assert result.returncode == 2
    assert result.stderr.startswith("custdesk: Cannot reach PostgreSQL")
    assert "Traceback" not in result.stderr


def test_a_password_in_the_database_url_is_never_printed(tmp_path):
    result = run_custdesk(
        "--db",
        "postgresql://nobody:s3cret-pw@127.0.0.1:1/nothing",
        "demo",
        env={"CUSTDESK_DATA_DIR": str(tmp_path)},
    )
    assert result.returncode == 2
    assert "nobody:***@127.0.0.1:1/nothing" in result.stderr
    assert "s3cret-pw" not in result.stderr + result.stdout


def test_display_url_hides_only_the_password():
    from models.store.db import display_url

    assert (
        display_url("postgresql://bob:p%40ss@db.example:5432/shop?sslmode=require")
        == "postgresql://bob:***@db.example:5432/shop?sslmode=require"
    )
    assert display_url("postgresql://bob@db.example/shop") == "postgresql://bob@db.example/shop"
    assert display_url("sqlite:///tmp/a.db") == "sqlite:///tmp/a.db"


def test_default_database_lives_in_the_data_folder(tmp_path):
    result = run_custdesk("demo", "--count", "2", env={"CUSTDESK_DATA_DIR": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "custdesk.db").exists()


def test_python_dash_m_tui_works(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "tui", "--help"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0
    assert "custdesk" in result.stdout and "--demo" in result.stdout


@pytest.mark.parametrize("count", ["ten", "-5"])
def test_bad_demo_count_is_status_2(tmp_path, count, capsys):
    assert main(["demo", "--count", count, "--db", f"sqlite:///{tmp_path / 'x.db'}"]) == 2


def test_opening_the_app_does_not_import_the_subcommands_and_dialogs():
    """What the first paint needs only: CSV, mail, portal and dialog code load on first use."""
    later = [
        "tui.commands.csv_import",
        "tui.commands.csv_export",
        "tui.commands.outbox",
        "tui.commands.portal",
        "models.transfer.customer_import",
        "models.transfer.customer_export",
        "models.mail.smtp",
        "models.duplicates",
        "models.validation",
        "screens.dialogs.csv_dialog",
        "screens.customer_detail",
        "screens.dialogs.demo_dialog",
        "tui.mail_worker",
    ]
    code = f"import sys, tui.cli, tui.app; print(sorted(m for m in {later!r} if m in sys.modules))"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
