"""The plan of an import: which column holds each field, what each row means, which rows
are one entry, and what each entry does to the log (create, update, nothing).

A log is read twice, a row at a time, whatever its size: first to see the whole of each
date column (whether it writes days or months first) and which references are on several
rows; then to check every row and settle it against the log, a chunk at a time. The
report begins with a summary (the columns read and ignored, how dates are read, each
distinct value not understood), then the rows.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from disclosures.imports import known
from disclosures.imports.files import (
    REFUSAL_HEADING,
    LogFile,
    LogFileError,
    LogRow,
    RefusedRows,
    cell_text,
)
from disclosures.imports.report import (
    Action,
    ImportReport,
    PreviewRow,
    RowResult,
    SummaryValues,
)
from disclosures.imports.values import (
    DateColumn,
    DateOrder,
    ExemptionIndex,
    OutcomeReader,
    Read,
    WordingReader,
    read_date,
    read_keywords,
    read_line,
    read_link,
    read_reference,
    read_title,
    unite,
)
from disclosures.models import Clarification, Disclosure, Keyword, Outcome

# Entries settled against the log, and written, at a time.
CHUNK_SIZE = 500
# Rows previewed, as they would be imported.
PREVIEW_ROWS = 5

# How the fields are read, by their ``known.Field`` names (the Disclosure field each fills
# is its ``attribute``). Written from their column's text as it stands:
_TEXTS = (known.REQUEST, known.NARRATIVE, known.EXTENSION_REASON)
# Short texts on one line, case references:
_LINES = (known.COMMISSIONER_REFERENCE, known.DECISION_NOTICE_REFERENCE)
# Web addresses:
_LINKS = (known.LINK, known.DECISION_NOTICE_URL)
# Dates, each column's order decided from the whole column. A clarification's two dates
# are one Clarification, not fields of the disclosure.
_DATES = (
    known.RECEIVED_DATE,
    known.RESPONSE_DATE,
    known.EXTENSION_DUE_DATE,
    known.CLARIFICATION_ASKED,
    known.CLARIFICATION_ANSWERED,
    known.REVIEW_REQUESTED,
    known.REVIEW_COMPLETED,
)
# The outcome is read by ``OutcomeReader``; the other wordings by a ``WordingReader``
# each (``known.CHOICE_WORDINGS``).

# A new entry whose log has no column for a field gets this: nothing is guessed.
NOT_RECORDED_VALUES = {
    "request_text": "",
    "response_narrative": "",
    "outcome": Outcome.NOT_RECORDED.value,
    "response_date": None,
    "received_date": None,
    "original_url": "",
    "extension_due_date": None,
    "extension_reason": "",
    "review_requested": None,
    "review_completed": None,
    "review_outcome": "",
    "commissioner_reference": "",
    "decision_notice_reference": "",
    "decision_notice_url": "",
    "commissioner_outcome": "",
}
# The fields' labels by the Disclosure field each fills, for messages.
_LABELS = {f.attribute: f.label for f in known.FIELDS if f.attribute}


# Options and progress ---------------------------------------------------------------------


@dataclass(frozen=True)
class Options:
    """How to read a log, and what to do with it.

    ``columns`` maps a heading to the field its column holds (a ``known.Field`` name), or
    to None to ignore it (``--map``); ``outcomes`` maps a wording to an outcome's value,
    ``not-recorded`` or ``skip`` (``--outcome``); ``dates`` is the order of dates written
    with numbers only, for columns that do not show it (``--dates``).

    ``publish`` publishes new entries (else drafts); ``update_existing=False`` makes a
    row that would change an existing entry an error (staff who may add, not change).
    ``skip_invalid`` imports the valid rows and writes the refused ones to
    ``refused_file``; without it an import is all-or-nothing. ``keep_rows=False`` keeps
    in the report only the rows with something to say, so that a long file's report
    stays small.
    """

    columns: Mapping[str, str | None] = field(default_factory=dict)
    outcomes: Mapping[str, str | None] = field(default_factory=dict)
    dates: DateOrder | None = None
    publish: bool = True
    update_existing: bool = True
    skip_invalid: bool = False
    refused_file: Path | None = None
    keep_rows: bool = True


# Stages of an import, for progress: (stage, done, of), rows or bytes.
READING, CHECKING, IMPORTING = "reading", "checking", "importing"
Progress = Callable[[str, int, int], None]
PROGRESS_EVERY = 500


# Columns ---------------------------------------------------------------------------------


@dataclass
class Columns:
    """Which columns hold each field of a log (``known.FIELDS``), by the table of known
    headings and the headings given."""

    headings: list[str]
    by_field: dict[str, list[int]]
    ignored: list[str]

    @classmethod
    def of(cls, log: LogFile, given: Mapping[str, str | None]) -> Columns:
        """Raises ``LogFileError`` for a heading given that the file has not, a field
        that does not exist, two columns for one field, or no column for a required
        one."""
        chosen: dict[int, known.Field | None] = {}
        for heading, name in given.items():
            index = _heading_index(log.headings, heading)
            if name is None or not name.strip():
                chosen[index] = None
                continue
            found = known.FIELD_BY_NAME_KEY.get(known.heading_key(name))
            if found is None:
                raise LogFileError(
                    f"{name!r} is not a field: use one of "
                    + ", ".join(f.name for f in known.FIELDS)
                    + ", or nothing to ignore the column."
                )
            chosen[index] = found
        by_field: dict[str, list[int]] = {}
        ignored = []
        for index, heading in enumerate(log.headings):
            if index in chosen:
                found = chosen[index]
            else:
                found = known.FIELD_BY_HEADING.get(known.heading_key(heading))
            if found is None:
                if heading != REFUSAL_HEADING:  # a refused file's reasons, read again
                    ignored.append(heading)
                continue
            by_field.setdefault(found.name, []).append(index)
        for name, indexes in by_field.items():
            if len(indexes) > 1 and not known.FIELD_BY_NAME[name].several:
                first, second = (log.headings[i] for i in indexes[:2])
                raise LogFileError(
                    f"Columns {first!r} and {second!r} both hold the "
                    f"{known.FIELD_BY_NAME[name].label}: choose one "
                    f'(--map "{second}=" ignores {second!r}).'
                )
        missing = [f.label for f in known.FIELDS if f.required and f.name not in by_field]
        if missing:
            raise LogFileError(
                "The file has no column for the "
                + " or the ".join(missing)
                + f" (row {log.heading_row} was read as the headings: "
                + ", ".join(repr(h) for h in log.headings)
                + '). Name it with --map "Heading=field".'
            )
        return cls(list(log.headings), by_field, ignored)

    def has(self, name: str) -> bool:
        return name in self.by_field

    def cells(self, row: LogRow, name: str) -> list[Any]:
        return [row.cells[i] for i in self.by_field.get(name, ())]

    def cell(self, row: LogRow, name: str) -> Any:
        cells = self.cells(row, name)
        return cells[0] if cells else None

    def heading(self, name: str) -> str:
        return ", ".join(self.headings[i] for i in self.by_field.get(name, ()))

    def read(self) -> list[tuple[str, str]]:
        """(field, heading) of every field read, in the table's order."""
        return [(f.label, self.heading(f.name)) for f in known.FIELDS if self.has(f.name)]


