"""The alert pages (alerts/views.py): asking for an alert, confirming it, managing an
address's alerts and unsubscribing, without accounts and without giving away who has
alerts."""

from __future__ import annotations

import datetime

import pytest
from django.core import signing
from django.test import Client
from django.urls import reverse

from alerts import links
from alerts.models import Alert, Subscriber
from tests.factories import DisclosureFactory, alert_for

pytestmark = pytest.mark.django_db

SUBSCRIBE = "/alerts/subscribe/"


@pytest.fixture
def log(db):
    DisclosureFactory(title="Police drones", keywords=["Drones"], exemptions=["s40-2"])


def sign_up(client, email="reader@example.org", query="?q=drones", frequency="daily", **extra):
    return client.post(SUBSCRIBE + query, {"email": email, "frequency": frequency}, **extra)


def url(purpose: links.Purpose, value: str) -> str:
    return reverse(purpose.url_name, kwargs={"token": links.token(purpose, value)})


# Linked from every list.


@pytest.mark.parametrize(
    ("page", "link"),
    [
        (
            "/disclosures/?q=drones&outcome=granted-in-full&page=1&sort=oldest",
            "/alerts/subscribe/?q=drones&amp;outcome=granted-in-full",
        ),
        ("/keywords/drones/", "/alerts/subscribe/?keyword=drones"),
        ("/exemptions/s40-2/", "/alerts/subscribe/?exemption=s40-2"),
    ],
)
def test_list_keyword_and_exemption_pages_link_to_alerts_for_their_search(client, log, page, link):
    html = client.get(page).content.decode()
    assert f'<a href="{link}">Get email alerts for this search</a>' in html


# Asking for an alert.


def test_subscribe_page_says_the_search_in_words_and_how_the_address_is_kept(client, log):
    response = client.get(SUBSCRIBE + "?q=drones&keyword=drones&page=2")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Matching “drones”; keyword: Drones" in html
    assert "we delete your address" in html
    assert '<label class="label" for="id_email">Your email address</label>' in html
    assert list(response.cookies) == ["csrftoken"]
    assert response["Cache-Control"].startswith("max-age=0")
    assert response["Referrer-Policy"] == "same-origin"


def test_subscribe_page_queries_stay_few_whatever_the_filters(
    client, log, django_assert_num_queries
):
    # The keyword's and the exemption's slugs checked, then named: four.
    with django_assert_num_queries(4):
        client.get(SUBSCRIBE + "?q=drones&keyword=drones&exemption=s40-2&outcome=not-held")


def test_an_invalid_search_cannot_be_followed_and_says_why(client, log):
    response = client.get(SUBSCRIBE + "?keyword=no-such-keyword&date_from=yesterday")
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is no keyword called no-such-keyword" in html
    assert 'name="email"' not in html


def test_asking_stores_an_alert_awaiting_confirmation_and_says_check_your_email(client, log):
    response = sign_up(
        client, query="?sort=oldest&outcome=not-held&q=drones&outcome=granted-in-full"
    )
    assert response.status_code == 303
    assert response["Location"] == "/alerts/subscribe/sent/"
    alert = Alert.objects.get()
    assert alert.search == "outcome=granted-in-full&outcome=not-held&q=drones"
    assert not alert.is_confirmed and alert.confirmation_sent_at is None
    page = client.get(response["Location"])
    assert "Check your email" in page.content.decode()
    assert not page.cookies


def test_a_bad_address_is_explained_beside_its_field(client, log):
    response = sign_up(client, email="not an address")
    assert response.status_code == 400
    html = response.content.decode()
    assert '<p class="error-message" id="email-error">' in html
    assert 'aria-describedby="email-error"' in html
    assert '<a href="#id_email">Enter an email address like name@example.org.</a>' in html
    assert not Subscriber.objects.exists()


def test_a_missing_frequency_is_explained(client, log):
    response = client.post(SUBSCRIBE, {"email": "reader@example.org"})
    assert response.status_code == 400
    assert "Choose how often you want an email." in response.content.decode()


def test_the_answer_is_the_same_whether_or_not_the_address_has_alerts(client, log):
    alert_for("known@example.org", "q=drones")
    known = sign_up(client, email="known@example.org")
    unknown = sign_up(client, email="stranger@example.org")
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    assert known.content == unknown.content
    # The known address's alert is untouched until the new request is confirmed.
    assert Alert.objects.filter(subscriber__email="known@example.org").count() == 2


def test_asking_again_for_the_same_search_sends_the_confirmation_again(client, log):
    sign_up(client, frequency="daily")
    Alert.objects.update(confirmation_sent_at=datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC))
    sign_up(client, email="READER@example.org", frequency="weekly")
    alert = Alert.objects.get()
    assert (alert.frequency, alert.confirmation_sent_at) == ("weekly", None)


