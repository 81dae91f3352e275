"""Full-text search over the stored, weighted search vector.

The vector is a generated column (title and keywords weigh most, then the request, then
the response); queries use PostgreSQL's ``websearch_to_tsquery``, so people can type what
they know from web search: words, "quoted phrases", OR, -excluded.
"""

from __future__ import annotations

import datetime
import logging
import operator
import re
import weakref
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache, reduce
from typing import TYPE_CHECKING

import numpy as np
from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.db import DatabaseError, connection, connections, router, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import BooleanField, ExpressionWrapper, F, Q, QuerySet, TextField, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Concat
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from disclosures import bitmaps, statistics
from disclosures.models import (
    NEWEST_FIRST,
    SEARCH_CONFIG,
    Disclosure,
    Exemption,
    Keyword,
    Outcome,
    TermCount,
)

if TYPE_CHECKING:
    from disclosures.filters import DisclosureFilter

logger = logging.getLogger(__name__)


def reading() -> BaseDatabaseWrapper:
    """The connection this request's reads of the log go to: the replica it is pinned to
    (see ``foilog.routers``), so that raw queries see what the ORM's do."""
    return connections[router.db_for_read(Disclosure)]


# Longer queries are shortened, and the page says so: nobody types 500 characters, and a
# bounded query keeps websearch_to_tsquery, ts_rank and ts_headline cheap.
MAX_QUERY_LENGTH = 500


def clean_query(text: str) -> str:
    """Normalise what a user typed: no NUL bytes (PostgreSQL rejects them), trimmed."""
    return " ".join(text.replace("\x00", " ").split())


def shorten_query(text: str) -> str:
    """``text`` cut to MAX_QUERY_LENGTH characters, at a word boundary where there is one."""
    cut = text[:MAX_QUERY_LENGTH]
    return cut.rsplit(" ", 1)[0] if " " in cut else cut


def search_query(text: str) -> SearchQuery:
    return SearchQuery(text, search_type="websearch", config=SEARCH_CONFIG)


def search(queryset: QuerySet, text: str) -> QuerySet:
    """Disclosures in ``queryset`` whose stored search vector matches ``text``."""
    return queryset.filter(search_vector=search_query(text))


def find_reference(queryset: QuerySet, text: str) -> Disclosure | None:
    """The public disclosure whose reference is exactly ``text`` (ignoring case), if any.

    Only text that could be a reference is looked up: it holds a digit, as every
    reference shape does (16495, FOI-2024-0123, FOI/23/1234).
    """
    if not text or len(text) > 100 or not any(ch.isdigit() for ch in text):
        return None
    # Unordered, so that PostgreSQL reads the reference index: asked for the newest
    # first, it may walk the date index instead, testing every entry (a second at a
    # million) until its statistics say how rare a reference is. Only references
    # differing in case can share the text.
    found = queryset.filter(reference__iexact=text).order_by()
    return max(
        found,
        key=lambda disclosure: (disclosure.response_date or datetime.date.min, disclosure.pk),
        default=None,
    )


# Ranking reads the stored vector of every match: about 6 µs a row, so half a second for
# 100,000 matches and seconds for a word in half of a million-entry log. Past this many
# results the list is shown newest first, and says so; more words or a filter bring
# relevance back. Such a broad search ranks nothing useful anyway: "police" in a police
# force's log.
RANK_LIMIT = 10_000


def by_relevance(queryset: QuerySet, text: str) -> QuerySet:
    """``queryset`` ordered by relevance to ``text``, newest first among equals.

    ts_rank reads the stored vector with its weights (title and keywords A, request B,
    response C); normalization 32 scales the rank into 0..1 regardless of length.
    """
    rank = SearchRank(F("search_vector"), search_query(text), normalization=32)
    return queryset.annotate(rank=rank).order_by("-rank", *NEWEST_FIRST)


# The most rows a page in date order may read walking the date index (about 5 µs each:
# each row's stored vector is read to check the search). Below WALK_FROM matches, any
# plan reads few rows, and the planner is left alone.
WALK_LIMIT = 20_000
WALK_FROM = 1_000

# Rules out every other way of reading a page, if the walk reads few enough rows.
_WALK_SQL = """
    SELECT current_setting('enable_bitmapscan'), current_setting('enable_seqscan'),
           set_config('enable_bitmapscan', 'off', false),
           set_config('enable_seqscan', 'off', false)
      FROM pg_class
     WHERE oid = 'disclosures_disclosure'::regclass
       AND %(rows)s::float8 * greatest(reltuples, 0) <= %(limit)s::float8 * %(total)s
"""


