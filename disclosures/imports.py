"""Reading a real disclosure log (CSV or XLSX) into disclosures.

Authorities keep their logs in spreadsheets whose headings, outcome wording, exemption
citations and date formats differ from one authority to the next. This module reads such a
file (``read_log``), checks every row against the log (``dry_run``) and writes it
(``import_log``) all-or-nothing: if any row has an error nothing is written.

An import is idempotent on the reference: a reference already in the log is updated in
place, and a row that would change nothing is reported as unchanged and not saved. The
admin's "Import a log" page and ``manage.py import_log`` are thin wrappers over this module.
"""

from __future__ import annotations

import copy
import csv
import datetime as dt
import enum
import io
import re
import secrets
import zipfile
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from itertools import islice
from typing import Any, BinaryIO
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.utils import timezone
from django.utils.text import slugify

from disclosures import safety
from disclosures.models import (
    Change,
    Disclosure,
    Exemption,
    Keyword,
    Outcome,
    validate_reference,
)

__all__ = [
    "MAX_FILE_SIZE",
    "MAX_ROWS",
    "Action",
    "ExemptionIndex",
    "ImportReport",
    "LogFile",
    "LogFileError",
    "LogRow",
    "RowResult",
    "discard_upload",
    "dry_run",
    "import_log",
    "keep_upload",
    "kept_upload",
    "parse_date",
    "parse_exemptions",
    "parse_keywords",
    "parse_outcome",
    "read_log",
]

# Limits that keep one upload from exhausting the server's memory.
MAX_FILE_SIZE = 100 * 1024 * 1024
MAX_ROWS = 100_000

Progress = Callable[[int, int], None]
# How often the progress callback is called, in rows.
PROGRESS_EVERY = 500
# References per query when fetching existing disclosures. Writing goes in batches of
# PROGRESS_EVERY rows.
CHUNK_SIZE = 1000

# Imported logs were already public: a new entry is published at 09:00 UK time on the day
# of its response, whatever the server's time zone.
PUBLISHED_AT_TIME = dt.time(9, 0)
UK = ZoneInfo("Europe/London")

# FOIA came into force on 1 January 2005; a year before 2000 is a typing error, not an
# old response.
EARLIEST_RESPONSE = dt.date(2000, 1, 1)


class LogFileError(ValueError):
    """The file as a whole cannot be imported: unreadable, or a required column missing."""


# Columns ---------------------------------------------------------------------------------

REFERENCE = "reference"
TITLE = "title"
REQUEST = "request_text"
OUTCOME = "outcome"
EXEMPTIONS = "exemptions"
RESPONSE_DATE = "response_date"
NARRATIVE = "response_narrative"
KEYWORDS = "keywords"

COLUMN_LABELS = {
    REFERENCE: "reference",
    TITLE: "title",
    REQUEST: "request",
    OUTCOME: "outcome",
    EXEMPTIONS: "exemptions",
    RESPONSE_DATE: "response date",
    NARRATIVE: "response",
    KEYWORDS: "keywords",
}

# Headings real logs use for each column, compared ignoring case, spaces and punctuation.
COLUMN_SYNONYMS = {
    REFERENCE: (
        "reference",
        "ref",
        "request number",
        "foi reference",
        "request id",
        "reference number",
        "ref no",
        "foi ref",
        "foi number",
        "request no",
        "request reference",
    ),
    TITLE: ("title", "subject", "request title"),
    REQUEST: ("request", "request text", "information requested", "question", "questions"),
    OUTCOME: ("outcome", "decision", "response type", "result"),
    EXEMPTIONS: ("exemptions", "exemption", "exemptions applied", "sections", "exemption applied"),
    RESPONSE_DATE: (
        "date",
        "response date",
        "date responded",
        "date of response",
        "disclosure date",
    ),
    NARRATIVE: ("response", "narrative", "response narrative", "answer"),
    KEYWORDS: ("keywords", "tags", "categories", "keyword"),
}
REQUIRED_COLUMNS = (REFERENCE, TITLE, OUTCOME, RESPONSE_DATE)


def _heading_key(heading: str) -> str:
    return re.sub(r"[^0-9a-z]", "", heading.lower())


_COLUMN_BY_HEADING = {
    _heading_key(synonym): column
    for column, synonyms in COLUMN_SYNONYMS.items()
    for synonym in synonyms
}


# Reading files ---------------------------------------------------------------------------


@dataclass
class LogRow:
    """One row of the file: its number as a spreadsheet shows it, and heading → value."""

    number: int
    values: dict[str, Any]


@dataclass
class LogFile:
    """A log read from a file, its columns matched to a disclosure's fields.

    ``columns`` maps a field name (``reference``, ``title``, ``request_text``, ``outcome``,
    ``exemptions``, ``response_date``, ``response_narrative``, ``keywords``) to the heading
    of the column holding it; ``unknown_columns`` lists headings that match no field.
    """

    filename: str
    headings: list[str]
    columns: dict[str, str]
    unknown_columns: list[str]
    rows: list[LogRow]
    sheet: str | None = None

    def value(self, row: LogRow, column: str) -> Any:
        heading = self.columns.get(column)
        return None if heading is None else row.values.get(heading)


