"""Portal passwords: temporary ones from `secrets`, bcrypt hashes, and the rules for new ones."""

import secrets
import unicodedata

import bcrypt

from models.env import env_int

BCRYPT_COST_ENV = "CUSTDESK_BCRYPT_COST"
DEFAULT_BCRYPT_COST = 12
MIN_BCRYPT_COST = 4
MAX_BCRYPT_COST = 31
MAX_PASSWORD_BYTES = 72  # bcrypt reads no further; bcrypt 5 raises ValueError beyond it
MIN_PASSWORD_CHARS = 12

# Letters and digits that cannot be mistaken for each other when read off an email (no 0/O, 1/l/I).
TEMP_ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
TEMP_GROUPS = 4
TEMP_GROUP_SIZE = 4  # 16 characters from 55: about 92 bits


def bcrypt_cost() -> int:
    """The bcrypt cost for new hashes: CUSTDESK_BCRYPT_COST, else 12."""
    return env_int(BCRYPT_COST_ENV, DEFAULT_BCRYPT_COST, MIN_BCRYPT_COST, MAX_BCRYPT_COST)


def temporary_password() -> str:
    """A strong random temporary password, easy to copy: four groups of four, e.g. `aB3d-…`."""
    groups = ("".join(secrets.choice(TEMP_ALPHABET) for _ in range(TEMP_GROUP_SIZE))
              for _ in range(TEMP_GROUPS))
    return "-".join(groups)


def _encoded(password: str) -> bytes:
    """The bytes bcrypt sees: the password in Unicode NFC, so é typed either way matches."""
    return unicodedata.normalize("NFC", password).encode("utf-8")


def password_problem(password: str, *, email: str = "", temporary: str = "") -> str | None:
    """Why a new password cannot be used, in one sentence; None when it can."""
    size = len(_encoded(password))
    if len(password) < MIN_PASSWORD_CHARS:
        return (f"The new password is too short: it needs at least {MIN_PASSWORD_CHARS} "
                f"characters (it has {len(password)}).")
    if size > MAX_PASSWORD_BYTES:
        return (f"The new password is too long: at most {MAX_PASSWORD_BYTES} bytes in UTF-8 "
                f"(it has {size}; accented letters and symbols take 2 to 4 bytes each).")
    if any(unicodedata.category(char) == "Cc" for char in password):
        return "The new password contains a control character (such as a tab or NUL); leave it out."
    if not password.strip():
        return "The new password cannot be only spaces."
    if email and password.casefold() == email.casefold():
        return "The new password cannot be your email address."
    if temporary and password == temporary:
        return "The new password must differ from the temporary password."
    return None


def hash_password(password: str, cost: int | None = None) -> str:
    """The bcrypt hash of a password (slow by design: call it from a worker thread)."""
    encoded = _encoded(password)
    if len(encoded) > MAX_PASSWORD_BYTES:
        raise ValueError(f"A password longer than {MAX_PASSWORD_BYTES} bytes cannot be hashed.")
    salt = bcrypt.gensalt(rounds=cost or bcrypt_cost())
    return bcrypt.hashpw(encoded, salt).decode("ascii")


def verify_password(password: str, stored_hash: str) -> bool:
    """Whether a password matches a stored hash; an empty or unusable hash costs the same time."""
    encoded = _encoded(password)
    if not stored_hash or len(encoded) > MAX_PASSWORD_BYTES:
        spend_equal_time(password)
        return False
    try:
        return bcrypt.checkpw(encoded, stored_hash.encode("ascii"))
    except ValueError:  # a malformed stored hash: refuse, as for a wrong password
        return False


def spend_equal_time(password: str) -> None:
    """Do the work of one password check at the current cost, to answer in the usual time."""
    bcrypt.hashpw(_encoded(password)[:MAX_PASSWORD_BYTES], bcrypt.gensalt(rounds=bcrypt_cost()))
