"""Hostile or mistaken input gets a normal page or a 4xx with a clear message, never a 500."""

import pytest
from django.urls import reverse

from tests.factories import DisclosureFactory

pytestmark = pytest.mark.django_db
LIST = reverse("disclosures:list")


@pytest.fixture(autouse=True)
def some_disclosures(db):
    DisclosureFactory.create_batch(3, keywords=["Drones"], exemptions=["s40-2"])


def test_unknown_outcome_is_explained_and_other_filters_still_apply(client):
    response = client.get(LIST, {"outcome": "bogus", "keyword": "drones"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Some filters could not be used" in html
    assert "bogus is not one of the available choices" in html
    assert len(response.context["page_obj"].object_list) == 3


@pytest.mark.parametrize("value", ["not-a-date", "2022-02-30", "24/02/2022", "9999999-01-01"])
def test_malformed_dates_are_explained(client, value):
    response = client.get(LIST, {"date_from": value})
    assert response.status_code == 400
    assert "Enter a valid date" in response.content.decode()


@pytest.mark.parametrize("param", ["exemption", "keyword"])
def test_unknown_slugs_are_named_in_the_message(client, param):
    response = client.get(LIST, {param: "no-such-thing"})
    assert response.status_code == 400
    assert "no-such-thing" in response.content.decode()


@pytest.mark.parametrize("param", ["exemption", "keyword"])
def test_slug_holding_nul_is_explained_not_500(client, param):
    assert client.get(LIST, {param: "s40\x002"}).status_code == 400


def test_unknown_sort_is_explained(client):
    assert client.get(LIST, {"sort": "random()"}).status_code == 400


@pytest.mark.parametrize("page", ["999999", "-1", "0", "abc", "1e9", "9" * 50])
def test_absurd_page_numbers_are_404_with_a_message(client, page):
    response = client.get(LIST, {"page": page})
    assert response.status_code == 404
    assert "page" in response.content.decode().lower()


def test_five_thousand_character_query_is_shortened_and_says_so(client):
    response = client.get(LIST, {"q": "drones " * 715})
    assert response.status_code == 200
    assert "only its first 500 characters were used" in response.content.decode()
    assert len(response.context["filter"].query_text) <= 500


@pytest.mark.parametrize(
    "q",
    [
        "!!! ??? ((( )))",
        "'; DROP TABLE disclosures_disclosure; --",
        "<script>alert(1)</script>",
        "drones\x00police",
        "\U0001f681 drones",
        "Llŷn Peninsula ŵ ŷ",
        '"unterminated phrase',
        "-",
        "OR OR OR",
        "a & b | !c <-> d:*",
    ],
)
def test_hostile_queries_get_a_normal_page(client, q):
    response = client.get(LIST, {"q": q})
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.content.decode()


def test_hostile_detail_references_are_404_not_500(client):
    for reference in ["%00", "..%2F..%2Fetc%2Fpasswd", "a" * 5000, "'; select 1; --"]:
        assert client.get(f"/disclosures/{reference}/").status_code == 404


def test_bad_keyword_and_exemption_urls_are_404(client):
    assert client.get("/keywords/nope/").status_code == 404
    assert client.get("/exemptions/nope/").status_code == 404


# Every page that takes the list's filters.
FILTERED_PAGES = [
    LIST,
    "/statistics/",
    "/disclosures/feed/",
    "/disclosures/export.csv",
    "/disclosures/export.json",
    "/api/v1/disclosures/",
]


@pytest.mark.parametrize("url", FILTERED_PAGES)
@pytest.mark.parametrize(
    ("param", "value"),
    [("date_to", "0001-01-01"), ("date_from", "0001-01-01"), ("date_to", "1899-12-31")],
)
def test_dates_the_log_cannot_hold_are_a_400_with_the_range(client, url, param, value):
    response = client.get(url, {param: value})
    assert response.status_code == 400
    assert "1 January 1900" in response.content.decode()


@pytest.mark.parametrize("url", FILTERED_PAGES)
@pytest.mark.parametrize(
    "dates",
    [
        {"date_from": "1900-01-01"},
        {"date_to": "1900-01-01"},
        {"date_from": "9999-12-31"},
        {"date_to": "9999-12-31"},
        {"date_from": "1900-01-01", "date_to": "9999-12-31"},
    ],
)
def test_the_first_and_last_dates_the_log_can_hold_are_answered(client, url, dates):
    assert client.get(url, dates).status_code == 200
