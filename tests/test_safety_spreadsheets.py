"""Spreadsheet hazards: every check finds its hazard, and a clean twin has no findings.

All workbooks are built here: .xlsx with openpyxl (plus raw zip edits for the parts openpyxl
cannot write, such as pivot caches and external links), .ods as raw OpenDocument XML and .xls
as a minimal hand-written BIFF8 file in an OLE2 container.
"""

import io
import struct
import zipfile

import openpyxl
from openpyxl.comments import Comment
from openpyxl.workbook.defined_name import DefinedName

from disclosures.safety import check_document
from disclosures.safety.spreadsheets import extract_text, find_hazards

# --- builders ---------------------------------------------------------------------------------


def xlsx(workbook: openpyxl.Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def clean_workbook() -> openpyxl.Workbook:
    """A small, ordinary published table: nothing hidden, no comments, no names."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Stop and search"
    ws.append(["Month", "Searches", "Arrests"])
    ws.append(["January", 120, 14])
    ws.append(["February", 98, 11])
    return wb


def with_parts(data: bytes, extra: dict[str, str]) -> bytes:
    """Copy a zip, adding (or replacing) the given members."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            if item.filename not in extra:
                target.writestr(item, source.read(item.filename))
        for name, text in extra.items():
            target.writestr(name, text)
    return out.getvalue()


def checks(data: bytes) -> list[str]:
    return [finding.check for finding in check_document(data, "sheet")]


# --- clean twins ------------------------------------------------------------------------------


def test_clean_workbook_has_no_findings():
    assert check_document(xlsx(clean_workbook())) == []


def test_clean_workbook_text_is_extracted_row_by_row():
    text = extract_text(xlsx(clean_workbook()))

    assert "Stop and search" in text
    assert "January\t120\t14" in text


# --- hidden sheets ----------------------------------------------------------------------------


def test_hidden_sheet_is_reported_by_name():
    wb = clean_workbook()
    staff = wb.create_sheet("Staff")
    staff.append(["PC 1234", "Smith"])
    staff.sheet_state = "hidden"

    findings = find_hazards(xlsx(wb))

    assert [f.check for f in findings] == ["hidden-sheet"]
    assert "'Staff'" in findings[0].message
    assert findings[0].location == "sheet 'Staff'"
    assert "2 filled cells" in findings[0].message


def test_very_hidden_sheet_is_reported():
    wb = clean_workbook()
    staff = wb.create_sheet("Officers")
    staff.append(["Collar number", "Name"])
    staff.sheet_state = "veryHidden"

    findings = find_hazards(xlsx(wb))

    assert [f.check for f in findings] == ["very-hidden-sheet"]
    assert "'Officers'" in findings[0].message


def test_personal_data_on_a_hidden_sheet_is_reported_with_sheet_and_row():
    wb = clean_workbook()
    staff = wb.create_sheet("Staff")
    staff.append(["Name", "Email"])
    staff.append(["John Smith", "john.smith@example.com"])
    staff.sheet_state = "veryHidden"

    findings = check_document(xlsx(wb))

    email = [f for f in findings if f.check == "personal-data-email"]
    assert email[0].location == "sheet 'Staff', row 2"


def test_visible_second_sheet_is_not_reported():
    wb = clean_workbook()
    wb.create_sheet("Notes").append(["Figures are provisional."])

    assert check_document(xlsx(wb)) == []


# --- hidden rows and columns ------------------------------------------------------------------


def test_hidden_rows_are_reported_with_row_numbers():
    wb = clean_workbook()
    ws = wb.active
    ws.append(["March", 101, 9])
    ws.append(["April", 87, 7])
    ws.row_dimensions[4].hidden = True
    ws.row_dimensions[5].hidden = True

    findings = find_hazards(xlsx(wb))

    assert [f.check for f in findings] == ["hidden-rows"]
    assert findings[0].location == "sheet 'Stop and search', rows 4-5"


def test_hidden_empty_rows_are_not_reported():
    wb = clean_workbook()
    wb.active.row_dimensions[50].hidden = True

    assert find_hazards(xlsx(wb)) == []


def test_hidden_columns_are_reported_with_letters():
    wb = clean_workbook()
    ws = wb.active
    ws["E1"] = "Officer"
    ws["E2"] = "PC Smith"
    ws.column_dimensions["E"].hidden = True

    findings = find_hazards(xlsx(wb))

    assert [f.check for f in findings] == ["hidden-columns"]
    assert findings[0].location == "sheet 'Stop and search', column E"


def test_hidden_empty_columns_are_not_reported():
    wb = clean_workbook()
    wb.active.column_dimensions.group("H", "Z", hidden=True)

    assert find_hazards(xlsx(wb)) == []


def test_cell_formatted_to_show_nothing_is_reported():
    wb = clean_workbook()
    wb.active["D2"] = "Informant: J Bloggs"
    wb.active["D2"].number_format = ";;;"

    findings = find_hazards(xlsx(wb))

    assert [f.check for f in findings] == ["hidden-cell-content"]
    assert "D2" in findings[0].location


# --- comments ---------------------------------------------------------------------------------


def test_cell_comment_is_reported_with_cell_and_author():
    wb = clean_workbook()
    wb.active["B2"].comment = Comment("Includes the search of DS Brown's brother", "Jane Doe")

    findings = find_hazards(xlsx(wb))

    assert [f.check for f in findings] == ["cell-comment"]
    assert findings[0].location == "sheet 'Stop and search', cell B2"
    assert "Jane Doe" in findings[0].message


# --- defined names ----------------------------------------------------------------------------


def test_defined_name_pointing_at_hidden_sheet_is_reported():
    wb = clean_workbook()
    staff = wb.create_sheet("Staff")
    staff.append(["Smith"])
    staff.sheet_state = "hidden"
    wb.defined_names["StaffList"] = DefinedName("StaffList", attr_text="Staff!$A$1:$A$1")

    findings = find_hazards(xlsx(wb))

    assert sorted(f.check for f in findings) == ["defined-name-hidden-target", "hidden-sheet"]
    name_finding = next(f for f in findings if f.check == "defined-name-hidden-target")
    assert name_finding.location == "defined name 'StaffList'"


def test_defined_name_pointing_at_hidden_rows_is_reported():
    wb = clean_workbook()
    ws = wb.active
    ws.row_dimensions[3].hidden = True
    wb.defined_names["Feb"] = DefinedName("Feb", attr_text="'Stop and search'!$A$3:$C$3")

    findings = find_hazards(xlsx(wb))

    assert sorted(f.check for f in findings) == ["defined-name-hidden-target", "hidden-rows"]


def test_hidden_defined_name_is_reported():
    wb = clean_workbook()
    wb.defined_names["Secret"] = DefinedName(
        "Secret", attr_text="'Stop and search'!$A$1", hidden=True
    )

    assert [f.check for f in find_hazards(xlsx(wb))] == ["hidden-defined-name"]


def test_defined_name_pointing_at_visible_cells_is_not_reported():
    wb = clean_workbook()
    wb.defined_names["Months"] = DefinedName("Months", attr_text="'Stop and search'!$A$2:$A$3")

    assert find_hazards(xlsx(wb)) == []


# --- parts openpyxl does not surface: pivot caches, external links, embeddings ----------------

_PIVOT_DEFINITION = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<pivotCacheDefinition xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"
  recordCount="2" refreshOnLoad="0">
  <cacheSource type="worksheet"><worksheetSource ref="A1:B3" sheet="Staff"/></cacheSource>
  <cacheFields count="2">
    <cacheField name="Name" numFmtId="0"><sharedItems><s v="John Smith"/><s v="Ann Jones"/>
    </sharedItems></cacheField>
    <cacheField name="Grade" numFmtId="0"><sharedItems/></cacheField>
  </cacheFields>
</pivotCacheDefinition>"""

_PIVOT_RECORDS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<pivotCacheRecords xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="2">
  <r><x v="0"/><s v="PC"/></r><r><x v="1"/><s v="Sgt"/></r>
</pivotCacheRecords>"""


def test_pivot_cache_with_source_records_is_reported():
    data = with_parts(
        xlsx(clean_workbook()),
        {
            "xl/pivotCache/pivotCacheDefinition1.xml": _PIVOT_DEFINITION,
            "xl/pivotCache/pivotCacheRecords1.xml": _PIVOT_RECORDS,
        },
    )

    findings = find_hazards(data)

    assert [f.check for f in findings] == ["pivot-cache"]
    assert "2 rows of source data" in findings[0].message
    assert "'Staff'" in findings[0].message
    assert findings[0].location == "xl/pivotCache/pivotCacheRecords1.xml"


_EXTERNAL_LINK = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<externalLink xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"
  xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">
  <externalBook r:id="rId1">
    <sheetNames><sheetName val="Officers"/></sheetNames>
    <sheetDataSet><sheetData sheetId="0">
      <row r="1"><cell r="A1" t="str"><v>John Smith</v></cell></row>
    </sheetData></sheetDataSet>
  </externalBook>
</externalLink>"""

_EXTERNAL_LINK_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
  <Relationship Id="rId1"
    Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/externalLinkPath"
    Target="file:///\\\\hq-fs01\\HR\\Officers%202023.xlsx" TargetMode="External"/>
</Relationships>"""


def test_external_link_is_reported_with_target_and_cached_cells():
    data = with_parts(
        xlsx(clean_workbook()),
        {
            "xl/externalLinks/externalLink1.xml": _EXTERNAL_LINK,
            "xl/externalLinks/_rels/externalLink1.xml.rels": _EXTERNAL_LINK_RELS,
        },
    )

    findings = find_hazards(data)

    assert [f.check for f in findings] == ["external-link"]
    assert "hq-fs01" in findings[0].message
    assert "1 cell" in findings[0].message


def test_embedded_object_is_reported():
    data = with_parts(xlsx(clean_workbook()), {"xl/embeddings/oleObject1.bin": "not really OLE"})

    assert [f.check for f in find_hazards(data)] == ["embedded-object"]


def test_author_in_properties_is_reported():
    wb = clean_workbook()
    wb.properties.creator = "Jane Doe"
    wb.properties.lastModifiedBy = "John Smith"

    findings = find_hazards(xlsx(wb))

    assert [f.check for f in findings] == ["document-author"]
    assert "Jane Doe" in findings[0].message and "John Smith" in findings[0].message


def test_damaged_workbook_is_unreadable_not_an_exception():
    data = with_parts(xlsx(clean_workbook()), {"xl/workbook.xml": "<workbook><broken"})

    assert checks(data) == ["unreadable"]


# --- .ods -------------------------------------------------------------------------------------

_ODS_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/" '
    'xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" '
    'xmlns:xlink="http://www.w3.org/1999/xlink"'
)


