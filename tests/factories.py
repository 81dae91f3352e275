"""Factories for the log's objects. A disclosure is public unless told otherwise."""

from __future__ import annotations

import datetime

import factory
from django.utils import timezone

from disclosures.models import Disclosure, Exemption, Keyword, Outcome


class KeywordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Keyword
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Keyword {n}")
    slug = factory.LazyAttribute(lambda o: o.name.lower().replace(" ", "-"))


class DisclosureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Disclosure
        skip_postgeneration_save = True

    reference = factory.Sequence(lambda n: f"FOI-2024-{n:04d}")
    title = factory.Sequence(lambda n: f"Request number {n}")
    request_text = "Please tell me how many vehicles the force owns."
    outcome = Outcome.GRANTED
    response_date = factory.Sequence(
        lambda n: datetime.date(2024, 1, 1) + datetime.timedelta(days=n)
    )
    response_narrative = "The information is attached."
    status = Disclosure.Status.PUBLISHED
    published_at = factory.LazyFunction(
        lambda: timezone.now().replace(microsecond=0) - datetime.timedelta(days=1)
    )

    class Params:
        draft = factory.Trait(status=Disclosure.Status.DRAFT, published_at=None)
        scheduled = factory.Trait(
            published_at=factory.LazyFunction(
                lambda: timezone.now().replace(microsecond=0) + datetime.timedelta(days=7)
            )
        )
        withdrawn = factory.Trait(
            status=Disclosure.Status.WITHDRAWN,
            withdrawn_reason="Published in error: it named a member of staff.",
        )

    @factory.post_generation
    def exemptions(self, create, codes, **kwargs):
        """exemptions=["s40-2", "s31-1-a"]: slugs of the seeded exemptions."""
        if create and codes:
            self.exemptions.set(Exemption.objects.filter(slug__in=codes))

    @factory.post_generation
    def keywords(self, create, names, **kwargs):
        """keywords=["Drones", "Overtime"]: created as needed."""
        if create and names:
            self.keywords.set(
                [KeywordFactory(name=name, slug=name.lower().replace(" ", "-")) for name in names]
            )


def alert_for(
    email: str = "reader@example.org",
    search: str = "",
    *,
    frequency: str = "daily",
    confirmed: bool = True,
    covered_until: datetime.datetime | None = None,
):
    """An alert of ``email`` on ``search`` (the list's parameters), confirmed and due by
    default, that has mailed nothing published before ``covered_until`` (an hour ago)."""
    from alerts.models import Alert, Subscriber

    now = timezone.now()
    subscriber = Subscriber.objects.with_address(email).first() or Subscriber.objects.create(
        email=email, confirmed_at=now if confirmed else None
    )
    return Alert.objects.create(
        subscriber=subscriber,
        search=search,
        frequency=frequency,
        covered_until=covered_until or now - datetime.timedelta(hours=1),
        confirmed_at=now - datetime.timedelta(days=1) if confirmed else None,
        next_digest_at=now - datetime.timedelta(minutes=1) if confirmed else None,
    )


def published_minutes_ago(minutes: int, **kwargs) -> Disclosure:
    """A public disclosure published ``minutes`` ago."""
    at = timezone.now().replace(microsecond=0) - datetime.timedelta(minutes=minutes)
    return DisclosureFactory(published_at=at, **kwargs)
