"""The base of every modal dialog: the shared frame, styled in styles/dialogs.tcss, and escape.

The frame is a box (class `dialog`) over the screen underneath: a title and what belongs with it
docked at the top (`dialog-top`, `dialog-title`), a body that scrolls between them
(`dialog-body`), and the buttons and the keys docked at the bottom (`dialog-bottom`,
`dialog-buttons`, `dialog-keys`). A dialog either builds it from the hooks below (`PREFIX`
names the parts' ids: `<PREFIX>-dialog`, `<PREFIX>-title`, …) or composes its own with these
classes. A state is a class on the dialog (`-running`, `-error`, …), never a style set in Python.
"""

from typing import ClassVar, TypeVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from screens.widgets.keep_running import KeepRunning
from screens.widgets.overflow_scroll import OverflowScroll

ResultType = TypeVar("ResultType")


class Dialog(KeepRunning, ModalScreen[ResultType]):
    """A modal dialog in the shared frame; escape cancels it (dismissed with None) unless a
    subclass binds escape to its own answer."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Close"),
    ]
    PREFIX: ClassVar[str] = "dialog"
    TITLE_TEXT: ClassVar[str] = ""
    KEYS_TEXT: ClassVar[str] = ""
    SCROLL_KEYS_TEXT: ClassVar[str] = ""  # added to the keys while the body does not fit

    def compose(self) -> ComposeResult:
        """The frame: title and top part, the body, then the buttons and the keys."""
        with Vertical(id=self.part_id("dialog"), classes="dialog"):
            with Vertical(id=self.part_id("top"), classes="dialog-top"):
                yield Label(
                    Content(self.TITLE_TEXT), id=self.part_id("title"), classes="dialog-title"
                )
                yield from self.compose_top()
            yield from self.compose_body()
            with Vertical(id=self.part_id("bottom"), classes="dialog-bottom"):
                yield from self.compose_choices()
                with Horizontal(id=self.part_id("buttons"), classes="dialog-buttons"):
                    yield from self.compose_buttons()
                yield Static(
                    Content(self.KEYS_TEXT), id=self.part_id("keys"), classes="dialog-keys"
                )

    def part_id(self, part: str) -> str:
        """The id of one part of the frame: `<PREFIX>-<part>`."""
        return f"{self.PREFIX}-{part}"

    def compose_top(self) -> ComposeResult:
        """Widgets under the title, at the top."""
        yield from ()

    def compose_body(self) -> ComposeResult:
        """The part between top and bottom (an OverflowScroll of class `dialog-body`)."""
        yield from ()

    def compose_choices(self) -> ComposeResult:
        """Widgets at the bottom, above the buttons."""
        yield from ()

    def compose_buttons(self) -> ComposeResult:
        """The buttons."""
        yield from ()

    def on_overflow_scroll_overflow(self, event: OverflowScroll.Overflow) -> None:
        """Name the keys that scroll the body while it does not fit (dialogs built from the
        hooks above; the others name their own)."""
        if not self.SCROLL_KEYS_TEXT:
            return
        keys = self.KEYS_TEXT + (f"\n{self.SCROLL_KEYS_TEXT}" if event.overflows else "")
        self.query_one(f"#{self.part_id('keys')}", Static).update(Content(keys))

    def action_scroll_body(self, down: bool) -> None:
        """Scroll the body a page, wherever the focus is."""
        for body in self.query(".dialog-body").results(OverflowScroll):
            if down:
                body.scroll_page_down()
            else:
                body.scroll_page_up()

    def action_cancel(self) -> None:
        """Escape: close, answering nothing."""
        self.dismiss(None)