def read_log(file: BinaryIO | bytes, filename: str, *, sheet: str | None = None) -> LogFile:
    """Read a CSV or XLSX disclosure log.

    CSV may be UTF-8 (with or without a byte order mark) or Windows-1252, separated by
    commas, semicolons, tabs or bars. For XLSX the first visible sheet is read unless
    ``sheet`` names another. The heading row may follow a few title rows. Row numbers are
    those a spreadsheet program shows (the heading row is usually row 1).

    Returns the ``LogFile``. Raises ``LogFileError`` when the file cannot be read, is too
    large, or lacks a required column (reference, title, outcome, response date).
    """
    data = file if isinstance(file, bytes) else file.read(MAX_FILE_SIZE + 1)
    if len(data) > MAX_FILE_SIZE:
        raise LogFileError(
            f"The file is larger than {MAX_FILE_SIZE // (1024 * 1024)} MB: split it into parts."
        )
    if not data.strip():
        raise LogFileError("The file is empty.")
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if data.startswith(b"PK\x03\x04") or extension in ("xlsx", "xlsm"):
        grid, sheet_name = _xlsx_grid(data, sheet)
    elif extension == "xls" or data.startswith(b"\xd0\xcf\x11\xe0"):
        raise LogFileError(
            "Old Excel files (.xls) cannot be read: save the log as .xlsx or CSV and try again."
        )
    else:
        if sheet:
            raise LogFileError("A sheet can only be chosen in an Excel (.xlsx) file.")
        grid, sheet_name = _csv_grid(data), None
    return _log_from_grid(grid, filename, sheet_name)


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        # Excel on Windows saves "CSV" in the system code page.
        return data.decode("cp1252")
    except UnicodeDecodeError:
        raise LogFileError(
            "The file is neither UTF-8 nor Windows-1252 text: save it as CSV UTF-8 and try again."
        ) from None


def _csv_grid(data: bytes) -> list[tuple[int, list[Any]]]:
    text = _decode(data)
    if "\x00" in text:
        raise LogFileError("The file is not a CSV or XLSX file (it contains NUL bytes).")
    delimiter = _sniff_delimiter(text)
    try:
        records = list(islice(csv.reader(io.StringIO(text), delimiter=delimiter), MAX_ROWS + 50))
    except csv.Error as error:
        raise LogFileError(f"The CSV file cannot be read: {error}.") from None
    # A record's number is the row a spreadsheet shows it on, even when a quoted cell
    # spans several lines of the file.
    return list(enumerate(records, 1))


def _sniff_delimiter(text: str) -> str:
    """The delimiter under which the heading row matches the most known columns.

    csv.Sniffer guesses from character frequencies and is easily misled by semicolons or
    commas in request text; matching headings is what the import needs anyway.
    """
    sample = text[:65536]
    best, best_score = ",", (-1, -1)
    for delimiter in (",", ";", "\t", "|"):
        try:
            records = list(islice(csv.reader(io.StringIO(sample), delimiter=delimiter), 20))
        except csv.Error:
            continue
        known = max((_known_columns(record) for record in records), default=0)
        widest = max((len(record) for record in records), default=0)
        if (known, widest) > best_score:
            best, best_score = delimiter, (known, widest)
    return best


def _xlsx_grid(data: bytes, sheet: str | None) -> tuple[list[tuple[int, list[Any]]], str]:
    import openpyxl  # imported here: only XLSX imports need it

    try:
        # The guard of the document checks first: a few kilobytes that expand to a
        # gigabyte are refused before openpyxl unpacks anything.
        safety.open_zip(data).close()
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except safety.UnsafeDocumentError as error:
        raise LogFileError(f"The workbook cannot be read safely: {error}.") from None
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise LogFileError(f"The file is not a readable .xlsx workbook ({error}).") from None
    try:
        if sheet:
            if sheet not in workbook.sheetnames:
                raise LogFileError(
                    f"The workbook has no sheet called {sheet!r}; its sheets are "
                    + ", ".join(repr(name) for name in workbook.sheetnames)
                    + "."
                )
            worksheet = workbook[sheet]
        else:
            visible = [ws for ws in workbook.worksheets if ws.sheet_state == "visible"]
            if not visible:
                raise LogFileError("The workbook has no visible sheet.")
            worksheet = visible[0]
        # Some writers record wrong dimensions; read every row that is really there.
        worksheet.reset_dimensions()
        grid = []
        for number, cells in enumerate(worksheet.iter_rows(values_only=True), 1):
            if number > MAX_ROWS + 50:
                break
            grid.append((number, list(cells)))
        return grid, worksheet.title
    finally:
        workbook.close()


def _known_columns(cells: Sequence[Any]) -> int:
    return len({_COLUMN_BY_HEADING.get(_heading_key(_text(cell))) for cell in cells} - {None})


