"""Sending alerts: the job the background worker runs every minute
(``disclosures/tasks.py``) and ``manage.py send_alerts`` runs by hand.

A run sends the confirmation emails asked for, then one digest to each address with an
alert due, grouping its alerts. Safe to stop at any point and to run twice, or in two
workers at once:

- Each email is sent in its own transaction, holding its address's row (or its alert's)
  locked; a second run skips what the first holds.
- An alert's high-water mark (``Alert.covered_until``) moves only after the mail server
  has accepted the email listing its new disclosures, and in the same transaction, so a
  run that dies between two emails has sent the first for good and not touched the
  second. (Only a crash in the instant between the server's answer and the commit can
  send one again; none can skip one.)
- An email the server refuses, or cannot take, is tried again later, longer each time
  (``Subscriber.note_failed_delivery``); when the server cannot be reached at all the
  run stops, and the next one tries again.
- A run sends at most MAX_EMAILS_PER_RUN emails; the rest wait for the next.

Queries: a few per run, and per address a few plus, for each of its due alerts, one to
three for its search (its rows, their number when there are more than an email lists,
and one for each exemption or keyword filter). None grows with the number of
disclosures; the alerts per address are bounded by ``MAX_ALERTS_PER_ADDRESS``.
"""

from __future__ import annotations

import datetime
import enum
import logging
import smtplib
from dataclasses import asdict, dataclass

from django.conf import settings
from django.core import mail
from django.core.mail import EmailMessage
from django.db import connection, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone, translation

from alerts import emails, searches
from alerts.models import Alert, Subscriber

logger = logging.getLogger(__name__)

MAX_EMAILS_PER_RUN = 200
# A disclosure is mailed by the first run at least this long after its publication time
# and after the start of every transaction still writing then; later ones wait for the
# next run. A publication time is taken (and cut to the second) a moment before its
# transaction writes it, and a transaction's rows are seen only when it commits: without
# the wait, an entry being saved as a run starts would fall behind that run's mark
# unseen, and never be mailed.
SETTLE = datetime.timedelta(seconds=5)
_CUTOFF_SQL = """
    SELECT least(statement_timestamp(), min(xact_start)) - %s
      FROM pg_stat_activity
     WHERE datname = current_database()
       AND backend_type = 'client backend'
       AND backend_xid IS NOT NULL
       AND pid <> pg_backend_pid()
"""


def published_cutoff() -> datetime.datetime:
    """The latest publication time a run may mail: SETTLE before now, or before the
    start of the oldest other transaction that is writing (which may be publishing)."""
    with connection.cursor() as cursor:
        # PostgreSQL keeps what pg_stat_activity said for the rest of a transaction:
        # read it afresh, even when a run is inside one.
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(_CUTOFF_SQL, [SETTLE])
        return cursor.fetchone()[0]


class Result(enum.Enum):
    SENT = "sent"
    NOTHING_NEW = "nothing new"
    FAILED = "failed"
    SKIPPED = "skipped"


@dataclass
class Report:
    """What one run did."""

    confirmations: int = 0
    digests: int = 0
    nothing_new: int = 0
    failed: int = 0
    # Whether more was due than the run could send, or the mail server was unreachable.
    more_waiting: bool = False

    @property
    def sent(self) -> int:
        return self.confirmations + self.digests

    def as_dict(self) -> dict[str, int | bool]:
        return asdict(self)


