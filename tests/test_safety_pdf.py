"""PDF hazards: each is found, and a clean twin has no findings.

Every PDF is drawn here with reportlab, and edited with pypdf where reportlab cannot add the
hazard (annotations of other kinds, attachments, hidden layers, incremental saves, encryption).
"""

import io
from collections.abc import Callable

from pypdf import PdfReader, PdfWriter
from pypdf.annotations import Text
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    FloatObject,
    NameObject,
    TextStringObject,
)
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen import canvas

from disclosures.safety import check_document
from disclosures.safety.pdf import extract_text, find_hazards

FONT, SIZE = "Helvetica", 12
LINE = "Officer name: John Smith lives in Chelmsford"


def make_pdf(draw: Callable[[canvas.Canvas], None], author: str | None = None) -> bytes:
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    if author:
        page.setAuthor(author)
    draw(page)
    page.showPage()
    page.save()
    return buffer.getvalue()


def write_line(page: canvas.Canvas, y: float = 700) -> None:
    page.setFillColorRGB(0, 0, 0)
    page.setFont(FONT, SIZE)
    page.drawString(72, y, LINE)


def box_over(page: canvas.Canvas, words: str, y: float = 700) -> None:
    """Paint an opaque black box over ``words`` within LINE, as a careless redactor would."""
    x = 72 + stringWidth(LINE[: LINE.index(words)], FONT, SIZE)
    page.setFillColorRGB(0, 0, 0)
    page.rect(x - 1, y - 3, stringWidth(words, FONT, SIZE) + 2, SIZE + 2, stroke=0, fill=1)