@contextmanager
def walking_the_date_index(total: int, rows: int) -> Iterator[None]:
    """Within it, a page of search results in date order, ``rows`` deep (``total``
    matches in all), is read by walking the date index, if that reads few rows.

    PostgreSQL guesses how many entries a search of several words finds by multiplying
    the words' shares, as if they were independent: it expects 22 entries for
    "body-worn video", which finds 60,444 in a million. Expecting few, it fetches every
    match and sorts them (0.7 s), where reading the newest entries until the page is
    full reads a few hundred rows. The number of matches is known here, so the walk's
    cost is too: about ``rows`` × the log's rows ÷ ``total`` rows read. When that is
    at most WALK_LIMIT, the other plans are ruled out for the block, and restored after.
    """
    if total < WALK_FROM:
        yield
        return
    with reading().cursor() as cursor:
        cursor.execute(_WALK_SQL, {"rows": rows, "limit": WALK_LIMIT, "total": total})
        before = cursor.fetchone()
    try:
        yield
    finally:
        if before is not None:
            with reading().cursor() as cursor:
                cursor.execute(
                    "SELECT set_config('enable_bitmapscan', %s, false), "
                    "set_config('enable_seqscan', %s, false)",
                    before[:2],
                )


@dataclass(frozen=True)
class FacetOption:
    value: str
    label: str
    count: int
    selected: bool


@dataclass
class Facets:
    """The number of results, and the counts beside every filter option."""

    total: int
    outcome: list[FacetOption]
    exemption: list[FacetOption]
    keyword: list[FacetOption]
    year: list[FacetOption]

    def __getitem__(self, name: str) -> list[FacetOption]:
        """``facets["outcome"]`` as well as ``facets.outcome``."""
        return getattr(self, name)


# Each facet ignores its own filter: the count beside an option says how many results
# choosing that option leaves (choosing a second outcome widens the results).
_FACET_FILTERS = {
    "outcome": ("outcome",),
    "exemption": ("exemption",),
    "keyword": ("keyword",),
    "year": ("date_from", "date_to"),
}


# Below this many matches a search counts its results and facets fast enough by itself
# (about 5 µs a match on two cores); from this many, counts are worth keeping for it.
MIN_DOCUMENTS_TO_KEEP = 10_000


def facet_counts(filterset: DisclosureFilter, keyword_limit: int = 25) -> Facets:
    """The number of results and the counts beside every filter option, exact, for the
    current query and filters.

    The whole log, or a search of one common word or of a counted search of several
    words, with no filter, reads the counts kept for it (see ``CountedTerm``). Anything
    else is counted from the bitmaps of the last snapshot (see ``bitmaps``): those of
    its counted words and phrases joined by AND, OR and NOT (police -drones), or else
    its matches' ids. Without a snapshot (a small log), it is counted over its matches.
    A search of several words, with no filter, that is counted neither way and finds too
    many entries to count fast is recorded (see ``BroadSearch``) so that the next
    recount keeps counts for it. Five queries at most, whatever the size of the log.
    """
    kept = _kept_counts(filterset) or _bitmap_counts(filterset)
    if kept is not None:
        total, counts = kept
    else:
        total, counts = _counted_over_matches(filterset)
        _note_if_broad(filterset, total)
    return _facets(filterset, total, counts, keyword_limit)


def _note_if_broad(filterset: DisclosureFilter, total: int) -> None:
    """Record the search for the next recount, if it is one counts could be kept for
    and it found too many entries (``total``) to count fast."""
    text = filterset.query_text
    if total >= MIN_DOCUMENTS_TO_KEEP and text and _may_keep_counts(filterset):
        _record_broad_search(text)


