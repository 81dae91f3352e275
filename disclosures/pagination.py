from __future__ import annotations

from django.core.paginator import Page, Paginator
from django.http import Http404
from django.utils.translation import gettext as _


class SafePaginator(Paginator):
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