def _heading_index(headings: list[str], heading: str) -> int:
    """The column of ``heading``, as written or ignoring case, spacing and punctuation."""
    if heading.strip() in headings:
        return headings.index(heading.strip())
    alike = [
        i for i, h in enumerate(headings) if known.heading_key(h) == known.heading_key(heading)
    ]
    if len(alike) == 1:
        return alike[0]
    raise LogFileError(
        f"The file has no column {heading!r}; its headings are "
        + ", ".join(repr(h) for h in headings)
        + "."
    )


def is_heading_for(given: Mapping[str, str | None]) -> Callable[[str], bool]:
    """Whether a cell could be a heading of the log: one the table knows, or one given."""
    keys = {known.heading_key(h) for h in given}

    def is_heading(text: str) -> bool:
        key = known.heading_key(text)
        return bool(key) and (key in known.FIELD_BY_HEADING or key in keys)

    return is_heading


# The log's keywords ----------------------------------------------------------------------


class Keywords:
    """The log's keywords by lower-case name, and the names rows give that it has not
    (``new``): made by the writer (``writing.Writer``) when their entries are written."""

    def __init__(self) -> None:
        self.by_name: dict[str, int] = {}
        self.slugs: set[str] = set()
        for pk, name, slug in Keyword.objects.values_list("pk", "name", "slug"):
            self.by_name[name.lower()] = pk
            self.slugs.add(slug)
        self.new: dict[str, str] = {}  # lower-case name → name as first written
        self.created: list[str] = []

    def note(self, name: str) -> None:
        if name.lower() not in self.by_name and name.lower() not in self.new:
            self.new[name.lower()] = name

    def ids(self, names: Iterable[str]) -> set[int | None]:
        """The ids of keywords by name (None for one the log has not)."""
        return {self.by_name.get(name.lower()) for name in names}


