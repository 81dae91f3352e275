"""Full-text search over the stored, weighted search vector: the query, the ranking, the
highlights and the "did you mean" suggestions. Counting the results is ``counting``'s.

The vector is a generated column (title and keywords weigh most, then the request, then
the response); queries use PostgreSQL's ``websearch_to_tsquery``, so people can type what
they know from web search: words, "quoted phrases", OR, -excluded.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Sequence

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.db import connections, router
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import F, QuerySet, TextField, Value
from django.db.models.functions import Concat
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from disclosures.models import NEWEST_FIRST, SEARCH_CONFIG, Disclosure


def reading() -> BaseDatabaseWrapper:
    """The connection this request's reads of the log go to: the replica it is pinned to
    (see ``foilog.routers``), so that raw queries see what the ORM's do."""
    return connections[router.db_for_read(Disclosure)]


# Longer queries are shortened, and the page says so: nobody types 500 characters, and a
# bounded query keeps websearch_to_tsquery, ts_rank and ts_headline cheap.
MAX_QUERY_LENGTH = 500


def clean_query(text: str) -> str:
    """Normalise what a user typed: no NUL bytes (PostgreSQL rejects them), trimmed."""
    return " ".join(text.replace("\x00", " ").split())


def shorten_query(text: str) -> str:
    """``text`` cut to MAX_QUERY_LENGTH characters, at a word boundary where there is one."""
    cut = text[:MAX_QUERY_LENGTH]
    return cut.rsplit(" ", 1)[0] if " " in cut else cut


def search_query(text: str) -> SearchQuery:
    return SearchQuery(text, search_type="websearch", config=SEARCH_CONFIG)


def search(queryset: QuerySet, text: str) -> QuerySet:
    """Disclosures in ``queryset`` whose stored search vector matches ``text``."""
    return queryset.filter(search_vector=search_query(text))


def find_reference(queryset: QuerySet, text: str) -> Disclosure | None:
    """The public disclosure whose reference is exactly ``text`` (ignoring case), if any.

    Only text that could be a reference is looked up: it holds a digit, as every
    reference shape does (16495, FOI-2024-0123, FOI/23/1234).
    """
    if not text or len(text) > 100 or not any(ch.isdigit() for ch in text):
        return None
    # Unordered, so that PostgreSQL reads the reference index: asked for the newest
    # first, it may walk the date index instead, testing every entry (a second at a
    # million) until its statistics say how rare a reference is. Only references
    # differing in case can share the text.
    found = queryset.filter(reference__iexact=text).order_by()
    return max(
        found,
        key=lambda disclosure: (disclosure.response_date or datetime.date.min, disclosure.pk),
        default=None,
    )


# Ranking reads the stored vector of every match: about 6 µs a row, so half a second for
# 100,000 matches and seconds for a word in half of a million-entry log. Past this many
# results the list is shown newest first, and says so; more words or a filter bring
# relevance back. Such a broad search ranks nothing useful anyway: "police" in a police
# force's log.
RANK_LIMIT = 10_000


def by_relevance(queryset: QuerySet, text: str) -> QuerySet:
    """``queryset`` ordered by relevance to ``text``, newest first among equals.

    ts_rank reads the stored vector with its weights (title and keywords A, request B,
    response C); normalization 32 scales the rank into 0..1 regardless of length.
    """
    rank = SearchRank(F("search_vector"), search_query(text), normalization=32)
    return queryset.annotate(rank=rank).order_by("-rank", *NEWEST_FIRST)


# Private-use characters mark matches inside ts_headline's output, so the text can be
# HTML-escaped first and the markers turned into <mark> after: nothing a requester or
# officer typed is ever rendered as HTML.
_START, _STOP = "\ue000", "\ue001"
_HEADLINE_OPTIONS = {
    "start_sel": _START,
    "stop_sel": _STOP,
    "max_words": 35,
    "min_words": 15,
    "max_fragments": 2,
    "fragment_delimiter": " … ",
}


def _marked(text: str) -> SafeString:
    return mark_safe(  # noqa: S308 -- escaped first; only our markers become tags
        escape(text).replace(_START, "<mark>").replace(_STOP, "</mark>")
    )


