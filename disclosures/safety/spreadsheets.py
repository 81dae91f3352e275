"""Hazards in spreadsheets: .xlsx (openpyxl plus the raw zip XML), .ods (raw zip XML) and .xls
(xlrd, as far as it can see).

What a spreadsheet can carry that a reader of the visible grid does not see: hidden and "very
hidden" sheets, hidden rows and columns, cells formatted not to display (";;;"), comments, pivot
caches (a full copy of a pivot table's source data), cached values from linked workbooks, named
ranges pointing into hidden places, embedded files and macros, and authors' names in the file's
properties.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import re
import warnings
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any
from xml.etree import ElementTree as ET

from . import (
    Finding,
    author_findings,
    detect_type,
    excerpt,
    odf_author_findings,
    ooxml_author_findings,
    ooxml_package_extras,
    open_zip,
    plural,
    read_xml,
    shorten,
)

__all__ = ["extract_text", "find_hazards", "text_segments"]

# Spreadsheet text for search and for the personal-data checks: one line per row, cells
# separated by tabs, so that line N of a sheet's text is row N of the sheet.
_CELL_SEPARATOR = "\t"
# How many row or column ranges to spell out in one message before saying "and N more".
_MAX_LISTED = 12


def find_hazards(data: bytes) -> list[Finding]:
    """Find hazards in an .xlsx, .ods or .xls file.

    Returns the findings. Raises ValueError if the bytes are not a spreadsheet, and whatever
    the underlying reader raises for a damaged file (``check_document`` turns that into an
    "unreadable" finding).
    """
    kind = detect_type(data)
    if kind == "xlsx":
        return _xlsx_hazards(data)
    if kind == "ods":
        return _ods_hazards(data)
    if kind == "xls":
        return _xls_hazards(data)
    raise ValueError("not a spreadsheet")


def text_segments(data: bytes) -> list[tuple[str, str, str]]:
    """Return ``(where, text, "row")`` per sheet, where line N of the text is row N.

    Hidden sheets are included: anyone who downloads the file has their contents.
    Raises ValueError if the bytes are not a spreadsheet.
    """
    return [(f"sheet '{sheet.name}'", sheet.text(), "row") for sheet in _read_sheets(data)]


def extract_text(data: bytes) -> str:
    """Return the text of every sheet (name, then one tab-separated line per non-empty row).

    Raises ValueError if the bytes are not a spreadsheet.
    """
    parts: list[str] = []
    for sheet in _read_sheets(data):
        parts.append(sheet.name)
        parts.extend(_CELL_SEPARATOR.join(values) for _, values in sorted(sheet.rows.items()))
        parts.append("")
    return "\n".join(parts)


@dataclass
class _SheetText:
    """The non-empty cells of one sheet as text, keyed by 1-based row number."""

    name: str
    rows: dict[int, list[str]] = field(default_factory=dict)

    def text(self) -> str:
        if not self.rows:
            return ""
        last = max(self.rows)
        return "\n".join(_CELL_SEPARATOR.join(self.rows.get(r, [])) for r in range(1, last + 1))


def _read_sheets(data: bytes) -> list[_SheetText]:
    kind = detect_type(data)
    if kind == "xlsx":
        return _xlsx_sheets(_load_xlsx(data))
    if kind == "ods":
        return [sheet.as_text() for sheet in _parse_ods(open_zip(data)).sheets]
    if kind == "xls":
        return _xls_sheets(_load_xls(data))
    raise ValueError("not a spreadsheet")


def _cell_text(value: object) -> str:
    """Render a cell value the way a reader would see it, as near as we can without formats."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(" ")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).replace("\t", " ").replace("\r\n", " ").replace("\n", " ")


def _ranges(numbers: Iterable[int]) -> list[tuple[int, int]]:
    """Group sorted integers into inclusive (first, last) runs: 4,5,6,9 -> (4,6),(9,9)."""
    runs: list[tuple[int, int]] = []
    for n in sorted(set(numbers)):
        if runs and n == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], n)
        else:
            runs.append((n, n))
    return runs


def _describe_runs(runs: list[tuple[int, int]], label: Callable[[int], str]) -> str:
    """Spell out runs as "4-6, 9" using ``label`` to render each number, capping the list."""
    shown = [
        label(first) if first == last else f"{label(first)}-{label(last)}"
        for first, last in runs[:_MAX_LISTED]
    ]
    if len(runs) > _MAX_LISTED:
        shown.append(f"and {len(runs) - _MAX_LISTED} more")
    return ", ".join(shown)


