"""Word-processing hazards in .docx and .odt: each is found, and a clean twin has no findings.

python-docx cannot write tracked changes or comments, so those are added by editing the
document's XML inside the zip, exactly as Word stores them.
"""

import io
import zipfile

import docx

from disclosures.safety import check_document
from disclosures.safety.wordprocessing import extract_text, find_hazards

W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def clean_docx() -> docx.Document:
    document = docx.Document()
    document.add_heading("Response to FOI/23/1234", level=1)
    document.add_paragraph("Essex Police holds the information you asked for.")
    document.add_paragraph("The force deployed 40 officers.")
    return document


def save(document: docx.Document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def edit_zip(data: bytes, replace: dict[str, tuple[str, str]] | None = None, add=None) -> bytes:
    """Copy a zip, replacing text within members ({name: (old, new)}) and adding members."""
    replace = replace or {}
    add = add or {}
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename in replace:
                old, new = replace[item.filename]
                text = content.decode("utf-8")
                assert old in text, f"{old!r} not in {item.filename}"
                content = text.replace(old, new, 1).encode("utf-8")
            target.writestr(item, content)
        for name, text in add.items():
            target.writestr(name, text)
    return out.getvalue()


def in_body(data: bytes, anchor: str, markup: str) -> bytes:
    """Insert run-level markup straight after the run holding ``anchor``."""
    return edit_zip(
        data,
        replace={
            "word/document.xml": (
                f"<w:t>{anchor}</w:t></w:r>",
                f"<w:t>{anchor}</w:t></w:r>{markup}",
            )
        },
    )


def checks(data: bytes) -> list[str]:
    return [finding.check for finding in check_document(data, "response.docx")]


# --- clean twin -------------------------------------------------------------------------------


def test_clean_document_has_no_findings():
    assert check_document(save(clean_docx())) == []


def test_clean_document_text_is_one_line_per_paragraph_including_tables():
    document = clean_docx()
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "Month"
    table.cell(0, 1).text = "Arrests"

    lines = extract_text(save(document)).splitlines()

    assert lines[:3] == [
        "Response to FOI/23/1234",
        "Essex Police holds the information you asked for.",
        "The force deployed 40 officers.",
    ]
    assert "Month" in lines and "Arrests" in lines


# --- tracked changes --------------------------------------------------------------------------

_DELETION = (
    '<w:del w:id="1" w:author="Jane Doe" w:date="2023-05-01T10:00:00Z"><w:r>'
    "<w:delText> including PC John Smith</w:delText></w:r></w:del>"
)
_INSERTION = (
    '<w:ins w:id="2" w:author="John Roe" w:date="2023-05-01T10:00:00Z"><w:r>'
    "<w:t> (names withheld)</w:t></w:r></w:ins>"
)


def test_tracked_deletion_is_reported_with_author_and_deleted_text():
    data = in_body(save(clean_docx()), "The force deployed 40 officers.", _DELETION)

    findings = find_hazards(data)

    assert [f.check for f in findings] == ["tracked-change"]
    assert "Jane Doe" in findings[0].message
    assert "including PC John Smith" in findings[0].message
    assert findings[0].location == "document.xml, paragraph 3"


def test_deleted_text_is_not_part_of_the_extracted_text():
    data = in_body(save(clean_docx()), "The force deployed 40 officers.", _DELETION)

    assert "John Smith" not in extract_text(data)


def test_tracked_insertion_is_reported():
    data = in_body(save(clean_docx()), "The force deployed 40 officers.", _INSERTION)

    findings = find_hazards(data)

    assert [f.check for f in findings] == ["tracked-change"]
    assert "insertion" in findings[0].message and "John Roe" in findings[0].message


def test_tracked_move_is_reported():
    move = (
        '<w:moveFrom w:id="3" w:author="Jane Doe"><w:r><w:t>Moved sentence.</w:t></w:r>'
        '</w:moveFrom><w:moveTo w:id="4" w:author="Jane Doe"><w:r><w:t>Moved sentence.</w:t>'
        "</w:r></w:moveTo>"
    )
    data = in_body(save(clean_docx()), "The force deployed 40 officers.", move)

    findings = find_hazards(data)

    assert [f.check for f in findings] == ["tracked-change", "tracked-change"]
    assert all("move" in f.message for f in findings)


def test_tracked_formatting_change_is_reported():
    change = (
        '<w:r><w:rPr><w:b/><w:rPrChange w:id="5" w:author="Jane Doe"><w:rPr/></w:rPrChange>'
        "</w:rPr><w:t>Bold now.</w:t></w:r>"
    )
    data = in_body(save(clean_docx()), "The force deployed 40 officers.", change)

    findings = find_hazards(data)

    assert [f.check for f in findings] == ["tracked-change"]
    assert "formatting change" in findings[0].message


# --- comments ---------------------------------------------------------------------------------

_COMMENTS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    f"<w:comments {W_NS}>"
    '<w:comment w:id="0" w:author="Jane Doe" w:initials="JD"><w:p><w:r>'
    "<w:t>Is this the officer who was disciplined last year?</w:t></w:r></w:p></w:comment>"
    "</w:comments>"
)