def _log_from_grid(grid: list[tuple[int, list[Any]]], filename: str, sheet: str | None) -> LogFile:
    nonblank = [(number, cells) for number, cells in grid if any(_text(c) for c in cells)]
    if not nonblank:
        raise LogFileError("The file holds no rows.")
    # The heading row is the first row naming at least three known columns; logs
    # exported from web pages often have a title row or two above it.
    header_index = next(
        (index for index, (_, cells) in enumerate(nonblank[:20]) if _known_columns(cells) >= 3),
        0,
    )
    header_number, header_cells = nonblank[header_index]

    headings: list[str] = []
    for position, cell in enumerate(header_cells, 1):
        heading = _text(cell) or f"Column {position}"
        # A heading written twice would otherwise hide one column's values.
        while heading in headings:
            heading = f"{heading} ({position})"
        headings.append(heading)

    columns: dict[str, str] = {}
    unknown: list[str] = []
    for heading, cell in zip(headings, header_cells, strict=True):
        column = _COLUMN_BY_HEADING.get(_heading_key(_text(cell)))
        if column is None:
            if _text(cell):
                unknown.append(heading)
        elif column in columns:
            raise LogFileError(
                f"Columns {columns[column]!r} and {heading!r} both hold the "
                f"{COLUMN_LABELS[column]}: remove or rename one of them."
            )
        else:
            columns[column] = heading

    missing = [COLUMN_LABELS[c] for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        raise LogFileError(
            "The file has no column for the "
            + _join(missing)
            + f" (row {header_number} was read as the headings: "
            + ", ".join(repr(h) for h in headings if not h.startswith("Column "))
            + ")."
        )

    rows = [
        LogRow(number, dict(zip(headings, cells, strict=False)))
        for number, cells in nonblank[header_index + 1 :]
    ]
    if len(rows) > MAX_ROWS:
        raise LogFileError(f"The file has more than {MAX_ROWS:,} rows: split it into parts.")
    return LogFile(filename, headings, columns, unknown, rows, sheet)


def _join(words: Sequence[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _text(value: Any) -> str:
    """A cell as text: numbers without a spurious ``.0``, line endings as ``\\n``."""
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


# Parsing values --------------------------------------------------------------------------


def _words(value: str) -> str:
    """Lower case, punctuation as spaces, "&" as "and", "S.12" as "s12"."""
    value = value.lower().replace("&", " and ")
    value = re.sub(r"[^0-9a-z]+", " ", value).strip()
    return re.sub(r"\bs (\d)", r"s\1", value)


OUTCOME_SYNONYMS: dict[Outcome, tuple[str, ...]] = {
    Outcome.GRANTED: (
        "granted in full",
        "granted",
        "full disclosure",
        "disclosed in full",
        "information disclosed",
        "information disclosed in full",
        "disclosed",
        "all information supplied",
        "all information disclosed",
        "all information provided",
        "information supplied",
        "information provided",
        "released in full",
        "full release",
    ),
    Outcome.PARTIAL: (
        "partial disclosure",
        "information partially disclosed",
        "partially disclosed",
        "part disclosed",
        "part disclosure",
        "granted in part",
        "partially granted",
        "part granted",
        "partial",
        "disclosed in part",
        "released in part",
        "partially released",
        "some information supplied",
        "some information disclosed",
        "information partially supplied",
    ),
    Outcome.NOT_HELD: (
        "no information held",
        "not held",
        "information not held",
        "no data held",
        "none held",
    ),
    Outcome.REFUSED: (
        "refused",
        "refused in full",
        "refusal",
        "exempt",
        "exempt in full",
        "fully exempt",
        "exemption applied",
        "information withheld",
        "all information withheld",
        "withheld",
        "refused exempt",
        "refused exemption applies",
        "refused exemptions apply",
    ),
    Outcome.COST_LIMIT: (
        "section 12",
        "s12",
        "cost limit",
        "exceeds cost",
        "exceeds cost limit",
        "exceeds the cost limit",
        "exceeds appropriate limit",
        "over cost limit",
        "refused cost",
        "refused cost limit",
        "refused section 12",
        "refused s12",
        "section 12 cost",
        "section 12 cost limit",
    ),
    Outcome.VEXATIOUS: (
        "section 14",
        "s14",
        "section 14 1",
        "section 14 2",
        "s14 1",
        "s14 2",
        "vexatious",
        "vexatious request",
        "repeated request",
        "repeated",
        "refused vexatious",
        "refused repeated request",
        "refused section 14",
        "refused s14",
    ),
    Outcome.NCND: (
        "ncnd",
        "neither confirm nor deny",
        "neither confirm or deny",
        "neither confirmed nor denied",
        "refused ncnd",
    ),
}

_OUTCOME_BY_WORDS: dict[str, Outcome] = {}
for _outcome in Outcome:
    # The machine values and the labels shown on the site are accepted too.
    for _wording in (_outcome.value, str(_outcome.label), *OUTCOME_SYNONYMS.get(_outcome, ())):
        _OUTCOME_BY_WORDS[_words(_wording)] = _outcome


def parse_outcome(value: Any) -> Outcome:
    """The ``Outcome`` a log's wording means: "No Information Held" → ``Outcome.NOT_HELD``.

    Raises ``ValueError`` naming the value when the wording is not recognised.
    """
    text = _text(value)
    outcome = _OUTCOME_BY_WORDS.get(_words(text))
    if outcome is None:
        if not text:
            raise ValueError("The outcome is missing.")
        raise ValueError(
            f"Unknown outcome {text!r}: use one of "
            + ", ".join(str(o.label) for o in Outcome)
            + "."
        )
    return outcome


_NO_EXEMPTION = {"", "na", "none", "nil", "notapplicable", "noexemption", "noexemptions", "no"}

# FOIA sections that are not exemptions but are often written in the exemptions column:
# s1 (duty to confirm or deny, "not held"), s12 (cost), s14 (vexatious), s16 (advice and
# assistance), s17 (refusal notice). The outcome records what they mean.
_PROCEDURAL_SECTIONS = {"1", "12", "14", "16", "17"}

_CITATION = re.compile(
    r"(?:\b(?P<prefix>regulations?|regs?|eir|sections?|secs?|ss?)\.?\s*|(?<![0-9a-z(.]))"
    r"(?P<number>\d{1,3}[a-z]?)(?![0-9a-z])"
    r"(?P<subsections>(?:\s*\(\s*[0-9a-z]{1,5}\s*\))*)",
    re.IGNORECASE,
)


def _exemption_key(code: str) -> str:
    """``reg 12(4)(b)`` → ``reg12(4)(b)``; ``s22A`` → ``s22a``."""
    return re.sub(r"[\s.]", "", code.lower())


class ExemptionIndex:
    """The exemptions in the database, looked up by their code however it is written."""

    def __init__(self, exemptions: Iterable[tuple[int, str]]) -> None:
        exemptions = list(exemptions)
        self.by_key = {_exemption_key(code): (pk, code) for pk, code in exemptions}
        # In the exemptions' own order (position, code), as the history lists them.
        self.codes = {pk: code for pk, code in exemptions}

    @classmethod
    def load(cls) -> ExemptionIndex:
        return cls(Exemption.objects.values_list("pk", "code"))

    def cited(self, pks: Iterable[int]) -> str:
        """The codes of the exemptions ``pks``, as the history records them: "s31(1)(a), s40(2)"."""
        chosen = set(pks)
        return ", ".join(code for pk, code in self.codes.items() if pk in chosen)

    def find(self, key: str) -> tuple[int, str]:
        """The (pk, code) of the exemption ``key`` cites. Raises ``ValueError``."""
        if key in self.by_key:
            return self.by_key[key]
        # "Section 40" alone: fine if the section has one seeded subsection, else ambiguous.
        candidates = sorted(
            (code for k, (_, code) in self.by_key.items() if k.startswith(key + "(")),
            key=lambda code: [int(p) if p.isdigit() else p for p in re.findall(r"\d+|\D+", code)],
        )
        if len(candidates) == 1:
            return self.by_key[_exemption_key(candidates[0])]
        if candidates:
            raise ValueError(
                f"Exemption {key} could be {', '.join(candidates[:-1])} or {candidates[-1]}: "
                "give the subsection."
            )
        raise ValueError(f"Unknown exemption {key}.")


def parse_exemptions(value: Any, index: ExemptionIndex) -> tuple[list[int], list[str]]:
    """The exemptions a log's exemptions cell cites.

    Understands "N/A", "None" and "-" (no exemption), "Section 31(1)(a) and Section 40(2)",
    "S.40(2), S.31(1)(a)", "s40(2); s43(2)", "Sections 23(5), 24(2)", "40(2)",
    "Regulation 12(4)(b)" and "reg 13". Descriptive words after a citation are ignored.

    Returns (exemption pks, notes). Raises ``ValueError`` listing every citation that
    matches no exemption or more than one.
    """
    text = _text(value)
    if _heading_key(text) in _NO_EXEMPTION:
        return [], []
    pks: list[int] = []
    notes: list[str] = []
    problems: list[str] = []
    legislation = "s"
    found = False
    for match in _CITATION.finditer(text):
        prefix = (match["prefix"] or "").lower()
        if not prefix:
            # A number with no "s" or "reg" before it is a citation only at the start or
            # after a separator ("Sections 23(5), 24(2)"), not "(2 documents)".
            before = text[: match.start()].rstrip()
            if before and not re.search(r"(?:[,;/&+]|\band|\bor)$", before, re.IGNORECASE):
                continue
        elif prefix.startswith(("reg", "eir")):
            legislation = "reg"
        else:
            legislation = "s"
        found = True
        subsections = re.sub(r"\s", "", match["subsections"]).lower()
        key = legislation + match["number"].lower() + subsections
        if legislation == "s" and match["number"] in _PROCEDURAL_SECTIONS:
            notes.append(f"s{match['number']}{subsections} is not an exemption: ignored.")
            continue
        try:
            pk, _ = index.find(key)
        except ValueError as error:
            problems.append(str(error))
        else:
            if pk not in pks:
                pks.append(pk)
    if not found:
        raise ValueError(f"No exemption found in {text!r}: cite it as s40(2) or reg 13.")
    if problems:
        raise ValueError(" ".join(problems))
    return pks, notes


_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        1,
    )
    for name in names
}
# A time after the date, as spreadsheets exported to CSV often add, is ignored.
_TIME = r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"
_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})" + _TIME)
_NUMERIC_DATE = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2})" + _TIME)
# "24 February 2022", "24th Feb 2022", "Thursday 24 February 2022", "24-Feb-22".
_WORDED_DATE = re.compile(
    r"(?:[a-z]+,?\s+)?(\d{1,2})(?:st|nd|rd|th)?[\s-]+([a-z]+)\.?,?[\s-]+(\d{4}|\d{2})",
    re.IGNORECASE,
)