# Checking rows ---------------------------------------------------------------------------


# A clarification: the day it was asked for, and the day the answer arrived (if known).
Clarified = tuple[dt.date, dt.date | None]


def asked_in_order(clarifications: Iterable[Clarified]) -> list[Clarified]:
    """Clarifications in the order they were asked (one not answered after one that was)."""
    return sorted(clarifications, key=lambda c: (c[0], c[1] or dt.date.max))


def distinct_clarifications(clarifications: Iterable[Clarified]) -> list[Clarified]:
    """Each clarification once, in order. One not answered is left out when another row
    gives the answer to the one asked that day: as a field one row lacks is taken from
    the other."""
    found = set(clarifications)
    answered = {asked for asked, answer in found if answer}
    return asked_in_order(
        (asked, answer) for asked, answer in found if answer or asked not in answered
    )


@dataclass
class Entry:
    """What one reference's row, or rows, make of its disclosure.

    ``values`` holds the Disclosure fields whose columns the file has (the title always);
    ``exemption_ids``, ``keyword_names`` and ``clarifications`` (asked, answered) are None
    when it has no such column, and a column absent from the file leaves an existing
    entry's field as it is.
    """

    reference: str
    rows: list[LogRow]
    values: dict[str, Any] = field(default_factory=dict)
    exemption_ids: list[int] | None = None
    keyword_names: list[str] | None = None
    clarifications: list[Clarified] | None = None
    notes: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    skip: bool = False
    # Settled against the log:
    action: Action = Action.CREATE
    existing: Disclosure | None = None
    exemptions_before: set[int] = field(default_factory=set)
    keywords_before: set[int] = field(default_factory=set)
    clarifications_before: list[Clarified] = field(default_factory=list)
    changed_fields: list[str] = field(default_factory=list)
    exemptions_changed: bool = False
    keywords_changed: bool = False
    clarifications_changed: bool = False
    # The safety check found something: not published (an update returns it to draft).
    needs_review: bool = False

    def merge(self, other: Entry, labels: Mapping[str, str]) -> None:
        """Unite ``other`` (a later row of the same reference) with this entry: its
        keywords, exemptions and clarifications are added; a field one row lacks is
        taken from the other; a field both hold differently is an error naming both
        rows."""
        self.rows += other.rows
        self.notes = unite(self.notes, other.notes)
        self.errors += [f"Row {other.rows[0].number}: {error}" for error in other.errors]
        for name, value in other.values.items():
            mine = self.values.get(name)
            if _blank(mine):
                self.values[name] = value
            elif not _blank(value) and _comparable(mine) != _comparable(value):
                self.errors.append(
                    f"Rows {self.rows[0].number} and {other.rows[0].number} have reference "
                    f"{self.reference!r} but different {labels.get(name, name)}s: "
                    f"{_shown(mine)} and {_shown(value)}."
                )
        if other.exemption_ids is not None:
            self.exemption_ids = unite(self.exemption_ids or [], other.exemption_ids)
        if other.keyword_names is not None:
            mine = self.keyword_names or []
            lower = {name.lower() for name in mine}
            self.keyword_names = mine + [n for n in other.keyword_names if n.lower() not in lower]
        if other.clarifications is not None:
            self.clarifications = distinct_clarifications(
                [*(self.clarifications or []), *other.clarifications]
            )

    def imported_row(self, log: LogFile) -> dict[str, Any]:
        """The rows it was imported from, every column, for ``Disclosure.imported_row``."""
        return {
            "file": log.filename,
            "sheet": log.sheet,
            "rows": [
                {"number": row.number, "cells": [list(c) for c in log.named_cells(row)]}
                for row in self.rows
            ],
        }


