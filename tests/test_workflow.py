"""Publishing workflow: roles, scheduling, withdrawal, corrections and safety reviews."""

import datetime

import pytest
from django.contrib.auth.models import Group, User
from django.urls import reverse
from django.utils import timezone

from disclosures.models import Change, Disclosure
from tests.admin_forms import disclosure_form_data
from tests.documents import upload, xlsx
from tests.factories import DisclosureFactory

pytestmark = pytest.mark.django_db
CHANGELIST = reverse("admin:disclosures_disclosure_changelist")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def member_of(group: str, name: str) -> User:
    user = User.objects.create_user(name, password="x", is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def editor_client(client):
    client.force_login(member_of("Editors", "eve"))
    return client


@pytest.fixture
def publisher_client(client):
    client.force_login(member_of("Publishers", "pat"))
    return client


def change_url(disclosure):
    return reverse("admin:disclosures_disclosure_change", args=[disclosure.pk])


def test_roles_exist_and_only_publishers_may_publish():
    editors = set(Group.objects.get(name="Editors").permissions.values_list("codename", flat=True))
    publishers = set(
        Group.objects.get(name="Publishers").permissions.values_list("codename", flat=True)
    )
    assert {"add_disclosure", "change_disclosure", "add_document"} <= editors
    assert "publish_disclosure" not in editors
    assert publishers == editors | {"publish_disclosure"}


def test_editor_drafts_through_the_admin(editor_client):
    response = editor_client.post(
        reverse("admin:disclosures_disclosure_add"), disclosure_form_data(status=None)
    )
    assert response.status_code == 302
    assert Disclosure.objects.get().status == Disclosure.Status.DRAFT


def test_editor_cannot_publish_even_by_posting_the_fields(editor_client):
    draft = DisclosureFactory(draft=True)
    editor_client.post(change_url(draft), disclosure_form_data(draft, status="published"))
    editor_client.post(CHANGELIST, {"action": "publish_now", "_selected_action": [draft.pk]})
    editor_client.post(
        CHANGELIST,
        {"action": "withdraw", "_selected_action": [draft.pk], "confirm": "1", "reason": "x"},
    )
    draft.refresh_from_db()
    assert draft.status == Disclosure.Status.DRAFT


def test_publisher_publishes_now(publisher_client):
    draft = DisclosureFactory(draft=True)
    publisher_client.post(CHANGELIST, {"action": "publish_now", "_selected_action": [draft.pk]})
    draft.refresh_from_db()
    assert draft.is_public


def test_publisher_schedules_for_later(publisher_client, client):
    draft = DisclosureFactory(draft=True)
    later = timezone.localtime() + datetime.timedelta(days=2)
    publisher_client.post(
        change_url(draft),
        disclosure_form_data(
            draft,
            status="published",
            published_at_0=later.strftime("%Y-%m-%d"),
            published_at_1=later.strftime("%H:%M:%S"),
        ),
    )
    draft.refresh_from_db()
    assert draft.is_scheduled
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_withdrawn_answers_410_with_its_public_reason(publisher_client, client):
    live = DisclosureFactory()
    publisher_client.post(
        CHANGELIST,
        {
            "action": "withdraw",
            "_selected_action": [live.pk],
            "confirm": "1",
            "reason": "It named a witness.",
        },
    )
    response = client.get(live.get_absolute_url())
    assert response.status_code == 410
    assert "It named a witness." in response.content.decode()


def test_correction_keeps_the_url_and_records_what_changed(publisher_client, client):
    live = DisclosureFactory(title="Tasers", response_narrative="We hold 12.")
    url = live.get_absolute_url()
    publisher_client.post(
        change_url(live), disclosure_form_data(live, response_narrative="We hold 21 (corrected).")
    )
    response = client.get(url)
    assert response.status_code == 200
    assert "We hold 21 (corrected)." in response.content.decode()
    change = Change.objects.get(disclosure=live)
    assert change.fields == {"response_narrative": ["We hold 12.", "We hold 21 (corrected)."]}
    assert change.changed_by.username == "pat"


def test_history_records_keywords_documents_and_state(publisher_client):
    draft = DisclosureFactory(draft=True)
    publisher_client.post(
        change_url(draft),
        disclosure_form_data(draft, uploads=[("Letter", upload("letter.txt", b"Dear requester"))]),
    )
    draft.refresh_from_db()
    draft.publish()
    changes = list(Change.objects.filter(disclosure=draft).order_by("id"))
    assert changes[0].fields["documents"] == ["", "Letter"]
    assert changes[1].fields["status"] == ["draft", "published"]
    assert changes[1].changed_by is None


def test_history_is_readable_in_the_admin(publisher_client):
    live = DisclosureFactory(title="Old title")
    publisher_client.post(change_url(live), disclosure_form_data(live, title="New title"))
    html = publisher_client.get(change_url(live)).content.decode()
    assert "History" in html or "history" in html
    assert "Old title → New title" in html


def test_findings_block_publishing_until_reviewed(publisher_client):
    draft = DisclosureFactory(draft=True)
    publisher_client.post(
        change_url(draft),
        disclosure_form_data(
            draft, uploads=[("Fleet", upload("fleet.xlsx", xlsx(hidden_sheet=True)))]
        ),
    )
    draft.refresh_from_db()
    assert draft.needs_safety_review()

    # The action refuses it, and so does the form without the review box ticked.
    publisher_client.post(CHANGELIST, {"action": "publish_now", "_selected_action": [draft.pk]})
    response = publisher_client.post(
        change_url(draft), disclosure_form_data(draft, status="published"), follow=True
    )
    assert "was not published: review its safety findings" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == Disclosure.Status.DRAFT

    page = publisher_client.get(change_url(draft)).content.decode()
    assert "Staff" in page and "hidden" in page.lower()
    fingerprint = draft.safety_fingerprint()
    publisher_client.post(
        change_url(draft),
        disclosure_form_data(
            draft, status="published", safety_review="on", safety_fingerprint_seen=fingerprint
        ),
    )
    draft.refresh_from_db()
    assert draft.is_public


def test_review_of_old_findings_does_not_approve_a_new_upload(publisher_client):
    draft = DisclosureFactory(draft=True, request_text="Call me on 07700 900123")
    seen = draft.safety_fingerprint()
    assert seen
    publisher_client.post(
        change_url(draft),
        disclosure_form_data(
            draft,
            status="published",
            safety_review="on",
            safety_fingerprint_seen=seen,
            uploads=[("Fleet", upload("fleet.xlsx", xlsx(hidden_sheet=True)))],
        ),
    )
    draft.refresh_from_db()
    assert draft.status == Disclosure.Status.DRAFT
    assert draft.needs_safety_review()


def test_editors_cannot_review_findings(editor_client):
    draft = DisclosureFactory(draft=True, request_text="Email jo@example.com")
    editor_client.post(
        change_url(draft),
        disclosure_form_data(
            draft, safety_review="on", safety_fingerprint_seen=draft.safety_fingerprint()
        ),
    )
    draft.refresh_from_db()
    assert draft.needs_safety_review()


def test_clean_disclosure_publishes_without_review():
    draft = DisclosureFactory(draft=True)
    assert draft.safety_findings() == []
    draft.publish()
    assert draft.is_public