def _counted_over_matches(
    filterset: DisclosureFilter, among: list[int] | None = None
) -> tuple[int, dict[str, Counter]]:
    """The total and the facet counts, from one pass over the matches (only those
    ``among`` these ids, if given).

    The rows matching the search and all but at most one of the filters are read once,
    with a flag per filter, and the total and each facet are counted from them, each
    facet ignoring its own filter. The exemptions and keywords come from the ids each
    row carries, so no link table is joined.
    """
    conditions = filterset.conditions(*(n for names in _FACET_FILTERS.values() for n in names))
    matches = filterset.filtered_without(*conditions)
    if among is not None:
        matches = matches.filter(pk__in=among)
    matches = matches.annotate(
        **{
            f"in_{name}": ExpressionWrapper(condition, output_field=BooleanField())
            for name, condition in conditions.items()
        }
    )
    in_force = [f for f, names in _FACET_FILTERS.items() if any(n in conditions for n in names)]
    if len(in_force) > 1:
        # A row failing the filters of two facets counts nowhere: leave it out of the pass.
        def all_filters_but(facet: str) -> Q:
            names = [n for f in in_force if f != facet for n in _FACET_FILTERS[f]]
            return reduce(operator.and_, (conditions[n] for n in names if n in conditions))

        matches = matches.filter(reduce(operator.or_, map(all_filters_but, in_force)))
    flag_names = [f"in_{name}" for name in conditions]
    matches_sql, params = (
        matches.order_by()
        .values("outcome", "response_date", "exemption_ids", "keyword_ids", *flag_names)
        .query.sql_with_params()
    )
    # Each match becomes as many rows as its longest list: the n-th row holds its n-th
    # exemption and n-th keyword, the first also its outcome and year (set-returning
    # functions in a select list run in step). Grouping sets then count outcome and
    # year, exemptions, and keywords in one pass, each group split by the filter flags.
    flags = "".join(f', "{name}"' for name in flag_names)
    sql = f"""
        SELECT o, y, e, k{flags}, count(*)
          FROM (SELECT unnest(exemption_ids) AS e, unnest(keyword_ids) AS k,
                       unnest(ARRAY[outcome::text]) AS o,
                       unnest(ARRAY[extract(year FROM response_date)::int]) AS y{flags}
                  FROM ({matches_sql}) AS matches) AS listed
         GROUP BY GROUPING SETS ((o, y{flags}), (e{flags}), (k{flags}))
    """  # noqa: S608 -- only column names are put in; every value is a parameter
    with reading().cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()

    def counted_in(facet: str | None, passed: dict[str, bool]) -> bool:
        """Whether a row passing these filters counts in ``facet`` (None: the total),
        which ignores its own filters."""
        ignored = _FACET_FILTERS.get(facet, ())
        return all(ok for name, ok in passed.items() if name not in ignored)

    total = 0
    counts: dict[str, Counter] = {facet: Counter() for facet in _FACET_FILTERS}
    for outcome_value, year_value, exemption_id, keyword_id, *flag_values, n in rows:
        passed = dict(zip(conditions, flag_values, strict=True))
        if outcome_value is not None:
            total += n if counted_in(None, passed) else 0
            if counted_in("outcome", passed):
                counts["outcome"][outcome_value] += n
            if counted_in("year", passed) and year_value is not None:  # None: undated
                counts["year"][str(year_value)] += n
        elif exemption_id is not None and counted_in("exemption", passed):
            counts["exemption"][exemption_id] += n
        elif keyword_id is not None and counted_in("keyword", passed):
            counts["keyword"][keyword_id] += n
    return total, {facet: +counter for facet, counter in counts.items()}  # without zeros


# The search, as the search index reads it, for the queries below.
_QUERY = """
    query AS (
        SELECT websearch_to_tsquery(%(config)s::regconfig, coalesce(%(text)s::text, '')) AS q)
"""
# Whether the search is one counted term (no search: the term ''), then that term's kept
# counts, less the entries published with a time still to come (counted, since nothing
# changes in the table when their time comes, but not yet public). Each row: facet,
# value, count. "Still to come" as the public queryset has it: after the statement's
# time, not the transaction's (now()), which is earlier inside a longer transaction.
_KEPT_COUNTS_SQL = f"""
    WITH {_QUERY},
         term AS (
            SELECT t.lexeme
              FROM disclosures_countedterm AS t, query
             WHERE (t.lexeme, t.is_search) = (
                    CASE WHEN %(text)s::text IS NULL THEN ''
                         WHEN numnode(query.q) = 1
                         THEN (tsvector_to_array(query.q::text::tsvector))[1]
                         -- Only stop words (no node) find nothing, and count nothing.
                         WHEN numnode(query.q) > 1 THEN query.q::text END,
                    %(text)s::text IS NOT NULL AND numnode(query.q) > 1))
    SELECT 'counted', NULL, count(*) FROM term
    UNION ALL
    SELECT c.facet, c.value, sum(c.count)
      FROM disclosures_termcount AS c JOIN term USING (lexeme)
     GROUP BY 1, 2
    UNION ALL
    SELECT f.facet, f.value, -count(*)
      FROM term, query, disclosures_disclosure AS d
     CROSS JOIN LATERAL disclosures_facet_values(
            d.outcome, d.response_date, d.exemption_ids, d.keyword_ids) AS f
     WHERE d.status = 'published' AND d.published_at > statement_timestamp()
       AND (%(text)s::text IS NULL OR d.search_vector @@ query.q)
     GROUP BY 1, 2
"""  # noqa: S608 -- only fixed SQL is put in; every value is a parameter
_ONE_WORD = re.compile(r"[^\W_]+")
# TermCount's codes, by the facet each counts: "o" -> "outcome".
_FACET_OF_CODE = {facet.value: facet.name.lower() for facet in TermCount.Facet}


