"""Email alerts: addresses that follow searches of the log, and the searches they follow.

An address (``Subscriber``) is kept only for its alerts: it is deleted with its last
alert, and an alert never confirmed is deleted 7 days after it was asked for (taking its
address with it when it was the only one). Nothing is mailed to an address for an alert
until that alert is confirmed, by following the link in its confirmation email.

An ``Alert`` is one search of the shared FilterSet, kept as its parameters, and a
high-water mark, ``covered_until``: its next digest lists the disclosures published
(``published_at``) after the mark that match the search then. The mark moves only once
the mail server has accepted an email listing them, so a run that stops half way never
skips an alert nor mails one twice.
"""

from __future__ import annotations

import datetime

from django.contrib.auth.base_user import BaseUserManager
from django.db import IntegrityError, models, transaction
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# An alert not confirmed by then is deleted, with its address if it has no other.
UNCONFIRMED_KEPT_FOR = datetime.timedelta(days=7)
# Alerts one address may have: each costs a search at every run, so bounded.
MAX_ALERTS_PER_ADDRESS = 50
# A failed delivery is tried again after 5 minutes, then 10, 20 … up to a day.
FIRST_RETRY = datetime.timedelta(minutes=5)
LONGEST_RETRY = datetime.timedelta(days=1)


def retry_delay(failures: int) -> datetime.timedelta:
    """How long to wait after ``failures`` deliveries in a row have failed."""
    return min(FIRST_RETRY * 2 ** min(max(failures - 1, 0), 20), LONGEST_RETRY)


class SubscriberQuerySet(models.QuerySet["Subscriber"]):
    def with_address(self, email: str) -> SubscriberQuerySet:
        """The subscriber with this address, whatever its case."""
        return self.alias(address=Lower("email")).filter(address=email.strip().lower())

    def without_alerts(self) -> SubscriberQuerySet:
        return self.exclude(models.Exists(Alert.objects.filter(subscriber=models.OuterRef("pk"))))

    def deliverable(self, now: datetime.datetime) -> SubscriberQuerySet:
        """Addresses not waiting to retry a failed delivery."""
        return self.filter(models.Q(retry_at__isnull=True) | models.Q(retry_at__lte=now))


class SubscriberManager(models.Manager.from_queryset(SubscriberQuerySet)):
    def sign_up(self, email: str, search: str, frequency: str) -> Alert | None:
        """Ask for an alert on ``search`` (a FilterSet's parameters, see
        ``alerts.searches.canonical``) to ``email``: a new alert awaiting confirmation,
        or the one already awaiting it for that search, whose confirmation email is then
        sent again. The background worker sends it (``alerts.sending``).

        An alert the address already has is not changed here: confirming the new one
        does that, so no one can change another person's alerts. Returns the alert
        awaiting confirmation, or None when the address has MAX_ALERTS_PER_ADDRESS.
        """
        with transaction.atomic():
            subscriber = self.with_address(email).select_for_update().first()
            if subscriber is None:
                try:
                    with transaction.atomic():
                        subscriber = self.create(email=BaseUserManager.normalize_email(email))
                except IntegrityError:  # the same address signed up at the same moment
                    subscriber = self.with_address(email).select_for_update().get()
            pending = subscriber.alerts.unconfirmed().filter(search=search).first()
            if pending is not None:
                pending.frequency = frequency
                pending.confirmation_sent_at = None
                pending.save(update_fields=["frequency", "confirmation_sent_at"])
                return pending
            if subscriber.alerts.count() >= MAX_ALERTS_PER_ADDRESS:
                return None
            return subscriber.alerts.create(
                search=search, frequency=frequency, covered_until=timezone.now()
            )

    def forget_unconfirmed(self, now: datetime.datetime | None = None) -> int:
        """Delete the alerts not confirmed within UNCONFIRMED_KEPT_FOR, then every
        address left without alerts; how many addresses were deleted."""
        now = now or timezone.now()
        with transaction.atomic():
            Alert.objects.unconfirmed().filter(created_at__lte=now - UNCONFIRMED_KEPT_FOR).delete()
            deleted, _by_model = self.without_alerts().delete()
        return deleted


class Subscriber(models.Model):
    """An email address that asked for alerts, and how delivery to it is going."""

    email = models.EmailField(_("email address"), max_length=254)
    created_at = models.DateTimeField(_("signed up"), auto_now_add=True)
    confirmed_at = models.DateTimeField(_("first confirmed"), null=True, blank=True)
    # Deliveries that failed in a row, and when to try again: nothing is sent to the
    # address before then. The failure is kept as its kind and code, never the
    # server's text, which can quote the address.
    failed_deliveries = models.PositiveIntegerField(_("failed deliveries in a row"), default=0)
    retry_at = models.DateTimeField(_("next try"), null=True, blank=True)
    last_failure = models.CharField(_("last failure"), max_length=200, blank=True)

    objects = SubscriberManager()

    class Meta:
        ordering = ["pk"]
        verbose_name = _("subscriber")
        verbose_name_plural = _("subscribers")
        constraints = [
            models.UniqueConstraint(Lower("email"), name="alerts_subscriber_one_per_address"),
        ]
        permissions = [
            ("see_subscriber_addresses", _("Can see the email addresses of alert subscribers")),
        ]

    def __str__(self) -> str:
        # Never the address: this text lands in the admin's history and in logs.
        return str(_("Subscriber %(number)s") % {"number": self.pk})

    def note_delivered(self) -> None:
        """Delivery works: no more waiting to retry."""
        if self.failed_deliveries or self.retry_at:
            self.failed_deliveries, self.retry_at, self.last_failure = 0, None, ""
            self.save(update_fields=["failed_deliveries", "retry_at", "last_failure"])

    def note_failed_delivery(self, failure: str, now: datetime.datetime) -> None:
        """The mail server did not accept an email: try again later, later each time."""
        self.failed_deliveries += 1
        self.retry_at = now + retry_delay(self.failed_deliveries)
        self.last_failure = failure[:200]
        self.save(update_fields=["failed_deliveries", "retry_at", "last_failure"])

    def unsubscribe(self) -> None:
        """Delete every alert of this address, and the address."""
        self.delete()