def ods(tables: str, styles: str = "", extra: str = "", meta: str = "") -> bytes:
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {_ODS_NS} '
        f'office:version="1.2"><office:automatic-styles>{styles}</office:automatic-styles>'
        f"<office:body><office:spreadsheet>{tables}{extra}</office:spreadsheet></office:body>"
        "</office:document-content>"
    )
    meta_xml = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-meta {_ODS_NS}>'
        f"<office:meta>{meta}</office:meta></office:document-meta>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", content)
        archive.writestr("meta.xml", meta_xml)
    return buffer.getvalue()


def cell(text: str) -> str:
    return (
        f'<table:table-cell office:value-type="string"><text:p>{text}</text:p></table:table-cell>'
    )


def row(*texts: str, attrs: str = "") -> str:
    return f"<table:table-row {attrs}>{''.join(cell(t) for t in texts)}</table:table-row>"


_ODS_CLEAN_TABLE = (
    '<table:table table:name="Figures"><table:table-column table:number-columns-repeated="2"/>'
    f"{row('Month', 'Searches')}{row('January', '120')}"
    '<table:table-row table:number-rows-repeated="1048574"><table:table-cell '
    'table:number-columns-repeated="1024"/></table:table-row></table:table>'
)
_HIDDEN_TABLE_STYLE = (
    '<style:style style:name="ta2" style:family="table">'
    '<style:table-properties table:display="false"/></style:style>'
)


