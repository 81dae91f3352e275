"""Disclosure log files for the import tests, written as a real authority's would be."""

from __future__ import annotations

import csv
import io
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
