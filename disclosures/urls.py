from django.urls import path

from disclosures import views

app_name = "disclosures"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("disclosures/", views.DisclosureListView.as_view(), name="list"),
    path(
        "disclosures/<path:reference>/documents/<int:pk>/",
        views.DocumentDownloadView.as_view(),
        name="document",
    ),
    # path: references may contain slashes (FOI/23/1234) and spaces.
    path("disclosures/<path:reference>/", views.DisclosureDetailView.as_view(), name="detail"),
    path("keywords/<slug:slug>/", views.KeywordView.as_view(), name="keyword"),
    path("exemptions/", views.ExemptionListView.as_view(), name="exemptions"),
    path("exemptions/<slug:slug>/", views.ExemptionView.as_view(), name="exemption"),
]