def result_count(filterset: DisclosureFilter) -> int:
    """The number of results, as ``facet_counts`` finds it (kept, from the bitmaps, or
    counted), without the options beside the filters."""
    counted = _kept_counts(filterset) or _bitmap_counts(filterset)
    return counted[0] if counted is not None else filterset.qs.count()


def public_log_counts() -> tuple[int, dict[str, Counter]] | None:
    """The number of public disclosures and their counts by facet value (exemptions and
    keywords by id) as kept for the whole log (see ``CountedTerm``), in one query; None
    on a log too small to keep counts for.

    Counting them afresh reads every public entry: half a second for the number alone
    at a million entries, a second and a half by exemption.
    """
    from disclosures.filters import DisclosureFilter

    return _kept_counts(DisclosureFilter(queryset=Disclosure.objects.public()))


def public_total() -> int:
    """The number of public disclosures: kept, or counted on a small log."""
    kept = public_log_counts()
    return kept[0] if kept is not None else Disclosure.objects.public().count()


def exemptions_with_public_counts() -> Sequence[Exemption]:
    """Every exemption, in order, with ``public_count``: how many public disclosures
    cite it (kept, or counted on a small log; see ``Exemption.with_public_counts``)."""
    kept = public_log_counts()
    if kept is None:
        return Exemption.objects.select_related("legislation").with_public_counts()
    exemptions = list(Exemption.objects.select_related("legislation"))
    for exemption in exemptions:
        exemption.public_count = kept[1]["exemption"].get(exemption.pk, 0)
    return exemptions


def _may_keep_counts(filterset: DisclosureFilter) -> bool:
    """Whether counts could be kept for these results: the whole public log, or a search
    of it, with no filter."""
    text = filterset.query_text
    return filterset.facet_key() == ((("q", text),) if text else ()) and _is_public_log(
        filterset.queryset
    )


def _kept_counts(filterset: DisclosureFilter) -> tuple[int, dict[str, Counter]] | None:
    """The total and the facet counts kept for the whole public log, or for a search of
    one counted term over it, or None when the search or the filters are anything else."""
    if not _may_keep_counts(filterset):
        return None
    text = filterset.query_text
    with reading().cursor() as cursor:
        cursor.execute(_KEPT_COUNTS_SQL, {"config": SEARCH_CONFIG, "text": text or None})
        rows = cursor.fetchall()
    if ("counted", None, 1) not in rows:
        return None
    counts: dict[str, Counter] = {facet: Counter() for facet in _FACET_FILTERS}
    for code, value, n in rows:
        facet = _FACET_OF_CODE.get(code)
        if facet is not None:
            ids = code in (TermCount.Facet.EXEMPTION, TermCount.Facet.KEYWORD)
            counts[facet][int(value) if ids else value] += n
    counts = {facet: +counter for facet, counter in counts.items()}  # without zeros
    # Every entry has exactly one outcome.
    return counts["outcome"].total(), counts


# The snapshot to count from, the search as the search index reads it (NULL without
# one; '' for stop words alone), and the entries changed since (one more than
# MAX_CHANGES at most: enough to know there are too many).
_SNAPSHOT_SQL = f"""
    WITH {_QUERY}
    SELECT s.id,
           CASE WHEN %(text)s::text IS NOT NULL THEN query.q::text END,
           ARRAY(SELECT DISTINCT disclosure_id FROM disclosures_snapshotchange
                  ORDER BY 1 LIMIT %(changes)s)
      FROM disclosures_facetsnapshot AS s, query
     ORDER BY s.id DESC
     LIMIT 1
"""  # noqa: S608 -- only fixed SQL is put in; every value is a parameter
# Past this many entries changed since the snapshot, counting them over their rows costs
# more than the bitmaps save: searches count over their matches until the next snapshot.
MAX_CHANGES = 2_000


