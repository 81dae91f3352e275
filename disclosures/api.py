"""The read-only REST API, ``/api/v1/``, described by an OpenAPI 3 schema.

``/api/v1/disclosures/``               the public log, with the list page's filters
``/api/v1/disclosures/<reference>/``   one disclosure; any reference shape (FOI/23/1234)
``/api/v1/keywords/``                  keywords of public disclosures
``/api/v1/exemptions/``                every exemption, with how often public ones cite it
``/api/v1/outcomes/``                  the outcomes, machine value and label
``/api/v1/timeliness/``                how quickly requests were answered, by quarter and year
``/api/v1/schema/``, ``/api/v1/docs/`` the schema, and a page that reads it

Everything starts from ``Disclosure.objects.public()``; the filters are the list page's
own DisclosureFilter, through django-filter's DRF backend. Anyone may read; nothing can
be written, and no session or cookie is involved.
"""

from __future__ import annotations

import datetime

from django.urls import path
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import APIException, NotFound
from rest_framework.generics import GenericAPIView
from rest_framework.pagination import Cursor, CursorPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from disclosures import timeliness
from disclosures.filters import DisclosureFilter
from disclosures.models import NEWEST_FIRST, Disclosure, Document, Exemption, Keyword, Outcome
from disclosures.results import exemptions_with_public_counts


class AbsoluteURLField(serializers.ReadOnlyField):
    """The object's public page, as an absolute URL."""

    def __init__(self, **kwargs):
        super().__init__(source="get_absolute_url", **kwargs)

    def to_representation(self, value: str) -> str:
        request = self.context.get("request")
        return request.build_absolute_uri(value) if request else value


class ExemptionCitedSerializer(serializers.ModelSerializer):
    class Meta:
        model = Exemption
        fields = ["code", "slug", "name"]


class KeywordTagSerializer(serializers.ModelSerializer):
    class Meta:
        model = Keyword
        fields = ["name", "slug"]


class DisclosureSerializer(serializers.ModelSerializer):
    request = serializers.CharField(source="request_text", help_text=_("What was asked."))
    outcome_label = serializers.CharField(source="get_outcome_display")
    narrative = serializers.CharField(source="response_narrative", help_text=_("The response."))
    exemptions = ExemptionCitedSerializer(many=True)
    keywords = KeywordTagSerializer(many=True)
    url = AbsoluteURLField(help_text=_("The disclosure's page."))

    class Meta:
        model = Disclosure
        fields = [
            "reference",
            "title",
            "request",
            "outcome",
            "outcome_label",
            "exemptions",
            "response_date",
            "narrative",
            "keywords",
            "published_at",
            "updated_at",
            "url",
        ]
        extra_kwargs = {
            "published_at": {"help_text": _("When it was published.")},
            "updated_at": {"help_text": _("When it last changed.")},
            "response_date": {"help_text": _("Null when the log it came from recorded none.")},
        }


class DocumentSerializer(serializers.ModelSerializer):
    media_type = serializers.CharField()
    url = AbsoluteURLField(help_text=_("Downloads the document."))

    class Meta:
        model = Document
        fields = ["title", "kind", "media_type", "size", "url"]


class DisclosureDetailSerializer(DisclosureSerializer):
    documents = DocumentSerializer(many=True, help_text=_("The documents released."))

    class Meta(DisclosureSerializer.Meta):
        fields = [*DisclosureSerializer.Meta.fields, "documents"]


class KeywordSerializer(serializers.ModelSerializer):
    public_count = serializers.IntegerField(help_text=_("Public disclosures with it."))
    url = AbsoluteURLField()

    class Meta:
        model = Keyword
        fields = ["name", "slug", "public_count", "url"]


class ExemptionSerializer(serializers.ModelSerializer):
    public_count = serializers.IntegerField(help_text=_("Public disclosures citing it."))
    url = AbsoluteURLField()

    class Meta:
        model = Exemption
        fields = [
            "code",
            "slug",
            "name",
            "legislation",
            "kind",
            "description",
            "public_count",
            "url",
        ]