def _column_letter(index: int) -> str:
    """1 -> A, 27 -> AA."""
    letters = ""
    while index > 0:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def _hidden_rows_finding(sheet: str, rows: set[int]) -> Finding | None:
    if not rows:
        return None
    runs = _ranges(rows)
    where = f"{'row' if len(rows) == 1 else 'rows'} {_describe_runs(runs, str)}"
    return Finding(
        "hidden-rows",
        f"Sheet '{sheet}' has {plural(len(rows), 'hidden row')} holding data ({where}). Hidden "
        "rows are still in the file; unhide and check them, or delete them.",
        f"sheet '{sheet}', {where}",
    )


def _hidden_columns_finding(sheet: str, columns: set[int]) -> Finding | None:
    if not columns:
        return None
    runs = _ranges(columns)
    where = f"{'column' if len(columns) == 1 else 'columns'} {_describe_runs(runs, _column_letter)}"
    return Finding(
        "hidden-columns",
        f"Sheet '{sheet}' has {plural(len(columns), 'hidden column')} holding data ({where}). "
        "Hidden columns are still in the file; unhide and check them, or delete them.",
        f"sheet '{sheet}', {where}",
    )


def _hidden_sheet_finding(sheet: str, state: str, filled: int, chart: bool = False) -> Finding:
    contents = "It is a chart sheet." if chart else f"It holds {plural(filled, 'filled cell')}."
    if state == "veryHidden":
        return Finding(
            "very-hidden-sheet",
            f"Sheet '{sheet}' is 'very hidden': Excel's Unhide menu does not even list it, but "
            f"anyone can reveal it in seconds. {contents} Delete the sheet unless it is meant to "
            "be published.",
            f"sheet '{sheet}'",
        )
    return Finding(
        "hidden-sheet",
        f"Sheet '{sheet}' is hidden. Anyone can unhide it. {contents} Delete the sheet unless "
        "it is meant to be published.",
        f"sheet '{sheet}'",
    )


def _comment_body(text: str) -> str:
    """The words of a comment, without the boilerplate Excel puts in front of a threaded
    comment for older readers ("[Threaded comment] Your version of Excel allows you…")."""
    if text.lstrip().startswith("[Threaded comment]") and "Comment:" in text:
        return text.split("Comment:", 1)[1]
    return text


def _comment_finding(sheet: str, cell: str, author: str, text: str) -> Finding:
    by = f" by '{shorten(author, 40)}'" if author.strip() else ""
    return Finding(
        "cell-comment",
        f"Cell {cell} on sheet '{sheet}' has a comment{by}: "
        f"'{excerpt(_comment_body(text), 80)}'. Comments are published with the file; delete it "
        "unless it is meant to be read.",
        f"sheet '{sheet}', cell {cell}",
    )


# =============================================================================================
# .xlsx
# =============================================================================================


def _load_xlsx(data: bytes) -> Any:
    import openpyxl

    open_zip(data).close()  # refuse zip bombs before openpyxl unpacks anything
    with warnings.catch_warnings():
        # openpyxl warns about every extension it does not understand (data validation,
        # conditional formatting); those are not hazards and the warnings are just noise.
        warnings.simplefilter("ignore")
        return openpyxl.load_workbook(
            io.BytesIO(data), data_only=True, keep_links=True, rich_text=False
        )


def _filled_cells(ws: Any) -> dict[tuple[int, int], object]:
    """Return {(row, column): cell} for the cells of a worksheet that hold a value.

    openpyxl keeps the cells it read in ``ws._cells``. Going through it, rather than
    ``iter_rows``, avoids creating millions of empty cells for a sparse sheet whose used range
    is huge (someone typed in XFD1048576).
    """
    cells = getattr(ws, "_cells", None)
    if cells is None:
        cells = {(c.row, c.column): c for row in ws.iter_rows() for c in row}
    return {key: cell for key, cell in cells.items() if cell.value not in (None, "")}


def _xlsx_sheets(wb: Any) -> list[_SheetText]:
    sheets: list[_SheetText] = []
    for ws in wb.worksheets:
        sheet = _SheetText(ws.title)
        for (row, column), cell in sorted(_filled_cells(ws).items()):
            values = sheet.rows.setdefault(row, [])
            # Keep columns aligned loosely: pad with empty cells up to this column.
            values.extend([""] * (column - 1 - len(values)))
            values.append(_cell_text(cell.value))
        sheets.append(sheet)
    return sheets


