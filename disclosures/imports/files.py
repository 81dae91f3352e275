"""Reading log files, CSV or Excel (.xlsx), a row at a time, and writing the rows an
import refused to a CSV that can be corrected and imported again.

A file is read as many times as the import needs (``LogFile.rows``), never held whole in
memory: a CSV of any size is read with flat memory. (An .xlsx workbook's shared strings
are read into memory by openpyxl, so a very large log is best saved as CSV.)
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any, BinaryIO

from disclosures import safety

# The heading row is looked for among the first rows: logs exported from web pages often
# have a title row or two above it.
HEADING_SEARCH_ROWS = 20
# A cell longer than this is surely not a log's: the CSV is misread (an unclosed quote).
MAX_CELL = 16 * 1024 * 1024
# Bytes read at a time when checking a file's encoding.
BLOCK = 1024 * 1024


class LogFileError(ValueError):
    """The file as a whole cannot be imported: unreadable, or a required column missing."""


@dataclass(frozen=True)
class LogRow:
    """One row of the file: its number as a spreadsheet shows it, and its cells in the
    order of the headings (at least as many as there are headings: a cell beyond the last
    heading is kept too)."""

    number: int
    cells: tuple[Any, ...]


def cell_text(value: Any) -> str:
    """A cell as text: numbers without a spurious ``.0``, dates as ISO, line endings as
    ``\\n``, trimmed."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime) and value.time() == dt.time(0):
        return value.date().isoformat()
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return str(value).replace("\r\n", "\n").replace("\r", "\n").strip()


# Progress while reading: (bytes or rows read, all of them or 0 when not known).
Progress = Callable[[int, int], None]


@dataclass
class LogFile:
    """A log file, its heading row found, whose rows can be read again and again.

    ``headings`` are the heading row's cells as text, each made unique (a heading written
    twice gets its column number), and blank ones named "Column N".
    """

    filename: str
    headings: list[str]
    heading_row: int
    sheet: str | None
    size: int
    _rows: Callable[[Progress | None], Iterator[tuple[int, Sequence[Any]]]] = field(repr=False)

    def rows(self, progress: Progress | None = None) -> Iterator[LogRow]:
        """The rows below the headings that hold anything, from the top of the file."""
        width = len(self.headings)
        for number, cells in self._rows(progress):
            if number <= self.heading_row or not any(cell_text(c) for c in cells):
                continue
            yield LogRow(number, tuple(cells) + (None,) * (width - len(cells)))

    def named_cells(self, row: LogRow) -> list[tuple[str, str]]:
        """The cells of ``row`` that hold anything, as (heading, text): every column, the
        imported ones and the others."""
        return [
            (self.headings[i] if i < len(self.headings) else column_name(i + 1), text)
            for i, cell in enumerate(row.cells)
            if (text := cell_text(cell))
        ]


Source = bytes | str | Path


def read_log(
    source: Source,
    filename: str | None = None,
    *,
    sheet: str | None = None,
    is_heading: Callable[[str], bool] = lambda heading: False,
) -> LogFile:
    """Open a CSV or XLSX disclosure log, from its bytes or its path, and find its
    heading row: the first of the top rows with at least three cells ``is_heading``
    accepts (else the first row).

    CSV may be UTF-8 (with or without a byte order mark) or Windows-1252, separated by
    commas, semicolons, tabs or bars. For XLSX the first visible sheet is read unless
    ``sheet`` names another. Row numbers are those a spreadsheet program shows.

    Raises ``LogFileError`` when the file cannot be read.
    """
    path = None if isinstance(source, bytes) else Path(source)
    filename = filename or (path.name if path else "log")

    def open_binary() -> BinaryIO:
        return io.BytesIO(source) if path is None else path.open("rb")

    try:
        with open_binary() as file:
            start = file.read(8)
            size = file.seek(0, io.SEEK_END)
    except OSError as error:
        raise LogFileError(f"Cannot read {filename}: {error.strerror or error}") from None
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if size == 0:
        raise LogFileError("The file is empty.")
    if start.startswith(b"PK\x03\x04") or extension in ("xlsx", "xlsm"):
        rows, sheet = _xlsx_rows(open_binary, sheet)
    elif extension == "xls" or start.startswith(b"\xd0\xcf\x11\xe0"):
        raise LogFileError(
            "Old Excel files (.xls) cannot be read: save the log as .xlsx or CSV and try again."
        )
    else:
        if sheet:
            raise LogFileError("A sheet can only be chosen in an Excel (.xlsx) file.")
        rows = _csv_rows(open_binary, size, is_heading)
    heading_row, headings = _headings(rows, is_heading)
    return LogFile(filename, headings, heading_row, sheet, size, rows)


