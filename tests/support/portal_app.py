"""The smallest app that runs the portal Actions menu for one customer, and the keys to it."""

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from screens.dialogs.actions_menu import ActionsMenu
from screens.dialogs.confirm import ConfirmDialog
from screens.portal_actions import PortalActionsScreen
from styles import APP_STYLESHEETS
from support.waiting import settle
from tui.mail_host import MailDeliveryHost
from tui.mail_worker import start_mail_delivery
from tui.settings import at_the_desk, resolve_settings


class CustomerScreen(PortalActionsScreen):
    """A stand-in for the list and detail screens: ctrl+o opens the Actions menu."""

    BINDINGS = [Binding("ctrl+o", "actions", "Actions")]  # noqa: RUF012

    def __init__(self, customer_id: int):
        super().__init__()
        self.customer_id = customer_id

    def compose(self) -> ComposeResult:
        """Something to look at."""
        yield Static("A customer", markup=False)

    def action_actions(self) -> None:
        """Open the menu for this customer, as the real screens do."""
        self.open_portal_actions(self.customer_id)


class PortalTestApp(MailDeliveryHost, App):
    """The smallest app that has settings, a screen with the Actions menu, and (when asked)
    background mail delivery."""

    CSS_PATH = APP_STYLESHEETS  # as the real app: every dialog's styles

    def __init__(self, settings, customer_id: int, deliver_in_background: bool = False):
        super().__init__()
        self.settings = settings
        self.customer_id = customer_id
        self.deliver_in_background = deliver_in_background

    def on_mount(self) -> None:
        """Show the customer; start mail delivery when asked."""
        self.push_screen(CustomerScreen(self.customer_id))
        if self.deliver_in_background:
            start_mail_delivery(self)


def app_for(db_url: str, customer_id: int, mail: str | None = None, **kwargs) -> PortalTestApp:
    """An app on the test database, with the default Maildir unless a mail URL is given."""
    return PortalTestApp(at_the_desk(resolve_settings(db_url, mail, False)), customer_id, **kwargs)


async def open_menu(pilot) -> ActionsMenu:
    """Press ctrl+o and wait for the menu."""
    await pilot.press("ctrl+o")
    await settle(pilot, lambda: isinstance(pilot.app.screen, ActionsMenu), quiet=False)
    return pilot.app.screen


async def choose(pilot, key: str) -> ConfirmDialog:
    """Open the menu, press an action's key and wait for its dialog."""
    await open_menu(pilot)
    await pilot.press(key)
    await settle(pilot, lambda: isinstance(pilot.app.screen, ConfirmDialog), quiet=False)
    return pilot.app.screen