def with_comment(data: bytes) -> bytes:
    """Add a comment the way Word stores it: comments.xml, a relationship and a content type."""
    anchor = "Essex Police holds the information you asked for."
    return edit_zip(
        data,
        replace={
            "word/document.xml": (
                f"<w:t>{anchor}</w:t></w:r>",
                f'<w:t>{anchor}</w:t></w:r><w:commentRangeEnd w:id="0"/>'
                '<w:r><w:commentReference w:id="0"/></w:r>',
            ),
            "word/_rels/document.xml.rels": (
                "</Relationships>",
                '<Relationship Id="rIdC1" Type="http://schemas.openxmlformats.org/'
                'officeDocument/2006/relationships/comments" Target="comments.xml"/>'
                "</Relationships>",
            ),
            "[Content_Types].xml": (
                "</Types>",
                '<Override PartName="/word/comments.xml" ContentType="application/'
                'vnd.openxmlformats-officedocument.wordprocessingml.comments+xml"/></Types>',
            ),
        },
        add={"word/comments.xml": _COMMENTS},
    )


def test_comment_is_reported_with_author_and_text():
    findings = find_hazards(with_comment(save(clean_docx())))

    assert [f.check for f in findings] == ["comment"]
    assert findings[0].location == "comments.xml"
    assert "Jane Doe" in findings[0].message
    assert "disciplined" in findings[0].message


# --- hidden text ------------------------------------------------------------------------------


def test_text_formatted_as_hidden_is_reported():
    hidden = "<w:r><w:rPr><w:vanish/></w:rPr><w:t>Source: informant 47</w:t></w:r>"
    data = in_body(save(clean_docx()), "The force deployed 40 officers.", hidden)

    findings = find_hazards(data)

    assert [f.check for f in findings] == ["hidden-text"]
    assert "informant 47" in findings[0].message


def test_text_explicitly_not_hidden_is_not_reported():
    shown = '<w:r><w:rPr><w:vanish w:val="0"/></w:rPr><w:t>Shown after all</w:t></w:r>'
    data = in_body(save(clean_docx()), "The force deployed 40 officers.", shown)

    assert find_hazards(data) == []


# --- metadata and embedded files --------------------------------------------------------------


def test_author_and_last_editor_are_reported():
    document = clean_docx()
    document.core_properties.author = "Jane Doe"
    document.core_properties.last_modified_by = "John Roe"

    findings = find_hazards(save(document))

    assert [f.check for f in findings] == ["document-author"]
    assert "Jane Doe" in findings[0].message and "John Roe" in findings[0].message


def test_software_placeholder_author_is_not_reported():
    document = clean_docx()
    document.core_properties.author = "python-docx"

    assert find_hazards(save(document)) == []


def test_embedded_workbook_is_reported():
    data = edit_zip(save(clean_docx()), add={"word/embeddings/Microsoft_Excel_Worksheet.xlsx": "x"})

    assert [f.check for f in find_hazards(data)] == ["embedded-object"]


# --- personal data in the body ----------------------------------------------------------------


def test_personal_data_in_body_is_located_by_paragraph():
    document = clean_docx()
    document.add_paragraph("Contact the officer on 07700 900123.")

    findings = check_document(save(document))

    assert [(f.check, f.location) for f in findings] == [("personal-data-phone", "paragraph 4")]


