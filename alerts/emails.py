"""The emails of alerts: a confirmation for each alert asked for, and a digest grouping
an address's alerts. Both in plain text and in HTML, and both with headers that let a
mail client unsubscribe in one click (RFC 8058) and keep auto-replies away (RFC 3834).
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from alerts import links, searches
from alerts.models import Alert, Subscriber


def headers(unsubscribe_url: str) -> dict[str, str]:
    """The headers every alert email carries."""
    host = urlsplit(settings.FOILOG_SITE_URL).hostname or "localhost"
    return {
        # RFC 8058: a mail client's "unsubscribe" button POSTs to this address.
        "List-Unsubscribe": f"<{unsubscribe_url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "List-Id": f"{_('Disclosure log alerts')} <alerts.{host}>",
        # RFC 3834: sent by a program, so out-of-office replies are not sent back.
        "Auto-Submitted": "auto-generated",
        "X-Auto-Response-Suppress": "OOF, AutoReply",
    }


def _message(
    subject: str, template: str, context: dict, to: str, unsubscribe_url: str
) -> EmailMultiAlternatives:
    context = {
        "authority": settings.FOILOG_AUTHORITY,
        "site_url": settings.FOILOG_SITE_URL,
        "subject": subject,
        "unsubscribe_url": unsubscribe_url,
        **context,
    }
    message = EmailMultiAlternatives(
        subject,
        render_to_string(f"alerts/email/{template}.txt", context),
        to=[to],
        headers=headers(unsubscribe_url),
    )
    message.attach_alternative(
        render_to_string(f"alerts/email/{template}.html", context), "text/html"
    )
    return message


def confirmation(alert: Alert, words: str) -> EmailMultiAlternatives:
    """The email asking the address to confirm ``alert`` (its search in ``words``).
    Its unsubscribe link cancels this alert alone: whoever did not ask for it can say
    so without touching alerts of theirs."""
    subject = _("Confirm your email alert – %(authority)s disclosure log") % {
        "authority": settings.FOILOG_AUTHORITY["name"]
    }
    context = {
        "alert": alert,
        "words": words,
        "search_url": links.absolute(searches.list_path(alert.search)),
        "confirm_url": links.confirm_url(alert),
        "days": links.CONFIRM.max_age.days,
    }
    return _message(
        subject, "confirm", context, alert.subscriber.email, links.unsubscribe_alert_url(alert)
    )


@dataclass(frozen=True)
class Section:
    """One alert's part of a digest."""

    alert: Alert
    words: str
    new: searches.NewDisclosures

    @property
    def title(self) -> str:
        """The alert's search in words, capitalised: the heading of its part."""
        if not self.words:
            return _("Every new disclosure in the log")
        return self.words[0].upper() + self.words[1:]

    @property
    def more(self) -> int:
        return self.new.total - len(self.new.listed)

    @property
    def search_url(self) -> str:
        return links.absolute(searches.list_path(self.alert.search))

    @property
    def stop_url(self) -> str:
        return links.unsubscribe_alert_url(self.alert)


def digest(subscriber: Subscriber, sections: list[Section]) -> EmailMultiAlternatives:
    """One email to ``subscriber`` listing what is new for each of its alerts in
    ``sections``. Its unsubscribe header ends every alert of the address."""
    subject = _("New disclosures for your email alerts – %(authority)s") % {
        "authority": settings.FOILOG_AUTHORITY["name"]
    }
    context = {"sections": sections, "manage_url": links.manage_url(subscriber)}
    return _message(
        subject, "digest", context, subscriber.email, links.unsubscribe_all_url(subscriber)
    )
