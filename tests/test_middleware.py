"""foilog/middleware.py: a database outage answers 503 and leaves nothing half-saved."""

import pytest
from django.contrib import admin
from django.db import InterfaceError, OperationalError
from django.test import Client
from django.urls import reverse

from disclosures.models import Change, Disclosure
from tests.admin_forms import disclosure_form_data
from tests.factories import DisclosureFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(admin_user):
    # Exceptions are turned into responses here, not re-raised into the test.
    client = Client(raise_request_exception=False)
    client.force_login(admin_user)
    return client


@pytest.fixture
def outage_after_save(monkeypatch):
    """The database goes away after the disclosure's row is written, before its keywords,
    documents and history: the worst moment for a half-saved change."""
    model_admin = admin.site._registry[Disclosure]

    def fail(*args, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(type(model_admin), "save_related", fail)


def test_save_during_an_outage_answers_503(staff_client, outage_after_save):
    draft = DisclosureFactory(draft=True, title="Old title")
    url = reverse("admin:disclosures_disclosure_change", args=[draft.pk])
    response = staff_client.post(url, disclosure_form_data(draft, title="New title"))
    assert response.status_code == 503
    assert response["Retry-After"] == "30"


def test_save_during_an_outage_says_nothing_was_saved_in_part(staff_client, outage_after_save):
    draft = DisclosureFactory(draft=True, title="Old title")
    url = reverse("admin:disclosures_disclosure_change", args=[draft.pk])
    html = staff_client.post(url, disclosure_form_data(draft, title="New title")).content.decode()
    assert "The database is unavailable" in html
    assert "saved whole or not at all" in html
    assert "Traceback" not in html and "OperationalError" not in html


def test_save_during_an_outage_leaves_nothing_half_written(staff_client, outage_after_save):
    draft = DisclosureFactory(draft=True, title="Old title")
    changes_before = Change.objects.count()
    url = reverse("admin:disclosures_disclosure_change", args=[draft.pk])
    staff_client.post(url, disclosure_form_data(draft, title="New title"))
    draft.refresh_from_db()
    assert draft.title == "Old title"
    assert Change.objects.count() == changes_before


def test_bulk_action_during_an_outage_changes_none_of_the_selection(staff_client, monkeypatch):
    drafts = DisclosureFactory.create_batch(3, draft=True)
    calls = []
    publish = Disclosure.publish

    def publish_then_fail(self, *args, **kwargs):
        calls.append(self.pk)
        if len(calls) == 2:
            raise InterfaceError("connection already closed")
        return publish(self, *args, **kwargs)

    monkeypatch.setattr(Disclosure, "publish", publish_then_fail)
    response = staff_client.post(
        reverse("admin:disclosures_disclosure_changelist"),
        {"action": "publish_now", "_selected_action": [d.pk for d in drafts]},
    )
    assert response.status_code == 503
    assert not Disclosure.objects.filter(status=Disclosure.Status.PUBLISHED).exists()


def test_public_page_during_an_outage_answers_503(monkeypatch):
    def fail(*args, **kwargs):
        raise OperationalError("could not connect to server")

    monkeypatch.setattr("disclosures.freshness.log_state", fail)
    response = Client(raise_request_exception=False).get("/disclosures/")
    assert response.status_code == 503
    assert not response.cookies


def test_other_errors_are_still_500(monkeypatch):
    def fail(*args, **kwargs):
        raise ValueError("a bug")

    monkeypatch.setattr("disclosures.freshness.log_state", fail)
    assert Client(raise_request_exception=False).get("/disclosures/").status_code == 500
