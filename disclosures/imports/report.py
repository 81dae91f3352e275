"""What an import says: the summary at its head (columns, how dates are read, each
distinct value not understood or read with a note, the first rows as imported), then
what happens to each row."""

from __future__ import annotations

import enum
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

# Distinct values listed in the summary, per column: a column where every row is wrong
# needs fixing as a whole, not a list of a hundred thousand values.
SUMMARY_VALUES = 200


class Action(enum.StrEnum):
    CREATE = "create"
    UPDATE = "update"
    UNCHANGED = "unchanged"
    SKIP = "left out"
    ERROR = "error"


@dataclass
class RowResult:
    """What happens to one row: its number in the file, reference, action and messages.

    For an error row the messages say what is wrong; otherwise they are notes (what an
    update changes, a citation recorded as its section, why a row is left out).
    """

    number: int
    reference: str
    action: Action
    messages: list[str] = field(default_factory=list)


@dataclass
class ValueCount:
    """One distinct value of a column, in how many rows, from which row, and what was
    made of it: for the summary at the head of a report."""

    column: str
    value: str
    rows: int
    first_row: int
    message: str


@dataclass
class PreviewRow:
    """One of the first rows as it would be imported: (field, value) pairs, or what is
    wrong with it."""

    number: int
    values: list[tuple[str, str]]
    messages: list[str]


@dataclass
class ImportReport:
    """The outcome of a dry run or an import: its summary, then row by row."""

    filename: str
    columns: list[tuple[str, str]] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    column_notes: list[str] = field(default_factory=list)
    # Each distinct value not understood, and each read with a word to say.
    unrecognised: list[ValueCount] = field(default_factory=list)
    noted: list[ValueCount] = field(default_factory=list)
    more_values: int = 0  # distinct values past SUMMARY_VALUES, not listed
    preview: list[PreviewRow] = field(default_factory=list)
    rows: list[RowResult] = field(default_factory=list)
    counts: Counter[Action] = field(default_factory=Counter)
    new_keywords: list[str] = field(default_factory=list)
    outcome_wordings: list[str] = field(default_factory=list)  # wordings not understood
    refused_file: Path | None = None
    skip_invalid: bool = False
    dry_run: bool = True
    written: bool = False

    @property
    def unknown_columns(self) -> list[str]:
        return self.ignored_columns

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
        return self.counts[Action.ERROR] > 0

    @property
    def to_write(self) -> int:
        """Rows an import creates or updates."""
        return self.counts[Action.CREATE] + self.counts[Action.UPDATE]

    def summary(self) -> str:
        """The counts in words: "3 to create, 1 to update, 2 unchanged, 0 left out, 0 with
        errors" (after an import: "created", "updated"; with --skip-invalid: "refused")."""
        counts = self.counts
        created, updated = ("created", "updated") if self.written else ("to create", "to update")
        errors = "refused" if self.skip_invalid else "with errors"
        return (
            f"{counts[Action.CREATE]} {created}, {counts[Action.UPDATE]} {updated}, "
            f"{counts[Action.UNCHANGED]} unchanged, {counts[Action.SKIP]} left out, "
            f"{counts[Action.ERROR]} {errors}"
        )


class SummaryValues:
    """The distinct values of the summary, counted as rows are checked."""

    def __init__(self) -> None:
        self.seen: dict[tuple[bool, str, str], ValueCount] = {}
        self.per_column: Counter[str] = Counter()
        self.more = 0

    def add(self, error: bool, column: str, value: str, number: int, message: str) -> None:
        key = (error, column, value)
        if key in self.seen:
            self.seen[key].rows += 1
        elif self.per_column[column] < SUMMARY_VALUES:
            self.per_column[column] += 1
            self.seen[key] = ValueCount(column, value, 1, number, message)
        else:
            self.more += 1

    def listed(self, error: bool) -> list[ValueCount]:
        found = [count for (is_error, _, _), count in self.seen.items() if is_error == error]
        return sorted(found, key=lambda c: (c.column, -c.rows, c.first_row))
