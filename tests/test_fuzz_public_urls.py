"""Arbitrary input on every public URL never makes a server error.

Hypothesis sends text with NUL and every other character (surrogates excepted, as no
browser can send them), very long strings, numbers, dates and repeated keys, in the
query string and in the path. Derandomized, so CI runs the same cases every time.
"""

from __future__ import annotations

import datetime
from urllib.parse import quote

import pytest
from django.test import Client
from django.urls import Resolver404, resolve
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import DisclosureFactory

pytestmark = pytest.mark.django_db

PARAMETERS = ["q", "outcome", "exemption", "keyword", "date_from", "date_to", "sort", "page"]

characters = st.characters(codec="utf-8", exclude_categories=("Cs",))
values = st.one_of(
    st.text(characters, max_size=40),
    st.text(characters, min_size=1, max_size=4).map(lambda s: s * 600),  # very long
    st.integers().map(str),
    st.floats().map(str),
    st.dates().map(datetime.date.isoformat),
    st.datetimes().map(datetime.datetime.isoformat),
    st.sampled_from(
        [
            "",
            "0",
            "-1",
            "1e9",
            "99999999999999999999999",
            "granted-in-full",
            "s40-2",
            "drones",
            "relevance",
            "newest",
            "2024-02-30",
            "0000-00-00",
            "0001-01-01",
            "0001-12-31",
            "1899-12-31",
            "1900-01-01",
            "9999-12-31",
            "10000-01-01",
            '"unclosed',
            "-drones OR",
            "\x00",
            "%00",
            "drones & !(",
        ]
    ),
)
query = st.lists(
    st.tuples(st.sampled_from(PARAMETERS) | st.text(characters, max_size=10), values),
    max_size=10,
)
path_text = st.one_of(
    st.text(characters, min_size=1, max_size=40),
    st.text(characters, min_size=1, max_size=3).map(lambda s: s * 300),
    st.sampled_from(["FOI/23/1234", "s40-2", "drones", "..", "%2F", "\x00", " "]),
)


def segment(text: str) -> str:
    return quote(text, safe="")


# (name, path strategy, number of cases): the list takes the most, as every filter and
# the search meet there.
PAGES = [
    ("home", st.just("/"), 150),
    ("list", st.just("/disclosures/"), 1000),
    ("detail", path_text.map(lambda t: f"/disclosures/{quote(t, safe='/')}/"), 300),
    ("keyword", path_text.map(lambda t: f"/keywords/{segment(t)}/"), 200),
    ("exemptions", st.just("/exemptions/"), 100),
    ("exemption", path_text.map(lambda t: f"/exemptions/{segment(t)}/"), 200),
]
# Pages of the log's other outputs, fuzzed as soon as they exist.
LATER_PAGES = {
    "/disclosures/feed/": "feed",
    "/disclosures/export.csv": "export-csv",
    "/disclosures/export.json": "export-json",
    "/api/v1/disclosures/": "api",
    "/sitemap.xml": "sitemap",
    "/statistics/": "statistics",
    "/about/": "about",
}


def _exists(path: str) -> bool:
    try:
        match = resolve(path)
    except Resolver404:
        return False
    return match.url_name != "detail"  # /disclosures/feed/ would otherwise be a reference


PAGES += [(name, st.just(path), 120) for path, name in LATER_PAGES.items() if _exists(path)]


@pytest.fixture
def log(db):
    """A few disclosures for the pages to show; the requests only read them."""
    DisclosureFactory(reference="FOI/23/1234", keywords=["Drones"], exemptions=["s40-2"])
    DisclosureFactory(title="Overtime", outcome="refused", exemptions=["s31-1-a"])
    DisclosureFactory(reference="DRAFT-1", draft=True, keywords=["Secret"])
    DisclosureFactory(reference="GONE-1", withdrawn=True)


@pytest.mark.parametrize(("name", "paths", "cases"), PAGES, ids=[page[0] for page in PAGES])
def test_public_page_never_answers_a_server_error(log, name, paths, cases):
    # The client is made here, not taken from a fixture, and the `log` fixture only
    # provides rows that no GET changes: sharing both across examples is safe, so the
    # function-scoped fixture health check does not apply.
    client = Client(raise_request_exception=False)

    @settings(
        max_examples=cases,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(path=paths, params=query)
    def request(path: str, params: list[tuple[str, str]]) -> None:
        response = client.get(path, params)
        if response.streaming:  # read to the end: a download gives its client's slot back
            b"".join(response.streaming_content)
        assert response.status_code < 500, (path, params, response.status_code)

    request()
