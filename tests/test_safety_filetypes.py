"""Telling document types apart by content, extracting their text, and refusing the rest."""

import io
import struct
import zipfile

import docx
import openpyxl
import pytest
from reportlab.pdfgen import canvas

import disclosures.safety as safety
from disclosures.safety import check_document, detect_type, extract_text
from tests.test_safety_spreadsheets import ods, row, xls
from tests.test_safety_wordprocessing import odt

# --- samples of each accepted type ------------------------------------------------------------


def pdf_bytes(text: str = "Stop and search figures for 2023") -> bytes:
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    page.drawString(72, 700, text)
    page.showPage()
    page.save()
    return buffer.getvalue()


def xlsx_bytes() -> bytes:
    wb = openpyxl.Workbook()
    wb.active.append(["Month", "Searches"])
    wb.active.append(["January", 120])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def docx_bytes() -> bytes:
    document = docx.Document()
    document.add_paragraph("Essex Police holds the information.")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def ods_bytes() -> bytes:
    return ods(f'<table:table table:name="Figures">{row("January", "120")}</table:table>')


def xls_bytes() -> bytes:
    return xls([("Figures", 0, [["January", "120"]], set())])


def zip_of(members: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in members.items():
            archive.writestr(name, text)
    return buffer.getvalue()


CSV = b"Month,Searches,Arrests\r\nJanuary,120,14\r\nFebruary,98,11\r\n"
PROSE = b"Dear Sir,\nThank you for your request, which we received last week.\nRegards\n"


# --- detect_type ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (pdf_bytes, "pdf"),
        (xlsx_bytes, "xlsx"),
        (xls_bytes, "xls"),
        (ods_bytes, "ods"),
        (docx_bytes, "docx"),
        (odt, "odt"),
    ],
)
def test_each_accepted_binary_type_is_recognised(make, expected):
    assert detect_type(make()) == expected


def test_type_comes_from_content_not_from_the_name():
    assert detect_type(xlsx_bytes(), "figures.pdf") == "xlsx"
    assert detect_type(pdf_bytes(), "figures.xlsx") == "pdf"


def test_csv_is_recognised_by_name():
    assert detect_type(b"just one column\nof values\n", "list.csv") == "csv"


def test_csv_is_recognised_by_content_without_a_name():
    assert detect_type(CSV) == "csv"
    assert detect_type(b"a;b;c\n1;2;3\n4;5;6\n") == "csv"


def test_prose_with_commas_is_plain_text():
    assert detect_type(PROSE) == "txt"
    assert detect_type(PROSE, "letter.txt") == "txt"


def test_windows_1252_text_is_accepted():
    assert detect_type("Costs £120 – paid in full\n".encode("cp1252")) == "txt"


def test_utf8_text_with_byte_order_mark_is_accepted():
    assert detect_type("\ufeffReference FOI/23/1234\n".encode()) == "txt"


@pytest.mark.parametrize(
    "data",
    [
        b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64,  # an exe
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 32,  # a PNG
        b"<!DOCTYPE html><html><body><p>Hello</p></body></html>",
        b"<html>\n<head><title>x</title></head></html>",
        b"Some text then <script>alert(1)</script>",
        b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>',
        b"{\\rtf1\\ansi Hello}",
        b"",
        b"text with a \x01 control character",
    ],
)
def test_unaccepted_content_is_not_a_document_type(data):
    assert detect_type(data, "innocent.csv") is None


def test_zip_that_is_not_an_office_document_is_not_accepted():
    assert detect_type(zip_of({"readme.txt": "hello", "data/x.bin": "abc"})) is None


def test_zip_with_content_types_but_no_workbook_or_document_is_not_accepted():
    assert (
        detect_type(zip_of({"[Content_Types].xml": "<Types/>", "ppt/presentation.xml": ""})) is None
    )


def test_opendocument_of_another_kind_is_not_accepted():
    presentation = zip_of({"mimetype": "application/vnd.oasis.opendocument.presentation"})

    assert detect_type(presentation) is None


def test_executable_with_a_zip_appended_is_not_accepted():
    assert detect_type(b"MZ\x90\x00" + b"\x00" * 60 + xlsx_bytes()) is None


