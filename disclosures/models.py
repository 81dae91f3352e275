"""The disclosure log: disclosures, their outcomes, the exemptions they cite, keywords.

Who may see a disclosure is decided in one place, ``DisclosureQuerySet.public()``; every
public surface starts from it.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import re
import uuid
from collections.abc import Callable, Iterable, Sequence
from pathlib import PurePath
from typing import Any
from urllib.parse import quote, unquote

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, URLValidator
from django.db import models
from django.db.models.functions import Lower, Now, Upper
from django.urls import reverse
from django.utils import timezone
from django.utils.http import RFC3986_SUBDELIMS
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from disclosures import safety, time_limits
from disclosures.safety import Finding

# The text search configuration made by migration 0001: English stemming, accents ignored.
SEARCH_CONFIG = "foilog"


# The dates the log can hold: none earlier than 1900 (no disclosure log reaches back that
# far, and counting months back from a date in year 1 would leave the calendar), none
# later than the last day Python can count to. A filter outside them is refused.
EARLIEST_DATE = datetime.date(1900, 1, 1)
LATEST_DATE = datetime.date(9999, 12, 31)
DATE_RANGE_MESSAGE = _("Dates run from 1 January 1900 to 31 December 9999.")


def date_range_validators() -> list:
    """Validators that keep a date within the dates the log can hold."""
    return [
        MinValueValidator(EARLIEST_DATE, message=DATE_RANGE_MESSAGE),
        MaxValueValidator(LATEST_DATE, message=DATE_RANGE_MESSAGE),
    ]


class Outcome(models.TextChoices):
    """The outcomes UK authorities report in their FOI statistics."""

    GRANTED = "granted-in-full", _("Granted in full")
    PARTIAL = "granted-in-part", _("Granted in part")
    NOT_HELD = "not-held", _("Information not held")
    REFUSED = "refused", _("Refused in full (exemption applies)")
    COST_LIMIT = "refused-cost-limit", _("Refused – cost limit (s12)")
    VEXATIOUS = "refused-vexatious", _("Refused – vexatious or repeated (s14)")
    NCND = "neither-confirm-nor-deny", _("Neither confirm nor deny")
    # The log the entry was imported from recorded none: nothing is guessed.
    NOT_RECORDED = "not-recorded", _("Not recorded")


class Legislation(models.Model):
    """An Act or Regulations under which an authority answers requests and withholds
    information. FOIA 2000, EIR 2004, FOISA 2002 and EISR 2004 are made by the
    migrations; others can be added in the admin.

    ``AUTHORITY_LEGISLATION`` names the authority's own (see ``for_authority``): a
    citation that names no legislation is read as that one's.
    """

    class Provisions(models.TextChoices):
        SECTIONS = "sections", _("Sections, as s40(2)")
        REGULATIONS = "regulations", _("Regulations, as reg 12(4)(b)")

    code = models.SlugField(
        _("code"),
        max_length=8,
        primary_key=True,
        help_text=_("Short and lower case, e.g. foisa: the value of AUTHORITY_LEGISLATION."),
    )
    abbreviation = models.CharField(
        _("abbreviation"), max_length=20, help_text=_("As citations write it, e.g. FOISA.")
    )
    name = models.CharField(
        _("name"), max_length=200, help_text=_("The short title, with its year.")
    )
    provisions = models.CharField(
        _("provisions"),
        max_length=12,
        choices=Provisions.choices,
        default=Provisions.SECTIONS,
        help_text=_("What its exemptions are cited as."),
    )
    regulations = models.ForeignKey(
        "self",
        verbose_name=_("environmental regulations"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_(
            "For an Act: the regulations requests for environmental information are answered "
            "under beside it (EIR beside FOIA, EISR beside FOISA). A regulation cited with no "
            "legislation named is read as theirs."
        ),
    )
    position = models.PositiveIntegerField(_("position"), default=0, help_text=_("Order in lists."))

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("legislation")
        verbose_name_plural = _("legislation")

    def __str__(self) -> str:
        return self.abbreviation

    @classmethod
    def for_authority(cls) -> tuple[Legislation, Legislation | None]:
        """The authority's legislation (``AUTHORITY_LEGISLATION``) and the regulations
        beside it, in one query.

        Raises ``ImproperlyConfigured`` when the setting names no legislation in the log.
        """
        code = settings.AUTHORITY_LEGISLATION
        found = cls.objects.select_related("regulations").filter(code=code).first()
        if found is None:
            known = ", ".join(cls.objects.values_list("code", flat=True))
            raise ImproperlyConfigured(
                f"AUTHORITY_LEGISLATION is {code!r}, which names no legislation in the log "
                f"(it has {known})."
            )
        return found, found.regulations

    @staticmethod
    def exemptions_listed(exemptions: Iterable[Exemption]) -> list[Exemption]:
        """Of ``exemptions`` (with their legislation fetched), those the public lists
        show, by legislation: every exemption of the authority's legislation and of the
        regulations beside it, and any other that a public disclosure cites (with
        ``public_count``). A council in England has no use for the Scottish list."""
        exemptions = list(exemptions)
        home = {settings.AUTHORITY_LEGISLATION} | {
            e.legislation.regulations_id
            for e in exemptions
            if e.legislation_id == settings.AUTHORITY_LEGISLATION
        }
        shown = [e for e in exemptions if e.legislation_id in home or e.public_count]
        return sorted(shown, key=lambda e: (e.legislation.position, e.legislation_id))


class ReviewOutcome(models.TextChoices):
    """What an internal review decided about the original answer (the section 45 code of
    practice, part 5; the Cabinet Office's FOI statistics count reviews by these)."""

    UPHELD = "upheld", _("Upheld in full")
    PARTLY_UPHELD = "partly-upheld", _("Upheld in part")
    OVERTURNED = "overturned", _("Overturned")


class CommissionerOutcome(models.TextChoices):
    """What the Information Commissioner (FOIA s50) or the Scottish Information
    Commissioner (FOISA s47) decided on the requester's complaint."""

    UPHELD = "upheld", _("Complaint upheld")
    PARTLY_UPHELD = "partly-upheld", _("Complaint partly upheld")
    NOT_UPHELD = "not-upheld", _("Complaint not upheld")
    # Settled, withdrawn, or found not eligible: closed without a decision notice.
    CLOSED = "closed", _("Closed without a decision notice")


# Whether a disclosure's request went to internal review, or to the Commissioner, and
# whether the Commissioner issued a decision notice: any of the facts recorded says so.
# (The same tests in Python: ``Disclosure.has_review``, ``has_complaint``.)
HAS_REVIEW = models.Q(review_requested__isnull=False) | ~models.Q(review_outcome="")
HAS_COMPLAINT = (
    ~models.Q(commissioner_reference="")
    | ~models.Q(decision_notice_reference="")
    | ~models.Q(decision_notice_url="")
    | ~models.Q(commissioner_outcome="")
)
HAS_DECISION_NOTICE = ~models.Q(decision_notice_reference="") | ~models.Q(decision_notice_url="")


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
    """A provision an authority cites to withhold information, in one legislation: a
    section (s40(2)), a subsection, or a whole section (s40) for logs that cite no
    subsection."""

    class Kind(models.TextChoices):
        # Absolute: no public interest test. Qualified: withheld only if the public
        # interest in withholding outweighs the public interest in disclosure. A whole
        # section can hold both (FOIA s40: s40(1) absolute, parts of s40(2) not).
        ABSOLUTE = "absolute", _("Absolute")
        QUALIFIED = "qualified", _("Qualified")
        BY_SUBSECTION = "by-subsection", _("Absolute or qualified, by subsection")

    code = models.CharField(_("code"), max_length=40, help_text=_("As cited, e.g. s40(2)."))
    slug = models.SlugField(
        _("slug"), max_length=40, unique=True, help_text=_("Used in URLs, e.g. s40-2.")
    )
    legislation = models.ForeignKey(
        Legislation,
        verbose_name=_("legislation"),
        on_delete=models.PROTECT,
        default="foia",
        related_name="exemptions",
    )
    name = models.CharField(_("name"), max_length=200, help_text=_("The short statutory name."))
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    description = models.TextField(_("what it means"), blank=True)
    position = models.PositiveIntegerField(_("position"), default=0, help_text=_("Order in lists."))

    objects = ExemptionManager()

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("exemption")
        verbose_name_plural = _("exemptions")
        constraints = [
            # s38(1)(b) is health and safety in FOIA, personal data in FOISA.
            models.UniqueConstraint(
                fields=["legislation", "code"],
                name="exemption_code_unique_in_legislation",
                violation_error_message=_("This legislation already has an exemption so cited."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def save(self, *args, **kwargs) -> None:
        if not self.slug:
            self.slug = self.slug_for(self.code, self.legislation_id)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("disclosures:exemption", kwargs={"slug": self.slug})

    def natural_key(self) -> tuple[str]:
        return (self.slug,)

    @property
    def label(self) -> str:
        """The code, name and legislation, as lists and facets show them:
        "s38(1)(b) Personal information: third parties (FOISA)". Reads the legislation:
        fetch it with the exemption (``select_related``)."""
        return f"{self.code} {self.name} ({self.legislation.abbreviation})"

    @staticmethod
    def slug_for(code: str, legislation: str = "foia") -> str:
        """``s31(1)(a)`` → ``s31-1-a``; ``reg 12(4)(b)`` of the EIR → ``eir-12-4-b``;
        ``s38(1)(b)`` of FOISA → ``foisa-s38-1-b``.

        Slugs are unique across legislations, so all but FOIA's (whose addresses are the
        log's oldest) start with the legislation's code.
        """
        code = re.sub(r"^reg(ulation)?\s*", "", code.strip().lower())
        slug = slugify(re.sub(r"[()\s]+", "-", code)).strip("-")
        return slug if legislation == "foia" else f"{legislation}-{slug}"


class KeywordQuerySet(models.QuerySet["Keyword"]):
    def public(self) -> KeywordQuerySet:
        """Keywords of at least one public disclosure. A keyword used only by drafts is
        hidden: its name alone could reveal what an unpublished response is about."""
        links = Disclosure.keywords.through.objects.filter(
            keyword=models.OuterRef("pk"), disclosure__in=Disclosure.objects.public()
        )
        return self.filter(models.Exists(links))

    def with_public_counts(self) -> KeywordQuerySet:
        """Annotate ``public_count``: how many public disclosures carry each keyword."""
        return self.annotate(
            public_count=models.Count(
                "disclosures", filter=models.Q(disclosures__in=Disclosure.objects.public())
            )
        )


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


# The log's order: by response date, then id. An entry whose log recorded no response
# date counts as the oldest, whichever way the log is read: last when newest first,
# first when oldest first. The list, the feeds, the downloads, the API's cursor and the
# snapshot's positions (``bitmaps``) all read it so, and the date index is built so.
NEWEST_FIRST = (models.F("response_date").desc(nulls_last=True), models.F("id").desc())
OLDEST_FIRST = (models.F("response_date").asc(nulls_first=True), models.F("id").asc())


class DisclosureQuerySet(models.QuerySet["Disclosure"]):
    def public(self) -> DisclosureQuerySet:
        """Disclosures the public may see: published, and due (not scheduled for later).

        Drafts, scheduled entries and withdrawn entries are excluded. ``Now()`` is
        evaluated by the database, so a scheduled entry appears the moment it is due.
        """
        return self.filter(status=Disclosure.Status.PUBLISHED, published_at__lte=Now())

    def public_or_gone(self, reference: str) -> Disclosure:
        """The public disclosure of this queryset with ``reference``: the one lookup of
        the disclosure page and the API.

        Raises ``Disclosure.Gone`` (holding the entry, for its public reason) when it was
        withdrawn, and ``Disclosure.DoesNotExist`` otherwise: the same for a draft, a
        scheduled entry and a reference that never existed.
        """
        if "\x00" not in reference:  # PostgreSQL cannot even compare text holding NUL.
            found = self.public().filter(reference=reference).first()
            if found is not None:
                return found
            withdrawn = (
                Disclosure.objects.filter(reference=reference, status=Disclosure.Status.WITHDRAWN)
                .only("reference", "title", "withdrawn_reason", "updated_at")
                .first()
            )
            if withdrawn is not None:
                raise Disclosure.Gone(withdrawn)
        raise Disclosure.DoesNotExist(reference)

    def newest_first(self) -> DisclosureQuerySet:
        return self.order_by(*NEWEST_FIRST)

    def in_date_order(self, newest_first: bool = True) -> DisclosureQuerySet:
        """By response date then id, newest or oldest first; undated entries count as
        the oldest (see ``NEWEST_FIRST``)."""
        return self.order_by(*(NEWEST_FIRST if newest_first else OLDEST_FIRST))

    def with_related(self) -> DisclosureQuerySet:
        """Fetch exemptions (with their legislation) and keywords in two queries,
        whatever the number of rows."""
        return self.prefetch_related(
            models.Prefetch("exemptions", Exemption.objects.select_related("legislation")),
            "keywords",
        )

    def for_summaries(self) -> DisclosureQuerySet:
        """What a list of summaries shows: the rows without their search columns, and
        the exemptions each cites as the list ``cited_exemptions``, fetched in one query
        whatever the number of rows (a list, not a manager: a page's twenty managers
        cost more than the query)."""
        return self.without_search_text().prefetch_related(
            models.Prefetch("exemptions", to_attr="cited_exemptions")
        )

    def with_clarification_dates(self) -> DisclosureQuerySet:
        """Annotate ``clarified``, the day the last clarification asked for was received
        (None without one), and ``awaiting_clarification``, whether one asked for has no
        answer recorded: what the time limits count from (see ``time_limits``), in the
        same query as the rows."""
        answers = Clarification.objects.filter(disclosure=models.OuterRef("pk")).order_by()
        return self.annotate(
            clarified=models.Subquery(
                answers.values("disclosure").annotate(last=models.Max("answered")).values("last")
            ),
            awaiting_clarification=models.Exists(answers.filter(answered__isnull=True)),
        )

    def without_search_text(self) -> DisclosureQuerySet:
        """Leave out the columns kept only for search, and the row an entry was imported
        from: the stored vector, the text of the documents and the imported row can be far
        larger than the rest of a row, and no public output shows them."""
        return self.defer("search_vector", "keywords_text", "documents_text", "imported_row")


class DisclosureManager(models.Manager.from_queryset(DisclosureQuerySet)):
    def get_by_natural_key(self, reference: str) -> Disclosure:
        return self.get(reference=reference)


_REFERENCE_FORBIDDEN = re.compile(r"[\x00-\x1f\x7f]")


# The stand-in Disclosure.absolute_urls() reverses the route with, to see where a
# reference goes in the path: quoting leaves it as it is.
_ANY_REFERENCE = "reference"
# What reverse() leaves unquoted in a path: RFC 3986's sub-delimiters, the rest of a path
# segment's characters ("pchar") and "/".
_PATH_SAFE = RFC3986_SUBDELIMS + "/~:@"


def validate_reference(value: str) -> None:
    if value != value.strip() or value.strip("/") != value:
        raise ValidationError(_("A reference cannot start or end with a space or a slash."))
    if _REFERENCE_FORBIDDEN.search(value):
        raise ValidationError(_("A reference cannot contain control characters."))
    if not _leads_to_its_disclosure(value):
        raise ValidationError(
            _(
                "“%(reference)s” is the address of one of the log's own pages (its feed or "
                "a document): add to it, for example a prefix or a year."
            ),
            params={"reference": value},
        )


def _leads_to_its_disclosure(reference: str) -> bool:
    """Whether the disclosure page's address for ``reference`` resolves to that page.

    Routes of the log's own come first: a disclosure named "feed", or "X/documents/1",
    would never be shown.
    """
    from django.urls import Resolver404, resolve

    path = unquote(reverse("disclosures:detail", args=[reference]))
    try:
        match = resolve(path)
    except Resolver404:
        return False
    return match.url_name == "detail" and match.kwargs.get("reference") == reference


class Disclosure(models.Model):
    """One answered FOI request, as the authority publishes it."""

    class Gone(Exception):  # noqa: N818 -- named as the HTTP answer it becomes
        """A withdrawn disclosure was asked for: its page answers 410 with the reason."""

        def __init__(self, disclosure: Disclosure) -> None:
            super().__init__(disclosure.reference)
            self.disclosure = disclosure

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
    # Blank when the log it was imported from recorded no request: its page says so.
    request_text = models.TextField(_("request"), blank=True)
    received_date = models.DateField(
        _("received"),
        null=True,
        blank=True,
        validators=date_range_validators(),
        help_text=_("The day the request arrived, when known."),
    )
    outcome = models.CharField(_("outcome"), max_length=32, choices=Outcome.choices)
    exemptions = models.ManyToManyField(
        Exemption, verbose_name=_("exemptions"), blank=True, related_name="disclosures"
    )
    # None when the log it was imported from recorded no response date (see NEWEST_FIRST).
    response_date = models.DateField(
        _("response date"), null=True, blank=True, validators=date_range_validators()
    )
    response_narrative = models.TextField(_("response"), blank=True)
    # How the request was handled, when known: imported historic entries rarely say. The
    # received date is above; clarifications are rows of their own (Clarification).
    extension_due_date = models.DateField(
        _("extended to"),
        null=True,
        blank=True,
        validators=date_range_validators(),
        help_text=_(
            "The new due date given to the requester when the time was extended to consider "
            "the public interest (FOIA s10(3)), or for a complex and voluminous request "
            "(EIR reg 7)."
        ),
    )
    extension_reason = models.TextField(_("reason for the extension"), blank=True)
    review_requested = models.DateField(
        _("internal review requested"),
        null=True,
        blank=True,
        validators=date_range_validators(),
    )
    review_completed = models.DateField(
        _("internal review completed"),
        null=True,
        blank=True,
        validators=date_range_validators(),
    )
    review_outcome = models.CharField(
        _("internal review outcome"), max_length=16, choices=ReviewOutcome.choices, blank=True
    )
    commissioner_reference = models.CharField(
        _("Commissioner's case reference"),
        max_length=100,
        blank=True,
        help_text=_("The reference of the requester's complaint to the Commissioner."),
    )
    decision_notice_reference = models.CharField(
        _("decision notice"), max_length=100, blank=True, help_text=_("Its reference.")
    )
    decision_notice_url = models.URLField(_("decision notice address"), blank=True)
    commissioner_outcome = models.CharField(
        _("Commissioner's decision"),
        max_length=16,
        choices=CommissionerOutcome.choices,
        blank=True,
    )
    original_url = models.URLField(
        _("original publication"),
        max_length=500,
        blank=True,
        validators=[URLValidator(schemes=["http", "https"])],
        help_text=_("Where the authority first published it, when imported from a log."),
    )
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
    # The text of the released documents, kept current by triggers (migration 0006), so a
    # search finds words that appear only inside a spreadsheet or letter.
    documents_text = models.TextField(editable=False, blank=True, default="")
    # The ids of the cited exemptions and of the keywords, kept current by triggers
    # (migration 0009). Facet counts and filters read them from the row itself: counting
    # a million matches by exemption through the link tables means joining millions of
    # link rows, while these arrays are counted in the same pass that finds the matches.
    exemption_ids = ArrayField(models.BigIntegerField(), editable=False, default=list)
    keyword_ids = ArrayField(models.BigIntegerField(), editable=False, default=list)
    # The row or rows of the log file it was imported from, every column as written
    # (those no field took too), for staff: {"file": name, "sheet": name or null,
    # "rows": [{"number": 7, "cells": [[heading, text], ...]}]}. Pairs, not an object:
    # jsonb would sort the headings.
    imported_row = models.JSONField(_("imported from"), default=dict, blank=True, editable=False)
    # The safety findings a publisher reviewed, by fingerprint: new findings (a new
    # document, changed text) need a new review before the entry can be published.
    safety_reviewed_fingerprint = models.CharField(max_length=64, blank=True, editable=False)
    search_vector = models.GeneratedField(
        expression=(
            SearchVector("title", "keywords_text", weight="A", config=SEARCH_CONFIG)
            + SearchVector("request_text", weight="B", config=SEARCH_CONFIG)
            + SearchVector("response_narrative", weight="C", config=SEARCH_CONFIG)
            + SearchVector("documents_text", weight="D", config=SEARCH_CONFIG)
        ),
        output_field=SearchVectorField(),
        db_persist=True,
    )

    objects = DisclosureManager()

    # The title and a snippet with the words searched marked (HTML), set on the rows of
    # a page of search results by ``search.add_headlines``. Declared, so that a summary
    # shown elsewhere reads None rather than failing a lookup, which costs the template
    # a dir() of the row.
    title_headline: str | None = None
    headline: str | None = None

    class Meta:
        ordering = list(NEWEST_FIRST)
        verbose_name = _("disclosure")
        verbose_name_plural = _("disclosures")
        permissions = [
            ("publish_disclosure", _("Can publish, schedule and withdraw disclosures")),
        ]
        indexes = [
            GinIndex(fields=["search_vector"], name="disclosure_search_gin"),
            models.Index(
                *NEWEST_FIRST,
                name="disclosure_public_newest",
                condition=models.Q(status="published"),
            ),
            # Outcome filters, alone or with dates: the facet counts' pass combines each
            # filter with the others, and without it "refused since 2018" reads every
            # entry since 2018.
            models.Index(
                fields=["outcome", "response_date"],
                name="disclosure_outcome_date",
                condition=models.Q(status="published"),
            ),
            models.Index(fields=["status", "published_at"], name="disclosure_visibility"),
            # max(updated_at) validates every public page for conditional GET.
            models.Index(fields=["updated_at"], name="disclosure_updated_at"),
            # Filtering by exemption or keyword without a search (the arrays' && operator).
            GinIndex(fields=["exemption_ids"], name="disclosure_exemption_ids"),
            GinIndex(fields=["keyword_ids"], name="disclosure_keyword_ids"),
            # A reference typed in the search box, ignoring case (reference__iexact).
            models.Index(Upper("reference"), name="disclosure_reference_upper"),
        ]

    # Columns the database's triggers maintain from the link tables and documents. A
    # full save() of an instance loaded before its keywords changed would otherwise
    # write the old values back.
    TRIGGER_MAINTAINED = ("keywords_text", "documents_text", "exemption_ids", "keyword_ids")

    def __str__(self) -> str:
        return f"{self.reference}: {self.title}"

    def save(self, *args, **kwargs) -> None:
        if (
            not self._state.adding
            and kwargs.get("update_fields") is None
            and not kwargs.get("force_insert")
        ):
            deferred = self.get_deferred_fields()
            kwargs["update_fields"] = [
                field.name
                for field in self._meta.concrete_fields
                if not field.primary_key
                and not field.generated
                and field.name not in self.TRIGGER_MAINTAINED
                and field.attname not in deferred
            ]
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("disclosures:detail", kwargs={"reference": self.reference})

    @staticmethod
    def absolute_urls() -> Callable[[str], str]:
        """A function giving for a reference what ``get_absolute_url()`` gives, for the
        thousands of rows of a download: reversing the route for each row (looking it
        up, in the active language, three times) took 40 % of the download's time. The
        route is reversed once, with a stand-in reference.

        ``reverse()`` percent-encodes the path it builds with urllib's ``quote``, which
        encodes each character on its own: the reference's part of the path is the
        reference quoted alone, with the same safe characters. The "//" reverse()
        escapes at the start of a path can come only from the script prefix, before the
        reference. Made in the request: the script prefix and URLconf are the thread's.
        """
        head, _reference, tail = reverse(
            "disclosures:detail", kwargs={"reference": _ANY_REFERENCE}
        ).rpartition(_ANY_REFERENCE)

        def absolute_url(reference: str) -> str:
            if not reference or "\n" in reference:
                # Not matched by the route's pattern (".+"): refused by reverse(), as ever.
                return reverse("disclosures:detail", kwargs={"reference": reference})
            return head + quote(reference, safe=_PATH_SAFE) + tail

        return absolute_url

    def get_outcome_display(self) -> str:
        """The outcome in words. Django's own builds a dict of every choice on each call,
        translating each lazy label to hash it: 50 µs, twenty times on a list page."""
        try:
            return str(Outcome(self.outcome).label)
        except ValueError:  # not one of the choices: shown as stored, as Django does
            return self.outcome

    def natural_key(self) -> tuple[str]:
        return (self.reference,)

    def clean(self) -> None:
        if self.status == self.Status.WITHDRAWN and not self.withdrawn_reason.strip():
            raise ValidationError(
                {"withdrawn_reason": _("Say publicly why the disclosure was withdrawn.")}
            )
        errors = {}
        if self.received_date and self.response_date and self.response_date < self.received_date:
            errors["response_date"] = _("A request cannot be answered before it was received.")
        if (
            self.received_date
            and self.extension_due_date
            and (self.extension_due_date <= self.received_date)
        ):
            errors["extension_due_date"] = _("An extension runs to a day after receipt.")
        if (
            self.review_requested
            and self.response_date
            and (self.review_requested < self.response_date)
        ):
            errors["review_requested"] = _("A review is of an answer already given.")
        if (
            self.review_completed
            and self.review_requested
            and (self.review_completed < self.review_requested)
        ):
            errors["review_completed"] = _("A review is completed after it is requested.")
        if errors:
            raise ValidationError(errors)

    @property
    def has_review(self) -> bool:
        return bool(self.review_requested or self.review_outcome)

    @property
    def has_complaint(self) -> bool:
        return bool(
            self.commissioner_reference
            or self.decision_notice_reference
            or self.decision_notice_url
            or self.commissioner_outcome
        )

    def answer_time(self) -> time_limits.AnswerTime | None:
        """How long the answer took against its time limit; None when that cannot be told
        (no received date, or a clarification's answer is not recorded)."""
        clarifications = list(self.clarifications.all())
        return time_limits.answer_time(
            self.received_date,
            self.response_date,
            clarified=max((c.answered for c in clarifications if c.answered), default=None),
            awaiting_clarification=any(c.answered is None for c in clarifications),
            extended_to=self.extension_due_date,
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

    def safety_findings(self) -> list[tuple[str, Finding]]:
        """Every safety finding of this disclosure: its own text, then each document's.

        Returns (where, finding) pairs; ``where`` names the field or document.
        """
        findings = [
            (str(label), finding)
            for label, text in (
                (_("Title"), self.title),
                (_("Request"), self.request_text),
                (_("Response"), self.response_narrative),
            )
            for finding in safety.check_text(text)
        ]
        if self.pk:
            for document in self.documents.all():
                findings += [(document.title, finding) for finding in document.findings_list()]
        return findings

    def safety_fingerprint(self) -> str:
        """A digest of the current findings ('' when there are none)."""
        findings = self.safety_findings()
        if not findings:
            return ""
        flat = [[where, f.check, f.location, f.message] for where, f in findings]
        return hashlib.sha256(json.dumps(flat).encode()).hexdigest()

    def needs_safety_review(self) -> bool:
        fingerprint = self.safety_fingerprint()
        return bool(fingerprint) and fingerprint != self.safety_reviewed_fingerprint

    def mark_safety_reviewed(self) -> None:
        self.safety_reviewed_fingerprint = self.safety_fingerprint()

    def reasons_not_to_publish(self) -> list[str]:
        """Why this entry may not be made public yet, one sentence each; empty when it may.

        The publish gate: ``publish()``, the admin's save and the importer all ask it, so
        a rule added here holds everywhere. Today's one rule: safety findings a
        publisher has not reviewed (``needs_safety_review``).
        """
        if self.needs_safety_review():
            return [
                _("%(reference)s has safety findings that a publisher must review first.")
                % {"reference": self.reference}
            ]
        return []

    def publish(self, by=None, at=None) -> None:
        """Publish now, or schedule for ``at`` when it lies in the future.

        Raises ValidationError with the reasons when the publish gate
        (``reasons_not_to_publish``) says no.
        """
        if reasons := self.reasons_not_to_publish():
            raise ValidationError(reasons)
        before = self.snapshot()
        self.status = self.Status.PUBLISHED
        # Whole seconds: the admin's time field has no microseconds, and a value it cannot
        # show would read as a change on every later save.
        self.published_at = (at or timezone.now()).replace(microsecond=0)
        self.withdrawn_reason = ""
        self.updated_by = by
        self.save()
        self.record_change(before, by)

    def unpublish(self, by=None) -> None:
        """Back to draft: the entry leaves every public surface."""
        before = self.snapshot()
        self.status = self.Status.DRAFT
        self.updated_by = by
        self.save()
        self.record_change(before, by)

    def withdraw(self, reason: str, by=None) -> None:
        """Withdraw with a public reason; the permalink then answers 410 Gone."""
        if not reason.strip():
            raise ValidationError(_("Say publicly why the disclosure was withdrawn."))
        before = self.snapshot()
        self.status = self.Status.WITHDRAWN
        self.withdrawn_reason = reason.strip()
        self.updated_by = by
        self.save()
        self.record_change(before, by)

    # How the request was handled, where known: edited together in the admin, exported
    # together, and what the timeliness figures are made of (with the clarifications).
    HANDLING_FIELDS = (
        "received_date",
        "extension_due_date",
        "extension_reason",
        "review_requested",
        "review_completed",
        "review_outcome",
        "commissioner_reference",
        "decision_notice_reference",
        "decision_notice_url",
        "commissioner_outcome",
    )

    # Fields whose changes the history records, in the order shown.
    TRACKED_FIELDS = (
        "reference",
        "title",
        "request_text",
        "received_date",
        "outcome",
        "response_date",
        "response_narrative",
        "original_url",
        "status",
        "published_at",
        "withdrawn_reason",
        *(name for name in HANDLING_FIELDS if name != "received_date"),
    )

    def snapshot(self) -> dict[str, str]:
        """The disclosure's recorded state, as text: fields, exemptions, keywords, documents,
        clarifications.

        Taken before a change and compared after it by ``record_change``.
        """
        if not self.pk:
            return {}
        return self.state(
            exemptions=", ".join(e.code for e in self.exemptions.all()),
            keywords=", ".join(k.name for k in self.keywords.all()),
            documents=", ".join(d.title for d in self.documents.all()),
            clarifications=", ".join(str(c) for c in self.clarifications.all()),
        )

    def state(
        self, *, exemptions: str, keywords: str, documents: str = "", clarifications: str = ""
    ) -> dict[str, str]:
        """The state ``snapshot`` records, from the fields and the names of the links
        given (exemption codes, keyword names, document titles, clarifications, each
        joined by ", "), so that many entries' states are taken without a query each (an
        import)."""
        state = {name: _as_text(getattr(self, name)) for name in self.TRACKED_FIELDS}
        state.update(
            exemptions=exemptions,
            keywords=keywords,
            documents=documents,
            clarifications=clarifications,
        )
        return state

    # A creation is recorded without these texts: they are in the row itself, and the
    # history shows a creation as "Created". (An import of 300 MB would keep them twice.)
    TEXTS_NOT_RECORDED_AT_CREATION = ("request_text", "response_narrative")

    def change_since(self, before: dict[str, str], after: dict[str, str], by=None) -> Change | None:
        """The change from state ``before`` to state ``after`` (see ``state``), unsaved,
        or None when nothing changed. An empty ``before`` means the entry was created."""
        fields = {
            name: [before.get(name, ""), value]
            for name, value in after.items()
            if before.get(name, "") != value
            and (before or name not in self.TEXTS_NOT_RECORDED_AT_CREATION)
        }
        if not fields:
            return None
        return Change(disclosure=self, changed_by=by, created=not before, fields=fields)

    def record_change(self, before: dict[str, str], by=None) -> Change | None:
        """Record who changed what since ``before`` (a snapshot). Returns the Change, or
        None when nothing changed."""
        change = self.change_since(before, self.snapshot(), by)
        if change is not None:
            change.save()
        return change

    @staticmethod
    def record_changes(
        states: Iterable[tuple[Disclosure, dict[str, str], dict[str, str]]], by=None
    ) -> list[Change]:
        """Record many entries' changes at once, each (disclosure, before, after) as for
        ``change_since``, in one query: an import's history."""
        changes = [d.change_since(before, after, by) for d, before, after in states]
        return Change.objects.bulk_create([change for change in changes if change is not None])

    @staticmethod
    def link_columns(
        keywords: Sequence[tuple[int, str]], exemption_ids: Iterable[int]
    ) -> dict[str, Any]:
        """The columns the link triggers keep (migrations 0003 and 0009), for a new row
        written after its links, whose triggers then find no row to refresh: the
        keyword text and the ids of the keywords and exemptions.

        ``keywords`` are (id, name), in the database's order of names (the keywords'
        own ordering), as the trigger joins them.
        """
        return {
            "keywords_text": " ".join(name for _, name in keywords),
            "keyword_ids": sorted(pk for pk, _ in keywords),
            "exemption_ids": sorted(set(exemption_ids)),
        }


def _as_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime) and value.tzinfo is not None:
        # In UTC, as read back from the database: the same moment, whatever zone it was
        # set in, reads the same.
        return value.astimezone(datetime.UTC).isoformat()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


class Clarification(models.Model):
    """A request for clarification of a request (FOIA s1(3), FOISA s1(3), EIR and EISR
    reg 9): when the authority asked, and when the requester answered. The time limit
    runs again from the answer (see ``time_limits``). A request may need more than one."""

    disclosure = models.ForeignKey(
        Disclosure, on_delete=models.CASCADE, related_name="clarifications"
    )
    asked = models.DateField(_("asked"), validators=date_range_validators())
    answered = models.DateField(
        _("answered"),
        null=True,
        blank=True,
        validators=date_range_validators(),
        help_text=_("The day the requester's clarification arrived."),
    )

    class Meta:
        ordering = ["asked", "id"]
        verbose_name = _("clarification")
        verbose_name_plural = _("clarifications")

    def __str__(self) -> str:
        answered = self.answered.isoformat() if self.answered else _("not answered")
        return f"{self.asked.isoformat()} → {answered}"

    def clean(self) -> None:
        if self.answered and self.asked and self.answered < self.asked:
            raise ValidationError({"answered": _("A clarification is answered after it is asked.")})


class Change(models.Model):
    """One recorded change to a disclosure or its documents: who, when and what."""

    disclosure = models.ForeignKey(Disclosure, on_delete=models.CASCADE, related_name="changes")
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("changed by"),
    )
    changed_at = models.DateTimeField(_("changed at"), auto_now_add=True)
    created = models.BooleanField(_("created"), default=False)
    # {field: [before, after]}, as text.
    fields = models.JSONField(_("what changed"), default=dict)

    class Meta:
        ordering = ["-changed_at", "-id"]
        verbose_name = _("change")
        verbose_name_plural = _("history")

    def __str__(self) -> str:
        return f"{self.disclosure.reference} {self.changed_at:%Y-%m-%d %H:%M}"

    def summary(self) -> str:
        if self.created:
            return _("Created")
        return ", ".join(name.replace("_", " ") for name in self.fields)


def document_path(document: Document, filename: str) -> str:
    """A safe stored name: a random name under documents/<year>/, the type's extension.

    The uploaded name is kept only as ``original_name`` for the download's filename; it
    never becomes a path, so nothing an uploader names can traverse or collide.
    """
    return f"documents/{timezone.now():%Y}/{uuid.uuid4().hex}.{document.kind or 'bin'}"


class Document(models.Model):
    """A file released with a disclosure: checked by content, its text made searchable."""

    MEDIA_TYPES = {
        "pdf": "application/pdf",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "xls": "application/vnd.ms-excel",
        "ods": "application/vnd.oasis.opendocument.spreadsheet",
        "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "odt": "application/vnd.oasis.opendocument.text",
        "csv": "text/csv",
        "txt": "text/plain",
    }
    LABELS = {
        "pdf": "PDF",
        "xlsx": "Excel spreadsheet",
        "xls": "Excel 97-2003 spreadsheet",
        "ods": "OpenDocument spreadsheet",
        "docx": "Word document",
        "odt": "OpenDocument text",
        "csv": "CSV spreadsheet",
        "txt": "Plain text",
    }

    disclosure = models.ForeignKey(Disclosure, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to=document_path, max_length=200)
    original_name = models.CharField(max_length=255, editable=False, blank=True)
    kind = models.CharField(_("type"), max_length=8, editable=False)
    size = models.PositiveBigIntegerField(_("size in bytes"), editable=False, default=0)
    text = models.TextField(editable=False, blank=True, default="")
    findings = models.JSONField(_("safety findings"), editable=False, default=list)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    uploaded_at = models.DateTimeField(auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse(
            "disclosures:document",
            kwargs={"reference": self.disclosure.reference, "pk": self.pk},
        )

    @property
    def media_type(self) -> str:
        return self.MEDIA_TYPES.get(self.kind, "application/octet-stream")

    @property
    def kind_label(self) -> str:
        return self.LABELS.get(self.kind, self.kind.upper())

    @property
    def download_name(self) -> str:
        stem = PurePath(self.original_name).stem or slugify(self.title) or "document"
        return f"{stem}.{self.kind}"

    def inspect(self, data: bytes, name: str) -> None:
        """Fill type, size, searchable text and safety findings from the file's bytes.

        Raises ValidationError when the content is not an accepted type or is too big.
        """
        limit = settings.FOILOG_MAX_DOCUMENT_SIZE
        if len(data) > limit:
            raise ValidationError(
                _("The file is %(size)s MB; the limit is %(limit)s MB.")
                % {"size": round(len(data) / 1e6, 1), "limit": round(limit / 1e6, 1)}
            )
        kind = safety.detect_type(data, name)
        if kind is None:
            raise ValidationError(
                _(
                    "This file is not a PDF, Word, Excel, OpenDocument, CSV or text file "
                    "(judged by its content, not its name)."
                )
            )
        self.kind = kind
        self.size = len(data)
        self.original_name = PurePath(name).name[:255]
        self.text = safety.extract_text(data, name).replace("\x00", " ")
        self.findings = [
            {"check": f.check, "message": f.message, "location": f.location}
            for f in safety.check_document(data, name)
        ]

    def findings_list(self) -> list[Finding]:
        return [Finding(**finding) for finding in self.findings]


class SearchWord(models.Model):
    """A word of the public log, for "did you mean" suggestions by trigram similarity,
    with the number of public disclosures holding it.

    Kept by database triggers (``disclosures/sql/vocabulary.sql``) from the text of
    public disclosures only: a draft, a scheduled, a withdrawn or a deleted entry leaves
    no word here, so no suggestion can reveal what it says.
    """

    word = models.CharField(max_length=40, primary_key=True)
    entries = models.IntegerField(default=0)

    class Meta:
        indexes = [
            GinIndex(fields=["word"], name="searchword_trigram", opclasses=["gin_trgm_ops"]),
        ]

    def __str__(self) -> str:
        return self.word


def whole_log_file_path(instance: WholeLogFile, filename: str) -> str:
    """A new random name under downloads/ for each build: a file being served is never
    overwritten while someone downloads it."""
    return f"downloads/{uuid.uuid4().hex}-{filename}"


class WholeLogFile(models.Model):
    """The whole public log as a data file (``/disclosures/export.csv`` or ``.json`` with
    no parameters) for one site address, built by the background worker and served as
    a file, compressed and with an ETag, while the public log is as it was when built:
    a download of a million entries then costs the server what sending a file does.

    ``version`` is the public log's state when the file was built (the validators' own,
    see ``freshness``): any change to what the public may see (a withdrawal included)
    makes the file stale at once, and downloads are made afresh until it is rebuilt.
    """

    class Kind(models.TextChoices):
        CSV = "csv", "CSV"
        JSON = "json", "JSON"

    kind = models.CharField(max_length=4, choices=Kind.choices)
    # Scheme and host the permalinks in the file start with, as downloads asked for it.
    site = models.CharField(max_length=200)
    # '' until first built.
    version = models.CharField(max_length=200, blank=True)
    built_at = models.DateTimeField(null=True, blank=True)
    rows = models.PositiveIntegerField(default=0)
    file = models.FileField(upload_to=whole_log_file_path, max_length=200, blank=True)
    compressed = models.FileField(upload_to=whole_log_file_path, max_length=200, blank=True)
    # Where each row lies in ``file``, by disclosure id: filtered downloads are put
    # together from it (see ``exports._from_built_file``).
    row_places = models.FileField(upload_to=whole_log_file_path, max_length=200, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "site"], name="wholelogfile_one_per_site")
        ]

    def __str__(self) -> str:
        return f"{self.site} {self.kind}"


class PublicChange(models.Model):
    """A change to what the public pages show, noted by database triggers
    (``disclosures/sql/freshness.sql``); the validators of public pages are made of these.

    Changes to drafts, scheduled and withdrawn entries leave no note, so an ETag or a
    Last-Modified never says when an unpublished entry was edited. Rows are only added
    (a save never waits for another) and folded into one by the background worker: the
    sum of ``changes`` is the version of the public log.
    """

    changed_at = models.DateTimeField()
    changes = models.IntegerField(default=1)

    def __str__(self) -> str:
        return f"{self.changes} at {self.changed_at:%Y-%m-%d %H:%M:%S}"


class VocabularyPending(models.Model):
    """A scheduled disclosure whose words join the vocabulary when it is due.

    Nothing in its row changes when its time comes, so no trigger can count it then;
    the background worker does (``disclosures_count_due_words()``).
    """

    disclosure_id = models.BigIntegerField(primary_key=True)
    due_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.disclosure_id} at {self.due_at:%Y-%m-%d %H:%M}"


class FacetSnapshot(models.Model):
    """The public log as the last refresh of the search data saw it, numbered for
    bitmaps (see ``FacetBitmap`` and the ``bitmaps`` module).

    Each public entry has a position, in order of response date then id, so that a range
    of dates is a range of positions. Entries changed since are noted by a trigger (see
    ``SnapshotChange``) and counted over their rows instead.
    """

    taken_at = models.DateTimeField()
    size = models.IntegerField(help_text="Public disclosures numbered.")
    # Little-endian int64 arrays, one value a position: the disclosure's id, and its
    # response date as days since 1970-01-01.
    ids = models.BinaryField()
    days = models.BinaryField()
    # A delta (see ``bitmaps.take_delta``) is taken from a full snapshot: it numbers the
    # entries changed since that one (their ids ascending, as above), those public.
    base = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="deltas"
    )
    covered = models.BinaryField(default=b"")

    def __str__(self) -> str:
        delta = " (delta)" if self.base_id else ""
        return f"{self.size} disclosures at {self.taken_at:%Y-%m-%d %H:%M}{delta}"


