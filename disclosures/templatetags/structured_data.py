"""schema.org data for search engines, as JSON-LD in a page's head."""

from __future__ import annotations

import datetime
import json

from django import template
from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator

from disclosures.models import Disclosure

register = template.Library()

# As Django's json_script: inside <script> these three could end the element ("</script>"
# in a title) or start markup, so they are written as JSON escapes, which read the same.
_SCRIPT_SAFE = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def _moment(moment: datetime.datetime) -> str:
    return timezone.localtime(moment).isoformat(timespec="seconds")


def disclosure_json_ld(disclosure: Disclosure, request: HttpRequest) -> dict:
    """A disclosure as a schema.org Report (the type for a report by a government body,
    with the authority's reference as ``reportNumber``). Uses the keywords already
    fetched with the disclosure."""
    authority = settings.FOILOG_AUTHORITY
    data = {
        "@context": "https://schema.org",
        "@type": "Report",
        "@id": request.build_absolute_uri(disclosure.get_absolute_url()),
        "url": request.build_absolute_uri(disclosure.get_absolute_url()),
        "name": disclosure.title,
        "headline": Truncator(disclosure.title).chars(110),
        "reportNumber": disclosure.reference,
        "identifier": disclosure.reference,
        "description": Truncator(disclosure.request_text).words(50),
        "abstract": str(disclosure.get_outcome_display()),
        "datePublished": _moment(disclosure.published_at),
        "dateModified": _moment(disclosure.updated_at),
        "keywords": [keyword.name for keyword in disclosure.keywords.all()],
        "inLanguage": "en-GB",
        "isAccessibleForFree": True,
        "publisher": {
            "@type": "GovernmentOrganization",
            "name": authority["name"],
            "url": authority["url"],
        },
        "isPartOf": {
            "@type": "WebSite",
            "name": f"Freedom of Information disclosure log – {authority['name']}",
            "url": request.build_absolute_uri(reverse("disclosures:home")),
        },
    }
    if disclosure.response_date:  # none when the log it came from recorded none
        data["dateCreated"] = disclosure.response_date.isoformat()
    return data


def json_ld_script(data: dict) -> SafeString:
    """``data`` in a ``<script type="application/ld+json">`` that no value can break out
    of."""
    text = json.dumps(data, ensure_ascii=False).translate(_SCRIPT_SAFE)
    return format_html(
        '<script type="application/ld+json">{}</script>',
        mark_safe(text),  # noqa: S308 -- JSON with <, > and & escaped, as json_script does
    )


@register.simple_tag(takes_context=True)
def json_ld(context: template.Context, disclosure: Disclosure) -> SafeString:
    """``{% json_ld disclosure %}``: the disclosure's schema.org data for the page head."""
    return json_ld_script(disclosure_json_ld(disclosure, context["request"]))
