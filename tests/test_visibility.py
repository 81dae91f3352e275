"""Drafts, scheduled and withdrawn entries never appear on any public page."""

import pytest
from django.urls import reverse

from tests.factories import DisclosureFactory

pytestmark = pytest.mark.django_db

PUBLIC_PAGES = [
    reverse("disclosures:home"),
    reverse("disclosures:list"),
    reverse("disclosures:list") + "?q=secret",
    reverse("disclosures:list") + "?q=drones",
    reverse("disclosures:list") + "?exemption=s24-1",
    reverse("disclosures:exemptions"),
    reverse("disclosures:exemption", args=["s24-1"]),
    reverse("disclosures:keyword", args=["visible"]),
]


@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_unpublished_entries_appear_on_no_public_page(client, unpublished, url):
    DisclosureFactory(title="Visible drones", keywords=["Visible"])
    html = client.get(url).content.decode()
    for entry in unpublished:
        assert entry.title not in html
        assert entry.reference not in html
    assert "Covert drones" not in html  # their keyword, in facets or anywhere


@pytest.mark.parametrize("which", [0, 1])
def test_draft_and_scheduled_permalinks_are_404(client, unpublished, which):
    assert client.get(unpublished[which].get_absolute_url()).status_code == 404


def test_unpublished_entries_are_not_counted_in_facets(client, unpublished):
    DisclosureFactory(exemptions=["s24-1"], keywords=["Visible"])
    facets = client.get(reverse("disclosures:list")).context["facets"]
    assert {o.value: o.count for o in facets["exemption"]} == {"s24-1": 1}
    assert [o.value for o in facets["keyword"]] == ["visible"]
    assert sum(o.count for o in facets["outcome"]) == 1


def test_keyword_of_a_draft_is_an_unknown_filter_value(client, unpublished):
    response = client.get(reverse("disclosures:list"), {"keyword": "covert-drones"})
    assert response.status_code == 400
    assert "There is no keyword called covert-drones." in response.content.decode()
