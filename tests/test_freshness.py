"""Conditional GET on public pages (disclosures/freshness.py): 304 while nothing changed."""

import datetime

import pytest
from django.utils import timezone

from disclosures.models import Disclosure, Exemption, Keyword, PublicChange
from tests.factories import DisclosureFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _keep_pages(settings):
    settings.FOILOG_PAGE_CACHE_SECONDS = 600


LIST_PAGES = ["/", "/disclosures/", "/disclosures/?q=drones", "/exemptions/", "/exemptions/s40-2/"]


@pytest.fixture
def drones(db):
    return DisclosureFactory(reference="FOI/23/1234", keywords=["Drones"], exemptions=["s40-2"])


def revalidate(client, url, response):
    return client.get(url, headers={"if-none-match": response["ETag"]})


@pytest.mark.parametrize("url", [*LIST_PAGES, "/keywords/drones/", "/disclosures/FOI/23/1234/"])
def test_unchanged_page_answers_304_to_its_etag(client, drones, url):
    first = client.get(url)
    assert first.status_code == 200
    again = revalidate(client, url, first)
    assert again.status_code == 304
    assert again.content == b""


@pytest.mark.parametrize("url", ["/disclosures/", "/disclosures/FOI/23/1234/"])
def test_unchanged_page_answers_304_to_its_last_modified(client, drones, url):
    first = client.get(url)
    again = client.get(url, headers={"if-modified-since": first["Last-Modified"]})
    assert again.status_code == 304


def test_public_pages_may_be_cached_briefly(client, drones, settings):
    response = client.get("/disclosures/")
    directives = {part.strip() for part in response["Cache-Control"].split(",")}
    assert directives == {"public", f"max-age={settings.FOILOG_PUBLIC_MAX_AGE}"}


def test_detail_page_is_last_modified_when_its_disclosure_was(client, drones):
    drones.refresh_from_db()
    response = client.get(drones.get_absolute_url())
    assert response["Last-Modified"] == drones.updated_at.strftime("%a, %d %b %Y %H:%M:%S GMT")


def test_editing_a_disclosure_changes_its_pages_etag(client, drones):
    first = client.get(drones.get_absolute_url())
    drones.title = "Drones, corrected"
    drones.save()
    again = revalidate(client, drones.get_absolute_url(), first)
    assert again.status_code == 200
    assert again["ETag"] != first["ETag"]
    assert "Drones, corrected" in again.content.decode()


def test_editing_a_disclosure_changes_the_lists_etag(client, drones):
    first = client.get("/disclosures/")
    drones.title = "Drones, corrected"
    drones.save()
    assert revalidate(client, "/disclosures/", first).status_code == 200


def test_editing_a_disclosure_moves_last_modified_on(client, drones):
    # The log's last change was yesterday, and a client has the page of then.
    PublicChange.objects.update(changed_at=timezone.now() - datetime.timedelta(days=1))
    first = client.get("/disclosures/")
    drones.title = "Drones, corrected"
    drones.save()
    again = client.get("/disclosures/", headers={"if-modified-since": first["Last-Modified"]})
    assert again.status_code == 200


def test_withdrawing_a_disclosure_changes_the_lists_etag(client, drones):
    DisclosureFactory(response_date="2030-01-01")  # the newest change is not the withdrawn one
    first = client.get("/disclosures/")
    drones.withdraw("Named a witness.")
    again = revalidate(client, "/disclosures/", first)
    assert again.status_code == 200
    assert "FOI/23/1234" not in again.content.decode()


def test_withdrawn_disclosure_page_changes_etag(client, drones):
    first = client.get(drones.get_absolute_url())
    drones.withdraw("Named a witness.")
    assert revalidate(client, drones.get_absolute_url(), first).status_code == 410


def test_scheduled_disclosure_falling_due_changes_the_lists_etag(client, drones):
    due_soon = DisclosureFactory(
        published_at=timezone.now() + datetime.timedelta(hours=1), title="Due soon"
    )
    first = client.get("/disclosures/")
    # Time passes: the entry is now due, though no one saved anything.
    Disclosure.objects.filter(pk=due_soon.pk).update(
        published_at=timezone.now() - datetime.timedelta(seconds=1),
        updated_at=timezone.now() - datetime.timedelta(days=1),
    )
    again = revalidate(client, "/disclosures/", first)
    assert again.status_code == 200
    assert "Due soon" in again.content.decode()


def test_renaming_a_keyword_changes_the_etag(client, drones):
    first = client.get(drones.get_absolute_url())
    Keyword.objects.filter(slug="drones").update(name="Unmanned aircraft")
    again = revalidate(client, drones.get_absolute_url(), first)
    assert again.status_code == 200
    assert "Unmanned aircraft" in again.content.decode()


def test_editing_an_exemption_changes_the_exemption_lists_etag(client, drones):
    first = client.get("/exemptions/")
    Exemption.objects.filter(slug="s40-2").update(description="Personal data, explained anew.")
    assert revalidate(client, "/exemptions/", first).status_code == 200


def test_etag_differs_by_language(client, drones):
    english = client.get("/disclosures/", headers={"accept-language": "en-gb"})
    welsh = client.get("/disclosures/", headers={"accept-language": "cy"})
    assert english["ETag"] != welsh["ETag"]


def test_unknown_reference_is_still_404(client, drones):
    assert client.get("/disclosures/NO-SUCH/", headers={"if-none-match": "*"}).status_code == 404


