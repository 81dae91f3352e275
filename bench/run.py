"""The search benchmark: the log's real pages against a naive search, on a large log.

    FOILOG_VAR_DIR=var/bench .venv/bin/python bench/run.py --size 100000 [--repeat 30]

It starts (or joins) the embedded PostgreSQL of ``FOILOG_VAR_DIR`` (never the
developers' database: it refuses ``DATABASE_URL`` and the default ``var/``), applies the
migrations, generates ``--size`` disclosures when the log does not hold exactly those
(bench/generate.py), warms up, then times the public pages through django.test.Client
(the whole request: middleware, validators, queries, facets, headlines, suggestions,
templates) with DEBUG off and the page cache off, so every request does the work.
After that it times a naive search (icontains over the three texts, count, a page,
facets by outcome and year) in the same process, and prints p50/p95 for both.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import sys
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

# Targets for the search pages at 1M disclosures.
TARGET_P95_MS = 100.0
TARGET_RATIO = 50.0


def guard_database() -> Path:
    """Make sure the benchmark uses its own embedded database, never someone else's."""
    if os.environ.get("DATABASE_URL"):
        sys.exit(
            "bench: DATABASE_URL is set; the benchmark empties its database, so it only "
            "runs on its own embedded PostgreSQL. Unset DATABASE_URL and set "
            "FOILOG_VAR_DIR=var/bench."
        )
    var_dir = Path(os.environ.setdefault("FOILOG_VAR_DIR", str(ROOT / "var" / "bench")))
    if var_dir.resolve() == (ROOT / "var").resolve():
        sys.exit("bench: FOILOG_VAR_DIR is the developers' var/; use var/bench.")
    return var_dir


def setup(pg_settings: list[str]) -> None:
    """Django with the log's own settings, except what a test client needs."""
    os.environ["DJANGO_SETTINGS_MODULE"] = "foilog.settings"
    os.environ["DEBUG"] = "false"
    # Every request renders its page: a kept page would time the cache, not the search.
    os.environ["FOILOG_PAGE_CACHE_SECONDS"] = "0"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    # whitenoise warns that staticfiles/ (collectstatic's output) does not exist.
    warnings.filterwarnings("ignore", message="No directory at")
    import django

    django.setup()
    from django.conf import settings
    from django.db.backends.signals import connection_created

    settings.SECURE_SSL_REDIRECT = False
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]

    if pg_settings:

        def apply(sender, connection, **kwargs):
            with connection.cursor() as cursor:
                for pair in pg_settings:
                    name, value = pair.split("=", 1)
                    cursor.execute("SELECT set_config(%s, %s, false)", [name, value])

        connection_created.connect(apply, weak=False)
        from django.db import connection

        connection.close()  # the next query opens a connection with the settings


# ---------------------------------------------------------------------------------------
# What is measured


@dataclass
class Case:
    name: str
    search: bool  # a search page: the targets apply
    urls: list[str]
    baseline: Callable[[int], None] | None = None  # the naive equivalent, by iteration
    ours_ms: list[float] = field(default_factory=list)
    baseline_ms: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def list_url(**params) -> str:
    return "/disclosures/?" + urlencode(params, doseq=True)


def public_count(query: dict) -> int:
    """How many results the list shows for these parameters (the app's own FilterSet)."""
    from django.http import QueryDict

    from disclosures.filters import DisclosureFilter
    from disclosures.models import Disclosure

    data = QueryDict(urlencode(query, doseq=True))
    return DisclosureFilter(data, queryset=Disclosure.objects.public()).qs.count()


