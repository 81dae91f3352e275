"""Alerts in the admin (alerts/admin.py): staff see counts; addresses need their own
permission, enforced on the server."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission, User
from django.urls import reverse

from tests.factories import alert_for

pytestmark = pytest.mark.django_db

LIST = reverse("admin:alerts_subscriber_changelist")


def staff(client, *permissions: str) -> None:
    user = User.objects.create_user("clerk", password="a long enough password", is_staff=True)
    user.user_permissions.set(
        Permission.objects.filter(content_type__app_label="alerts", codename__in=permissions)
    )
    client.force_login(user)


@pytest.fixture
def alerts(db):
    first = alert_for("secret@example.org", "q=drones")
    alert_for("secret@example.org", "q=horses", frequency="weekly")
    alert_for("other@example.org", "q=drones", confirmed=False)
    return first


def test_staff_see_only_counts(client, alerts):
    staff(client, "view_subscriber")
    response = client.get(LIST)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Email alerts in numbers" in html
    assert '<th scope="row">Confirmed alerts</th><td>2</td>' in html
    assert "@example.org" not in html


def test_staff_cannot_search_or_open_an_address(client, alerts):
    staff(client, "view_subscriber", "delete_subscriber")
    assert "@example.org" not in client.get(LIST + "?q=secret").content.decode()
    pk = alerts.subscriber_id
    for name in ("change", "delete", "history"):
        url = reverse(f"admin:alerts_subscriber_{name}", args=[pk])
        assert client.get(url).status_code == 403, name
    response = client.post(
        LIST, {"action": "delete_selected", "_selected_action": [pk], "post": "yes"}
    )
    assert response.status_code in (200, 302, 403)
    assert alerts.__class__.objects.filter(subscriber_id=pk).exists()


def test_staff_with_the_permission_see_addresses_and_their_alerts(client, alerts):
    staff(client, "view_subscriber", "view_alert", "see_subscriber_addresses")
    assert "secret@example.org" in client.get(LIST).content.decode()
    page = client.get(reverse("admin:alerts_subscriber_change", args=[alerts.subscriber_id]))
    assert page.status_code == 200
    assert "q=horses" in page.content.decode()


def test_without_any_permission_staff_see_nothing(client, alerts):
    staff(client)
    assert client.get(LIST).status_code == 403