def test_one_client_address_may_ask_twenty_times_an_hour(client, log):
    for n in range(20):
        assert sign_up(client, email=f"reader{n}@example.org").status_code == 303
    response = sign_up(client, email="one-more@example.org")
    assert response.status_code == 429
    assert "Too many requests" in response.content.decode()
    assert not Subscriber.objects.with_address("one-more@example.org").exists()
    other = sign_up(client, email="one-more@example.org", REMOTE_ADDR="192.0.2.9")
    assert other.status_code == 303


def test_one_address_gets_five_confirmations_a_day_and_no_sign_of_more(client, log):
    for n in range(5):
        sign_up(client, query=f"?q=drones{n}", REMOTE_ADDR=f"192.0.2.{n}")
    over = sign_up(client, query="?q=horses", REMOTE_ADDR="192.0.2.99")
    assert over.status_code == 303 and over["Location"] == "/alerts/subscribe/sent/"
    assert Alert.objects.count() == 5
    assert not Alert.objects.filter(search="q=horses").exists()


# Confirming.


def test_confirming_turns_the_alert_on_and_links_to_managing_it(client, log):
    alert = alert_for(search="q=drones", confirmed=False)
    page = client.get(url(links.CONFIRM, str(alert.pk)))
    assert "Confirm and turn the alert on" in page.content.decode()
    response = client.post(url(links.CONFIRM, str(alert.pk)))
    assert response.status_code == 200
    assert "Your alert is on" in response.content.decode()
    assert "/alerts/manage/" in response.content.decode()
    alert.refresh_from_db()
    assert alert.is_confirmed and alert.next_digest_at is not None


def test_confirming_a_search_already_followed_changes_its_frequency(client, log):
    existing = alert_for(search="q=drones", frequency="daily")
    sign_up(client, frequency="weekly")
    pending = Alert.objects.unconfirmed().get()
    client.post(url(links.CONFIRM, str(pending.pk)))
    assert list(Alert.objects.values_list("pk", "frequency")) == [(existing.pk, "weekly")]


def test_confirm_page_queries_are_few(client, log, django_assert_num_queries):
    alert = alert_for(search="q=drones&keyword=drones&exemption=s40-2", confirmed=False)
    with django_assert_num_queries(3):  # the alert, the exemption's and keyword's names
        client.get(url(links.CONFIRM, str(alert.pk)))


def test_an_expired_link_says_so_with_410(client, log, monkeypatch):
    alert = alert_for(confirmed=False)
    old = url(links.CONFIRM, str(alert.pk))
    monkeypatch.setattr(
        links,
        "CONFIRM",
        links.Purpose(links.CONFIRM.salt, datetime.timedelta(seconds=-1), "alerts:confirm"),
    )
    response = client.get(old)
    assert response.status_code == 410
    assert "This link has expired" in response.content.decode()


@pytest.mark.parametrize(
    "path",
    [
        "/alerts/confirm/nonsense/",
        "/alerts/manage/nonsense/",
        "/alerts/unsubscribe/nonsense/",
        "/alerts/confirm/" + signing.dumps("1", salt="another purpose") + "/",
        "/alerts/manage/" + signing.dumps("a1", salt=links.MANAGE.salt) + "/",
        "/alerts/manage/" + signing.dumps(["x"], salt=links.MANAGE.salt) + "/",
        "/alerts/manage/" + signing.dumps("9" * 30, salt=links.MANAGE.salt) + "/",
    ],
)
def test_a_link_that_was_not_made_for_this_page_answers_404(client, log, path):
    response = client.get(path)
    assert response.status_code == 404
    assert "This link does not work" in response.content.decode()


def test_a_link_of_a_deleted_alert_answers_404(client, log):
    alert = alert_for(confirmed=False)
    path = url(links.CONFIRM, str(alert.pk))
    alert.delete_with_unused_address()
    assert client.get(path).status_code == 404
    assert client.post(path).status_code == 404


# Managing.


def test_manage_page_lists_the_addresses_alerts_and_no_one_elses(client, log):
    mine = alert_for("me@example.org", "q=drones")
    alert_for("me@example.org", "keyword=drones", confirmed=False)
    alert_for("you@example.org", "q=horses")
    response = client.get(url(links.MANAGE, str(mine.subscriber_id)))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Matching “drones”" in html and "Keyword: Drones" in html
    assert "Waiting for you to follow the link" in html
    assert "horses" not in html
    assert list(response.cookies) == ["csrftoken"]


