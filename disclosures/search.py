"""Full-text search over the stored, weighted search vector.

The vector is a generated column (title and keywords weigh most, then the request, then
the response); queries use PostgreSQL's ``websearch_to_tsquery``, so people can type what
they know from web search: words, "quoted phrases", OR, -excluded.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db.models import Count, F, QuerySet
from django.db.models.functions import ExtractYear

from disclosures.models import SEARCH_CONFIG, Disclosure, Keyword, Outcome

if TYPE_CHECKING:
    from disclosures.filters import DisclosureFilter

# Longer queries are refused with a message, not silently cut: nobody types 500 characters
# and a bounded query keeps websearch_to_tsquery and ts_rank cheap.
MAX_QUERY_LENGTH = 500


def clean_query(text: str) -> str:
    """Normalise what a user typed: no NUL bytes (PostgreSQL rejects them), trimmed."""
    return " ".join(text.replace("\x00", " ").split())


def search_query(text: str) -> SearchQuery:
    return SearchQuery(text, search_type="websearch", config=SEARCH_CONFIG)


def search(queryset: QuerySet, text: str) -> QuerySet:
    """Disclosures in ``queryset`` whose stored search vector matches ``text``."""
    return queryset.filter(search_vector=search_query(text))


def by_relevance(queryset: QuerySet, text: str) -> QuerySet:
    """``queryset`` ordered by relevance to ``text``, newest first among equals.

    ts_rank reads the stored vector with its weights (title and keywords A, request B,
    response C); normalization 32 scales the rank into 0..1 regardless of length.
    """
    rank = SearchRank(F("search_vector"), search_query(text), normalization=32)
    return queryset.annotate(rank=rank).order_by("-rank", "-response_date", "-id")


@dataclass(frozen=True)
class FacetOption:
    value: str
    label: str
    count: int
    selected: bool


def facet_counts(filterset: DisclosureFilter, keyword_limit: int = 25) -> dict[str, list]:
    """Counts beside every filter option, for the current query and the other filters.

    Each facet ignores its own filter (choosing a second outcome widens the results), and
    every count is exact. One query per facet, whatever the size of the log.
    """
    selected = {
        name: set(filterset.cleaned(name, [])) for name in ("outcome", "exemption", "keyword")
    }

    by_outcome = dict(
        filterset.filtered_without("outcome")
        .order_by()
        .values_list("outcome")
        .annotate(n=Count("id"))
    )
    outcome = [
        FacetOption(value, str(label), by_outcome.get(value, 0), value in selected["outcome"])
        for value, label in Outcome.choices
    ]

    exemption_rows = (
        Disclosure.exemptions.through.objects.filter(
            disclosure__in=filterset.filtered_without("exemption")
        )
        .values_list("exemption__slug", "exemption__code", "exemption__name", "exemption__position")
        .annotate(n=Count("id"))
        .order_by("exemption__position")
    )
    exemption = [
        FacetOption(slug, f"{code} {name}", n, slug in selected["exemption"])
        for slug, code, name, _position, n in exemption_rows
    ]

    keyword_rows = (
        Disclosure.keywords.through.objects.filter(
            disclosure__in=filterset.filtered_without("keyword")
        )
        .values_list("keyword__slug", "keyword__name")
        .annotate(n=Count("id"))
        .order_by("-n", "keyword__name")
    )
    keyword_rows = list(keyword_rows[:keyword_limit])
    keyword = [
        FacetOption(slug, name, n, slug in selected["keyword"]) for slug, name, n in keyword_rows
    ]
    # A chosen keyword stays visible (and can be unticked) even outside the top ones.
    shown = {option.value for option in keyword}
    missing = selected["keyword"] - shown
    if missing:
        keyword += [
            FacetOption(slug, name, 0, True)
            for slug, name in Keyword.objects.filter(slug__in=missing).values_list("slug", "name")
        ]

    year = [
        FacetOption(str(year), str(year), n, False)
        for year, n in filterset.filtered_without("date_from", "date_to")
        .order_by()
        .annotate(year=ExtractYear("response_date"))
        .values_list("year")
        .annotate(n=Count("id"))
        .order_by("-year")
    ]
    return {"outcome": outcome, "exemption": exemption, "keyword": keyword, "year": year}
