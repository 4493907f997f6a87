"""Who is at the desk: the operating-system login name of whoever runs custdesk."""

import getpass
import os


def current_staff() -> str:
    """The login name recorded with every change and action."""
    try:
        return getpass.getuser()
    except OSError:  # no login name in the environment or the password database
        return f"uid-{os.getuid()}"
