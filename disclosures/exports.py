"""The log as data files: ``/disclosures/export.csv`` and ``/disclosures/export.json``.

Both take the list page's parameters through the shared DisclosureFilter and hold every
result, always in date order: newest first, or oldest first with ``sort=oldest``. Never
by relevance, which would rank every match before the first row could be sent (seconds
for a common word in a million entries); in date order the first rows come from the
date index at once. They are streamed: rows are read from the database a chunk at a
time (a server-side cursor; exemptions and keywords named from the ids each row carries)
and written out as they come, so a million rows need no more memory than a thousand.

The whole log, with no parameter, is a file the background worker builds after every
change (``WholeLogFile``) and the server sends as a file: compressed, with an ETag, no
query beyond the validators'. Any other download is put together from that file's rows,
found by id (the same bytes, without a row read or written). Until a change is built, a
download is made afresh.

A download holds a thread while it streams (made afresh, a database connection too), so
one client address may have only three running at once (``DOWNLOADS_PER_CLIENT``;
another answers 429 until one finishes), and one server process only two
(``DOWNLOADS_PER_PROCESS``; another answers 503): the other threads always serve pages
(docs/deploy.md runs gunicorn with threads for this).

Columns, in this order; new ones are only ever added at the end:

``reference``      as the authority writes it
``title``
``request``        what was asked
``outcome``        machine value, e.g. ``granted-in-part`` (see ``/api/v1/outcomes/``)
``outcome_label``  the outcome in words
``exemptions``     codes cited, e.g. ``s40(2); s31(1)(a)``
``response_date``  ISO date, ``2024-03-01``; empty when the log recorded none
``narrative``      the response
``keywords``       names, joined by ``; ``
``url``            the disclosure's permalink
``received_date``  ISO date the request arrived; blank when not known
``clarifications`` each clarification asked for: ``asked to answered`` (ISO dates), ``; ``
``extension_due_date``  ISO date the due date was extended to
``extension_reason``
``due_date``       when the answer was due (see ``time_limits``); blank when not known
``working_days``   working days the answer took; blank when not known
``timeliness``     ``met-deadline``, ``permitted-extension``, ``deadline-exceeded`` or
                   ``unknown`` (no received date: never counted as in time)
``review_requested``, ``review_completed``  ISO dates of the internal review
``review_outcome`` ``upheld``, ``partly-upheld``, ``overturned``
``commissioner_reference``     the complaint to the Commissioner
``decision_notice_reference``, ``decision_notice_url``
``commissioner_outcome``       ``upheld``, ``partly-upheld``, ``not-upheld``, ``closed``
"""

from __future__ import annotations

import csv
import datetime
import gzip
import hashlib
import json
import mmap
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from django.conf import settings
from django.contrib.postgres.expressions import ArraySubquery
from django.core.files import File
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.db.models import CharField, OuterRef, QuerySet, Value
from django.db.models.functions import Cast, Coalesce, Concat
from django.http import (
    FileResponse,
    HttpRequest,
    HttpResponse,
    HttpResponseNotModified,
    StreamingHttpResponse,
)
from django.utils import timezone, translation
from django.utils.cache import patch_cache_control
from django.utils.http import http_date, quote_etag
from django.views.decorators.http import require_safe

from disclosures import counting, freshness
from disclosures.filters import DisclosureFilter
from disclosures.models import (
    Clarification,
    Disclosure,
    Exemption,
    Keyword,
    Outcome,
    WholeLogFile,
)
from disclosures.results import Results
from disclosures.time_limits import Timeliness, WorkingCalendar, answer_time
from foilog.limits import Limit
from foilog.proxy import client_ip

COLUMNS = (
    "reference",
    "title",
    "request",
    "outcome",
    "outcome_label",
    "exemptions",
    "response_date",
    "narrative",
    "keywords",
    "url",
    "received_date",
    "clarifications",
    "extension_due_date",
    "extension_reason",
    "due_date",
    "working_days",
    "timeliness",
    "review_requested",
    "review_completed",
    "review_outcome",
    "commissioner_reference",
    "decision_notice_reference",
    "decision_notice_url",
    "commissioner_outcome",
)
# Rows read from the database at a time: memory is bounded by one chunk.
CHUNK_SIZE = 1000
# Written out in blocks of about this many characters rather than row by row, so a
# million rows are not a million writes to the socket.
BLOCK_SIZE = 64 * 1024
# Spreadsheet programs treat a cell starting with one of these as a formula. Titles and
# requests are typed by the public, so "=HYPERLINK(...)" in a request would become a live
# formula on the machine of whoever opens the download (CSV injection); a leading
# apostrophe makes the spreadsheet show the text as it was written.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# The columns the download writes itself, none of which can start as a formula does: ISO
# dates (four-digit years), the permalink (the site's scheme first), a count of days, a
# timeliness. Every other column is text as stored, and is made spreadsheet-safe.
WRITTEN_HERE = frozenset(
    {
        "response_date",
        "url",
        "received_date",
        "extension_due_date",
        "due_date",
        "working_days",
        "timeliness",
        "review_requested",
        "review_completed",
    }
)
_STORED_TEXT = tuple(i for i, column in enumerate(COLUMNS) if column not in WRITTEN_HERE)


