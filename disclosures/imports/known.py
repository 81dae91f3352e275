"""The headings and wordings the import knows: one table, read by the importer and
rendered into the README (``markdown``) and the admin's import page (``sections``).

Headings and wordings are compared ignoring case, spacing and punctuation (``heading_key``,
``wording_key``): "Exemption(s) Cited" is "Exemptions cited", "Part-disclosed" is "Part
disclosed". Anything else can be named on the command line (``--map``, ``--outcome``) or
chosen in the admin.

Some headings are near others and mean something else: "Decision" is the outcome, "ICO
Decision" the Commissioner's; "Outcome" the outcome, "Review Outcome" the internal
review's. Headings are matched whole, never by a word they hold.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from django.db import models

from disclosures.models import CommissionerOutcome, Outcome, ReviewOutcome


@dataclass(frozen=True)
class Field:
    """A disclosure's field as a log's column holds it."""

    name: str  # as --map names it: --map "FOIR=reference"
    label: str
    attribute: str | None  # the Disclosure field it fills; None for links to others
    headings: tuple[str, ...]
    meaning: str
    required: bool = False
    # Several columns may hold it; their values are united (two "Topic" columns).
    several: bool = False


REFERENCE = "reference"
TITLE = "title"
REQUEST = "request"
OUTCOME = "outcome"
EXEMPTIONS = "exemptions"
RECEIVED_DATE = "received-date"
RESPONSE_DATE = "response-date"
NARRATIVE = "response"
KEYWORDS = "keywords"
LINK = "link"
# How the request was handled (``Disclosure.HANDLING_FIELDS``, and its clarifications).
EXTENSION_DUE_DATE = "extension-due-date"
EXTENSION_REASON = "extension-reason"
CLARIFICATION_ASKED = "clarification-asked"
CLARIFICATION_ANSWERED = "clarification-answered"
REVIEW_REQUESTED = "review-requested"
REVIEW_COMPLETED = "review-completed"
REVIEW_OUTCOME = "review-outcome"
COMMISSIONER_REFERENCE = "commissioner-reference"
DECISION_NOTICE_REFERENCE = "decision-notice-reference"
DECISION_NOTICE_URL = "decision-notice-url"
COMMISSIONER_OUTCOME = "commissioner-outcome"

FIELDS: tuple[Field, ...] = (
    Field(
        REFERENCE,
        "reference",
        "reference",
        (
            "Reference",
            "Ref",
            "Our ref",
            "ID",
            "FOI Reference",
            "FOI ref",
            "FOIR",
            "Case Reference",
            "Case ref",
            "Case number",
            "Request ID",
            "Request number",
            "Request no",
            "Request reference",
            "Reference number",
            "Ref no",
            "FOI number",
        ),
        "As the authority writes it; rows with the same reference are one entry.",
        required=True,
    ),
    Field(
        TITLE,
        "title",
        "title",
        ("Title", "Request Title", "Subject", "Summary"),
        "At most 300 characters.",
        required=True,
    ),
    Field(
        REQUEST,
        "request",
        "request_text",
        (
            "Request",
            "Request Details",
            "Request text",
            "Description",
            "Information requested",
            "Details of request",
            "Question",
            "Questions",
        ),
        "What was asked. Without it: not recorded.",
    ),
    Field(
        OUTCOME,
        "outcome",
        "outcome",
        (
            "Outcome",
            "Status",
            "Decision",
            "Final Disposition",
            "Disposition",
            "Response type",
            "Result",
        ),
        "A wording of the table below. Without it: not recorded.",
    ),
    Field(
        EXEMPTIONS,
        "exemptions",
        None,
        (
            "Exemptions",
            "Exemption",
            "Exemptions Applied",
            "Exemption applied",
            "Exemptions Used",
            "Exemption(s) Cited",
            "Exceptions applied",
            "Exemptions/exceptions",
            "Sections applied",
            "Sections",
        ),
        "Citations: s40(2), S43 Commercial Interests, 36(2)(b)(i)&(ii), "
        "s38(1)(b) FOISA, reg 12(5)(e) EIR; joined by and, &, ; or ,.",
        several=True,
    ),
    Field(
        RECEIVED_DATE,
        "received date",
        "received_date",
        (
            "Date Received",
            "Received",
            "Received date",
            "Request Date",
            "Date of request",
            "Requested Date",
            "Date requested",
        ),
        "The day the request arrived.",
    ),
    Field(
        RESPONSE_DATE,
        "response date",
        "response_date",
        (
            "Date of Response",
            "Response Date",
            "Date Responded",
            "Responded",
            "Date Closed",
            "Closed date",
            "Date sent",
            "Date of access",
            "Disclosure date",
            "Date",
        ),
        "New entries are published at 09:00 UK time on it. Without it: not recorded.",
    ),
    Field(
        NARRATIVE,
        "response",
        "response_narrative",
        ("Response", "Response narrative", "Narrative", "Response details", "Answer", "Reply"),
        "What the authority answered.",
    ),
    Field(
        KEYWORDS,
        "keywords",
        None,
        ("Keywords", "Keyword", "Tags", "Category", "Categories", "Topic", "Topics"),
        "Separated by , ; or |; a keyword new to the log is made.",
        several=True,
    ),
    Field(
        LINK,
        "link",
        "original_url",
        (
            "Link",
            "URL",
            "Source",
            "Source URL",
            "Source link",
            "Original publication",
            "Web link",
            "Disclosure link",
            "Disclosure URL",
            "Published link",
        ),
        "An http(s) address, shown as “Original publication”.",
    ),
    Field(
        EXTENSION_DUE_DATE,
        "extension due date",
        "extension_due_date",
        (
            "Extended Due Date",
            "Extension due date",
            "PIT Extension",
            "Extension Date",
            "Revised Due Date",
            "Extended to",
        ),
        "The due date the time was extended to (FOIA s10(3), EIR reg 7).",
    ),
    Field(
        EXTENSION_REASON,
        "extension reason",
        "extension_reason",
        ("Extension Reason", "Reason for Extension"),
        "Why the time was extended.",
    ),
    Field(
        CLARIFICATION_ASKED,
        "clarification asked",
        None,
        ("Clarification Requested", "Clarification Sought", "Clarification Asked"),
        "The day the requester was asked to clarify: a clarification for each row with one "
        "(rows of one reference: each one once).",
    ),
    Field(
        CLARIFICATION_ANSWERED,
        "clarification answered",
        None,
        ("Clarification Received", "Clarification Answered"),
        "The day the clarification arrived: the time limit runs from it. Without it, the "
        "time taken is not known.",
    ),
    Field(
        REVIEW_REQUESTED,
        "internal review requested",
        "review_requested",
        ("Internal Review Requested", "IR Requested", "Review Request Date", "Review Requested"),
        "On or after the response date.",
    ),
    Field(
        REVIEW_COMPLETED,
        "internal review completed",
        "review_completed",
        ("Internal Review Completed", "IR Completed", "Review Response Date", "Review Completed"),
        "On or after the day it was requested.",
    ),
    Field(
        REVIEW_OUTCOME,
        "internal review outcome",
        "review_outcome",
        ("Internal Review Outcome", "IR Outcome", "Review Result", "Review Outcome"),
        "A wording of the internal review outcomes below.",
    ),
    Field(
        COMMISSIONER_REFERENCE,
        "commissioner reference",
        "commissioner_reference",
        ("ICO Reference", "ICO Case Reference", "SIC Reference", "Commissioner Reference"),
        "The case reference of the complaint to the Commissioner.",
    ),
    Field(
        DECISION_NOTICE_REFERENCE,
        "decision notice reference",
        "decision_notice_reference",
        ("Decision Notice", "Decision Notice Reference", "DN Reference"),
        "The Commissioner's decision notice, as its reference.",
    ),
    Field(
        DECISION_NOTICE_URL,
        "decision notice URL",
        "decision_notice_url",
        ("Decision Notice URL", "Decision Notice Link"),
        "An http(s) address.",
    ),
    Field(
        COMMISSIONER_OUTCOME,
        "commissioner outcome",
        "commissioner_outcome",
        ("ICO Outcome", "ICO Decision", "Commissioner Decision", "Commissioner Outcome"),
        "A wording of the commissioner outcomes below.",
    ),
)
FIELD_BY_NAME = {field.name: field for field in FIELDS}


def heading_key(text: str) -> str:
    """A heading as headings are compared: letters and digits only, lower case."""
    return re.sub(r"[^0-9a-z]", "", text.lower())


FIELD_BY_HEADING: dict[str, Field] = {
    heading_key(heading): field for field in FIELDS for heading in field.headings
}
# What --map and the admin accept for a field: its name, its label, or the name of the
# Disclosure field it fills ("response_date").
FIELD_BY_NAME_KEY: dict[str, Field] = {
    heading_key(name): field
    for field in FIELDS
    for name in (field.name, field.label, field.attribute or field.name)
}


def wording_key(text: str) -> str:
    """A wording as wordings are compared: lower case, "&" as "and", punctuation as
    spaces, "S.12" as "s12"."""
    text = text.lower().replace("&", " and ")
    text = re.sub(r"[^0-9a-z]+", " ", text).strip()
    return re.sub(r"\bs (\d)", r"s\1", text)


# What an outcome wording can mean besides an outcome: a row that is no answered request,
# left out ("skip"), or an entry whose log recorded no outcome.
SKIP = "skip"
NOT_RECORDED = Outcome.NOT_RECORDED.value

OUTCOME_WORDINGS: dict[str, tuple[str, ...]] = {
    Outcome.GRANTED: (
        "Granted in full",
        "Granted",
        "Successful",
        "Released in full",
        "Full release",
        "Full disclosure",
        "Disclosed in full",
        "Disclosed",
        "Information disclosed",
        "Information disclosed in full",
        "Information supplied",
        "Information provided",
        "All information supplied",
        "All information disclosed",
        "All information provided",
        "Full grant",
    ),
    Outcome.PARTIAL: (
        "Granted in part",
        "Partially granted",
        "Part granted",
        "Partially successful",
        "Part disclosed",
        "Partially disclosed",
        "Partial disclosure",
        "Part disclosure",
        "Partial",
        "Disclosed in part",
        "Information partially disclosed",
        "Released in part",
        "Partially released",
        "Part released",
        "Some information supplied",
        "Some information disclosed",
        "Information partially supplied",
        "Partial grant/partial denial",
        "Partial grant",
    ),
    Outcome.NOT_HELD: (
        "Not held",
        "Information not held",
        "No information held",
        "No data held",
        "None held",
        "No records",
    ),
    Outcome.REFUSED: (
        "Refused",
        "Refused in full",
        "Refusal",
        "Rejected",
        "Withheld",
        "Information withheld",
        "All information withheld",
        "Exempt",
        "Exempt in full",
        "Fully exempt",
        "Exemption applied",
        "Refused - exempt",
        "Refused - exemption applies",
        "Refused - exemptions apply",
        "Full denial based on exemptions",
        "Full denial",
    ),
    Outcome.COST_LIMIT: (
        "Exceeds cost limit",
        "Exceeds the cost limit",
        "Exceeds cost",
        "Exceeds appropriate limit",
        "Over cost limit",
        "Cost limit",
        "Refused - cost",
        "Refused - cost limit",
        "Section 12",
        "s12",
        "Refused - section 12",
        "Refused - s12",
        "Section 12 - cost",
        "Section 12 - cost limit",
    ),
    Outcome.VEXATIOUS: (
        "Vexatious",
        "Vexatious request",
        "Repeated request",
        "Repeated",
        "Refused - vexatious",
        "Refused - repeated request",
        "Section 14",
        "s14",
        "Section 14(1)",
        "Section 14(2)",
        "s14(1)",
        "s14(2)",
        "Refused - section 14",
        "Refused - s14",
    ),
    Outcome.NCND: (
        "NCND",
        "Neither confirm nor deny",
        "Neither confirm or deny",
        "Neither confirmed nor denied",
        "Refused - NCND",
    ),
    NOT_RECORDED: ("Not recorded", "Unknown", "Not known"),
    # WhatDoTheyKnow's states of requests not (yet) answered, and the like.
    SKIP: (
        "Awaiting classification",
        "Awaiting response",
        "Awaiting clarification",
        "Long overdue",
        "Delayed",
        "Withdrawn",
        "Withdrawn by the requester",
        "Request withdrawn",
        "User withdrawn",
        "In progress",
        "Open",
        "Pending",
    ),
}


def by_wording(
    choices: type[models.TextChoices], wordings: dict[str, tuple[str, ...]]
) -> dict[str, str]:
    """Every wording of ``wordings`` known, as ``wording_key`` writes it, to its meaning.
    The ``choices``' own values and labels are known too."""
    known = {}
    for choice in choices:
        known[wording_key(choice.value)] = choice.value
        known[wording_key(str(choice.label))] = choice.value
    for meaning, written in wordings.items():
        for wording in written:
            known[wording_key(wording)] = str(meaning)
    return known


