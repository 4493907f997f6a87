"""Who is at the desk: an identity nobody can type in, and where the action came from.

On SQLite the staff member is the login name of the process's real user id, read from the
password database; on PostgreSQL it is the role the server authenticated (`session_user`).
Environment variables such as USER or LOGNAME are never consulted.
"""

import os
import pwd
import socket
from dataclasses import dataclass, field

from models.store.db import database, is_sqlite


@dataclass(frozen=True)
class Origin:
    """Where an action came from: the SSH client's address, the terminal and the host."""

    client_address: str = ""
    terminal: str = ""
    host: str = ""

    def describe(self) -> str:
        """The origin in a few words, for people ("from 10.0.0.5 on pts/3 at desk1")."""
        parts = []
        if self.client_address:
            parts.append(f"from {self.client_address}")
        if self.terminal:
            parts.append(f"on {self.terminal}")
        if self.host:
            parts.append(f"at {self.host}")
        return " ".join(parts) or "from an unknown place"


@dataclass(frozen=True)
class StaffSession:
    """The staff member at this desk and where they work from; passed to every operation."""

    login: str
    origin: Origin = field(default_factory=Origin)


def process_login() -> str:
    """The login name of this process's real user id, from the password database."""
    uid = os.getuid()
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:  # a uid with no entry in the password database
        return f"uid-{uid}"


def connection_login() -> str:
    """Who the open database says we are: the authenticated role on PostgreSQL, else the
    process's login."""
    if is_sqlite():
        return process_login()
    return database.execute_sql("SELECT session_user").fetchone()[0]


def _terminal() -> str:
    """The controlling terminal's name without /dev/, or "" when there is none."""
    for fd in (0, 1, 2):
        try:
            return os.ttyname(fd).removeprefix("/dev/")
        except OSError:
            continue
    return ""


def process_origin() -> Origin:
    """Where this process runs from: the SSH client address (if over SSH), terminal and host."""
    ssh = os.environ.get("SSH_CONNECTION") or os.environ.get("SSH_CLIENT") or ""
    return Origin(
        client_address=ssh.split(" ", 1)[0][:64],
        terminal=_terminal()[:64],
        host=socket.gethostname()[:64],
    )


def identify() -> StaffSession:
    """The staff member this process acts for, read from the operating system or the server;
    call with the database open."""
    return StaffSession(connection_login(), process_origin())
