"""A person using the public site in a real browser: on a phone and on a desktop, with a
mouse or only a keyboard, and with axe-core checking every kind of page."""

from __future__ import annotations

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from tests.browser.conftest import DESKTOP, PHONE, VIEWPORTS, screenshot

pytestmark = [
    pytest.mark.browser,
    # The live server reads what the tests write, so each test commits; the data the
    # migrations seed (the exemptions) is restored after the tables are emptied.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

PAGES = {
    "home": "/",
    "list": "/disclosures/",
    "filtered-list": "/disclosures/?outcome=refused&exemption=s43-2&keyword=vehicles&page=1",
    "search-no-results": "/disclosures/?q=zeppelins",
    "detail": "/disclosures/DRONES-1/",
    "keyword": "/keywords/drones/",
    "exemption": "/exemptions/s40-2/",
    "exemptions": "/exemptions/",
    "statistics": "/statistics/",
    "filtered-statistics": "/statistics/?keyword=vehicles",
    "timeliness": "/statistics/timeliness/",
    "filtered-timeliness": "/statistics/timeliness/?exemption=s43-2",
    "about": "/about/",
    "not-found": "/no/such/page/",
}


def no_horizontal_scrolling(page: Page) -> bool:
    return page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )


@pytest.mark.parametrize("device", ["phone", "desktop"])
def test_a_person_searches_filters_opens_a_disclosure_and_downloads_its_document(
    open_page, log, device
):
    page = open_page(VIEWPORTS[device])
    page.goto("/")
    expect(page).to_have_title(re.compile("^Freedom of Information disclosure log – "))
    page.get_by_label("Search the log").fill("drones")
    page.get_by_role("button", name="Search").click()

    expect(page).to_have_title(re.compile("^Search results for “drones” – Disclosure log"))
    expect(page.locator(".result-summary")).to_have_text("2 disclosures matching “drones”")
    screenshot(page, f"{device}-1-search-results")

    page.get_by_label("Granted in part").check()
    page.get_by_role("button", name="Apply filters").click()
    expect(page.locator(".result-summary")).to_have_text("1 disclosure matching “drones”")
    assert "outcome=granted-in-part" in page.url
    screenshot(page, f"{device}-2-filtered")

    page.get_by_role("link", name="Drones used by the force").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Drones used by the force")
    facts = page.locator(".summary-list")
    expect(facts).to_contain_text("DRONES-1")
    expect(facts).to_contain_text("Granted in part")
    expect(facts).to_contain_text("s40(2)")
    assert no_horizontal_scrolling(page)
    screenshot(page, f"{device}-3-disclosure")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Drone flight log").click()
    download = download_info.value
    assert download.suggested_filename == "flights.csv"
    assert download.path().read_bytes() == b"month,flights\n2023-12,41\n"
    assert page.console_errors == []


def test_pagination_is_numbered_and_marks_the_current_page(open_page, log):
    page = open_page(DESKTOP)
    page.goto("/disclosures/")
    pages = page.get_by_role("navigation", name="Pages of results")
    expect(pages.locator("[aria-current=page]")).to_have_text("Page 1")
    pages.get_by_role("link", name="Next page").click()
    expect(page).to_have_title(re.compile("^All disclosures – page 2 – Disclosure log"))
    expect(pages.locator("[aria-current=page]")).to_have_text("Page 2")
    expect(pages.get_by_role("link", name="Previous page")).to_be_visible()


def test_keyboard_reaches_the_skip_link_and_then_the_content(open_page, log):
    page = open_page(DESKTOP)
    page.goto("/disclosures/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    box = skip.bounding_box()
    assert box is not None and box["x"] >= 0 and box["y"] >= 0  # shown when focused
    screenshot(page, "desktop-skip-link-focused")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    assert page.url.endswith("#main")


def test_keyboard_alone_fills_in_and_submits_the_filter_form(open_page, log):
    page = open_page(DESKTOP)
    page.goto("/disclosures/")
    search = page.get_by_label("Search words or reference")
    search.focus()
    page.keyboard.type("vehicle")
    page.keyboard.press("Tab")
    expect(page.get_by_label("Granted in full")).to_be_focused()
    page.keyboard.press("Space")
    expect(page.get_by_label("Granted in full")).to_be_checked()

    # The folded "Exemption cited" group opens from the keyboard.
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()") == "Exemption cited":
            break
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.name")
    assert focused == "exemption"

    # The focused control is clearly marked.
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid"

    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()") == "Apply filters":
            break
    screenshot(page, "desktop-filter-form-keyboard")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"q=vehicle.*outcome=granted-in-full"))
    expect(page.locator(".result-summary")).to_contain_text("matching “vehicle”")


@pytest.mark.parametrize("device", ["phone", "desktop"])
@pytest.mark.parametrize("name", list(PAGES))
def test_axe_finds_no_accessibility_violations(open_page, log, name, device):
    page = open_page(VIEWPORTS[device])
    response = page.goto(PAGES[name])
    assert response is not None
    assert response.status == (404 if name == "not-found" else 200)
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}})
    violations = [
        f"{v['id']} ({v['impact']}): {v['help']} at "
        + "; ".join(node["target"][0] for node in v["nodes"][:5])
        for v in results.response["violations"]
    ]
    screenshot(page, f"{device}-{name}")
    assert violations == []
    assert no_horizontal_scrolling(page)
    assert page.console_errors == []


@pytest.mark.parametrize("name", ["home", "list", "detail", "statistics", "timeliness", "about"])
def test_pages_fit_a_320_pixel_wide_screen(open_page, log, name):
    page = open_page({"width": 320, "height": 640})
    page.goto(PAGES[name])
    screenshot(page, f"narrow-320-{name}")
    assert no_horizontal_scrolling(page)


def test_phone_visitor_can_skip_past_the_filters_to_the_results(open_page, log):
    page = open_page(PHONE)
    page.goto("/disclosures/")
    page.get_by_role("link", name="Skip to the results").click()
    results = page.locator("#results")
    box = results.bounding_box()
    assert box is not None and abs(box["y"]) < 5  # scrolled to the top of the screen
