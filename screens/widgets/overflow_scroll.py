"""A scrolling box for dialogs: a tab stop only while it holds more than it shows."""

from textual.containers import VerticalScroll
from textual.message import Message

from screens.widgets.keep_running import KeepRunning


class OverflowScroll(KeepRunning, VerticalScroll):
    """A scrolling box that is a stop for tab only while it holds more than it shows; it says
    when that changes, so its screen can name the keys that scroll it."""

    class Overflow(Message):
        """The box started, or stopped, holding more than it shows."""

        def __init__(self, scroll: "OverflowScroll", overflows: bool):
            super().__init__()
            self.scroll = scroll
            self.overflows = overflows

        @property
        def control(self) -> "OverflowScroll":
            """The box that changed."""
            return self.scroll

    def allow_focus(self) -> bool:
        """Only a box with something to scroll takes the focus."""
        return self.show_vertical_scrollbar and super().allow_focus()

    def watch_show_vertical_scrollbar(self, shown: bool) -> None:
        """Tell the screen whether there is more to see."""
        self.post_message(self.Overflow(self, shown))