def _bitmap_counts(filterset: DisclosureFilter) -> tuple[int, dict[str, Counter]] | None:
    """The total and the facet counts of a search, or of the filtered log, from the
    bitmaps of the last snapshot (see ``bitmaps``) and a count over the entries changed
    since; None for the whole public log, or when no snapshot serves.
    """
    if not filterset.query_text and _may_keep_counts(filterset):
        return None  # the whole public log: its kept counts serve
    over = _over_snapshot(filterset)
    if over is None:
        return None
    total, counts = bitmaps.counts(over)
    if over.changed:
        more, more_counts = _counted_over_matches(filterset, among=over.changed)
        total += more
        counts = {facet: counts[facet] + more_counts[facet] for facet in counts}
    if over.found_by_ids:  # a search without bits of its own
        _note_if_broad(filterset, total)
    return total, counts


# From this many rows to go through, a page in date order finds its rows' ids from the
# bitmaps of the last snapshot rather than the date index (see ``page_ids``).
PAGE_FROM_BITMAPS = 1_000


def page_ids(
    filterset: DisclosureFilter, newest_first: bool, bottom: int, top: int, total: int
) -> list[int] | None:
    """The ids of the results ``bottom`` to ``top`` (of ``total``) in date order, newest
    or oldest first, from the bitmaps of the last snapshot and the entries changed since
    that are results (see ``bitmaps.page_ids``); None when no snapshot serves.

    Reading a page from the date index goes through every result before it: half a
    second for the middle page of "police" in a million entries. From the bitmaps, any
    page costs about what the first does.
    """
    over = _over_snapshot(filterset)
    if over is None:
        return None
    changed_found = []
    if over.changed:
        changed_found = list(_changed_results(filterset, over).values_list("response_date", "pk"))
    ranks = range(total - top, total - bottom) if newest_first else range(bottom, top)
    ids = bitmaps.page_ids(over, changed_found, ranks)
    return ids[::-1] if newest_first else ids


def ranked_by_id(filterset: DisclosureFilter) -> QuerySet | None:
    """The results by relevance (see ``by_relevance``), read by their ids: those of the
    last snapshot's results, from its bitmaps, and of the results changed since; None
    for a search without filters, which the search index alone finds well, or when no
    snapshot serves.

    Found through the indexes of the search and of each filter, the results cost what
    the most common filter's index does: PostgreSQL ANDs the 941 entries of a rare word
    with the 110,000 citing the commonest exemption (10 ms), where reading the 98
    results by id takes under one.
    """
    if not filterset.query_text or _may_keep_counts(filterset):
        return None
    over = _over_snapshot(filterset)
    if over is None:
        return None
    found = bitmaps.ids(over)
    # One array of ids, where pk__in would send each of thousands as a parameter; the
    # results changed since are added to it inside the same query.
    ids_sql, params = "%s::bigint[]", [found.tolist()]
    if over.changed:
        changed = _changed_results(filterset, over).values("pk").query.sql_with_params()
        ids_sql += f" || ARRAY({changed[0]})"
        params += changed[1]
    table = Disclosure._meta.db_table
    by_id = RawSQL(f'"{table}"."id" = ANY({ids_sql})', params, BooleanField())  # noqa: S611
    return by_relevance(Disclosure.objects.public().filter(by_id), filterset.query_text)


def result_tallies(filterset: DisclosureFilter) -> statistics.Tallies | None:
    """What the statistics of the results are drawn from (see ``statistics.Tallies``),
    from the bitmaps of the last snapshot and the results changed since; None when no
    snapshot serves.

    Grouping the results' rows by month, outcome, exemption and keyword reads every one
    of them: four seconds for the whole log at a million entries.
    """
    over = _over_snapshot(filterset)
    if over is None:
        return None
    days, exemptions, keywords = bitmaps.tallies(over)
    tallies = statistics.Tallies(exemptions=exemptions, keywords=keywords)
    for outcome, found in days.items():
        months = found.astype("datetime64[D]").astype("datetime64[M]")
        months, counts = np.unique(months, return_counts=True)
        for month, n in zip(months.tolist(), counts.tolist(), strict=True):  # first days
            if month is None:  # undated (see bitmaps.UNDATED)
                tallies.undated += n
            else:
                tallies.outcome_months[month, outcome] += n
    if over.changed:
        rows = _changed_results(filterset, over).values_list(
            "response_date", "outcome", "exemption_ids", "keyword_ids"
        )
        for day, outcome, exemption_ids, keyword_ids in rows:
            if day is None:
                tallies.undated += 1
            else:
                tallies.outcome_months[day.replace(day=1), outcome] += 1
            tallies.exemptions.update(exemption_ids)
            tallies.keywords.update(keyword_ids)
    return tallies