def naive(
    terms: list[str],
    page: int = 1,
    outcome: str | None = None,
    exemption: str | None = None,
    date_from: str | None = None,
    date_to: str | None = None,
) -> int:
    """A naive search page: icontains per term over the three texts, newest first, the
    count, one page of rows with their exemptions and keywords, counts per outcome and
    per year. Returns the count."""
    from django.conf import settings
    from django.db.models import Count, Q
    from django.db.models.functions import ExtractYear

    from disclosures.models import Disclosure

    queryset = Disclosure.objects.public()
    for term in terms:
        queryset = queryset.filter(
            Q(title__icontains=term)
            | Q(request_text__icontains=term)
            | Q(response_narrative__icontains=term)
        )
    if outcome:
        queryset = queryset.filter(outcome=outcome)
    if exemption:
        queryset = queryset.filter(exemptions__slug=exemption)
    if date_from:
        queryset = queryset.filter(response_date__gte=date_from)
    if date_to:
        queryset = queryset.filter(response_date__lte=date_to)
    total = queryset.count()
    size = settings.FOILOG_PAGE_SIZE
    start = (page - 1) * size
    rows = list(
        queryset.order_by("-response_date", "-id").prefetch_related("exemptions", "keywords")[
            start : start + size
        ]
    )
    list(queryset.order_by().values("outcome").annotate(n=Count("id")))
    list(
        queryset.order_by()
        .annotate(year=ExtractYear("response_date"))
        .values("year")
        .annotate(n=Count("id"))
    )
    assert rows or not total  # a page of a non-empty result has rows
    return total


def choose_words(seed: int, size: int) -> dict:
    """Query words from the generated vocabulary, with how many public disclosures each
    finds (the app's own search)."""
    from bench import corpus
    from disclosures.models import SearchWord

    public = public_count({})
    counts: dict[str, int] = {}

    def found(text: str) -> int:
        if text not in counts:
            counts[text] = public_count({"q": text})
        return counts[text]

    common = ["police", "information", "request"]
    # Rare words: the first three places, operation names or specialist terms (from the
    # generator's frequency ranks, commonest first) found in 0.01-0.1 % of the log.
    places, _streets, operations, specialist = corpus.rare_terms(random.Random(seed))
    candidates = [
        word
        for word in itertools_roundrobin(places[20:400:4], operations[10:], specialist[10:])
        if word.isalpha()
    ]
    rare = []
    for word in candidates[:150]:
        share = found(word) / public
        if 0.0001 <= share <= 0.001:
            rare.append(word)
            if len(rare) == 3:
                break
    # Phrases as broad as each other (1-25 % of the log). A phrase of two or three words
    # found in enough entries has bits of its own in the snapshot; any other phrase is
    # found in the search index and counted from its matches' ids.
    two_word = [
        '"stop and search"',
        '"use of force"',
        '"domestic abuse"',
        '"mental health"',
        '"cost limit"',
    ]
    long_phrases = [
        '"body worn video"',
        '"physical or mental health"',
        '"automatic number plate recognition"',
        '"detentions under section 136"',
    ]
    # A phrase of four words to PostgreSQL, the hyphenated word whole then its parts
    # ('body-worn' <-> 'bodi' <-> 'worn' <-> 'video'), read as the pair 'body-worn' <3>
    # 'video' where that has bits (see bitmaps._without_compound_parts).
    hyphenated = ['"body-worn video"']
    known = set(
        SearchWord.objects.filter(word__in=corpus.TEST_MISSPELLINGS).values_list("word", flat=True)
    )
    misspellings = [word for word in corpus.TEST_MISSPELLINGS[:3] if word not in known]
    several = [
        '"body-worn video"',
        '"use of force"',
        "police drones",
        '"physical or mental health"',
    ]
    for text in common + two_word + long_phrases + hyphenated + several + misspellings:
        found(text)
    with_bits = [phrase for phrase in two_word if has_bits(phrase)]
    hyphenated_with_bits = [phrase for phrase in hyphenated if has_bits(phrase)]
    long_with_bits = [phrase for phrase in long_phrases if has_bits(phrase)]
    return {
        "public": public,
        "common": common,
        "rare": rare,
        "two-word phrases with bits": with_bits,
        "two-word phrases without bits": [p for p in two_word if p not in with_bits],
        "hyphenated phrases with bits": hyphenated_with_bits,
        "long phrases with bits": long_with_bits,
        "long phrases": [p for p in long_phrases if p not in long_with_bits]
        + [p for p in hyphenated if p not in hyphenated_with_bits],
        "several words": several,
        "misspellings": misspellings,
        "counts": counts,
        "size": size,
    }