def test_clean_ods_has_no_findings():
    data = ods(_ODS_CLEAN_TABLE, meta="<meta:generator>LibreOffice</meta:generator>")

    assert check_document(data) == []
    assert "January\t120" in extract_text(data)


def test_ods_hidden_sheet_is_reported():
    staff = (
        f'<table:table table:name="Staff" table:style-name="ta2">{row("John Smith")}</table:table>'
    )

    findings = find_hazards(ods(_ODS_CLEAN_TABLE + staff, styles=_HIDDEN_TABLE_STYLE))

    assert [f.check for f in findings] == ["hidden-sheet"]
    assert findings[0].location == "sheet 'Staff'"


_COLLAPSED = 'table:visibility="collapse"'


def test_ods_hidden_rows_and_columns_are_reported():
    table = (
        '<table:table table:name="Figures"><table:table-column/>'
        '<table:table-column table:visibility="collapse"/>'
        f"{row('Month', 'Officer')}{row('January', 'PC Smith')}"
        + row("February", "PC Jones", attrs=_COLLAPSED)
        + "</table:table>"
    )

    findings = find_hazards(ods(table))

    assert sorted((f.check, f.location) for f in findings) == [
        ("hidden-columns", "sheet 'Figures', column B"),
        ("hidden-rows", "sheet 'Figures', row 3"),
    ]