class OutcomeSerializer(serializers.Serializer):
    value = serializers.ChoiceField(choices=Outcome.choices)
    label = serializers.CharField()


class DisclosureCursorPagination(CursorPagination):
    """Newest first, as the list page: by response date, then by id. ``sort=oldest``
    walks the other way; relevance is not offered (a cursor needs a fixed order), so a
    search through the API also comes newest first.

    A cursor rather than page numbers: each page is one query that starts from where the
    last one ended, through the index, with no COUNT and no OFFSET, so the thousandth
    page costs what the first does, and disclosures published during a walk do not shift
    the pages. The position is (response date, id), unique, so any number of disclosures
    answered on one day are walked without skipping or repeating any. Entries with no
    response date count as the oldest (``models.NEWEST_FIRST``); their position has an
    empty date.
    """

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
    ordering = NEWEST_FIRST

    def paginate_queryset(self, queryset, request: Request, view=None) -> list[Disclosure]:
        self.request = request
        self.page_size = self.get_page_size(request)
        self.base_url = request.build_absolute_uri()
        self.cursor = self.decode_cursor(request)
        reverse = self.cursor is not None and self.cursor.reverse
        position = self._position(self.cursor)
        newest_first = request.query_params.get("sort") != DisclosureFilter.Sort.OLDEST
        # Walking towards older rows: newest first forwards, or oldest first backwards.
        older = newest_first != reverse
        queryset = queryset.in_date_order(newest_first=older)
        parts = [queryset] if position is None else _beyond(queryset, position, older)
        rows = []
        for part in parts:
            rows += part[: self.page_size + 1 - len(rows)]
            if len(rows) > self.page_size:
                break
        more = len(rows) > self.page_size
        self.page = rows[: self.page_size]
        if reverse:
            self.page.reverse()
            self.has_previous, self.has_next = more, True
        else:
            self.has_previous, self.has_next = position is not None, more
        return self.page

    def _position(self, cursor: Cursor | None) -> tuple[datetime.date | None, int] | None:
        if cursor is None or cursor.position is None:
            return None
        date, _separator, pk = cursor.position.partition("_")
        try:
            return (datetime.date.fromisoformat(date) if date else None), int(pk)
        except ValueError:
            raise NotFound(self.invalid_cursor_message) from None

    def _link(self, row: Disclosure, reverse: bool) -> str:
        date = row.response_date.isoformat() if row.response_date else ""
        position = f"{date}_{row.pk}"
        return self.encode_cursor(Cursor(offset=0, reverse=reverse, position=position))

    def get_next_link(self) -> str | None:
        return self._link(self.page[-1], reverse=False) if self.has_next and self.page else None

    def get_previous_link(self) -> str | None:
        return self._link(self.page[0], reverse=True) if self.has_previous and self.page else None


def _beyond(queryset, position: tuple[datetime.date | None, int], older: bool) -> list:
    """The rows after ``position`` in the walk's order, as querysets read one after the
    other: undated entries are the oldest, and each part has a plain date bound (or
    none), which lets the index start at the position instead of reading every row
    before it."""
    date, pk = position
    undated = queryset.filter(response_date__isnull=True)
    if date is None:
        if older:
            return [undated.filter(id__lt=pk)]
        return [undated.filter(id__gt=pk), queryset.filter(response_date__isnull=False)]
    if older:
        dated = queryset.filter(response_date__lte=date).exclude(response_date=date, id__gte=pk)
        return [dated, undated]
    return [queryset.filter(response_date__gte=date).exclude(response_date=date, id__lte=pk)]


class Gone(APIException):
    status_code = status.HTTP_410_GONE
    default_code = "gone"


