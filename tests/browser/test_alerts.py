"""A person asks for email alerts from a search, in a real browser; axe-core checks the
alert pages."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse
from playwright.sync_api import expect

from alerts import links
from alerts.models import Alert
from tests.browser.conftest import DESKTOP, VIEWPORTS, screenshot
from tests.browser.test_public_site import AXE_TAGS, no_horizontal_scrolling
from tests.factories import alert_for

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_a_person_asks_for_alerts_from_a_search_page(open_page, log):
    page = open_page(DESKTOP)
    page.goto("/disclosures/?q=drones&outcome=granted-in-part")
    page.get_by_role("link", name="Get email alerts for this search").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Get email alerts for this search")
    expect(page.locator(".alert-search")).to_contain_text("Matching “drones”")
    page.get_by_role("button", name="Get email alerts").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter your email address.")
    page.get_by_label("Your email address").fill("reader@example.org")
    page.get_by_label("Weekly").check()
    screenshot(page, "desktop-alert-subscribe")
    page.get_by_role("button", name="Get email alerts").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    alert = Alert.objects.get()
    assert (alert.search, alert.frequency) == ("outcome=granted-in-part&q=drones", "weekly")
    assert not alert.is_confirmed
    assert page.console_errors == []


def alert_pages() -> dict[str, str]:
    pending = alert_for("reader@example.org", "q=drones&keyword=drones", confirmed=False)
    alert_for("reader@example.org", "outcome=not-held", frequency="weekly")

    def url(purpose: links.Purpose, value: str) -> str:
        return reverse(purpose.url_name, kwargs={"token": links.token(purpose, value)})

    return {
        "subscribe": "/alerts/subscribe/?q=drones&exemption=s40-2",
        "subscribe-sent": "/alerts/subscribe/sent/",
        "confirm": url(links.CONFIRM, str(pending.pk)),
        "manage": url(links.MANAGE, str(pending.subscriber_id)),
        "unsubscribe": url(links.UNSUBSCRIBE, f"a{pending.pk}"),
        "bad-link": "/alerts/manage/no-such-link/",
    }


@pytest.mark.parametrize("device", ["phone", "desktop"])
def test_axe_finds_no_accessibility_violations_on_the_alert_pages(open_page, log, device):
    page = open_page(VIEWPORTS[device])
    for name, path in alert_pages().items():
        response = page.goto(path)
        assert response is not None
        assert response.status == (404 if name == "bad-link" else 200), name
        results = Axe().run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}})
        violations = [
            f"{name}: {v['id']} ({v['impact']}): {v['help']} at "
            + "; ".join(node["target"][0] for node in v["nodes"][:5])
            for v in results.response["violations"]
        ]
        screenshot(page, f"{device}-alerts-{name}")
        assert violations == []
        assert no_horizontal_scrolling(page), name
    assert page.console_errors == []


def test_the_subscribe_form_with_errors_passes_axe(open_page, log):
    page = open_page(DESKTOP)
    page.goto("/alerts/subscribe/?q=drones")
    page.get_by_label("Your email address").fill("not an address")
    page.get_by_role("button", name="Get email alerts").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter an email address like")
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}})
    screenshot(page, "desktop-alerts-subscribe-errors")
    assert results.response["violations"] == []
