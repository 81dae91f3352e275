"""The admin's "Import a log": upload, the mapping step with its preview and check,
import."""

import re

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from disclosures import imports
from disclosures.models import CommissionerOutcome, Disclosure, Outcome, ReviewOutcome
from tests.factories import DisclosureFactory
from tests.log_files import (
    COUNCIL_HEADINGS,
    COUNCIL_ROWS,
    HANDLING_HEADINGS,
    csv_bytes,
    handling_row,
    log_row,
    xlsx_zip_bomb,
)

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


def upload(client, rows, headings=None, name="log.csv", **data):
    content = csv_bytes(rows, headings) if headings else csv_bytes(rows)
    log = SimpleUploadedFile(name, content, content_type="text/csv")
    return client.post(IMPORT, {"file": log, **data})


def token_of(response):
    return re.search(r'name="token" value="([^"]+)"', response.content.decode()).group(1)


def kept_uploads():
    if not default_storage.exists("imports"):
        return []
    return default_storage.listdir("imports")[1]


def test_changelist_links_to_the_import_page(admin_client):
    assert IMPORT in admin_client.get(CHANGELIST).content.decode()


def test_the_upload_page_says_its_limit_and_points_to_the_command(admin_client):
    html = admin_client.get(IMPORT).content.decode()
    assert "This page takes files of up to 20 MB" in html
    assert "<code>manage.py import_log</code>, which reads a file of any size" in html


def test_the_upload_page_lists_the_headings_and_wordings_the_import_knows(admin_client):
    html = admin_client.get(IMPORT).content.decode()
    assert "The headings and wordings the import knows" in html
    assert "Exemption(s) Cited" in html and "Partially successful" in html
    assert "Awaiting classification" in html


def test_a_file_over_the_limit_is_refused_with_the_way_to_import_it(admin_client, monkeypatch):
    monkeypatch.setattr(imports, "MAX_UPLOAD_SIZE", 100)
    html = upload(admin_client, [log_row()]).content.decode()
    assert "import it with manage.py import_log on the server, which has no limit" in html
    assert kept_uploads() == []


def test_the_mapping_step_lists_each_heading_with_the_field_the_rules_choose(admin_client):
    html = upload(admin_client, COUNCIL_ROWS, COUNCIL_HEADINGS).content.decode()
    assert '<label for="id_column_0">FOIR</label>' in html
    chosen = dict(
        re.findall(r'name="(column_\d+)"[^>]*>.*?<option value="([^"]*)"[^>]*selected', html, re.S)
    )
    assert chosen["column_0"] == "reference"
    assert chosen["column_3"] == "outcome"
    assert chosen["column_4"] == "received-date"
    assert chosen["column_8"] == ""  # Authority Name: ignored
    assert "Ignored: Authority Name, Request URL" in html


def test_the_mapping_step_chooses_and_offers_the_handling_fields(admin_client):
    html = upload(admin_client, [handling_row()], HANDLING_HEADINGS).content.decode()
    chosen = dict(
        re.findall(r'name="(column_\d+)"[^>]*>.*?<option value="([^"]*)"[^>]*selected', html, re.S)
    )
    assert [chosen[f"column_{n}"] for n in range(8, len(HANDLING_HEADINGS))] == [
        "received-date",
        "extension-due-date",
        "extension-reason",
        "clarification-asked",
        "clarification-answered",
        "review-requested",
        "review-completed",
        "review-outcome",
        "commissioner-reference",
        "decision-notice-reference",
        "decision-notice-url",
        "commissioner-outcome",
    ]
    offered = re.search(r'<select name="column_0".*?</select>', html, re.S).group(0)
    assert '<option value="clarification-answered">clarification answered</option>' in offered
    assert '<option value="decision-notice-url">decision notice URL</option>' in offered


