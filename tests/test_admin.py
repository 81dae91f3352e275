import datetime

import pytest
from django.contrib.auth.models import Permission, User
from django.urls import reverse

from disclosures.admin import HANDLING_FIELDS
from disclosures.models import Change, Disclosure, Exemption, Legislation
from tests.admin_forms import disclosure_form_data
from tests.factories import DisclosureFactory

pytestmark = pytest.mark.django_db
CHANGELIST = reverse("admin:disclosures_disclosure_changelist")


@pytest.fixture
def editor(db):
    user = User.objects.create_user("eddie", password="x", is_staff=True)
    user.user_permissions.set(
        Permission.objects.filter(
            codename__in=[
                "view_disclosure",
                "change_disclosure",
                "add_disclosure",
                "view_keyword",
                "view_exemption",
            ]
        )
    )
    return user


@pytest.fixture
def publisher(editor):
    editor.user_permissions.add(Permission.objects.get(codename="publish_disclosure"))
    return User.objects.get(pk=editor.pk)


def test_changelist_searches_and_filters(admin_client):
    DisclosureFactory(reference="FOI/23/1234", title="Drones")
    DisclosureFactory(title="Overtime", draft=True)
    assert "Drones" in admin_client.get(CHANGELIST, {"q": "FOI/23/1234"}).content.decode()
    drafts = admin_client.get(CHANGELIST, {"state": "draft"}).content.decode()
    assert "Overtime" in drafts and "Drones" not in drafts
    assert admin_client.get(CHANGELIST, {"outcome__exact": "refused"}).status_code == 200


def test_publish_action(admin_client):
    draft = DisclosureFactory(draft=True)
    admin_client.post(CHANGELIST, {"action": "publish_now", "_selected_action": [draft.pk]})
    draft.refresh_from_db()
    assert draft.is_public


def test_unpublish_action(admin_client):
    live = DisclosureFactory()
    admin_client.post(CHANGELIST, {"action": "unpublish", "_selected_action": [live.pk]})
    live.refresh_from_db()
    assert live.status == Disclosure.Status.DRAFT


def test_withdraw_action_asks_for_a_reason_first(admin_client):
    live = DisclosureFactory()
    form = admin_client.post(CHANGELIST, {"action": "withdraw", "_selected_action": [live.pk]})
    assert "Public reason for withdrawal" in form.content.decode()
    live.refresh_from_db()
    assert live.status == Disclosure.Status.PUBLISHED
    admin_client.post(
        CHANGELIST,
        {
            "action": "withdraw",
            "_selected_action": [live.pk],
            "confirm": "1",
            "reason": "Named a witness.",
        },
    )
    live.refresh_from_db()
    assert live.status == Disclosure.Status.WITHDRAWN
    assert live.withdrawn_reason == "Named a witness."


def test_editor_cannot_publish_by_action(client, editor):
    client.force_login(editor)
    draft = DisclosureFactory(draft=True)
    response = client.post(CHANGELIST, {"action": "publish_now", "_selected_action": [draft.pk]})
    draft.refresh_from_db()
    assert draft.status == Disclosure.Status.DRAFT
    assert response.status_code in (200, 302)


def test_editor_cannot_publish_by_editing_the_form(client, editor):
    client.force_login(editor)
    draft = DisclosureFactory(draft=True, title="Old")
    url = reverse("admin:disclosures_disclosure_change", args=[draft.pk])
    client.post(
        url,
        {
            "reference": draft.reference,
            "title": "New",
            "request_text": "Q",
            "outcome": "granted-in-full",
            "response_date": "2024-01-01",
            "status": "published",
            "published_at_0": "2024-01-01",
            "published_at_1": "09:00",
        },
    )
    draft.refresh_from_db()
    assert draft.title == "New"
    assert draft.status == Disclosure.Status.DRAFT
    assert draft.updated_by == editor


def test_publisher_sees_publishing_fields(client, publisher):
    client.force_login(publisher)
    draft = DisclosureFactory(draft=True)
    html = client.get(reverse("admin:disclosures_disclosure_change", args=[draft.pk])).content
    assert b'name="status"' in html


def test_view_on_site_only_for_public_entries(admin_client):
    live = DisclosureFactory()
    draft = DisclosureFactory(draft=True)
    live_page = admin_client.get(reverse("admin:disclosures_disclosure_change", args=[live.pk]))
    draft_page = admin_client.get(reverse("admin:disclosures_disclosure_change", args=[draft.pk]))
    assert b"View on site" in live_page.content
    assert b"View on site" not in draft_page.content


