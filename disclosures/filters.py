"""The one FilterSet of the log, shared by the HTML list and every data view.

Within a filter, several values mean "any of them" (outcome is granted OR not held);
different filters combine with AND. Exemptions and keywords are matched on the ids the
disclosure row carries (``exemption_ids && ...``), so a disclosure citing two chosen
exemptions appears once, with no join and no DISTINCT.
"""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from disclosures import search
from disclosures.models import Disclosure, Exemption, Keyword, Outcome, date_range_validators


class SlugMultipleChoiceField(forms.MultipleChoiceField):
    """Accepts any slugs and reports the unknown ones, checked in one query per field,
    which also finds their ids (``ids_of``)."""

    def __init__(self, *args, queryset=None, noun: str = "", **kwargs):
        self.queryset = queryset
        self.noun = noun
        self.id_of_slug: dict[str, int] = {}
        super().__init__(*args, **kwargs)

    def validate(self, value: list[str]) -> None:
        if self.required and not value:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        if not value:
            # Nothing to look up: an empty IN() sends no query, but is still compiled.
            self.id_of_slug = {}
            return
        # PostgreSQL cannot even compare text holding NUL, and no slug holds one.
        candidates = [slug for slug in value if "\x00" not in slug]
        self.id_of_slug = dict(self.queryset.filter(slug__in=candidates).values_list("slug", "pk"))
        unknown = [slug for slug in value if slug not in self.id_of_slug]
        if unknown:
            raise forms.ValidationError(
                _("There is no %(noun)s called %(values)s."),
                code="invalid_choice",
                params={"noun": self.noun, "values": ", ".join(sorted(unknown))},
            )

    def ids_of(self, slugs: list[str]) -> list[int]:
        """The ids of validated slugs."""
        return [self.id_of_slug[slug] for slug in slugs]


class SlugMultipleFilter(django_filters.MultipleChoiceFilter):
    field_class = SlugMultipleChoiceField


class DisclosureFilter(django_filters.FilterSet):
    class Sort:
        NEWEST = "newest"
        OLDEST = "oldest"
        RELEVANCE = "relevance"
        CHOICES = [
            (NEWEST, _("Newest first")),
            (OLDEST, _("Oldest first")),
            (RELEVANCE, _("Most relevant")),
        ]

    q = django_filters.CharFilter(label=_("Search the log"), method="filter_q", strip=True)
    outcome = django_filters.MultipleChoiceFilter(
        label=_("Outcome"),
        choices=Outcome.choices,
        widget=forms.CheckboxSelectMultiple,
        # A row has one outcome: no duplicates to remove, and DISTINCT would sort every
        # match before the first page could be read.
        distinct=False,
    )
    exemption = SlugMultipleFilter(
        label=_("Exemption"),
        method="filter_exemption",
        queryset=Exemption.objects.all(),
        noun=_("exemption"),
    )
    keyword = SlugMultipleFilter(
        label=_("Keyword"),
        method="filter_keyword",
        queryset=Keyword.objects.public(),
        noun=_("keyword"),
    )
    date_from = django_filters.DateFilter(
        label=_("Responded on or after"),
        field_name="response_date",
        lookup_expr="gte",
        input_formats=["%Y-%m-%d"],
        validators=date_range_validators(),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    date_to = django_filters.DateFilter(
        label=_("Responded on or before"),
        field_name="response_date",
        lookup_expr="lte",
        input_formats=["%Y-%m-%d"],
        validators=date_range_validators(),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    sort = django_filters.ChoiceFilter(
        label=_("Sort by"),
        choices=Sort.CHOICES,
        method="filter_sort",
        empty_label=None,
    )

    class Meta:
        model = Disclosure
        fields: list[str] = []

    def __init__(self, data=None, *args, **kwargs):
        self.query_was_shortened = False
        if data is not None and "q" in data:
            data = data.copy()
            query = search.clean_query(data["q"])
            if len(query) > search.MAX_QUERY_LENGTH:
                query = search.shorten_query(query)
                self.query_was_shortened = True
            data["q"] = query
        super().__init__(data, *args, **kwargs)

    def cleaned(self, name: str, default=None):
        """The validated value of one filter, or ``default`` if it is absent or invalid."""
        if not self.is_bound:
            return default
        self.form.is_valid()
        value = self.form.cleaned_data.get(name)
        return default if value in (None, "", []) else value

    @property
    def query_text(self) -> str:
        """The search words in force, or '' when the search box is empty or invalid."""
        return self.cleaned("q", "")

    def error_text(self) -> str:
        """Every error in the parameters, one per line: the plain-text answer of the feed
        and the downloads, which have no page to explain them on."""
        return "\n".join(str(error) for errors in self.errors.values() for error in errors)

    @property
    def current_sort(self) -> str:
        """The order in force: relevance when searching, newest first otherwise."""
        default = self.Sort.RELEVANCE if self.query_text else self.Sort.NEWEST
        return self.cleaned("sort", default)

    def filtered_without(self, *excluded: str) -> QuerySet:
        """The results with every valid filter applied except ``excluded``, unordered.

        Facet counts use it: the count beside an option says how many results choosing
        that option leaves, so a facet ignores its own filter.
        """
        queryset = self.queryset.all()
        if not self.is_bound:
            return queryset
        self.form.is_valid()
        for name, value in self.form.cleaned_data.items():
            if name in excluded or name == "sort" or value in (None, "", []):
                continue
            queryset = self.filters[name].filter(queryset, value)
        return queryset

    def filter_q(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return search.search(queryset, value) if value else queryset

    def filter_exemption(self, queryset: QuerySet, name: str, value: list[str]) -> QuerySet:
        return queryset.filter(self.condition(name, value))

    def filter_keyword(self, queryset: QuerySet, name: str, value: list[str]) -> QuerySet:
        return queryset.filter(self.condition(name, value))

    def condition(self, name: str, value) -> Q:
        """The condition one valid filter puts on a disclosure, for the filters facets
        ignore one at a time (see ``counting.counts``)."""
        if name == "outcome":
            return Q(outcome__in=value)
        if name in ("exemption", "keyword"):
            # The ids themselves, not a subquery: the planner then knows from the
            # column's statistics how common they are, and whether to walk the date
            # index or gather the matches from the index of ids.
            return Q(**{f"{name}_ids__overlap": self.form.fields[name].ids_of(value)})
        if name == "date_from":
            return Q(response_date__gte=value)
        if name == "date_to":
            return Q(response_date__lte=value)
        raise ValueError(f"{name} is not a filter facets ignore")

    def facet_key(self) -> tuple:
        """What the facet counts depend on: the valid filters and the search, not the
        order or the page."""
        if not self.is_bound:
            return ()
        self.form.is_valid()
        return tuple(
            (name, sorted(value) if isinstance(value, list) else str(value))
            for name, value in sorted(self.form.cleaned_data.items())
            if name != "sort" and value not in (None, "", [])
        )

    def conditions(self, *names: str) -> dict[str, Q]:
        """The conditions of the valid filters in force among ``names``, by name."""
        if not self.is_bound:
            return {}
        self.form.is_valid()
        values = self.form.cleaned_data
        return {
            name: self.condition(name, values[name])
            for name in names
            if values.get(name) not in (None, "", [])
        }

    def filter_sort(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        # Ordering is applied in filter_queryset, after every filter has run.
        return queryset

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        queryset = super().filter_queryset(queryset)
        sort = self.current_sort
        if sort == self.Sort.RELEVANCE and self.query_text:
            return search.by_relevance(queryset, self.query_text)
        return queryset.in_date_order(newest_first=sort != self.Sort.OLDEST)
