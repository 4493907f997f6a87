"""Temporary passwords, bcrypt hashing at a configurable cost, the 72-byte rule, new-password
rules."""

import re
import unicodedata

import pytest
from portal_support import fast_bcrypt  # noqa: F401  (autouse fixture)

from models.env import SettingError
from models.passwords import (
    MAX_PASSWORD_BYTES,
    TEMP_ALPHABET,
    bcrypt_cost,
    hash_password,
    password_problem,
    temporary_password,
    verify_password,
)


def test_temporary_passwords_are_random_and_readable():
    passwords = {temporary_password() for _ in range(200)}
    assert len(passwords) == 200
    pattern = re.compile(rf"^[{TEMP_ALPHABET}]{{4}}(-[{TEMP_ALPHABET}]{{4}}){{3}}$")
    assert all(pattern.match(p) for p in passwords)
    assert not set("0O1lI") & set("".join(passwords))


def test_hash_is_bcrypt_at_the_configured_cost_and_verifies():
    stored = hash_password("a good long password")
    assert stored.startswith("$2b$04$")
    assert "a good long password" not in stored
    assert verify_password("a good long password", stored)
    assert not verify_password("a good long passworD", stored)


def test_default_cost_is_12(monkeypatch):
    monkeypatch.delenv("CUSTDESK_BCRYPT_COST")
    assert bcrypt_cost() == 12


@pytest.mark.parametrize("value", ["3", "32", "twelve", "-5", "12.5"])
def test_bad_cost_setting_is_named(monkeypatch, value):
    monkeypatch.setenv("CUSTDESK_BCRYPT_COST", value)
    with pytest.raises(SettingError, match="CUSTDESK_BCRYPT_COST must be a whole number from 4"):
        bcrypt_cost()


def test_unicode_forms_match_each_other():
    composed = unicodedata.normalize("NFC", "crème brûlée très bien")
    decomposed = unicodedata.normalize("NFD", composed)
    assert composed != decomposed
    assert verify_password(decomposed, hash_password(composed))


def test_72_bytes_is_the_limit():
    exactly = "é" * 36  # 72 bytes in UTF-8
    assert password_problem(exactly) is None
    assert verify_password(exactly, hash_password(exactly))
    over = "é" * 36 + "x"  # 73 bytes, 37 characters
    problem = password_problem(over)
    assert "at most 72 bytes" in problem and "it has 73" in problem
    with pytest.raises(ValueError, match="longer than 72 bytes"):
        hash_password(over)


def test_checking_an_overlong_password_refuses_without_error():
    stored = hash_password("a" * MAX_PASSWORD_BYTES)
    assert not verify_password("a" * (MAX_PASSWORD_BYTES + 1), stored)  # bcrypt itself raises


def test_empty_or_malformed_hash_refuses():
    assert not verify_password("anything at all", "")
    assert not verify_password("anything at all", "not-a-bcrypt-hash")


@pytest.mark.parametrize(("password", "expected"), [
    ("short one", "too short: it needs at least 12 characters (it has 9)"),
    ("tab\tinside password", "control character"),
    ("nul\x00inside password", "control character"),
    (" " * 14, "only spaces"),
    ("Jo@Example.com", "cannot be your email address"),
    ("abcd-efgh-jkmn-pqrs", "must differ from the temporary password"),
])
def test_new_password_rules_explain_themselves(password, expected):
    problem = password_problem(password, email="jo@example.com", temporary="abcd-efgh-jkmn-pqrs")
    assert problem is not None and expected in problem


def test_a_reasonable_new_password_passes():
    assert password_problem("correct horse battery", email="jo@example.com") is None
    assert password_problem("x" * 12) is None
