"""Portal passwords: temporary ones from `secrets`, bcrypt hashes, the rules for new ones
(zxcvbn's strength estimate among them), and refusals that take the time of a real check."""

import re
import secrets
import time
import unicodedata
from collections.abc import Iterable

import bcrypt

from models.env import env_int

BCRYPT_COST_ENV = "CUSTDESK_BCRYPT_COST"
DEFAULT_BCRYPT_COST = 12
MIN_BCRYPT_COST = 4
MAX_BCRYPT_COST = 31
MAX_PASSWORD_BYTES = 72  # bcrypt reads no further; bcrypt 5 raises ValueError beyond it
MIN_PASSWORD_CHARS = 12
MIN_STRENGTH = 3  # zxcvbn's score, 0-4: 3 is "safely unguessable" (about 10^10 guesses)
MIN_OWN_WORD_CHARS = 3  # shorter pieces of an email or name are not taken out of a password

# Letters and digits that cannot be mistaken for each other when read off an email (no 0/O, 1/l/I).
TEMP_ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
TEMP_GROUPS = 4
TEMP_GROUP_SIZE = 4  # 16 characters from 55: about 92 bits


def bcrypt_cost() -> int:
    """The bcrypt cost for new hashes: CUSTDESK_BCRYPT_COST, else 12."""
    return env_int(BCRYPT_COST_ENV, DEFAULT_BCRYPT_COST, MIN_BCRYPT_COST, MAX_BCRYPT_COST)


def temporary_password() -> str:
    """A strong random temporary password, easy to copy: four groups of four, e.g. `aB3d-…`."""
    groups = (
        "".join(secrets.choice(TEMP_ALPHABET) for _ in range(TEMP_GROUP_SIZE))
        for _ in range(TEMP_GROUPS)
    )
    return "-".join(groups)


def _encoded(password: str) -> bytes:
    """The bytes bcrypt sees: the password in Unicode NFC, so é typed either way matches."""
    return unicodedata.normalize("NFC", password).encode("utf-8")


def password_problem(
    password: str, *, email: str = "", temporary: str = "", names: Iterable[str] = ()
) -> str | None:
    """Why a new password cannot be used, in a sentence or two; None when it can. `names` are
    the customer's names: a password built from them or the email is refused."""
    size = len(_encoded(password))
    if len(password) < MIN_PASSWORD_CHARS:
        return (
            f"The new password is too short: it needs at least {MIN_PASSWORD_CHARS} "
            f"characters (it has {len(password)})."
        )
    if size > MAX_PASSWORD_BYTES:
        return (
            f"The new password is too long: at most {MAX_PASSWORD_BYTES} bytes in UTF-8 "
            f"(it has {size}; accented letters and symbols take 2 to 4 bytes each)."
        )
    if any(unicodedata.category(char) == "Cc" for char in password):
        return "The new password contains a control character (such as a tab or NUL); leave it out."
    if not password.strip():
        return "The new password cannot be only spaces."
    if email and password.casefold() == email.casefold():
        return "The new password cannot be your email address."
    if temporary and password == temporary:
        return "The new password must differ from the temporary password."
    return _strength_problem(password, _own_words(email, names))


def _own_words(email: str, names: Iterable[str]) -> list[str]:
    """The customer's email and names, whole and in pieces (not the email's top-level domain),
    casefolded, longest first, for zxcvbn's `user_inputs` and the built-from check."""
    local, _, domain = email.casefold().strip().rpartition("@")
    sources = [email.casefold().strip(), local, *domain.split(".")[:-1]]
    sources += [name.casefold().strip() for name in names]
    words = set(sources) | {piece for text in sources[1:] for piece in re.split(r"[\W_]+", text)}
    return sorted((w for w in words if len(w) >= MIN_OWN_WORD_CHARS), key=len, reverse=True)


def _advice(result: dict) -> str:
    """zxcvbn's warning and suggestions as sentences."""
    feedback = result["feedback"]
    parts = [feedback["warning"], *feedback["suggestions"]]
    return " ".join(part if part.endswith(".") else f"{part}." for part in parts if part)


def _strength_problem(password: str, own_words: list[str]) -> str | None:
    """Why a password is too easy to guess (zxcvbn, offline), with zxcvbn's advice; None when
    it is strong enough, even with the customer's email and name taken out of it."""
    from zxcvbn import zxcvbn  # imported here: only setting a password needs it

    result = zxcvbn(password, user_inputs=own_words)
    if result["score"] < MIN_STRENGTH:
        advice = _advice(result) or "Add another word or two. Uncommon words are better."
        return f"The new password is too easy to guess ({result['score']} of 4). {advice}"
    rest = password.casefold()
    for word in own_words:
        rest = rest.replace(word, " ")
    if rest != password.casefold() and zxcvbn(rest)["score"] < MIN_STRENGTH:
        return (
            "The new password is built from your email address or name: without them it "
            "would be easy to guess. Add another word or two that have nothing to do with "
            "you."
        )
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


def hash_cost(stored_hash: str) -> int | None:
    """The cost a stored bcrypt hash was made at; None for an empty or malformed hash."""
    match = re.fullmatch(r"\$2[abxy]?\$(\d\d)\$.{53}", stored_hash or "")
    return int(match.group(1)) if match else None


def spend_equal_time(password: str, cost: int | None = None) -> None:
    """Do the work of one password check at the given cost (the current one by default), to
    answer in the usual time."""
    bcrypt.hashpw(
        _encoded(password)[:MAX_PASSWORD_BYTES], bcrypt.gensalt(rounds=cost or bcrypt_cost())
    )


class EqualTime:
    """Makes a refusal take as long as one password check at `cost`: `spend` does that work on
    a dummy hash (no stored hash exists, or it must not be looked at); `check` checks a stored
    hash and, when it is cheaper and the password wrong, waits out the difference (bcrypt's
    time doubles with each step of cost)."""

    def __init__(self, cost: int):
        self.cost = cost

    def spend(self, password: str) -> None:
        """One check's work at the cost, with nothing to compare."""
        spend_equal_time(password, self.cost)

    def check(self, password: str, stored_hash: str) -> bool:
        """Whether the password matches the stored hash; a refusal takes the cost's time."""
        cost = hash_cost(stored_hash)
        if cost is None:  # empty or malformed: nothing to check, the time of one check all the same
            self.spend(password)
            return False
        started = time.perf_counter()
        if verify_password(password, stored_hash):
            return True
        if cost < self.cost:
            time.sleep((time.perf_counter() - started) * (2 ** (self.cost - cost) - 1))
        return False
