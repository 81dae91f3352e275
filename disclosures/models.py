"""The disclosure log: disclosures, their outcomes, the exemptions they cite, keywords.

Who may see a disclosure is decided in one place, ``DisclosureQuerySet.public()``; every
public surface starts from it.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower, Now
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

# The text search configuration made by migration 0001: English stemming, accents ignored.
SEARCH_CONFIG = "foilog"


class Outcome(models.TextChoices):
    """The outcomes UK authorities report in their FOI statistics."""

    GRANTED = "granted-in-full", _("Granted in full")
    PARTIAL = "granted-in-part", _("Granted in part")
    NOT_HELD = "not-held", _("Information not held")
    REFUSED = "refused", _("Refused in full (exemption applies)")
    COST_LIMIT = "refused-cost-limit", _("Refused – cost limit (s12)")
    VEXATIOUS = "refused-vexatious", _("Refused – vexatious or repeated (s14)")
    NCND = "neither-confirm-nor-deny", _("Neither confirm nor deny")


class ExemptionQuerySet(models.QuerySet["Exemption"]):
    def with_public_counts(self) -> ExemptionQuerySet:
        """Annotate ``public_count``: how many public disclosures cite each exemption."""
        return self.annotate(
            public_count=models.Count(
                "disclosures", filter=models.Q(disclosures__in=Disclosure.objects.public())
            )
        )


class ExemptionManager(models.Manager.from_queryset(ExemptionQuerySet)):
    def get_by_natural_key(self, slug: str) -> Exemption:
        return self.get(slug=slug)


class Exemption(models.Model):
    """A provision an authority cites to withhold information (FOIA, EIR or FOISA)."""

    class Legislation(models.TextChoices):
        FOIA = "foia", _("Freedom of Information Act 2000")
        EIR = "eir", _("Environmental Information Regulations 2004")
        FOISA = "foisa", _("Freedom of Information (Scotland) Act 2002")

    class Kind(models.TextChoices):
        # Absolute: no public interest test. Qualified: withheld only if the public
        # interest in withholding outweighs the public interest in disclosure.
        ABSOLUTE = "absolute", _("Absolute")
        QUALIFIED = "qualified", _("Qualified")

    code = models.CharField(
        _("code"), max_length=40, unique=True, help_text=_("As cited, e.g. s40(2).")
    )
    slug = models.SlugField(
        _("slug"), max_length=40, unique=True, help_text=_("Used in URLs, e.g. s40-2.")
    )
    legislation = models.CharField(
        _("legislation"), max_length=8, choices=Legislation.choices, default=Legislation.FOIA
    )
    name = models.CharField(_("name"), max_length=200, help_text=_("The short statutory name."))
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    description = models.TextField(_("what it means"), blank=True)
    position = models.PositiveIntegerField(_("position"), default=0, help_text=_("Order in lists."))

    objects = ExemptionManager()

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("exemption")
        verbose_name_plural = _("exemptions")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def save(self, *args, **kwargs) -> None:
        if not self.slug:
            self.slug = self.slug_for(self.code)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("disclosures:exemption", kwargs={"slug": self.slug})

    def natural_key(self) -> tuple[str]:
        return (self.slug,)

    @staticmethod
    def slug_for(code: str) -> str:
        """``s31(1)(a)`` → ``s31-1-a``; ``reg 12(4)(b)`` → ``eir-12-4-b``."""
        code = re.sub(r"^reg(ulation)?\s*", "eir-", code.strip().lower())
        return slugify(re.sub(r"[()\s]+", "-", code)).strip("-")


class KeywordQuerySet(models.QuerySet["Keyword"]):
    def public(self) -> KeywordQuerySet:
        """Keywords of at least one public disclosure. A keyword used only by drafts is
        hidden: its name alone could reveal what an unpublished response is about."""
        links = Disclosure.keywords.through.objects.filter(
            keyword=models.OuterRef("pk"), disclosure__in=Disclosure.objects.public()
        )
        return self.filter(models.Exists(links))


class KeywordManager(models.Manager.from_queryset(KeywordQuerySet)):
    def get_by_natural_key(self, slug: str) -> Keyword:
        return self.get(slug=slug)


class Keyword(models.Model):
    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)

    objects = KeywordManager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("keyword")
        verbose_name_plural = _("keywords")
        constraints = [
            models.UniqueConstraint(
                Lower("name"),
                name="keyword_name_unique_ignoring_case",
                violation_error_message=_("A keyword with this name already exists."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        if not self.slug:
            self.slug = slugify(self.name)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("disclosures:keyword", kwargs={"slug": self.slug})

    def natural_key(self) -> tuple[str]:
        return (self.slug,)


class DisclosureQuerySet(models.QuerySet["Disclosure"]):
    def public(self) -> DisclosureQuerySet:
        """Disclosures the public may see: published, and due (not scheduled for later).

        Drafts, scheduled entries and withdrawn entries are excluded. ``Now()`` is
        evaluated by the database, so a scheduled entry appears the moment it is due.
        """
        return self.filter(status=Disclosure.Status.PUBLISHED, published_at__lte=Now())

    def newest_first(self) -> DisclosureQuerySet:
        return self.order_by("-response_date", "-id")

    def with_related(self) -> DisclosureQuerySet:
        """Fetch exemptions and keywords in two queries, whatever the number of rows."""
        return self.prefetch_related("exemptions", "keywords")


class DisclosureManager(models.Manager.from_queryset(DisclosureQuerySet)):
    def get_by_natural_key(self, reference: str) -> Disclosure:
        return self.get(reference=reference)


_REFERENCE_FORBIDDEN = re.compile(r"[\x00-\x1f\x7f]")


def validate_reference(value: str) -> None:
    if value != value.strip() or value.strip("/") != value:
        raise ValidationError(_("A reference cannot start or end with a space or a slash."))
    if _REFERENCE_FORBIDDEN.search(value):
        raise ValidationError(_("A reference cannot contain control characters."))


class Disclosure(models.Model):
    """One answered FOI request, as the authority publishes it."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    reference = models.CharField(
        _("reference"),
        max_length=100,
        unique=True,
        validators=[validate_reference],
        help_text=_("Exactly as the authority writes it: 16495, FOI-2024-0123, FOI/23/1234."),
    )
    title = models.CharField(_("title"), max_length=300)
    request_text = models.TextField(_("request"))
    outcome = models.CharField(_("outcome"), max_length=32, choices=Outcome.choices)
    exemptions = models.ManyToManyField(
        Exemption, verbose_name=_("exemptions"), blank=True, related_name="disclosures"
    )
    response_date = models.DateField(_("response date"))
    response_narrative = models.TextField(_("response"), blank=True)
    keywords = models.ManyToManyField(
        Keyword, verbose_name=_("keywords"), blank=True, related_name="disclosures"
    )
    status = models.CharField(
        _("publication state"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    published_at = models.DateTimeField(
        _("publish at"),
        null=True,
        blank=True,
        help_text=_("When it appears to the public. A future time schedules it."),
    )
    withdrawn_reason = models.TextField(_("reason for withdrawal"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("last changed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Kept current by database triggers (migration 0002) so that every way of changing
    # keywords, the admin, imports or plain SQL, updates the search vector.
    keywords_text = models.TextField(editable=False, blank=True, default="")
    search_vector = models.GeneratedField(
        expression=(
            SearchVector("title", "keywords_text", weight="A", config=SEARCH_CONFIG)
            + SearchVector("request_text", weight="B", config=SEARCH_CONFIG)
            + SearchVector("response_narrative", weight="C", config=SEARCH_CONFIG)
        ),
        output_field=SearchVectorField(),
        db_persist=True,
    )

    objects = DisclosureManager()

    class Meta:
        ordering = ["-response_date", "-id"]
        verbose_name = _("disclosure")
        verbose_name_plural = _("disclosures")
        permissions = [
            ("publish_disclosure", _("Can publish, schedule and withdraw disclosures")),
        ]
        indexes = [
            GinIndex(fields=["search_vector"], name="disclosure_search_gin"),
            models.Index(
                fields=["-response_date", "-id"],
                name="disclosure_public_newest",
                condition=models.Q(status="published"),
            ),
            models.Index(fields=["status", "published_at"], name="disclosure_visibility"),
        ]

    def __str__(self) -> str:
        return f"{self.reference}: {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("disclosures:detail", kwargs={"reference": self.reference})

    def natural_key(self) -> tuple[str]:
        return (self.reference,)

    def clean(self) -> None:
        if self.status == self.Status.WITHDRAWN and not self.withdrawn_reason.strip():
            raise ValidationError(
                {"withdrawn_reason": _("Say publicly why the disclosure was withdrawn.")}
            )

    @property
    def is_public(self) -> bool:
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )

    @property
    def is_scheduled(self) -> bool:
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at > timezone.now()
        )

    def publish(self, by=None, at=None) -> None:
        """Publish now, or schedule for ``at`` when it lies in the future."""
        self.status = self.Status.PUBLISHED
        self.published_at = at or timezone.now()
        self.withdrawn_reason = ""
        self.updated_by = by
        self.save()

    def unpublish(self, by=None) -> None:
        """Back to draft: the entry leaves every public surface."""
        self.status = self.Status.DRAFT
        self.updated_by = by
        self.save()

    def withdraw(self, reason: str, by=None) -> None:
        """Withdraw with a public reason; the permalink then answers 410 Gone."""
        if not reason.strip():
            raise ValidationError(_("Say publicly why the disclosure was withdrawn."))
        self.status = self.Status.WITHDRAWN
        self.withdrawn_reason = reason.strip()
        self.updated_by = by
        self.save()


class SearchWord(models.Model):
    """A word seen in a disclosure, for "did you mean" suggestions by trigram similarity.

    Filled by a database trigger (migration 0005) as disclosures are saved. It may hold
    words of unpublished entries: a suggestion is only offered after checking that it
    finds public disclosures (see ``search.suggest``), so no such word is ever shown.
    """

    word = models.CharField(max_length=40, primary_key=True)

    class Meta:
        indexes = [
            GinIndex(fields=["word"], name="searchword_trigram", opclasses=["gin_trgm_ops"]),
        ]

    def __str__(self) -> str:
        return self.word