def _headings(
    rows: Callable[[Progress | None], Iterator[tuple[int, Sequence[Any]]]],
    is_heading: Callable[[str], bool],
) -> tuple[int, list[str]]:
    reading = rows(None)
    try:
        top = list(
            islice(
                ((n, c) for n, c in reading if any(cell_text(v) for v in c)), HEADING_SEARCH_ROWS
            )
        )
    finally:
        reading.close()
    if not top:
        raise LogFileError("The file holds no rows.")
    number, cells = next(
        ((n, c) for n, c in top if sum(is_heading(cell_text(v)) for v in c) >= 3), top[0]
    )
    cells = list(cells)
    while cells and not cell_text(cells[-1]):  # blank cells after the last heading
        cells.pop()
    headings: list[str] = []
    for position, cell in enumerate(cells, 1):
        heading = cell_text(cell).replace("\n", " ") or column_name(position)
        # A heading written twice would otherwise hide one column's values.
        while heading in headings:
            heading = f"{heading} ({position})"
        headings.append(heading)
    return number, headings


def column_name(position: int) -> str:
    """The name of a column without a heading: "Column 7"."""
    return f"Column {position}"


# CSV -------------------------------------------------------------------------------------


def _encoding(open_binary: Callable[[], BinaryIO]) -> str:
    """UTF-8 when the whole file decodes so, else Windows-1252 (Excel on Windows saves
    "CSV" in the system code page). Read a block at a time."""
    for encoding in ("utf-8-sig", "cp1252"):
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            with open_binary() as file:
                while block := file.read(BLOCK):
                    if b"\x00" in block:
                        raise LogFileError(
                            "The file is not a CSV or XLSX file (it contains NUL bytes)."
                        )
                    decoder.decode(block)
                decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        return encoding
    raise LogFileError(
        "The file is neither UTF-8 nor Windows-1252 text: save it as CSV UTF-8 and try again."
    )


def _sniff_delimiter(sample: str, is_heading: Callable[[str], bool]) -> str:
    """The delimiter under which the top rows hold the most known headings, then the
    most columns.

    csv.Sniffer guesses from character frequencies and is easily misled by semicolons or
    commas in request text; matching headings is what the import needs anyway.
    """
    best, best_score = ",", (-1, -1)
    for delimiter in (",", ";", "\t", "|"):
        try:
            records = list(islice(csv.reader(io.StringIO(sample), delimiter=delimiter), 20))
        except csv.Error:
            continue
        known = max((sum(is_heading(c.strip()) for c in r) for r in records), default=0)
        widest = max((len(record) for record in records), default=0)
        if (known, widest) > best_score:
            best, best_score = delimiter, (known, widest)
    return best


class _Counted(io.RawIOBase):
    """A binary file that counts the bytes read from it, for progress."""

    def __init__(self, file: BinaryIO) -> None:
        self.file, self.done = file, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        count = self.file.readinto(buffer)
        self.done += count or 0
        return count

    def close(self) -> None:
        self.file.close()
        super().close()


@contextmanager
def _larger_cells() -> Iterator[None]:
    # The csv module refuses cells over 128 kB; a long response can be longer.
    before = csv.field_size_limit(MAX_CELL)
    try:
        yield
    finally:
        csv.field_size_limit(before)


