import datetime
import re
from html import unescape

import feedparser
import pytest
from django.urls import reverse

from tests.factories import DisclosureFactory

pytestmark = pytest.mark.django_db
FEED = reverse("disclosures:feed")
LIST = reverse("disclosures:list")


def parse(response) -> feedparser.FeedParserDict:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    return feed


def references(feed) -> list[str]:
    return [entry.link.split("/disclosures/", 1)[1].rstrip("/") for entry in feed.entries]


def test_feed_is_valid_atom_with_the_latest_disclosures(client):
    DisclosureFactory(reference="FOI-1", title="Drones in use", keywords=["Drones"])
    feed = parse(client.get(FEED))
    assert feed.version == "atom10"
    assert feed.feed.title == "Latest disclosures – Example Constabulary"
    assert references(feed) == ["FOI-1"]


def test_entry_links_to_the_permalink_with_dates_summary_and_categories(client):
    disclosure = DisclosureFactory(
        reference="FOI/23/1234",
        title="Drones in use",
        outcome="granted-in-part",
        keywords=["Drones", "Air support"],
    )
    entry = parse(client.get(FEED)).entries[0]
    assert entry.link == "http://testserver/disclosures/FOI/23/1234/"
    assert entry.id == entry.link
    assert entry.title == "Drones in use (FOI/23/1234)"
    assert entry.summary.startswith("Granted in part. Please tell me")
    assert [tag.term for tag in entry.tags] == ["Granted in part", "Air support", "Drones"]
    published = datetime.datetime(*entry.published_parsed[:6], tzinfo=datetime.UTC)
    updated = datetime.datetime(*entry.updated_parsed[:6], tzinfo=datetime.UTC)
    assert published == disclosure.published_at.replace(microsecond=0)
    assert updated == disclosure.updated_at.replace(microsecond=0)


def test_an_entry_whose_log_recorded_little_says_so(client):
    DisclosureFactory(
        title="Index entry", request_text="", outcome="not-recorded", response_date=None
    )
    entry = parse(client.get(FEED)).entries[0]
    assert entry.title.startswith("Index entry")
    assert entry.summary == "Not recorded."
    assert [tag.term for tag in entry.tags] == ["Not recorded"]


def test_followed_search_has_the_page_results(client):
    DisclosureFactory(title="Drones over the city", outcome="not-held", keywords=["Drones"])
    DisclosureFactory(title="Drones at night", outcome="not-held", exemptions=["s40-2"])
    DisclosureFactory(title="Drones in use", outcome="granted-in-full")
    DisclosureFactory(title="Overtime paid", outcome="not-held")
    params = {"q": "drones", "outcome": "not-held", "date_from": "2020-01-01", "sort": "oldest"}
    page = client.get(LIST, params)
    on_page = {d.reference for d in page.context["page_obj"].object_list}
    feed = parse(client.get(FEED, params))
    assert len(on_page) == 2
    assert set(references(feed)) == on_page


def test_followed_search_title_says_what_is_followed(client):
    DisclosureFactory(keywords=["Drones"], exemptions=["s40-2"])
    feed = parse(
        client.get(
            FEED,
            {"q": "vehicles", "outcome": "not-held", "exemption": "s40-2", "keyword": "drones"},
        )
    )
    assert feed.feed.title == (
        "Disclosures matching “vehicles”; outcome: Information not held; "
        "exemption: s40(2); keyword: Drones – Example Constabulary"
    )


def test_followed_search_links_to_the_list_with_the_same_parameters(client):
    feed = parse(client.get(FEED, {"outcome": "not-held", "page": "2"}))
    assert feed.feed.link == "http://testserver/disclosures/?outcome=not-held"
    selves = [link.href for link in feed.feed.links if link.rel == "self"]
    assert selves == ["http://testserver/disclosures/feed/?outcome=not-held"]


