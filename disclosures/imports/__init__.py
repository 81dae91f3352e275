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
``writing``  writing entries, their links and their history, a chunk at a time
``uploads``  keeping an upload between the admin's check and its import

The admin's "Import a log" page and ``manage.py import_log`` are thin wrappers over this
package.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from disclosures.imports import known
from disclosures.imports.files import LogFile, LogFileError, Source
from disclosures.imports.files import read_log as _open_log
from disclosures.imports.plan import (
    CHECKING,
    IMPORTING,
    READING,
    Action,
    ImportReport,
    Options,
    PreviewRow,
    Progress,
    RowResult,
    ValueCount,
    dry_run,
    is_heading_for,
    options_from,
    run,
)
from disclosures.imports.uploads import (
    MAX_UPLOAD_SIZE,
    discard_upload,
    keep_upload,
    kept_upload,
)
from disclosures.imports.values import DateOrder, ExemptionIndex

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


def import_log(
    log: LogFile,
    options: Options | None = None,
    *,
    user: Any = None,
    progress: Progress | None = None,
) -> ImportReport:
    """Check ``log`` as ``dry_run`` does and write it, in one transaction.

    New references become disclosures, published at 09:00 UK time on their response
    date (when imported, if the log recorded none), or drafts unless
    ``options.publish``; existing ones are updated in place, their exemptions and
    keywords set as the file gives them. Columns absent from the file are left as they
    are on existing disclosures. The status of an existing disclosure is not changed,
    except that a published one whose new text the safety check flags returns to draft,
    as in the admin; a new row the check flags is a draft too. ``user`` is recorded as
    the last to change each row written, and every row written gets an entry in its
    history.

    If any row has an error nothing is written and the report says why (``has_errors``),
    unless ``options.skip_invalid``: then the valid rows are written and the refused
    ones go to ``options.refused_file``. Raises ``LogFileError`` when the file as a whole
    cannot be imported, and database errors (after rolling back).
    """
    return run(log, options or Options(), write=True, user=user, progress=progress)