def test_keyword_and_exemption_autocomplete(admin_client):
    DisclosureFactory(keywords=["Drones"])
    response = admin_client.get(
        reverse("admin:autocomplete"),
        {
            "term": "s40",
            "app_label": "disclosures",
            "model_name": "disclosure",
            "field_name": "exemptions",
        },
    )
    assert "s40(2)" in response.content.decode()
    response = admin_client.get(
        reverse("admin:autocomplete"),
        {
            "term": "dro",
            "app_label": "disclosures",
            "model_name": "disclosure",
            "field_name": "keywords",
        },
    )
    assert "Drones" in response.content.decode()


def test_handling_fields_are_in_their_own_fieldset(admin_client):
    disclosure = DisclosureFactory()
    response = admin_client.get(
        reverse("admin:disclosures_disclosure_change", args=[disclosure.pk])
    )
    fieldsets = {
        name: options["fields"] for name, options in response.context["adminform"].fieldsets
    }
    assert fieldsets["Handling"] == HANDLING_FIELDS
    assert "received_date" in HANDLING_FIELDS and "review_outcome" in HANDLING_FIELDS
    assert "clarifications-TOTAL_FORMS" in response.content.decode()


def test_staff_record_handling_and_clarifications_and_the_history_keeps_them(admin_client):
    disclosure = DisclosureFactory(response_date=datetime.date(2024, 7, 8))
    data = disclosure_form_data(
        disclosure,
        received_date="2024-06-03",
        review_requested="2024-07-10",
        review_outcome="partly-upheld",
        commissioner_reference="IC-1234-AB",
        decision_notice_url="ico.org.uk/decision/ic-1234-ab",
        **{
            "clarifications-TOTAL_FORMS": "1",
            "clarifications-0-asked": "2024-06-04",
            "clarifications-0-answered": "2024-06-10",
        },
    )
    url = reverse("admin:disclosures_disclosure_change", args=[disclosure.pk])
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    disclosure.refresh_from_db()
    assert disclosure.review_outcome == "partly-upheld"
    assert disclosure.decision_notice_url == "https://ico.org.uk/decision/ic-1234-ab"
    assert disclosure.answer_time().counted_from == datetime.date(2024, 6, 10)
    change = Change.objects.filter(disclosure=disclosure).latest("changed_at")
    assert change.fields["received_date"] == ["", "2024-06-03"]
    assert change.fields["review_outcome"] == ["", "partly-upheld"]
    assert change.fields["clarifications"] == ["", "2024-06-04 → 2024-06-10"]


def test_an_answer_before_the_request_arrived_is_refused(admin_client):
    disclosure = DisclosureFactory(response_date=datetime.date(2024, 7, 8))
    data = disclosure_form_data(disclosure, received_date="2024-07-09")
    url = reverse("admin:disclosures_disclosure_change", args=[disclosure.pk])
    response = admin_client.post(url, data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors["response_date"] == ["A request cannot be answered before it was received."]


def test_a_review_completed_before_it_was_requested_is_refused(admin_client):
    disclosure = DisclosureFactory(response_date=datetime.date(2024, 7, 8))
    data = disclosure_form_data(
        disclosure, review_requested="2024-07-20", review_completed="2024-07-10"
    )
    url = reverse("admin:disclosures_disclosure_change", args=[disclosure.pk])
    errors = admin_client.post(url, data).context["adminform"].form.errors
    assert errors["review_completed"] == ["A review is completed after it is requested."]


EXEMPTION_ADD = reverse("admin:disclosures_exemption_add")


def add_exemption(client, **fields):
    data = {"legislation": "foisa", "name": "Test", "kind": "qualified", "position": 0} | fields
    return client.post(EXEMPTION_ADD, data)


def test_an_exemption_added_in_the_admin_gets_a_slug_of_its_legislation(admin_client):
    response = add_exemption(admin_client, code="s35(1)(d)", slug="")
    assert response.status_code == 302
    assert Exemption.objects.get(legislation="foisa", code="s35(1)(d)").slug == "foisa-s35-1-d"


def test_a_code_taken_in_its_legislation_is_refused_with_a_message(admin_client):
    response = add_exemption(admin_client, code="s38(1)(b)", slug="")
    assert response.status_code == 200
    assert "This legislation already has an exemption so cited." in response.content.decode()


def test_a_slug_taken_is_refused_with_a_message_not_a_server_error(admin_client):
    response = add_exemption(admin_client, code="s38 (1) (b)", slug="")
    assert response.status_code == 200
    assert "Exemption with this Slug already exists." in response.content.decode()


def test_legislation_can_be_added_in_the_admin(admin_client):
    response = admin_client.post(
        reverse("admin:disclosures_legislation_add"),
        {
            "code": "ire",
            "abbreviation": "FOI Act 2014",
            "name": "Freedom of Information Act 2014",
            "provisions": "sections",
            "position": 50,
        },
    )
    assert response.status_code == 302
    assert Legislation.objects.get(code="ire").abbreviation == "FOI Act 2014"