def _blank(value: Any) -> bool:
    return value in (None, "", Outcome.NOT_RECORDED.value)


def _comparable(value: Any) -> Any:
    return " ".join(value.split()) if isinstance(value, str) else value


def _shown(value: Any) -> str:
    text = value.isoformat() if hasattr(value, "isoformat") else str(value)
    return repr(text if len(text) <= 60 else text[:59] + "…")


@dataclass
class _Readers:
    """What reading a row needs: the columns, the outcome wordings and the others', the
    exemptions, and the order of each date column."""

    columns: Columns
    outcomes: OutcomeReader
    exemptions: ExemptionIndex
    date_orders: dict[str, DateOrder | None]
    wordings: dict[str, WordingReader] = field(
        default_factory=lambda: {name: WordingReader.of(name) for name in known.CHOICE_WORDINGS}
    )


def _check_row(row: LogRow, readers: _Readers, values: SummaryValues) -> Entry:
    """One row as an entry, with its errors and notes; nothing read from the log."""
    columns = readers.columns
    reference = cell_text(columns.cell(row, known.REFERENCE))
    entry = Entry(reference, [row])
    unread: set[str] = set()  # fields whose cell is an error

    def reading(name: str, read: Callable[[Any], Any], summarised: bool = True) -> Any:
        """``read`` the field's cell; count the value in the summary when not understood,
        or read with a note."""
        cell = columns.cell(row, name)
        try:
            result = read(cell)
        except ValueError as error:
            unread.add(name)
            entry.errors.append(str(error))
            if summarised:
                values.add(True, columns.heading(name), cell_text(cell), row.number, str(error))
            return None
        if isinstance(result, Read):
            if result.note:
                entry.notes.append(result.note)
                if summarised:
                    values.add(
                        False, columns.heading(name), cell_text(cell), row.number, result.note
                    )
            return result.value
        return result

    reading(known.REFERENCE, read_reference, summarised=False)
    entry.values["title"] = reading(known.TITLE, read_title, summarised=False)
    dates: dict[str, dt.date | None] = {}
    for f in known.FIELDS:
        if not columns.has(f.name):
            continue
        if f.name in _TEXTS:
            entry.values[f.attribute] = cell_text(columns.cell(row, f.name))
        elif f.name == known.OUTCOME:
            outcome = reading(f.name, readers.outcomes.read)
            if outcome == known.SKIP:
                entry.skip = True
            elif outcome is not None:
                entry.values[f.attribute] = outcome
        elif f.name in _DATES:
            order = readers.date_orders.get(f.name)
            dates[f.name] = reading(
                f.name, lambda cell, order=order, f=f: read_date(cell, order, f.label)
            )
            if f.attribute:  # else a clarification's
                entry.values[f.attribute] = dates[f.name]
        elif f.name in _LINES:
            entry.values[f.attribute] = reading(
                f.name, lambda cell, f=f: read_line(cell, f.label, f.attribute)
            )
        elif f.name in _LINKS:
            entry.values[f.attribute] = reading(
                f.name, lambda cell, f=f: read_link(cell, f.label, f.attribute)
            )
        elif f.name in readers.wordings:
            entry.values[f.attribute] = reading(f.name, readers.wordings[f.name].read)
    clarification = (known.CLARIFICATION_ASKED, known.CLARIFICATION_ANSWERED)
    if any(columns.has(name) for name in clarification):
        entry.clarifications = []
        if not unread & set(clarification):
            asked, answered = (dates.get(name) for name in clarification)
            _clarify(entry, asked, answered)
    if columns.has(known.EXEMPTIONS):
        entry.exemption_ids = []
        for index in columns.by_field[known.EXEMPTIONS]:
            cell = row.cells[index]
            heading = columns.headings[index]
            try:
                pks, notes = readers.exemptions.read(cell)
            except ValueError as error:
                entry.errors.append(str(error))
                values.add(True, heading, cell_text(cell), row.number, str(error))
                continue
            entry.exemption_ids = unite(entry.exemption_ids, pks)
            for note in notes:
                entry.notes.append(note)
                values.add(False, heading, cell_text(cell), row.number, note)
    if columns.has(known.KEYWORDS):
        entry.keyword_names = []
        try:
            entry.keyword_names = read_keywords(columns.cells(row, known.KEYWORDS))
        except ValueError as error:
            entry.errors.append(str(error))
    return entry


