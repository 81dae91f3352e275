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


# How each request was handled, in the columns a case system exports, after the log's.
HANDLING_HEADINGS = (
    *HEADINGS,
    "Date Received",
    "Extended Due Date",
    "Reason for Extension",
    "Clarification Sought",
    "Clarification Received",
    "IR Requested",
    "IR Completed",
    "IR Outcome",
    "ICO Case Reference",
    "Decision Notice",
    "Decision Notice URL",
    "ICO Decision",
)
_HANDLING = {
    "received": "3 February 2022",
    "extended_to": "",
    "extension_reason": "",
    "clarification_asked": "",
    "clarification_answered": "",
    "review_requested": "",
    "review_completed": "",
    "review_outcome": "",
    "commissioner_reference": "",
    "decision_notice": "",
    "decision_notice_url": "",
    "commissioner_outcome": "",
}


def handling_row(reference: str = "16495", **values: Any) -> list[Any]:
    """A row under ``HANDLING_HEADINGS``: ``log_row``'s, received on 3 February 2022, and
    nothing else known of its handling but what ``values`` say."""
    handling = {name: values.pop(name) for name in list(values) if name in _HANDLING}
    return [*log_row(reference, **values), *(_HANDLING | handling).values()]


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


# Logs as four kinds of authority publish them, unedited ---------------------------------

# A district council's log, with WhatDoTheyKnow's states of requests, some not answered.
COUNCIL_HEADINGS = (
    "FOIR",
    "Request Title",
    "Request Details",
    "Status",
    "Request Date",
    "Date Responded",
    "Exemptions Used",
    "Category",
    "Authority Name",
    "Request URL",
)
COUNCIL_ROWS = (
    (
        "FOIR-2101",
        "Bin collections",
        "How many missed bins?",
        "Successful",
        "04/01/2021",
        "28/01/2021",
        "",
        "Waste",
        "Example District Council",
        "https://wdtk.example/r/1",
    ),
    (
        "FOIR-2102",
        "Parking fines",
        "Income from fines",
        "Partially successful",
        "11/01/2021",
        "05/02/2021",
        "S43 Commercial Interests",
        "Parking",
        "Example District Council",
        "https://wdtk.example/r/2",
    ),
    (
        "FOIR-2103",
        "Staff names",
        "Who works in planning?",
        "Refused",
        "13/01/2021",
        "08/02/2021",
        "Section 40(2) and 40(3)",
        "Staff",
        "Example District Council",
        "https://wdtk.example/r/3",
    ),
    (
        "FOIR-2104",
        "Tree survey",
        "The tree survey of 2020",
        "Information not held",
        "18/01/2021",
        "15/02/2021",
        "N/A",
        "Environment",
        "Example District Council",
        "https://wdtk.example/r/4",
    ),
    (
        "FOIR-2105",
        "Pothole claims",
        "Claims paid for potholes",
        "Awaiting classification",
        "20/01/2021",
        "",
        "",
        "Roads",
        "Example District Council",
        "https://wdtk.example/r/5",
    ),
    (
        "FOIR-2106",
        "Councillor expenses",
        "Expenses since 2019",
        "Long overdue",
        "22/01/2021",
        "",
        "",
        "Councillors",
        "Example District Council",
        "https://wdtk.example/r/6",
    ),
)

# A Scottish council's log: FOISA and EISR citations, a request under two topics.
SCOTTISH_HEADINGS = (
    "Case Reference",
    "Subject",
    "Date Received",
    "Date of Response",
    "Outcome",
    "Exemption(s) Cited",
    "Topic",
)
SCOTTISH_ROWS = (
    (
        "FOI-S-001",
        "Road gritting routes",
        "03/11/2022",
        "29/11/2022",
        "Released in full",
        "N/A",
        "Roads",
    ),
    (
        "FOI-S-002",
        "Social work complaints",
        "07/11/2022",
        "01/12/2022",
        "Part disclosed",
        "s38(1)(b)",
        "Social work",
    ),
    (
        "FOI-S-003",
        "Wind farm consultation",
        "14/11/2022",
        "12/12/2022",
        "Withheld",
        "s30(b)(i)&(ii); reg 10(5)(e)",
        "Planning",
    ),
    (
        "FOI-S-003",
        "Wind farm consultation",
        "14/11/2022",
        "12/12/2022",
        "Withheld",
        "s30(b)(i)&(ii); reg 10(5)(e)",
        "Environment",
    ),
    (
        "FOI-S-004",
        "School meals",
        "21/11/2022",
        "19/12/2022",
        "NCND",
        "s18 and s35(1)(a)",
        "Education",
    ),
)

# A federal agency's log: month first, its own dispositions and exemption codes.
AGENCY_HEADINGS = (
    "Request ID",
    "Requester Organization",
    "Subject",
    "Requested Date",
    "Date Closed",
    "Final Disposition",
    "Exemptions",
)
AGENCY_ROWS = (
    (
        "2011-FOIA-0001",
        "News Co",
        "Contracts for drones",
        "10/3/2011",
        "10/13/2011",
        "Full Grant",
        "",
    ),
    (
        "2011-FOIA-0002",
        "",
        "Emails about budget",
        "10/5/2011",
        "11/20/2011",
        "Partial Grant/Partial Denial",
        "(b)(6); (b)(7)(C)",
    ),
    (
        "2011-FOIA-0003",
        "Law LLP",
        "Files on a named person",
        "10/7/2011",
        "12/1/2011",
        "No Records",
        "",
    ),
    ("2011-FOIA-0004", "", "Visitor logs", "10/9/2011", "", "Request Withdrawn", ""),
)

# An index of the log: reference, title, date, tags, link, and nothing else.
INDEX_HEADINGS = ("Reference", "Title", "Date", "Tags", "Link")
INDEX_ROWS = (
    (
        "16495",
        "Predictive Policing",
        "24 February 2022",
        "Predictive policing, Algorithms",
        "https://www.example.org/foi/16495",
    ),
    (
        "16224",
        "Predictive Policing Software or Algorithm",
        "24 February 2022",
        "Predictive policing",
        "https://www.example.org/foi/16224",
    ),
    ("15987", "Drones", "3 January 2022", "Drones", "https://www.example.org/foi/15987"),
)
