"""Home, detail, keyword and exemption pages."""

import datetime

import pytest
from django.urls import reverse

from disclosures.models import Outcome
from tests.factories import DisclosureFactory

pytestmark = pytest.mark.django_db


def test_home_has_search_box_latest_and_count(client):
    batch = DisclosureFactory.create_batch(3)
    # Later than the others whatever the factory's date sequence has reached.
    latest = max(d.response_date for d in batch) + datetime.timedelta(days=1)
    DisclosureFactory(title="The very latest", response_date=latest)
    response = client.get(reverse("disclosures:home"))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'role="search"' in html and 'name="q"' in html
    assert "answers to 4 Freedom of Information requests" in html
    assert html.index("The very latest") < html.index("Request number")


def test_home_query_count_is_constant(client, django_assert_num_queries):
    DisclosureFactory.create_batch(12, keywords=["Drones"], exemptions=["s40-2"])
    # validators, latest, the exemptions cited, a look for the kept count (a log this
    # small has none), the count
    with django_assert_num_queries(5):
        client.get(reverse("disclosures:home"))


@pytest.mark.parametrize("reference", ["16495", "FOI-2024-0123", "FOI/23/1234", "FOI 2021 0456"])
def test_detail_page_for_every_reference_shape(client, reference):
    disclosure = DisclosureFactory(
        reference=reference, title="Drone fleet", exemptions=["s40-2"], keywords=["Drones"]
    )
    response = client.get(disclosure.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Drone fleet</h1>" in html
    assert "s40(2) Personal information: third parties" in html
    assert 'href="/keywords/drones/"' in html


def test_detail_shows_everything_the_disclosure_holds(client):
    disclosure = DisclosureFactory(
        request_text="1. How many?\n\n2. Since when?",
        response_narrative="Having completed enquiries, none are held.",
        outcome="not-held",
        response_date="2022-02-24",
    )
    html = client.get(disclosure.get_absolute_url()).content.decode()
    assert "<p>1. How many?</p>" in html and "<p>2. Since when?</p>" in html
    assert "Having completed enquiries, none are held." in html
    assert "Information not held" in html
    assert "24 February 2022" in html


def test_detail_of_an_entry_whose_log_recorded_little_says_not_recorded(client):
    disclosure = DisclosureFactory(
        title="Index entry",
        request_text="",
        response_narrative="",
        outcome=Outcome.NOT_RECORDED,
        response_date=None,
        original_url="https://www.example.org/foi/16495",
    )
    response = client.get(disclosure.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert '<span class="tag tag--not-recorded">Not recorded</span>' in html
    assert "<dt>Response date</dt><dd>Not recorded</dd>" in html
    assert "did not record the request" in html and "did not record the response" in html
    assert "<dt>Original publication</dt>" in html
    assert 'href="https://www.example.org/foi/16495" rel="external noreferrer"' in html
    assert '"dateCreated"' not in html


def test_detail_shows_the_received_date_when_known(client):
    disclosure = DisclosureFactory(received_date=datetime.date(2022, 1, 10))
    html = client.get(disclosure.get_absolute_url()).content.decode()
    assert '<dt>Received</dt><dd><time datetime="2022-01-10">10 January 2022</time>' in html
    assert "Original publication" not in html


def test_detail_names_the_legislation_of_each_exemption(client):
    disclosure = DisclosureFactory(exemptions=["foisa-s38-1-b", "s40-2"])
    html = client.get(disclosure.get_absolute_url()).content.decode()
    assert "s38(1)(b) Personal information: third parties</a> " in html
    assert "(FOISA, absolute)" in html and "(FOIA, absolute)" in html


@pytest.mark.parametrize("rows", [1, 10])
def test_detail_query_count_is_constant(client, django_assert_num_queries, rows):
    disclosure = DisclosureFactory(
        keywords=[f"K{n}" for n in range(rows)],
        exemptions=["s40-2", "s31-1-a", "s43-2"][:rows],
        received_date=datetime.date(2024, 1, 2),
    )
    for n in range(rows):
        disclosure.clarifications.create(
            asked=datetime.date(2024, 1, 3), answered=datetime.date(2024, 1, 4 + n)
        )
    # validators (freshness), disclosure, exemptions, keywords, documents, clarifications
    with django_assert_num_queries(6):
        client.get(disclosure.get_absolute_url())


def test_unknown_reference_is_404_with_a_message(client):
    response = client.get("/disclosures/FOI/99/9999/")
    assert response.status_code == 404
    assert "No published disclosure has the reference FOI/99/9999." in response.content.decode()


def test_withdrawn_disclosure_is_gone_with_410_and_reason(client):
    disclosure = DisclosureFactory(withdrawn=True, title="Secret withdrawn thing")
    response = client.get(disclosure.get_absolute_url())
    assert response.status_code == 410
    html = response.content.decode()
    assert "Published in error: it named a member of staff." in html
    assert "Secret withdrawn thing" not in html


def test_keyword_page_lists_its_public_disclosures(client):
    DisclosureFactory(title="Drones one", keywords=["Drones"])
    DisclosureFactory(title="Overtime", keywords=["Overtime"])
    response = client.get(reverse("disclosures:keyword", args=["drones"]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Drones one" in html and "Overtime</a>" not in html
    assert "<h1>Drones</h1>" in html


def test_keyword_used_only_by_unpublished_entries_is_404(client, unpublished):
    assert client.get(reverse("disclosures:keyword", args=["covert-drones"])).status_code == 404


def test_keyword_page_query_count_is_constant(client, django_assert_num_queries):
    DisclosureFactory.create_batch(15, keywords=["Drones"], exemptions=["s40-2"])
    # validators (freshness), keyword, its slug checked as the list's filter, a look for
    # a snapshot (a log this small has none), count, page ids, rows, exemptions cited
    with django_assert_num_queries(8):
        client.get(reverse("disclosures:keyword", args=["drones"]))


def test_exemption_list_explains_and_counts(client, unpublished):
    DisclosureFactory(exemptions=["s40-2"])
    response = client.get(reverse("disclosures:exemptions"))
    html = response.content.decode()
    assert response.status_code == 200
    rows = {e.slug: e.public_count for e in response.context["exemptions"]}
    assert rows["s40-2"] == 1
    assert rows["s24-1"] == 0  # cited only by unpublished entries
    assert "Qualified" in html and "Absolute" in html


def test_exemption_list_is_by_legislation_and_leaves_other_countries_out(client):
    DisclosureFactory(exemptions=["eisr-10-5-e"])
    html = client.get(reverse("disclosures:exemptions")).content.decode()
    assert "Freedom of Information Act 2000 (FOIA)</h2>" in html
    assert "Environmental Information Regulations 2004 (EIR)</h2>" in html
    # Scotland's exemptions only where this log cites them.
    assert "Environmental Information (Scotland) Regulations 2004 (EISR)</h2>" in html
    assert "reg 10(5)(e) Commercial or industrial confidentiality" in html
    assert "(FOISA)</h2>" not in html and "reg 10(4)(a)" not in html


def test_a_scottish_authority_lists_foisa_and_the_eisr(client, settings):
    settings.AUTHORITY_LEGISLATION = "foisa"
    html = client.get(reverse("disclosures:exemptions")).content.decode()
    assert "Freedom of Information (Scotland) Act 2002 (FOISA)</h2>" in html
    assert "s38(1)(b) Personal information: third parties" in html
    assert "(EISR)</h2>" in html and "(FOIA)</h2>" not in html


def test_exemption_list_query_count_is_constant(client, django_assert_num_queries):
    DisclosureFactory.create_batch(5, exemptions=["s40-2", "foisa-s30-c"])
    # validators, a look for a snapshot (none on a log this small), the log's counts,
    # the exemptions with their legislation
    with django_assert_num_queries(4):
        client.get(reverse("disclosures:exemptions"))


def test_exemption_page_names_its_legislation(client):
    response = client.get(reverse("disclosures:exemption", args=["foisa-s38-1-b"]))
    html = response.content.decode()
    assert '<span class="caption">Freedom of Information (Scotland) Act 2002</span>' in html
    assert "<title>s38(1)(b) Personal information: third parties (FOISA)" in html


def test_exemption_page_says_what_it_means_and_lists_disclosures(client):
    DisclosureFactory(title="Officer names", exemptions=["s40-2"])
    DisclosureFactory(title="Crime maps", exemptions=["s31-1-a"])
    response = client.get(reverse("disclosures:exemption", args=["s40-2"]))
    html = response.content.decode()
    assert "Personal data of someone other than the applicant" in html
    assert "Officer names" in html and "Crime maps" not in html


def test_unknown_exemption_is_404(client):
    assert client.get(reverse("disclosures:exemption", args=["s99-9"])).status_code == 404


def test_exemption_page_query_count_is_constant(client, django_assert_num_queries):
    DisclosureFactory.create_batch(15, keywords=["Drones"], exemptions=["s40-2"])
    # validators (freshness), exemption, its slug checked as the list's filter, a look
    # for a snapshot (a log this small has none), count, page ids, rows, exemptions cited
    with django_assert_num_queries(8):
        client.get(reverse("disclosures:exemption", args=["s40-2"]))


def handling_of(html: str) -> str:
    return html[html.index('<dl class="summary-list">') : html.index("</dl>")]


def test_detail_says_when_received_and_how_long_the_answer_took(client):
    disclosure = DisclosureFactory(
        received_date=datetime.date(2024, 6, 3), response_date=datetime.date(2024, 7, 1)
    )
    html = handling_of(client.get(disclosure.get_absolute_url()).content.decode())
    assert '<time datetime="2024-06-03">3 June 2024</time>' in html
    assert "Answered in 20 working days" in html
    assert "<strong>on time</strong>" in html


def test_detail_says_how_late_a_late_answer_was(client):
    disclosure = DisclosureFactory(
        received_date=datetime.date(2024, 6, 3), response_date=datetime.date(2024, 7, 8)
    )
    html = handling_of(client.get(disclosure.get_absolute_url()).content.decode())
    assert "Answered in 25 working days" in html
    assert "late by 5 working days" in html
    assert "due by 1 July 2024" in html


def test_detail_says_an_answer_within_an_extension_was_on_time(client):
    disclosure = DisclosureFactory(
        received_date=datetime.date(2024, 6, 3),
        response_date=datetime.date(2024, 7, 19),
        extension_due_date=datetime.date(2024, 7, 29),
        extension_reason="Considering the public interest in s31(1)(a).",
    )
    html = handling_of(client.get(disclosure.get_absolute_url()).content.decode())
    assert "within the deadline extended to 29 July 2024" in html
    assert "Considering the public interest in s31(1)(a)." in html


def test_detail_says_nothing_of_time_when_the_received_date_is_unknown(client):
    disclosure = DisclosureFactory(received_date=None)
    html = handling_of(client.get(disclosure.get_absolute_url()).content.decode())
    assert "Received" not in html and "working day" not in html
    assert "Internal review" not in html and "Complaint" not in html


def test_detail_gives_the_review_outcome_and_the_commissioners_decision(client, settings):
    settings.AUTHORITY_LEGISLATION = "foisa"
    disclosure = DisclosureFactory(
        review_requested=datetime.date(2024, 2, 1),
        review_completed=datetime.date(2024, 2, 20),
        review_outcome="upheld",
        commissioner_reference="201234",
        decision_notice_reference="Decision 045/2024",
        decision_notice_url="https://www.example.org/decisions/045-2024",
        commissioner_outcome="not-upheld",
    )
    html = handling_of(client.get(disclosure.get_absolute_url()).content.decode())
    assert "Original decision upheld in full" in html
    assert "Complaint to the Scottish Information Commissioner" in html
    assert '<a href="https://www.example.org/decisions/045-2024">Decision 045/2024</a>' in html
    assert "Complaint not upheld" in html


def test_the_received_date_is_said_once(client):
    disclosure = DisclosureFactory(received_date=datetime.date(2024, 1, 2))
    html = client.get(disclosure.get_absolute_url()).content.decode()
    assert html.count("<dt>Received</dt>") == 1
