"""The pages around the log: About, the error pages, the theme, titles and the layout."""

import re

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse

from disclosures import theme
from disclosures.views import server_error
from tests.factories import DisclosureFactory

pytestmark = pytest.mark.django_db

AUTHORITY = {
    "name": "Borsetshire County Council",
    "url": "https://www.borsetshire.example/",
    "foi_email": "information@borsetshire.example",
    "foi_address": "Information Governance, County Hall, Borchester BC1 1AA",
    "logo": "",
    "brand_colour": "#7a1f5c",
}


@pytest.fixture
def authority(settings):
    settings.FOILOG_AUTHORITY = AUTHORITY
    return AUTHORITY


def title(response) -> str:
    return re.search(r"<title>(.*?)</title>", response.content.decode(), re.S).group(1)


# --- About -------------------------------------------------------------------------------


def test_about_page_shows_the_contacts_from_settings(client, authority):
    response = client.get(reverse("disclosures:about"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'href="mailto:information@borsetshire.example"' in html
    assert "Information Governance, County Hall, Borchester BC1 1AA" in html
    assert 'href="https://www.borsetshire.example/"' in html
    assert "How to make a Freedom of Information request" in html


def test_about_page_is_linked_from_every_footer(client):
    html = client.get(reverse("disclosures:home")).content.decode()
    footer = html[html.index('<footer class="site-footer">') :]
    assert f'href="{reverse("disclosures:about")}"' in footer


# --- Error pages -------------------------------------------------------------------------


def test_404_page_explains_and_offers_a_search(client):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "<h1>Page not found</h1>" in html
    assert 'role="search"' in html
    assert "Resolver404" not in html
    assert title(response) == "Page not found – Disclosure log – Example Constabulary"


def test_404_page_keeps_a_helpful_message(client):
    html = client.get("/disclosures/FOI/99/9999/").content.decode()
    assert "No published disclosure has the reference FOI/99/9999." in html


def test_410_page_gives_the_reason_and_what_to_do_next(client, authority):
    disclosure = DisclosureFactory(withdrawn=True, reference="FOI-7")
    response = client.get(disclosure.get_absolute_url())
    assert response.status_code == 410
    html = response.content.decode()
    assert "This disclosure has been withdrawn" in html
    assert "Published in error: it named a member of staff." in html
    assert "mailto:information@borsetshire.example" in html
    assert title(response).startswith("Disclosure withdrawn (FOI-7) – Disclosure log")


def test_500_page_renders_from_settings_alone(
    rf: RequestFactory, authority, django_assert_num_queries
):
    with django_assert_num_queries(0):
        response = server_error(rf.get("/"))
    assert response.status_code == 500
    html = response.content.decode()
    assert "Sorry, there is a problem with the service" in html
    assert "mailto:information@borsetshire.example" in html
    assert "Borsetshire County Council" in html


def test_500_template_renders_without_any_context():
    html = render_to_string("500.html")
    assert "<h1>Sorry, there is a problem with the service</h1>" in html
    assert "{%" not in html


def test_500_handler_is_installed():
    from foilog import urls

    assert urls.handler500 == "disclosures.views.server_error"


# --- Titles say where you are ------------------------------------------------------------


def test_home_title_names_the_log_and_the_authority(client):
    assert title(client.get("/")) == "Freedom of Information disclosure log – Example Constabulary"


def test_search_title_gives_the_words_and_the_page(client):
    DisclosureFactory.create_batch(25, title="Drones in use")
    response = client.get(reverse("disclosures:list"), {"q": "drones", "page": 2})
    assert title(response) == (
        "Search results for “drones” – page 2 – Disclosure log – Example Constabulary"
    )


def test_title_says_error_when_filters_are_invalid(client):
    response = client.get(reverse("disclosures:list"), {"outcome": "bogus"})
    assert title(response).startswith("Error: All disclosures – Disclosure log")


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("/disclosures/", "All disclosures – Disclosure log – Example Constabulary"),
        ("/exemptions/", "Exemptions – Disclosure log – Example Constabulary"),
        ("/statistics/", "Statistics – Disclosure log – Example Constabulary"),
        (
            "/statistics/?outcome=not-held",
            "Statistics for filtered disclosures – Disclosure log – Example Constabulary",
        ),
        (
            "/about/",
            "About this log and how to make a request – Disclosure log – Example Constabulary",
        ),
    ],
)
def test_page_titles(client, url, expected):
    assert title(client.get(url)) == expected


def test_detail_title_names_the_disclosure(client):
    disclosure = DisclosureFactory(title="Drone fleet", reference="FOI-1")
    assert title(client.get(disclosure.get_absolute_url())) == (
        "Drone fleet (FOI-1) – Disclosure log – Example Constabulary"
    )


# --- Layout ------------------------------------------------------------------------------