def _date_from_text(text: str) -> dt.date | None:
    """The date ``text`` writes day first, or None. Raises ValueError for 30/02/2022."""
    if match := _ISO_DATE.fullmatch(text):
        year, month, day = (int(part) for part in match.groups())
    elif match := _NUMERIC_DATE.fullmatch(text):
        day, month, year = (int(part) for part in match.groups())
    elif (match := _WORDED_DATE.fullmatch(text)) and match[2].lower() in _MONTHS:
        day, month, year = int(match[1]), _MONTHS[match[2].lower()], int(match[3])
    else:
        return None
    if year < 100:
        year += 2000
    return dt.date(year, month, day)


def parse_date(value: Any) -> dt.date:
    """A response date as UK logs write it, day first.

    Accepts "24 February 2022", "24 Feb 2022", "24th February 2022", "24/02/2022",
    "24-02-2022", "24.02.22", "2022-02-24" and Excel date cells (``datetime`` or
    ``date``). Raises ``ValueError`` for anything else, impossible dates such as
    30/02/2022, and dates in the future or before 2000 (typing errors).
    """
    if isinstance(value, dt.datetime):
        date = value.date()
    elif isinstance(value, dt.date):
        date = value
    else:
        text = re.sub(r"\s+", " ", _text(value))
        if not text:
            raise ValueError("The response date is missing.")
        try:
            date = _date_from_text(text)
        except ValueError:
            date = None
        if date is None:
            raise ValueError(
                f"Response date {text!r} is not a date: write it as 24/02/2022 (day first), "
                "24 February 2022 or 2022-02-24."
            )
    if date > timezone.localdate():
        raise ValueError(f"Response date {date:%d/%m/%Y} is in the future.")
    if date < EARLIEST_RESPONSE:
        raise ValueError(f"Response date {date:%d/%m/%Y} is before 2000.")
    return date


def parse_keywords(value: Any) -> list[str]:
    """Keywords separated by commas or semicolons, trimmed, without repeats (ignoring case).

    Raises ``ValueError`` for a keyword too long to store or one with no letters or digits.
    """
    names: list[str] = []
    seen: set[str] = set()
    for part in re.split(r"[,;]", _text(value)):
        name = re.sub(r"\s+", " ", part).strip().rstrip(".")
        if not name or name.lower() in seen:
            continue
        if len(name) > Keyword._meta.get_field("name").max_length:
            raise ValueError(f"Keyword {name[:40]!r}… is longer than 100 characters.")
        if not slugify(name):
            raise ValueError(f"Keyword {name!r} has no letters or digits.")
        seen.add(name.lower())
        names.append(name)
    return names


# Checking rows against the log -----------------------------------------------------------


class Action(enum.StrEnum):
    CREATE = "create"
    UPDATE = "update"
    UNCHANGED = "unchanged"
    ERROR = "error"


