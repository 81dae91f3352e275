"""Sending alerts (alerts/sending.py) through Django's SMTP backend to a real SMTP server
on 127.0.0.1: confirmations, digests, failures, crashes and limits."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from alerts import emails, sending
from alerts.models import Alert, Subscriber
from tests.factories import DisclosureFactory, alert_for, published_minutes_ago

pytestmark = pytest.mark.django_db

LINK = re.compile(r"https://foi\.example\.gov\.uk(/\S+?/)(?=\s|$)", re.MULTILINE)


def text_of(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def html_of(message) -> str:
    return message.get_body(preferencelist=("html",)).get_content()


def paths_in(message) -> list[str]:
    return LINK.findall(text_of(message))


def test_a_pending_alert_gets_its_confirmation_email_and_nothing_else(smtp_server):
    alert = alert_for(search="q=drones", confirmed=False)
    published_minutes_ago(30, title="Police drones")
    report = sending.send_alerts(everything_now=True)
    assert (report.confirmations, report.digests) == (1, 0)
    [message] = smtp_server.messages
    assert message["To"] == "reader@example.org"
    assert message["Subject"].strip().startswith("Confirm your email alert")
    assert "Police drones" not in text_of(message)
    assert any(path.startswith("/alerts/confirm/") for path in paths_in(message))
    alert.refresh_from_db()
    assert alert.confirmation_sent_at is not None
    assert sending.send_alerts(everything_now=True).sent == 0  # not sent twice


def test_following_the_confirmation_link_turns_the_alert_on(client, smtp_server):
    alert = alert_for(search="q=drones", confirmed=False)
    sending.send_alerts()
    [confirm] = [p for p in paths_in(smtp_server.messages[0]) if p.startswith("/alerts/confirm/")]
    assert client.get(confirm).status_code == 200
    alert.refresh_from_db()
    assert not alert.is_confirmed  # a mail scanner following the link confirms nothing
    assert client.post(confirm).status_code == 200
    alert.refresh_from_db()
    assert alert.is_confirmed
    assert alert.subscriber.confirmed_at is not None


def test_one_digest_per_address_groups_all_of_its_alerts(smtp_server):
    alert_for("ann@example.org", "q=drones")
    alert_for("ann@example.org", "outcome=not-held")
    alert_for("bob@example.org", "q=drones")
    published_minutes_ago(30, title="Police drones", outcome="granted-in-full")
    published_minutes_ago(20, title="Horses", outcome="not-held")
    report = sending.send_alerts()
    assert report.digests == 2
    [ann] = smtp_server.to("ann@example.org")
    [bob] = smtp_server.to("bob@example.org")
    assert "Police drones" in text_of(ann) and "Horses" in text_of(ann)
    assert "Matching “drones”" in text_of(ann)
    assert "Outcome: Information not held" in text_of(ann)
    assert "Police drones" in text_of(bob) and "Horses" not in text_of(bob)


def test_a_digest_lists_what_was_published_since_the_last_email_and_matches_now(smtp_server):
    alert = alert_for(search="q=drones", covered_until=timezone.now() - datetime.timedelta(hours=1))
    published_minutes_ago(120, title="Old drones")  # before the alert's last email
    published_minutes_ago(30, title="New drones")
    published_minutes_ago(30, title="New horses")
    sending.send_alerts()
    [message] = smtp_server.messages
    assert "New drones" in text_of(message)
    assert "Old drones" not in text_of(message)
    assert "New horses" not in text_of(message)
    alert.refresh_from_db()
    assert alert.last_sent_at is not None
    assert alert.next_digest_at > timezone.now()
    alert.next_digest_at = timezone.now()
    alert.save()
    assert sending.send_alerts().digests == 0  # nothing new since: no email
    assert len(smtp_server.messages) == 1


def test_drafts_scheduled_and_withdrawn_entries_are_never_mailed(smtp_server, unpublished):
    alert_for(search="q=secret")
    published_minutes_ago(30, title="Secret but public")
    DisclosureFactory(reference="LATE-1", title="Secret draft published late", draft=True)
    sending.send_alerts()
    [message] = smtp_server.messages
    for text in (text_of(message), html_of(message)):
        assert "Secret but public" in text
        for entry in unpublished:
            assert entry.title not in text and entry.reference not in text
        assert "LATE-1" not in text


def test_a_scheduled_entry_is_mailed_once_in_the_run_after_it_falls_due(smtp_server):
    alert = alert_for(search="q=tutoring")
    entry = DisclosureFactory(title="Tutoring costs", scheduled=True)
    sending.send_alerts()
    assert smtp_server.messages == []
    # Its time comes with no change to its row but the time.
    entry.published_at = timezone.now().replace(microsecond=0) - datetime.timedelta(minutes=10)
    entry.save()
    Alert.objects.filter(pk=alert.pk).update(next_digest_at=timezone.now())
    sending.send_alerts()
    assert len(smtp_server.messages) == 1 and "Tutoring costs" in text_of(smtp_server.messages[0])
    Alert.objects.filter(pk=alert.pk).update(next_digest_at=timezone.now())
    sending.send_alerts(everything_now=True)
    assert len(smtp_server.messages) == 1


def test_an_entry_withdrawn_before_the_run_is_never_mailed(smtp_server):
    alert_for(search="q=tutoring")
    entry = published_minutes_ago(30, title="Tutoring costs")
    entry.withdraw("Published in error.")
    sending.send_alerts()
    assert smtp_server.messages == []


def test_an_entry_published_as_the_run_starts_waits_for_the_next_run(smtp_server):
    alert = alert_for(search="q=tutoring")
    DisclosureFactory(title="Tutoring costs", published_at=timezone.now())
    sending.send_alerts()
    assert smtp_server.messages == []
    alert.refresh_from_db()
    assert alert.covered_until < timezone.now() - datetime.timedelta(minutes=30)


def test_every_email_has_text_accessible_html_and_one_click_unsubscribe(smtp_server):
    alert_for(search="q=drones")
    published_minutes_ago(30, title="Police drones & <b>bats</b>")
    sending.send_alerts()
    [message] = smtp_server.messages
    html = html_of(message)
    assert '<html lang="en-GB">' in html
    assert "<title>" in html and "<h1>" in html
    assert "Police drones &amp; &lt;b&gt;bats&lt;/b&gt;</a>" in html
    assert "style=" not in html and "<script" not in html
    assert "Police drones & <b>bats</b>" in text_of(message)
    assert re.fullmatch(
        r"<https://foi\.example\.gov\.uk/alerts/unsubscribe/\S+/>",
        message["List-Unsubscribe"].strip(),
    )
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message["Auto-Submitted"] == "auto-generated"


def test_one_click_unsubscribe_ends_every_alert_of_the_address_and_the_address(smtp_server):
    from django.test import Client

    alert_for(search="q=drones")
    alert_for(search="q=horses")
    published_minutes_ago(30, title="Police drones")
    sending.send_alerts()
    url = smtp_server.messages[0]["List-Unsubscribe"].strip().strip("<>")
    path = url.removeprefix("https://foi.example.gov.uk")
    # As a mail client sends it: no cookie, no CSRF token.
    bare = Client(enforce_csrf_checks=True)
    response = bare.post(
        path, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    assert not response.cookies
    assert not Subscriber.objects.exists() and not Alert.objects.exists()


def test_a_refused_delivery_is_retried_later_and_moves_no_mark(smtp_server):
    alert = alert_for("ann@example.org", "q=drones")
    alert_for("bob@example.org", "q=drones")
    published_minutes_ago(30, title="Police drones")
    smtp_server.refused["ann@example.org"] = "451 4.3.0 Mailbox busy, try later"
    report = sending.send_alerts()
    assert (report.digests, report.failed) == (1, 1)
    alert.refresh_from_db()
    ann = alert.subscriber
    assert ann.failed_deliveries == 1 and ann.retry_at > timezone.now()
    assert ann.last_failure == "SMTPDataError 451"
    assert alert.last_sent_at is None and alert.covered_until < timezone.now() - datetime.timedelta(
        minutes=59
    )
    del smtp_server.refused["ann@example.org"]
    assert sending.send_alerts().sent == 0  # waits for its retry time
    Subscriber.objects.filter(pk=ann.pk).update(retry_at=timezone.now())
    assert sending.send_alerts().digests == 1
    assert len(smtp_server.to("ann@example.org")) == 1
    assert len(smtp_server.to("bob@example.org")) == 1
    ann.refresh_from_db()
    assert (ann.failed_deliveries, ann.retry_at) == (0, None)


def test_a_crash_between_two_sends_neither_repeats_nor_skips_an_email(smtp_server, monkeypatch):
    alert_for("ann@example.org", "q=drones")
    alert_for("bob@example.org", "q=drones")
    published_minutes_ago(30, title="Police drones")
    real_digest = emails.digest
    built = []

    def digest_then_crash(subscriber, sections):
        built.append(subscriber.email)
        if len(built) == 2:
            raise RuntimeError("the worker was killed")
        return real_digest(subscriber, sections)

    monkeypatch.setattr(emails, "digest", digest_then_crash)
    with pytest.raises(RuntimeError):
        sending.send_alerts()
    assert [m["To"] for m in smtp_server.messages] == ["ann@example.org"]
    monkeypatch.setattr(emails, "digest", real_digest)
    assert sending.send_alerts().digests == 1
    assert [m["To"] for m in smtp_server.messages] == ["ann@example.org", "bob@example.org"]
    assert sending.send_alerts(everything_now=True).sent == 0


def test_an_unreachable_mail_server_stops_the_run_and_is_tried_again(settings, smtp_server):
    from tests.smtp import free_port

    alert_for("ann@example.org", "q=drones")
    alert_for("bob@example.org", "q=drones")
    published_minutes_ago(30, title="Police drones")
    settings.EMAIL_PORT = free_port()  # nothing listens there
    report = sending.send_alerts()
    assert (report.sent, report.failed, report.more_waiting) == (0, 1, True)
    assert Subscriber.objects.filter(failed_deliveries=1).count() == 1
    assert Alert.objects.filter(last_sent_at__isnull=True).count() == 2


def test_a_run_sends_at_most_its_limit_and_leaves_the_rest_for_the_next(smtp_server):
    for name in ("ann", "bob", "cat"):
        alert_for(f"{name}@example.org", "q=drones")
    published_minutes_ago(30, title="Police drones")
    first = sending.send_alerts(limit=2)
    assert (first.digests, first.more_waiting) == (2, True)
    second = sending.send_alerts(limit=2)
    assert (second.digests, second.more_waiting) == (1, False)
    assert sorted(m["To"] for m in smtp_server.messages) == [
        "ann@example.org",
        "bob@example.org",
        "cat@example.org",
    ]


def test_a_digest_lists_twenty_and_links_to_the_rest(smtp_server):
    alert_for(search="q=drones")
    for n in range(23):
        published_minutes_ago(30 + n, title=f"Drones {n}")
    sending.send_alerts()
    text = text_of(smtp_server.messages[0])
    assert "23 new disclosures" in text
    assert text.count("Drones ") == 20
    assert "And 3 more: https://foi.example.gov.uk/disclosures/?q=drones" in text


def queries_for_a_run() -> int:
    Alert.objects.update(
        next_digest_at=timezone.now(), covered_until=timezone.now() - datetime.timedelta(hours=1)
    )
    with CaptureQueriesContext(connection) as queries:
        assert sending.send_alerts().digests == 1
    return len(queries)


def test_the_digest_runs_queries_do_not_grow_with_the_disclosures_mailed(smtp_server):
    alert_for(search="q=drones&keyword=equipment&exemption=s40-2")
    published_minutes_ago(30, title="Drones 1", keywords=["Equipment"], exemptions=["s40-2"])
    one = queries_for_a_run()
    for n in range(2, 8):
        published_minutes_ago(30, title=f"Drones {n}", keywords=["Equipment"], exemptions=["s40-2"])
    assert queries_for_a_run() == one


def test_send_alerts_command_sends_what_is_due(smtp_server):
    from io import StringIO

    alert_for(search="q=drones", frequency="weekly").__class__.objects.update(
        next_digest_at=timezone.now() + datetime.timedelta(days=3)
    )
    published_minutes_ago(30, title="Police drones")
    out = StringIO()
    call_command("send_alerts", stdout=out)
    assert smtp_server.messages == []
    assert "--now sends them at once" in out.getvalue()
    call_command("send_alerts", "--now", stdout=out)
    assert len(smtp_server.messages) == 1
    assert "1 digest(s) sent" in out.getvalue()


def test_the_worker_sends_confirmations_on_its_schedule(smtp_server, run_worker):
    alert_for(search="q=drones", confirmed=False)
    run_worker()
    assert len(smtp_server.messages) == 1


def test_a_run_mails_nothing_published_after_a_transaction_still_writing_began():
    import psycopg

    # Another connection, in a transaction that has written (as a publisher's save).
    with psycopg.connect(**connection.get_connection_params()) as other:
        other.execute("CREATE TEMP TABLE publishing (id int)")
        [started] = other.execute(
            "SELECT xact_start FROM pg_stat_activity WHERE pid = pg_backend_pid()"
        ).fetchone()
        cutoff = sending.published_cutoff()
        other.rollback()
    assert cutoff == started - sending.SETTLE
    assert sending.published_cutoff() > cutoff