def test_every_page_has_landmarks_skip_link_and_language(client):
    html = client.get("/disclosures/").content.decode()
    assert '<html lang="en-GB">' in html
    assert '<a class="skip-link" href="#main">' in html
    assert '<main id="main"' in html
    assert "<header" in html and "<footer" in html and 'aria-label="Main"' in html


def test_header_shows_authority_name_and_logo(client, settings):
    settings.FOILOG_AUTHORITY = {**AUTHORITY, "logo": "img/crest.svg"}
    html = client.get("/").content.decode()
    assert 'href="https://www.borsetshire.example/"' in html
    assert '<img src="/static/img/crest.svg" alt="" class="site-header__logo">' in html
    assert "<span>Borsetshire County Council</span>" in html


def test_breadcrumbs_are_written_once_and_mark_the_current_page(client):
    disclosure = DisclosureFactory(reference="FOI-9")
    html = client.get(disclosure.get_absolute_url()).content.decode()
    crumbs = html[
        html.index('<nav class="breadcrumbs"') : html.index("</nav>", html.index("breadcrumbs"))
    ]
    assert '<a href="/">Home</a>' in crumbs
    assert '<a href="/disclosures/">All disclosures</a>' in crumbs
    assert '<li aria-current="page">FOI-9</li>' in crumbs


def test_current_section_is_marked_in_the_navigation(client):
    html = client.get("/exemptions/").content.decode()
    assert 'href="/exemptions/" aria-current="page"' in html


def test_pagination_numbers_pages_and_marks_the_current_one(client):
    DisclosureFactory.create_batch(61)  # four pages of 20
    html = client.get("/disclosures/", {"page": 2, "outcome": "granted-in-full"}).content.decode()
    nav = html[html.index('<nav class="pagination"') :]
    nav = nav[: nav.index("</nav>")]
    assert 'rel="prev" href="?page=1&amp;outcome=granted-in-full"' in nav or (
        'rel="prev" href="?outcome=granted-in-full&amp;page=1"' in nav
    )
    assert re.search(r'aria-current="page"><span class="visually-hidden">Page </span>2</a>', nav)
    assert nav.count('class="pagination__link"') == 4 + 2  # pages 1-4, previous, next
    assert "Showing 21 to 40 of 61" in html


@pytest.mark.parametrize("url", ["/", "/disclosures/", "/exemptions/", "/about/", "/nowhere/"])
def test_pages_have_no_inline_styles_or_scripts(client, url):
    DisclosureFactory(exemptions=["s40-2"], keywords=["Drones"])
    html = client.get(url).content.decode()
    assert not re.search(r"\sstyle=", html)
    assert "<style" not in html and "<script" not in html


def test_page_language_stays_english_until_the_text_is_translated(client):
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="cy").content.decode()
    assert '<html lang="en-GB">' in html


# --- Theme -------------------------------------------------------------------------------


def test_theme_stylesheet_sets_the_brand_colour_from_settings(client, authority):
    response = client.get(reverse("disclosures:theme"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/css; charset=utf-8"
    css = response.content.decode()
    assert "--brand: #7a1f5c;" in css
    assert "max-age=300" in response["Cache-Control"]


def test_theme_stylesheet_is_cached_for_a_year_at_its_versioned_address(client, authority):
    html = client.get("/").content.decode()
    href = re.search(r'<link rel="stylesheet" href="(/theme\.css\?v=\w+)">', html).group(1)
    response = client.get(href)
    assert "max-age=31536000" in response["Cache-Control"]
    assert "immutable" in response["Cache-Control"]


@pytest.mark.parametrize("colour", ["red; } body { display: none", "#12345", "", "url(x)"])
def test_an_invalid_brand_colour_falls_back_to_the_default(colour):
    css = theme.stylesheet(colour)
    assert f"--brand: {theme.DEFAULT_BRAND_COLOUR};" in css
    assert colour not in css or colour == ""


@pytest.mark.parametrize("colour", ["#1d4f91", "#ffdd00", "#ffffff", "#00ff00", "#d4351c", "#777"])
def test_theme_colours_keep_aa_contrast_whatever_the_brand(colour):
    chosen = theme.theme_for(colour)
    rgb = theme.parse_colour
    assert theme.contrast_ratio(rgb(chosen.on_brand), rgb(chosen.brand)) >= 4.5
    assert theme.contrast_ratio(rgb(chosen.link), theme.WHITE) >= 4.5
    assert theme.contrast_ratio(rgb(chosen.link), theme.LIGHT_GREY) >= 4.5


def test_contrast_ratio_matches_wcag_examples():
    assert round(theme.contrast_ratio((0, 0, 0), (255, 255, 255)), 1) == 21.0
    assert round(theme.contrast_ratio((118, 118, 118), (255, 255, 255)), 2) == 4.54
