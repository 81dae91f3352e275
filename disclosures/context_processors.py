from django.conf import settings
from django.http import HttpRequest

from disclosures import theme


def authority(request: HttpRequest) -> dict:
    """The publishing authority's name, logo and contacts, for every template, and the
    version of its theme stylesheet (for the stylesheet's URL)."""
    return {
        "authority": settings.FOILOG_AUTHORITY,
        "theme_version": theme.version(settings.FOILOG_AUTHORITY.get("brand_colour", "")),
    }
