"""The signed links in alert emails: confirm an alert, manage an address's alerts, and
unsubscribe. There are no accounts; holding the link is the proof of owning the address.

Each kind of link is signed with its own salt (``django.core.signing``, keyed by
SECRET_KEY), so a link of one kind is no good as another, and expires: a confirmation
after 7 days (when an unconfirmed alert is deleted anyway), the others after 90 days;
every email carries fresh ones. A link names an alert or an address by its id; a
deleted one's links lead nowhere, and ids are never reused.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.urls import reverse

from alerts.models import UNCONFIRMED_KEPT_FOR, Alert, Subscriber


class LinkExpired(Exception):
    """A genuine link, too old to use."""


class LinkInvalid(Exception):
    """Not a link this log made, or not of this kind."""


@dataclass(frozen=True)
class Purpose:
    salt: str
    max_age: datetime.timedelta
    url_name: str


CONFIRM = Purpose("foilog.alerts.confirm", UNCONFIRMED_KEPT_FOR, "alerts:confirm")
MANAGE = Purpose("foilog.alerts.manage", datetime.timedelta(days=90), "alerts:manage")
UNSUBSCRIBE = Purpose(
    "foilog.alerts.unsubscribe", datetime.timedelta(days=90), "alerts:unsubscribe"
)


def token(purpose: Purpose, value: str) -> str:
    return signing.dumps(value, salt=purpose.salt)


def read(purpose: Purpose, signed: str) -> str:
    """The value a link of ``purpose`` carries. Raises LinkExpired or LinkInvalid."""
    try:
        value = signing.loads(signed, salt=purpose.salt, max_age=purpose.max_age)
    except signing.SignatureExpired:
        raise LinkExpired from None
    except (signing.BadSignature, ValueError, UnicodeError):
        raise LinkInvalid from None
    if not isinstance(value, str):
        raise LinkInvalid
    return value


def absolute(path: str) -> str:
    """``path`` on the log's own site (FOILOG_SITE_URL): emails are written away from
    any request."""
    return settings.FOILOG_SITE_URL + path


def _url(purpose: Purpose, value: str) -> str:
    return absolute(reverse(purpose.url_name, kwargs={"token": token(purpose, value)}))


def confirm_url(alert: Alert) -> str:
    return _url(CONFIRM, str(alert.pk))


def manage_url(subscriber: Subscriber) -> str:
    return _url(MANAGE, str(subscriber.pk))


# An unsubscribe link ends one alert ("a12"), or every alert of an address ("s7").
def unsubscribe_alert_url(alert: Alert) -> str:
    return _url(UNSUBSCRIBE, f"a{alert.pk}")


def unsubscribe_all_url(subscriber: Subscriber) -> str:
    return _url(UNSUBSCRIBE, f"s{subscriber.pk}")


def pk_of(value: str, prefix: str = "") -> int:
    """The id a link's value names. Raises LinkInvalid when it names none."""
    digits = value.removeprefix(prefix) if value.startswith(prefix) else ""
    if not digits.isascii() or not digits.isdigit() or len(digits) > 18:
        raise LinkInvalid
    return int(digits)
