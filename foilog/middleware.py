"""Small middleware of foilog's own: headers Django does not send, staff reads on the
primary database, and a clear answer when the database is down."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

from foilog.routers import one_replica, reads_from_primary

logger = logging.getLogger(__name__)

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class PermissionsPolicyMiddleware:
    """Send ``Permissions-Policy``: the log uses no camera, microphone, location and the
    like, so no page (nor anything injected into one) may ask for them.

    Django has no setting for this header; one fixed header does not need a package.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.header = settings.PERMISSIONS_POLICY

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if self.header:
            response.headers.setdefault("Permissions-Policy", self.header)
        return response


class PrimaryDatabaseMiddleware:
    """Staff requests read from the primary database, never from a lagging replica; any
    other request reads from one replica throughout (see ``foilog.routers``).

    A request is a staff one when it writes (POST …), is under ``/admin/`` or carries a
    session cookie: public visitors have no cookies at all.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            request.method not in SAFE_METHODS
            or request.path.startswith("/admin/")
            or settings.SESSION_COOKIE_NAME in request.COOKIES
        ):
            with reads_from_primary():
                return self.get_response(request)
        with one_replica():
            return self.get_response(request)


class DatabaseUnavailableMiddleware:
    """Answer 503 with a plain explanation when the database cannot be reached.

    During a database restart or failover a view fails with ``OperationalError`` or
    ``InterfaceError``. A 500 page would suggest a bug and tell staff nothing about their
    change; this says the database is away and whether anything was saved. Saves in the
    admin run in one transaction, so a failed save is rolled back whole. The 503 and
    ``Retry-After`` also tell a load balancer and crawlers to come back later.
    """

    retry_after_seconds = 30

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        logger.error("Database unavailable: %s %s", request.method, request.path, exc_info=True)
        # Rendered without the request: a context processor could touch the database.
        body = render_to_string("503.html", {"authority": settings.FOILOG_AUTHORITY})
        response = HttpResponse(body, status=503)
        response["Retry-After"] = str(self.retry_after_seconds)
        response["Cache-Control"] = "no-store"
        return response
