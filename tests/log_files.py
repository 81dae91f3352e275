"""Disclosure log files for the import tests, written as a real authority's would be."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Sequence
from typing import Any

import openpyxl

HEADINGS = (
    "Reference",
    "Title",
    "Request",
    "Outcome",
    "Exemptions",
    "Date",
    "Response",
    "Keywords",
)


def log_row(reference: str = "16495", **values: Any) -> list[Any]:
    """A row under ``HEADINGS``, like the police log's: not held, no exemption."""
    row = {
        "title": "Predictive Policing",
        "request": "Does the force use any predictive policing programme?",
        "outcome": "No Information Held",
        "exemptions": "N/A",
        "date": "24 February 2022",
        "response": "The force does not hold information relating to your request.",
        "keywords": "Predictive policing, Algorithms",
    } | values
    return [reference, *row.values()]


def csv_bytes(
    rows: Sequence[Sequence[Any]],
    headings: Sequence[str] = HEADINGS,
    *,
    delimiter: str = ",",
    encoding: str = "utf-8",
) -> bytes:
    text = io.StringIO()
    writer = csv.writer(text, delimiter=delimiter)
    writer.writerow(headings)
    writer.writerows(rows)
    return text.getvalue().encode(encoding)


def xlsx_bytes(
    rows: Sequence[Sequence[Any]],
    headings: Sequence[str] = HEADINGS,
    *,
    title: str = "Disclosure log",
    before: Sequence[tuple[str, str]] = (),
) -> bytes:
    """A workbook whose log is on sheet ``title``, after the (name, state) sheets ``before``."""
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for name, state in before:
        sheet = workbook.create_sheet(name)
        sheet.sheet_state = state
        sheet.append(["Reference", "Title", "Outcome", "Date"])
        sheet.append(["HIDDEN-1", "Not this sheet", "Granted", "01/01/2020"])
    sheet = workbook.create_sheet(title)
    sheet.append(list(headings))
    for row in rows:
        sheet.append(list(row))
    data = io.BytesIO()
    workbook.save(data)
    return data.getvalue()


def xlsx_zip_bomb(cell_size: int = 12_000_000) -> bytes:
    """A workbook of a few kilobytes whose request cell holds ``cell_size`` characters
    (openpyxl cuts a cell at 32,767, so the sheet is written anew)."""
    data = xlsx_bytes([log_row(request="x" * 32_767)])
    bomb = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for item in source.infolist():
            content = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = content.replace(b"x" * 32_767, b"x" * cell_size)
            target.writestr(item.filename, content)
    return bomb.getvalue()
