"""Where custdesk keeps its data and how it is configured: defaults, environment, flags.

Nothing here imports models/ at import time: the app paints its first frame before the models
(and Peewee) load.
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from platformdirs import user_config_dir, user_data_dir

if TYPE_CHECKING:
    from models.staff.session import StaffSession

APP_NAME = "custdesk"
DEMO_SIZE = 1000  # customers added to the demo database the first time it is opened


def data_dir() -> Path:
    """The user data folder: the default database, the default Maildir and the error log."""
    return Path(os.environ.get("CUSTDESK_DATA_DIR") or user_data_dir(APP_NAME))


def config_dir() -> Path:
    """The user config folder: remembered preferences such as the theme."""
    return Path(os.environ.get("CUSTDESK_CONFIG_DIR") or user_config_dir(APP_NAME))


def default_db_url(demo: bool = False) -> str:
    """The SQLite file in the user data folder (a separate one for the demo)."""
    return f"sqlite:///{data_dir() / ('demo.db' if demo else 'custdesk.db')}"


def default_mail_url() -> str:
    """A Maildir in the user data folder, so mail works on a fresh machine."""
    return f"maildir:{data_dir() / 'mail'}"


def _nobody() -> StaffSession:
    """No one at the desk yet."""
    from models.staff.session import StaffSession

    return StaffSession("")


@dataclass(frozen=True)
class Settings:
    """Everything custdesk was told at start: database, mail, portal and who is at the desk."""

    db_url: str
    mail_url: str
    mail_from: str
    portal_url: str
    demo: bool = False
    staff: StaffSession = field(default_factory=_nobody)  # set once it is open
    role: str = ""  # their role when custdesk started; models/ checks the current one each time


def resolve_settings(db: str | None, mail: str | None, demo: bool) -> Settings:
    """Settings from the flags, else the environment, else the defaults."""
    return Settings(
        db_url=db
        or (default_db_url(True) if demo else os.environ.get("CUSTDESK_DB") or default_db_url()),
        mail_url=mail or os.environ.get("CUSTDESK_MAIL_URL") or default_mail_url(),
        mail_from=os.environ.get("CUSTDESK_MAIL_FROM") or "custdesk <no-reply@localhost>",
        portal_url=os.environ.get("CUSTDESK_PORTAL_URL", ""),
        demo=demo,
    )


def at_the_desk(settings: Settings) -> Settings:
    """The settings with who is at the desk and their role, read from the open database;
    NotStaff when that login is not on the staff list."""
    from models.staff.permissions import require_staff
    from models.staff.session import identify

    staff = identify()
    return dataclasses.replace(settings, staff=staff, role=require_staff(staff.login))