def test_ods_filtered_out_rows_are_reported_as_hidden():
    table = (
        f'<table:table table:name="Figures">{row("Month")}'
        + row("Secret", attrs='table:visibility="filter"')
        + "</table:table>"
    )

    assert [f.check for f in find_hazards(ods(table))] == ["hidden-rows"]


def test_ods_annotation_is_reported_with_cell():
    table = (
        '<table:table table:name="Figures"><table:table-row>'
        f"{cell('Month')}"
        '<table:table-cell office:value-type="float" office:value="120"><text:p>120</text:p>'
        "<office:annotation><dc:creator>Jane Doe</dc:creator><text:p>Excludes PC Smith</text:p>"
        "</office:annotation></table:table-cell></table:table-row></table:table>"
    )

    findings = find_hazards(ods(table))

    assert [f.check for f in findings] == ["cell-comment"]
    assert findings[0].location == "sheet 'Figures', cell B1"
    assert "Jane Doe" in findings[0].message


def test_ods_named_range_on_hidden_sheet_is_reported():
    staff = f'<table:table table:name="Staff" table:style-name="ta2">{row("Smith")}</table:table>'
    names = (
        '<table:named-expressions><table:named-range table:name="People" '
        'table:base-cell-address="$Staff.$A$1" '
        'table:cell-range-address="$Staff.$A$1:.$A$1"/></table:named-expressions>'
    )

    findings = find_hazards(ods(_ODS_CLEAN_TABLE + staff, _HIDDEN_TABLE_STYLE, names))

    assert sorted(f.check for f in findings) == ["defined-name-hidden-target", "hidden-sheet"]


def test_ods_author_is_reported():
    data = ods(_ODS_CLEAN_TABLE, meta="<meta:initial-creator>Jane Doe</meta:initial-creator>")

    assert [f.check for f in find_hazards(data)] == ["document-author"]


# --- .xls (BIFF8) -----------------------------------------------------------------------------


def _record(kind: int, payload: bytes = b"") -> bytes:
    return struct.pack("<HH", kind, len(payload)) + payload


def _bof(substream: int) -> bytes:
    return _record(0x0809, struct.pack("<HHHHII", 0x0600, substream, 0x0DBB, 0x07CC, 0, 6))


def _short_string(text: str) -> bytes:
    return struct.pack("<BB", len(text), 0) + text.encode("latin-1")