def test_entries_are_the_latest_published_whatever_the_response_date(client):
    DisclosureFactory(reference="OLD-ANSWER", response_date=datetime.date(2015, 1, 1))
    newest_published = DisclosureFactory(
        reference="PUBLISHED-TODAY", response_date=datetime.date(2010, 1, 1)
    )
    newest_published.published_at += datetime.timedelta(hours=12)
    newest_published.save()
    assert references(parse(client.get(FEED))) == ["PUBLISHED-TODAY", "OLD-ANSWER"]


def test_unpublished_disclosures_are_absent(client, unpublished):
    DisclosureFactory(reference="PUBLIC-1", title="Public drones")
    feed = parse(client.get(FEED, {"q": "drones"}))
    assert references(feed) == ["PUBLIC-1"]
    assert b"Secret" not in client.get(FEED).content


def test_empty_feed_is_still_valid_atom(client):
    assert parse(client.get(FEED)).entries == []


@pytest.mark.parametrize(
    "params",
    [
        {"outcome": "no-such-outcome"},
        {"date_from": "2024-02-30"},
        {"exemption": "s99"},
        {"keyword": "covert-drones"},
        {"sort": "sideways"},
    ],
)
def test_invalid_parameters_are_400_with_a_plain_message(client, unpublished, params):
    response = client.get(FEED, params)
    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content.strip()


def test_control_characters_in_text_do_not_break_the_feed(client):
    DisclosureFactory(title="Bell\x07 in the title", request_text="Form\x0cfeed")
    entry = parse(client.get(FEED, {"q": "bell\x01"})).entries[0]
    assert entry.title.startswith("Bell in the title")


@pytest.mark.parametrize("rows", [3, 30])
def test_feed_query_count_does_not_grow_with_rows(client, django_assert_num_queries, rows):
    for n in range(rows):
        DisclosureFactory(keywords=[f"Topic {n % 4}"], exemptions=["s40-2"])
    # validators (freshness), entries, their exemptions, their keywords.
    with django_assert_num_queries(4):
        response = client.get(FEED)
    assert response.status_code == 200


def alternate(html: str) -> str:
    found = re.findall(
        r'<link rel="alternate" type="application/atom\+xml" title="[^"]+" href="([^"]*)">', html
    )
    assert len(found) == 1
    return unescape(found[0])


def test_list_page_announces_the_feed_of_its_search(client):
    DisclosureFactory(outcome="not-held")
    html = client.get(LIST, {"q": "vehicles", "outcome": "not-held", "page": "1"}).content.decode()
    assert alternate(html) == "/disclosures/feed/?q=vehicles&outcome=not-held"


def test_list_page_links_to_follow_and_download_its_search(client):
    DisclosureFactory(outcome="not-held")
    html = unescape(client.get(LIST, {"outcome": "not-held"}).content.decode())
    for text, url in [
        ("Follow this search (Atom)", "/disclosures/feed/?outcome=not-held"),
        ("Download CSV", "/disclosures/export.csv?outcome=not-held"),
        ("Download JSON", "/disclosures/export.json?outcome=not-held"),
    ]:
        assert re.search(rf'<a href="{re.escape(url)}"[^>]*>{re.escape(text)}</a>', html), text
        assert client.get(url).status_code == 200


def test_list_page_with_an_invalid_filter_offers_no_downloads(client):
    html = client.get(LIST, {"outcome": "no-such-outcome"}).content.decode()
    assert "Download CSV" not in html


def test_home_page_announces_the_plain_feed(client):
    assert alternate(client.get("/").content.decode()) == "/disclosures/feed/"


def test_keyword_and_exemption_pages_announce_their_own_feed(client):
    DisclosureFactory(keywords=["Drones"], exemptions=["s40-2"])
    keyword_feed = alternate(client.get("/keywords/drones/").content.decode())
    exemption_feed = alternate(client.get("/exemptions/s40-2/").content.decode())
    assert keyword_feed == "/disclosures/feed/?keyword=drones"
    assert exemption_feed == "/disclosures/feed/?exemption=s40-2"
    assert len(parse(client.get(keyword_feed)).entries) == 1