def _changed_results(filterset: DisclosureFilter, over: bitmaps.Results) -> QuerySet:
    """The results among the entries changed since the snapshot, which its bits leave
    out: read from their rows."""
    return filterset.filtered_without().filter(pk__in=over.changed)


# The counts, the page and the statistics of the same results (one FilterSet, in one
# request) share one lookup: the snapshot's bitmaps read once for them.
_looked_up: weakref.WeakKeyDictionary[DisclosureFilter, bitmaps.Results | None] = (
    weakref.WeakKeyDictionary()
)


def matches_fetched(filterset: DisclosureFilter) -> bool:
    """Whether the ids of the search's matches were fetched for these results already
    (to count them, see ``bitmaps.counts``): then any page of them is found from the
    bitmaps for little."""
    over = _looked_up.get(filterset)
    return over is not None and over.found_by_ids


def _over_snapshot(filterset: DisclosureFilter) -> bitmaps.Results | None:
    """The last snapshot, the search as it reads it, the entries changed since and the
    filters as facet values, in one query, and the results as its bitmaps read them;
    None when no snapshot serves these results (not the public log, none taken, or gone
    since, too many changes, or only stop words searched)."""
    if filterset not in _looked_up:
        _looked_up[filterset] = _look_up_snapshot(filterset)
    return _looked_up[filterset]


def _look_up_snapshot(filterset: DisclosureFilter) -> bitmaps.Results | None:
    if not _is_public_log(filterset.queryset):
        return None
    text = filterset.query_text
    with reading().cursor() as cursor:
        cursor.execute(
            _SNAPSHOT_SQL,
            {"config": SEARCH_CONFIG, "text": text or None, "changes": MAX_CHANGES + 1},
        )
        row = cursor.fetchone()
    if row is None:
        return None
    snapshot_id, query, changed = row
    if query == "" or len(changed) > MAX_CHANGES:
        return None  # stop words alone find nothing, fast; or too many changes
    filters: dict[str, list | tuple] = {}
    if outcomes := filterset.cleaned("outcome"):
        filters["outcome"] = outcomes
    for name in ("exemption", "keyword"):
        if slugs := filterset.cleaned(name):
            filters[name] = filterset.form.fields[name].ids_of(slugs)
    dates = (filterset.cleaned("date_from"), filterset.cleaned("date_to"))
    if dates != (None, None):
        filters["year"] = dates
    return bitmaps.select(snapshot_id, query, changed, filters, fetch=lambda: _ids_found(text))


def _ids_found(text: str) -> np.ndarray:
    """The ids of every entry ``text`` finds, public or not, in one query.

    They come as one string of 8-byte integers, read as an array without a Python int
    made for each: tens of thousands for a phrase.
    """
    with reading().cursor() as cursor:
        cursor.execute(
            "SELECT coalesce(string_agg(int8send(id), ''), '') FROM disclosures_disclosure "
            "WHERE search_vector @@ websearch_to_tsquery(%s::regconfig, %s::text)",
            [SEARCH_CONFIG, text],
        )
        return np.frombuffer(cursor.fetchone()[0], dtype=">i8")


def _is_public_log(queryset: QuerySet) -> bool:
    """Whether ``queryset`` is the whole public log, the set the kept counts are of.

    Asked several times of each page's queryset; its SQL is written once.
    """
    if queryset not in _public_log_checked:
        sql = str(queryset.order_by().values("pk").query)
        _public_log_checked[queryset] = sql == _public_log_sql()
    return _public_log_checked[queryset]


_public_log_checked: weakref.WeakKeyDictionary[QuerySet, bool] = weakref.WeakKeyDictionary()


@cache
def _public_log_sql() -> str:
    return str(Disclosure.objects.public().order_by().values("pk").query)


_RECORD_BROAD_SEARCH_SQL = """
    INSERT INTO disclosures_broadsearch AS b (query, searches, last_searched)
    SELECT q::text, 1, now()
      FROM websearch_to_tsquery(%s::regconfig, %s::text) AS q
     WHERE numnode(q) > 1
        ON CONFLICT (query)
        DO UPDATE SET searches = b.searches + 1, last_searched = excluded.last_searched
"""