def test_ole2_file_without_a_workbook_stream_is_not_xls():
    from tests.test_safety_spreadsheets import _ole2

    word97 = _ole2({"WordDocument": b"\xec\xa5" + b"\x00" * 600})

    assert detect_type(word97) is None


def test_damaged_ole2_file_counts_as_xls_so_it_is_reported_unreadable():
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\xff" * 100

    assert detect_type(data) == "xls"
    assert [f.check for f in check_document(data)] == ["unreadable"]


# --- check_document on unaccepted and hostile input -----------------------------------------


def test_unaccepted_type_gives_a_single_unsupported_finding():
    findings = check_document(b"\x89PNG\r\n\x1a\n" + b"\x00" * 32, "photo.png")

    assert [f.check for f in findings] == ["unsupported-type"]


def test_empty_file_is_unsupported():
    assert [f.check for f in check_document(b"")] == ["unsupported-type"]


def test_plain_text_is_checked_for_personal_data_by_line():
    findings = check_document(b"Line one\nCall 07700 900123\n", "notes.txt")

    assert [(f.check, f.location) for f in findings] == [("personal-data-phone", "line 2")]


def test_csv_is_checked_for_personal_data_by_row():
    findings = check_document(CSV + b"March,john@example.com,3\r\n", "data.csv")

    assert [(f.check, f.location) for f in findings] == [("personal-data-email", "row 4")]


def test_clean_csv_has_no_findings():
    assert check_document(CSV, "data.csv") == []


def test_xml_with_entity_declarations_is_unreadable_not_expanded():
    laughs = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        "<w:body><w:p><w:r><w:t>&lol2;</w:t></w:r></w:p></w:body></w:document>"
    )
    data = zip_of({"[Content_Types].xml": "<Types/>", "word/document.xml": laughs})

    assert [f.check for f in check_document(data)] == ["unreadable"]
    assert extract_text(data) == ""


def test_utf16_xml_with_an_internal_entity_is_refused_not_expanded():
    # A search of the raw bytes for "<!entity" misses UTF-16, where every letter has a
    # zero byte beside it; the parser itself must refuse the declaration.
    part = (
        '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE d [<!ENTITY name "Jane Smith">]>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        "<w:body><w:p><w:r><w:t>&name;</w:t></w:r></w:p></w:body></w:document>"
    ).encode("utf-16")
    data = zip_of({"[Content_Types].xml": "<Types/>", "word/document.xml": part})

    assert [f.check for f in check_document(data)] == ["unreadable"]
    assert "Jane Smith" not in extract_text(data)


def test_archive_that_expands_too_far_is_unreadable(monkeypatch):
    monkeypatch.setattr(safety, "MAX_MEMBER_BYTES", 1000)

    findings = check_document(xlsx_bytes())

    assert [f.check for f in findings] == ["unreadable"]
    assert "expands" in findings[0].message


# --- extract_text -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (pdf_bytes, "Stop and search figures for 2023"),
        (xlsx_bytes, "January\t120"),
        (xls_bytes, "January\t120"),
        (ods_bytes, "January\t120"),
        (docx_bytes, "Essex Police holds the information."),
        (odt, "Essex Police holds the information you asked for."),
        (lambda: CSV, "January,120,14"),
        (lambda: PROSE, "Thank you for your request"),
    ],
)
def test_text_is_extracted_from_each_type(make, expected):
    assert expected in extract_text(make())


def test_text_of_cp1252_file_is_decoded():
    assert extract_text("Costs £120\n".encode("cp1252")) == "Costs £120\n"


def test_unreadable_file_has_no_text():
    assert extract_text(b"%PDF-1.7 this is not really a pdf") == ""
    assert extract_text(b"\x89PNG\r\n\x1a\n") == ""


def test_extracted_text_is_capped_at_a_million_characters():
    big = ("x" * 99 + "\n").encode() * 11_000  # 1.1 million characters

    assert len(extract_text(big, "big.txt")) == 1_000_000


def test_hand_built_xls_has_ole2_signature_and_512_byte_sectors():
    # Guards the hand-built .xls used above: the header must carry the OLE2 signature and
    # 512-byte sectors, or the xls tests would pass for the wrong reason.
    data = xls_bytes()

    assert data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    assert struct.unpack("<H", data[30:32]) == (9,)
