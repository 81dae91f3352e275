import pytest
from django.contrib.auth.models import Permission, User
from django.urls import reverse

from disclosures.models import Disclosure, Exemption, Legislation
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
