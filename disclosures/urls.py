from django.urls import path
from django.views.generic import TemplateView

from disclosures import exports, views
from disclosures.feeds import DisclosureFeed
from disclosures.freshness import public_page

app_name = "disclosures"

urlpatterns = [
    path("", public_page(views.HomeView.as_view()), name="home"),
    path("disclosures/", public_page(views.DisclosureListView.as_view()), name="list"),
    # Before the detail route, which would take "feed" for a reference.
    path("disclosures/feed/", public_page(DisclosureFeed()), name="feed"),
    path("disclosures/export.csv", exports.export_csv, name="export-csv"),
    path("disclosures/export.json", exports.export_json, name="export-json"),
    path(
        "disclosures/<path:reference>/documents/<int:pk>/",
        views.DocumentDownloadView.as_view(),
        name="document",
    ),
    # path: references may contain slashes (FOI/23/1234) and spaces.
    path(
        "disclosures/<path:reference>/",
        public_page(views.DisclosureDetailView.as_view()),
        name="detail",
    ),
    path("keywords/<slug:slug>/", public_page(views.KeywordView.as_view()), name="keyword"),
    path("exemptions/", public_page(views.ExemptionListView.as_view()), name="exemptions"),
    path("exemptions/<slug:slug>/", public_page(views.ExemptionView.as_view()), name="exemption"),
    # Not public_page: the months shown move with the calendar, not with the log.
    path("statistics/", views.StatisticsView.as_view(), name="statistics"),
    path("statistics/timeliness/", views.TimelinessView.as_view(), name="timeliness"),
    path("statistics/timeliness.csv", views.TimelinessCSVView.as_view(), name="timeliness-csv"),
    path(
        "about/",
        TemplateView.as_view(template_name="disclosures/about.html"),
        name="about",
    ),
    path("theme.css", views.ThemeStylesheetView.as_view(), name="theme"),
]
