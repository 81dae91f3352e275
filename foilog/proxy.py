"""What the reverse proxy in front of foilog tells it about the client."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """The address of the client, for login throttling (django-axes).

    Behind our own proxy (``BEHIND_HTTPS_PROXY``) every request comes from the proxy, so
    throttling by ``REMOTE_ADDR`` would lock out a username for everyone. The right-most
    ``X-Forwarded-For`` address is the one the proxy itself saw; the ones before it are
    whatever the client claimed and cannot be trusted.
    """
    if settings.SECURE_PROXY_SSL_HEADER:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        addresses = [part.strip() for part in forwarded.split(",") if part.strip()]
        if addresses:
            return addresses[-1]
    return request.META.get("REMOTE_ADDR", "")
