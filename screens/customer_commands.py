"""Command palette (ctrl+p) commands: jump to a customer by code or name, and run any action
of the current screen (Textual's own system commands list only the app-wide ones)."""

from functools import partial
from typing import cast

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content

from models.fields import CUSTOMER_FIELDS
from models.search.query import CustomerResults, CustomerRow, ListQuery
from screens.db_work import Done, WorkerGroup, fetch_db
from screens.desk_app import desk_app
from screens.error_report import report_failure
from screens.help_screen import ScreenKey, screen_keys
from screens.role_gate import RoleGated
from screens.widgets.safe_text import safe

MAX_CUSTOMERS = 10
MIN_QUERY_CHARS = 2


def find_customers(text: str) -> list[CustomerRow]:
    """The first customers the list would show for `text` (runs in a worker thread)."""
    return CustomerResults(ListQuery(text)).first(MAX_CUSTOMERS)


def customer_label(row: CustomerRow) -> str:
    """One line naming a customer: code, business name and contact, made safe for display."""
    parts = [part for part in (row.business_name, row.contact_name) if part]
    return safe(f"{row.code}  {' · '.join(parts) or '(no name)'}")


class CustomerCommands(Provider):
    """Customers whose code, name, email, city or telephone match what is typed."""

    async def search(self, query: str) -> Hits:
        """Up to ten customers, in the list's order, each opening its detail screen."""
        text = query.strip()
        if len(text) < MIN_QUERY_CHARS:
            return
        # the palette pulls hits from this generator: the one place that awaits an outcome
        outcome = await fetch_db(
            self.app, partial(find_customers, text), group=WorkerGroup.PALETTE_SEARCH
        )
        if not isinstance(outcome, Done):
            report_failure(self.app, "Could not search the customers", outcome.error)
            return
        for rank, row in enumerate(outcome.value):
            label = customer_label(row)
            yield Hit(
                1.0 - rank / 100,
                Content(f"Open {label}"),
                partial(self._open, row.id),
                text=f"Open {label}",
                help="Customer",
            )

    def _open(self, customer_id: int) -> None:
        from screens.customer_detail import CustomerDetailScreen

        self.app.push_screen(CustomerDetailScreen(customer_id))


class FieldCommands(Provider):
    """On a customer's detail screen: go to any field by its label ("postal" finds both)."""

    async def search(self, query: str) -> Hits:
        """The fields whose label matches what is typed, each focusing that field."""
        screen = self.screen
        if not hasattr(screen, "focus_field"):
            return
        matcher = self.matcher(query)
        for spec in CUSTOMER_FIELDS:
            text = f"Go to {spec.label}"
            score = matcher.match(text)
            if score > 0:
                yield Hit(
                    score,
                    matcher.highlight(text),
                    partial(screen.focus_field, spec.name),
                    text=text,
                    help="Field",
                )


class ScreenCommands(Provider):
    """Every described key of the screen the palette was opened on, as a command (the app-wide
    ones are Textual's own system commands)."""

    def _commands(self) -> list[ScreenKey]:
        return [key for key in screen_keys(self.screen) if key.node is not self.app]

    def _run(self, key: ScreenKey) -> None:
        if key.refusal:  # models/ refuses it again, audits the attempt and says why
            gated = cast(RoleGated, key.node)  # only a RoleGated node has a refusal
            desk_app(self.app).attempt(gated.ACTION_PERMISSIONS[key.action])
            return
        self.app.call_later(self.app.run_action, key.action, key.node)

    @staticmethod
    def _help(key: ScreenKey) -> str:
        return f"Unavailable: {key.refusal}" if key.refusal else f"Key: {key.keys}"

    async def discover(self) -> Hits:
        """The screen's actions, as listed in its help."""
        for key in self._commands():
            yield DiscoveryHit(
                Content(key.description),
                partial(self._run, key),
                text=key.description,
                help=self._help(key),
            )

    async def search(self, query: str) -> Hits:
        """The screen's actions whose description matches what is typed."""
        matcher = self.matcher(query)
        for key in self._commands():
            score = matcher.match(key.description)
            if score > 0:
                yield Hit(
                    score,
                    matcher.highlight(key.description),
                    partial(self._run, key),
                    text=key.description,
                    help=self._help(key),
                )