def add_headlines(rows: Sequence[Disclosure], text: str) -> None:
    """Set ``title_headline`` and ``headline`` (HTML with <mark>) on each row shown.

    ts_headline re-parses the whole text, so it runs only for the rows on the page: one
    query for the page, never for every match.
    """
    if not rows or not text:
        return
    query = search_query(text)
    body = Concat("request_text", Value("\n"), "response_narrative", output_field=TextField())
    found = Disclosure.objects.filter(pk__in=[row.pk for row in rows]).values_list(
        "pk",
        SearchHeadline(
            "title",
            query,
            config=SEARCH_CONFIG,
            highlight_all=True,
            start_sel=_START,
            stop_sel=_STOP,
        ),
        SearchHeadline(body, query, config=SEARCH_CONFIG, **_HEADLINE_OPTIONS),
    )
    headlines = {pk: (title, snippet) for pk, title, snippet in found}
    for row in rows:
        title, snippet = headlines.get(row.pk, (row.title, ""))
        row.title_headline = _marked(title)
        row.headline = _marked(snippet) if _START in snippet else None


_WORD = re.compile(r"[^\W\d_]{3,40}")
# Each word typed that the vocabulary lacks is replaced by the nearest of a few trigram
# candidates that finds public disclosures on its own. The vocabulary holds only words of
# public entries (disclosures/sql/vocabulary.sql); the check also rules out stop words,
# which find nothing.
_SUGGESTIONS_SQL = """
    WITH terms AS (
        SELECT ord, lower(unaccent(term)) AS norm
          FROM unnest(%(words)s::text[]) WITH ORDINALITY AS t(term, ord)
    )
    SELECT ord,
           CASE WHEN EXISTS (SELECT 1 FROM disclosures_searchword WHERE word = norm) THEN NULL
           ELSE (SELECT c.word
                   FROM (SELECT word, levenshtein(word, norm) AS distance,
                                similarity(word, norm) AS likeness
                           FROM disclosures_searchword
                          WHERE word %% norm
                          ORDER BY distance, likeness DESC, word
                          LIMIT 5) AS c
                  WHERE EXISTS (
                        SELECT 1 FROM disclosures_disclosure AS d
                         WHERE disclosures_is_public(d.status, d.published_at)
                           AND d.search_vector @@ plainto_tsquery(%(config)s::regconfig, c.word))
                  ORDER BY c.distance, c.likeness DESC, c.word
                  LIMIT 1)
           END
      FROM terms ORDER BY ord
"""


def suggest(text: str, public: QuerySet) -> str | None:
    """A corrected query for misspelt words ("polcing drones" → "policing drones"), or None.

    Each word not in the vocabulary of the public log is replaced by its nearest word of
    that vocabulary (trigram candidates, closest by edit distance) that finds public
    disclosures on its own, and the whole suggestion must find some too. So nothing but
    the public log's own words is ever suggested, whatever operators the query holds.
    Two queries at most, whatever the number of words.
    """
    matches = list(_WORD.finditer(text))
    words = [m.group() for m in matches if m.group() != "OR"]
    if not words:
        return None
    with reading().cursor() as cursor:
        # Typing slips such as "tasres" for "tasers" score about 0.27; pg_trgm's default
        # threshold of 0.3 would miss them.
        cursor.execute("SELECT set_config('pg_trgm.similarity_threshold', '0.2', false)")
        cursor.execute(_SUGGESTIONS_SQL, {"words": words, "config": SEARCH_CONFIG})
        replacements = [row[1] for row in cursor.fetchall()]
    if not any(replacements):
        return None
    corrected, position, index = [], 0, 0
    for match in matches:
        if match.group() == "OR":
            continue
        replacement = replacements[index]
        index += 1
        if replacement:
            corrected.append(text[position : match.start()])
            corrected.append(replacement)
            position = match.end()
    corrected.append(text[position:])
    suggestion = "".join(corrected)
    if suggestion == text or not search(public, suggestion).exists():
        return None
    return suggestion


_SIMILARITY_WORD = re.compile(r"[^\W\d_]{4,}")


def similar_to(disclosure: Disclosure, limit: int = 5) -> list[Disclosure]:
    """Published disclosures most like ``disclosure``, best first, for an officer who may
    cite an earlier answer rather than answer the same question twice.

    The draft's title, keywords and request become an OR query over the stored vectors,
    so shared title words and keywords (weight A) count most. Stop words drop out in
    websearch_to_tsquery.
    """
    text = " ".join(
        [
            disclosure.title,
            " ".join(k.name for k in disclosure.keywords.all()),
            disclosure.request_text[:2000],
        ]
    )
    words = list(dict.fromkeys(w.lower() for w in _SIMILARITY_WORD.findall(text)))[:40]
    if not words:
        return []
    query = search_query(" OR ".join(words))
    return list(
        Disclosure.objects.public()
        .exclude(pk=disclosure.pk)
        .filter(search_vector=query)
        .annotate(rank=SearchRank(F("search_vector"), query))
        .order_by("-rank", *NEWEST_FIRST)[:limit]
    )
