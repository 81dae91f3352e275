"""``/disclosures/feed/``: an Atom feed of the latest disclosures, or of a followed search.

The feed takes the list page's parameters through the shared DisclosureFilter, so any
list a person has filtered can be followed in a feed reader: ``/disclosures/feed/?q=drones
&outcome=not-held``. Its entries are the latest *published*, newest first, whatever the
page's sort: a follower wants what is new, and the page's order (by response date, or by
relevance when searching) could keep a disclosure published today, about an old request,
out of the last entries.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from disclosures.filters import DisclosureFilter
from disclosures.models import Disclosure, Exemption, Keyword, Outcome
from disclosures.results import Results

# Characters XML 1.0 cannot hold; Django's feed writer refuses text holding them. Imported
# logs and search words typed into a URL can carry them.
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_text(text: str) -> str:
    """``text`` without the characters XML cannot hold."""
    return _NOT_XML.sub("", text)


def followed(filterset: DisclosureFilter) -> str:
    """What a filtered feed follows, in words (``matching “drones”; outcome: Information
    not held``); '' for the whole log. One query each for exemption and keyword names,
    only when they are filtered on."""
    if not filterset.is_bound or not filterset.is_valid():
        return ""
    data = filterset.form.cleaned_data
    codes = names = []
    if data.get("exemption"):
        codes = Exemption.objects.filter(slug__in=data["exemption"]).values_list("code", flat=True)
    if data.get("keyword"):
        names = Keyword.objects.filter(slug__in=data["keyword"]).values_list("name", flat=True)
    return xml_text(in_words(data, exemption_codes=list(codes), keyword_names=list(names)))


def in_words(
    data: Mapping[str, Any], *, exemption_codes: list[str], keyword_names: list[str]
) -> str:
    """A search in words, from its validated parameters (``data``) and the codes and
    names of the exemptions and keywords it filters on; '' for the whole log."""
    parts = []
    if data.get("q"):
        parts.append(_("matching “%s”") % data["q"])
    if data.get("outcome"):
        labels = dict(Outcome.choices)
        parts.append(_("outcome: %s") % _(" or ").join(str(labels[o]) for o in data["outcome"]))
    if exemption_codes:
        parts.append(_("exemption: %s") % _(" or ").join(exemption_codes))
    if keyword_names:
        parts.append(_("keyword: %s") % _(" or ").join(keyword_names))
    if data.get("date_from"):
        parts.append(_("answered on or after %s") % data["date_from"].isoformat())
    if data.get("date_to"):
        parts.append(_("answered on or before %s") % data["date_to"].isoformat())
    return "; ".join(parts)


def _query(filterset: DisclosureFilter) -> str:
    """The followed parameters as a query string ('?…'), without the page number."""
    if not filterset.is_bound:
        return ""
    params = filterset.data.copy()
    params.pop("page", None)
    return f"?{params.urlencode()}" if params else ""


class DisclosureFeed(Feed):
    feed_type = Atom1Feed
    # Enough for a reader polling daily to miss nothing on a busy day.
    length = 50

    def __call__(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        results = Results(
            request.GET,
            queryset=Disclosure.objects.public().without_search_text().with_related(),
        )
        if (bad_request := results.bad_request()) is not None:
            return bad_request
        return super().__call__(request, *args, filterset=results.filterset, **kwargs)

    def get_object(self, request: HttpRequest, *args, filterset: DisclosureFilter, **kwargs):
        return filterset

    def title(self, filterset: DisclosureFilter) -> str:
        authority = settings.FOILOG_AUTHORITY["name"]
        if following := followed(filterset):
            return _("Disclosures %(following)s – %(authority)s") % {
                "following": following,
                "authority": authority,
            }
        return _("Latest disclosures – %(authority)s") % {"authority": authority}

    def subtitle(self, filterset: DisclosureFilter) -> str:
        return _(
            "Freedom of Information requests answered by %(authority)s, newest published first."
        ) % {"authority": settings.FOILOG_AUTHORITY["name"]}

    def link(self, filterset: DisclosureFilter) -> str:
        return reverse("disclosures:list") + _query(filterset)

    def feed_url(self, filterset: DisclosureFilter) -> str:
        return reverse("disclosures:feed") + _query(filterset)

    def author_name(self) -> str:
        return settings.FOILOG_AUTHORITY["name"]

    def author_link(self) -> str:
        return settings.FOILOG_AUTHORITY["url"]

    def items(self, filterset: DisclosureFilter):
        # filtered_without(): every filter, but not the page's order (see the docstring).
        return filterset.filtered_without().order_by("-published_at", "-id")[: self.length]

    def item_title(self, item: Disclosure) -> str:
        return xml_text(f"{item.title} ({item.reference})")

    def item_description(self, item: Disclosure) -> str:
        # Atom's summary is HTML: the text, which anyone may have typed, is escaped.
        summary = f"{item.get_outcome_display()}. {Truncator(item.request_text).words(60)}"
        return escape(xml_text(summary))

    def item_pubdate(self, item: Disclosure):
        return item.published_at

    def item_updateddate(self, item: Disclosure):
        return item.updated_at

    def item_categories(self, item: Disclosure) -> list[str]:
        names = [str(item.get_outcome_display()), *(k.name for k in item.keywords.all())]
        return [xml_text(name) for name in names]