def outcome_by_wording() -> dict[str, str]:
    """Every outcome wording known to the outcome's value (or ``skip``,
    ``not-recorded``)."""
    return by_wording(Outcome, OUTCOME_WORDINGS)


# What an internal review decided about the original answer, and what the Commissioner
# decided on a complaint. "Upheld" is the original decision's in the one, the
# complaint's in the other; "not upheld" overturns the original decision in the one and
# dismisses the complaint in the other.
REVIEW_OUTCOME_WORDINGS: dict[str, tuple[str, ...]] = {
    ReviewOutcome.UPHELD: ("Upheld", "Upheld in full", "Original decision upheld"),
    ReviewOutcome.PARTLY_UPHELD: ("Partly upheld", "Upheld in part", "Partially upheld"),
    ReviewOutcome.OVERTURNED: ("Overturned", "Not upheld", "Reversed"),
}
COMMISSIONER_OUTCOME_WORDINGS: dict[str, tuple[str, ...]] = {
    CommissionerOutcome.UPHELD: ("Upheld",),
    CommissionerOutcome.PARTLY_UPHELD: ("Partly upheld",),
    CommissionerOutcome.NOT_UPHELD: ("Not upheld", "Dismissed"),
    CommissionerOutcome.CLOSED: ("Informally resolved", "Withdrawn", "Closed"),
}
# The fields read by their wordings, besides the outcome: their choices and wordings.
CHOICE_WORDINGS: dict[str, tuple[type[models.TextChoices], dict[str, tuple[str, ...]]]] = {
    REVIEW_OUTCOME: (ReviewOutcome, REVIEW_OUTCOME_WORDINGS),
    COMMISSIONER_OUTCOME: (CommissionerOutcome, COMMISSIONER_OUTCOME_WORDINGS),
}