def _xlsx_hidden_rows(ws: Any) -> set[int]:
    """Rows hidden outright, given zero height, or hidden by the sheet's zeroHeight default."""
    hidden: set[int] = set()
    for row, dim in ws.row_dimensions.items():
        if dim.hidden or (dim.customHeight and dim.ht is not None and dim.ht <= 0):
            hidden.add(row)
    return hidden


def _xlsx_hidden_columns(ws: Any) -> list[tuple[int, int]]:
    """Inclusive (first, last) column ranges that are hidden or have zero width."""
    ranges: list[tuple[int, int]] = []
    for dim in ws.column_dimensions.values():
        width_zero = dim.customWidth and dim.width is not None and dim.width <= 0
        if (dim.hidden or width_zero) and dim.min:
            ranges.append((dim.min, dim.max or dim.min))
    return ranges


def _xlsx_hazards(data: bytes) -> list[Finding]:
    findings: list[Finding] = []
    wb = _load_xlsx(data)
    with open_zip(data) as zf:
        names = zf.namelist()
        states = {}
        hidden_rows: dict[str, set[int]] = {}
        hidden_cols: dict[str, list[tuple[int, int]]] = {}

        for ws in wb.worksheets:
            filled = _filled_cells(ws)
            states[ws.title] = ws.sheet_state
            if ws.sheet_state in ("hidden", "veryHidden"):
                findings.append(_hidden_sheet_finding(ws.title, ws.sheet_state, len(filled)))

            rows = _xlsx_hidden_rows(ws)
            data_rows = {row for row, _ in filled}
            if getattr(ws.sheet_format, "zeroHeight", False):
                # Every row without its own height is hidden by the sheet's default.
                rows |= {
                    r
                    for r in data_rows
                    if not (ws.row_dimensions[r].customHeight and (ws.row_dimensions[r].ht or 0))
                }
            hidden_rows[ws.title] = rows
            finding = _hidden_rows_finding(ws.title, rows & data_rows)
            if finding:
                findings.append(finding)

            col_ranges = _xlsx_hidden_columns(ws)
            hidden_cols[ws.title] = col_ranges
            data_cols = {col for _, col in filled}
            hidden_data_cols = {c for c in data_cols if any(a <= c <= b for a, b in col_ranges)}
            finding = _hidden_columns_finding(ws.title, hidden_data_cols)
            if finding:
                findings.append(finding)

            findings.extend(_xlsx_invisible_cells(ws.title, filled))
            for cell in _cells_with_comments(ws):
                comment = cell.comment
                findings.append(
                    _comment_finding(ws.title, cell.coordinate, comment.author or "", comment.text)
                )

        for cs in wb.chartsheets:
            states[cs.title] = cs.sheet_state
            if cs.sheet_state in ("hidden", "veryHidden"):
                findings.append(_hidden_sheet_finding(cs.title, cs.sheet_state, 0, chart=True))

        findings.extend(_xlsx_defined_name_findings(wb, states, hidden_rows, hidden_cols))
        findings.extend(_xlsx_pivot_findings(zf, names))
        findings.extend(_xlsx_external_link_findings(zf, names))
        findings.extend(ooxml_package_extras(names, "xl/"))
        findings.extend(ooxml_author_findings(zf))
    return findings


def _cells_with_comments(ws: Any) -> Iterator:
    """Yield the cells of a worksheet that carry a comment (a note, in newer Excel)."""
    cells = getattr(ws, "_cells", None)
    iterable = cells.values() if cells is not None else (c for row in ws.iter_rows() for c in row)
    for cell in sorted(iterable, key=lambda c: (c.row, c.column)):
        if cell.comment is not None:
            yield cell


def _xlsx_invisible_cells(sheet: str, filled: dict[tuple[int, int], object]) -> list[Finding]:
    """Cells whose number format ";;;" makes Excel show nothing, though the value is there."""
    refs = [
        cell.coordinate
        for _, cell in sorted(filled.items())
        if _is_invisible_format(getattr(cell, "number_format", "") or "")
    ]
    if not refs:
        return []
    listed = ", ".join(refs[:_MAX_LISTED]) + (
        f" and {len(refs) - _MAX_LISTED} more" if len(refs) > _MAX_LISTED else ""
    )
    where = f"{'cell' if len(refs) == 1 else 'cells'} {listed}"
    return [
        Finding(
            "hidden-cell-content",
            f"Sheet '{sheet}' has {plural(len(refs), 'cell')} that hold a value but are "
            f"formatted to show nothing (number format ';;;'): {listed}. Select the "
            f"{'cell' if len(refs) == 1 else 'cells'} to see the value, and clear or reformat.",
            f"sheet '{sheet}', {where}",
        )
    ]