def with_writer(data: bytes, edit: Callable[[PdfWriter], None]) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    edit(writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def checks(data: bytes) -> list[str]:
    return [finding.check for finding in check_document(data, "response.pdf")]


# --- clean twin -------------------------------------------------------------------------------


def clean_pdf() -> bytes:
    def draw(page: canvas.Canvas) -> None:
        page.setFont(FONT, SIZE)
        page.drawString(72, 700, "Response to FOI/23/1234")
        page.drawString(72, 680, "Essex Police deployed 40 officers.")

    return make_pdf(draw)


def test_clean_pdf_has_no_findings():
    assert check_document(clean_pdf()) == []


def test_clean_pdf_text_is_extracted():
    assert "Essex Police deployed 40 officers." in extract_text(clean_pdf())


# --- text under filled rectangles -------------------------------------------------------------


def test_text_under_a_black_box_drawn_after_it_is_reported():
    data = make_pdf(lambda page: (write_line(page), box_over(page, LINE)))

    findings = find_hazards(data)

    assert [f.check for f in findings] == ["pdf-covered-text"]
    assert findings[0].location == "page 1"
    assert "John Smith" in findings[0].message


def test_only_the_covered_words_are_quoted():
    data = make_pdf(lambda page: (write_line(page), box_over(page, "John Smith")))

    message = find_hazards(data)[0].message

    assert "'John Smith'" in message
    assert "Chelmsford" not in message and "Officer" not in message


def test_box_on_the_second_page_is_reported_on_page_two():
    def draw(page: canvas.Canvas) -> None:
        write_line(page)
        page.showPage()
        write_line(page)
        box_over(page, "John Smith")

    findings = find_hazards(make_pdf(draw))

    assert [(f.check, f.location) for f in findings] == [("pdf-covered-text", "page 2")]


def test_shaded_box_drawn_before_the_text_is_not_reported():
    def draw(page: canvas.Canvas) -> None:
        page.setFillColorRGB(0.85, 0.85, 0.85)
        page.rect(70, 696, 300, 16, stroke=0, fill=1)  # a table cell's background
        write_line(page)

    assert find_hazards(make_pdf(draw)) == []


def test_strikethrough_and_underline_rules_are_not_reported():
    def draw(page: canvas.Canvas) -> None:
        write_line(page)
        width = stringWidth(LINE, FONT, SIZE)
        page.rect(72, 703.5, width, 0.8, stroke=0, fill=1)  # strikethrough
        page.rect(72, 698, width, 0.6, stroke=0, fill=1)  # underline

    assert find_hazards(make_pdf(draw)) == []


def test_see_through_highlight_box_is_not_reported():
    def draw(page: canvas.Canvas) -> None:
        write_line(page)
        page.setFillColorRGB(1, 1, 0)
        page.setFillAlpha(0.3)
        page.rect(70, 696, 300, 16, stroke=0, fill=1)

    assert find_hazards(make_pdf(draw)) == []


def test_box_drawn_as_a_closed_path_is_reported():
    def draw(page: canvas.Canvas) -> None:
        write_line(page)
        path = page.beginPath()
        path.moveTo(70, 696)
        path.lineTo(400, 696)
        path.lineTo(400, 714)
        path.lineTo(70, 714)
        path.close()
        page.setFillColorRGB(0, 0, 0)
        page.drawPath(path, stroke=0, fill=1)

    assert [f.check for f in find_hazards(make_pdf(draw))] == ["pdf-covered-text"]


def test_box_under_a_transformation_matrix_is_reported():
    def draw(page: canvas.Canvas) -> None:
        write_line(page)
        page.saveState()
        page.translate(72, 700)
        page.scale(2, 2)
        page.setFillColorRGB(0, 0, 0)
        page.rect(-1, -2, 160, 8, stroke=0, fill=1)  # 320 x 16 points on the page
        page.restoreState()

    assert [f.check for f in find_hazards(make_pdf(draw))] == ["pdf-covered-text"]


def test_text_inside_a_form_xobject_under_a_box_is_reported():
    def draw(page: canvas.Canvas) -> None:
        page.beginForm("letterhead")
        write_line(page)
        page.endForm()
        page.doForm("letterhead")
        box_over(page, "John Smith")

    message = find_hazards(make_pdf(draw))[0].message

    assert "John Smith" in message


def test_covered_personal_data_is_masked_in_the_warning():
    def draw(page: canvas.Canvas) -> None:
        page.setFont(FONT, SIZE)
        page.drawString(72, 700, "Mobile 07700 900123")
        page.setFillColorRGB(0, 0, 0)
        page.rect(70, 696, 200, 16, stroke=0, fill=1)

    covered = next(f for f in check_document(make_pdf(draw)) if f.check == "pdf-covered-text")

    assert "07700 900123" not in covered.message
    assert "07*** ****23" in covered.message


# --- annotations ------------------------------------------------------------------------------


def test_sticky_note_annotation_is_reported_with_its_text():
    def add_note(writer: PdfWriter) -> None:
        note = Text(rect=(50, 550, 70, 570), text="Ask DS Brown before release")
        note[NameObject("/T")] = TextStringObject("Jane Doe")
        writer.add_annotation(0, note)

    findings = find_hazards(with_writer(clean_pdf(), add_note))

    assert [(f.check, f.location) for f in findings] == [("pdf-annotation", "page 1")]
    assert "Ask DS Brown" in findings[0].message and "Jane Doe" in findings[0].message


def test_web_link_is_not_reported():
    def draw(page: canvas.Canvas) -> None:
        page.setFont(FONT, SIZE)
        page.drawString(72, 700, "See www.gov.uk")
        page.linkURL("https://www.gov.uk/", (72, 695, 200, 712))

    assert find_hazards(make_pdf(draw)) == []


def test_link_to_a_network_file_is_reported():
    def add_link(writer: PdfWriter) -> None:
        link = DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Annot"),
                NameObject("/Subtype"): NameObject("/Link"),
                NameObject("/Rect"): ArrayObject([FloatObject(v) for v in (72, 695, 200, 712)]),
                NameObject("/A"): DictionaryObject(
                    {
                        NameObject("/S"): NameObject("/URI"),
                        NameObject("/URI"): TextStringObject("file://hq-fs01/HR/officers.xlsx"),
                    }
                ),
            }
        )
        writer.add_annotation(0, link)

    findings = find_hazards(with_writer(clean_pdf(), add_link))

    assert [f.check for f in findings] == ["pdf-link"]
    assert "hq-fs01" in findings[0].message


def _annotation(subtype: str, rect: tuple[float, float, float, float], **extra) -> DictionaryObject:
    annotation = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject(subtype),
            NameObject("/Rect"): ArrayObject([FloatObject(v) for v in rect]),
        }
    )
    for key, value in extra.items():
        annotation[NameObject(f"/{key}")] = value
    return annotation