def records(queryset: QuerySet, site: str) -> Iterator[tuple[int, list[str]]]:
    """Each disclosure of ``queryset``: its id, and its row of the download, the cells in
    the order of COLUMNS; fetched CHUNK_SIZE at a time. ``site`` (scheme and host) makes
    the permalinks absolute.

    What every row shares is taken now, in the request: the outcome labels, and the
    permalinks' route (``Disclosure.absolute_urls``). The rows are made later, while the
    response streams.

    The labels are in the site's language whatever the page's, as the timeliness
    table's headings are: a download is data, the same file for every visitor, so the
    whole log's built file serves them all.
    """
    with translation.override(settings.LANGUAGE_CODE):
        labels = {value: str(label) for value, label in Outcome.choices}
    return _rows(queryset, site, labels, Disclosure.absolute_urls())


# Each row's columns as read: plain values, not model instances, and the ids of its
# exemptions and keywords that the row carries (kept by triggers), named from two small
# lookups. Building instances and prefetching their links took most of a download's
# time: 6 s for 16,000 rows, which under load outlasted the server's worker timeout.
_FIELDS = (
    "pk",
    "reference",
    "title",
    "request_text",
    "outcome",
    "response_date",
    "response_narrative",
    "exemption_ids",
    "keyword_ids",
    # How the request was handled (see ``handling_columns``).
    *Disclosure.HANDLING_FIELDS,
    "clarification_dates",
    "clarified",
    "awaiting_clarification",
)


def _rows(
    queryset: QuerySet,
    site: str,
    labels: dict[str, str],
    absolute_url: Callable[[str], str],
) -> Iterator[tuple[int, list[str]]]:
    # In each model's own order, as the page lists them: (position, code), name.
    exemptions = {
        pk: (rank, code)
        for rank, (pk, code) in enumerate(Exemption.objects.values_list("pk", "code"))
    }
    keywords = {
        pk: (rank, name)
        for rank, (pk, name) in enumerate(Keyword.objects.values_list("pk", "name"))
    }

    def named(ids: list[int], names: dict[int, tuple[int, str]]) -> str:
        if not ids:  # as a disclosure granted in full cites no exemption
            return ""
        # Lists, not generators: sorted() and join() would make them anyway, more slowly.
        return "; ".join([name for _rank, name in sorted([names[pk] for pk in ids if pk in names])])

    rows = (
        queryset.with_clarification_dates()
        .annotate(clarification_dates=_clarification_dates())
        .values_list(*_FIELDS)
        .iterator(chunk_size=CHUNK_SIZE)
    )
    calendar = None
    for row in rows:
        pk, reference, title, request, outcome, date, narrative = row[:7]
        exemption_ids, keyword_ids = row[7:9]
        handling = dict(zip(_FIELDS[9:], row[9:], strict=True))
        received = handling["received_date"]
        if calendar is None or not calendar.covers(date, received or date):
            calendar = WorkingCalendar.covering([date, received])
        # The cells in the columns' order, as they are written: no dict made to be taken
        # apart again by the CSV writer.
        yield (
            pk,
            [
                reference,
                title,
                request,
                outcome,
                labels.get(outcome, outcome),
                named(exemption_ids, exemptions),
                _iso(date),
                narrative,
                named(keyword_ids, keywords),
                site + absolute_url(reference),
                *handling_columns(date, handling, calendar),
            ],
        )


def _clarification_dates() -> ArraySubquery:
    """Each clarification of the row's disclosure as ``asked to answered``, in order."""
    return ArraySubquery(
        Clarification.objects.filter(disclosure=OuterRef("pk"))
        .order_by("asked", "id")
        .values(
            text=Concat(
                Cast("asked", CharField()),
                Value(" to "),
                Coalesce(Cast("answered", CharField()), Value("")),
            )
        )
    )


