"""Counting the results of a search or of the filtered log: how many there are, how many
beside each filter option (the facets), which of them a page in date order shows, and
what the statistics are drawn from (the tallies).

Where the last snapshot serves (see ``bitmaps``), everything is read from its bitmaps,
however many entries match, and the entries changed since are counted over their rows;
else (a small log, or a search the snapshot cannot read) it is counted over the
matches' rows in one pass. Either way the figures are exact.
"""

from __future__ import annotations

import datetime
import operator
from collections import Counter
from dataclasses import dataclass, field
from functools import reduce
from typing import TYPE_CHECKING

import numpy as np
from django.db.models import BooleanField, Count, ExpressionWrapper, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.db.models.functions import TruncMonth

from disclosures import bitmaps, search
from disclosures.models import SEARCH_CONFIG, Disclosure, Exemption, Keyword, Outcome

if TYPE_CHECKING:
    from disclosures.filters import DisclosureFilter


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


@dataclass
class Tallies:
    """What every statistic of a set of results is drawn from: how many were answered
    with each outcome in each month (its first day), and how many cite each exemption
    and carry each keyword (by id)."""

    outcome_months: Counter[tuple[datetime.date, str]] = field(default_factory=Counter)
    exemptions: Counter[int] = field(default_factory=Counter)
    keywords: Counter[int] = field(default_factory=Counter)
    # Results with no response date (imported from a log that recorded none): in no month.
    undated: int = 0


# Each facet ignores its own filter: the count beside an option says how many results
# choosing that option leaves (choosing a second outcome widens the results).
FACET_FILTERS = {
    "outcome": ("outcome",),
    "exemption": ("exemption",),
    "keyword": ("keyword",),
    "year": ("date_from", "date_to"),
}

# Past this many entries changed since the snapshot, counting them over their rows costs
# more than the bitmaps save: results are counted over their matches until the worker
# takes the next snapshot (see ``tasks.refresh_search_data``).
MAX_CHANGES = 2_000


# The snapshot to count from, the search as the search index reads it (NULL without
# one; '' for stop words alone), and the entries changed since (one more than
# MAX_CHANGES at most: enough to know there are too many).
_SNAPSHOT_SQL = """
    SELECT s.id,
           CASE WHEN %(text)s::text IS NOT NULL
                THEN websearch_to_tsquery(%(config)s::regconfig, %(text)s::text)::text END,
           ARRAY(SELECT DISTINCT disclosure_id FROM disclosures_snapshotchange
                  ORDER BY 1 LIMIT %(changes)s)
      FROM disclosures_facetsnapshot AS s
     ORDER BY s.id DESC
     LIMIT 1
"""


def select(filterset: DisclosureFilter) -> bitmaps.Results | None:
    """The results as the last snapshot's bitmaps read them (the snapshot, the search as
    it reads it, the entries changed since and the filters as facet values, in one
    query); None when no snapshot serves these results: not the public log, none taken
    (a small log), too many changes since, or only stop words searched."""
    if not is_public_log(filterset.queryset):
        return None
    text = filterset.query_text
    with search.reading().cursor() as cursor:
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
    return bitmaps.select(snapshot_id, query, changed, filters, fetch=lambda: ids_found(text))


def is_public_log(queryset: QuerySet) -> bool:
    """Whether ``queryset`` is the whole public log, the set a snapshot numbers."""
    public = Disclosure.objects.public().order_by().values("pk").query
    return str(queryset.order_by().values("pk").query) == str(public)


def ids_found(text: str) -> np.ndarray:
    """The ids of every entry ``text`` finds, public or not, in one query."""
    return ids_of(search.search(Disclosure.objects.all(), text))


def ids_of(queryset: QuerySet) -> np.ndarray:
    """The ids of ``queryset``'s rows, in no order, in one query.

    They come as one string of 8-byte integers, read as an array without a Python int
    made for each: tens of thousands for a phrase or a filtered download.
    """
    sql, params = queryset.order_by().values_list("pk").query.sql_with_params()
    with search.reading().cursor() as cursor:
        cursor.execute(
            f"SELECT coalesce(string_agg(int8send(found.id), ''), '') FROM ({sql}) AS found(id)",  # noqa: S608 -- the ORM's own SQL, values as parameters
            params,
        )
        return np.frombuffer(cursor.fetchone()[0], dtype=">i8")


