from django.conf import settings
from django.http import HttpRequest


def authority(request: HttpRequest) -> dict:
    """The publishing authority's name, logo and contacts, for every template."""
    return {"authority": settings.FOILOG_AUTHORITY}