def handling_columns(
    answered: datetime.date | None, row: dict, calendar: WorkingCalendar
) -> list[str]:
    """The columns of how a request was handled (``received_date`` to
    ``commissioner_outcome``), from the fields read (``row``), with its due date, working
    days taken and timeliness counted as the statistics count them."""
    time = answer_time(
        row["received_date"],
        answered,
        clarified=row["clarified"],
        awaiting_clarification=row["awaiting_clarification"],
        extended_to=row["extension_due_date"],
        calendar=calendar,
    )
    return [
        _iso(row["received_date"]),
        "; ".join(row["clarification_dates"]),
        _iso(row["extension_due_date"]),
        row["extension_reason"],
        _iso(time.due) if time else "",
        str(time.working_days) if time else "",
        time.timeliness.value if time else Timeliness.UNKNOWN.value,
        _iso(row["review_requested"]),
        _iso(row["review_completed"]),
        row["review_outcome"],
        row["commissioner_reference"],
        row["decision_notice_reference"],
        row["decision_notice_url"],
        row["commissioner_outcome"],
    ]


def _iso(day: datetime.date | None) -> str:
    return day.isoformat() if day else ""


class _Line:
    """What csv.writer writes to: hands each written line back instead of storing it."""

    def write(self, line: str) -> str:
        return line


_CSV = csv.writer(_Line())


def _csv_row(cells: Sequence[str]) -> str:
    """One row as a CSV line, every cell made spreadsheet-safe: an apostrophe in front
    of a cell a spreadsheet would run as a formula."""
    cells = list(cells)
    # Only the stored text can start as a formula does (see WRITTEN_HERE); checked here
    # rather than by a function called for each of a million rows' cells.
    for column in _STORED_TEXT:
        if cells[column].startswith(FORMULA_STARTS):
            cells[column] = "'" + cells[column]
    return _CSV.writerow(cells)


# One encoder for every row: json.dumps(ensure_ascii=False) makes a new one at each call.
_JSON = json.JSONEncoder(ensure_ascii=False)


def _json_row(cells: Sequence[str]) -> str:
    """One row as a JSON object keyed by the columns, on one line."""
    return _JSON.encode(dict(zip(COLUMNS, cells, strict=True)))


@dataclass(frozen=True)
class Layout:
    """How a kind of download is written: ``head``; then, when there are rows, ``lead``
    and each row (``row``), with ``between`` between two rows; then ``tail``. A built
    file records where each row's text lies in it, so that any filtered download can be
    put together from its rows' bytes (see ``_from_built_file``)."""

    content_type: str
    head: str
    lead: str
    between: str
    tail: str
    row: Callable[[Sequence[str]], str]

    def pieces(self, rows: Iterable[bytes]) -> Iterator[tuple[bool, bytes]]:
        """The file in pieces of UTF-8, each marked whether it is a row: the head, then
        ``rows`` (each ``row`` written and encoded, or its bytes in a built file) after
        ``lead`` or ``between``, then the tail."""
        yield False, self.head.encode()
        before, between = self.lead.encode(), self.between.encode()
        for row in rows:
            if before:  # none between a CSV's lines
                yield False, before
            yield True, row
            before = between
        yield False, self.tail.encode()


LAYOUTS = {
    # The file starts with a byte-order mark: without it Excel, which most people open a
    # CSV with, reads UTF-8 as Windows-1252 and garbles "–" and accented names.
    WholeLogFile.Kind.CSV: Layout(
        "text/csv; charset=utf-8", "\ufeff" + _CSV.writerow(COLUMNS), "", "", "", _csv_row
    ),
    # A JSON array, one object a line; "[\n]\n" when there are no rows.
    WholeLogFile.Kind.JSON: Layout("application/json", "[", "\n", ",\n", "\n]\n", _json_row),
}


def in_blocks(pieces: Iterable[bytes], size: int = BLOCK_SIZE) -> Iterator[bytes]:
    """``pieces`` joined into blocks of at least ``size`` bytes (the last may be
    shorter), so that nothing bigger than one block is ever held."""
    block: list[bytes] = []
    length = 0
    for piece in pieces:
        block.append(piece)
        length += len(piece)
        if length >= size:
            yield b"".join(block)
            block, length = [], 0
    if block:
        yield b"".join(block)