# Cells of an exemptions column that cite none (compared as headings are).
NO_EXEMPTION = ("N/A", "NA", "None", "Nil", "-", "No", "Not applicable", "No exemption")

# Names of legislation in citations ("s38(1)(b) FOISA", "reg 12(5)(e) of the EIR"), to
# the legislation's code. The Environmental Information Regulations by a name that does
# not say which are the authority's own: Scottish authorities call the EISR "the EIRs".
AUTHORITY_REGULATIONS = "regulations"
LEGISLATION_NAMES: dict[str, tuple[str, ...]] = {
    "foia": (
        "FOIA",
        "FOIA 2000",
        "FOI Act",
        "FOI Act 2000",
        "Freedom of Information Act",
        "Freedom of Information Act 2000",
    ),
    "foisa": (
        "FOISA",
        "FOI(S)A",
        "FOISA 2002",
        "FOI (Scotland) Act",
        "Freedom of Information (Scotland) Act",
        "Freedom of Information (Scotland) Act 2002",
    ),
    "eisr": (
        "EISR",
        "EISRs",
        "EI(S)R",
        "EI(S)Rs",
        "Environmental Information (Scotland) Regulations",
        "Environmental Information (Scotland) Regulations 2004",
    ),
    AUTHORITY_REGULATIONS: (
        "EIR",
        "EIRs",
        "Environmental Information Regulations",
        "Environmental Information Regulations 2004",
    ),
}