def has_bits(text: str) -> bool:
    """Whether the snapshot reads the search ``text`` from bits of its own (its words'
    and phrases'), not from the ids of the entries it finds."""
    from disclosures import counting

    over = counting.select(search_filterset(text))
    return over is not None and not over.found_by_ids


def search_filterset(text: str):
    """The list page's FilterSet for a search of ``text`` ('': the whole log)."""
    from django.http import QueryDict

    from disclosures.filters import DisclosureFilter
    from disclosures.models import Disclosure

    return DisclosureFilter(
        QueryDict(urlencode({"q": text}) if text else None),
        queryset=Disclosure.objects.public(),
    )


def check_counts(queries: list[dict]) -> dict[str, str]:
    """For each search or list (its parameters), where its counts come from (the
    snapshot's bitmaps, with the search's own bits or its matches' ids, or a count over
    its matches) and that they equal a count over its matches: the benchmark times such
    counts only if they are right."""
    from django.http import QueryDict

    from disclosures import counting
    from disclosures.filters import DisclosureFilter
    from disclosures.models import Disclosure

    verdicts = {}
    for query in queries:
        text = urlencode(query, doseq=True)
        filterset = DisclosureFilter(QueryDict(text), queryset=Disclosure.objects.public())
        name = query["q"] if list(query) == ["q"] else text or "(the whole log)"
        over = counting.select(filterset)
        if over is None:
            verdicts[name] = "counted over its matches (no snapshot serves it)"
            continue
        if counting.counts(filterset, over) != counting.counted_over_matches(filterset):
            raise AssertionError(f"the counts of {name!r} differ from its matches'")
        source = "its matches' ids" if over.found_by_ids else "bits of its own"
        verdicts[name] = f"from the snapshot's bitmaps ({source}), equal to a count over them"
    return verdicts


def check_pages(urls: list[str]) -> dict[str, str]:
    """For each page of a search in date order, that the ids the snapshot's bitmaps give
    are the rows the date index gives (an OFFSET over the matches, newest first)."""
    from urllib.parse import urlsplit

    from django.conf import settings
    from django.http import QueryDict

    from disclosures.results import Results

    verdicts = {}
    for url in urls:
        query = QueryDict(urlsplit(url).query)
        results = Results(query)
        page = results.page(query.get("page"))
        shown = [row.pk for row in page.object_list]
        size = settings.FOILOG_PAGE_SIZE
        start = (page.number - 1) * size
        order = ("response_date", "id")
        if results.current_sort != "oldest":
            order = ("-response_date", "-id")
        expected = list(
            results.filterset.qs.order_by(*order).values_list("pk", flat=True)[start : start + size]
        )
        if shown != expected:
            raise AssertionError(f"page {url} differs from the date index's")
        verdicts[url] = (
            f"page {page.number:,} of {page.paginator.num_pages:,}: the rows the date index gives"
        )
    return verdicts


# The filters of the page type "list: outcome + exemption + dates (no q)".
LIST_FILTERS = [
    {"outcome": "refused", "exemption": "s31-1-a", "date_from": "2018-01-01"},
    {"outcome": ["not-held", "granted-in-full"], "date_to": "2016-12-31"},
    {"exemption": "s40-2", "keyword": "stop-and-search"},
]