# The filters' slugs are checked against the database when used, so the schema cannot
# list them; it points to the endpoints that do.
SLUG_PARAMETERS = [
    OpenApiParameter(
        "exemption",
        {"type": "array", "items": {"type": "string"}},
        description=_("Exemption slugs (see /api/v1/exemptions/); several mean any of them."),
        explode=True,
    ),
    OpenApiParameter(
        "keyword",
        {"type": "array", "items": {"type": "string"}},
        description=_("Keyword slugs (see /api/v1/keywords/); several mean any of them."),
        explode=True,
    ),
    OpenApiParameter(
        "sort",
        OpenApiTypes.STR,
        enum=[DisclosureFilter.Sort.NEWEST, DisclosureFilter.Sort.OLDEST],
        description=_("newest (the default) or oldest first."),
    ),
]
FILTER_ERRORS = OpenApiResponse(
    description=_("A parameter is invalid: each error under the parameter's name.")
)
INVALID_CURSOR = OpenApiResponse(description=_("The cursor is not one this API gave."))


@extend_schema_view(
    list=extend_schema(
        summary=_("Public disclosures, newest first"),
        description=_(
            "The published log with the list page's filters: several values of one filter "
            "mean any of them; different filters must all match. Pages are walked with "
            "the `next` and `previous` links (a cursor), not page numbers."
        ),
        parameters=SLUG_PARAMETERS,
        responses={
            200: DisclosureSerializer(many=True),
            400: FILTER_ERRORS,
            404: INVALID_CURSOR,
        },
    ),
    retrieve=extend_schema(
        summary=_("One public disclosure"),
        parameters=[
            OpenApiParameter(
                "reference",
                OpenApiTypes.STR,
                OpenApiParameter.PATH,
                description=_("As the authority writes it; may contain slashes."),
            )
        ],
        responses={
            200: DisclosureDetailSerializer,
            404: OpenApiResponse(description=_("No public disclosure has that reference.")),
            410: OpenApiResponse(description=_("Withdrawn; `detail` says why.")),
        },
    ),
)
class DisclosureViewSet(viewsets.ReadOnlyModelViewSet):
    filter_backends = [DjangoFilterBackend]
    filterset_class = DisclosureFilter
    pagination_class = DisclosureCursorPagination
    lookup_field = "reference"
    # References hold slashes (FOI/23/1234): the route takes the rest of the path.
    lookup_value_regex = ".+"

    def get_queryset(self):
        return Disclosure.objects.public().without_search_text().with_related()

    def get_serializer_class(self):
        return DisclosureDetailSerializer if self.action == "retrieve" else DisclosureSerializer

    def get_object(self) -> Disclosure:
        """The public disclosure with the reference in the URL; 410 with the public
        reason when it was withdrawn, as its page answers; 404 otherwise."""
        try:
            return (
                self.get_queryset()
                .prefetch_related("documents")
                .public_or_gone(self.kwargs["reference"])
            )
        except Disclosure.Gone as gone:
            raise Gone(gone.disclosure.withdrawn_reason) from None
        except Disclosure.DoesNotExist:
            raise NotFound(_("No public disclosure has that reference.")) from None


class KeywordPagination(CursorPagination):
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 1000
    ordering = "slug"


@extend_schema_view(
    list=extend_schema(
        summary=_("Keywords of public disclosures"),
        responses={200: KeywordSerializer(many=True), 404: INVALID_CURSOR},
    )
)
class KeywordViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """A keyword used only by unpublished disclosures is not listed: its name alone could
    reveal what an unpublished response is about."""

    serializer_class = KeywordSerializer
    pagination_class = KeywordPagination

    def get_queryset(self):
        return Keyword.objects.public().with_public_counts()


@extend_schema_view(list=extend_schema(summary=_("Exemptions, with public counts")))
class ExemptionViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = ExemptionSerializer
    pagination_class = None

    def get_queryset(self):
        return exemptions_with_public_counts()


class OutcomeViewSet(viewsets.ViewSet):
    @extend_schema(summary=_("Outcomes"), responses=OutcomeSerializer(many=True))
    def list(self, request: Request) -> Response:
        outcomes = [{"value": value, "label": str(label)} for value, label in Outcome.choices]
        return Response(OutcomeSerializer(outcomes, many=True).data)


class OutcomeCountsSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    by_outcome = serializers.DictField(
        child=serializers.IntegerField(),
        help_text=_("Count by outcome (machine value), and those whose is not yet known."),
    )