@dataclass
class RowResult:
    """What happens to one row: its number in the file, reference, action and messages.

    For an error row the messages say what is wrong; otherwise they are notes (what an
    update changes, an ignored citation).
    """

    number: int
    reference: str
    action: Action
    messages: list[str] = field(default_factory=list)


@dataclass
class ImportReport:
    """The outcome of a dry run or an import, row by row."""

    rows: list[RowResult]
    unknown_columns: list[str] = field(default_factory=list)
    new_keywords: list[str] = field(default_factory=list)
    dry_run: bool = True
    written: bool = False

    @property
    def counts(self) -> dict[Action, int]:
        """How many rows take each action (every action present, zero or not)."""
        counted = Counter(row.action for row in self.rows)
        return {action: counted[action] for action in Action}

    @property
    def error_rows(self) -> list[RowResult]:
        return [row for row in self.rows if row.action == Action.ERROR]

    @property
    def errors(self) -> list[str]:
        """Every error as one line naming its row: "Row 7 (FOI-12): Unknown outcome …"."""
        return [
            f"Row {row.number}{f' ({row.reference})' if row.reference else ''}: {message}"
            for row in self.error_rows
            for message in row.messages
        ]

    @property
    def has_errors(self) -> bool:
        return any(row.action == Action.ERROR for row in self.rows)

    @property
    def to_write(self) -> int:
        """Rows an import creates or updates."""
        counts = self.counts
        return counts[Action.CREATE] + counts[Action.UPDATE]

    def summary(self) -> str:
        """The counts in words: "3 to create, 1 to update, 2 unchanged, 0 with errors"."""
        counts = self.counts
        created, updated = ("created", "updated") if self.written else ("to create", "to update")
        return (
            f"{counts[Action.CREATE]} {created}, {counts[Action.UPDATE]} {updated}, "
            f"{counts[Action.UNCHANGED]} unchanged, {counts[Action.ERROR]} with errors"
        )


@dataclass
class _Plan:
    """A checked row: the values to write and, for an update, what changes."""

    result: RowResult
    values: dict[str, Any] = field(default_factory=dict)
    exemption_ids: list[int] | None = None  # None: the file has no exemptions column
    keyword_names: list[str] | None = None  # None: the file has no keywords column
    existing: Disclosure | None = None
    # For an update: the values it replaces, for the history.
    before: dict[str, Any] = field(default_factory=dict)
    exemptions_before: set[int] = field(default_factory=set)
    keywords_before: set[int] = field(default_factory=set)
    changed_fields: list[str] = field(default_factory=list)
    exemptions_changed: bool = False
    keywords_changed: bool = False
    # The safety check found something: not published (an update returns it to draft).
    needs_review: bool = False


class _Keywords:
    """Keywords by lower-case name: the database's, plus those the import will create."""

    def __init__(self) -> None:
        self.by_name: dict[str, int | None] = {}
        self.names: dict[int, str] = {}
        self.slugs: set[str] = set()
        for pk, name, slug in Keyword.objects.values_list("pk", "name", "slug"):
            self.by_name[name.lower()] = pk
            self.names[pk] = name
            self.slugs.add(slug)
        self.new: dict[str, str] = {}  # lower-case name → name as first written
        self.rank: dict[int, int] = {}  # filled by create_new(), before anything is written

    def note(self, name: str) -> None:
        if name.lower() not in self.by_name and name.lower() not in self.new:
            self.new[name.lower()] = name

    def create_new(self) -> None:
        """Create the keywords no row found in the database, with slugs not yet taken."""
        keywords = []
        for name in self.new.values():
            base = slugify(name)[:90].strip("-")
            slug, n = base, 1
            while slug in self.slugs:
                n += 1
                slug = f"{base}-{n}"
            self.slugs.add(slug)
            keywords.append(Keyword(name=name, slug=slug))
        for keyword in Keyword.objects.bulk_create(keywords, batch_size=CHUNK_SIZE):
            self.by_name[keyword.name.lower()] = keyword.pk
            self.names[keyword.pk] = keyword.name
        self.new = {}
        # Keywords in the database's own order by name (its collation, not Python's).
        self.rank = {pk: n for n, pk in enumerate(Keyword.objects.values_list("pk", flat=True))}

    def ids(self, names: Iterable[str]) -> set[int | None]:
        return {self.by_name.get(name.lower()) for name in names}

    def _in_order(self, pks: Iterable[int]) -> list[str]:
        return [self.names[pk] for pk in sorted(pks, key=self.rank.__getitem__)]

    def listed(self, pks: Iterable[int]) -> str:
        """The names of the keywords ``pks``, as the history records them."""
        return ", ".join(self._in_order(pks))

    def text(self, pks: Iterable[int]) -> str:
        """``Disclosure.keywords_text`` for the keywords ``pks``, exactly as the trigger of
        migration 0003 makes it."""
        return " ".join(self._in_order(pks))


def _check_row(log: LogFile, row: LogRow, exemptions: ExemptionIndex) -> _Plan:
    reference = _text(log.value(row, REFERENCE))
    plan = _Plan(RowResult(row.number, reference, Action.CREATE))
    errors: list[str] = []
    notes = plan.result.messages

    if not reference:
        errors.append("The reference is missing.")
    else:
        try:
            validate_reference(reference)
        except ValidationError as error:
            errors.extend(error.messages)
        if len(reference) > Disclosure._meta.get_field("reference").max_length:
            errors.append("The reference is longer than 100 characters.")

    title = re.sub(r"\s+", " ", _text(log.value(row, TITLE)))
    if not title:
        errors.append("The title is missing.")
    elif len(title) > Disclosure._meta.get_field("title").max_length:
        errors.append(f"The title is {len(title)} characters long; at most 300 fit.")
    plan.values[TITLE] = title

    if REQUEST in log.columns:
        # A row without the request text shows the title as the request.
        plan.values[REQUEST] = _text(log.value(row, REQUEST)) or title
    if NARRATIVE in log.columns:
        plan.values[NARRATIVE] = _text(log.value(row, NARRATIVE))

    for column, parse in ((OUTCOME, parse_outcome), (RESPONSE_DATE, parse_date)):
        try:
            plan.values[column] = parse(log.value(row, column))
        except ValueError as error:
            errors.append(str(error))

    if EXEMPTIONS in log.columns:
        try:
            plan.exemption_ids, exemption_notes = parse_exemptions(
                log.value(row, EXEMPTIONS), exemptions
            )
            notes.extend(exemption_notes)
        except ValueError as error:
            errors.append(str(error))

    if KEYWORDS in log.columns:
        try:
            plan.keyword_names = parse_keywords(log.value(row, KEYWORDS))
        except ValueError as error:
            errors.append(str(error))

    if errors:
        plan.result.action = Action.ERROR
        plan.result.messages = errors
    return plan


