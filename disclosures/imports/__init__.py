"""Importing an authority's existing disclosure log, as it is, losing nothing.

Real logs are untidy: their headings, outcome wordings, exemption citations and dates
differ from one authority to the next, and some record no outcome or no response date.
The import reads such a file (``read_log``), checks every row against the log
(``dry_run``) and writes it (``import_log``), all-or-nothing unless the invalid rows are
to be skipped. Re-importing the same file changes nothing: a reference already in the log
is updated in place only where the file says something new. Each entry keeps the row, or
rows, it came from.

By concern:

``known``    the one table of headings and wordings the import knows
``files``    reading CSV and XLSX files a row at a time; the file of refused rows
``values``   reading cells: references and texts, outcomes, dates, citations, keywords
``plan``     which column holds what, which rows are one entry, what each entry does
``report``   what an import says: its summary, then row by row
``writing``  writing entries, their links and their history, a chunk at a time
``uploads``  keeping an upload between the admin's check and its import

The admin's "Import a log" page and ``manage.py import_log`` are thin wrappers over this
package.
"""

from __future__ import annotations

from collections.abc import Mapping

from disclosures.imports import known
from disclosures.imports.files import LogFile, LogFileError, Source
from disclosures.imports.files import read_log as _open_log
from disclosures.imports.plan import (
    CHECKING,
    IMPORTING,
    READING,
    Options,
    Progress,
    dry_run,
    is_heading_for,
    options_from,
)
from disclosures.imports.report import Action, ImportReport, PreviewRow, RowResult, ValueCount
from disclosures.imports.uploads import (
    MAX_UPLOAD_SIZE,
    discard_upload,
    keep_upload,
    kept_upload,
)
from disclosures.imports.values import DateOrder, ExemptionIndex
from disclosures.imports.writing import import_log

__all__ = [
    "CHECKING",
    "IMPORTING",
    "MAX_UPLOAD_SIZE",
    "READING",
    "Action",
    "DateOrder",
    "ExemptionIndex",
    "ImportReport",
    "LogFile",
    "LogFileError",
    "Options",
    "PreviewRow",
    "Progress",
    "RowResult",
    "ValueCount",
    "discard_upload",
    "dry_run",
    "import_log",
    "keep_upload",
    "kept_upload",
    "known",
    "options_from",
    "read_log",
]


def read_log(
    source: Source,
    filename: str | None = None,
    *,
    sheet: str | None = None,
    columns: Mapping[str, str | None] | None = None,
) -> LogFile:
    """Open a log file (its bytes or its path) and find its heading row: the first of
    its top rows naming at least three columns the import knows, or ``columns`` names.
    Raises ``LogFileError`` when the file cannot be read."""
    return _open_log(source, filename, sheet=sheet, is_heading=is_heading_for(columns or {}))
