"""When the public log last changed: validators for conditional GET.

Every public page gets an ``ETag``, a ``Last-Modified`` and ``Cache-Control: public``, so a
browser or a cache that already has the page asks "has it changed?" and gets a bodiless
304 from one small query, without the page's own queries or rendering.

The log's version is kept by the database (``disclosures/sql/freshness.sql``): every
statement that changes what a public page could show (a public disclosure inserted,
changed, withdrawn or deleted; a keyword of one renamed; an exemption edited) adds a note
to ``PublicChange``. Changes to drafts, scheduled and withdrawn entries add none, so no
validator tells when an unpublished entry was edited. The one change no statement makes,
a scheduled entry falling due, is covered by the latest ``published_at`` among public
disclosures.

A disclosure's own page is validated by its row, its keywords, exemptions and documents,
and only while it is public or withdrawn (its 410 page): for a draft or a scheduled entry
there are no validators, so it answers the same 404 as an unknown reference whatever the
request's headers.
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import connections, router
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control
from django.views.decorators.http import condition

from disclosures.models import Disclosure, Document, Exemption, Keyword, PublicChange


@dataclass(frozen=True)
class State:
    """What a page's validators are made of."""

    last_modified: datetime.datetime | None
    digest: str


def _release() -> str:
    """Changes when the code that renders the pages changes, so a deployment that alters
    a template is not answered with 304 for pages rendered by the old one.

    ``FOILOG_RELEASE`` (a commit id) when set; otherwise a digest of the templates and
    the app's modules, the same on every server that runs the same code.
    """
    if release := os.environ.get("FOILOG_RELEASE"):
        return release
    digest = hashlib.sha256()
    roots = [Path(settings.BASE_DIR) / "templates", Path(__file__).resolve().parent]
    for root in roots:
        for path in sorted(root.rglob("*")):
            if path.suffix in (".html", ".py", ".txt", ".xml") and path.is_file():
                digest.update(path.relative_to(root).as_posix().encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


RELEASE = _release()


def _table(model) -> str:
    return connections[router.db_for_read(model)].ops.quote_name(model._meta.db_table)


def log_state() -> State:
    """The state of the whole public log, in one query: for the home page, the list, and
    the keyword and exemption pages."""
    alias = router.db_for_read(Disclosure)
    due_sql, due_params = (
        Disclosure.objects.public()
        .order_by("-published_at")
        .values("published_at")[:1]
        .query.sql_with_params()
    )
    # The version: a few rows, folded by the worker. The latest due entry: one end of
    # an index.
    sql = f"""
        SELECT version.total, version.latest, ({due_sql})
          FROM (SELECT sum(changes) AS total, max(changed_at) AS latest
                  FROM {_table(PublicChange)}) AS version
    """  # noqa: S608 -- table names from the models, values as parameters
    with connections[alias].cursor() as cursor:
        cursor.execute(sql, due_params)
        version, changed, due = cursor.fetchone()
    stamps = [stamp for stamp in (changed, due) if stamp is not None]
    return State(
        last_modified=max(stamps) if stamps else None,
        digest=f"{version}|{due}",
    )


def disclosure_state(reference: str) -> State | None:
    """The state of one disclosure's page, in one query; None when no public or
    withdrawn disclosure has that reference (a draft and a scheduled entry included)."""
    if "\x00" in reference:  # PostgreSQL cannot compare text holding NUL.
        return None
    alias = router.db_for_read(Disclosure)
    links = Disclosure.exemptions.through
    tags = Disclosure.keywords.through
    sql = f"""
        SELECT d.updated_at, d.published_at, d.status, d.withdrawn_reason,
          (SELECT string_agg(concat_ws(':', e.id, e.code, e.slug, e.name, e.kind), '|'
                             ORDER BY e.id)
             FROM {_table(Exemption)} e JOIN {_table(links)} l ON l.exemption_id = e.id
            WHERE l.disclosure_id = d.id),
          (SELECT string_agg(concat_ws(':', k.id, k.name, k.slug), '|' ORDER BY k.id)
             FROM {_table(Keyword)} k JOIN {_table(tags)} t ON t.keyword_id = k.id
            WHERE t.disclosure_id = d.id),
          (SELECT string_agg(concat_ws(':', f.id, f.title, f.file, f.size, f.position,
                                       f.uploaded_at), '|' ORDER BY f.id)
             FROM {_table(Document)} f WHERE f.disclosure_id = d.id)
        FROM {_table(Disclosure)} d
        WHERE d.reference = %s
          AND (disclosures_is_public(d.status, d.published_at) OR d.status = %s)
    """  # noqa: S608 -- table names from the models, values as parameters
    with connections[alias].cursor() as cursor:
        cursor.execute(sql, [reference, Disclosure.Status.WITHDRAWN])
        row = cursor.fetchone()
    if row is None:
        return None
    updated_at, published_at = row[0], row[1]
    stamps = [stamp for stamp in (updated_at, published_at) if stamp is not None]
    return State(
        last_modified=max(stamps),
        digest=hashlib.sha256(repr(row).encode()).hexdigest(),
    )


def _settings_fingerprint() -> str:
    """foilog's own settings (authority, page size …) shape every page: a new value in
    the environment must not be answered with 304 for pages made with the old one."""
    names = sorted(name for name in dir(settings) if name.startswith("FOILOG_"))
    return repr([(name, getattr(settings, name)) for name in names])


def _etag(request: HttpRequest, state: State | None) -> str | None:
    if state is None:
        return None
    # The language is part of the representation (Vary: Accept-Language).
    language = getattr(request, "LANGUAGE_CODE", settings.LANGUAGE_CODE)
    key = f"{RELEASE}|{_settings_fingerprint()}|{language}|{state.digest}"
    return hashlib.sha256(key.encode()).hexdigest()[:32]


def _state_for(request: HttpRequest, **kwargs) -> State | None:
    """One query per request for both validators: Django asks for the ETag and then the
    last-modified time, so the state is kept on the request."""
    if not hasattr(request, "_foilog_state"):
        reference = kwargs.get("reference")
        request._foilog_state = (
            disclosure_state(reference) if reference is not None else log_state()
        )
    return request._foilog_state


T = TypeVar("T")


def kept_while_unchanged(request: HttpRequest, parts: object, compute: Callable[[], T]) -> T:
    """``compute()``, kept in the cache until the public log changes.

    For work that several pages share, such as the counts of a search, which are the
    same on each of its pages and in each order: paging through a large result counts
    it once. ``parts`` names the work (the filters in force, say). Keyed like the pages
    (the log's state, language, release, settings), so nothing kept is ever stale.
    """
    if settings.FOILOG_PAGE_CACHE_SECONDS <= 0:
        return compute()
    tag = _etag(request, _state_for(request))
    if tag is None:
        return compute()
    key = "foilog:kept:" + hashlib.sha256(f"{tag}|{parts!r}".encode()).hexdigest()
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, settings.FOILOG_PAGE_CACHE_SECONDS)
    return value


