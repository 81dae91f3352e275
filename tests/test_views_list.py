import datetime
import re

import pytest
from django.urls import reverse

from tests.factories import DisclosureFactory

pytestmark = pytest.mark.django_db
LIST = reverse("disclosures:list")


def references(response) -> list[str]:
    return [d.reference for d in response.context["page_obj"].object_list]


def test_list_shows_published_disclosures_newest_first(client):
    DisclosureFactory(reference="OLD", response_date=datetime.date(2020, 1, 1))
    DisclosureFactory(reference="NEW", response_date=datetime.date(2024, 1, 1))
    response = client.get(LIST)
    assert response.status_code == 200
    assert references(response) == ["NEW", "OLD"]
    assert "2 disclosures" in response.content.decode()


def test_each_result_shows_its_outcome_date_and_the_exemptions_it_cites(client):
    DisclosureFactory(
        reference="R1",
        outcome="refused",
        response_date=datetime.date(2024, 3, 5),
        exemptions=["s40-2", "s31-1-a"],
    )
    DisclosureFactory(reference="R2", exemptions=[])
    html = client.get(LIST).content.decode()
    first = html[html.index('href="/disclosures/R1/"') :]
    first = first[: first.index("</li>")]
    assert "Refused in full (exemption applies)" in first
    assert '<time datetime="2024-03-05">5 March 2024</time>' in first
    codes = re.findall(r'<a href="/exemptions/[^"]+/">([^<]+)</a>', first)
    assert sorted(codes) == ["s31(1)(a)", "s40(2)"]
    second = html[html.index('href="/disclosures/R2/"') :]
    assert "Exemptions:" not in second[: second.index("</li>")]


def test_list_is_paginated_and_every_page_is_a_link(client, settings):
    DisclosureFactory.create_batch(25)
    response = client.get(LIST, {"outcome": "granted-in-full"})
    assert len(references(response)) == 20
    html = response.content.decode()
    assert "outcome=granted-in-full&amp;page=2" in html
    second = client.get(LIST, {"outcome": "granted-in-full", "page": 2})
    assert len(references(second)) == 5


def test_filters_are_a_form_on_the_page_that_keeps_its_state(client):
    DisclosureFactory(outcome="not-held", keywords=["Drones"], exemptions=["s40-2"])
    html = client.get(
        LIST, {"q": "vehicles", "outcome": "not-held", "date_from": "2020-01-01"}
    ).content.decode()
    assert '<form class="filters" method="get"' in html
    assert 'value="vehicles"' in html
    assert 'value="not-held" id="outcome-not-held" checked' in html
    assert 'value="2020-01-01"' in html
    assert 'name="exemption" value="s40-2"' in html
    assert 'name="keyword" value="drones"' in html


def test_sort_oldest_first(client):
    DisclosureFactory(reference="OLD", response_date=datetime.date(2020, 1, 1))
    DisclosureFactory(reference="NEW", response_date=datetime.date(2024, 1, 1))
    assert references(client.get(LIST, {"sort": "oldest"})) == ["OLD", "NEW"]


def test_undated_entries_count_as_the_oldest_either_way(client):
    DisclosureFactory(reference="OLD", response_date=datetime.date(2020, 1, 1))
    DisclosureFactory(reference="UNDATED", response_date=None, outcome="not-recorded")
    DisclosureFactory(reference="NEW", response_date=datetime.date(2024, 1, 1))
    assert references(client.get(LIST)) == ["NEW", "OLD", "UNDATED"]
    assert references(client.get(LIST, {"sort": "oldest"})) == ["UNDATED", "OLD", "NEW"]
    # No date lies in a range of dates.
    assert references(client.get(LIST, {"date_to": "2030-01-01"})) == ["NEW", "OLD"]


def test_an_undated_entry_says_its_response_date_is_not_recorded(client):
    DisclosureFactory(reference="U1", response_date=None, request_text="", outcome="not-recorded")
    html = client.get(LIST).content.decode()
    result = html[html.index('href="/disclosures/U1/"') :]
    result = result[: result.index("</li>")]
    assert "Response date not recorded" in result
    assert '<span class="tag tag--not-recorded">Not recorded</span>' in result


def test_not_recorded_is_an_outcome_to_filter_by_of_its_own(client):
    DisclosureFactory(reference="N1", outcome="not-recorded")
    DisclosureFactory(reference="G1", outcome="granted-in-full")
    response = client.get(LIST, {"outcome": "not-recorded"})
    assert references(response) == ["N1"]
    options = {option.value: option.count for option in response.context["facets"].outcome}
    assert options["not-recorded"] == 1 and options["granted-in-full"] == 1
    assert 'value="not-recorded" id="outcome-not-recorded" checked' in response.content.decode()


def test_the_year_facet_leaves_undated_entries_out(client):
    DisclosureFactory(response_date=datetime.date(2022, 5, 1))
    DisclosureFactory(response_date=None, outcome="not-recorded")
    facets = client.get(LIST).context["facets"]
    assert facets.total == 2
    assert [(option.value, option.count) for option in facets.year] == [("2022", 1)]


@pytest.mark.parametrize("rows", [3, 30])
def test_list_query_count_does_not_grow_with_rows(client, django_assert_num_queries, rows):
    for n in range(rows):
        DisclosureFactory(keywords=[f"Topic {n % 4}"], exemptions=["s40-2", "s31-1-a"])
    # validators (freshness), page ids, page rows, the exemptions they cite, and four for
    # the facets with the count (a look for kept counts, which a log this small has not,
    # one pass, then the exemptions and keywords shown).
    with django_assert_num_queries(8):
        response = client.get(LIST)
    assert response.status_code == 200


@pytest.mark.parametrize("rows", [3, 30])
def test_filtered_search_query_count_does_not_grow_with_rows(
    client, django_assert_num_queries, rows
):
    for _n in range(rows):
        DisclosureFactory(keywords=["Drones"], exemptions=["s40-2"], title="Drones in use")
    params = {
        "q": "drones",
        "exemption": "s40-2",
        "keyword": "drones",
        "outcome": "granted-in-full",
    }
    # As the plain list (a look for a snapshot's bitmaps instead of kept counts), plus
    # one query each to check the exemption and keyword slugs exist, one for the page's
    # headlines and two to look up misspelt words.
    with django_assert_num_queries(13):
        response = client.get(LIST, params)
    assert response.status_code == 200
    assert len(references(response)) == min(rows, 20)
