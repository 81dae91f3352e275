"""An alert's search: the shared FilterSet's parameters, kept in one form, put in words,
and run over the public log for what is new.

An alert is a saved set of the list's parameters, so it finds what the list, the feed
and the downloads find for the same parameters: the one ``DisclosureFilter`` run over
``Disclosure.objects.public()``. Nothing unpublished can be mailed.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import QueryDict
from django.urls import reverse
from django.utils.http import urlencode

from disclosures import feeds
from disclosures.filters import DisclosureFilter
from disclosures.models import Disclosure, Exemption, Keyword, Outcome

# The parameters that choose disclosures; the order and the page do not.
FOLLOWED = ("q", "outcome", "exemption", "keyword", "date_from", "date_to")
# A search longer than this (hundreds of keywords at once) is refused: it is kept, and
# run at every digest.
MAX_SEARCH_LENGTH = 2000
# Disclosures listed for one alert in one email; the rest are a link to the search.
MAX_LISTED = 20


def canonical(filterset: DisclosureFilter) -> str:
    """The parameters of a valid FilterSet that choose disclosures, as a query string
    in one order (``outcome=not-held&q=drones``): a search reads the same whatever the
    order, the sort or the page of the address it came from."""
    data = filterset.form.cleaned_data
    pairs: list[tuple[str, str]] = []
    for name in sorted(FOLLOWED):
        value = data.get(name)
        if value in (None, "", []):
            continue
        if isinstance(value, list):
            pairs += [(name, item) for item in sorted(set(value))]
        elif isinstance(value, datetime.date):
            pairs.append((name, value.isoformat()))
        else:
            pairs.append((name, str(value)))
    return urlencode(pairs)


def filterset_for(search: str, queryset: QuerySet) -> DisclosureFilter:
    """The shared FilterSet with a kept search's parameters, over ``queryset``."""
    return DisclosureFilter(QueryDict(search), queryset=queryset)


def list_path(search: str) -> str:
    """The address of the list page showing ``search``."""
    return reverse("disclosures:list") + (f"?{search}" if search else "")


def _date(value: str | None) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def in_words(searches: Iterable[str]) -> dict[str, str]:
    """Each kept search in words, as its feed's title names it (``matching “drones”;
    outcome: Information not held``; '' for the whole log), by search. Two queries at
    most, whatever the number of searches: the names of their exemptions and keywords."""
    parameters = {search: QueryDict(search) for search in set(searches)}
    exemption_slugs = {s for p in parameters.values() for s in p.getlist("exemption")}
    keyword_slugs = {s for p in parameters.values() for s in p.getlist("keyword")}
    # In each model's own order, as the feed names them.
    exemptions = (
        list(Exemption.objects.filter(slug__in=exemption_slugs).values_list("slug", "code"))
        if exemption_slugs
        else []
    )
    keywords = (
        list(Keyword.objects.filter(slug__in=keyword_slugs).values_list("slug", "name"))
        if keyword_slugs
        else []
    )
    outcomes = {value for value, _label in Outcome.choices}
    words = {}
    for search, params in parameters.items():
        data = {
            "q": params.get("q", ""),
            "outcome": [o for o in params.getlist("outcome") if o in outcomes],
            "date_from": _date(params.get("date_from")),
            "date_to": _date(params.get("date_to")),
        }
        chosen_exemptions = set(params.getlist("exemption"))
        chosen_keywords = set(params.getlist("keyword"))
        words[search] = feeds.in_words(
            data,
            exemption_codes=[code for slug, code in exemptions if slug in chosen_exemptions],
            keyword_names=[name for slug, name in keywords if slug in chosen_keywords],
        )
    return words


@dataclass(frozen=True)
class Listed:
    """A new disclosure as an email lists it."""

    reference: str
    title: str
    outcome: str
    response_date: datetime.date
    path: str


@dataclass(frozen=True)
class NewDisclosures:
    """What is new for one alert: the newest MAX_LISTED, and how many in all."""

    listed: list[Listed]
    total: int


def published_between(after: datetime.datetime, until: datetime.datetime) -> QuerySet:
    """Public disclosures published after ``after`` and up to ``until``."""
    return Disclosure.objects.public().filter(published_at__gt=after, published_at__lte=until)


def new_disclosures(
    search: str, after: datetime.datetime, until: datetime.datetime, limit: int = MAX_LISTED
) -> NewDisclosures:
    """The public disclosures published after ``after`` and up to ``until`` that match
    ``search`` now, newest published first. Two queries at most (the rows, and their
    number when there are more than ``limit``), plus one for each of the search's
    exemption and keyword filters, whatever the number of disclosures. A search the log
    can no longer run (its keyword no longer on any public entry) finds nothing."""
    filterset = filterset_for(search, published_between(after, until))
    if not filterset.is_valid():
        return NewDisclosures([], 0)
    matches = filterset.filtered_without()
    rows = list(
        matches.order_by("-published_at", "-id").values_list(
            "reference", "title", "outcome", "response_date"
        )[: limit + 1]
    )
    total = len(rows) if len(rows) <= limit else matches.count()
    labels = dict(Outcome.choices)
    listed = [
        Listed(
            reference=reference,
            title=title,
            outcome=str(labels.get(outcome, outcome)),
            response_date=response_date,
            path=reverse("disclosures:detail", kwargs={"reference": reference}),
        )
        for reference, title, outcome, response_date in rows[:limit]
    ]
    return NewDisclosures(listed, total)
