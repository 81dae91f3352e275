"""Public pages of the log. Thin: each takes its results (``Results``) or one disclosure
and hands them to a template."""

from __future__ import annotations

import csv
from functools import partial

from django.conf import settings
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.template import loader
from django.utils import timezone, translation
from django.utils.cache import patch_cache_control
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.generic import TemplateView, View

from disclosures import freshness, search, statistics, theme, time_limits, timeliness
from disclosures.filters import DisclosureFilter
from disclosures.models import Disclosure, Document, Exemption, Keyword, Legislation
from disclosures.results import Results, exemptions_with_public_counts


class ResultsView(TemplateView):
    """A page of results of the public log (``self.results``, made by ``get_results``).
    An invalid parameter answers 400 with the page still shown, the valid parameters
    applied and each error explained."""

    def get_results(self) -> Results:
        return self.results_for(self.request.GET)

    def results_for(self, data: QueryDict | None) -> Results:
        # Counts are kept between the pages and orders of one search (freshness).
        return Results(data, keep=partial(freshness.kept_while_unchanged, self.request))

    def get(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        self.results = self.get_results()
        response = super().get(request, *args, **kwargs)
        if self.results.invalid:
            response.status_code = 400
        return response

    def paged_context(self) -> dict:
        """The context of a page of results: the page, its paginator, the filter."""
        page = self.results.page(self.request.GET.get("page"))
        return {
            "filter": self.results.filterset,
            "page_obj": page,
            "paginator": page.paginator,
            "object_list": page.object_list,
            "is_paginated": page.has_other_pages(),
        }


class HomeView(ResultsView):
    template_name = "disclosures/home.html"
    latest_count = 8

    def get_results(self) -> Results:
        return self.results_for(None)

    def get_context_data(self, **kwargs) -> dict:
        latest = Disclosure.objects.public().newest_first().for_summaries()
        return super().get_context_data(
            latest=latest[: self.latest_count],
            total=self.results.total,
            filter=self.results.filterset,
            **kwargs,
        )


class DisclosureListView(ResultsView):
    """The published log, searched and filtered through the shared FilterSet."""

    template_name = "disclosures/disclosure_list.html"

    def get(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        # A reference typed in the search box goes straight to that disclosure.
        query = search.clean_query(request.GET.get("q", ""))
        if set(request.GET) <= {"q"} and query:
            found = search.find_reference(Disclosure.objects.public(), query)
            if found is not None:
                return redirect(found)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs) -> dict:
        results = self.results
        return super().get_context_data(
            **self.paged_context(),
            facets=results.facets,
            too_many_to_rank=results.too_many_to_rank,
            rank_limit=search.RANK_LIMIT,
            suggestion=results.suggestion(),
            sort_choices=DisclosureFilter.Sort.CHOICES,
            current_sort=results.current_sort,
            has_filters=results.has_filters(),
            **kwargs,
        )


class DisclosureDetailView(TemplateView):
    """One public disclosure. A withdrawn one answers 410 Gone with its public reason."""

    template_name = "disclosures/disclosure_detail.html"

    def get(self, request: HttpRequest, reference: str) -> HttpResponse:
        try:
            disclosure = (
                Disclosure.objects.with_related()
                .prefetch_related("documents", "clarifications")
                .public_or_gone(reference)
            )
        except Disclosure.Gone as gone:
            return render(
                request,
                "disclosures/disclosure_gone.html",
                {"disclosure": gone.disclosure},
                status=410,
            )
        except Disclosure.DoesNotExist:
            raise Http404(
                _("No published disclosure has the reference %s.") % reference[:100]
            ) from None
        return self.render_to_response(self.get_context_data(disclosure=disclosure))

    def get_context_data(self, **kwargs) -> dict:
        return super().get_context_data(
            commissioner=time_limits.authority_law().commissioner, **kwargs
        )


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


class FilteredLogView(ResultsView):
    """The public log filtered by one value of one filter, newest first (the disclosures
    with a keyword, say), counted and paged as the list is."""

    filter_name: str

    def get_results(self) -> Results:
        return self.results_for(QueryDict(urlencode({self.filter_name: self.kwargs["slug"]})))

    def get_context_data(self, **kwargs) -> dict:
        return super().get_context_data(**self.paged_context(), **kwargs)


class KeywordView(FilteredLogView):
    """Disclosures tagged with one keyword. A keyword used only by unpublished entries
    does not exist to the public: its name alone could reveal a draft's subject."""

    template_name = "disclosures/keyword_detail.html"
    filter_name = "keyword"

    def get(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        self.keyword = get_object_or_404(Keyword.objects.public(), slug=kwargs["slug"])
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs) -> dict:
        return super().get_context_data(keyword=self.keyword, **kwargs)


class ExemptionListView(TemplateView):
    template_name = "disclosures/exemption_list.html"

    def get_context_data(self, **kwargs) -> dict:
        exemptions = Legislation.exemptions_listed(exemptions_with_public_counts())
        return super().get_context_data(exemptions=exemptions, **kwargs)


class ExemptionView(FilteredLogView):
    template_name = "disclosures/exemption_detail.html"
    filter_name = "exemption"

    def get(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        self.exemption = get_object_or_404(
            Exemption.objects.select_related("legislation"), slug=kwargs["slug"]
        )
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs) -> dict:
        return super().get_context_data(exemption=self.exemption, **kwargs)


class FiguresView(ResultsView):
    """Figures about the published log that follow the list's filters (the same
    FilterSet over the public disclosures), beside the list's filter panel."""

    def get_context_data(self, **kwargs) -> dict:
        results = self.results
        return super().get_context_data(
            filter=results.filterset,
            facets=results.facets,
            has_filters=results.has_filters(besides=("sort",)),
            **kwargs,
        )


class StatisticsView(FiguresView):
    """Disclosures per month and year, outcomes, the exemptions and keywords used most."""

    template_name = "disclosures/statistics.html"

    def get_context_data(self, **kwargs) -> dict:
        today = timezone.localdate()
        # The months shown end with the filter's last date, so a past period is charted.
        end = min(today, self.results.filterset.cleaned("date_to", today))
        figures = statistics.figures_of(self.results.tallies, end=end)
        return super().get_context_data(
            figures=figures, charts=statistics.charts(figures), **kwargs
        )


class TimelinessView(FiguresView):
    """How quickly requests were answered, per quarter and per year (the section 45 code
    of practice's request-handling statistics), with the list's filters."""

    template_name = "disclosures/timeliness.html"

    def get_context_data(self, **kwargs) -> dict:
        figures = timeliness.figures(self.results.filterset.qs)
        law = time_limits.authority_law()
        return super().get_context_data(
            figures=figures,
            charts=timeliness.charts(figures, law.commissioner),
            law=law,
            **kwargs,
        )


class TimelinessCSVView(View):
    """The quarterly timeliness figures as CSV, with the list's filters; 400 with the
    reasons, in plain text, when a parameter is invalid, as the downloads answer."""

    def get(self, request: HttpRequest) -> HttpResponse:
        results = Results(request.GET)
        if (bad_request := results.bad_request()) is not None:
            return bad_request
        figures = timeliness.figures(results.filterset.qs)
        # Headings in English whatever the page's language, as the government's tables.
        with translation.override("en-gb"):
            table = timeliness.csv_table(figures.quarters)
        filename = f"timeliness-{timezone.localdate():%Y-%m-%d}.csv"
        response = HttpResponse(
            content_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{filename}"'},
        )
        # A byte-order mark, so that Excel reads the file as UTF-8 (see exports.LAYOUTS).
        response.write("\ufeff")
        csv.writer(response).writerows(table)
        return response


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