def _record_broad_search(text: str) -> None:
    """Note a search of several words that found many entries, for the next recount.

    Single words need no note: the recount finds the common ones itself. Failing to
    note it must not fail the page.
    """
    if _ONE_WORD.fullmatch(text):
        return
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(_RECORD_BROAD_SEARCH_SQL, [SEARCH_CONFIG, text])
    except DatabaseError:
        logger.warning("Could not record the broad search %r", text, exc_info=True)


def recount_terms(min_documents: int) -> int:
    """Choose the terms in at least ``min_documents`` published disclosures and count
    their facets afresh; the number of terms chosen. Writes to the log wait meanwhile."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT disclosures_recount_terms(%s)", [min_documents])
        return cursor.fetchone()[0]


def _facets(
    filterset: DisclosureFilter, total: int, counts: dict[str, Counter], keyword_limit: int
) -> Facets:
    """The options beside each filter, from the total and the counts by facet value."""
    selected = {
        name: set(filterset.cleaned(name, [])) for name in ("outcome", "exemption", "keyword")
    }
    outcome = [
        FacetOption(
            value, str(label), counts["outcome"].get(value, 0), value in selected["outcome"]
        )
        for value, label in Outcome.choices
    ]
    exemption = [
        FacetOption(
            e.slug, e.label, counts["exemption"].get(e.pk, 0), e.slug in selected["exemption"]
        )
        # A chosen exemption stays visible, and can be unticked, even when nothing is left.
        for e in Exemption.objects.filter(
            Q(pk__in=list(counts["exemption"])) | Q(slug__in=selected["exemption"])
        )
        .select_related("legislation")
        .only("slug", "code", "name", "position", "legislation__abbreviation")
        .order_by("position", "code")
    ]
    # The commonest keywords, and any chosen keyword, which stays visible (and can be
    # unticked) even outside the commonest.
    # Ties at the edge are settled by name, so every keyword as common as the last shown
    # is fetched.
    commonest = sorted(counts["keyword"].values(), reverse=True)[:keyword_limit]
    least = commonest[-1] if commonest else 1
    keywords = Keyword.objects.filter(
        Q(pk__in=[pk for pk, n in counts["keyword"].items() if n >= least])
        | Q(slug__in=selected["keyword"])
    ).only("slug", "name")
    by_count = sorted(
        (
            FacetOption(
                k.slug, k.name, counts["keyword"].get(k.pk, 0), k.slug in selected["keyword"]
            )
            for k in keywords
        ),
        key=lambda option: (-option.count, option.label.lower(), option.label),
    )
    keyword = [o for o in by_count if o.count][:keyword_limit]
    keyword += [o for o in by_count if o.selected and o not in keyword]
    year = [
        FacetOption(value, value, n, False)
        for value, n in sorted(counts["year"].items(), key=lambda item: -int(item[0]))
    ]
    return Facets(
        total=total,
        outcome=outcome,
        exemption=exemption,
        keyword=keyword,
        year=year,
    )


# Private-use characters mark matches inside ts_headline's output, so the text can be
# HTML-escaped first and the markers turned into <mark> after: nothing a requester or
# officer typed is ever rendered as HTML.
_START, _STOP = "\ue000", "\ue001"
_HEADLINE_OPTIONS = {
    "start_sel": _START,
    "stop_sel": _STOP,
    "max_words": 35,
    "min_words": 15,
    "max_fragments": 2,
    "fragment_delimiter": " … ",
}


def _marked(text: str) -> SafeString:
    return mark_safe(  # noqa: S308 -- escaped first; only our markers become tags
        escape(text).replace(_START, "<mark>").replace(_STOP, "</mark>")
    )


def add_headlines(rows: Sequence[Disclosure], text: str) -> None:
    """Set ``title_headline`` and ``headline`` (HTML with <mark>) on each row shown.

    ts_headline re-parses the whole text, so it runs only for the rows on the page: one
    query for the page, never for every match.
    """
    if not rows or not text:
        return
    query = search_query(text)
    body = Concat("request_text", Value("\n"), "response_narrative", output_field=TextField())
    found = Disclosure.objects.filter(pk__in=[row.pk for row in rows]).values_list(
        "pk",
        SearchHeadline(
            "title",
            query,
            config=SEARCH_CONFIG,
            highlight_all=True,
            start_sel=_START,
            stop_sel=_STOP,
        ),
        SearchHeadline(body, query, config=SEARCH_CONFIG, **_HEADLINE_OPTIONS),
    )
    headlines = {pk: (title, snippet) for pk, title, snippet in found}
    for row in rows:
        title, snippet = headlines.get(row.pk, (row.title, ""))
        row.title_headline = _marked(title)
        row.headline = _marked(snippet) if _START in snippet else None


_WORD = re.compile(r"[^\W\d_]{3,40}")
# Each word typed that the vocabulary lacks is replaced by the nearest of a few trigram
# candidates that finds public disclosures on its own. The vocabulary holds only words of
# public entries (disclosures/sql/vocabulary.sql); the check also rules out stop words,
# which find nothing.
_SUGGESTIONS_SQL = """
    WITH terms AS (
        SELECT ord, lower(unaccent(term)) AS norm
          FROM unnest(%(words)s::text[]) WITH ORDINALITY AS t(term, ord)
    )
    SELECT ord,
           CASE WHEN EXISTS (SELECT 1 FROM disclosures_searchword WHERE word = norm) THEN NULL
           ELSE (SELECT c.word
                   FROM (SELECT word, levenshtein(word, norm) AS distance,
                                similarity(word, norm) AS likeness
                           FROM disclosures_searchword
                          WHERE word %% norm
                          ORDER BY distance, likeness DESC, word
                          LIMIT 5) AS c
                  WHERE EXISTS (
                        SELECT 1 FROM disclosures_disclosure AS d
                         WHERE disclosures_is_public(d.status, d.published_at)
                           AND d.search_vector @@ plainto_tsquery(%(config)s::regconfig, c.word))
                  ORDER BY c.distance, c.likeness DESC, c.word
                  LIMIT 1)
           END
      FROM terms ORDER BY ord
