"""`custdesk portal-login`, `portal-activate` and `outbox` through the command line: exit 0 in,
1 refused with the reason, 2 usage."""

import io
import subprocess
import sys
from pathlib import Path

import pytest
from support.portal import (
    NEW_PASSWORD,
    SENDER,
    SmtpServer,
    activated,
    desk,
    make_customer,
    password_in,
    secret_of,
    seen,
)

from models.portal.actions import lock_account, reset_and_unlock, send_activation
from models.portal.signin import NOT_RIGHT
from models.store.tables import OutboxMessage
from tui.cli import main

REPO = Path(__file__).resolve().parents[2]


def login(db_url: str, monkeypatch, stdin: str, *extra: str, email: str = "jo@example.com") -> int:
    """Run `custdesk portal-login` in this process with the given stdin."""
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    return main(["--db", db_url, "portal-login", email, *extra])


def test_temporary_password_then_own_password(db, db_url, monkeypatch, capsys):
    _, temporary = activated()
    assert login(db_url, monkeypatch, f"{temporary}\n") == 1
    out = capsys.readouterr().out
    assert "choose your own password" in out and "--new-password" in out
    assert login(db_url, monkeypatch, f"{temporary}\n{NEW_PASSWORD}\n", "--new-password") == 0
    assert "Your new password is set." in capsys.readouterr().out
    assert login(db_url, monkeypatch, f"{NEW_PASSWORD}\n") == 0
    assert login(db_url, monkeypatch, f"{temporary}\n") == 1
    assert capsys.readouterr().out.splitlines()[-1] == NOT_RIGHT


def test_a_weak_new_password_is_refused_with_the_rule(db, db_url, monkeypatch, capsys):
    _, temporary = activated()
    assert login(db_url, monkeypatch, f"{temporary}\nshort\n", "--new-password") == 1
    assert "at least 12 characters (it has 5)" in capsys.readouterr().out


def test_passwords_keep_their_spaces(db, db_url, monkeypatch, capsys):
    _, temporary = activated()
    spaced = "  spaces at both ends  "
    assert login(db_url, monkeypatch, f"{temporary}\n{spaced}\r\n", "--new-password") == 0
    assert login(db_url, monkeypatch, f"{spaced.strip()}\n") == 1
    assert login(db_url, monkeypatch, f"{spaced}\n") == 0


def test_lock_and_unlock_round_trip(db, db_url, monkeypatch, capsys):
    customer_id, temporary = activated()
    assert login(db_url, monkeypatch, f"{temporary}\n{NEW_PASSWORD}\n", "--new-password") == 0
    lock_account(customer_id, desk(), expected_version=seen(customer_id), reason="card testing")
    assert login(db_url, monkeypatch, f"{NEW_PASSWORD}\n") == 1
    assert capsys.readouterr().out.splitlines()[-1] == NOT_RIGHT  # as for a wrong password
    reset = secret_of(
        reset_and_unlock(
            customer_id, desk(), expected_version=seen(customer_id), sender=SENDER
        ).outbox_id
    )
    assert login(db_url, monkeypatch, f"{NEW_PASSWORD}\n") == 1  # the old password stopped
    assert login(db_url, monkeypatch, f"{reset}\nanother good password\n", "--new-password") == 0


@pytest.mark.parametrize(
    ("stdin", "extra", "message"),
    [
        ("", (), "no password on stdin's first line"),
        ("\n", (), "no password on stdin's first line"),
        ("a password\n", ("--new-password",), "no new password on stdin's second line"),
    ],
)
def test_missing_secrets_are_usage_errors(db, db_url, monkeypatch, capsys, stdin, extra, message):
    assert login(db_url, monkeypatch, stdin, *extra) == 2
    err = capsys.readouterr().err
    assert err.startswith("custdesk: portal-login: ") and message in err


def test_missing_email_is_a_usage_error(db_url, capsys):
    assert main(["--db", db_url, "portal-login"]) == 2
    assert "email" in capsys.readouterr().err


def test_a_bad_setting_is_a_usage_error(db, db_url, monkeypatch, capsys):
    monkeypatch.setenv("CUSTDESK_LOCKOUT_MINUTES", "5")
    assert login(db_url, monkeypatch, "whatever\n") == 2
    assert "CUSTDESK_LOCKOUT_MINUTES must be a whole number from 30" in capsys.readouterr().err


def test_portal_activate_sets_the_password_once(db, db_url, monkeypatch, capsys):
    _, token = activated(portal_url="https://portal.shop.example")
    monkeypatch.setattr("sys.stdin", io.StringIO(f"{NEW_PASSWORD}\n"))
    assert main(["--db", db_url, "portal-activate", token]) == 0
    assert "Your password is set" in capsys.readouterr().out
    assert login(db_url, monkeypatch, f"{NEW_PASSWORD}\n") == 0
    monkeypatch.setattr("sys.stdin", io.StringIO("yet another password\n"))
    assert main(["--db", db_url, "portal-activate", token]) == 1
    assert "already been used" in capsys.readouterr().out
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    assert main(["--db", db_url, "portal-activate", token]) == 2


def test_an_empty_outbox_says_so(db, db_url, capsys):
    assert main(["--db", db_url, "outbox"]) == 0
    assert "The outbox is empty" in capsys.readouterr().out
    assert main(["--db", db_url, "outbox", "--flush"]) == 0
    assert "Nothing to deliver." in capsys.readouterr().out


def test_outbox_lists_what_waits_and_flush_delivers(db, db_url, capsys):
    send_activation(make_customer(), desk(), expected_version=0, sender=SENDER)
    server = SmtpServer()  # not started: connections are refused
    assert main(["--db", db_url, "--mail", server.url, "outbox", "--flush"]) == 1
    out = capsys.readouterr().out
    assert "Not delivered to jo@example.com" in out and "refused the connection" in out
    assert main(["--db", db_url, "outbox"]) == 0
    out = capsys.readouterr().out
    assert "1 message(s) in the outbox" in out and "attempt 1 failed" in out
    server.start()
    try:
        assert main(["--db", db_url, "--mail", server.url, "outbox", "--flush"]) == 0
    finally:
        server.stop()
    assert "Delivered 1 message(s) to the mail server 127.0.0.1:" in capsys.readouterr().out
    assert len(server.handler.messages) == 1
    assert password_in(server.handler.messages[0]) not in OutboxMessage.get().body


def test_outbox_with_a_bad_mail_url_is_a_usage_error(db, db_url, capsys):
    assert main(["--db", db_url, "--mail", "ftp://mail.example", "outbox"]) == 2
    assert capsys.readouterr().err.startswith("custdesk: Unknown mail URL scheme 'ftp'")


def test_portal_login_as_a_real_process(db, db_url):
    _, temporary = activated()
    command = [
        sys.executable,
        "-m",
        "tui",
        "--db",
        db_url,
        "portal-login",
        "jo@example.com",
        "--new-password",
    ]
    done = subprocess.run(
        command,
        input=f"{temporary}\n{NEW_PASSWORD}\n",
        capture_output=True,
        text=True,
        timeout=60,
        cwd=REPO,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "Signed in. Your new password is set."
    refused = subprocess.run(
        command[:-1],
        input="wrong password\n",
        capture_output=True,
        text=True,
        timeout=60,
        cwd=REPO,
        check=False,
    )
    assert refused.returncode == 1 and refused.stdout.strip() == NOT_RIGHT
    assert temporary not in done.stdout + done.stderr + refused.stdout + refused.stderr


def test_link_tokens_never_look_like_options():
    from models.portal.tokens import new_token

    assert not any(new_token().startswith("-") for _ in range(2000))