def _is_invisible_format(number_format: str) -> bool:
    """True for a custom format whose sections are all empty, e.g. ';;;' or ';;'."""
    stripped = number_format.replace('""', "").strip()
    return bool(stripped) and set(stripped) == {";"} and len(stripped) >= 2


_RANGE_PART = re.compile(r"^\$?([A-Z]{1,3})?\$?(\d+)?$")


def _range_bounds(ref: str) -> tuple[int | None, int | None, int | None, int | None] | None:
    """Parse "$A$1:$B$4", "A:C" or "3:5" into (min_col, min_row, max_col, max_row)."""
    from openpyxl.utils.cell import column_index_from_string

    parts = ref.replace("$", "").split(":")
    if len(parts) not in (1, 2):
        return None
    bounds: list[tuple[int | None, int | None]] = []
    for part in parts:
        match = _RANGE_PART.match(part)
        if not match or not (match.group(1) or match.group(2)):
            return None
        col = column_index_from_string(match.group(1)) if match.group(1) else None
        row = int(match.group(2)) if match.group(2) else None
        bounds.append((col, row))
    (c1, r1), (c2, r2) = bounds[0], bounds[-1]
    return c1, r1, c2, r2


def _xlsx_defined_name_findings(
    wb: Any,
    states: dict[str, str],
    hidden_rows: dict[str, set[int]],
    hidden_cols: dict[str, list[tuple[int, int]]],
) -> list[Finding]:
    findings: list[Finding] = []
    defined = list(wb.defined_names.values())
    for ws in wb.worksheets:
        defined.extend(ws.defined_names.values())
    for dn in defined:
        # Excel's own names (_xlnm._FilterDatabase, _xlnm.Print_Area) are hidden by design
        # and point wherever the sheet's filter or print area is; reporting them would be
        # noise (a hidden sheet they point at is reported in its own right).
        builtin = dn.name.startswith("_xlnm.") or dn.name.startswith("_xlfn.")
        if dn.hidden and not builtin:
            findings.append(
                Finding(
                    "hidden-defined-name",
                    f"The workbook has a hidden named range '{dn.name}' (refers to "
                    f"{shorten(dn.attr_text or '', 60)}). Hidden names do not show in Excel's "
                    "Name Manager; check what they point at.",
                    f"defined name '{dn.name}'",
                )
            )
        try:
            destinations = list(dn.destinations)
        except Exception:  # a formula, constant or external reference: no sheet target
            destinations = []
        for sheet, ref in destinations:
            reason = _hidden_target_reason(sheet, ref, states, hidden_rows, hidden_cols)
            if reason and not builtin:
                findings.append(
                    Finding(
                        "defined-name-hidden-target",
                        f"The named range '{dn.name}' points at {reason} ({sheet}!{ref}), so "
                        "whoever uses the name sees data that is otherwise hidden.",
                        f"defined name '{dn.name}'",
                    )
                )
    return findings


def _hidden_target_reason(
    sheet: str,
    ref: str,
    states: dict[str, str],
    hidden_rows: dict[str, set[int]],
    hidden_cols: dict[str, list[tuple[int, int]]],
) -> str | None:
    """Say why a name's target is hidden ("a hidden sheet", "hidden rows"), or None."""
    state = states.get(sheet)
    if state == "veryHidden":
        return f"the very hidden sheet '{sheet}'"
    if state == "hidden":
        return f"the hidden sheet '{sheet}'"
    bounds = _range_bounds(ref)
    if not bounds:
        return None
    c1, r1, c2, r2 = bounds
    if r1 is not None and r2 is not None and r2 - r1 < 100_000:
        rows = set(range(r1, r2 + 1))
        if rows <= hidden_rows.get(sheet, set()):
            return "hidden rows"
    if c1 is not None and c2 is not None:
        ranges = hidden_cols.get(sheet, [])
        if all(any(a <= c <= b for a, b in ranges) for c in range(c1, c2 + 1)):
            return "hidden columns"
    return None


_SPREADSHEETML = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_PACKAGE_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_PART_NUMBER = re.compile(r"(\d+)\.xml$")


def _part_number(name: str) -> str:
    match = _PART_NUMBER.search(name)
    return match.group(1) if match else ""


