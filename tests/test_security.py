"""Security headers on every response, and no cookies for the public."""

from html.parser import HTMLParser

import pytest
from django.urls import Resolver404, resolve, reverse

from tests.factories import DisclosureFactory

pytestmark = pytest.mark.django_db

POLICY = {
    "default-src": "'self'",
    "img-src": "'self' data:",
    "style-src": "'self'",
    "script-src": "'self'",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
    "base-uri": "'self'",
    "object-src": "'none'",
}


@pytest.fixture
def log(db):
    """A small log with every kind of public page to visit."""
    DisclosureFactory(reference="FOI/23/1234", keywords=["Drones"], exemptions=["s40-2"])
    DisclosureFactory(reference="GONE-1", withdrawn=True)


PUBLIC_PAGES = [
    "/",
    "/disclosures/",
    "/disclosures/?q=drones&outcome=granted-in-full&exemption=s40-2&keyword=drones"
    "&date_from=2020-01-01&date_to=2030-12-31&sort=oldest&page=1",
    "/disclosures/?outcome=no-such-outcome",
    "/disclosures/?q=FOI/23/1234",
    "/disclosures/FOI/23/1234/",
    "/disclosures/GONE-1/",
    "/keywords/drones/",
    "/exemptions/",
    "/exemptions/s40-2/",
    "/no/such/page/",
    "/disclosures/NO-SUCH-REFERENCE/",
    # Alert pages without a form: only asking for and managing alerts set a cookie.
    "/alerts/subscribe/sent/",
    "/alerts/confirm/no-such-link/",
    "/alerts/manage/no-such-link/",
    "/alerts/unsubscribe/no-such-link/",
]
# The log's other outputs, checked as soon as they exist.
LATER_PAGES = [
    "/disclosures/feed/",
    "/disclosures/export.csv?outcome=granted-in-full",
    "/disclosures/export.json",
    "/api/v1/disclosures/",
    "/api/v1/disclosures/FOI/23/1234/",
    "/sitemap.xml",
    "/statistics/",
    "/about/",
    "/theme.css",
    "/robots.txt",
]


def _exists(url: str) -> bool:
    try:
        return resolve(url.split("?")[0]).url_name != "detail"
    except Resolver404:
        return False


EVERY_PUBLIC_URL = PUBLIC_PAGES + [url for url in LATER_PAGES if _exists(url)]


def directives(header: str) -> dict[str, str]:
    return {
        name: value.strip()
        for name, _, value in (part.strip().partition(" ") for part in header.split(";"))
        if name
    }


@pytest.mark.parametrize("url", EVERY_PUBLIC_URL)
def test_public_pages_set_no_cookies(client, log, url):
    response = client.get(url)
    assert response.status_code < 500
    assert not response.cookies, response.cookies


@pytest.mark.parametrize("url", EVERY_PUBLIC_URL)
def test_public_pages_send_the_content_security_policy(client, log, url):
    header = client.get(url)["Content-Security-Policy"]
    assert directives(header) == POLICY


def test_policy_allows_no_inline_script_or_style(client, log):
    header = client.get("/")["Content-Security-Policy"]
    assert "unsafe-inline" not in header
    assert "unsafe-eval" not in header


def test_pages_may_not_be_framed(client, log):
    assert client.get("/")["X-Frame-Options"] == "DENY"


def test_content_types_are_not_sniffed(client, log):
    assert client.get("/")["X-Content-Type-Options"] == "nosniff"


def test_referrer_is_trimmed_to_the_origin_for_other_sites(client, log):
    assert client.get("/")["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_permissions_policy_denies_powerful_features(client, log):
    header = client.get("/")["Permissions-Policy"]
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert f"{feature}=()" in header


def test_cross_origin_opener_policy_is_same_origin(client, log):
    assert client.get("/")["Cross-Origin-Opener-Policy"] == "same-origin"


def test_hsts_is_sent_over_https(client, log):
    response = client.get("/", secure=True)
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")


def test_plain_http_is_redirected_to_https(client, log, settings):
    settings.SECURE_SSL_REDIRECT = True
    response = client.get("/disclosures/")
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/disclosures/"


class InlineCode(HTMLParser):
    """Collects what a policy without 'unsafe-inline' would block: inline scripts,
    ``<style>`` blocks, ``style`` attributes and ``on…`` handlers."""

    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        script_type = attributes.get("type", "text/javascript")
        if tag == "script" and "src" not in attributes and script_type.endswith("javascript"):
            self.found.append("inline <script>")
        if tag == "style":
            self.found.append("<style>")
        for name in attributes:
            if name == "style" or name.startswith("on"):
                self.found.append(f"{tag} {name}=")


def inline_code(html: str) -> list[str]:
    parser = InlineCode()
    parser.feed(html)
    return parser.found


@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_public_pages_have_no_inline_code(client, log, url):
    assert inline_code(client.get(url).content.decode()) == []


@pytest.mark.parametrize(
    "url", ["/alerts/subscribe/", "/alerts/subscribe/?q=drones&keyword=drones&outcome=refused"]
)
def test_the_alert_form_sets_only_the_csrf_cookie_and_has_no_inline_code(client, log, url):
    response = client.get(url)
    assert list(response.cookies) == ["csrftoken"]
    assert inline_code(response.content.decode()) == []


@pytest.mark.parametrize(
    "url",
    [
        "/admin/",
        "/admin/disclosures/disclosure/",
        "/admin/disclosures/disclosure/add/",
        "/admin/disclosures/exemption/",
        "/admin/disclosures/keyword/add/",
        "/admin/auth/user/",
        "/admin/otp_totp/totpdevice/add/",
    ],
)
def test_admin_pages_have_no_inline_code(admin_client, log, url):
    response = admin_client.get(url)
    assert response.status_code == 200
    assert inline_code(response.content.decode()) == []


def test_admin_change_page_has_no_inline_code(admin_client, log):
    disclosure = DisclosureFactory(draft=True, keywords=["Drones"], exemptions=["s40-2"])
    url = reverse("admin:disclosures_disclosure_change", args=[disclosure.pk])
    assert inline_code(admin_client.get(url).content.decode()) == []


def test_admin_login_page_has_no_inline_code(client):
    assert inline_code(client.get("/admin/login/").content.decode()) == []