def test_manage_page_queries_do_not_grow_with_the_alerts(client, log, django_assert_num_queries):
    alert = alert_for(search="keyword=drones&exemption=s40-2")
    path = url(links.MANAGE, str(alert.subscriber_id))
    with django_assert_num_queries(4):  # the address, its alerts, exemption and keyword names
        client.get(path)
    for n in range(5):
        alert_for(search=f"q=drones{n}&keyword=drones&exemption=s40-2")
    with django_assert_num_queries(4):
        client.get(path)


def test_changing_an_alerts_frequency(client, log):
    alert = alert_for(search="q=drones", frequency="daily")
    path = url(links.MANAGE, str(alert.subscriber_id))
    response = client.post(path, {"alert": alert.pk, "action": "change", "frequency": "weekly"})
    assert response.status_code == 303
    assert "Your alert was changed." in client.get(response["Location"]).content.decode()
    alert.refresh_from_db()
    assert alert.frequency == "weekly"


def test_an_invalid_frequency_is_explained_and_changes_nothing(client, log):
    alert = alert_for(search="q=drones", frequency="daily")
    path = url(links.MANAGE, str(alert.subscriber_id))
    response = client.post(path, {"alert": alert.pk, "action": "change", "frequency": "hourly"})
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    alert.refresh_from_db()
    assert alert.frequency == "daily"


def test_deleting_one_alert_keeps_the_others(client, log):
    first = alert_for(search="q=drones")
    second = alert_for(search="q=horses")
    path = url(links.MANAGE, str(first.subscriber_id))
    response = client.post(path, {"alert": first.pk, "action": "delete"})
    assert response.status_code == 303
    assert list(Alert.objects.all()) == [second]


def test_deleting_the_last_alert_deletes_the_address(client, log):
    alert = alert_for(search="q=drones")
    path = url(links.MANAGE, str(alert.subscriber_id))
    response = client.post(path, {"alert": alert.pk, "action": "delete"})
    assert response.status_code == 200
    assert "we have deleted it" in response.content.decode()
    assert not Subscriber.objects.exists()
    assert client.get(path).status_code == 404


@pytest.mark.parametrize("alert_field", ["other", "", "x", "9" * 40])
def test_another_addresses_alert_cannot_be_touched(client, log, alert_field):
    mine = alert_for("me@example.org", "q=drones")
    theirs = alert_for("you@example.org", "q=drones")
    value = theirs.pk if alert_field == "other" else alert_field
    path = url(links.MANAGE, str(mine.subscriber_id))
    response = client.post(path, {"alert": value, "action": "delete"})
    assert response.status_code == 400
    assert Alert.objects.count() == 2


def test_manage_forms_need_the_csrf_token(log):
    alert = alert_for(search="q=drones")
    strict = Client(enforce_csrf_checks=True)
    path = url(links.MANAGE, str(alert.subscriber_id))
    assert strict.post(path, {"alert": alert.pk, "action": "delete"}).status_code == 403
    assert Alert.objects.exists()


# Unsubscribing.


def test_an_unsubscribe_link_shows_a_button_and_sets_no_cookie(
    client, log, django_assert_num_queries
):
    alert = alert_for(search="q=drones")
    with django_assert_num_queries(1):  # the alert: its search names no keyword
        response = client.get(url(links.UNSUBSCRIBE, f"a{alert.pk}"))
    assert response.status_code == 200
    assert not response.cookies
    assert "Stop this alert" in response.content.decode()
    assert Alert.objects.exists()  # following the link alone stops nothing


def test_an_alerts_unsubscribe_link_stops_that_alert_alone(log):
    one = alert_for(search="q=drones")
    other = alert_for(search="q=horses")
    bare = Client(enforce_csrf_checks=True)
    response = bare.post(url(links.UNSUBSCRIBE, f"a{one.pk}"), {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert not response.cookies
    assert list(Alert.objects.all()) == [other]


def test_unsubscribing_twice_is_no_error(log):
    alert = alert_for(search="q=drones")
    path = url(links.UNSUBSCRIBE, f"s{alert.subscriber_id}")
    assert Client().post(path).status_code == 200
    assert Client().post(path).status_code == 200
    assert "already unsubscribed" in Client().get(path).content.decode()
    assert not Subscriber.objects.exists()


def test_a_manage_link_is_no_unsubscribe_link(log):
    alert = alert_for(search="q=drones")
    manage_token = links.token(links.MANAGE, str(alert.subscriber_id))
    response = Client().post(reverse("alerts:unsubscribe", kwargs={"token": manage_token}))
    assert response.status_code == 404
    assert Alert.objects.exists()