def _xlsx_pivot_findings(zf: zipfile.ZipFile, names: list[str]) -> list[Finding]:
    """Pivot caches: openpyxl keeps them but never surfaces them to a reader of the grid."""
    findings: list[Finding] = []
    ns = {"x": _SPREADSHEETML}
    definitions = sorted(
        n for n in names if re.match(r"xl/pivotCache/pivotCacheDefinition\d*\.xml$", n)
    )
    records_parts = {
        _part_number(n): n
        for n in names
        if re.match(r"xl/pivotCache/pivotCacheRecords\d*\.xml$", n)
    }
    seen_records: set[str] = set()
    for definition in definitions:
        number = _part_number(definition)
        root = read_xml(zf, definition)
        if root is None:
            continue
        source = root.find("x:cacheSource/x:worksheetSource", ns)
        where = ""
        if source is not None:
            sheet, ref, name = source.get("sheet"), source.get("ref"), source.get("name")
            where = f" from sheet '{sheet}' {ref or ''}".rstrip() if sheet else ""
            where = where or (f" from '{name}'" if name else "")
        shared_values = sum(
            1
            for item in root.iter()
            if item.tag.rsplit("}", 1)[-1] in ("s", "n", "d") and item.get("v")
        )
        records = 0
        records_part = records_parts.get(number)
        if records_part:
            seen_records.add(records_part)
            records_root = read_xml(zf, records_part)
            if records_root is not None:
                records = int(records_root.get("count") or len(list(records_root)))
        if not records and not shared_values:
            continue
        held = []
        if records:
            held.append(f"{plural(records, 'row')} of source data")
        if shared_values:
            held.append(f"{plural(shared_values, 'distinct value')} from its fields")
        findings.append(
            Finding(
                "pivot-cache",
                f"A pivot table's cache keeps {' and '.join(held)}{where} inside the file. The "
                "copy stays even if the source sheet is deleted, and anyone can rebuild the full "
                "table from it. Paste the pivot table as values, or remove it, before publishing.",
                records_part or definition,
            )
        )
    for records_part in sorted(set(records_parts.values()) - seen_records):
        findings.append(
            Finding(
                "pivot-cache",
                "The file holds pivot cache records (a full copy of a pivot table's source "
                "data). Paste the pivot table as values, or remove it, before publishing.",
                records_part,
            )
        )
    return findings


def _xlsx_external_link_findings(zf: zipfile.ZipFile, names: list[str]) -> list[Finding]:
    """Links to other workbooks keep a cached copy of the cells they read, and name the path."""
    findings: list[Finding] = []
    ns = {"x": _SPREADSHEETML}
    for part in sorted(n for n in names if re.match(r"xl/externalLinks/externalLink\d*\.xml$", n)):
        root = read_xml(zf, part)
        if root is None:
            continue
        target = ""
        rels = read_xml(zf, part.replace("externalLinks/", "externalLinks/_rels/") + ".rels")
        if rels is not None:
            for rel in rels.findall(f"{{{_PACKAGE_RELS}}}Relationship"):
                if rel.get("TargetMode") == "External" or "externalLinkPath" in (
                    rel.get("Type") or ""
                ):
                    target = rel.get("Target") or ""
                    break
        book = root.find("x:externalBook", ns)
        sheets = (
            []
            if book is None
            else [s.get("val") or "" for s in book.iterfind("x:sheetNames/x:sheetName", ns)]
        )
        cached = (
            0
            if book is None
            else sum(1 for _ in book.iterfind("x:sheetDataSet/x:sheetData/x:row/x:cell", ns))
        )
        details = []
        if target:
            details.append(f"the file '{shorten(target, 100)}'")
        else:
            details.append("another workbook or data source")
        message = f"The workbook links to {details[0]}"
        if sheets:
            message += f" (sheets {', '.join(repr(s) for s in sheets[:_MAX_LISTED])})"
        message += "."
        if cached:
            message += f" It keeps a cached copy of {plural(cached, 'cell')} from it."
        message += (
            " The link reveals where the source lives and any cached cells are in the file; "
            "break the link (Data > Edit Links > Break Link) before publishing."
        )
        findings.append(Finding("external-link", message, part))
    return findings


# =============================================================================================
# .ods
# =============================================================================================

_ODF = {
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "style": "urn:oasis:names:tc:opendocument:xmlns:style:1.0",
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
    "dc": "http://purl.org/dc/elements/1.1/",
    "xlink": "http://www.w3.org/1999/xlink",
}