def counts(
    filterset: DisclosureFilter, over: bitmaps.Results | None
) -> tuple[int, dict[str, Counter]]:
    """The number of results and the counts by facet value (exemptions and keywords by
    id), each facet ignoring its own filter: from the bitmaps ``over`` the results (see
    ``select``) and the entries changed since, or over the matches when there are none.
    """
    if over is None:
        return counted_over_matches(filterset)
    total, counted = bitmaps.counts(over)
    if over.changed:
        more, more_counts = counted_over_matches(filterset, among=over.changed)
        total += more
        counted = {facet: counted[facet] + more_counts[facet] for facet in counted}
    return total, counted


def counted_over_matches(
    filterset: DisclosureFilter, among: list[int] | None = None
) -> tuple[int, dict[str, Counter]]:
    """The total and the facet counts, from one pass over the matches (only those
    ``among`` these ids, if given).

    The rows matching the search and all but at most one of the filters are read once,
    with a flag per filter, and the total and each facet are counted from them, each
    facet ignoring its own filter. The exemptions and keywords come from the ids each
    row carries, so no link table is joined.
    """
    conditions = filterset.conditions(*(n for names in FACET_FILTERS.values() for n in names))
    matches = filterset.filtered_without(*conditions)
    if among is not None:
        matches = matches.filter(pk__in=among)
    matches = matches.annotate(
        **{
            f"in_{name}": ExpressionWrapper(condition, output_field=BooleanField())
            for name, condition in conditions.items()
        }
    )
    in_force = [f for f, names in FACET_FILTERS.items() if any(n in conditions for n in names)]
    if len(in_force) > 1:
        # A row failing the filters of two facets counts nowhere: leave it out of the pass.
        def all_filters_but(facet: str) -> Q:
            names = [n for f in in_force if f != facet for n in FACET_FILTERS[f]]
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
    with search.reading().cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()

    def counted_in(facet: str | None, passed: dict[str, bool]) -> bool:
        """Whether a row passing these filters counts in ``facet`` (None: the total),
        which ignores its own filters."""
        ignored = FACET_FILTERS.get(facet, ())
        return all(ok for name, ok in passed.items() if name not in ignored)

    total = 0
    counted: dict[str, Counter] = {facet: Counter() for facet in FACET_FILTERS}
    for outcome_value, year_value, exemption_id, keyword_id, *flag_values, n in rows:
        passed = dict(zip(conditions, flag_values, strict=True))
        if outcome_value is not None:
            total += n if counted_in(None, passed) else 0
            if counted_in("outcome", passed):
                counted["outcome"][outcome_value] += n
            if counted_in("year", passed) and year_value is not None:  # None: undated
                counted["year"][str(year_value)] += n
        elif exemption_id is not None and counted_in("exemption", passed):
            counted["exemption"][exemption_id] += n
        elif keyword_id is not None and counted_in("keyword", passed):
            counted["keyword"][keyword_id] += n
    return total, {facet: +counter for facet, counter in counted.items()}  # without zeros


def facets(
    filterset: DisclosureFilter, total: int, counted: dict[str, Counter], keyword_limit: int = 25
) -> Facets:
    """The options beside each filter, from the total and the counts by facet value. Two
    queries, for the names of the exemptions and keywords shown."""
    selected = {
        name: set(filterset.cleaned(name, [])) for name in ("outcome", "exemption", "keyword")
    }
    outcome = [
        FacetOption(
            value, str(label), counted["outcome"].get(value, 0), value in selected["outcome"]
        )
        for value, label in Outcome.choices
    ]
    exemption = [
        FacetOption(
            e.slug, e.label, counted["exemption"].get(e.pk, 0), e.slug in selected["exemption"]
        )
        # A chosen exemption stays visible, and can be unticked, even when nothing is left.
        for e in Exemption.objects.filter(
            Q(pk__in=list(counted["exemption"])) | Q(slug__in=selected["exemption"])
        )
        .select_related("legislation")
        .only("slug", "code", "name", "position", "legislation__abbreviation")
        .order_by("position", "code")
    ]
    # The commonest keywords, and any chosen keyword, which stays visible (and can be
    # unticked) even outside the commonest. Ties at the edge are settled by name, so
    # every keyword as common as the last shown is fetched.
    commonest = sorted(counted["keyword"].values(), reverse=True)[:keyword_limit]
    least = commonest[-1] if commonest else 1
    keywords = Keyword.objects.filter(
        Q(pk__in=[pk for pk, n in counted["keyword"].items() if n >= least])
        | Q(slug__in=selected["keyword"])
    ).only("slug", "name")
    by_count = sorted(
        (
            FacetOption(
                k.slug, k.name, counted["keyword"].get(k.pk, 0), k.slug in selected["keyword"]
            )
            for k in keywords
        ),
        key=lambda option: (-option.count, option.label.lower(), option.label),
    )
    keyword = [o for o in by_count if o.count][:keyword_limit]
    keyword += [o for o in by_count if o.selected and o not in keyword]
    year = [
        FacetOption(value, value, n, False)
        for value, n in sorted(counted["year"].items(), key=lambda item: -int(item[0]))
    ]
    return Facets(total=total, outcome=outcome, exemption=exemption, keyword=keyword, year=year)