def _clarify(entry: Entry, asked: dt.date | None, answered: dt.date | None) -> None:
    """Give ``entry`` the clarification of its row, asked and answered on the days given
    (each None when blank), or the error that says why it cannot be one."""
    if asked is None:
        if answered is not None:
            entry.errors.append(
                f"The clarification answered on {answered:%d/%m/%Y} has no date it was "
                "asked for: a clarification is recorded from the day it was asked."
            )
        return
    clarification = Clarification(asked=asked, answered=answered)
    try:
        clarification.clean()
    except ValidationError as error:
        labels = {
            "asked": known.FIELD_BY_NAME[known.CLARIFICATION_ASKED].label,
            "answered": known.FIELD_BY_NAME[known.CLARIFICATION_ANSWERED].label,
        }
        entry.errors += _broken_rules(error, clarification, labels)
        return
    entry.clarifications = [(asked, answered)]


def _broken_rules(error: ValidationError, instance: Any, labels: Mapping[str, str]) -> list[str]:
    """The model's validation ``error`` about ``instance`` as an import's errors: each
    message, and the value it is about, by its label (``labels`` by field name)."""
    found = []
    for name, messages in error.message_dict.items():
        value = getattr(instance, name, None) if name in labels else None
        if isinstance(value, dt.date):
            value = f"{value:%d/%m/%Y}"
        about = f" ({labels[name]} {value})" if value else ""
        found += [f"{message.rstrip('.')}{about}." for message in messages]
    return found


# The survey: the whole of each date column, and the references on several rows ----------


@dataclass
class _Survey:
    rows: int = 0
    dates: dict[str, DateColumn] = field(default_factory=dict)
    # Rows of each reference found on more than one row.
    repeated: dict[str, list[int]] = field(default_factory=dict)


def _survey(log: LogFile, columns: Columns, progress: Progress | None) -> _Survey:
    survey = _Survey()
    for name in _DATES:
        if columns.has(name):
            survey.dates[name] = DateColumn(columns.heading(name))
    # Each reference's first row, until a second is seen: a few dozen bytes a row.
    first_row: dict[str, int] = {}

    def read_bytes(done: int, of: int) -> None:
        if progress:
            progress(READING, done, of)

    for row in log.rows(read_bytes):
        survey.rows += 1
        for name, column in survey.dates.items():
            column.observe(row.number, columns.cell(row, name))
        reference = cell_text(columns.cell(row, known.REFERENCE))
        if reference:
            if reference in survey.repeated:
                survey.repeated[reference].append(row.number)
            elif reference in first_row:
                survey.repeated[reference] = [first_row.pop(reference), row.number]
            else:
                first_row[reference] = row.number
    return survey


# Running an import -----------------------------------------------------------------------


# Makes what writes an import's entries, a chunk at a time, from the log's keywords and
# exemptions (see ``writing.import_log``).
WriterFor = Callable[["Keywords", ExemptionIndex], Callable[[list["Entry"]], None]]


