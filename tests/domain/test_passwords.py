"""Temporary passwords, bcrypt hashing at a configurable cost, the 72-byte rule, new-password
rules."""

import re
import unicodedata

import pytest

from models.env import SettingError
from models.portal.passwords import (
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
    exactly = "Grüße aus Zürich, Malmö und Århus: é".ljust(66, "x")  # 72 bytes in UTF-8
    assert len(exactly.encode()) == 72 and password_problem(exactly) is None
    assert verify_password(exactly, hash_password(exactly))
    over = exactly + "x"  # 73 bytes
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


@pytest.mark.parametrize(
    ("password", "expected"),
    [
        ("short one", "too short: it needs at least 12 characters (it has 9)"),
        ("tab\tinside password", "control character"),
        ("nul\x00inside password", "control character"),
        (" " * 14, "only spaces"),
        ("Jo@Example.com", "cannot be your email address"),
        ("abcd-efgh-jkmn-pqrs", "must differ from the temporary password"),
    ],
)
def test_new_password_rules_explain_themselves(password, expected):
    problem = password_problem(password, email="jo@example.com", temporary="abcd-efgh-jkmn-pqrs")
    assert problem is not None and expected in problem


def test_a_reasonable_new_password_passes():
    assert password_problem("correct horse battery", email="jo@example.com") is None
    assert (
        password_problem(
            "Trombone-Velvet-42", email="jo@example.com", names=["Jo Bloggs", "Acme Ltd"]
        )
        is None
    )


@pytest.mark.parametrize(
    ("password", "advice"),
    [
        ("aaaaaaaaaaaa", 'Repeats like "aaa" are easy to guess.'),
        ("password1234", "This is a very common password."),
        ("123456789012", "This is similar to a commonly used password."),
        ("x" * 12, "Avoid repeated words and characters."),
    ],
)
def test_an_easily_guessed_password_is_refused_with_zxcvbns_advice(password, advice):
    problem = password_problem(password, email="jo@example.com")
    assert problem.startswith("The new password is too easy to guess (")
    assert advice in problem and "Add another word or two." in problem


@pytest.mark.parametrize(
    "password",
    [
        "JoBloggs2024!",
        "Bloggs-Acme-2024",
        "Jo Bloggs Acme Ltd 99",
        "acme shop bloggs jo",
        "jo.bloggs@acme-shop.example!",
    ],
)
def test_a_password_built_from_the_email_or_name_is_refused(password):
    problem = password_problem(
        password, email="jo.bloggs@acme-shop.example", names=["Jo Bloggs", "Acme Ltd"]
    )
    assert problem is not None
    assert "built from your email address or name" in problem or "too easy" in problem


def test_a_customers_words_inside_a_strong_password_are_fine():
    assert (
        password_problem(
            "bloggs trombone velvet", email="jo.bloggs@acme-shop.example", names=["Jo Bloggs"]
        )
        is None
    )
