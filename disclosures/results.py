"""One request's results: the shared FilterSet's search and filters over the public log,
and everything a page shows of them.

Every public output starts here: the list, the keyword and exemption pages, the
statistics, the feed, the downloads and the API. A ``Results`` works out each thing once,
when first asked: the number of results and the counts beside each filter option, a
page of rows in the order asked for, the tallies the statistics are drawn from; and the
last snapshot's bitmaps are read at most once for all of them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from functools import cached_property
from typing import TypeVar

from django.conf import settings
from django.core.paginator import Page
from django.db.models import QuerySet
from django.http import HttpResponseBadRequest, QueryDict

from disclosures import bitmaps, counting, search
from disclosures.filters import DisclosureFilter
from disclosures.models import Disclosure, Exemption
from disclosures.pagination import SafePaginator

T = TypeVar("T")
# How a page keeps work that many pages share (the counts of a search, the same on each
# of its pages and in each order): a function of the work's name and of the work to do.
Keeper = Callable[[object, Callable[[], T]], T]


def _done_now(parts: object, compute: Callable[[], T]) -> T:
    return compute()


class Results:
    """The public log as the list's parameters ``data`` choose it (all of it, without
    any), or as ``queryset`` does."""

    def __init__(
        self,
        data: QueryDict | None = None,
        *,
        queryset: QuerySet | None = None,
        keep: Keeper = _done_now,
        keyword_limit: int = 25,
    ) -> None:
        self.filterset = DisclosureFilter(
            data or None,
            queryset=Disclosure.objects.public() if queryset is None else queryset,
        )
        self.keep = keep
        self.keyword_limit = keyword_limit

    # --- The parameters ---------------------------------------------------------------

    @property
    def invalid(self) -> bool:
        """Whether a parameter is invalid: the page is still shown, with what is valid
        applied, but answers 400 and explains each error."""
        return self.filterset.is_bound and not self.filterset.is_valid()

    def bad_request(self) -> HttpResponseBadRequest | None:
        """The plain-text 400 of the outputs that have no page to explain errors on (the
        feed, the downloads), listing every error; None when every parameter is valid."""
        if not self.invalid:
            return None
        return HttpResponseBadRequest(
            self.filterset.error_text(), content_type="text/plain; charset=utf-8"
        )

    @property
    def query_text(self) -> str:
        return self.filterset.query_text

    def has_filters(self, besides: tuple[str, ...] = ("q", "sort")) -> bool:
        """Whether any parameter but ``besides`` was given a value, valid or not."""
        data = self.filterset.data if self.filterset.is_bound else {}
        return any(data.get(name) for name in self.filterset.filters if name not in besides)

    # --- Counting ---------------------------------------------------------------------

    @cached_property
    def _over(self) -> bitmaps.Results | None:
        """The results as the last snapshot's bitmaps read them, if one serves."""
        return counting.select(self.filterset)

    @cached_property
    def _counted(self) -> tuple[int, dict[str, Counter]]:
        """The number of results and the counts by facet value. Kept (``keep``) between
        the pages and orders of the same search."""
        return self.keep(
            ("counts", self.filterset.facet_key()),
            lambda: counting.counts(self.filterset, self._over),
        )

    @property
    def total(self) -> int:
        return self._counted[0]

    @property
    def counts(self) -> dict[str, Counter]:
        """The counts by facet value, each facet ignoring its own filter (exemptions and
        keywords by id)."""
        return self._counted[1]

    @cached_property
    def facets(self) -> counting.Facets:
        """The number of results and the options beside each filter, with their names.
        Kept (``keep``) as the counts are."""
        return self.keep(
            ("facets", self.filterset.facet_key(), self.keyword_limit),
            lambda: counting.facets(self.filterset, *self._counted, self.keyword_limit),
        )

    @cached_property
    def tallies(self) -> counting.Tallies:
        """What the statistics of the results are drawn from."""
        return counting.tallies(self.filterset, self._over)

    # --- Order and pages --------------------------------------------------------------

    @cached_property
    def too_many_to_rank(self) -> bool:
        """Whether the results are too many to rank by relevance (see
        ``search.RANK_LIMIT``): they are then shown newest first, and the page says so."""
        return (
            self.filterset.current_sort == DisclosureFilter.Sort.RELEVANCE
            and self.total > search.RANK_LIMIT
        )

    @property
    def current_sort(self) -> str:
        if self.too_many_to_rank:
            return DisclosureFilter.Sort.NEWEST
        return self.filterset.current_sort

    def page(self, number: str | None, per_page: int = settings.FOILOG_PAGE_SIZE) -> Page:
        """Page ``number`` of the results in the order asked for; a 404 with a message for
        a page that does not exist (see ``SafePaginator.page_or_404``).

        In date order, the page's ids come from the bitmaps where a snapshot serves, at
        any depth; by relevance, a filtered search is ranked by the ids the bitmaps give.
        The rows are then read by id alone, as summaries show them.
        """
        sort = self.current_sort
        over = self._over
        rows = self.filterset.qs
        newest_first = sort != DisclosureFilter.Sort.OLDEST
        if sort == DisclosureFilter.Sort.RELEVANCE:
            ranked = None if over is None else counting.ranked_by_id(self.filterset, over)
            rows = ranked if ranked is not None else rows
        else:
            rows = rows.in_date_order(newest_first)
        paginator = SafePaginator(rows, per_page)
        paginator.count = self.total
        paginator.rows_by_id = Disclosure.objects.public().for_summaries()
        if sort != DisclosureFilter.Sort.RELEVANCE and over is not None:

            def ids_of_rows(bottom: int, top: int) -> list[int]:
                return counting.page_ids(
                    self.filterset, over, newest_first, bottom, top, paginator.count
                )

            paginator.ids_of_rows = ids_of_rows
        page = paginator.page_or_404(number)
        search.add_headlines(page.object_list, self.query_text)
        return page

    def suggestion(self) -> str | None:
        """A corrected search for misspelt words, or None (see ``search.suggest``)."""
        text = self.query_text
        return search.suggest(text, Disclosure.objects.public()) if text else None


def exemptions_with_public_counts() -> list[Exemption]:
    """Every exemption, in order, with ``public_count``: how many public disclosures cite
    it, counted as the whole log's results are."""
    cited = Results().counts["exemption"]
    exemptions = list(Exemption.objects.select_related("legislation"))
    for exemption in exemptions:
        exemption.public_count = cited.get(exemption.pk, 0)
    return exemptions