def test_a_handling_column_mapped_in_the_admin_is_imported_and_its_unknown_wordings_listed(
    admin_client,
):
    headings = ["Reference", "Title", "Date", "Appeal", "ICO"]
    rows = [
        ["A-1", "Drones", "24 February 2022", "Upheld with advice", "Dismissed"],
        ["A-2", "Roads", "25 February 2022", "Reversed", ""],
    ]
    first = upload(admin_client, rows, headings, publish="on")
    mapping = {
        "token": token_of(first),
        "column_0": "reference",
        "column_1": "title",
        "column_2": "response-date",
        "column_3": "review-outcome",
        "column_4": "commissioner-outcome",
        "check": "1",
    }
    html = admin_client.post(IMPORT, mapping).content.decode()
    assert (
        "<td>Appeal</td><td>Upheld with advice</td><td>1</td><td>2</td>"
        "<td>Unknown internal review outcome &#x27;Upheld with advice&#x27;.</td>"
    ) in html
    # Not an outcome of the request: not offered as one.
    assert "Outcome wordings the import does not know" not in html
    assert 'name="import"' not in html

    rows[0][3] = "Upheld"
    second = upload(admin_client, rows, headings, publish="on")
    mapping["token"] = token_of(second)
    done = admin_client.post(IMPORT, {**mapping, "import": "1", "check": ""})
    assert done.status_code == 302
    assert dict(Disclosure.objects.values_list("reference", "review_outcome")) == {
        "A-1": ReviewOutcome.UPHELD,
        "A-2": ReviewOutcome.OVERTURNED,
    }
    assert Disclosure.objects.get(reference="A-1").commissioner_outcome == (
        CommissionerOutcome.NOT_UPHELD
    )


def test_the_mapping_step_previews_the_first_rows_as_imported(admin_client):
    html = upload(admin_client, COUNCIL_ROWS, COUNCIL_HEADINGS).content.decode()
    preview = html[html.index("The first rows, as they would be imported") :]
    assert "<caption>Row 2</caption>" in preview
    assert '<th scope="row">Outcome</th><td>Granted in full</td>' in preview
    assert '<th scope="row">Received date</th><td>2021-01-04</td>' in preview
    assert "4 to create, 0 to update, 0 unchanged, 2 left out, 0 with errors" in html


def test_upload_map_check_again_and_import(admin_client):
    DisclosureFactory(reference="16495", title="Old title")
    headings = ["Case", "Query", "Decision", "Decision notes", "Date"]
    rows = [
        ["16495", "Predictive Policing", "Sort of", "x", "24/02/2022"],
        ["NEW-1", "Drones", "Granted", "y", "25/02/2022"],
    ]
    first = upload(admin_client, rows, headings, publish="on")
    html = first.content.decode()
    assert "no column for the reference" in html  # "Case" is not a heading the rules know
    assert Disclosure.objects.count() == 1 and len(kept_uploads()) == 1

    token = token_of(first)
    mapping = {
        "token": token,
        "column_0": "reference",
        "column_1": "title",
        "column_2": "outcome",
        "column_3": "",
        "column_4": "response-date",
        "check": "1",
    }
    second = admin_client.post(IMPORT, mapping)
    html = second.content.decode()
    assert "Outcome wordings the import does not know" in html
    assert '<input type="hidden" name="wording_0" value="Sort of">' in html
    assert "1 to create, 0 to update, 0 unchanged, 0 left out, 1 with errors" in html
    assert 'name="import"' not in html

    mapping |= {"wording_0": "Sort of", "outcome_0": "granted-in-part"}
    third = admin_client.post(IMPORT, mapping)
    assert "1 to create, 1 to update" in third.content.decode()
    done = admin_client.post(IMPORT, {**mapping, "import": "1"} | {"check": ""})
    assert done.status_code == 302 and done.url == CHANGELIST
    assert Disclosure.objects.get(reference="16495").outcome == Outcome.PARTIAL
    assert Disclosure.objects.public().count() == 2
    assert kept_uploads() == []
    message = admin_client.get(CHANGELIST).content.decode()
    assert "Imported log.csv: 1 created, 1 updated" in message