def test_damaged_document_xml_is_unreadable():
    data = edit_zip(save(clean_docx()), replace={"word/document.xml": ("</w:body>", "</w:bod>")})

    assert checks(data) == ["unreadable"]


# --- .odt -------------------------------------------------------------------------------------

_ODT_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/" '
    'xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0"'
)
_ODT_BODY = (
    "<text:h>Response to FOI/23/1234</text:h>"
    "<text:p>Essex Police holds the information you asked for.</text:p>"
)


def odt(body: str = _ODT_BODY, styles: str = "", meta: str = "", manifest: str = "") -> bytes:
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {_ODT_NS} '
        f'office:version="1.2"><office:automatic-styles>{styles}</office:automatic-styles>'
        f"<office:body><office:text>{body}</office:text></office:body></office:document-content>"
    )
    meta_xml = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-meta {_ODT_NS}>'
        f"<office:meta>{meta}</office:meta></office:document-meta>"
    )
    manifest_xml = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest='
        '"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"><manifest:file-entry '
        'manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.text"/>'
        f"{manifest}</manifest:manifest>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", content)
        archive.writestr("meta.xml", meta_xml)
        archive.writestr("META-INF/manifest.xml", manifest_xml)
    return buffer.getvalue()


def test_clean_odt_has_no_findings():
    data = odt(meta="<meta:generator>LibreOffice/7.6</meta:generator>")

    assert check_document(data) == []
    assert extract_text(data).splitlines() == [
        "Response to FOI/23/1234",
        "Essex Police holds the information you asked for.",
    ]


def test_odt_tracked_deletion_is_reported():
    changes = (
        '<text:tracked-changes><text:changed-region text:id="ct1"><text:deletion>'
        "<office:change-info><dc:creator>Jane Doe</dc:creator><dc:date>2023-05-01T10:00:00"
        "</dc:date></office:change-info><text:p>PC John Smith attended.</text:p></text:deletion>"
        "</text:changed-region></text:tracked-changes>"
    )
    body = changes + _ODT_BODY.replace(
        "for.</text:p>", 'for.<text:change text:change-id="ct1"/></text:p>'
    )

    findings = find_hazards(odt(body))

    assert [f.check for f in findings] == ["tracked-change"]
    assert "Jane Doe" in findings[0].message and "PC John Smith" in findings[0].message
    assert "John Smith" not in extract_text(odt(body))


def test_odt_annotation_is_reported():
    note = (
        "<office:annotation><dc:creator>Jane Doe</dc:creator>"
        "<text:p>Check with DS Brown</text:p></office:annotation>"
    )
    body = _ODT_BODY.replace("for.</text:p>", f"for.{note}</text:p>")

    findings = find_hazards(odt(body))

    assert [(f.check, f.location) for f in findings] == [("comment", "content.xml, paragraph 2")]
    assert "DS Brown" in findings[0].message
    assert "DS Brown" not in extract_text(odt(body))


def test_odt_hidden_text_is_reported():
    style = (
        '<style:style style:name="T1" style:family="text">'
        '<style:text-properties text:display="none"/></style:style>'
    )
    body = _ODT_BODY + '<text:p><text:span text:style-name="T1">Informant 47</text:span></text:p>'

    findings = find_hazards(odt(body, styles=style))

    assert [f.check for f in findings] == ["hidden-text"]


def test_odt_creator_names_are_reported():
    meta = "<meta:initial-creator>Jane Doe</meta:initial-creator><dc:creator>John Roe</dc:creator>"

    findings = find_hazards(odt(meta=meta))

    assert [f.check for f in findings] == ["document-author"]
    assert "Jane Doe" in findings[0].message and "John Roe" in findings[0].message


def test_odt_embedded_spreadsheet_is_reported_but_chart_is_not():
    chart = (
        '<manifest:file-entry manifest:full-path="Object 1/" '
        'manifest:media-type="application/vnd.oasis.opendocument.chart"/>'
    )
    sheet = (
        '<manifest:file-entry manifest:full-path="Object 2/" '
        'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
    )

    assert find_hazards(odt(manifest=chart)) == []
    assert [f.check for f in find_hazards(odt(manifest=chart + sheet))] == ["embedded-object"]