# Streamed downloads (all but the whole log's file) that one client address may have
# running at once (counted across every server with REDIS_URL, per server process
# without it), and that one server process streams at once: the rest of its threads
# serve pages. A slot a killed process never gave back lapses after 15 minutes.
DOWNLOADS_PER_CLIENT = Limit("downloads-client", requests=3, seconds=15 * 60)
DOWNLOADS_PER_PROCESS = Limit("downloads-process", requests=2, seconds=15 * 60)


class StreamedDownload(StreamingHttpResponse):
    """A streamed download that gives its slots back (the client's, the process's)
    when it is closed: when the last block is sent, or the client goes away."""

    def __init__(self, *args, slots: list[tuple[Limit, str]], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.slots = slots

    def close(self) -> None:
        # Before the rest of closing, which hands the database connection back.
        while self.slots:
            limit, holder = self.slots.pop()
            limit.release(holder)
        super().close()


def _download(request: HttpRequest, kind: str) -> HttpResponse:
    results = Results(request.GET)
    if (bad_request := results.bad_request()) is not None:
        return bad_request
    site = request.build_absolute_uri("/").removesuffix("/")
    built = current_file(kind, site)
    if built is not None and not request.GET:
        return whole_log_file(request, built)
    client, process = client_ip(request), f"process {os.getpid()}"
    if not DOWNLOADS_PER_CLIENT.allows(client):
        return HttpResponse(
            f"You have {DOWNLOADS_PER_CLIENT.requests} downloads of the log running "
            "already. Try again when one has finished.\n",
            status=429,
            content_type="text/plain; charset=utf-8",
            headers={"Retry-After": "30"},
        )
    if not DOWNLOADS_PER_PROCESS.allows(process):
        DOWNLOADS_PER_CLIENT.release(client)
        return HttpResponse(
            "The server is busy with other downloads. Try again in a minute.\n",
            status=503,
            content_type="text/plain; charset=utf-8",
            headers={"Retry-After": "60"},
        )
    filterset = results.filterset
    newest_first = filterset.cleaned("sort") != DisclosureFilter.Sort.OLDEST
    layout = LAYOUTS[kind]
    rows = None if built is None else _from_built_file(built, filterset.qs, newest_first)
    if rows is None:
        made = records(filterset.qs.in_date_order(newest_first), site)
        rows = (layout.row(cells).encode() for _pk, cells in made)
    return StreamedDownload(
        in_blocks(piece for _is_row, piece in layout.pieces(rows)),
        slots=[(DOWNLOADS_PER_CLIENT, client), (DOWNLOADS_PER_PROCESS, process)],
        content_type=layout.content_type,
        headers={"Content-Disposition": _attachment(kind)},
    )


def _attachment(kind: str) -> str:
    return f'attachment; filename="disclosures-{timezone.localdate():%Y-%m-%d}.{kind}"'


def current_file(kind: str, site: str) -> WholeLogFile | None:
    """The built file of the whole public log for ``site`` when it holds the log as it
    stands now; else None, and downloads are made afresh. Asked for from an address for
    the first time, the worker builds it from then on, after every change (see
    ``tasks.keep_whole_log_files_current``)."""
    version = freshness.log_state().digest
    built = WholeLogFile.objects.filter(kind=kind, site=site).first()
    if built is None:
        WholeLogFile.objects.bulk_create(
            [WholeLogFile(kind=kind, site=site)], ignore_conflicts=True
        )
        return None
    if built.version != version or not built.file:
        return None
    return built


def whole_log_file(request: HttpRequest, built: WholeLogFile) -> HttpResponse:
    """The built file of the whole public log (see ``current_file``), or 304 when the
    client has it."""
    kind = built.kind
    key = f"{kind}|{built.site}|{built.version}"
    etag = quote_etag(hashlib.sha256(key.encode()).hexdigest()[:32])
    if etag in request.headers.get("If-None-Match", ""):
        response = HttpResponseNotModified()
    else:
        gzipped = "gzip" in request.headers.get("Accept-Encoding", "")
        stored = built.compressed if gzipped else built.file
        response = FileResponse(stored.open("rb"), content_type=LAYOUTS[kind].content_type)
        response["Content-Disposition"] = _attachment(kind)
        if gzipped:
            response["Content-Encoding"] = "gzip"
    response["ETag"] = etag
    response["Last-Modified"] = http_date(built.built_at.timestamp())
    response["Vary"] = "Accept-Encoding"
    patch_cache_control(response, public=True, max_age=settings.FOILOG_PUBLIC_MAX_AGE)
    return response


# Where each row lies in a built file: its disclosure's id, the offset of its first byte
# and its length in bytes, as three little-endian 8-byte integers, in the order of ids.
_PLACES = np.dtype("<i8")


def _from_built_file(
    built: WholeLogFile, queryset: QuerySet, newest_first: bool
) -> Iterator[bytes] | None:
    """The rows of ``queryset``, in date order, as their bytes in ``built``, the current
    file of the whole log (see ``current_file``): what a download made afresh would
    write, without a row read or written. None when the file is not on this server's
    disk (remote storage) or lacks a row (changed meanwhile).

    A filtered download of 39,000 rows took 1.8 s made afresh, and most of a download's
    time under load; this way it costs one query for the ids and copying bytes.
    """
    if not built.row_places:
        return None
    try:
        with open(built.file.path, "rb") as source:
            data = mmap.mmap(source.fileno(), 0, access=mmap.ACCESS_READ)
        places = np.fromfile(built.row_places.path, dtype=_PLACES).reshape(-1, 3)
    except (NotImplementedError, OSError, ValueError):
        return None  # remote storage; a file deleted by a rebuild meanwhile; an empty one
    found = counting.ids_of(queryset)
    at = np.searchsorted(places[:, 0], found)
    if len(found) and (at.max() >= len(places) or not np.array_equal(places[at, 0], found)):
        data.close()
        return None
    starts, lengths = places[at, 1], places[at, 2]
    order = np.argsort(starts)  # the file's order: newest first
    if not newest_first:
        order = order[::-1]
    return _slices(data, starts[order].tolist(), lengths[order].tolist())


def _slices(data: mmap.mmap, starts: list[int], lengths: list[int]) -> Iterator[bytes]:
    with data:  # closed when the download ends or the client goes away
        for start, length in zip(starts, lengths, strict=True):
            yield data[start : start + length]


def build_whole_log_file(built: WholeLogFile) -> WholeLogFile:
    """Write ``built``'s file of the whole public log afresh, its gzipped copy, and where
    each row lies in it, as the log stands now; the old files are deleted once the new
    ones are in place.

    Rows and version are read in one transaction that sees the log at one moment, so a
    file holds exactly the log of its version.
    """
    layout = LAYOUTS[built.kind]
    outermost = not connection.in_atomic_block
    with tempfile.TemporaryDirectory(prefix="foilog-download-") as folder:
        plain, packed = Path(folder) / "plain", Path(folder) / "packed"
        with transaction.atomic():
            if outermost:
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            version = freshness.log_state().digest
            ids: list[int] = []

            def each_row() -> Iterator[bytes]:
                for pk, cells in records(Disclosure.objects.public().in_date_order(), built.site):
                    ids.append(pk)
                    yield layout.row(cells).encode()

            starts, lengths, position = [], [], 0

            def placed(pieces: Iterable[tuple[bool, bytes]]) -> Iterator[bytes]:
                nonlocal position
                for is_row, piece in pieces:
                    if is_row:
                        starts.append(position)
                        lengths.append(len(piece))
                    position += len(piece)
                    yield piece

            with plain.open("wb") as out, gzip.open(packed, "wb") as zipped:
                for block in in_blocks(placed(layout.pieces(each_row()))):
                    out.write(block)
                    zipped.write(block)
        places = np.array([ids, starts, lengths], dtype=_PLACES).T
        places = np.ascontiguousarray(places[np.argsort(places[:, 0])])
        old = [f.name for f in (built.file, built.compressed, built.row_places) if f.name]
        with plain.open("rb") as source:
            built.file.save(f"disclosures.{built.kind}", File(source), save=False)
        with packed.open("rb") as source:
            built.compressed.save(f"disclosures.{built.kind}.gz", File(source), save=False)
        built.row_places.save(
            f"disclosures.{built.kind}.rows", ContentFile(places.tobytes()), save=False
        )
    built.version, built.built_at, built.rows = version, timezone.now(), len(ids)
    built.save()
    for name in old:
        built.file.storage.delete(name)
    return built


@require_safe
def export_csv(request: HttpRequest) -> HttpResponse:
    """Every disclosure the list shows for the same parameters, in date order, as CSV;
    400 with the reasons, in plain text, when a parameter is invalid; 429 when the
    client has too many downloads running."""
    return _download(request, WholeLogFile.Kind.CSV)


@require_safe
def export_json(request: HttpRequest) -> HttpResponse:
    """Every disclosure the list shows for the same parameters, as a JSON array of
    objects with the CSV's columns as keys; 400 as for the CSV."""
    return _download(request, WholeLogFile.Kind.JSON)
