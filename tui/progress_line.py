"""A plain-text progress bar on stderr for long command-line work, drawn only on a terminal."""

import sys
from typing import TextIO

BAR_WIDTH = 30
STAGE_LABELS = {
    "checking": "Checking rows",
    "importing": "Importing",
    "exporting": "Exporting",
    "demo": "Adding demo customers",
}
CLEAR_LINE = "\r\x1b[K"  # back to the line's start, then erase it (ANSI EL)


class ProgressLine:
    """Call it with (stage, done, total); it rewrites one stderr line with \\r as the work goes."""

    def __init__(self, stream: TextIO | None = None):
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty()
        self._shown: tuple[str, int] | None = None

    def __call__(self, stage: str, done: int, total: int) -> None:
        """Show how far a stage has got, redrawing only when the whole percentage changes."""
        if not self.enabled:
            return
        percent = min(100, done * 100 // total) if total else 100
        if self._shown == (stage, percent):
            return
        self._shown = (stage, percent)
        filled = percent * BAR_WIDTH // 100
        label = STAGE_LABELS.get(stage, stage)
        self.stream.write(
            f"\r{label:<14} [{'#' * filled}{'-' * (BAR_WIDTH - filled)}] {percent:3d}%"
        )
        self.stream.flush()

    def finish(self) -> None:
        """Clear the progress line, so what is printed next starts on a clean line."""
        if self.enabled and self._shown is not None:
            self.stream.write(CLEAR_LINE)
            self.stream.flush()
            self._shown = None