"""


def suggest(text: str, public: QuerySet) -> str | None:
    """A corrected query for misspelt words ("polcing drones" → "policing drones"), or None.

    Each word not in the vocabulary of the public log is replaced by its nearest word of
    that vocabulary (trigram candidates, closest by edit distance) that finds public
    disclosures on its own, and the whole suggestion must find some too. So nothing but
    the public log's own words is ever suggested, whatever operators the query holds.
    Two queries at most, whatever the number of words.
    """
    matches = list(_WORD.finditer(text))
    words = [m.group() for m in matches if m.group() != "OR"]
    if not words:
        return None
    with reading().cursor() as cursor:
        # Typing slips such as "tasres" for "tasers" score about 0.27; pg_trgm's default
        # threshold of 0.3 would miss them.
        cursor.execute("SELECT set_config('pg_trgm.similarity_threshold', '0.2', false)")
        cursor.execute(_SUGGESTIONS_SQL, {"words": words, "config": SEARCH_CONFIG})
        replacements = [row[1] for row in cursor.fetchall()]
    if not any(replacements):
        return None
    corrected, position, index = [], 0, 0
    for match in matches:
        if match.group() == "OR":
            continue
        replacement = replacements[index]
        index += 1
        if replacement:
            corrected.append(text[position : match.start()])
            corrected.append(replacement)
            position = match.end()
    corrected.append(text[position:])
    suggestion = "".join(corrected)
    if suggestion == text or not search(public, suggestion).exists():
        return None
    return suggestion


_SIMILARITY_WORD = re.compile(r"[^\W\d_]{4,}")


def similar_to(disclosure: Disclosure, limit: int = 5) -> list[Disclosure]:
    """Published disclosures most like ``disclosure``, best first, for an officer who may
    cite an earlier answer rather than answer the same question twice.

    The draft's title, keywords and request become an OR query over the stored vectors,
    so shared title words and keywords (weight A) count most. Stop words drop out in
    websearch_to_tsquery.
    """
    text = " ".join(
        [
            disclosure.title,
            " ".join(k.name for k in disclosure.keywords.all()),
            disclosure.request_text[:2000],
        ]
    )
    words = list(dict.fromkeys(w.lower() for w in _SIMILARITY_WORD.findall(text)))[:40]
    if not words:
        return []
    query = search_query(" OR ".join(words))
    return list(
        Disclosure.objects.public()
        .exclude(pk=disclosure.pk)
        .filter(search_vector=query)
        .annotate(rank=SearchRank(F("search_vector"), query))
        .order_by("-rank", "-response_date")[:limit]
    )
