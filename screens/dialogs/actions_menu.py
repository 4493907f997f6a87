"""The Actions menu of a customer's portal account: s / l / r, or arrows and Enter. An action
that does not apply shows why, and choosing it explains instead of doing nothing."""

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option

from models.portal.actions import ActionChoice, PortalSummary
from screens.dialogs.dialog import Dialog
from screens.widgets.safe_text import safe


def _prompt(choice: ActionChoice) -> Content:
    """One menu line: the key, the label and, when it does not apply, why."""
    if choice.available:
        return Content.from_markup("[b]$key[/b]  $label", key=choice.key, label=choice.label)
    return Content.from_markup(
        "[dim][b]$key[/b]  $label — $reason[/dim]",
        key=choice.key,
        label=choice.label,
        reason=choice.reason,
    )


def menu_title(summary: PortalSummary) -> Content:
    """Whose account the menu acts on: name and billing email."""
    return Content.from_markup(
        "Actions for [b]$name[/b] ($email)",
        name=safe(summary.name),
        email=safe(summary.email) or "no billing email",
    )


class ActionsMenu(Dialog[str | None]):
    """Pick a portal action for one customer; dismissed with the action, or None."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("s", "choose('send_activation')", "Send Activation Email"),
        Binding("l", "choose('lock')", "Lock Account"),
        Binding("r", "choose('reset_and_unlock')", "Reset Password and Unlock"),
        Binding("escape", "close", "Close"),
    ]

    def __init__(self, summary: PortalSummary):
        super().__init__()
        self.summary = summary

    def compose(self) -> ComposeResult:
        """Title, the account's state, the three actions and the explanation line."""
        with Vertical(id="actions-menu", classes="dialog"):
            yield Label(menu_title(self.summary), id="actions-title", classes="dialog-title")
            yield Static(
                Content.from_markup("Portal account: $state", state=safe(self.summary.status_text)),
                id="actions-status",
            )
            yield OptionList(
                *(Option(_prompt(c), id=c.action) for c in self.summary.actions), id="actions-list"
            )
            yield Static("", id="actions-explain", markup=False)
            yield Static(
                Content("s / l / r or arrows and Enter · Esc closes"),
                id="actions-keys",
                classes="dialog-keys",
            )

    def on_mount(self) -> None:
        """Start on the first action that applies."""
        options = self.query_one(OptionList)
        first = next((i for i, c in enumerate(self.summary.actions) if c.available), 0)
        options.highlighted = first
        options.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        """Enter (or a click) on an action chooses it."""
        event.stop()
        self.action_choose(event.option.id or "")

    def action_choose(self, action: str) -> None:
        """Close with an action that applies; for one that does not, say why and stay open."""
        choice = self.summary.choice(action)
        if choice.available:
            self.dismiss(action)
            return
        self.query_one("#actions-explain", Static).update(
            Content(f"{choice.label} is not available: {safe(choice.reason)}.")
        )
        self.app.bell()

    def action_close(self) -> None:
        """Close without choosing."""
        self.dismiss(None)
