"""Public pages of the log. Thin: each picks a public QuerySet and hands it to a template."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext

from django.conf import settings
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.template import loader
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.generic import DetailView, ListView, TemplateView, View
from django_filters.views import FilterView

from disclosures import freshness, search, statistics, theme
from disclosures.filters import DisclosureFilter
from disclosures.models import Disclosure, Document, Exemption, Keyword, Legislation
from disclosures.pagination import SafePaginator


class HomeView(TemplateView):
    template_name = "disclosures/home.html"
    latest_count = 8

    def get_context_data(self, **kwargs) -> dict:
        public = Disclosure.objects.public()
        return super().get_context_data(
            latest=public.newest_first().for_summaries()[: self.latest_count],
            total=search.public_total(),
            filter=DisclosureFilter(queryset=public),
            **kwargs,
        )


class PublicDisclosureListMixin:
    """Paginated public disclosures, a page at a time, with the exemptions they cite."""

    paginate_by = settings.FOILOG_PAGE_SIZE
    paginator_class = SafePaginator
    page_kwarg = "page"

    def paginate_queryset(self, queryset, page_size, count: int | None = None):
        """A page of ``queryset``; ``count`` is the number of rows when already known."""
        paginator = self.get_paginator(queryset, page_size)
        if count is not None:
            paginator.count = count
        number = self.request.GET.get(self.page_kwarg)
        paginator.ids_of_rows = self.ids_of_rows(paginator, number)
        # The ids come from the filtered rows: read those rows by id alone (public, as
        # every page's are), as summaries show them.
        paginator.rows_by_id = Disclosure.objects.public().for_summaries()
        with self.reading_page(paginator, number):
            page = paginator.page_or_404(number)
        return paginator, page, page.object_list, page.has_other_pages()

    def ids_of_rows(
        self, paginator: SafePaginator, number: str | None
    ) -> Callable[[int, int], list[int] | None] | None:
        """Another way to the ids of page ``number``'s rows (see ``SafePaginator``): a
        deep page in date order finds them from the bitmaps of the last snapshot (see
        ``search.page_ids``), so that any page costs about what the first does; so does
        any page of a search whose matches' ids were fetched for its counts."""
        in_order = self.in_date_order()
        if in_order is None:
            return None
        results, newest_first = in_order
        deep = paginator.rows_to_read(number) >= search.PAGE_FROM_BITMAPS
        if not (deep or search.matches_fetched(results)):
            return None

        def ids_of_rows(bottom: int, top: int) -> list[int] | None:
            return search.page_ids(results, newest_first, bottom, top, paginator.count)

        return ids_of_rows

    def in_date_order(self) -> tuple[DisclosureFilter, bool] | None:
        """The results as the shared FilterSet reads them, and whether newest first, when
        the page is in date order; None when it is not, or not known so: here."""
        return None

    def reading_page(self, paginator: SafePaginator, number: str | None) -> AbstractContextManager:
        """The settings page ``number``'s rows are read under: none here."""
        return nullcontext()

    def get_context_data(self, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop(self.page_kwarg, None)
        context["query_without_page"] = query.urlencode()
        return context


class DisclosureListView(PublicDisclosureListMixin, FilterView):
    """The published log, filtered by the shared FilterSet. Invalid filters answer 400
    with the page still shown, the valid filters applied and each error explained."""

    filterset_class = DisclosureFilter
    template_name = "disclosures/disclosure_list.html"
    strict = False

    def get_queryset(self):
        return Disclosure.objects.public()

    def get(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        # A reference typed in the search box goes straight to that disclosure.
        query = search.clean_query(request.GET.get("q", ""))
        if set(request.GET) <= {"q"} and query:
            found = search.find_reference(Disclosure.objects.public(), query)
            if found is not None:
                return redirect(found)
        response = super().get(request, *args, **kwargs)
        if self.filterset.is_bound and not self.filterset.is_valid():
            response.status_code = 400
        return response

    def paginate_queryset(self, queryset, page_size):
        # The facets' one pass over the matches also counts them: the paginator need not.
        # Every page and order of a search shares them, so they are kept between pages.
        self.facets = freshness.kept_while_unchanged(
            self.request,
            ("facets", self.filterset.facet_key()),
            lambda: search.facet_counts(self.filterset),
        )
        self.too_many_to_rank = (
            self.filterset.current_sort == DisclosureFilter.Sort.RELEVANCE
            and self.facets.total > search.RANK_LIMIT
        )
        if self.too_many_to_rank:
            queryset = queryset.newest_first()
        elif self.filterset.current_sort == DisclosureFilter.Sort.RELEVANCE:
            ranked = search.ranked_by_id(self.filterset)
            queryset = queryset if ranked is None else ranked
        return super().paginate_queryset(queryset, page_size, count=self.facets.total)

    def in_date_order(self) -> tuple[DisclosureFilter, bool] | None:
        sort = self.filterset.current_sort
        if sort == DisclosureFilter.Sort.RELEVANCE and not self.too_many_to_rank:
            return None
        return self.filterset, sort != DisclosureFilter.Sort.OLDEST

    def reading_page(self, paginator: SafePaginator, number: str | None) -> AbstractContextManager:
        """A page of a search in date order not found from bitmaps walks the date index,
        if that reads few rows (see ``search.walking_the_date_index``)."""
        in_date_order = self.in_date_order() is not None
        if not (in_date_order and self.filterset.query_text) or paginator.ids_of_rows:
            return super().reading_page(paginator, number)
        return search.walking_the_date_index(paginator.count, paginator.rows_to_read(number))

    def get_context_data(self, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        query = self.filterset.query_text
        search.add_headlines(context["page_obj"].object_list, query)
        context.update(
            facets=self.facets,
            too_many_to_rank=self.too_many_to_rank,
            rank_limit=search.RANK_LIMIT,
            suggestion=search.suggest(query, Disclosure.objects.public()) if query else None,
            sort_choices=DisclosureFilter.Sort.CHOICES,
            current_sort=(
                DisclosureFilter.Sort.NEWEST
                if self.too_many_to_rank
                else self.filterset.current_sort
            ),
            has_filters=any(
                self.request.GET.get(name)
                for name in self.filterset.filters
                if name not in ("q", "sort")
            ),
        )
        return context


class DisclosureDetailView(DetailView):
    """One public disclosure. A withdrawn one answers 410 Gone with its public reason."""

    template_name = "disclosures/disclosure_detail.html"
    context_object_name = "disclosure"

    def get(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        reference = self.kwargs["reference"]
        if "\x00" in reference:  # PostgreSQL cannot even compare text holding NUL.
            raise Http404(_("No published disclosure has that reference."))
        withdrawn = Disclosure.objects.filter(
            reference=reference, status=Disclosure.Status.WITHDRAWN
        ).first()
        if withdrawn is not None:
            return render(
                request, "disclosures/disclosure_gone.html", {"disclosure": withdrawn}, status=410
            )
        return super().get(request, *args, **kwargs)

    def get_object(self, queryset=None) -> Disclosure:
        reference = self.kwargs["reference"]
        disclosure = (
            Disclosure.objects.public()
            .with_related()
            .prefetch_related("documents")
            .filter(reference=reference)
            .first()
        )
        if disclosure is None:
            raise Http404(_("No published disclosure has the reference %s.") % reference[:100])
        return disclosure


class DocumentDownloadView(View):
    """A released document, only while its disclosure is public. Files are never served
    straight from storage, so a draft's documents cannot be fetched by address."""

    def get(self, request: HttpRequest, reference: str, pk: int) -> FileResponse:
        document = get_object_or_404(
            Document.objects.filter(disclosure__in=Disclosure.objects.public()),
            pk=pk,
            disclosure__reference=reference.replace("\x00", ""),
        )
        return FileResponse(
            document.file.open("rb"),
            as_attachment=True,
            filename=document.download_name,
            content_type=document.media_type,
        )


class FilteredLogMixin(PublicDisclosureListMixin):
    """The public log filtered by one value of one filter, newest first (the disclosures
    with a keyword, say), counted and paged as the list is: the number from the counts
    kept or the snapshot's bitmaps, a deep page from the bitmaps."""

    def filtered_log(self, name: str, slug: str) -> DisclosureFilter:
        self.results = DisclosureFilter(
            QueryDict(urlencode({name: slug})), queryset=Disclosure.objects.public()
        )
        return self.results

    def paginate_queryset(self, queryset, page_size):
        count = search.result_count(self.results)
        return super().paginate_queryset(queryset, page_size, count=count)

    def in_date_order(self) -> tuple[DisclosureFilter, bool]:
        return self.results, True


class KeywordView(FilteredLogMixin, ListView):
    """Disclosures tagged with one keyword. A keyword used only by unpublished entries
    does not exist to the public: its name alone could reveal a draft's subject."""

    template_name = "disclosures/keyword_detail.html"

    def get_queryset(self):
        self.keyword = get_object_or_404(Keyword.objects.public(), slug=self.kwargs["slug"])
        return self.filtered_log("keyword", self.keyword.slug).qs

    def get_context_data(self, **kwargs) -> dict:
        return super().get_context_data(keyword=self.keyword, **kwargs)


class ExemptionListView(ListView):
    template_name = "disclosures/exemption_list.html"
    context_object_name = "exemptions"

    def get_queryset(self):
        return Legislation.exemptions_listed(search.exemptions_with_public_counts())


class ExemptionView(FilteredLogMixin, ListView):
    template_name = "disclosures/exemption_detail.html"

    def get_queryset(self):
        self.exemption = get_object_or_404(
            Exemption.objects.select_related("legislation"), slug=self.kwargs["slug"]
        )
        return self.filtered_log("exemption", self.exemption.slug).qs

    def get_context_data(self, **kwargs) -> dict:
        return super().get_context_data(exemption=self.exemption, **kwargs)


class StatisticsView(TemplateView):
    """Figures about the published log. They follow the list's filters (the same
    FilterSet over the public disclosures); invalid filters answer 400, with the figures
    for the valid ones and each error explained, as on the list."""

    template_name = "disclosures/statistics.html"

    def get(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        self.filterset = DisclosureFilter(request.GET or None, queryset=Disclosure.objects.public())
        response = super().get(request, *args, **kwargs)
        if self.filterset.is_bound and not self.filterset.is_valid():
            response.status_code = 400
        return response

    def get_context_data(self, **kwargs) -> dict:
        today = timezone.localdate()
        # The months shown end with the filter's last date, so a past period is charted.
        end = min(today, self.filterset.cleaned("date_to", today))
        figures = statistics.figures_for(self.filterset, end=end)
        return super().get_context_data(
            filter=self.filterset,
            figures=figures,
            charts=statistics.charts(figures),
            facets=search.facet_counts(self.filterset),
            has_filters=any(
                self.request.GET.get(name) for name in self.filterset.filters if name != "sort"
            ),
            **kwargs,
        )


class ThemeStylesheetView(View):
    """``/theme.css``: the authority's brand colour as CSS custom properties (see
    ``disclosures/theme.py``). Kept for a year when asked for by its current version."""

    def get(self, request: HttpRequest) -> HttpResponse:
        colour = settings.FOILOG_AUTHORITY.get("brand_colour", "")
        response = HttpResponse(theme.stylesheet(colour), content_type="text/css; charset=utf-8")
        if request.GET.get("v") == theme.version(colour):
            patch_cache_control(response, public=True, max_age=365 * 24 * 3600, immutable=True)
        else:
            patch_cache_control(response, public=True, max_age=300)
        return response


def server_error(request: HttpRequest) -> HttpResponse:
    """The 500 page. Rendered without context processors or anything else that could need
    the database (which may be what failed): only the authority's contacts from settings."""
    html = loader.get_template("500.html").render({"authority": settings.FOILOG_AUTHORITY})
    return HttpResponse(html, status=500)