def test_the_order_of_dates_can_be_chosen(admin_client):
    rows = [log_row("A-1", date="10/3/2021"), log_row("A-2", date="01/02/2021")]
    token = token_of(upload(admin_client, rows))
    checked = admin_client.post(IMPORT, {"token": token, "dates": "month-first", "check": "1"})
    assert "Dates in &#x27;Date&#x27; are read month first, as asked." in checked.content.decode()
    admin_client.post(IMPORT, {"token": token, "dates": "month-first", "import": "1"})
    assert str(Disclosure.objects.get(reference="A-1").response_date) == "2021-10-03"


def test_a_confirmed_upload_cannot_be_imported_twice(admin_client):
    token = token_of(upload(admin_client, [log_row()]))
    admin_client.post(IMPORT, {"token": token, "import": "1"})
    again = admin_client.post(IMPORT, {"token": token, "import": "1"}, follow=True)
    assert "no longer waiting" in again.content.decode()
    assert Disclosure.objects.count() == 1


def test_a_token_from_another_session_is_refused(client, admin_client):
    token = token_of(upload(admin_client, [log_row()], publish="on"))
    client.force_login(staff("pat", "Publishers"))
    response = client.post(IMPORT, {"token": token, "import": "1"})
    assert response.status_code == 302
    assert not Disclosure.objects.exists()


def test_a_bad_file_shows_the_summary_and_every_error_and_writes_nothing(admin_client):
    rows = [log_row("OK-1"), log_row("BAD-1", date="31/02/2022"), log_row("BAD-2", outcome="?")]
    html = upload(admin_client, rows).content.decode()
    assert "2 rows have errors" in html
    assert "<td>Outcome</td><td>?</td><td>1</td><td>4</td>" in html
    assert "<td>3</td>" in html and "<td>BAD-1</td>" in html
    assert 'name="import"' not in html
    assert not Disclosure.objects.exists()


def test_an_unreadable_file_is_a_form_error(admin_client):
    response = upload(admin_client, [["1", "x"]], ["Reference", "Notes"], name="log.xls")
    assert 'name="token"' not in response.content.decode()
    assert "Old Excel files (.xls) cannot be read" in response.content.decode()


def test_the_admin_import_refuses_a_zip_bomb(admin_client):
    log = SimpleUploadedFile("log.xlsx", xlsx_zip_bomb())
    response = admin_client.post(IMPORT, {"file": log}, follow=True)
    assert "zip bomb" in response.content.decode()
    assert not Disclosure.objects.exists()


def test_editor_imports_drafts_only(client):
    client.force_login(staff("eddie", "Editors"))
    report = upload(client, [log_row()], publish="on")
    assert "New disclosures will be drafts." in report.content.decode()
    client.post(IMPORT, {"token": token_of(report), "import": "1"})
    disclosure = Disclosure.objects.get()
    assert disclosure.status == Disclosure.Status.DRAFT
    assert disclosure.updated_by.username == "eddie"


def test_publisher_may_choose_drafts(client):
    client.force_login(staff("pat", "Publishers"))
    client.post(IMPORT, {"token": token_of(upload(client, [log_row()])), "import": "1"})
    assert Disclosure.objects.get().status == Disclosure.Status.DRAFT
    token = token_of(upload(client, [log_row("P-2")], publish="on"))
    client.post(IMPORT, {"token": token, "import": "1"})
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
    client.post(IMPORT, {"token": token_of(response), "import": "1"})
    assert Disclosure.objects.get().title == "Old title"


def test_the_change_page_shows_the_row_an_entry_was_imported_from(admin_client):
    token = token_of(upload(admin_client, COUNCIL_ROWS, COUNCIL_HEADINGS))
    admin_client.post(IMPORT, {"token": token, "import": "1"})
    disclosure = Disclosure.objects.get(reference="FOIR-2101")
    html = admin_client.get(
        reverse("admin:disclosures_disclosure_change", args=[disclosure.pk])
    ).content.decode()
    assert "<caption>log.csv, row 2</caption>" in html
    assert '<tr><th scope="row">Authority Name</th><td>Example District Council</td></tr>' in html


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(IMPORT)
    assert response.status_code == 302 and "login" in response.url