class FacetBitmap(models.Model):
    """Which positions of a snapshot hold one facet value, one common word or one common
    phrase of two or three words: a bit per position, packed little-endian into 64-bit
    words."""

    class Kind(models.TextChoices):
        OUTCOME = "o", "outcome"
        YEAR = "y", "year"
        EXEMPTION = "e", "exemption"
        KEYWORD = "k", "keyword"
        TERM = "t", "word"
        PHRASE = "p", "phrase of two or three words"

    snapshot = models.ForeignKey(FacetSnapshot, on_delete=models.CASCADE, related_name="bitmaps")
    kind = models.CharField(max_length=1, choices=Kind.choices)
    # The outcome code, the year, the exemption's or keyword's id, the word as the search
    # vector holds it ('polic'), or the phrase as PostgreSQL writes it ('use' <2> 'forc'),
    # as text.
    key = models.TextField()
    bits = models.BinaryField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["snapshot", "kind", "key"], name="facetbitmap_one_per_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.key}"


class SnapshotChange(models.Model):
    """A published disclosure (or one that was) changed since the last snapshot, noted by
    a trigger (``disclosures/sql/snapshot.sql``): its bits are ignored and it is counted
    over its row.

    Rows are only ever added, never updated, so concurrent saves never wait for each
    other and a snapshot being taken leaves the notes of later saves in place.
    """

    disclosure_id = models.BigIntegerField(db_index=True)

    def __str__(self) -> str:
        return str(self.disclosure_id)