def filter_queries(words: dict) -> list[dict[str, str]]:
    """The searches of the page type "q + outcome + exemption + dates"."""
    common = words["common"][0]
    return [
        {
            "q": common,
            "outcome": "granted-in-part",
            "exemption": "s40-2",
            "date_from": "2019-01-01",
            "date_to": "2023-12-31",
        },
        {
            "q": "information",
            "outcome": "refused",
            "exemption": "s31-1-a",
            "date_from": "2015-01-01",
            "date_to": "2020-12-31",
        },
        {
            "q": words["rare"][0] if words["rare"] else "drones",
            "outcome": "granted-in-part",
            "exemption": "s40-2",
            "date_from": "2012-01-01",
            "date_to": "2026-12-31",
        },
    ]


def unquoted(texts: list[str], i: int) -> str:
    """The i-th of ``texts`` in turn, without its quotes: the naive search's term."""
    return texts[i % len(texts)].strip('"')


def naive_terms(text: str) -> list[str]:
    """The naive search's terms for a search: a quoted phrase whole, else each word."""
    return [text.strip('"')] if text.startswith('"') else text.split()


def itertools_roundrobin(*lists):
    for group in zip(*lists, strict=False):
        yield from group


def build_cases(words: dict, seed: int) -> list[Case]:
    from django.conf import settings

    from disclosures.models import Disclosure

    page_size = settings.FOILOG_PAGE_SIZE
    common = words["common"][0]
    rng = random.Random(seed)
    cases = [
        Case(
            "search: common word",
            True,
            [list_url(q=word) for word in words["common"]],
            lambda i: naive([words["common"][i % len(words["common"])]]),
        ),
        Case(
            "search: rare word",
            True,
            [list_url(q=word) for word in words["rare"]],
            lambda i: naive([words["rare"][i % len(words["rare"])]]),
        ),
        Case(
            "search: two-word phrase (bits of its own)",
            True,
            [list_url(q=phrase) for phrase in words["two-word phrases with bits"]],
            lambda i: naive([unquoted(words["two-word phrases with bits"], i)]),
        ),
        Case(
            "search: two-word phrase, too rare for bits (found by ids)",
            True,
            [list_url(q=phrase) for phrase in words["two-word phrases without bits"]],
            lambda i: naive([unquoted(words["two-word phrases without bits"], i)]),
        ),
        Case(
            "search: hyphenated word + word (read as a pair's bits)",
            True,
            [list_url(q=phrase) for phrase in words["hyphenated phrases with bits"]],
            lambda i: naive([unquoted(words["hyphenated phrases with bits"], i)]),
        ),
        Case(
            "search: phrase of three words (bits of its own)",
            True,
            [list_url(q=phrase) for phrase in words["long phrases with bits"]],
            lambda i: naive([unquoted(words["long phrases with bits"], i)]),
        ),
        Case(
            "search: phrase of 3+ words (found by ids)",
            True,
            [list_url(q=phrase) for phrase in words["long phrases"]],
            lambda i: naive([unquoted(words["long phrases"], i)]),
        ),
        Case(
            "search: misspelt word",
            True,
            [list_url(q=word) for word in words["misspellings"]],
            lambda i: naive([words["misspellings"][i % len(words["misspellings"])]]),
        ),
    ]
    filters = filter_queries(words)
    cases.append(
        Case(
            "search: q + outcome + exemption + dates",
            True,
            [list_url(**query) for query in filters],
            lambda i: naive(
                [filters[i % 3]["q"]], **{k: v for k, v in filters[i % 3].items() if k != "q"}
            ),
        )
    )
    last = max(1, math.ceil(words["counts"][common] / page_size))
    naive_last = max(1, math.ceil(naive([common]) / page_size))
    cases += [
        Case(
            f"search: middle page ({common}, page {last // 2 + 1:,} of {last:,})",
            True,
            [list_url(q=common, page=last // 2 + 1)],
            lambda i: naive([common], page=naive_last // 2 + 1),
        ),
        Case(
            f"search: deep page ({common}, page {max(1, last - 3):,} of {last:,})",
            True,
            [list_url(q=common, page=max(1, last - 3))],
            lambda i: naive([common], page=max(1, naive_last - 3)),
        ),
        Case(
            f"search: last page ({common}, page {last:,})",
            True,
            [list_url(q=common, page=last)],
            lambda i: naive([common], page=naive_last),
        ),
    ]
    several = words["several words"]

    def deep(text: str, naive_count: int | None = None) -> int:
        """A page three from the end (at least the first) of a search's results."""
        found = words["counts"][text] if naive_count is None else naive_count
        return max(1, math.ceil(found / page_size) - 3)

    naive_counts = {text: naive(naive_terms(text)) for text in several}
    cases += [
        Case(
            "search: several words, newest first (first page)",
            True,
            [list_url(q=text, sort="newest") for text in several],
            lambda i: naive(naive_terms(several[i % len(several)])),
        ),
        Case(
            "search: several words, newest first (deep page)",
            True,
            [list_url(q=text, sort="newest", page=deep(text)) for text in several],
            lambda i: naive(
                naive_terms(several[i % len(several)]),
                page=deep(several[i % len(several)], naive_counts[several[i % len(several)]]),
            ),
        ),
    ]
    cases.append(Case("list: the whole log (no q, no filter)", False, ["/disclosures/"]))
    whole = max(1, math.ceil(public_count({}) / page_size))
    cases.append(
        Case(
            f"list: the whole log, middle page ({whole // 2 + 1:,} of {whole:,})",
            False,
            [list_url(page=whole // 2 + 1)],
        )
    )
    cases.append(
        Case(
            "list: outcome + exemption + dates (no q)",
            False,
            [list_url(**query) for query in LIST_FILTERS],
        )
    )
    public = Disclosure.objects.public()
    top = public.order_by("-id").values_list("id", flat=True).first() or 0
    ids = rng.sample(range(1, top + 1), min(top, 400))
    references = list(public.filter(id__in=ids).values_list("reference", flat=True))
    rng.shuffle(references)
    slashed = list(
        public.filter(reference__contains="/")
        .order_by("-id")
        .values_list("reference", flat=True)[:50]
    )
    cases += [
        Case("detail: random references", False, [f"/disclosures/{r}/" for r in references]),
        Case("detail: reference with slashes", False, [f"/disclosures/{r}/" for r in slashed]),
    ]
    # A kind of search this log has none of (say, a two-word phrase too rare for bits of
    # its own in a million entries) is left out.
    return [case for case in cases if case.urls]


# ---------------------------------------------------------------------------------------
# Timing


def percentile(values: list[float], share: float) -> float:
    """Linear interpolation between the closest ranks."""
    ordered = sorted(values)
    if not ordered:
        return math.nan
    position = (len(ordered) - 1) * share
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def request(client, case: Case, url: str) -> float | None:
    started = time.perf_counter()
    try:
        response = client.get(url)
    except Exception as error:  # a failing page is reported, not timed
        case.errors.append(f"{url}: {error!r}")
        return None
    elapsed = (time.perf_counter() - started) * 1000
    if response.status_code != 200:
        case.errors.append(f"{url}: HTTP {response.status_code}")
        return None
    return elapsed


def measure(cases: list[Case], repeat: int, baseline_repeat: int, run_baseline: bool) -> None:
    from django.test import Client

    client = Client()
    print("bench: warming up", flush=True)
    for case in cases:
        if not case.urls:
            case.errors.append("no URL to request (no query word of this kind was found)")
            continue
        for url in case.urls:
            request(client, case, url)
        case.errors.clear()
    print(f"bench: timing our pages, {repeat} rounds", flush=True)
    for i in range(repeat):
        for case in cases:  # round robin: noise from elsewhere spreads over every case
            if not case.urls:
                continue
            elapsed = request(client, case, case.urls[i % len(case.urls)])
            if elapsed is not None:
                case.ours_ms.append(elapsed)
        if (i + 1) % 5 == 0 or i + 1 == repeat:
            print(f"bench:   round {i + 1}/{repeat}", flush=True)
    if not run_baseline:
        return
    with_baseline = [case for case in cases if case.baseline]
    print(f"bench: timing the naive baseline, {baseline_repeat} rounds (+1 warm-up)", flush=True)
    for case in with_baseline:
        case.baseline(0)
    for i in range(baseline_repeat):
        for case in with_baseline:
            started = time.perf_counter()
            case.baseline(i)
            case.baseline_ms.append((time.perf_counter() - started) * 1000)
        print(f"bench:   baseline round {i + 1}/{baseline_repeat}", flush=True)


# ---------------------------------------------------------------------------------------
# Reports


def configure_server(shared_buffers: str) -> None:
    """Give the benchmark's own server a production-sized buffer cache, and the planner
    costs of SSDs.

    The embedded server starts with PostgreSQL's default of 128MB, so a million-entry
    log would be read from the operating system's cache on every page. The setting takes
    effect when the server next starts; the server stops when the benchmark ends.
    """
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"ALTER SYSTEM SET shared_buffers = '{shared_buffers}'")
        # The machine's disks are SSDs: a random read costs about what a sequential one
        # does. Applied at once, by reloading the configuration.
        cursor.execute("ALTER SYSTEM SET random_page_cost = 1.1")
        cursor.execute("SELECT pg_reload_conf()")
        cursor.execute(
            "SELECT setting::bigint * 8192, pg_size_bytes(%s) FROM pg_settings "
            "WHERE name = 'shared_buffers'",
            [shared_buffers],
        )
        current, wanted = cursor.fetchone()
    if current != wanted:
        print(
            f"bench: WARNING shared_buffers is {current // 2**20} MB, not {shared_buffers}: "
            "the server was started before it was set. Run the benchmark again.",
            flush=True,
        )


def code_revision() -> str:
    """The commit measured, with "+changes" when the working tree differs from it."""
    import subprocess

    def git(*args: str) -> str:
        result = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True)  # noqa: S603, S607
        return result.stdout.strip()

    commit = git("rev-parse", "--short", "HEAD") or "unknown"
    return commit + (" +changes" if git("status", "--porcelain", "--untracked-files=no") else "")


def postgres_facts() -> dict:
    from django.db import connection

    facts: dict = {}
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        facts["server_version"] = cursor.fetchone()[0]
        for name in (
            "shared_buffers",
            "work_mem",
            "effective_cache_size",
            "maintenance_work_mem",
            "random_page_cost",
            "jit",
            "max_parallel_workers_per_gather",
            "default_text_search_config",
        ):
            cursor.execute(f"SHOW {name}")
            facts[name] = cursor.fetchone()[0]
        cursor.execute(
            """
            SELECT count(*),
                   count(*) FILTER (WHERE status = 'published' AND published_at <= now()),
                   count(*) FILTER (WHERE status = 'draft'),
                   count(*) FILTER (WHERE status = 'withdrawn'),
                   pg_size_pretty(pg_total_relation_size('disclosures_disclosure')),
                   pg_size_pretty(pg_relation_size('disclosure_search_gin'))
              FROM disclosures_disclosure
            """
        )
        row = cursor.fetchone()
        facts["rows"] = dict(
            zip(("disclosures", "public", "draft", "withdrawn"), row[:4], strict=True)
        )
        facts["sizes"] = {"disclosure table with indexes": row[4], "GIN index": row[5]}
        for table in (
            "disclosures_disclosure_exemptions",
            "disclosures_disclosure_keywords",
            "disclosures_keyword",
            "disclosures_exemption",
            "disclosures_searchword",
        ):
            cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608
            facts["rows"][table.removeprefix("disclosures_")] = cursor.fetchone()[0]
    return facts


def fmt(value: float) -> str:
    if math.isnan(value):
        return "—"
    return f"{value:,.1f}" if value < 100 else f"{value:,.0f}"


def table(cases: list[Case]) -> tuple[str, list[dict]]:
    header = (
        "| page type | n | ours p50 ms | ours p95 ms | baseline p50 ms | baseline p95 ms "
        "| ratio (p50) | target |"
    )
    lines = [header, "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |"]
    rows = []
    for case in cases:
        ours50, ours95 = percentile(case.ours_ms, 0.5), percentile(case.ours_ms, 0.95)
        base50 = percentile(case.baseline_ms, 0.5)
        base95 = percentile(case.baseline_ms, 0.95)
        ratio = base50 / ours50 if case.baseline_ms and case.ours_ms else math.nan
        if case.errors:
            verdict = f"ERROR ({len(case.errors)})"
        elif not case.search:
            verdict = "—"
        else:
            missed = []
            if not ours95 <= TARGET_P95_MS:
                missed.append("p95")
            if case.baseline_ms and not ratio >= TARGET_RATIO:
                missed.append("ratio")
            verdict = "met" if not missed else "missed: " + ", ".join(missed)
        shown_ratio = "—" if math.isnan(ratio) else f"{ratio:,.{1 if ratio < 10 else 0}f}×"
        lines.append(
            f"| {case.name} | {len(case.ours_ms)} | {fmt(ours50)} | {fmt(ours95)} "
            f"| {fmt(base50)} | {fmt(base95)} "
            f"| {shown_ratio} | {verdict} |"
        )
        rows.append(
            {
                "case": case.name,
                "search": case.search,
                "n": len(case.ours_ms),
                "ours_p50_ms": ours50,
                "ours_p95_ms": ours95,
                "baseline_n": len(case.baseline_ms),
                "baseline_p50_ms": base50,
                "baseline_p95_ms": base95,
                "ratio": ratio,
                "verdict": verdict,
                "errors": case.errors[:5],
                "urls": case.urls[:3],
            }
        )
    return "\n".join(lines), rows


def explain(cases: list[Case], names: list[str], top: int = 2) -> None:
    """Each page's queries by time, and EXPLAIN ANALYZE of the slowest ones of ``names``
    (or of the slowest page)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    if not names:
        names = [max(cases, key=lambda c: percentile(c.ours_ms, 0.5)).name]
    print("\n## Queries per page (one request each)\n")
    captured = {}
    for case in cases:
        with CaptureQueriesContext(connection) as context:
            client.get(case.urls[0])
        queries = sorted(context.captured_queries, key=lambda q: -float(q["time"]))
        captured[case.name] = queries
        total = sum(float(q["time"]) for q in queries) * 1000
        print(f"{case.name}: {len(queries)} queries, {total:,.1f} ms in the database")
        for query in queries[:8]:
            sql = " ".join(query["sql"].split())
            print(f"  {float(query['time']) * 1000:8.1f} ms  {sql[:160]}")
    for name in names:
        matching = [case for case in cases if case.name.startswith(name)]
        for case in matching:
            for query in captured[case.name][:top]:
                print(f"\n## EXPLAIN ANALYZE — {case.name} ({case.urls[0]})\n")
                print(query["sql"])
                print()
                with connection.cursor() as cursor:
                    cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + query["sql"])
                    print("\n".join(row[0] for row in cursor.fetchall()))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=100_000, help="disclosures in the log")
    parser.add_argument("--repeat", type=int, default=30, help="timed requests per page type")
    parser.add_argument(
        "--baseline-repeat", type=int, default=10, help="timed naive searches per page type"
    )
    parser.add_argument("--no-baseline", action="store_true", help="time our pages only")
    parser.add_argument("--seed", type=int, default=None, help="generator seed")
    parser.add_argument(
        "--pg",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a PostgreSQL setting for the benchmark's session, e.g. --pg work_mem=64MB",
    )
    parser.add_argument(
        "--explain",
        nargs="*",
        metavar="PAGE TYPE",
        help="print each page's queries and EXPLAIN ANALYZE of the slowest (or of the "
        "page types named, by prefix)",
    )
    parser.add_argument(
        "--shared-buffers",
        default="6GB",
        help="the benchmark server's shared_buffers (a quarter of this machine's memory, "
        "as a production server would be set); applied when the server next starts",
    )
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()

    guard_database()
    setup(args.pg)
    configure_server(args.shared_buffers)
    from django.core.management import call_command

    from bench import generate

    seed = args.seed if args.seed is not None else generate.SEED
    revision = code_revision()  # the code as it was loaded, whatever is edited meanwhile
    began = time.monotonic()
    load_before = os.getloadavg()
    call_command("migrate", verbosity=0)
    generated = generate.generate(args.size, seed)
    words = choose_words(seed, args.size)
    texts = [*words["common"], *words["rare"], *words["two-word phrases with bits"]]
    texts += [*words["two-word phrases without bits"], *words["long phrases with bits"]]
    texts += words["long phrases"]
    texts += words["hyphenated phrases with bits"]
    texts += [text for text in words["several words"] if text not in texts]
    facet_counts = check_counts(
        [{}, *({"q": text} for text in texts), *filter_queries(words), *LIST_FILTERS]
    )
    cases = build_cases(words, seed)
    pages = check_pages([url for case in cases if "newest first" in case.name for url in case.urls])
    measure(cases, args.repeat, args.baseline_repeat, not args.no_baseline)
    load_after = os.getloadavg()
    text, rows = table(cases)
    facts = postgres_facts()
    facts["machine"] = {
        "cpus": os.cpu_count(),
        "load average at start (1, 5, 15 min)": [round(x, 1) for x in load_before],
        "load average at end (1, 5, 15 min)": [round(x, 1) for x in load_after],
    }

    print(f"\n# foilog search benchmark: {args.size:,} disclosures (code {revision})\n")
    print(text)
    print(
        f"\nours: {args.repeat} requests per page type through django.test.Client "
        "(whole page, page cache off); baseline: "
        f"{0 if args.no_baseline else args.baseline_repeat} naive searches per page type "
        "(queries only, no page). Targets for search pages: "
        f"p95 ≤ {TARGET_P95_MS:.0f} ms and ≥ {TARGET_RATIO:.0f}× faster than the baseline."
    )
    print("\nquery words (public disclosures found by our search):")
    kinds = ("common", "rare", "two-word phrases with bits", "two-word phrases without bits")
    kinds += ("hyphenated phrases with bits", "long phrases with bits", "long phrases")
    kinds += ("several words", "misspellings")
    for kind in kinds:
        shown = ", ".join(f"{w} ({words['counts'][w]:,})" for w in words[kind])
        print(f"  {kind}: {shown}")
    print("\nfacet counts:")
    for name, verdict in facet_counts.items():
        print(f"  {name}: {verdict}")
    print("\npages in date order:")
    for url, verdict in pages.items():
        print(f"  {url}: {verdict}")
    for case in cases:
        for error in case.errors[:5]:
            print(f"ERROR {case.name}: {error}")
    print("\nPostgreSQL:", json.dumps(facts, indent=2, default=str))
    if args.pg:
        print("session settings:", ", ".join(args.pg))
    if generated.get("timings"):
        print("generation:", json.dumps(generated["timings"], indent=2))
    print(f"\nbench: {time.monotonic() - began:.0f} s in all")

    if args.explain is not None:
        explain(cases, args.explain)
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "size": args.size,
                    "code": revision,
                    "repeat": args.repeat,
                    "baseline_repeat": args.baseline_repeat,
                    "session_settings": args.pg,
                    "results": rows,
                    "words": words,
                    "facet_counts": facet_counts,
                    "pages": pages,
                    "postgres": facts,
                    "generation": generated,
                },
                indent=2,
                default=str,
            )
        )
    return 1 if any(case.errors for case in cases) else 0


if __name__ == "__main__":
    sys.exit(main())