def _mark_duplicates(plans: list[_Plan]) -> None:
    rows_by_reference: dict[str, list[int]] = {}
    for plan in plans:
        if plan.result.reference:
            rows_by_reference.setdefault(plan.result.reference, []).append(plan.result.number)
    for plan in plans:
        numbers = rows_by_reference.get(plan.result.reference, [])
        if len(numbers) > 1:
            others = [str(n) for n in numbers if n != plan.result.number]
            message = f"Reference {plan.result.reference!r} is also on row {_join(others)}."
            if plan.result.action != Action.ERROR:
                plan.result.action = Action.ERROR
                plan.result.messages = []
            plan.result.messages.append(message)


def _existing(references: list[str]) -> dict[str, tuple[Disclosure, set[int], set[int]]]:
    """Disclosures already in the log by reference, with their exemption and keyword ids."""
    found: dict[str, tuple[Disclosure, set[int], set[int]]] = {}
    exemption_links = Disclosure.exemptions.through.objects
    keyword_links = Disclosure.keywords.through.objects
    for start in range(0, len(references), CHUNK_SIZE):
        chunk = references[start : start + CHUNK_SIZE]
        disclosures = {
            d.pk: d
            for d in Disclosure.objects.filter(reference__in=chunk)
            # Documents: the safety check of an updated entry reads their findings too.
            .prefetch_related("documents")
            .defer("search_vector", "keywords_text", "documents_text")
        }
        exemption_ids: dict[int, set[int]] = {pk: set() for pk in disclosures}
        keyword_ids: dict[int, set[int]] = {pk: set() for pk in disclosures}
        for disclosure_id, exemption_id in exemption_links.filter(
            disclosure_id__in=disclosures
        ).values_list("disclosure_id", "exemption_id"):
            exemption_ids[disclosure_id].add(exemption_id)
        for disclosure_id, keyword_id in keyword_links.filter(
            disclosure_id__in=disclosures
        ).values_list("disclosure_id", "keyword_id"):
            keyword_ids[disclosure_id].add(keyword_id)
        for pk, disclosure in disclosures.items():
            found[disclosure.reference] = (disclosure, exemption_ids[pk], keyword_ids[pk])
    return found


def _same_text(stored: Any, new: Any) -> bool:
    # Text typed into the admin keeps the browser's \r\n; an import writes \n.
    if isinstance(stored, str):
        stored = stored.replace("\r\n", "\n").strip()
    return stored == new


def _field_label(name: str) -> str:
    return str(Disclosure._meta.get_field(name).verbose_name)


def _compare(
    plans: list[_Plan], keywords: _Keywords, *, publish: bool, update_existing: bool
) -> None:
    """Decide create, update or unchanged for every row without an error."""
    valid = [plan for plan in plans if plan.result.action != Action.ERROR]
    existing = _existing([plan.result.reference for plan in valid])
    for plan in valid:
        if plan.keyword_names:
            for name in plan.keyword_names:
                keywords.note(name)
        found = existing.get(plan.result.reference)
        if found is None:
            # A draft is checked when it is published.
            plan.needs_review = publish and _needs_review(
                Disclosure(**{REQUEST: plan.values[TITLE], **plan.values}), plan.result
            )
            continue
        disclosure, exemption_ids, keyword_ids = found
        plan.existing = disclosure
        plan.exemptions_before, plan.keywords_before = exemption_ids, keyword_ids
        plan.changed_fields = [
            name
            for name, value in plan.values.items()
            if not _same_text(getattr(disclosure, name), value)
        ]
        plan.before = {name: getattr(disclosure, name) for name in plan.changed_fields}
        plan.exemptions_changed = (
            plan.exemption_ids is not None and set(plan.exemption_ids) != exemption_ids
        )
        plan.keywords_changed = (
            plan.keyword_names is not None and keywords.ids(plan.keyword_names) != keyword_ids
        )
        changes = [_field_label(name) for name in plan.changed_fields]
        changes += ["exemptions"] * plan.exemptions_changed + ["keywords"] * plan.keywords_changed
        if not changes:
            plan.result.action = Action.UNCHANGED
        elif not update_existing:
            plan.result.action = Action.ERROR
            plan.result.messages = [
                f"{plan.result.reference} is already in the log and you may not change "
                "existing disclosures."
            ]
            continue
        else:
            plan.result.action = Action.UPDATE
            plan.result.messages.insert(0, "Changes " + _join(changes) + ".")
        if disclosure.status == Disclosure.Status.WITHDRAWN:
            plan.result.messages.append("Withdrawn: it stays withdrawn.")
        elif (
            plan.result.action == Action.UPDATE
            and disclosure.status == Disclosure.Status.PUBLISHED
            and set(plan.changed_fields) & set(_CHECKED_FIELDS)
        ):
            # As the admin does when a published entry's text gains unreviewed findings.
            changed = copy.copy(disclosure)
            for name in plan.changed_fields:
                setattr(changed, name, plan.values[name])
            plan.needs_review = _needs_review(changed, plan.result)


# The texts the safety check reads (``Disclosure.safety_findings``).
_CHECKED_FIELDS = (TITLE, REQUEST, NARRATIVE)