def tallies(filterset: DisclosureFilter, over: bitmaps.Results | None) -> Tallies:
    """What the statistics of the results are drawn from: from the bitmaps ``over`` them
    and the results changed since, or in three grouped queries over the results.

    Grouping the rows of a million results by month, outcome, exemption and keyword
    reads every one of them: four seconds, where the bitmaps take a tenth of that.
    """
    if over is None:
        return _tallied(filterset.filtered_without())
    days, exemptions, keywords = bitmaps.tallies(over)
    found = Tallies(exemptions=exemptions, keywords=keywords)
    for outcome, answered in days.items():
        months = answered.astype("datetime64[D]").astype("datetime64[M]")
        months, numbers = np.unique(months, return_counts=True)
        for month, n in zip(months.tolist(), numbers.tolist(), strict=True):  # first days
            if month is None:  # undated (see bitmaps.UNDATED)
                found.undated += n
            else:
                found.outcome_months[month, outcome] += n
    if over.changed:
        changed = _tallied(_changed_results(filterset, over))
        found.outcome_months.update(changed.outcome_months)
        found.exemptions.update(changed.exemptions)
        found.keywords.update(changed.keywords)
        found.undated += changed.undated
    return found


def _tallied(results: QuerySet) -> Tallies:
    """The tallies of ``results``, counted over their rows: three queries."""
    results = results.order_by()
    by_month = (
        results.annotate(month=TruncMonth("response_date"))
        .values_list("month", "outcome")
        .annotate(n=Count("*"))
    )
    by_month = list(by_month)
    return Tallies(
        outcome_months=Counter(
            {(month, outcome): n for month, outcome, n in by_month if month is not None}
        ),
        exemptions=_ids_counted(results, "exemption_ids"),
        keywords=_ids_counted(results, "keyword_ids"),
        undated=sum(n for month, _outcome, n in by_month if month is None),
    )


def _ids_counted(results: QuerySet, column: str) -> Counter[int]:
    """How many of ``results`` hold each id of an id array column."""
    sql, params = results.values(column).query.sql_with_params()
    with search.reading().cursor() as cursor:
        cursor.execute(
            f"SELECT i, count(*) FROM ({sql}) AS r, unnest(r.{column}) AS i GROUP BY i",  # noqa: S608
            params,
        )
        return Counter(dict(cursor.fetchall()))


def _changed_results(filterset: DisclosureFilter, over: bitmaps.Results) -> QuerySet:
    """The results among the entries changed since the snapshot, which its bits leave
    out: read from their rows."""
    return filterset.filtered_without().filter(pk__in=over.changed)


def page_ids(
    filterset: DisclosureFilter,
    over: bitmaps.Results,
    newest_first: bool,
    bottom: int,
    top: int,
    total: int,
) -> list[int]:
    """The ids of the results ``bottom`` to ``top`` (of ``total``) in date order, newest
    or oldest first, from the bitmaps ``over`` the results and the entries changed since
    that are results (see ``bitmaps.page_ids``).

    Reading a page from the date index goes through every result before it: half a
    second for the middle page of "police" in a million entries, and PostgreSQL,
    misjudging how many entries a search of several words finds, may fetch and sort
    every match for the first. From the bitmaps, any page costs about what the first
    does.
    """
    changed_found = []
    if over.changed:
        changed_found = list(_changed_results(filterset, over).values_list("response_date", "pk"))
    ranks = range(total - top, total - bottom) if newest_first else range(bottom, top)
    ids = bitmaps.page_ids(over, changed_found, ranks)
    return ids[::-1] if newest_first else ids


def ranked_by_id(filterset: DisclosureFilter, over: bitmaps.Results) -> QuerySet | None:
    """The results by relevance (see ``search.by_relevance``), read by their ids: those
    of the snapshot's results, from its bitmaps, and of the results changed since; None
    for a search without filters, which the search index alone finds well.

    Found through the indexes of the search and of each filter, the results cost what
    the most common filter's index does: PostgreSQL ANDs the 941 entries of a rare word
    with the 110,000 citing the commonest exemption (10 ms), where reading the 98
    results by id takes under one.
    """
    if not filterset.query_text or not over.chosen:
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
    return search.by_relevance(Disclosure.objects.public().filter(by_id), filterset.query_text)
