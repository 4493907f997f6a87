"""Keep a bracketed paste a paste: an ESC inside it must never turn the rest into keystrokes.

Textual 8.2.8's XTermParser reads an ESC inside a bracketed paste as the start of an escape
sequence and sends what follows it as key presses (a pasted ctrl+o opens the Actions menu);
only the text before the ESC arrives as the paste (docs/notes/paste-escape.md). custdesk's
driver puts a fence in front of that parser: inside a paste each ESC reaches the parser as a
stand-in character, which is turned back into ESC in the paste event, so the pasted text arrives
whole, as one paste, and the text boxes then clean it (models.text.pasted).
"""

import os
import selectors
from codecs import getincrementaldecoder
from collections.abc import Iterable

from textual import events
from textual._loop import loop_last
from textual._parser import ParseError
from textual._xterm_parser import XTermParser
from textual.drivers.linux_driver import LinuxDriver
from textual.message import Message

from screens.error_report import LOGGER

ESC = "\x1b"
PASTE_START = "\x1b[200~"
PASTE_END = "\x1b[201~"
STAND_IN = "\uffff"  # a noncharacter: no clerk types or pastes it in earnest


def _partial_end(text: str) -> int:
    """How many characters at the end of `text` could be the start of PASTE_END."""
    for length in range(min(len(PASTE_END) - 1, len(text)), 0, -1):
        if text.endswith(PASTE_END[:length]):
            return length
    return 0


class PasteFence:
    """Rewrites terminal input so that each ESC inside a bracketed paste becomes STAND_IN; the
    paste markers and everything outside a paste pass unchanged. Input may be cut anywhere:
    a piece that may begin the end marker is held back until the next input."""

    def __init__(self):
        self._in_paste = False
        self._recent = ""  # outside a paste: the last few characters (a start marker may be cut)
        self._held = ""  # inside a paste: what may be the start of the end marker

    def feed(self, data: str) -> str:
        """The input as the parser should see it."""
        text, self._held = self._held + data, ""
        out = []
        position = 0
        while position < len(text):
            if not self._in_paste:
                window = self._recent + text[position:]
                found = window.find(PASTE_START)
                if found < 0:
                    out.append(text[position:])
                    self._recent = window[-(len(PASTE_START) - 1) :]
                    break
                after = position + found + len(PASTE_START) - len(self._recent)
                out.append(text[position:after])
                position, self._in_paste, self._recent = after, True, ""
            else:
                found = text.find(PASTE_END, position)
                if found < 0:
                    body = text[position:]
                    kept = len(body) - _partial_end(body)
                    out.append(body[:kept].replace(ESC, STAND_IN))
                    self._held = body[kept:]
                    break
                out.append(text[position:found].replace(ESC, STAND_IN) + PASTE_END)
                position, self._in_paste = found + len(PASTE_END), False
        return "".join(out)


class PasteFencedParser(XTermParser):
    """Textual's terminal input parser behind a PasteFence: a paste arrives whole, ESC and all."""

    def __init__(self, debug: bool = False):
        super().__init__(debug)
        self._fence = PasteFence()

    def feed(self, data: str) -> Iterable[Message]:
        """Parse input (empty: the end of input), each paste as one Paste event."""
        fenced = self._fence.feed(data) if data else data
        if data and not fenced:
            return  # all held back by the fence: nothing for the parser yet
        for event in super().feed(fenced):
            if isinstance(event, events.Paste) and STAND_IN in event.text:
                event = events.Paste(event.text.replace(STAND_IN, ESC))
            yield event


class PasteFencedDriver(LinuxDriver):
    """Textual's Linux/macOS driver, reading input through PasteFencedParser."""

    def run_input_thread(self) -> None:
        """Wait for input and dispatch events: LinuxDriver.run_input_thread of Textual 8.2.8
        (pinned exactly), with the parser fenced."""
        selector = selectors.SelectSelector()
        selector.register(self.fileno, selectors.EVENT_READ)
        parser = PasteFencedParser(self._debug)
        decode = getincrementaldecoder("utf-8")().decode

        def process_selector_events(selector_events: list, final: bool = False) -> None:
            for last, (_selector_key, mask) in loop_last(selector_events):
                if mask & selectors.EVENT_READ:
                    unicode_data = decode(os.read(self.fileno, 1024 * 4), final=final and last)
                    if not unicode_data:
                        break  # stdin is piped
                    for event in parser.feed(unicode_data):
                        self.process_message(event)
            for event in parser.tick():
                self.process_message(event)

        try:
            while not self.exit_event.is_set():
                process_selector_events(selector.select(0.1))
            selector.unregister(self.fileno)
            process_selector_events(selector.select(0.1), final=True)
        finally:
            selector.close()
            try:
                for _event in parser.feed(""):
                    pass
            except (EOFError, ParseError) as ended:
                LOGGER.debug("Terminal input ended: %s", ended)