def run(
    log: LogFile,
    options: Options,
    *,
    writer_for: WriterFor | None = None,
    progress: Progress | None = None,
) -> ImportReport:
    """Read ``log`` twice, check every row, settle each entry against the log and, with
    a ``writer_for``, write it: in one transaction, rolled back if any row has an error
    (unless ``options.skip_invalid``). Returns the report. Raises ``LogFileError`` when
    the file as a whole cannot be imported."""
    write = writer_for is not None
    columns = Columns.of(log, options.columns)
    report = ImportReport(
        log.filename,
        columns=columns.read(),
        ignored_columns=columns.ignored,
        skip_invalid=options.skip_invalid,
        dry_run=not write,
    )
    readers = _Readers(columns, OutcomeReader(options.outcomes), ExemptionIndex.load(), {})
    survey = _survey(log, columns, progress)
    for name, column in survey.dates.items():
        readers.date_orders[name] = column.order(options.dates)
        if note := column.note(options.dates):
            report.column_notes.append(note)
    for name in (known.OUTCOME, known.RESPONSE_DATE, known.REQUEST):
        if not columns.has(name):
            label = known.FIELD_BY_NAME[name].label
            report.column_notes.append(
                f"No column holds the {label}: new entries' {label} is not recorded."
            )

    values = SummaryValues()
    keywords = Keywords()
    refused = None
    if write and options.skip_invalid and options.refused_file is not None:
        refused = RefusedRows(options.refused_file, log.headings)
    settling = _Settling(log, options, report, keywords, refused)
    with transaction.atomic():
        if writer_for is not None:
            settling.write = writer_for(keywords, readers.exemptions)
        merging: dict[str, Entry] = {}
        stage = IMPORTING if write else CHECKING
        for done, row in enumerate(log.rows(), 1):
            entry = _check_row(row, readers, values)
            if len(report.preview) < PREVIEW_ROWS:
                report.preview.append(_preview(entry, columns))
            if entry.reference in survey.repeated and not entry.skip:
                if entry.reference in merging:
                    merging[entry.reference].merge(entry, _LABELS)
                else:
                    merging[entry.reference] = entry
            else:
                settling.add(entry)
            if progress and done % PROGRESS_EVERY == 0:
                progress(stage, done, survey.rows)
        for entry in merging.values():
            settling.add(entry)
        settling.flush()
        if progress:
            progress(stage, survey.rows, survey.rows)
        report.unrecognised = values.listed(error=True)
        report.noted = values.listed(error=False)
        report.more_values = values.more
        report.outcome_wordings = sorted(
            {v.value for v in report.unrecognised if v.column == columns.heading(known.OUTCOME)}
        )
        report.new_keywords = sorted([*keywords.new.values(), *keywords.created], key=str.lower)
        if refused is not None:
            refused.close()
            if refused.count:
                report.refused_file = refused.path
        if write and (options.skip_invalid or not report.has_errors):
            report.written = True
        elif write:
            transaction.set_rollback(True)
    return report


def _preview(entry: Entry, columns: Columns) -> PreviewRow:
    shown = []
    for f in known.FIELDS:
        if not columns.has(f.name):
            continue
        if f.name == known.EXEMPTIONS:
            text = f"{len(entry.exemption_ids or [])} cited"
        elif f.name == known.KEYWORDS:
            text = ", ".join(entry.keyword_names or [])
        elif f.name == known.REFERENCE:
            text = entry.reference
        elif f.attribute is None:  # a clarification's dates
            which = 0 if f.name == known.CLARIFICATION_ASKED else 1
            text = ", ".join(c[which].isoformat() for c in entry.clarifications or () if c[which])
        else:
            value = entry.values.get(f.attribute)
            if f.name == known.OUTCOME and entry.skip:
                value = "left out"
            elif choices := Disclosure._meta.get_field(f.attribute).choices:
                value = dict(choices).get(value, "")
            text = value.isoformat() if hasattr(value, "isoformat") else str(value or "")
        shown.append((f.label, text if len(text) <= 120 else text[:119] + "…"))
    return PreviewRow(entry.rows[0].number, shown, entry.errors + entry.notes)


class _Settling:
    """Entries settled against the log a chunk at a time, written if writing, and
    reported."""

    def __init__(
        self,
        log: LogFile,
        options: Options,
        report: ImportReport,
        keywords: Keywords,
        refused: RefusedRows | None,
    ) -> None:
        self.log, self.options, self.report = log, options, report
        self.keywords, self.refused = keywords, refused
        self.write: Callable[[list[Entry]], None] | None = None
        self.chunk: list[Entry] = []

    def add(self, entry: Entry) -> None:
        if entry.skip:
            self._report(entry, Action.SKIP, entry.notes)
        elif entry.errors:
            self._refuse(entry)
        else:
            self.chunk.append(entry)
            if len(self.chunk) >= CHUNK_SIZE:
                self.flush()

    def flush(self) -> None:
        chunk, self.chunk = self.chunk, []
        if not chunk:
            return
        settle(chunk, self.keywords, self.options)
        valid = []
        for entry in chunk:
            if entry.errors:
                self._refuse(entry)
            else:
                valid.append(entry)
                if entry.action in (Action.CREATE, Action.UPDATE):
                    for name in entry.keyword_names or ():
                        self.keywords.note(name)
                messages = list(entry.notes)
                if entry.action == Action.UPDATE:
                    messages.insert(0, "Changes " + _join(_changes(entry)) + ".")
                self._report(entry, entry.action, messages)
        # An all-or-nothing import stops writing at its first error: it is rolled back.
        if self.write is not None and (self.options.skip_invalid or not self.report.has_errors):
            self.write([e for e in valid if e.action in (Action.CREATE, Action.UPDATE)])

    def _refuse(self, entry: Entry) -> None:
        first = True
        for row in entry.rows:
            if first:
                reasons = entry.errors
            else:
                reasons = [
                    f"Row {entry.rows[0].number}, of the same reference, has errors: "
                    "they are imported together."
                ]
            self._report_row(row.number, entry.reference, Action.ERROR, reasons)
            if self.refused is not None:
                self.refused.add(row, self.log.headings, reasons)
            first = False

    def _report(self, entry: Entry, action: Action, messages: list[str]) -> None:
        for n, row in enumerate(entry.rows):
            said = messages if n == 0 else [f"Joined to row {entry.rows[0].number}."]
            self._report_row(row.number, entry.reference, action, said)

    def _report_row(self, number: int, reference: str, action: Action, messages: list[str]) -> None:
        self.report.counts[action] += 1
        # A long file's report keeps the rows with something to say.
        if self.options.keep_rows or action == Action.ERROR or messages:
            self.report.rows.append(RowResult(number, reference, action, list(messages)))