def test_validators_cost_one_query(client, drones, django_assert_num_queries):
    first = client.get("/disclosures/")
    with django_assert_num_queries(1):
        assert revalidate(client, "/disclosures/", first).status_code == 304


def test_unchanged_page_is_served_again_for_one_query(client, drones, django_assert_num_queries):
    first = client.get("/disclosures/?outcome=granted-in-full")
    with django_assert_num_queries(1):
        again = client.get("/disclosures/?outcome=granted-in-full")
    assert again.status_code == 200
    assert again.content == first.content


def test_kept_page_is_not_served_for_another_query_string(client, drones):
    first = client.get("/disclosures/?outcome=granted-in-full")
    other = client.get("/disclosures/?outcome=refused")
    assert other.content != first.content


def test_kept_page_is_replaced_as_soon_as_the_log_changes(client, drones):
    client.get("/disclosures/")
    drones.title = "Drones, corrected"
    drones.save()
    assert "Drones, corrected" in client.get("/disclosures/").content.decode()


def test_kept_page_keeps_its_status(client, drones):
    client.get("/disclosures/?outcome=no-such")
    assert client.get("/disclosures/?outcome=no-such").status_code == 400


def test_pages_are_not_kept_when_switched_off(client, drones, settings, django_assert_num_queries):
    settings.FOILOG_PAGE_CACHE_SECONDS = 0
    client.get("/exemptions/")
    # validators, a look for a snapshot (a log this small has none), the log's counts,
    # the exemptions
    with django_assert_num_queries(4):
        client.get("/exemptions/")


def test_changing_the_authority_changes_the_etag(client, drones, settings):
    first = client.get("/")
    settings.FOILOG_AUTHORITY = {**settings.FOILOG_AUTHORITY, "name": "Another Constabulary"}
    again = revalidate(client, "/", first)
    assert again.status_code == 200
    assert "Another Constabulary" in again.content.decode()


def test_every_page_of_a_search_shares_its_counts_until_the_log_changes(
    client, django_assert_num_queries
):
    DisclosureFactory.create_batch(25, title="Drones", keywords=["Drones"])
    first = client.get("/disclosures/", {"q": "drones"})
    assert first.context["facets"].total == 25
    # Page 2 and another order: the validators, a look for a snapshot to find the
    # page's ids from, the page's ids and rows, the exemptions they cite, headlines and
    # the suggestion lookup; no count, no facets.
    with django_assert_num_queries(8):
        second = client.get("/disclosures/", {"q": "drones", "page": 2, "sort": "oldest"})
    assert second.context["facets"].total == 25
    assert {o.value: o.count for o in second.context["facets"]["keyword"]} == {"drones": 25}

    DisclosureFactory(title="More drones")
    again = client.get("/disclosures/", {"q": "drones", "page": 2, "sort": "oldest"})
    assert again.context["facets"].total == 26
    assert again.context["paginator"].count == 26


@pytest.mark.parametrize("kind", ["draft", "scheduled"])
@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"if-none-match": "*"},
        {"if-modified-since": "Thu, 01 Jan 1970 00:00:00 GMT"},
        {"if-none-match": '"anything"'},
    ],
)
def test_an_unpublished_entry_answers_as_an_unknown_reference_whatever_the_headers(
    client, kind, headers
):
    DisclosureFactory(reference="HIDDEN-1", title="Not yet public", **{kind: True})
    hidden = client.get("/disclosures/HIDDEN-1/", headers=headers)
    unknown = client.get("/disclosures/HIDDEN-2/", headers=headers)
    assert hidden.status_code == unknown.status_code == 404
    for response in (hidden, unknown):
        assert "ETag" not in response
        assert "Last-Modified" not in response
    assert hidden.content == unknown.content.replace(b"HIDDEN-2", b"HIDDEN-1")


def test_editing_a_draft_changes_no_public_validator(client, drones):
    draft = DisclosureFactory(reference="DRAFT-9", title="Draft", draft=True)
    first = client.get("/disclosures/")
    draft.title = "Draft, reworded"
    draft.save()
    DisclosureFactory(reference="DRAFT-10", draft=True)
    again = client.get("/disclosures/")
    assert again["ETag"] == first["ETag"]
    assert again["Last-Modified"] == first["Last-Modified"]


CACHED_SURFACES = [
    "/",
    "/disclosures/",
    "/disclosures/?q=drones",
    "/disclosures/?exemption=s40-2",
    "/disclosures/feed/",
    "/disclosures/feed/?q=drones",
    "/keywords/drones/",
    "/exemptions/",
    "/exemptions/s40-2/",
    "/sitemap.xml",
    "/sitemap-disclosures.xml",
]


def test_deleting_a_disclosure_leaves_no_cached_public_page_showing_it(client, drones):
    other = DisclosureFactory(reference="FOI/23/9999", keywords=["Drones"], exemptions=["s40-2"])
    first = {url: client.get(url) for url in CACHED_SURFACES}
    for url, response in first.items():
        assert response.status_code == 200, url
        assert b"FOI/23/1234" in response.content or url in ("/exemptions/", "/sitemap.xml"), url
    exemption_count = first["/exemptions/"].content
    drones.delete()
    for url, response in first.items():
        again = revalidate(client, url, response)
        assert again.status_code == 200, url
        assert b"FOI/23/1234" not in again.content, url
    assert client.get("/exemptions/").content != exemption_count  # one citation fewer
    assert client.get(other.get_absolute_url()).status_code == 200