def xls(sheets: list[tuple[str, int, list[list[str]], set[int]]]) -> bytes:
    """A minimal BIFF8 workbook: (name, visibility 0/1/2, rows, 0-based hidden rows) per sheet."""
    font = _record(
        0x0031,
        struct.pack("<HHHHHBBBB", 200, 0, 0x7FFF, 400, 0, 0, 0, 0, 0) + _short_string("Arial"),
    )
    xfs = b"".join(
        _record(
            0x00E0,
            struct.pack("<HHHBBBBIIH", 0, 0, 0xFFF5 if i < 15 else 1, 0x20, 0, 0, 0, 0, 0, 0x20C0),
        )
        for i in range(16)
    )
    head = _bof(0x0005) + _record(0x0042, struct.pack("<H", 1252)) + font * 5 + xfs
    streams = []
    for _, _, rows, hidden in sheets:
        body = _bof(0x0010)
        width = max((len(r) for r in rows), default=0)
        body += _record(0x0200, struct.pack("<IIHHH", 0, len(rows), 0, width, 0))
        for r, values in enumerate(rows):
            flags = 0x100 | (0x20 if r in hidden else 0) | (15 << 16)
            body += _record(0x0208, struct.pack("<HHHHHHI", r, 0, len(values), 255, 0, 0, flags))
        for r, values in enumerate(rows):
            for c, value in enumerate(values):
                label = struct.pack("<HB", len(value), 0) + value.encode("latin-1")
                body += _record(0x0204, struct.pack("<HHH", r, c, 15) + label)
        streams.append(body + _record(0x000A))
    offset = len(head) + sum(4 + 8 + len(name) for name, *_ in sheets) + 4
    sheet_records = b""
    for (name, visibility, *_), stream in zip(sheets, streams, strict=True):
        sheet_records += _record(
            0x0085, struct.pack("<IBB", offset, visibility, 0) + _short_string(name)
        )
        offset += len(stream)
    return _ole2({"Workbook": head + sheet_records + _record(0x000A) + b"".join(streams)})


def _ole2(streams: dict[str, bytes]) -> bytes:
    """Wrap one stream in an OLE2 compound file (512-byte sectors, one FAT sector)."""
    ((name, data),) = streams.items()
    data = data.ljust(max(4096, -(-len(data) // 512) * 512), b"\x00")
    sectors = len(data) // 512
    end, free = 0xFFFFFFFE, 0xFFFFFFFF
    fat = [0xFFFFFFFD, end] + [3 + i if i < sectors - 1 else end for i in range(sectors)]
    fat += [free] * (128 - len(fat))
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 16
    header += struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6) + b"\x00" * 6
    header += struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, end, 0, end, 0)
    header += struct.pack("<I", 0) + struct.pack("<I", free) * 108

    def entry(entry_name: str, kind: int, child: int, start: int, size: int) -> bytes:
        encoded = (entry_name + "\x00").encode("utf-16-le") if entry_name else b""
        return (
            encoded.ljust(64, b"\x00")
            + struct.pack("<HBB", len(encoded), kind, 1)
            + struct.pack("<III", free, free, child)
            + b"\x00" * 20
            + b"\x00" * 16
            + struct.pack("<III", start, size, 0)
        )

    directory = entry("Root Entry", 5, 1, end, 0) + entry(name, 2, free, 2, len(data))
    directory += entry("", 0, free, 0, 0) * 2
    return header + b"".join(struct.pack("<I", v) for v in fat) + directory + data


_XLS_FIGURES = ("Figures", 0, [["Month", "Searches"], ["January", "120"]], set())


def test_clean_xls_has_no_findings():
    data = xls([_XLS_FIGURES])

    assert check_document(data) == []
    assert "January\t120" in extract_text(data)


def test_xls_hidden_and_very_hidden_sheets_are_reported():
    data = xls(
        [
            _XLS_FIGURES,
            ("Old", 1, [["draft"]], set()),
            ("Officers", 2, [["John Smith", "07700 900123"]], set()),
        ]
    )

    findings = check_document(data)

    assert [(f.check, f.location) for f in findings] == [
        ("hidden-sheet", "sheet 'Old'"),
        ("very-hidden-sheet", "sheet 'Officers'"),
        ("personal-data-phone", "sheet 'Officers', row 1"),
    ]


def test_xls_hidden_row_is_reported():
    data = xls([("Figures", 0, [["Month"], ["January"], ["Secret"]], {2})])

    findings = find_hazards(data)

    assert [(f.check, f.location) for f in findings] == [("hidden-rows", "sheet 'Figures', row 3")]
