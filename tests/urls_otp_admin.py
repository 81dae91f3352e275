"""The admin as FOILOG_REQUIRE_2FA=true serves it: an OTPAdminSite with foilog's models."""

from django.contrib import admin
from django.urls import include, path
from django_otp.admin import OTPAdminSite

site = OTPAdminSite(name="admin")
site._registry = admin.site._registry  # the same model admins as the default site

urlpatterns = [
    path("admin/", site.urls),
    path("", include("disclosures.urls")),
]
