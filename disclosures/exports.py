"""The log as data files: ``/disclosures/export.csv`` and ``/disclosures/export.json``.

Both take the list page's parameters through the shared DisclosureFilter and hold every
result, always in date order: newest first, or oldest first with ``sort=oldest``. Never
by relevance, which would rank every match before the first row could be sent (seconds
for a common word in a million entries); in date order the first rows come from the
date index at once. They are streamed: rows are read from the database a chunk at a
time (a server-side cursor; exemptions and keywords named from the ids each row carries)
and written out as they come, so a million rows need no more memory than a thousand.

One client address may have only ``MAX_DOWNLOADS_PER_CLIENT`` downloads running at once;
another answers 429 until one finishes, so no one can tie up every worker and database
connection by opening downloads.

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
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import json
from collections.abc import Iterable, Iterator

from django.core.cache import cache
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from disclosures.filters import DisclosureFilter
from disclosures.models import Disclosure, Exemption, Keyword, Outcome
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


def records(queryset: QuerySet, site: str) -> Iterator[dict[str, str]]:
    """Each disclosure of ``queryset`` as a row of the download, fetched CHUNK_SIZE at a
    time. ``site`` (scheme and host) makes the permalinks absolute.

    The outcome labels are taken now, in the request's language: the rows are made
    later, while the response streams.
    """
    labels = {value: str(label) for value, label in Outcome.choices}
    return _rows(queryset, site, labels)


# Each row's columns as read: plain values, not model instances, and the ids of its
# exemptions and keywords that the row carries (kept by triggers), named from two small
# lookups. Building instances and prefetching their links took most of a download's
# time: 6 s for 16,000 rows, which under load outlasted the server's worker timeout.
_FIELDS = (
    "reference",
    "title",
    "request_text",
    "outcome",
    "response_date",
    "response_narrative",
    "exemption_ids",
    "keyword_ids",
)


def _rows(queryset: QuerySet, site: str, labels: dict[str, str]) -> Iterator[dict[str, str]]:
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
        return "; ".join(name for _rank, name in sorted(names[pk] for pk in ids if pk in names))

    rows = queryset.values_list(*_FIELDS).iterator(chunk_size=CHUNK_SIZE)
    for reference, title, request, outcome, date, narrative, exemption_ids, keyword_ids in rows:
        yield {
            "reference": reference,
            "title": title,
            "request": request,
            "outcome": outcome,
            "outcome_label": labels.get(outcome, outcome),
            "exemptions": named(exemption_ids, exemptions),
            "response_date": date.isoformat() if date else "",
            "narrative": narrative,
            "keywords": named(keyword_ids, keywords),
            "url": site + reverse("disclosures:detail", kwargs={"reference": reference}),
        }


def spreadsheet_safe(value: str) -> str:
    """``value``, with an apostrophe in front if a spreadsheet would run it as a formula."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


class _Line:
    """What csv.writer writes to: hands each written line back instead of storing it."""

    def write(self, line: str) -> str:
        return line


def csv_lines(rows: Iterable[dict[str, str]]) -> Iterator[str]:
    """The header and one CSV line per row, every cell made spreadsheet-safe.

    The file starts with a byte-order mark: without it Excel, which most people open a
    CSV with, reads UTF-8 as Windows-1252 and garbles "–" and accented names.
    """
    writer = csv.writer(_Line())
    yield "\ufeff" + writer.writerow(COLUMNS)
    for row in rows:
        yield writer.writerow([spreadsheet_safe(row[column]) for column in COLUMNS])


def json_array(rows: Iterable[dict[str, str]]) -> Iterator[str]:
    """A JSON array of the rows, one object per line; ``[]`` when there are none."""
    yield "["
    separator = "\n"
    for row in rows:
        yield separator + json.dumps(row, ensure_ascii=False)
        separator = ",\n"
    yield "\n]\n"


def in_blocks(pieces: Iterable[str], size: int = BLOCK_SIZE) -> Iterator[str]:
    """``pieces`` joined into blocks of at least ``size`` characters (the last may be
    shorter), so that nothing bigger than one block is ever held."""
    block: list[str] = []
    length = 0
    for piece in pieces:
        block.append(piece)
        length += len(piece)
        if length >= size:
            yield "".join(block)
            block, length = [], 0
    if block:
        yield "".join(block)


# Downloads one client address may have running at once. Counted in the cache: across
# every server with REDIS_URL, per server process without it.
MAX_DOWNLOADS_PER_CLIENT = 3
# A count a worker never gave back (killed mid-download) lapses after this long.
DOWNLOAD_SLOT_SECONDS = 15 * 60


def claim_download_slot(client: str) -> str | None:
    """Count one more download running for ``client`` (an address); the key to give it
    back with ``release_download_slot``, or None when the client already has
    MAX_DOWNLOADS_PER_CLIENT running."""
    key = "foilog:downloads:" + hashlib.sha256(client.encode()).hexdigest()[:32]
    cache.add(key, 0, DOWNLOAD_SLOT_SECONDS)
    try:
        running = cache.incr(key)
    except ValueError:  # evicted in between
        cache.set(key, 1, DOWNLOAD_SLOT_SECONDS)
        running = 1
    if running > MAX_DOWNLOADS_PER_CLIENT:
        release_download_slot(key)
        return None
    cache.touch(key, DOWNLOAD_SLOT_SECONDS)
    return key


def release_download_slot(key: str) -> None:
    with contextlib.suppress(ValueError):  # lapsed or evicted: nothing to give back
        cache.decr(key)


class Download(StreamingHttpResponse):
    """A streamed download that gives its client's slot back when it is closed: when
    the last block is sent, or the client goes away."""

    def __init__(self, *args, slot: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.slot: str | None = slot

    def close(self) -> None:
        # Before the rest of closing, which hands the database connection back.
        if self.slot is not None:
            release_download_slot(self.slot)
            self.slot = None
        super().close()


def _download(request: HttpRequest, extension: str, content_type: str, write) -> HttpResponse:
    filterset = DisclosureFilter(
        request.GET or None,
        queryset=Disclosure.objects.public(),
    )
    if filterset.is_bound and not filterset.is_valid():
        return HttpResponseBadRequest(
            filterset.error_text(), content_type="text/plain; charset=utf-8"
        )
    slot = claim_download_slot(client_ip(request))
    if slot is None:
        return HttpResponse(
            f"You have {MAX_DOWNLOADS_PER_CLIENT} downloads of the log running already. "
            "Try again when one has finished.\n",
            status=429,
            content_type="text/plain; charset=utf-8",
            headers={"Retry-After": "30"},
        )
    newest_first = filterset.cleaned("sort") != DisclosureFilter.Sort.OLDEST
    rows = filterset.qs.in_date_order(newest_first)
    site = request.build_absolute_uri("/").removesuffix("/")
    filename = f"disclosures-{timezone.localdate():%Y-%m-%d}.{extension}"
    return Download(
        in_blocks(write(records(rows, site))),
        slot=slot,
        content_type=content_type,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@require_safe
def export_csv(request: HttpRequest) -> HttpResponse:
    """Every disclosure the list shows for the same parameters, in date order, as CSV;
    400 with the reasons, in plain text, when a parameter is invalid; 429 when the
    client has too many downloads running."""
    return _download(request, "csv", "text/csv; charset=utf-8", csv_lines)


@require_safe
def export_json(request: HttpRequest) -> HttpResponse:
    """Every disclosure the list shows for the same parameters, as a JSON array of
    objects with the CSV's columns as keys; 400 as for the CSV."""
    return _download(request, "json", "application/json", json_array)