def _join(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _changes(entry: Entry) -> list[str]:
    names = [str(Disclosure._meta.get_field(name).verbose_name) for name in entry.changed_fields]
    return (
        names
        + ["exemptions"] * entry.exemptions_changed
        + ["keywords"] * entry.keywords_changed
        + ["clarifications"] * entry.clarifications_changed
    )


# Settling entries against the log --------------------------------------------------------


def settle(entries: list[Entry], keywords: Keywords, options: Options) -> None:
    """Decide create, update or unchanged for each entry, from the log as it is, in a
    few queries for the whole chunk. An entry created or changed must follow the model's
    rules (``Disclosure.clean``: no answer before receipt, no review completed before it
    was requested…), as it would be with the log's values of the columns the file has
    not; an update refused to staff who may not change entries is an error."""
    existing = _existing(
        [entry.reference for entry in entries],
        clarifications=any(entry.clarifications is not None for entry in entries),
    )
    for entry in entries:
        found = existing.get(entry.reference)
        if found is None:
            entry.action = Action.CREATE
            new = Disclosure(**{**NOT_RECORDED_VALUES, **entry.values})
            # A draft is checked when it is published.
            entry.needs_review = (
                _follows_the_rules(new, entry) and options.publish and _needs_review(new, entry)
            )
            continue
        disclosure, exemption_ids, keyword_ids, clarifications = found
        entry.existing = disclosure
        entry.exemptions_before, entry.keywords_before = exemption_ids, keyword_ids
        entry.clarifications_before = clarifications
        entry.changed_fields = [
            name
            for name in Disclosure.TRACKED_FIELDS
            if name in entry.values
            and not _same_value(getattr(disclosure, name), entry.values[name])
        ]
        entry.exemptions_changed = (
            entry.exemption_ids is not None and set(entry.exemption_ids) != exemption_ids
        )
        entry.keywords_changed = (
            entry.keyword_names is not None and keywords.ids(entry.keyword_names) != keyword_ids
        )
        entry.clarifications_changed = (
            entry.clarifications is not None
            and entry.clarifications != asked_in_order(clarifications)
        )
        if not (
            entry.changed_fields
            or entry.exemptions_changed
            or entry.keywords_changed
            or entry.clarifications_changed
        ):
            entry.action = Action.UNCHANGED
        elif not options.update_existing:
            entry.errors.append(
                f"{entry.reference} is already in the log and you may not change "
                "existing disclosures."
            )
            continue
        else:
            entry.action = Action.UPDATE
        if disclosure.status == Disclosure.Status.WITHDRAWN:
            entry.notes.append("Withdrawn: it stays withdrawn.")
        if entry.action != Action.UPDATE:
            continue
        changed = copy.copy(disclosure)
        for name in entry.changed_fields:
            setattr(changed, name, entry.values[name])
        if (
            _follows_the_rules(changed, entry)
            and disclosure.status == Disclosure.Status.PUBLISHED
            and set(entry.changed_fields) & set(_CHECKED_FIELDS)
        ):
            # As the admin does when a published entry's text gains unreviewed findings.
            entry.needs_review = _needs_review(changed, entry)


# The texts the safety check reads (``Disclosure.safety_findings``).
_CHECKED_FIELDS = ("title", "request_text", "response_narrative")


def _follows_the_rules(disclosure: Disclosure, entry: Entry) -> bool:
    """Whether ``disclosure``, as the entry would make it, follows the model's rules
    (``Disclosure.clean``, as the admin checks them); if not, the entry has errors
    saying which."""
    try:
        disclosure.clean()
    except ValidationError as error:
        entry.errors += _broken_rules(error, disclosure, _LABELS)
        return False
    return True


def _needs_review(disclosure: Disclosure, entry: Entry) -> bool:
    """Whether the publish gate (``Disclosure.reasons_not_to_publish``, as ``publish()``
    and the admin ask it) keeps the entry from being public; if so, say why in the
    entry's notes, with the first safety findings."""
    if not disclosure.reasons_not_to_publish():
        return False
    findings = disclosure.safety_findings()
    listed = "; ".join(f"{where}: {finding.message}" for where, finding in findings[:3])
    more = f" (and {len(findings) - 3} more)" if len(findings) > 3 else ""
    entry.notes.append(
        f"Safety check: {listed}{more}. It stays a draft until a publisher reviews it."
    )
    return True


def _same_value(stored: Any, new: Any) -> bool:
    # Text typed into the admin keeps the browser's \r\n; an import writes \n.
    if isinstance(stored, str):
        stored = stored.replace("\r\n", "\n").strip()
    return stored == new


def _existing(
    references: list[str], *, clarifications: bool = False
) -> dict[str, tuple[Disclosure, set[int], set[int], list[Clarified]]]:
    """Disclosures already in the log by reference, with their exemption and keyword ids,
    and (if asked for) their clarifications in the order the history lists them."""
    if not references:
        return {}
    found: dict[str, tuple[Disclosure, set[int], set[int], list[Clarified]]] = {}
    disclosures = {
        d.pk: d
        for d in Disclosure.objects.filter(reference__in=references)
        # Documents: the safety check of an updated entry reads their findings too.
        .prefetch_related("documents")
        .defer("search_vector", "keywords_text", "documents_text", "imported_row")
    }
    if not disclosures:
        return found
    exemption_ids: dict[int, set[int]] = {pk: set() for pk in disclosures}
    keyword_ids: dict[int, set[int]] = {pk: set() for pk in disclosures}
    exemption_links = Disclosure.exemptions.through.objects.filter(disclosure_id__in=disclosures)
    for disclosure_id, exemption_id in exemption_links.values_list("disclosure_id", "exemption_id"):
        exemption_ids[disclosure_id].add(exemption_id)
    keyword_links = Disclosure.keywords.through.objects.filter(disclosure_id__in=disclosures)
    for disclosure_id, keyword_id in keyword_links.values_list("disclosure_id", "keyword_id"):
        keyword_ids[disclosure_id].add(keyword_id)
    asked: dict[int, list[Clarified]] = {pk: [] for pk in disclosures}
    if clarifications:
        for disclosure_id, *dates in (
            Clarification.objects.filter(disclosure_id__in=disclosures)
            .order_by("asked", "id")
            .values_list("disclosure_id", "asked", "answered")
        ):
            asked[disclosure_id].append(tuple(dates))
    for pk, disclosure in disclosures.items():
        found[disclosure.reference] = (disclosure, exemption_ids[pk], keyword_ids[pk], asked[pk])
    return found


def dry_run(
    log: LogFile, options: Options | None = None, progress: Progress | None = None
) -> ImportReport:
    """Check every row of ``log`` against the log and report what an import would do.
    Writes nothing. Raises ``LogFileError`` when the file as a whole cannot be imported."""
    return run(log, options or Options(), progress=progress)


def options_from(items: Iterable[str], what: str) -> dict[str, str | None]:
    """``["Heading=field", "Other="]`` as {heading: field or None}: the values of a
    repeated option ``what`` (--map, --outcome). Raises ``LogFileError``."""
    found: dict[str, str | None] = {}
    for item in items:
        left, equals, right = item.partition("=")
        if not equals or not left.strip():
            raise LogFileError(f'{what} takes "Heading=value", not {item!r}.')
        found[left.strip()] = right.strip() or None
    return found