def _q(prefix: str, local: str) -> str:
    return f"{{{_ODF[prefix]}}}{local}"


_ROW_CONTAINERS = {_q("table", n) for n in ("table-row-group", "table-header-rows", "table-rows")}
_COL_CONTAINERS = {
    _q("table", n) for n in ("table-column-group", "table-header-columns", "table-columns")
}
_CELLS = {_q("table", "table-cell"), _q("table", "covered-table-cell")}
# Rows repeated more often than this are empty padding to the end of the sheet (LibreOffice
# writes number-rows-repeated="1048000"); we never expand them cell by cell.
_MAX_EXPANDED_REPEAT = 1000


@dataclass
class _OdsSheet:
    name: str
    hidden: bool = False
    hidden_rows: set[int] = field(default_factory=set)  # hidden rows that hold data
    hidden_cols: set[int] = field(default_factory=set)  # hidden columns that hold data
    annotations: list[tuple[str, str, str]] = field(default_factory=list)  # (cell, author, text)
    rows: dict[int, list[str]] = field(default_factory=dict)
    filled: int = 0

    def as_text(self) -> _SheetText:
        return _SheetText(self.name, self.rows)


@dataclass
class _OdsDocument:
    sheets: list[_OdsSheet]
    named_ranges: list[tuple[str, str]]  # (name, address)
    external_sources: list[str]


def _ods_cell_text(cell: ET.Element) -> str:
    """Text of a cell's paragraphs, leaving out any annotation (comment) inside it."""
    parts = []
    for child in cell:
        if child.tag == _q("office", "annotation"):
            continue
        parts.append("".join(child.itertext()))
    text = " ".join(p for p in parts if p)
    if not text:
        text = cell.get(_q("office", "value")) or cell.get(_q("office", "date-value")) or ""
    return text.replace("\t", " ")


def _ods_hidden_table_styles(zf: zipfile.ZipFile) -> set[str]:
    """Names of table styles with table:display="false", i.e. styles that hide a sheet."""
    hidden: set[str] = set()
    for part in ("content.xml", "styles.xml"):
        root = read_xml(zf, part)
        if root is None:
            continue
        for style in root.iter(_q("style", "style")):
            if style.get(_q("style", "family")) != "table":
                continue
            props = style.find(_q("style", "table-properties"))
            if props is not None and props.get(_q("table", "display")) == "false":
                hidden.add(style.get(_q("style", "name")) or "")
    return hidden


def _iter_rows(parent: ET.Element) -> Iterator[ET.Element]:
    for child in parent:
        if child.tag == _q("table", "table-row"):
            yield child
        elif child.tag in _ROW_CONTAINERS:
            yield from _iter_rows(child)


def _iter_columns(parent: ET.Element) -> Iterator[ET.Element]:
    for child in parent:
        if child.tag == _q("table", "table-column"):
            yield child
        elif child.tag in _COL_CONTAINERS:
            yield from _iter_columns(child)


def _repeat(element: ET.Element, attribute: str) -> int:
    try:
        return max(1, int(element.get(_q("table", attribute)) or 1))
    except ValueError:
        return 1