class PeriodSerializer(serializers.Serializer):
    """One quarter's or year's timeliness figures (see ``timeliness.Period``)."""

    period = serializers.CharField(source="label", help_text=_("“2024 Q1”, or “2024”."))
    start = serializers.DateField(allow_null=True)
    end = serializers.DateField(allow_null=True)
    received = serializers.IntegerField(help_text=_("Requests received in the period."))
    answered = serializers.IntegerField(help_text=_("Requests answered in the period."))
    met_deadline = serializers.IntegerField()
    permitted_extension = serializers.IntegerField()
    deadline_exceeded = serializers.IntegerField()
    received_date_unknown = serializers.IntegerField(
        help_text=_("Answers whose time cannot be told; never counted as in time.")
    )
    in_time = serializers.IntegerField()
    in_time_percent = serializers.FloatField(
        allow_null=True, help_text=_("Of the answers whose time is known.")
    )
    median_working_days = serializers.FloatField(allow_null=True)
    percentile_90_working_days = serializers.IntegerField(allow_null=True)
    extended = serializers.IntegerField(help_text=_("Answers whose due date was extended."))
    internal_reviews = serializers.SerializerMethodField()
    commissioner_complaints = serializers.SerializerMethodField()
    decision_notices = serializers.IntegerField()

    @extend_schema_field(OutcomeCountsSerializer)
    def get_internal_reviews(self, period: timeliness.Period) -> dict:
        return _outcome_counts(period.review_counts())

    @extend_schema_field(OutcomeCountsSerializer)
    def get_commissioner_complaints(self, period: timeliness.Period) -> dict:
        return _outcome_counts(period.complaint_counts())


def _outcome_counts(counts: list[tuple[str, str, int]]) -> dict:
    return {
        "total": sum(n for _value, _label, n in counts),
        "by_outcome": {value or "not-yet-known": n for value, _label, n in counts},
    }


class TimelinessSerializer(serializers.Serializer):
    quarters = PeriodSerializer(many=True)
    years = PeriodSerializer(many=True)
    overall = PeriodSerializer(help_text=_("Every answer counted; its dates are null."))


class TimelinessView(GenericAPIView):
    """How quickly requests were answered, per quarter and per year: the figures of
    ``/statistics/timeliness/``, with the list page's filters."""

    filter_backends = [DjangoFilterBackend]
    filterset_class = DisclosureFilter
    pagination_class = None
    serializer_class = TimelinessSerializer

    def get_queryset(self):
        return Disclosure.objects.public()

    @extend_schema(
        summary=_("How quickly requests were answered"),
        description=_(
            "Requests received and answered, answered within the 20 working days, within "
            "a permitted extension, or late, the working days' median and 90th percentile, "
            "extensions, internal reviews and complaints to the Commissioner by outcome, "
            "per quarter and per year of the answer. Answers with no received date are "
            "counted apart, never as in time. Takes the list's filters."
        ),
        filters=True,
        parameters=[p for p in SLUG_PARAMETERS if p.name != "sort"],
        responses={200: TimelinessSerializer, 400: FILTER_ERRORS},
    )
    def get(self, request: Request) -> Response:
        figures = timeliness.figures(self.filter_queryset(self.get_queryset()))
        return Response(TimelinessSerializer(figures).data)


class Router(DefaultRouter):
    # No ".json" suffix routes: a reference may end in ".json".
    include_format_suffixes = False


router = Router()
router.register("disclosures", DisclosureViewSet, basename="disclosure")
router.register("keywords", KeywordViewSet, basename="keyword")
router.register("exemptions", ExemptionViewSet, basename="exemption")
router.register("outcomes", OutcomeViewSet, basename="outcome")

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path(
        "docs/",
        # The page's script is a file of its own, which the content security policy
        # allows; Swagger UI's files are served from here (drf-spectacular-sidecar).
        SpectacularSwaggerSplitView.as_view(
            url_name="api:schema", template_name="disclosures/api_docs.html"
        ),
        name="docs",
    ),
    path("timeliness/", TimelinessView.as_view(), name="timeliness"),
    *router.urls,
]
