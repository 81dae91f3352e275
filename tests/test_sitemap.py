import datetime
import json
import re
from xml.etree import ElementTree

import pytest
from django.urls import reverse
from django.utils import timezone

from disclosures.sitemaps import DisclosureSitemap, KeywordSitemap
from tests.factories import DisclosureFactory

pytestmark = pytest.mark.django_db
NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def xml(response) -> ElementTree.Element:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml"
    return ElementTree.fromstring(response.content)


def locations(root: ElementTree.Element) -> list[str]:
    return [loc.text for loc in root.iterfind(".//sm:loc", NS)]


def lastmods(root: ElementTree.Element) -> dict[str, str]:
    return {
        url.find("sm:loc", NS).text: url.find("sm:lastmod", NS).text
        for url in root.iterfind("sm:url", NS)
    }


def day(moment: datetime.datetime) -> str:
    """A last change as sitemaps give it: the local date."""
    return timezone.localdate(moment).isoformat()


def test_index_names_a_sitemap_per_section(client):
    root = xml(client.get("/sitemap.xml"))
    assert locations(root) == [
        "http://testserver/sitemap-pages.xml",
        "http://testserver/sitemap-disclosures.xml",
        "http://testserver/sitemap-keywords.xml",
        "http://testserver/sitemap-exemptions.xml",
    ]


def test_every_public_disclosure_is_listed_with_its_last_change(client, unpublished):
    first = DisclosureFactory(reference="FOI/23/1234")
    second = DisclosureFactory(reference="FOI-2024-0002")
    listed = lastmods(xml(client.get("/sitemap-disclosures.xml")))
    assert listed == {
        "http://testserver/disclosures/FOI/23/1234/": day(first.updated_at),
        "http://testserver/disclosures/FOI-2024-0002/": day(second.updated_at),
    }


def test_awkward_references_are_listed_at_their_pages_addresses(client):
    awkward = [
        DisclosureFactory(reference=reference)
        for reference in ["FOI 2024/7", "ÉIR-12#3", "a?b=c&d", "100%", "//lead"]
    ]
    listed = locations(xml(client.get("/sitemap-disclosures.xml")))
    assert sorted(listed) == sorted(f"http://testserver{d.get_absolute_url()}" for d in awkward)


def test_unpublished_disclosures_and_their_keywords_are_absent(client, unpublished):
    DisclosureFactory(keywords=["Drones"])
    everything = b"".join(
        client.get(f"/sitemap-{section}.xml").content
        for section in ("pages", "disclosures", "keywords", "exemptions")
    )
    for hidden in (b"DRAFT-1", b"SCHED-1", b"WITHDRAWN-1", b"covert-drones"):
        assert hidden not in everything
    assert b"/keywords/drones/" in everything


def test_keyword_pages_change_with_their_latest_public_disclosure(client):
    DisclosureFactory(keywords=["Drones"])
    latest = DisclosureFactory(keywords=["Drones"])
    listed = lastmods(xml(client.get("/sitemap-keywords.xml")))
    assert listed == {"http://testserver/keywords/drones/": day(latest.updated_at)}


def test_exemption_and_other_pages_are_listed(client):
    exemptions = locations(xml(client.get("/sitemap-exemptions.xml")))
    pages = locations(xml(client.get("/sitemap-pages.xml")))
    assert "http://testserver/exemptions/s40-2/" in exemptions
    assert pages == [
        "http://testserver/",
        "http://testserver/disclosures/",
        "http://testserver/exemptions/",
        "http://testserver/statistics/",
        "http://testserver/about/",
    ]


def test_a_long_log_is_split_into_numbered_sitemaps(client, monkeypatch):
    monkeypatch.setattr(DisclosureSitemap, "limit", 2)
    DisclosureFactory.create_batch(5)
    index = locations(xml(client.get("/sitemap.xml")))
    assert "http://testserver/sitemap-disclosures.xml?p=3" in index
    assert "http://testserver/sitemap-disclosures.xml?p=4" not in index
    assert len(locations(xml(client.get("/sitemap-disclosures.xml", {"p": 3})))) == 1


