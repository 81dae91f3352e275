"""``/sitemap.xml`` and ``/robots.txt``: what search engines should crawl.

The sitemap is an index of sections (pages, disclosures, keywords, exemptions); a
section longer than ``limit`` is split into numbered pages (``?p=2``), so a log of a
million disclosures is a hundred files of ten thousand links, each made from one indexed
query. Items are in id order, so a new disclosure lands on the last page and the others
keep their place.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from functools import cached_property

from django.contrib.sitemaps import Sitemap
from django.core.paginator import Paginator
from django.db.models import Max, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_safe

from disclosures.models import Disclosure, Exemption, Keyword

# Search engines take up to 50,000 links a file; fewer keep each file quick to make.
LINKS_PER_FILE = 10_000


class PageSitemap(Sitemap):
    """The pages that are not about one disclosure, keyword or exemption."""

    def items(self) -> list[str]:
        return [
            "disclosures:home",
            "disclosures:list",
            "disclosures:exemptions",
            "disclosures:statistics",
            "disclosures:about",
        ]

    def location(self, item: str) -> str:
        return reverse(item)


class DisclosureSitemap(Sitemap):
    limit = LINKS_PER_FILE

    def items(self) -> QuerySet:
        return Disclosure.objects.public().order_by("id").only("reference", "updated_at")

    def location(self, item: Disclosure) -> str:
        return self._permalink(item.reference)

    @cached_property
    def _permalink(self) -> Callable[[str], str]:
        # What get_absolute_url() gives, with the route reversed once for the file's ten
        # thousand links rather than once each (see Disclosure.absolute_urls). The
        # sitemap views make a new instance for each request.
        return Disclosure.absolute_urls()

    def lastmod(self, item: Disclosure) -> datetime.datetime:
        return item.updated_at

    def get_latest_lastmod(self) -> datetime.datetime | None:
        # Django's default reads every item to find the latest: one aggregate instead.
        return Disclosure.objects.public().aggregate(latest=Max("updated_at"))["latest"]


class KeywordSitemap(Sitemap):
    """Keyword pages, last modified when the latest of their public disclosures was."""

    limit = LINKS_PER_FILE

    def items(self) -> QuerySet:
        public = Q(disclosures__in=Disclosure.objects.public())
        return (
            Keyword.objects.public()
            .annotate(lastmod=Max("disclosures__updated_at", filter=public))
            .order_by("id")
            .only("slug")
        )

    def lastmod(self, item: Keyword) -> datetime.datetime:
        return item.lastmod

    @property
    def paginator(self) -> Paginator:
        # Counted without the dates: the count of the annotated items read every
        # keyword link (0.2 s at a million entries) for the index alone.
        pages = Paginator(self.items(), self.limit)
        pages.count = Keyword.objects.public().count()
        return pages

    def get_latest_lastmod(self) -> datetime.datetime | None:
        return DisclosureSitemap().get_latest_lastmod()


class ExemptionSitemap(Sitemap):
    def items(self) -> QuerySet:
        return Exemption.objects.order_by("position", "code").only("slug")


SITEMAPS = {
    "pages": PageSitemap,
    "disclosures": DisclosureSitemap,
    "keywords": KeywordSitemap,
    "exemptions": ExemptionSitemap,
}


@require_safe
def robots_txt(request: HttpRequest) -> HttpResponse:
    """Where the sitemap is, and what crawlers should leave alone: the staff's admin, the
    API (the same records as the pages), and the downloads and feed, which can be large
    and repeat what the pages show."""
    sitemap = request.build_absolute_uri(reverse("sitemap"))
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /api/",
        "Disallow: /disclosures/export.",
        "Disallow: /disclosures/feed/",
        "",
        f"Sitemap: {sitemap}",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
