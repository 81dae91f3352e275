"""The admin site, chosen by settings: with ``FOILOG_REQUIRE_2FA`` every staff member must
give a TOTP code as well as a password to sign in."""

from django.contrib.admin.apps import AdminConfig


class OTPAdminConfig(AdminConfig):
    # OTPAdminSite refuses a staff member whose session was not verified with a second
    # factor, on every page, not only at sign-in.
    default_site = "django_otp.admin.OTPAdminSite"