def _csv_rows(
    open_binary: Callable[[], BinaryIO], size: int, is_heading: Callable[[str], bool]
) -> Callable[[Progress | None], Iterator[tuple[int, list[str]]]]:
    encoding = _encoding(open_binary)
    with open_binary() as file:
        sample = file.read(65536).decode(encoding, errors="ignore")
    delimiter = _sniff_delimiter(sample, is_heading)

    def rows(progress: Progress | None) -> Iterator[tuple[int, list[str]]]:
        counted = _Counted(open_binary())
        text = io.TextIOWrapper(io.BufferedReader(counted), encoding=encoding, newline="")
        number = 0
        with text, _larger_cells():
            try:
                # A record's number is the row a spreadsheet shows it on, even when a
                # quoted cell spans several lines of the file.
                for number, record in enumerate(csv.reader(text, delimiter=delimiter), 1):
                    if progress and number % 1000 == 0:
                        progress(counted.done, size)
                    yield number, record
            except csv.Error as error:
                raise LogFileError(
                    f"The CSV file cannot be read after row {number}: {error}."
                ) from None
        if progress:
            progress(size, size)

    return rows


# XLSX ------------------------------------------------------------------------------------


def _xlsx_rows(
    open_binary: Callable[[], BinaryIO], sheet: str | None
) -> tuple[Callable[[Progress | None], Iterator[tuple[int, tuple]]], str]:
    import openpyxl  # imported here: only XLSX imports need it

    @contextmanager
    def worksheet() -> Iterator[Any]:
        file = open_binary()
        try:
            # The guard of the document checks first: a few kilobytes that expand to a
            # gigabyte are refused before openpyxl unpacks anything.
            safety.open_zip(file)
            file.seek(0)
            workbook = openpyxl.load_workbook(file, read_only=True, data_only=True)
        except safety.UnsafeDocumentError as error:
            file.close()
            raise LogFileError(f"The workbook cannot be read safely: {error}.") from None
        except (zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
            file.close()
            raise LogFileError(f"The file is not a readable .xlsx workbook ({error}).") from None
        try:
            yield _sheet(workbook, sheet)
        finally:
            workbook.close()
            file.close()

    with worksheet() as chosen:
        title = chosen.title

    def rows(progress: Progress | None) -> Iterator[tuple[int, tuple]]:
        with worksheet() as chosen:
            # Some writers record wrong dimensions; read every row that is really there.
            chosen.reset_dimensions()
            for number, cells in enumerate(chosen.iter_rows(values_only=True), 1):
                if progress and number % 1000 == 0:
                    progress(number, 0)
                yield number, cells

    return rows, title


def _sheet(workbook: Any, sheet: str | None) -> Any:
    if sheet:
        if sheet not in workbook.sheetnames:
            raise LogFileError(
                f"The workbook has no sheet called {sheet!r}; its sheets are "
                + ", ".join(repr(name) for name in workbook.sheetnames)
                + "."
            )
        return workbook[sheet]
    visible = [ws for ws in workbook.worksheets if ws.sheet_state == "visible"]
    if not visible:
        raise LogFileError("The workbook has no visible sheet.")
    return visible[0]


# The rows refused ------------------------------------------------------------------------

# The column of the refused file that says why each row was refused. An import reads it
# as a column to ignore.
REFUSAL_HEADING = "Import error"


class RefusedRows:
    """A CSV of the rows an import refused, each as the file had it and with why: correct
    it and import it again. UTF-8 with a byte order mark, so that Excel reads it right;
    written as the import goes, opened only when a row is refused."""

    def __init__(self, path: Path, headings: Iterable[str]) -> None:
        self.path = path
        self.headings = [h for h in headings if h != REFUSAL_HEADING]
        self.count = 0
        self._file: io.TextIOWrapper | None = None
        self._writer: Any = None

    def add(self, row: LogRow, headings: Sequence[str], reasons: Iterable[str]) -> None:
        """Write ``row``, whose cells are under ``headings``, and why it was refused."""
        if self._file is None:
            self._file = self.path.open("w", encoding="utf-8-sig", newline="")
            self._writer = csv.writer(self._file)
            self._writer.writerow([*self.headings, REFUSAL_HEADING])
        cells = dict(zip(headings, row.cells, strict=False))
        reason = " ".join(reasons)
        self._writer.writerow([cell_text(cells.get(h)) for h in self.headings] + [reason])
        self.count += 1

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
