"""The rules of alerts (alerts/models.py): signing up, confirming, keeping addresses
only for alerts, and the rhythm of digests and retries."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from alerts.models import (
    LONGEST_RETRY,
    MAX_ALERTS_PER_ADDRESS,
    Alert,
    Subscriber,
    retry_delay,
)
from tests.factories import alert_for

pytestmark = pytest.mark.django_db


def test_signing_up_keeps_one_address_whatever_its_case():
    Subscriber.objects.sign_up("Reader@Example.ORG", "q=drones", "daily")
    Subscriber.objects.sign_up("reader@example.org", "q=horses", "weekly")
    [subscriber] = Subscriber.objects.all()
    assert subscriber.email == "Reader@example.org"
    assert subscriber.alerts.count() == 2


def test_an_address_may_have_at_most_its_limit_of_alerts():
    for n in range(MAX_ALERTS_PER_ADDRESS):
        assert Subscriber.objects.sign_up("reader@example.org", f"q=w{n}", "daily")
    assert Subscriber.objects.sign_up("reader@example.org", "q=one-more", "daily") is None
    assert Alert.objects.count() == MAX_ALERTS_PER_ADDRESS


def test_unconfirmed_alerts_and_their_addresses_are_forgotten_after_seven_days():
    stale = Subscriber.objects.sign_up("stale@example.org", "q=drones", "daily")
    Subscriber.objects.sign_up("fresh@example.org", "q=drones", "daily")
    kept = alert_for("kept@example.org", "q=drones")
    Subscriber.objects.sign_up("kept@example.org", "q=horses", "daily")
    Alert.objects.unconfirmed().exclude(subscriber__email="fresh@example.org").update(
        created_at=timezone.now() - datetime.timedelta(days=7, seconds=1)
    )
    assert Subscriber.objects.forget_unconfirmed() == 1
    assert not Subscriber.objects.filter(pk=stale.subscriber_id).exists()
    assert sorted(Subscriber.objects.values_list("email", flat=True)) == [
        "fresh@example.org",
        "kept@example.org",
    ]
    assert list(Alert.objects.filter(subscriber=kept.subscriber)) == [kept]


def test_an_address_goes_with_its_last_alert():
    first = alert_for(search="q=drones")
    second = alert_for(search="q=horses")
    first.delete_with_unused_address()
    assert Subscriber.objects.exists()
    second.delete_with_unused_address()
    assert not Subscriber.objects.exists()


def test_confirming_twice_changes_nothing():
    alert = Subscriber.objects.sign_up("reader@example.org", "q=drones", "daily")
    first = alert.confirm()
    again = Alert.objects.get(pk=alert.pk).confirm()
    assert (first.pk, first.confirmed_at) == (again.pk, again.confirmed_at)


def test_a_digest_keeps_its_time_of_day_however_late_the_run():
    alert = alert_for(frequency="daily")
    due = datetime.datetime(2025, 3, 1, 7, 0, tzinfo=datetime.UTC)
    alert.next_digest_at = due
    late_run = due + datetime.timedelta(minutes=3)
    assert alert.next_after(late_run) == due + datetime.timedelta(days=1)
    after_a_week_away = due + datetime.timedelta(days=6, hours=1)
    assert alert.next_after(after_a_week_away) == due + datetime.timedelta(days=7)


def test_changing_frequency_counts_from_the_last_email():
    alert = alert_for(frequency="weekly")
    alert.last_sent_at = timezone.now() - datetime.timedelta(days=2)
    alert.change_frequency("daily")
    assert alert.next_digest_at == alert.last_sent_at + datetime.timedelta(days=1)


def test_retries_wait_longer_each_time_up_to_a_day():
    delays = [retry_delay(n) for n in range(1, 12)]
    assert delays[0] == datetime.timedelta(minutes=5)
    assert delays == sorted(delays)
    assert delays[-1] == LONGEST_RETRY
    assert retry_delay(10_000) == LONGEST_RETRY


def test_a_subscriber_never_names_its_address():
    alert = alert_for("secret@example.org")
    assert "secret" not in str(alert.subscriber) and "secret" not in str(alert)
