from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path

from disclosures import api
from disclosures.freshness import public_page
from disclosures.sitemaps import SITEMAPS, robots_txt
from foilog.health import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("api/v1/", include((api.urlpatterns, "api"))),
    path(
        "sitemap.xml",
        public_page(sitemap_views.index),
        {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap-section"},
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        public_page(sitemap_views.sitemap),
        {"sitemaps": SITEMAPS},
        name="sitemap-section",
    ),
    path("robots.txt", robots_txt, name="robots"),
    path("alerts/", include("alerts.urls")),
    path("", include("disclosures.urls")),
]

# The 500 page is rendered without the database, which may be what failed.
handler500 = "disclosures.views.server_error"