def _needs_review(disclosure: Disclosure, result: RowResult) -> bool:
    """Whether the safety check finds something a publisher must review before the entry is
    public (``Disclosure.needs_safety_review``); if so, say what in ``result``."""
    if not disclosure.needs_safety_review():
        return False
    findings = disclosure.safety_findings()
    listed = "; ".join(f"{where}: {finding.message}" for where, finding in findings[:3])
    more = f" (and {len(findings) - 3} more)" if len(findings) > 3 else ""
    result.messages.append(
        f"Safety check: {listed}{more}. It stays a draft until a publisher reviews it."
    )
    return True


def _check(
    log: LogFile, progress: Progress | None, total: int, publish: bool, update_existing: bool
) -> tuple[list[_Plan], _Keywords, ExemptionIndex]:
    exemptions = ExemptionIndex.load()
    plans = []
    for done, row in enumerate(log.rows, 1):
        plans.append(_check_row(log, row, exemptions))
        if progress and done % PROGRESS_EVERY == 0:
            progress(done, total)
    _mark_duplicates(plans)
    keywords = _Keywords()
    _compare(plans, keywords, publish=publish, update_existing=update_existing)
    if progress:
        progress(len(log.rows), total)
    return plans, keywords, exemptions


def _report(log: LogFile, plans: list[_Plan], keywords: _Keywords) -> ImportReport:
    return ImportReport(
        rows=[plan.result for plan in plans],
        unknown_columns=list(log.unknown_columns),
        new_keywords=sorted(keywords.new.values(), key=str.lower),
    )


def dry_run(
    log: LogFile,
    *,
    publish: bool = True,
    update_existing: bool = True,
    progress: Progress | None = None,
) -> ImportReport:
    """Check every row of ``log`` against the log and report what an import would do.

    Writes nothing. ``publish`` and ``update_existing`` are as for ``import_log``:
    ``update_existing=False`` makes a row that would change an existing
    disclosure an error (for staff who may add but not change disclosures).
    ``progress(done, total)`` is called every 500 rows and at the end. Returns the report;
    bad rows are reported, not raised.
    """
    plans, keywords, _ = _check(log, progress, len(log.rows), publish, update_existing)
    return _report(log, plans, keywords)


def import_log(
    log: LogFile,
    *,
    user: Any = None,
    publish: bool = True,
    update_existing: bool = True,
    progress: Progress | None = None,
) -> ImportReport:
    """Check ``log`` as ``dry_run`` does, then write it, all-or-nothing.

    If any row has an error nothing is written and the report says why (``has_errors``).
    Otherwise, in one transaction: missing keywords are created; new references become
    disclosures, published at 09:00 UK time on their response date (drafts if
    ``publish`` is false); existing references are updated in place, their exemptions
    and keywords set exactly as the file gives them. Columns absent from the file
    (request, response, exemptions, keywords) are left as they are on existing
    disclosures. The status of an existing disclosure is not changed, except that a
    published one whose new text the safety check flags returns to draft, as in the admin;
    a new row the check flags is a draft too. ``user`` is recorded as the last to change
    each row written, and every row written gets an entry in its history.

    ``progress(done, total)`` counts every row twice, once checked and once written, so
    ``total`` is twice the number of rows. Returns the report; raises only for database
    failures (after rolling back).
    """
    total = 2 * len(log.rows)
    with transaction.atomic():
        plans, keywords, exemptions = _check(log, progress, total, publish, update_existing)
        report = _report(log, plans, keywords)
        report.dry_run = False
        if report.has_errors:
            return report
        keywords.create_new()
        now = timezone.now()
        for start in range(0, len(plans), PROGRESS_EVERY):
            chunk = plans[start : start + PROGRESS_EVERY]
            _write(chunk, keywords, user, publish, now)
            _record_history(chunk, keywords, exemptions, user)
            if progress:
                progress(len(plans) + start + len(chunk), total)
        report.written = True
    return report


def _write(
    chunk: list[_Plan], keywords: _Keywords, user: Any, publish: bool, now: dt.datetime
) -> None:
    """Create and update the disclosures of ``chunk`` and set their links."""
    creates = [plan for plan in chunk if plan.result.action == Action.CREATE]
    updates = [plan for plan in chunk if plan.result.action == Action.UPDATE]

    # Every write of a disclosure recomputes its search vector and search words, the
    # costliest part of an import. Inserting keyword links after their disclosures would
    # make the link triggers rewrite each new row at once. So new disclosures take their
    # ids from the sequence first, their links go in before them (Django's foreign keys
    # are checked at commit), the triggers find no row to refresh, and each row is
    # written once, its keyword text and link ids already set, as the triggers would set
    # them. This halves the time of a large import.
    new = []
    ids = _next_disclosure_ids(len(creates))
    for plan, pk in zip(creates, ids, strict=True):
        # A log without a request column shows the title as the request.
        values = {REQUEST: plan.values[TITLE], **plan.values}
        keyword_ids = keywords.ids(plan.keyword_names or [])
        disclosure = Disclosure(
            pk=pk,
            reference=plan.result.reference,
            updated_by=user,
            keywords_text=keywords.text(keyword_ids),
            keyword_ids=sorted(keyword_ids),
            exemption_ids=sorted(set(plan.exemption_ids or [])),
            **values,
        )
        if publish and not plan.needs_review:
            disclosure.status = Disclosure.Status.PUBLISHED
            disclosure.published_at = dt.datetime.combine(
                plan.values[RESPONSE_DATE], PUBLISHED_AT_TIME, tzinfo=UK
            )
        plan.existing = disclosure
        new.append(disclosure)
    _set_links(
        Disclosure.keywords.through,
        "keyword_id",
        {plan.existing.pk: keywords.ids(plan.keyword_names or []) for plan in creates},
    )
    _set_links(
        Disclosure.exemptions.through,
        "exemption_id",
        {plan.existing.pk: plan.exemption_ids for plan in creates if plan.exemption_ids},
    )
    Disclosure.objects.bulk_create(new)

    changed_fields: set[str] = set()
    for plan in updates:
        for name in plan.changed_fields:
            setattr(plan.existing, name, plan.values[name])
        changed_fields.update(plan.changed_fields)
        if plan.needs_review:
            plan.before["status"] = plan.existing.status
            plan.existing.status = Disclosure.Status.DRAFT
            changed_fields.add("status")
        # bulk_update does not apply auto_now.
        plan.existing.updated_at = now
        plan.existing.updated_by = user
    if updates:
        Disclosure.objects.bulk_update(
            [plan.existing for plan in updates],
            sorted(changed_fields | {"updated_at", "updated_by"}),
        )

    _set_links(
        Disclosure.exemptions.through,
        "exemption_id",
        {
            plan.existing.pk: plan.exemption_ids
            for plan in updates
            if plan.exemptions_changed and plan.exemption_ids is not None
        },
        replace=[p.existing.pk for p in updates if p.exemptions_changed],
    )
    _set_links(
        Disclosure.keywords.through,
        "keyword_id",
        {p.existing.pk: keywords.ids(p.keyword_names or []) for p in updates if p.keywords_changed},
        replace=[p.existing.pk for p in updates if p.keywords_changed],
    )


