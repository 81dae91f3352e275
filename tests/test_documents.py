"""Response documents: attached in the admin, checked by content, searchable, downloaded."""

import pytest
from django.urls import reverse

from disclosures.models import Disclosure, Document
from tests.admin_forms import disclosure_form_data
from tests.documents import upload, xlsx
from tests.factories import DisclosureFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def change_url(disclosure):
    return reverse("admin:disclosures_disclosure_change", args=[disclosure.pk])


def attach(admin_client, disclosure, *files, **overrides):
    data = disclosure_form_data(disclosure, uploads=files, **overrides)
    return admin_client.post(change_url(disclosure), data)


def test_attached_document_is_typed_by_content_sized_and_safely_named(admin_client):
    disclosure = DisclosureFactory(draft=True)
    response = attach(
        admin_client, disclosure, ("Fleet list", upload("../../etc/passwd.xlsx", xlsx()))
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    document = disclosure.documents.get()
    assert document.kind == "xlsx"
    assert document.size > 1000
    assert document.file.name.startswith("documents/") and ".." not in document.file.name
    assert document.file.name.endswith(".xlsx")
    assert document.original_name == "passwd.xlsx"
    assert document.uploaded_by.username == "admin"


def test_a_file_is_judged_by_content_not_name(admin_client):
    disclosure = DisclosureFactory(draft=True)
    fake = upload("report.pdf", b"MZ\x90\x00\x03 this is a Windows program")
    response = attach(admin_client, disclosure, ("Report", fake))
    assert response.status_code == 200
    assert "judged by its content" in response.content.decode()
    assert not Document.objects.exists()


def test_size_limit_comes_from_settings(admin_client, settings):
    settings.FOILOG_MAX_DOCUMENT_SIZE = 100
    disclosure = DisclosureFactory(draft=True)
    response = attach(admin_client, disclosure, ("Big", upload("big.txt", b"word " * 100)))
    assert "the limit is" in response.content.decode()
    assert not Document.objects.exists()


def test_document_text_joins_the_search_vector(admin_client):
    disclosure = DisclosureFactory(title="Fleet", draft=True)
    attach(admin_client, disclosure, ("Fleet list", upload("fleet.xlsx", xlsx(text="Zeppelin"))))
    assert Disclosure.objects.filter(search_vector="zeppelin").get() == disclosure
    disclosure.documents.get().delete()
    assert not Disclosure.objects.filter(search_vector="zeppelin").exists()


def test_search_finds_words_only_inside_a_document_but_ranks_them_lowest(client, admin_client):
    inside = DisclosureFactory(reference="DOC", title="Fleet", draft=True)
    attach(admin_client, inside, ("List", upload("list.txt", b"Zeppelin airships: 2")))
    inside.refresh_from_db()
    inside.publish()
    DisclosureFactory(reference="TITLE", title="Zeppelin sightings", response_date="2019-01-01")
    response = client.get(reverse("disclosures:list"), {"q": "zeppelin"})
    assert [d.reference for d in response.context["page_obj"]] == ["TITLE", "DOC"]


def test_detail_lists_documents_and_download_serves_the_file(client, admin_client):
    disclosure = DisclosureFactory(draft=True)
    attach(
        admin_client, disclosure, ("Letter of response", upload("letter.txt", b"Dear requester"))
    )
    disclosure.refresh_from_db()
    disclosure.publish()
    html = client.get(disclosure.get_absolute_url()).content.decode()
    document = disclosure.documents.get()
    assert "Letter of response" in html
    assert "Plain text, 14\xa0bytes" in html
    response = client.get(document.get_absolute_url())
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"Dear requester"
    assert response["Content-Disposition"] == 'attachment; filename="letter.txt"'
    assert response["Content-Type"] == "text/plain"


def test_documents_of_unpublished_disclosures_cannot_be_downloaded(client, admin_client):
    disclosure = DisclosureFactory(draft=True)
    attach(admin_client, disclosure, ("Letter", upload("letter.txt", b"Dear requester")))
    document = disclosure.documents.get()
    assert client.get(document.get_absolute_url()).status_code == 404
    disclosure.refresh_from_db()
    disclosure.publish()
    disclosure.withdraw("Named a witness.")
    assert client.get(document.get_absolute_url()).status_code == 404


def test_document_url_with_a_slashed_reference(client, admin_client):
    disclosure = DisclosureFactory(reference="FOI/23/1234", draft=True)
    attach(admin_client, disclosure, ("Letter", upload("letter.txt", b"Hello")))
    disclosure.refresh_from_db()
    disclosure.publish()
    url = disclosure.documents.get().get_absolute_url()
    assert url.startswith("/disclosures/FOI/23/1234/documents/")
    assert client.get(url).status_code == 200