# Statuses worth keeping: a page, an explained bad filter, a withdrawal notice.
CACHED_STATUSES = frozenset({200, 400, 410})


def _cached(view: Callable, etag: Callable) -> Callable:
    """Keep each rendered page in the cache under its ETag and full URL.

    The key changes the moment anything the page shows changes, so a kept page is never
    stale and nothing needs invalidating: a new visitor to a popular page costs the one
    validator query instead of the page's dozen. With ``REDIS_URL`` the app servers
    share the pages. Only for pages that are the same for every visitor.
    """

    @functools.wraps(view)
    def cached_view(request: HttpRequest, *args, **kwargs):
        tag = etag(request, *args, **kwargs) if request.method == "GET" else None
        if tag is None or settings.FOILOG_PAGE_CACHE_SECONDS <= 0:
            return view(request, *args, **kwargs)
        path = hashlib.sha256(request.get_full_path().encode()).hexdigest()
        key = f"foilog:page:{tag}:{path}"
        kept = cache.get(key)
        if kept is not None:
            status, headers, content = kept
            return HttpResponse(content, status=status, headers=headers)
        response = view(request, *args, **kwargs)
        if hasattr(response, "render"):
            response.render()
        if response.status_code in CACHED_STATUSES and not response.cookies:
            kept = (response.status_code, dict(response.items()), response.content)
            cache.set(key, kept, settings.FOILOG_PAGE_CACHE_SECONDS)
        return response

    return cached_view


def public_page(view: Callable) -> Callable:
    """Wrap a public view: answer 304 when the client's copy is current, serve a kept
    copy when the page has not changed since it was last made, and let browsers and
    shared caches keep the page for ``FOILOG_PUBLIC_MAX_AGE`` seconds.

    The detail page (``reference`` in the URL) is validated by its own disclosure; every
    other page by the whole log.
    """

    def etag(request: HttpRequest, *args, **kwargs) -> str | None:
        return _etag(request, _state_for(request, **kwargs))

    def last_modified(request: HttpRequest, *args, **kwargs) -> datetime.datetime | None:
        state = _state_for(request, **kwargs)
        return state.last_modified if state else None

    conditional = condition(etag_func=etag, last_modified_func=last_modified)(_cached(view, etag))

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs):
        response = conditional(request, *args, **kwargs)
        if request.method in ("GET", "HEAD") and response.status_code in (200, 304, 400, 410):
            patch_cache_control(response, public=True, max_age=settings.FOILOG_PUBLIC_MAX_AGE)
        return response

    return wrapped
