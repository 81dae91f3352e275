"""Headless Chromium through Playwright, against the app served by pytest-django's
``live_server`` on the test database.

Playwright never downloads a browser here: it drives the system's Chromium (Debian's
``chromium`` package, which ``python3 dev.py test`` installs when it is missing).
"""

from __future__ import annotations

import datetime
import importlib
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.files.base import ContentFile
from django.test import override_settings
from playwright.sync_api import Browser, Page, sync_playwright
from pytest_django.live_server_helper import LiveServer

from disclosures.models import Document
from tests.factories import DisclosureFactory

CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {"width": 375, "height": 740}
DESKTOP = {"width": 1280, "height": 900}
VIEWPORTS = {"phone": PHONE, "desktop": DESKTOP}
SCREENSHOTS = Path(settings.BASE_DIR) / "test-artifacts" / "screenshots"


def chromium_path() -> str:
    for name in ("chromium", "chromium-browser"):
        path = shutil.which(name)
        if path:
            return path
    raise RuntimeError(
        "The browser tests need Chromium (Debian's 'chromium' package); "
        "'python3 dev.py test' installs it."
    )


@pytest.fixture(scope="session")
def live_server(request) -> Iterator[LiveServer]:
    """pytest-django's live server, answering plain HTTP. Its middleware reads
    SECURE_SSL_REDIRECT once, as the server starts, which is before any per-test setting
    applies; without this every page would redirect to HTTPS."""
    address = request.config.getvalue("liveserver") or "localhost"
    with override_settings(SECURE_SSL_REDIRECT=False):
        server = LiveServer(address)
    yield server
    server.stop()


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run the browser tests last, after every other test (pytest-django has already put
    database tests first): once Chromium is started the test thread holds Playwright's
    event loop, and each browser test empties the database when it ends."""
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    # Playwright's sync API keeps an asyncio event loop in the test thread, so Django
    # would take every database call of the tests (factories, fixtures) for one made from
    # async code and refuse it; the calls are in fact synchronous. Set only while the
    # browser runs: manage.py subprocesses of other tests must not inherit it.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=chromium_path(), args=CHROMIUM_ARGS
            )
            yield browser
            browser.close()
    finally:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]


@pytest.fixture
def open_page(browser: Browser, live_server):
    """``open_page(viewport)``: a fresh page at that size. Its console errors (such as
    Content-Security-Policy refusals) and failed assets collect in ``page.console_errors``."""
    contexts = []

    def open_page(viewport: dict = DESKTOP) -> Page:
        context = browser.new_context(
            viewport=viewport, base_url=live_server.url, accept_downloads=True
        )
        contexts.append(context)
        page = context.new_page()
        page.console_errors = []
        page.on("console", lambda message: _console_error(page, message))
        page.on("response", lambda response: _failed_asset(page, response))
        return page

    yield open_page
    for context in contexts:
        context.close()


def _console_error(page: Page, message) -> None:
    # A page answered 404 on purpose logs "Failed to load resource"; failed assets
    # (stylesheets, icons) are caught by _failed_asset with their address instead.
    if message.type == "error" and not message.text.startswith("Failed to load resource"):
        page.console_errors.append(message.text)


def _failed_asset(page: Page, response) -> None:
    if response.request.resource_type != "document" and response.status >= 400:
        page.console_errors.append(f"{response.status} {response.url}")


def screenshot(page: Page, name: str) -> Path:
    """Keep a full-page screenshot as a test artifact."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def seed_exemptions() -> None:
    """The legislation and exemptions the seed migration makes, made again as today's
    models hold them (the seeding updates or creates)."""
    importlib.import_module("disclosures.migrations.0003_seed").seed_exemptions(apps)


@pytest.fixture
def log(media) -> dict:
    """A small published log: enough entries for two pages, keywords, exemptions, a
    released document, and entries the public must never see."""
    # The exemptions come from a data migration. A test that commits ends by emptying
    # the tables; in whole-suite runs the serialized rollback was seen not to put them
    # back for the next test, so seed them here (the seeding updates or creates).
    seed_exemptions()
    day = datetime.date(2024, 1, 15)
    drones = DisclosureFactory(
        reference="DRONES-1",
        title="Drones used by the force",
        request_text="How many drones does the force own, and how often were they flown?",
        response_narrative="The force owns six drones. The flight log is attached.",
        outcome="granted-in-part",
        exemptions=["s40-2", "s31-1-a"],
        keywords=["Drones", "Equipment"],
        response_date=day,
        # How it was handled, so that the disclosure page and the timeliness page show it.
        received_date=day - datetime.timedelta(days=40),
        extension_due_date=day + datetime.timedelta(days=7),
        extension_reason="Considering the public interest in s31(1)(a).",
        review_requested=day + datetime.timedelta(days=10),
        review_completed=day + datetime.timedelta(days=30),
        review_outcome="partly-upheld",
        commissioner_reference="IC-100200-X1Y2",
        decision_notice_reference="IC-100200-X1Y2",
        decision_notice_url="https://www.example.org/decision-notices/ic-100200-x1y2/",
        commissioner_outcome="not-upheld",
    )
    drones.clarifications.create(
        asked=day - datetime.timedelta(days=38), answered=day - datetime.timedelta(days=35)
    )
    document = Document(
        disclosure=drones, title="Drone flight log", kind="csv", original_name="flights.csv"
    )
    data = b"month,flights\n2023-12,41\n"
    document.size = len(data)
    document.file.save("flights.csv", ContentFile(data), save=True)
    DisclosureFactory(
        reference="DRONES-2",
        title="Drone training costs",
        request_text="What did drone pilot training cost in 2023?",
        outcome="not-held",
        keywords=["Drones"],
        response_date=day + datetime.timedelta(days=20),
    )
    for n in range(22):
        DisclosureFactory(
            title=f"Vehicle fleet question {n}",
            outcome=["granted-in-full", "refused", "refused-cost-limit"][n % 3],
            exemptions=["s43-2"] if n % 3 == 1 else [],
            keywords=["Vehicles"],
            response_date=day - datetime.timedelta(days=30 * n),
            # Some on time, some late, some with no received date.
            received_date=(
                None if n % 4 == 3 else day - datetime.timedelta(days=30 * n + 14 + 21 * (n % 2))
            ),
        )
    DisclosureFactory(reference="DRAFT-9", title="Secret drone draft", draft=True)
    return {"drones": drones, "document": document}