def _next_disclosure_ids(count: int) -> list[int]:
    if not count:
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [Disclosure._meta.db_table, count],
        )
        return [pk for (pk,) in cursor.fetchall()]


def _set_links(
    through: type,
    target: str,
    links: dict[int, Iterable[int | None]],
    replace: Sequence[int] = (),
) -> None:
    """Set many-to-many links with two statements, not one per disclosure.

    The link triggers (migrations 0003 and 0009) run once per statement, so replacing
    the keywords of many disclosures refreshes their search text in two updates, not
    thousands.
    """
    if replace:
        through.objects.filter(disclosure_id__in=replace).delete()
    rows = [
        through(disclosure_id=disclosure_id, **{target: target_id})
        for disclosure_id, target_ids in links.items()
        for target_id in target_ids
    ]
    if rows:
        through.objects.bulk_create(rows)


def _record_history(
    chunk: list[_Plan], keywords: _Keywords, exemptions: ExemptionIndex, user: Any
) -> None:
    """Record each disclosure written in its history, as ``Disclosure.record_change`` does
    for a change made in the admin, with one query for the whole chunk."""
    changes = []
    for plan in chunk:
        if plan.result.action == Action.CREATE:
            disclosure = plan.existing
            # The full texts are in the new row itself; the history keeps what later
            # changes are compared with, and the admin shows a creation as "Created".
            state = {
                name: _history_text(getattr(disclosure, name))
                for name in Disclosure.TRACKED_FIELDS
                if name not in (REQUEST, NARRATIVE)
            }
            state["exemptions"] = exemptions.cited(plan.exemption_ids or [])
            state["keywords"] = keywords.listed(keywords.ids(plan.keyword_names or []))
            fields = {name: ["", value] for name, value in state.items() if value}
            changes.append(
                Change(disclosure=disclosure, changed_by=user, created=True, fields=fields)
            )
        elif plan.result.action == Action.UPDATE:
            fields = {
                name: [_history_text(value), _history_text(getattr(plan.existing, name))]
                for name, value in plan.before.items()
            }
            if plan.exemptions_changed:
                fields["exemptions"] = [
                    exemptions.cited(plan.exemptions_before),
                    exemptions.cited(plan.exemption_ids or []),
                ]
            if plan.keywords_changed:
                fields["keywords"] = [
                    keywords.listed(plan.keywords_before),
                    keywords.listed(keywords.ids(plan.keyword_names or [])),
                ]
            changes.append(Change(disclosure=plan.existing, changed_by=user, fields=fields))
    Change.objects.bulk_create(changes)


def _history_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        # As read back from the database, so that the next change compares alike.
        return value.astimezone(dt.UTC).isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


# Keeping an upload between the dry run and the import ------------------------------------

# An upload waits in the default storage under a random name between the dry run that
# checks it and the import that writes it: a second upload could be a different file.
UPLOAD_PREFIX = "imports/"
_UPLOAD_TOKEN = re.compile(r"[A-Za-z0-9_-]{32}")
# Uploads never confirmed are removed the next time someone uploads a log.
UPLOAD_LIFETIME = dt.timedelta(days=1)


def keep_upload(data: bytes) -> str:
    """Store an uploaded log under a random, unguessable name; return its token."""
    discard_stale_uploads()
    token = secrets.token_urlsafe(24)
    default_storage.save(UPLOAD_PREFIX + token, ContentFile(data))
    return token


def kept_upload(token: str) -> bytes:
    """The bytes kept under ``token``. Raises ``FileNotFoundError`` if there are none."""
    if not _UPLOAD_TOKEN.fullmatch(token) or not default_storage.exists(UPLOAD_PREFIX + token):
        raise FileNotFoundError(token)
    with default_storage.open(UPLOAD_PREFIX + token, "rb") as file:
        return file.read()


def discard_upload(token: str) -> None:
    if _UPLOAD_TOKEN.fullmatch(token):
        default_storage.delete(UPLOAD_PREFIX + token)


def discard_stale_uploads() -> None:
    """Delete kept uploads older than ``UPLOAD_LIFETIME`` (best effort)."""
    try:
        _, names = default_storage.listdir(UPLOAD_PREFIX)
    except (FileNotFoundError, NotImplementedError):
        return
    cutoff = timezone.now() - UPLOAD_LIFETIME
    for name in names:
        if not _UPLOAD_TOKEN.fullmatch(name):
            continue
        try:
            if default_storage.get_modified_time(UPLOAD_PREFIX + name) < cutoff:
                default_storage.delete(UPLOAD_PREFIX + name)
        except (FileNotFoundError, NotImplementedError):
            continue
