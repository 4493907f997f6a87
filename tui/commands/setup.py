"""`custdesk setup`: create or upgrade the database, its roles and grants (the owner runs it)."""

import argparse

from models.store.db import display_url, is_sqlite
from models.store.upgrade import record_setup
from tui.settings import Settings


def run(args: argparse.Namespace, settings: Settings) -> int:
    """Audit the setup and say what it made ready (the work was done when the database was
    opened)."""
    record_setup(settings.staff)
    where = display_url(settings.db_url)
    if is_sqlite():
        print(
            f"{where} is ready; {settings.staff.login} may add staff with "
            "'custdesk staff add LOGIN --role ROLE'."
        )
    else:
        print(
            f"{where} is ready: schema up to date, group roles custdesk_administrator, "
            "custdesk_manager, custdesk_staff, custdesk_readonly and custdesk_portal granted "
            "their rights. Add each person with 'custdesk staff add LOGIN --role ROLE'."
        )
    return 0