def test_a_long_keyword_list_is_split_into_numbered_sitemaps(client, monkeypatch):
    monkeypatch.setattr(KeywordSitemap, "limit", 2)
    for n in range(5):
        DisclosureFactory(keywords=[f"Topic {n}"])
    DisclosureFactory(keywords=["Draft topic"], draft=True)  # not counted: not public
    index = locations(xml(client.get("/sitemap.xml")))
    assert "http://testserver/sitemap-keywords.xml?p=3" in index
    assert "http://testserver/sitemap-keywords.xml?p=4" not in index
    assert len(locations(xml(client.get("/sitemap-keywords.xml", {"p": 3})))) == 1


@pytest.mark.parametrize("page", ["0", "9", "x", "\x00"])
def test_a_sitemap_page_that_does_not_exist_is_404(client, page):
    assert client.get("/sitemap-disclosures.xml", {"p": page}).status_code == 404


@pytest.mark.parametrize("rows", [3, 30])
def test_sitemap_query_count_does_not_grow_with_rows(client, django_assert_num_queries, rows):
    for n in range(rows):
        DisclosureFactory(keywords=[f"Topic {n}"])
    # validators (freshness), then: the index, a count and a latest change per section
    # that has them; a section, a count and its page.
    with django_assert_num_queries(6):
        client.get("/sitemap.xml")
    for section in ("disclosures", "keywords"):
        with django_assert_num_queries(3):
            client.get(f"/sitemap-{section}.xml")


def test_robots_txt_names_the_sitemap(client):
    response = client.get("/robots.txt")
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert "Sitemap: http://testserver/sitemap.xml" in lines
    assert "Disallow: /admin/" in lines


def canonical(html: str) -> str:
    found = re.findall(r'<link rel="canonical" href="([^"]*)">', html)
    assert len(found) == 1
    return found[0]


def test_detail_page_has_its_canonical_link(client):
    DisclosureFactory(reference="FOI/23 1234")
    html = client.get("/disclosures/FOI/23%201234/").content.decode()
    assert canonical(html) == "http://testserver/disclosures/FOI/23%201234/"


def test_list_canonical_drops_filters_and_keeps_the_page(client):
    DisclosureFactory.create_batch(21)
    assert canonical(client.get("/disclosures/?outcome=granted-in-full").content.decode()) == (
        "http://testserver/disclosures/"
    )
    assert canonical(client.get("/disclosures/?page=2&q=request").content.decode()) == (
        "http://testserver/disclosures/?page=2"
    )


@pytest.mark.parametrize("url", ["/", "/exemptions/", "/exemptions/s40-2/", "/keywords/drones/"])
def test_other_public_pages_have_a_canonical_link(client, url):
    DisclosureFactory(keywords=["Drones"])
    assert canonical(client.get(url).content.decode()) == f"http://testserver{url}"


def json_ld(html: str) -> dict:
    found = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert len(found) == 1
    return json.loads(found[0])


def test_detail_page_describes_the_disclosure_in_json_ld(client):
    disclosure = DisclosureFactory(
        reference="FOI/23/1234",
        title="Drones over the city",
        keywords=["Drones"],
        response_date=datetime.date(2023, 5, 1),
    )
    data = json_ld(client.get("/disclosures/FOI/23/1234/").content.decode())
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "Report"
    assert data["name"] == "Drones over the city"
    assert data["reportNumber"] == "FOI/23/1234"
    assert data["url"] == "http://testserver/disclosures/FOI/23/1234/"
    assert data["dateCreated"] == "2023-05-01"
    published = datetime.datetime.fromisoformat(data["datePublished"])
    modified = datetime.datetime.fromisoformat(data["dateModified"])
    assert published == disclosure.published_at.replace(microsecond=0)
    assert modified == disclosure.updated_at.replace(microsecond=0)
    assert data["keywords"] == ["Drones"]
    assert data["publisher"]["name"] == "Example Constabulary"


def test_json_ld_cannot_be_broken_out_of_by_a_hostile_title(client):
    title = '</script><script>alert("x")</script><!-- & "quotes"'
    DisclosureFactory(reference="FOI-1", title=title)
    html = client.get("/disclosures/FOI-1/").content.decode()
    assert "<script>alert" not in html
    assert json_ld(html)["name"] == title


def test_detail_page_query_count_is_unchanged_by_json_ld(client, django_assert_num_queries):
    DisclosureFactory(reference="FOI-1", keywords=["A", "B"], exemptions=["s40-2"])
    # validators, the disclosure, exemptions, keywords, documents, clarifications.
    with django_assert_num_queries(6):
        assert client.get(reverse("disclosures:detail", args=["FOI-1"])).status_code == 200