class AlertQuerySet(models.QuerySet["Alert"]):
    def confirmed(self) -> AlertQuerySet:
        return self.filter(confirmed_at__isnull=False)

    def unconfirmed(self) -> AlertQuerySet:
        return self.filter(confirmed_at__isnull=True)

    def due(self, now: datetime.datetime) -> AlertQuerySet:
        """Confirmed alerts whose digest is due."""
        return self.confirmed().filter(next_digest_at__lte=now)

    def awaiting_confirmation_email(self, now: datetime.datetime) -> AlertQuerySet:
        """Alerts asked for whose confirmation email has not been accepted yet."""
        return self.unconfirmed().filter(
            confirmation_sent_at__isnull=True, created_at__gt=now - UNCONFIRMED_KEPT_FOR
        )


class Alert(models.Model):
    """One search followed by email, at a frequency."""

    class Frequency(models.TextChoices):
        DAILY = "daily", _("Daily")
        WEEKLY = "weekly", _("Weekly")

    INTERVALS = {
        Frequency.DAILY: datetime.timedelta(days=1),
        Frequency.WEEKLY: datetime.timedelta(days=7),
    }

    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="alerts")
    search = models.TextField(
        _("search"),
        blank=True,
        help_text=_("The list's parameters, as a query string: q=drones&outcome=not-held."),
    )
    frequency = models.CharField(_("frequency"), max_length=8, choices=Frequency.choices)
    created_at = models.DateTimeField(_("asked for"), auto_now_add=True)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    confirmation_sent_at = models.DateTimeField(_("confirmation email sent"), null=True, blank=True)
    covered_until = models.DateTimeField(
        _("covered until"),
        help_text=_(
            "Disclosures published up to this time are not mailed again. Moves only when "
            "the mail server has accepted an email listing the newer ones."
        ),
    )
    next_digest_at = models.DateTimeField(_("next digest"), null=True, blank=True)
    last_sent_at = models.DateTimeField(_("last emailed"), null=True, blank=True)

    objects = AlertQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")
        constraints = [
            # One alert per search and address, and at most one more awaiting
            # confirmation (which replaces it when confirmed).
            models.UniqueConstraint(
                fields=["subscriber", "search"],
                condition=models.Q(confirmed_at__isnull=False),
                name="alerts_alert_one_confirmed_per_search",
            ),
            models.UniqueConstraint(
                fields=["subscriber", "search"],
                condition=models.Q(confirmed_at__isnull=True),
                name="alerts_alert_one_pending_per_search",
            ),
        ]
        indexes = [
            models.Index(
                fields=["next_digest_at"],
                condition=models.Q(confirmed_at__isnull=False),
                name="alerts_alert_due",
            ),
            models.Index(
                fields=["created_at"],
                condition=models.Q(confirmed_at__isnull=True),
                name="alerts_alert_unconfirmed",
            ),
        ]

    def __str__(self) -> str:
        return str(_("Alert %(number)s") % {"number": self.pk})

    @property
    def interval(self) -> datetime.timedelta:
        return self.INTERVALS[self.Frequency(self.frequency)]

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None

    def next_after(self, now: datetime.datetime) -> datetime.datetime:
        """The alert's next digest time after ``now``, keeping its rhythm (the time of
        day it was confirmed at) rather than drifting with each run."""
        start = self.next_digest_at or now
        if start > now:
            return start
        return start + self.interval * ((now - start) // self.interval + 1)

    def confirm(self, now: datetime.datetime | None = None) -> Alert:
        """Turn the alert on: its address followed the confirmation link. When the
        address already follows the same search, that alert takes this one's frequency
        and this one is deleted. Returns the alert now in force. Following the link
        again changes nothing."""
        now = now or timezone.now()
        with transaction.atomic():
            alert = Alert.objects.select_for_update().get(pk=self.pk)
            if alert.is_confirmed:
                return alert
            existing = (
                Alert.objects.confirmed()
                .select_for_update()
                .filter(subscriber_id=alert.subscriber_id, search=alert.search)
                .first()
            )
            if existing is not None:
                alert.delete()
                existing.change_frequency(alert.frequency)
                alert = existing
            else:
                alert.confirmed_at = now
                alert.next_digest_at = now + alert.interval
                alert.save(update_fields=["confirmed_at", "next_digest_at"])
            Subscriber.objects.filter(pk=alert.subscriber_id, confirmed_at__isnull=True).update(
                confirmed_at=now
            )
        return alert

    def change_frequency(self, frequency: str) -> None:
        """Send this alert daily or weekly from now on, counting from its last email."""
        if frequency == self.frequency:
            return
        self.frequency = frequency
        if self.is_confirmed:
            self.next_digest_at = (self.last_sent_at or self.confirmed_at) + self.interval
        self.save(update_fields=["frequency", "next_digest_at"])

    def delete_with_unused_address(self) -> None:
        """Delete the alert, and its address when it was the address's last."""
        with transaction.atomic():
            subscriber_id = self.subscriber_id
            self.delete()
            Subscriber.objects.filter(pk=subscriber_id).without_alerts().delete()
