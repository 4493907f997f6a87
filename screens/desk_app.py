"""What screens may ask of the custdesk app they run in, typed without importing tui/."""

from typing import Any, Protocol, cast

from textual.app import App

from models.staff.permissions import Permission
from models.staff.session import StaffSession


class DeskSettings(Protocol):
    """The settings screens read (tui/settings.py's Settings): who is at the desk and how."""

    @property
    def staff(self) -> StaffSession: ...

    @property
    def role(self) -> str: ...

    @property
    def mail_url(self) -> str: ...

    @property
    def mail_from(self) -> str: ...

    @property
    def portal_url(self) -> str: ...

    @property
    def demo(self) -> bool: ...


class DeskApp(Protocol):
    """The custdesk app (tui/app.py's CustdeskApp) as screens see it."""

    @property
    def settings(self) -> DeskSettings: ...

    def attempt(self, permission: Permission) -> None:
        """Ask models/ for something the role may not do: audited, refused, and shown."""


def desk_app(app: App[Any]) -> DeskApp:
    """The app a screen runs in, as the custdesk app it always is."""
    return cast(DeskApp, app)


def settings_of(app: App[Any]) -> DeskSettings:
    """The settings of the custdesk app a screen runs in."""
    return desk_app(app).settings
