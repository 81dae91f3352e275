from __future__ import annotations

from collections.abc import Callable

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _


class SafePaginator(Paginator):
    """Page numbers that never fail, and deep pages that cost little more than the first.

    A page is fetched in two steps: first the ids of its rows (a narrow query PostgreSQL
    can answer from an index, skipping the offset without reading the rows), then those
    rows with their related objects. ``ids_of_rows``, when set, is tried first for the
    ids of rows ``bottom`` to ``top``: another way to them, such as the bitmaps of a
    snapshot (see ``counting.page_ids``).

    ``rows_by_id``, when set, is where the rows of those ids are read from: the rows as
    a page shows them, without the filters the ids were found by. Tested again on the
    rows, a search misjudged (PostgreSQL guesses 7 entries for a phrase in 14,000)
    reads the search index for every match instead of twenty rows by id.
    """

    ids_of_rows: Callable[[int, int], list[int] | None] | None = None
    rows_by_id: QuerySet | None = None

    def page(self, number) -> Page:
        """Page ``number``. A page in the second half is read from the other end, in the
        reverse order: the last page of a million rows skips nothing, and no page skips
        more than half of the rows."""
        number = self.validate_number(number)
        bottom, top = self._bounds(number)
        rows = self.object_list
        if not isinstance(rows, QuerySet):
            return self._get_page(rows[bottom:top], number, self)
        ids = self.ids_of_rows(bottom, top) if self.ids_of_rows else None
        if ids is not None:
            pass
        elif bottom > self.count - top and rows.ordered:
            ids = list(
                rows.reverse()[self.count - top : self.count - bottom].values_list("pk", flat=True)
            )
            ids.reverse()
        else:
            ids = list(rows[bottom:top].values_list("pk", flat=True))
        source = rows.order_by() if self.rows_by_id is None else self.rows_by_id
        found = {row.pk: row for row in source.filter(pk__in=ids)}
        return self._get_page([found[pk] for pk in ids if pk in found], number, self)

    def _bounds(self, number: int) -> tuple[int, int]:
        """The first row of page ``number`` and the row after its last."""
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        return bottom, top

    def page_or_404(self, number: str | None) -> Page:
        """The page asked for in the URL; a page that is not a whole number from 1 to the
        last page is a 404 with a message that says so, never a server error."""
        if number in (None, ""):
            return self.page(1)
        try:
            wanted = int(number)
        except (TypeError, ValueError):
            raise Http404(_("Page numbers are whole numbers, not %s.") % number[:20]) from None
        if wanted < 1 or wanted > self.num_pages:
            raise Http404(
                _("There is no page %(page)s: the results have %(pages)s pages.")
                % {"page": wanted, "pages": self.num_pages}
            )
        return self.page(wanted)