def describe_failure(error: Exception) -> str:
    """What went wrong, in a few words: the kind of error and the server's codes, never
    its text, which can quote the address."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = sorted({str(code) for code, _text in error.recipients.values()})
        return f"{type(error).__name__} {' '.join(codes)}"
    if isinstance(error, smtplib.SMTPResponseException):
        return f"{type(error).__name__} {error.smtp_code}"
    return type(error).__name__


# The server refused this one email (its recipient, or its content): try the next one.
REFUSED_MESSAGE = (smtplib.SMTPRecipientsRefused, smtplib.SMTPDataError)


class Mailer:
    """One connection to the mail server for a run, opened when the first email goes."""

    def __init__(self) -> None:
        self.connection = mail.get_connection(fail_silently=False)
        self.opened = False
        # The server could not be reached, or went away: the run stops.
        self.unreachable = False

    def __enter__(self) -> Mailer:
        return self

    def __exit__(self, *exc_info) -> None:
        if self.opened:
            try:
                self.connection.close()
            except (smtplib.SMTPException, OSError):
                logger.warning("Closing the connection to the mail server failed", exc_info=True)

    def send(self, message: EmailMessage) -> str | None:
        """None when the mail server accepted ``message``; else what went wrong."""
        try:
            if not self.opened:
                self.connection.open()
                self.opened = True
            accepted = self.connection.send_messages([message])
        except REFUSED_MESSAGE as error:
            return describe_failure(error)
        except (smtplib.SMTPException, OSError) as error:
            # Connection refused, timed out or dropped, the sign-in or the sender
            # refused: no use trying the next address.
            self.unreachable = True
            return describe_failure(error)
        return None if accepted else "not accepted"


def send_alerts(*, everything_now: bool = False, limit: int = MAX_EMAILS_PER_RUN) -> Report:
    """Send what is waiting: confirmation emails, then the digests that are due (with
    ``everything_now``, of every confirmed alert, whatever its frequency). At most
    ``limit`` emails; the report says what was done."""
    now = timezone.now()
    until = published_cutoff()
    report = Report()
    with translation.override(settings.LANGUAGE_CODE), Mailer() as mailer:
        waiting = list(
            Alert.objects.awaiting_confirmation_email(now)
            .filter(subscriber__in=Subscriber.objects.deliverable(now))
            .order_by("pk")
            .values_list("pk", flat=True)[: limit + 1]
        )
        for alert_id in waiting[:limit]:
            if mailer.unreachable:
                break
            _count(report, "confirmations", _send_confirmation(alert_id, now, mailer))
        budget = limit - report.sent
        alerts = Alert.objects.confirmed() if everything_now else Alert.objects.due(now)
        due = list(
            Subscriber.objects.deliverable(now)
            .filter(Exists(alerts.filter(subscriber=OuterRef("pk"))))
            .order_by("pk")
            .values_list("pk", flat=True)[: max(budget, 0) + 1]
        )
        for subscriber_id in due[:budget]:
            if mailer.unreachable:
                break
            result = _send_digest(subscriber_id, now, until, mailer, everything_now)
            _count(report, "digests", result)
        report.more_waiting = (
            len(waiting) > limit or len(due) > max(budget, 0) or mailer.unreachable
        )
    return report


def _log_failure(failure: str, subscriber: Subscriber) -> None:
    # The subscriber's number, never its address.
    logger.warning(
        "The mail server did not take an email for subscriber %s (%s); next try at %s",
        subscriber.pk,
        failure,
        subscriber.retry_at,
    )


def _count(report: Report, sent_as: str, result: Result) -> None:
    if result is Result.SENT:
        setattr(report, sent_as, getattr(report, sent_as) + 1)
    elif result is Result.FAILED:
        report.failed += 1
    elif result is Result.NOTHING_NEW:
        report.nothing_new += 1


def _send_confirmation(alert_id: int, now: datetime.datetime, mailer: Mailer) -> Result:
    with transaction.atomic():
        alert = (
            Alert.objects.awaiting_confirmation_email(now)
            .select_for_update(skip_locked=True, of=("self",))
            .select_related("subscriber")
            .filter(pk=alert_id, subscriber__in=Subscriber.objects.deliverable(now))
            .first()
        )
        if alert is None:  # sent, confirmed or deleted meanwhile, or held by another run
            return Result.SKIPPED
        words = searches.in_words([alert.search])[alert.search]
        failure = mailer.send(emails.confirmation(alert, words))
        if failure is not None:
            alert.subscriber.note_failed_delivery(failure, now)
            _log_failure(failure, alert.subscriber)
            return Result.FAILED
        alert.confirmation_sent_at = now
        alert.save(update_fields=["confirmation_sent_at"])
        alert.subscriber.note_delivered()
        return Result.SENT


def _send_digest(
    subscriber_id: int,
    now: datetime.datetime,
    until: datetime.datetime,
    mailer: Mailer,
    everything_now: bool,
) -> Result:
    with transaction.atomic():
        subscriber = (
            Subscriber.objects.deliverable(now)
            .select_for_update(skip_locked=True)
            .filter(pk=subscriber_id)
            .first()
        )
        if subscriber is None:
            return Result.SKIPPED
        alerts = subscriber.alerts.confirmed() if everything_now else subscriber.alerts.due(now)
        alerts = list(alerts.order_by("created_at", "pk"))
        if not alerts:
            return Result.SKIPPED
        words = searches.in_words(alert.search for alert in alerts)
        sections = [
            emails.Section(
                alert,
                words[alert.search],
                searches.new_disclosures(alert.search, after=alert.covered_until, until=until),
            )
            for alert in alerts
        ]
        for alert in alerts:
            alert.next_digest_at = alert.next_after(now)
        with_news = [section for section in sections if section.new.total]
        quiet = [section.alert for section in sections if not section.new.total]
        # Nothing new: due again after another day or week, its mark where it was.
        Alert.objects.bulk_update(quiet, ["next_digest_at"])
        if not with_news:
            return Result.NOTHING_NEW
        failure = mailer.send(emails.digest(subscriber, with_news))
        if failure is not None:
            subscriber.note_failed_delivery(failure, now)
            _log_failure(failure, subscriber)
            return Result.FAILED
        sent = [section.alert for section in with_news]
        for alert in sent:
            alert.covered_until = max(alert.covered_until, until)
            alert.last_sent_at = now
        Alert.objects.bulk_update(sent, ["covered_until", "last_sent_at", "next_digest_at"])
        subscriber.note_delivered()
        return Result.SENT
