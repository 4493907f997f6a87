"""The custdesk Textual app: settings, the first screen, and app-wide keys."""

from textual.app import App

from screens.customer_list import CustomerListScreen
from styles import stylesheet
from tui.mail_worker import start_mail_delivery
from tui.settings import Settings


class CustdeskApp(App):
    """The full-screen desk app; it opens on the customer list."""

    TITLE = "custdesk"
    CSS_PATH = [stylesheet("app.tcss")]

    def __init__(self, settings: Settings):
        super().__init__()
        self.settings = settings

    def on_mount(self) -> None:
        """Show the customer list and start delivering the outbox in the background."""
        self.push_screen(CustomerListScreen())
        start_mail_delivery(self)
