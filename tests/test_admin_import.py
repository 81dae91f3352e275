import re

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from disclosures.models import Disclosure
from tests.factories import DisclosureFactory
from tests.log_files import csv_bytes, log_row

pytestmark = pytest.mark.django_db
IMPORT = reverse("admin:disclosures_disclosure_import")
CHANGELIST = reverse("admin:disclosures_disclosure_changelist")


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def staff(name, group=None, permissions=()):
    user = User.objects.create_user(name, password="x", is_staff=True)
    if group:
        user.groups.add(Group.objects.get(name=group))
    user.user_permissions.set(Permission.objects.filter(codename__in=permissions))
    return user


def upload(client, rows, headings=None, **data):
    content = csv_bytes(rows, headings) if headings else csv_bytes(rows)
    log = SimpleUploadedFile("log.csv", content, content_type="text/csv")
    return client.post(IMPORT, {"file": log, **data})


def token_of(response):
    return re.search(r'name="token" value="([^"]+)"', response.content.decode()).group(1)


def kept_uploads():
    if not default_storage.exists("imports"):
        return []
    return default_storage.listdir("imports")[1]


def test_changelist_links_to_the_import_page(admin_client):
    assert IMPORT in admin_client.get(CHANGELIST).content.decode()


def test_upload_report_confirm_imports_the_rows(admin_client):
    DisclosureFactory(reference="16495", title="Old title")
    page = admin_client.get(IMPORT)
    assert page.status_code == 200 and 'type="file"' in page.content.decode()

    report = upload(admin_client, [log_row(), log_row("NEW-1"), log_row("NEW-2")], publish="on")
    html = report.content.decode()
    assert "2 to create, 1 to update, 0 unchanged, 0 with errors" in html
    assert "<td>NEW-2</td>" in html and "Changes title, request" in html
    assert "Import 3 rows" in html
    assert Disclosure.objects.count() == 1
    assert len(kept_uploads()) == 1

    done = admin_client.post(IMPORT, {"token": token_of(report)})
    assert done.status_code == 302 and done.url == CHANGELIST
    assert Disclosure.objects.public().count() == 3
    assert Disclosure.objects.get(reference="16495").title == "Predictive Policing"
    assert kept_uploads() == []
    message = admin_client.get(CHANGELIST).content.decode()
    assert "Imported log.csv: 2 created, 1 updated" in message


def test_a_confirmed_upload_cannot_be_imported_twice(admin_client):
    token = token_of(upload(admin_client, [log_row()]))
    admin_client.post(IMPORT, {"token": token})
    again = admin_client.post(IMPORT, {"token": token}, follow=True)
    assert "no longer waiting" in again.content.decode()
    assert Disclosure.objects.count() == 1


def test_a_token_from_another_session_is_refused(client, admin_client):
    token = token_of(upload(admin_client, [log_row()], publish="on"))
    client.force_login(staff("pat", "Publishers"))
    response = client.post(IMPORT, {"token": token})
    assert response.status_code == 302
    assert not Disclosure.objects.exists()


def test_a_bad_file_shows_every_error_and_writes_nothing(admin_client):
    rows = [log_row("OK-1"), log_row("BAD-1", date="31/02/2022"), log_row("BAD-2", outcome="?")]
    response = upload(admin_client, rows)
    html = response.content.decode()
    assert "2 rows have errors" in html
    assert "<td>3</td>" in html and "<td>BAD-1</td>" in html
    assert "<td>4</td>" in html and "Unknown outcome" in html
    assert 'name="token"' not in html
    assert not Disclosure.objects.exists()
    assert kept_uploads() == []


def test_an_unreadable_file_is_a_form_error(admin_client):
    response = upload(admin_client, [["1", "x"]], ["Reference", "Title"])
    assert 'name="token"' not in response.content.decode()
    assert "no column for the outcome and response date" in response.content.decode()


def test_editor_imports_drafts_only(client):
    client.force_login(staff("eddie", "Editors"))
    report = upload(client, [log_row()], publish="on")
    assert "New disclosures will be drafts." in report.content.decode()
    client.post(IMPORT, {"token": token_of(report)})
    disclosure = Disclosure.objects.get()
    assert disclosure.status == Disclosure.Status.DRAFT
    assert disclosure.updated_by.username == "eddie"


def test_publisher_may_choose_drafts(client):
    client.force_login(staff("pat", "Publishers"))
    client.post(IMPORT, {"token": token_of(upload(client, [log_row()]))})
    assert Disclosure.objects.get().status == Disclosure.Status.DRAFT
    client.post(IMPORT, {"token": token_of(upload(client, [log_row("P-2")], publish="on"))})
    assert Disclosure.objects.get(reference="P-2").status == Disclosure.Status.PUBLISHED


def test_staff_without_add_permission_get_403(client):
    client.force_login(staff("vic", permissions=["view_disclosure", "change_disclosure"]))
    assert client.get(IMPORT).status_code == 403
    assert upload(client, [log_row()]).status_code == 403
    assert IMPORT not in client.get(CHANGELIST).content.decode()
    assert not Disclosure.objects.exists()


def test_staff_who_may_add_but_not_change_cannot_update(client):
    DisclosureFactory(reference="16495", title="Old title")
    client.force_login(staff("ada", permissions=["view_disclosure", "add_disclosure"]))
    response = upload(client, [log_row()])
    assert "may not change existing disclosures" in response.content.decode()
    assert Disclosure.objects.get().title == "Old title"


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(IMPORT)
    assert response.status_code == 302 and "login" in response.url
