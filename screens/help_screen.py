"""The keys of the current screen, listed from its live bindings (`?` or F1)."""

from dataclasses import dataclass
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.dom import DOMNode
from textual.screen import Screen
from textual.widgets import Static

from screens.dialogs.dialog import Dialog
from screens.role_gate import RoleGated

SECTIONS = ["This screen", "Focused field", "Everywhere"]
CLEARER = {"command_palette": "Command palette: open a customer, run any action"}
EVERY_SCREEN_ACTIONS = {
    binding.action for binding in Screen.BINDINGS if isinstance(binding, Binding)
}  # tab, shift+tab, copy


@dataclass(frozen=True)
class ScreenKey:
    """One action offered on a screen: where it comes from, its keys, what it does."""

    section: str  # "This screen", "Focused field" or "Everywhere"
    keys: str
    description: str
    action: str
    node: DOMNode
    refusal: str = ""  # why the staff member's role may not use it, when it may not


def _role_refusal(node: DOMNode, action: str) -> str:
    return node.role_refusal(action) if isinstance(node, RoleGated) else ""


def screen_keys(screen: Screen) -> list[ScreenKey]:
    """Every described binding active on `screen` that is enabled or refused only for the staff
    member's role, one row per action with all its keys: the screen's own first, then the
    focused widget's, then the app-wide ones."""
    app = screen.app
    found: dict[tuple[int, str], tuple[str, list[str], str, DOMNode]] = {}
    for active in screen.active_bindings.values():
        binding = active.binding
        if not binding.description or not (
            active.enabled or _role_refusal(active.node, binding.action)
        ):
            continue
        section = _section(active.node, binding, screen)
        description = CLEARER.get(binding.action, binding.description)
        entry = found.setdefault(
            (id(active.node), binding.action), (section, [], description, active.node)
        )
        shown = app.get_key_display(binding)
        if shown not in entry[1]:
            entry[1].append(shown)
    rows = [
        ScreenKey(section, " / ".join(keys), description, action, node, _role_refusal(node, action))
        for (_node, action), (section, keys, description, node) in found.items()
    ]
    return sorted(rows, key=lambda row: SECTIONS.index(row.section))


def _section(node: DOMNode, binding: Binding, screen: Screen) -> str:
    if node is screen.app or (node is screen and binding.action in EVERY_SCREEN_ACTIONS):
        return "Everywhere"
    if node is screen:
        return "This screen"
    return "Focused field"


def keys_text(keys: list[ScreenKey]) -> Content:
    """The keys as lines of text: a bold heading per section, then one key a line."""
    width = max((len(key.keys) for key in keys), default=0)
    lines: list[Content] = []
    section = ""
    for key in keys:
        if key.section != section:
            if section:
                lines.append(Content(""))
            section = key.section
            lines.append(Content.styled(section, "bold"))
        line = Content.assemble(
            Content.styled(f"  {key.keys:<{width}}", "bold"), f"  {key.description}"
        )
        if key.refusal:
            line = Content.assemble(line, Content.styled(f" (unavailable: {key.refusal})", "dim"))
        lines.append(line)
    return Content("\n").join(lines)


class HelpScreen(Dialog[None]):
    """A list of the keys of the screen underneath; Escape, ? or q closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,question_mark,q,f1", "dismiss", "Close"),
    ]

    def __init__(self, title: str, keys: list[ScreenKey]):
        super().__init__()
        self._title = title
        self._keys = keys

    @classmethod
    def for_screen(cls, screen: Screen) -> "HelpScreen":
        """The help for `screen` (built before the help itself covers it)."""
        title = screen.title or screen.app.title or type(screen).__name__
        return cls(title, screen_keys(screen))

    def compose(self) -> ComposeResult:
        with Vertical(id="help", classes="dialog"):
            yield Static(
                Content(f"Keys: {self._title}"),
                id="help-title",
                classes="dialog-top dialog-title",
                markup=False,
            )
            with VerticalScroll(id="help-scroll"):
                yield Static(keys_text(self._keys), id="help-keys", markup=False)
            yield Static(
                Content("Escape, ? or q closes this list; arrows and PgUp/PgDn scroll it."),
                id="help-hint",
                classes="dialog-bottom dialog-keys",
                markup=False,
            )

    def on_mount(self) -> None:
        """Scroll the list with the keys."""
        self.query_one("#help-scroll").focus()
