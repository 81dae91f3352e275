"""Each filter alone and combined, through the shared FilterSet and the list page."""

import datetime

import pytest
from django.http import QueryDict
from django.urls import reverse

from disclosures.filters import DisclosureFilter
from disclosures.models import Disclosure
from tests.factories import DisclosureFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def log(db):
    return {
        "drones": DisclosureFactory(
            reference="A",
            title="Police drones",
            outcome="granted-in-full",
            keywords=["Drones"],
            response_date=datetime.date(2021, 3, 1),
        ),
        "staff": DisclosureFactory(
            reference="B",
            title="Staff names",
            outcome="refused",
            exemptions=["s40-2"],
            keywords=["Staff"],
            response_date=datetime.date(2022, 6, 1),
        ),
        "crime": DisclosureFactory(
            reference="C",
            title="Crime hotspots",
            outcome="granted-in-part",
            exemptions=["s31-1-a", "s40-2"],
            keywords=["Drones", "Staff"],
            response_date=datetime.date(2023, 9, 1),
        ),
        "cost": DisclosureFactory(
            reference="D",
            title="Every email since 2010",
            outcome="refused-cost-limit",
            response_date=datetime.date(2024, 1, 15),
        ),
    }


def filtered(query: str) -> set[str]:
    filterset = DisclosureFilter(QueryDict(query), queryset=Disclosure.objects.public())
    assert filterset.is_valid(), filterset.errors
    return {d.reference for d in filterset.qs}


def test_text(log):
    assert filtered("q=police") == {"A"}
    assert filtered("q=drones") == {"A", "C"}  # C has the keyword Drones


def test_outcome(log):
    assert filtered("outcome=refused") == {"B"}


def test_outcome_repeated_means_any_of_them(log):
    assert filtered("outcome=refused&outcome=granted-in-full") == {"A", "B"}


def test_exemption(log):
    assert filtered("exemption=s31-1-a") == {"C"}


def test_exemption_repeated_lists_each_disclosure_once(log):
    filterset = DisclosureFilter(
        QueryDict("exemption=s40-2&exemption=s31-1-a"), queryset=Disclosure.objects.public()
    )
    assert [d.reference for d in filterset.qs] == ["C", "B"]


def test_keyword(log):
    assert filtered("keyword=drones") == {"A", "C"}


def test_keyword_repeated(log):
    assert filtered("keyword=drones&keyword=staff") == {"A", "B", "C"}


def test_date_from(log):
    assert filtered("date_from=2023-01-01") == {"C", "D"}


def test_date_to(log):
    assert filtered("date_to=2021-12-31") == {"A"}


def test_date_range_is_inclusive(log):
    assert filtered("date_from=2022-06-01&date_to=2023-09-01") == {"B", "C"}


def test_combined_filters_all_apply(log):
    assert filtered("keyword=staff&exemption=s40-2&outcome=granted-in-part") == {"C"}
    assert filtered("keyword=drones&date_to=2022-01-01") == {"A"}
    assert filtered("q=crime&keyword=staff&exemption=s40-2&date_from=2023-01-01") == {"C"}
    assert filtered("q=drones&outcome=refused") == set()


def test_page_url_holds_the_whole_state(client, log):
    response = client.get(
        reverse("disclosures:list") + "?keyword=staff&exemption=s40-2&outcome=granted-in-part"
    )
    assert [d.reference for d in response.context["page_obj"]] == ["C"]


def test_filters_never_reach_unpublished(unpublished):
    for query in ["q=secret", "keyword=covert-drones", "exemption=s24-1", "q=drones"]:
        filterset = DisclosureFilter(QueryDict(query), queryset=Disclosure.objects.public())
        assert list(filterset.qs) == []
