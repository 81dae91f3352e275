from __future__ import annotations

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _


class SafePaginator(Paginator):
    """Page numbers that never fail, and deep pages that cost little more than the first.

    A page is fetched in two steps: first the ids of its rows (a narrow query PostgreSQL
    can answer from an index, skipping the offset without reading the rows), then those
    rows with their related objects.
    """

    def _get_page(self, object_list, number, paginator) -> Page:
        if isinstance(object_list, QuerySet):
            ids = list(object_list.values_list("pk", flat=True))
            rows = {row.pk: row for row in self.object_list.filter(pk__in=ids)}
            object_list = [rows[pk] for pk in ids if pk in rows]
        return super()._get_page(object_list, number, paginator)

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