# Sections that are no exemption but are often written in an exemptions column: the
# outcome records what they mean (FOIA s1 and FOISA s17: not held; s12: cost; s14:
# vexatious; FOIA s16, FOISA s15: advice and assistance; FOIA s17, FOISA s16: the
# refusal notice; FOISA s18: neither confirm nor deny; s2: the public interest test).
PROCEDURAL_SECTIONS: dict[str, frozenset[str]] = {
    "foia": frozenset({"1", "2", "12", "14", "16", "17"}),
    "foisa": frozenset({"1", "2", "12", "14", "15", "16", "17", "18"}),
}

DATE_FORMATS = (
    "Excel date cells",
    "ISO: 2022-02-24, with or without a time",
    "24 February 2022, 24th Feb 2022, Thursday 24 February 2022, February 24, 2022",
    "24/02/2022, 24-02-2022, 24.02.22: day or month first, decided from the whole column",
    "24-Feb-22",
)


@dataclass(frozen=True)
class Section:
    """One table of the documentation: a heading, its columns and rows."""

    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


def sections() -> list[Section]:
    """The tables of known headings and wordings, as the README and the admin show
    them."""
    outcome_labels = {outcome.value: str(outcome.label) for outcome in Outcome}
    outcome_labels[SKIP] = "Left out: not an answered request"
    return [
        Section(
            "Columns",
            ("Field (--map name)", "Headings recognised", "Notes"),
            tuple(
                (
                    field.label
                    + (f" ({field.name})" if field.name != field.label else "")
                    + (", required" if field.required else ""),
                    ", ".join(field.headings),
                    field.meaning,
                )
                for field in FIELDS
            ),
        ),
        Section(
            "Outcomes",
            ("Outcome (--outcome value)", "Wordings recognised"),
            tuple(
                (f"{outcome_labels[str(meaning)]} ({meaning})", ", ".join(wordings))
                for meaning, wordings in OUTCOME_WORDINGS.items()
            ),
        ),
        *(
            Section(
                f"{FIELD_BY_NAME[name].label.capitalize()}s",
                (f"{FIELD_BY_NAME[name].label.capitalize()} (value)", "Wordings recognised"),
                tuple(
                    (f"{choices(meaning).label} ({meaning})", ", ".join(written))
                    for meaning, written in wordings.items()
                ),
            )
            for name, (choices, wordings) in CHOICE_WORDINGS.items()
        ),
        Section(
            "Legislation named in citations",
            ("Legislation (code)", "Names recognised"),
            tuple(
                (
                    "the authority's environmental regulations: EIR, or EISR when "
                    "AUTHORITY_LEGISLATION is foisa"
                    if code == AUTHORITY_REGULATIONS
                    else code,
                    ", ".join(names),
                )
                for code, names in LEGISLATION_NAMES.items()
            ),
        ),
        Section(
            "Other values",
            ("Value", "Read"),
            (
                ("No exemption", ", ".join(NO_EXEMPTION)),
                (
                    "Not an exemption: noted and left out",
                    "; ".join(
                        f"{code.upper()} s" + ", s".join(sorted(numbers, key=int))
                        for code, numbers in PROCEDURAL_SECTIONS.items()
                    ),
                ),
                ("Dates", "; ".join(DATE_FORMATS)),
            ),
        ),
    ]


def markdown() -> str:
    """The tables as Markdown, as the README holds them between its markers."""
    lines = []
    for section in sections():
        lines += [f"**{section.title}**", ""]
        lines.append("| " + " | ".join(section.columns) + " |")
        lines.append("| " + " | ".join("---" for _ in section.columns) + " |")
        lines += [
            "| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |"
            for row in section.rows
        ]
        lines.append("")
    return "\n".join(lines)


README_START = "<!-- known headings and wordings: start -->"
README_END = "<!-- known headings and wordings: end -->"


def readme_with_tables(readme: str) -> str:
    """``readme`` with the tables between its markers made afresh."""
    start = readme.index(README_START) + len(README_START)
    end = readme.index(README_END)
    return readme[:start] + "\n" + markdown() + readme[end:]


def update_readme(path: Path) -> None:
    """Write the tables into the README at ``path``:
    ``manage.py shell -c "from disclosures.imports import known; known.update_readme(...)"``.
    """
    path.write_text(readme_with_tables(path.read_text()))