def _parse_ods(zf: zipfile.ZipFile) -> _OdsDocument:
    content = read_xml(zf, "content.xml")
    if content is None:
        raise ValueError("OpenDocument spreadsheet without content.xml")
    hidden_styles = _ods_hidden_table_styles(zf)
    sheets: list[_OdsSheet] = []
    external: list[str] = []
    for table in content.iter(_q("table", "table")):
        sheet = _OdsSheet(table.get(_q("table", "name")) or f"Sheet{len(sheets) + 1}")
        sheet.hidden = table.get(_q("table", "style-name")) in hidden_styles

        hidden_col_ranges: list[tuple[int, int]] = []
        col = 1
        for column in _iter_columns(table):
            repeat = _repeat(column, "number-columns-repeated")
            if column.get(_q("table", "visibility")) in ("collapse", "filter"):
                hidden_col_ranges.append((col, col + repeat - 1))
            col += repeat

        row_number = 1
        for row in _iter_rows(table):
            rows_repeat = _repeat(row, "number-rows-repeated")
            row_hidden = row.get(_q("table", "visibility")) in ("collapse", "filter")
            values: list[str] = []
            col = 1
            for cell in row:
                if cell.tag not in _CELLS:
                    continue
                cols_repeat = _repeat(cell, "number-columns-repeated")
                text = _ods_cell_text(cell)
                if text:
                    shown = min(cols_repeat, _MAX_EXPANDED_REPEAT)
                    values.extend([""] * (col - 1 - len(values)))
                    values.extend([text] * shown)
                    sheet.filled += cols_repeat * rows_repeat
                    for c in range(col, col + shown):
                        if any(a <= c <= b for a, b in hidden_col_ranges):
                            sheet.hidden_cols.add(c)
                annotation = cell.find(_q("office", "annotation"))
                if annotation is not None:
                    author = annotation.findtext(_q("dc", "creator")) or ""
                    note = " ".join("".join(p.itertext()) for p in annotation.iter(_q("text", "p")))
                    sheet.annotations.append((f"{_column_letter(col)}{row_number}", author, note))
                col += cols_repeat
            if values:
                for r in range(row_number, row_number + min(rows_repeat, _MAX_EXPANDED_REPEAT)):
                    sheet.rows[r] = values
                    if row_hidden:
                        sheet.hidden_rows.add(r)
            row_number += rows_repeat

        source = table.find(_q("table", "table-source"))
        if source is not None and source.get(_q("xlink", "href")):
            external.append(source.get(_q("xlink", "href")) or "")
        sheets.append(sheet)

    for cell in content.iter(_q("table", "table-cell")):
        formula = cell.get(_q("table", "formula")) or ""
        for match in re.finditer(r"'((?:file|https?|ftp):[^']+)'#", formula):
            if match.group(1) not in external:
                external.append(match.group(1))

    named = [
        (nr.get(_q("table", "name")) or "", nr.get(_q("table", "cell-range-address")) or "")
        for nr in content.iter(_q("table", "named-range"))
    ]
    return _OdsDocument(sheets, named, external)


_ODS_SHEET_IN_ADDRESS = re.compile(r"\$?(?:'((?:[^']|'')+)'|([^.$':\s;]+))\.")


def _ods_hazards(data: bytes) -> list[Finding]:
    findings: list[Finding] = []
    with open_zip(data) as zf:
        doc = _parse_ods(zf)
        hidden_sheets = {s.name for s in doc.sheets if s.hidden}
        for sheet in doc.sheets:
            if sheet.hidden:
                # ODF has no "very hidden"; a hidden sheet is listed in Show Sheet.
                findings.append(_hidden_sheet_finding(sheet.name, "hidden", sheet.filled))
            finding = _hidden_rows_finding(sheet.name, sheet.hidden_rows)
            if finding:
                findings.append(finding)
            finding = _hidden_columns_finding(sheet.name, sheet.hidden_cols)
            if finding:
                findings.append(finding)
            for cell, author, note in sheet.annotations:
                findings.append(_comment_finding(sheet.name, cell, author, note))
        for name, address in doc.named_ranges:
            targets = {a or b.replace("''", "'") for a, b in _ODS_SHEET_IN_ADDRESS.findall(address)}
            targets = {t.replace("''", "'") for t in targets}
            for target in sorted(targets & hidden_sheets):
                findings.append(
                    Finding(
                        "defined-name-hidden-target",
                        f"The named range '{name}' points at the hidden sheet '{target}' "
                        f"({address}), so whoever uses the name sees data that is otherwise "
                        "hidden.",
                        f"named range '{name}'",
                    )
                )
        for source in doc.external_sources:
            findings.append(
                Finding(
                    "external-link",
                    f"The spreadsheet links to the file '{shorten(source, 100)}' and keeps a "
                    "cached copy of what it reads. The link reveals where the source lives; "
                    "break it (Edit > Links to External Files) before publishing.",
                    "content.xml",
                )
            )
        findings.extend(odf_author_findings(zf))
    return findings


# =============================================================================================
# .xls (BIFF, via xlrd)
# =============================================================================================

# Pivot tables in an .xls keep their cached source data in "_SX_DB_CUR" storage of the OLE2
# container. xlrd does not read pivot tables, so we look for the storage's directory name.
_XLS_PIVOT_STORAGE = "_SX_DB_CUR".encode("utf-16-le")


def _load_xls(data: bytes) -> Any:
    import xlrd

    # formatting_info=True is what makes xlrd read row and column visibility.
    return xlrd.open_workbook(
        file_contents=data, formatting_info=True, logfile=io.StringIO(), on_demand=False
    )


def _xls_filled(sheet: Any) -> dict[tuple[int, int], object]:
    import xlrd

    empty = (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK)
    filled = {}
    for r in range(sheet.nrows):
        for c, cell in enumerate(sheet.row(r)):
            if cell.ctype not in empty and cell.value not in ("", None):
                filled[(r + 1, c + 1)] = cell
    return filled