def test_redaction_marked_but_not_applied_is_reported_with_text_underneath():
    data = make_pdf(write_line)
    data = with_writer(
        data,
        lambda w: w.add_annotation(
            0, _annotation("/Redact", (60, 690, 500, 716), T=TextStringObject("J Doe"))
        ),
    )

    findings = find_hazards(data)

    assert [f.check for f in findings] == ["pdf-unapplied-redaction"]
    assert "John Smith" in findings[0].message


def test_filled_box_annotation_over_text_is_reported_as_covered_text():
    interior_black = ArrayObject([FloatObject(0), FloatObject(0), FloatObject(0)])
    data = with_writer(
        make_pdf(write_line),
        lambda w: w.add_annotation(
            0, _annotation("/Square", (60, 690, 500, 716), IC=interior_black)
        ),
    )

    assert [f.check for f in find_hazards(data)] == ["pdf-covered-text"]


# --- metadata, attachments, layers, earlier versions, encryption ------------------------------


def test_author_metadata_is_reported():
    findings = find_hazards(make_pdf(write_line, author="Jane Doe"))

    assert [f.check for f in findings] == ["document-author"]
    assert "Jane Doe" in findings[0].message


def test_embedded_file_is_reported_and_checked_itself():
    staff = b"name,mobile\nJohn Smith,07700 900123\n"
    data = with_writer(clean_pdf(), lambda w: w.add_attachment("staff.csv", staff))

    findings = check_document(data)

    assert [(f.check, f.location) for f in findings] == [
        ("pdf-embedded-file", "embedded file 'staff.csv'"),
        ("personal-data-phone", "embedded file 'staff.csv', row 2"),
    ]


def test_file_attachment_annotation_is_reported():
    spec = DictionaryObject(
        {NameObject("/Type"): NameObject("/Filespec"), NameObject("/F"): TextStringObject("a.xlsx")}
    )
    data = with_writer(
        clean_pdf(),
        lambda w: w.add_annotation(0, _annotation("/FileAttachment", (50, 50, 70, 70), FS=spec)),
    )

    findings = find_hazards(data)

    assert [f.check for f in findings] == ["pdf-embedded-file"]
    assert "a.xlsx" in findings[0].message


def test_layer_switched_off_by_default_is_reported():
    def add_hidden_layer(writer: PdfWriter) -> None:
        layer = writer._add_object(
            DictionaryObject(
                {
                    NameObject("/Type"): NameObject("/OCG"),
                    NameObject("/Name"): TextStringObject("Unredacted names"),
                }
            )
        )
        writer._root_object[NameObject("/OCProperties")] = DictionaryObject(
            {
                NameObject("/OCGs"): ArrayObject([layer]),
                NameObject("/D"): DictionaryObject({NameObject("/OFF"): ArrayObject([layer])}),
            }
        )

    findings = find_hazards(with_writer(clean_pdf(), add_hidden_layer))

    assert [f.check for f in findings] == ["pdf-hidden-layer"]
    assert "Unredacted names" in findings[0].message


def test_incremental_save_is_reported_as_earlier_versions():
    writer = PdfWriter(io.BytesIO(clean_pdf()), incremental=True)
    writer.add_metadata({"/Title": "Response (redacted)"})
    out = io.BytesIO()
    writer.write(out)

    assert [f.check for f in find_hazards(out.getvalue())] == ["pdf-earlier-versions"]


def test_password_protected_pdf_is_unreadable():
    def lock(writer: PdfWriter) -> None:
        writer.encrypt(user_password="secret", owner_password="owner", algorithm="RC4-128")

    assert checks(with_writer(clean_pdf(), lock)) == ["unreadable"]


def test_pdf_that_only_restricts_copying_is_still_checked():
    def restrict(writer: PdfWriter) -> None:
        writer.encrypt(user_password="", owner_password="owner", algorithm="RC4-128")

    data = make_pdf(lambda page: (write_line(page), box_over(page, "John Smith")))

    assert checks(with_writer(data, restrict)) == ["pdf-covered-text"]


def test_damaged_pdf_is_unreadable_not_an_exception():
    assert checks(b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 9 0 R >>\ntrailer\n%%EOF") == [
        "unreadable"
    ]
