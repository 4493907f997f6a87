"""Reading a CSV file defensively: UTF-8 only, bounded lines, one clear message per bad file."""

import codecs
import csv
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Self

MAX_LINE_BYTES = 64 * 1024  # a full customer row is a few KB; longer lines are not customer data
MAX_COLUMNS = 100  # a customer file has 29 columns; a file far wider is not customer data

_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
_SAVE_AS_UTF8 = 'save it as UTF-8 (in Excel: "CSV UTF-8")'


class UnreadableFile(Exception):
    """The file does not exist or cannot be opened or read; the message says which."""


class BadFile(Exception):
    """The file is not a CSV file custdesk can read; the one-line message says where and why."""


@dataclass(frozen=True)
class CsvRecord:
    """One record of the file: its cells and the line it is on."""

    line: int
    cells: list[str]

    @property
    def blank(self) -> bool:
        """True for a record with no text in any cell (an empty line)."""
        return not any(cell.strip() for cell in self.cells)


class CsvFileReader:
    """The records of a UTF-8 CSV file, read line by line in bounded memory."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        try:
            self._file = open(self.path, "rb")  # noqa: SIM115 - closed by close()/__exit__
            self.size = os.fstat(self._file.fileno()).st_size
        except OSError as error:
            raise UnreadableFile(f"Cannot read {self.path}: {error.strerror}.") from error
        self.bytes_read = 0
        self._line = 0
        self._lines_in_record = 0

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the file."""
        self._file.close()

    def records(self) -> Iterator[CsvRecord]:
        """Every record, the header first; raises BadFile at the first thing that is not CSV."""
        reader = csv.reader(self._text_lines(), strict=True)
        while True:
            self._lines_in_record = 0
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as error:
                raise BadFile(self._csv_error_message(error)) from None
            if len(cells) > MAX_COLUMNS:
                raise BadFile(_too_many_columns(self._line, len(cells)))
            yield CsvRecord(self._line, cells)

    def _text_lines(self) -> Iterator[str]:
        while True:
            if self._lines_in_record:  # the csv module wants more: a quoted field goes on
                raise BadFile(
                    f"Line {self._line}: a quoted field runs past the end of the line "
                    "(a stray quote, or a line break inside a field)."
                )
            raw = self._read_line()
            if not raw:
                return
            self._line += 1
            self._lines_in_record += 1
            yield self._decode(raw)

    def _read_line(self) -> bytes:
        try:
            raw = self._file.readline(MAX_LINE_BYTES + 1)
        except OSError as error:
            raise UnreadableFile(f"Cannot read {self.path}: {error.strerror}.") from error
        self.bytes_read += len(raw)
        if len(raw) > MAX_LINE_BYTES:
            columns = self._columns_of_long_line(raw)
            if columns > MAX_COLUMNS:
                raise BadFile(_too_many_columns(self._line + 1, columns))
            raise BadFile(
                f"Line {self._line + 1} is longer than {MAX_LINE_BYTES // 1024} KB "
                "(a field far too long for any customer field); nothing was read."
            )
        return raw

    def _columns_of_long_line(self, start: bytes) -> int:
        """How many columns a line over the limit has: the rest of it is read in bounded pieces,
        counting the commas outside quotes."""
        columns, quoted, piece = 1, False, start
        while piece:
            parts = piece.split(b'"')
            for position, part in enumerate(parts):
                if not quoted:
                    columns += part.count(b",")
                if position < len(parts) - 1:
                    quoted = not quoted
            if piece.endswith(b"\n"):
                break
            try:
                piece = self._file.readline(MAX_LINE_BYTES)
            except OSError as error:
                raise UnreadableFile(f"Cannot read {self.path}: {error.strerror}.") from error
        return columns

    def _decode(self, raw: bytes) -> str:
        if self._line == 1:
            if raw.startswith(_UTF16_BOMS):
                raise BadFile(f"The file is UTF-16, not UTF-8: {_SAVE_AS_UTF8}.")
            raw = raw.removeprefix(codecs.BOM_UTF8)
        if b"\0" in raw:
            raise BadFile(
                f"Line {self._line} contains NUL bytes: this is a binary file "
                "(or UTF-16), not a UTF-8 CSV file."
            )
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError as error:
            raise BadFile(
                f"The file is not UTF-8 at line {self._line} (byte "
                f"0x{raw[error.start]:02X}): {_SAVE_AS_UTF8}."
            ) from None

    def _csv_error_message(self, error: csv.Error) -> str:
        text = str(error)
        if "expected after" in text:
            return (
                f"Line {self._line}: stray quote: a field that starts with a quote must end "
                'with one, and a quote inside a quoted field is written twice ("").'
            )
        if "new-line character" in text:
            return (
                f"Line {self._line}: a carriage return inside an unquoted field; "
                "save the file with ordinary line endings."
            )
        return f"Line {self._line}: not valid CSV ({text})."


def _too_many_columns(line: int, columns: int) -> str:
    """The message for a record wider than MAX_COLUMNS."""
    return f"Line {line}: too many columns: {columns:,}, at most {MAX_COLUMNS:,}."