def _xls_sheets(book: Any) -> list[_SheetText]:
    import xlrd

    sheets = []
    for sheet in book.sheets():
        text = _SheetText(sheet.name)
        for (row, col), cell in sorted(_xls_filled(sheet).items()):
            value = cell.value
            if cell.ctype == xlrd.XL_CELL_DATE:
                # An out-of-range date serial stays a number rather than failing the read.
                with contextlib.suppress(ValueError, OverflowError, xlrd.xldate.XLDateError):
                    value = xlrd.xldate.xldate_as_datetime(value, book.datemode)
            elif cell.ctype == xlrd.XL_CELL_BOOLEAN:
                value = bool(value)
            elif cell.ctype == xlrd.XL_CELL_ERROR:
                value = xlrd.error_text_from_code.get(value, "#ERR")
            values = text.rows.setdefault(row, [])
            values.extend([""] * (col - 1 - len(values)))
            values.append(_cell_text(value))
        sheets.append(text)
    return sheets


def _xls_name_sheet(name: Any) -> Any:
    """The sheet a defined name refers to, or None for a formula, constant or external name."""
    try:
        return name.area2d(clipped=False)[0]
    except Exception:  # xlrd raises XLRDError, IndexError etc. for anything but a plain area
        return None


def _xls_hazards(data: bytes) -> list[Finding]:
    book = _load_xls(data)
    findings: list[Finding] = []
    states: dict[str, str] = {}
    for sheet in book.sheets():
        filled = _xls_filled(sheet)
        state = {1: "hidden", 2: "veryHidden"}.get(sheet.visibility, "visible")
        states[sheet.name] = state
        if state != "visible":
            findings.append(_hidden_sheet_finding(sheet.name, state, len(filled)))
        hidden_rows = {r + 1 for r, info in sheet.rowinfo_map.items() if info.hidden}
        if getattr(sheet, "default_row_hidden", 0):
            hidden_rows |= {r for r, _ in filled if (r - 1) not in sheet.rowinfo_map}
        finding = _hidden_rows_finding(sheet.name, hidden_rows & {r for r, _ in filled})
        if finding:
            findings.append(finding)
        hidden_cols = {c + 1 for c, info in sheet.colinfo_map.items() if info.hidden}
        finding = _hidden_columns_finding(sheet.name, hidden_cols & {c for _, c in filled})
        if finding:
            findings.append(finding)
        for (r, c), note in sorted(sheet.cell_note_map.items()):
            findings.append(
                _comment_finding(
                    sheet.name,
                    f"{_column_letter(c + 1)}{r + 1}",
                    note.author or "",
                    note.text or "",
                )
            )
    for name in book.name_obj_list:
        if name.hidden and not name.builtin:
            findings.append(
                Finding(
                    "hidden-defined-name",
                    f"The workbook has a hidden named range '{name.name}'. Hidden names do not "
                    "show in Excel's Name Manager; check what they point at.",
                    f"defined name '{name.name}'",
                )
            )
        target_sheet = _xls_name_sheet(name)
        if target_sheet is None:
            continue
        state = states.get(target_sheet.name)
        if state in ("hidden", "veryHidden") and not name.builtin:
            kind = "very hidden" if state == "veryHidden" else "hidden"
            findings.append(
                Finding(
                    "defined-name-hidden-target",
                    f"The named range '{name.name}' points at the {kind} sheet "
                    f"'{target_sheet.name}', so whoever uses the name sees data that is "
                    "otherwise hidden.",
                    f"defined name '{name.name}'",
                )
            )
    supbook_external = 2  # xlrd.book.SUPBOOK_EXTERNAL
    if supbook_external in getattr(book, "_supbook_types", []):
        findings.append(
            Finding(
                "external-link",
                "The workbook links to another workbook and keeps cached values from it. Break "
                "the link (Data > Edit Links > Break Link) before publishing.",
                "",
            )
        )
    if _XLS_PIVOT_STORAGE in data:
        findings.append(
            Finding(
                "pivot-cache",
                "The file holds a pivot table cache (a full copy of a pivot table's source "
                "data). Paste the pivot table as values, or remove it, before publishing.",
                "_SX_DB_CUR",
            )
        )
    user = (book.user_name or "").strip()
    if user:
        findings.extend(author_findings([("last saved by", user)], "document properties"))
    return findings
