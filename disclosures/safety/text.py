"""Personal data in free text: the patterns an FOI officer would not want to publish by mistake.

The patterns are tuned for few false positives, because a check that cries wolf on every
disclosure gets ignored. So: an organisation's role mailbox (foi@…) is not reported, a postcode
is only reported when a house number comes shortly before it (a police HQ's address is public),
a date is only a date of birth when "DOB" or similar is next to it, and the 101/999/111 service
numbers can never match the 11-digit phone pattern.

Every finding shows the matched value partly masked, so the warning does not itself spread the
data it warns about.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from . import Finding, decode_text

__all__ = [
    "check_text",
    "extract_text",
    "find_hazards",
    "find_personal_data",
    "mask_personal_data",
]


@dataclass(frozen=True)
class _Match:
    """A validated match: where it starts in the text and how to show it masked."""

    check: str
    start: int
    masked: str
    value: str  # the unmasked text, used only to avoid reporting one match twice
    end: int = -1


# --- email ------------------------------------------------------------------------------------

_EMAIL = re.compile(
    r"(?<![\w.+'%-])([A-Za-z0-9][A-Za-z0-9._%+'-]{0,63})@"
    r"((?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24})(?![\w-])"
)
# An authority's own role mailboxes appear in every response letter ("contact foi@…"); they
# name no individual, so reporting them would only be noise.
_ROLE_MAILBOX_WORDS = {
    "foi", "foia", "foirequests", "freedomofinformation", "info", "information", "enquiries",
    "enquiry", "contact", "contactus", "press", "media", "news", "communications", "comms",
    "complaints", "dpo", "dataprotection", "gdpr", "admin", "webmaster", "postmaster", "noreply",
    "donotreply", "support", "helpdesk", "help", "reception", "office", "team", "requests",
    "request", "disclosure", "disclosures", "customerservices", "service", "services", "hello",
    "feedback", "records", "mailbox", "general", "accounts", "finance", "hr", "recruitment",
    "legal", "licensing", "planning", "council", "police", "publicaccess", "sar",
}  # fmt: skip


def _email_matches(text: str) -> Iterator[_Match]:
    for match in _EMAIL.finditer(text):
        local, domain = match.group(1), match.group(2)
        words = {w for w in re.split(r"[._+'-]", local.lower()) if w}
        squashed = re.sub(r"[._+'-]", "", local.lower())
        if words & _ROLE_MAILBOX_WORDS or squashed in _ROLE_MAILBOX_WORDS:
            continue
        yield _Match(
            "personal-data-email",
            match.start(),
            f"{local[0]}***@{domain}",
            match.group(0),
            match.end(),
        )


# --- UK phone numbers -------------------------------------------------------------------------

# A candidate starts with 0, +44 or 0044 (optionally "(0"), then 9–11 more digits with at most
# two separators (space, hyphen, bracket) between any two digits. Tabs and newlines are not
# separators: in text taken from a spreadsheet they divide cells, and numbers in neighbouring
# cells must not be glued together. Validation by digit count follows.
_PHONE = re.compile(r"(?<![\w+/.\-])(?:\+44|0044|\(0|0)(?:[ \-()]{0,2}\d){9,11}(?!\d)")
_MOBILE_PREFIXES = ("071", "072", "073", "074", "075", "077", "078", "079")


def _uk_national_number(candidate: str) -> str | None:
    """Return the 11-digit national form (0…) of a UK mobile or 01/02 landline, else None."""
    digits = re.sub(r"\D", "", candidate)
    if candidate.startswith(("+44", "0044")):
        rest = digits[2:] if candidate.startswith("+") else digits[4:]
        if rest.startswith("0"):  # "+44 (0)20 …"
            rest = rest[1:]
        national = "0" + rest
    else:
        national = digits
    if len(national) != 11:
        return None
    if national.startswith(("01", "02")) or national.startswith(_MOBILE_PREFIXES):
        return national
    return None


def _phone_matches(text: str) -> Iterator[_Match]:
    for match in _PHONE.finditer(text):
        candidate = match.group(0).rstrip(" -(")
        if _uk_national_number(candidate) is None:
            continue
        yield _Match(
            "personal-data-phone",
            match.start(),
            _mask_digits(candidate),
            candidate,
            match.start() + len(candidate),
        )


def _mask_digits(value: str) -> str:
    """Keep the first two and last two digits, replacing the others with '*'."""
    positions = [i for i, ch in enumerate(value) if ch.isdigit()]
    hide = set(positions[2:-2])
    return "".join("*" if i in hide else ch for i, ch in enumerate(value))


# --- National Insurance numbers ---------------------------------------------------------------

# First letter never D F I Q U V; second letter never D F I O Q U V (HMRC's allocation rules).
_NINO = re.compile(
    r"(?<![A-Za-z0-9])([A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]) ?(\d{2}) ?(\d{2}) ?(\d{2}) ?([A-D])"
    r"(?![A-Za-z0-9])",
    re.IGNORECASE,
)
_NINO_UNUSED_PREFIXES = {"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"}


def _nino_matches(text: str) -> Iterator[_Match]:
    for match in _NINO.finditer(text):
        prefix = match.group(1).upper()
        if prefix in _NINO_UNUSED_PREFIXES:
            continue
        yield _Match(
            "personal-data-ni-number",
            match.start(),
            f"{prefix}** ** ** *",
            match.group(0),
            match.end(),
        )


# --- home addresses ---------------------------------------------------------------------------

_POSTCODE = re.compile(
    r"(?<![A-Za-z0-9])([A-PR-UWYZ][A-HK-Y]?\d[A-HJKPS-UW\d]?) ?(\d[ABD-HJLNP-UW-Z]{2})"
    r"(?![A-Za-z0-9])"
)
_MONTHS = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\b"
# A house number: 1–3 digits and an optional letter ("12", "12a", "12-14"), then a capitalised
# word (the street or building name) that is not a month ("12 March"). Four-digit numbers are
# left out because they are far more often years ("In 2023 Essex Police …").
_HOUSE_NUMBER = re.compile(
    r"(?<![\w/.£$%:\-])(\d{1,3}[A-Za-z]?)(?:[-–]\d{1,3}[A-Za-z]?)?,? +(?!"
    + _MONTHS
    + r")[A-Z][a-z]"
)
# Words before a number that make it something other than a home's number: a PO Box or a
# business unit is not personal data, and "section 40" is the FOI Act.
_NOT_A_HOME = re.compile(
    r"(?:\b(?:box|section|s\.|unit|suite|room|floor|level|block|gate|platform|junction|"
    r"j|page|para|paragraph|item|question|q|no\.?|number|ref|tel|call|dial)\s*)$",
    re.IGNORECASE,
)
_SERVICE_NUMBERS = {"101", "999", "111", "112"}
_ADDRESS_WINDOW = 50


def _address_matches(text: str) -> Iterator[_Match]:
    for match in _POSTCODE.finditer(text):
        window_start = max(0, match.start() - _ADDRESS_WINDOW)
        window = text[window_start : match.start()]
        for number in _HOUSE_NUMBER.finditer(window):
            before = text[
                max(0, window_start + number.start() - 12) : window_start + number.start()
            ]
            if number.group(1) in _SERVICE_NUMBERS or _NOT_A_HOME.search(before):
                continue
            yield _Match(
                "personal-data-address",
                window_start + number.start(),
                f"{match.group(1)} ***",
                text[window_start + number.start() : match.end()],
                match.end(),
            )
            break


# --- dates of birth ---------------------------------------------------------------------------

_DOB_KEYWORD = re.compile(
    r"(?<![A-Za-z])(?:D\.?\s?O\.?\s?B\b\.?|date\s+of\s+birth|birth\s*date|born(?:\s+on)?)(?![A-Za-z])",
    re.IGNORECASE,
)
_DATE = re.compile(
    r"(?:\d{1,2}[/.\-]\d{1,2}[/.\-](?:\d{4}|\d{2})(?!\d)"
    r"|\d{4}-\d{2}-\d{2}(?!\d)"
    r"|\d{1,2}(?:st|nd|rd|th)?(?:\s+of)?\s+" + _MONTHS + r"\.?,?\s+\d{4}(?!\d)"
    r"|" + _MONTHS + r"\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4}(?!\d))",
    re.IGNORECASE,
)
# What may stand between the keyword and the date: "DOB: 12/03/1985", "born on 1 May 1980",
# "Date of birth\t12.03.85" (a tab-separated spreadsheet row).
_DOB_GAP = re.compile(r"[\s:;,.\-–=()\[\]]*(?:is\s+|was\s+)?")


def _dob_matches(text: str) -> Iterator[_Match]:
    for keyword in _DOB_KEYWORD.finditer(text):
        gap = _DOB_GAP.match(text, keyword.end())
        position = gap.end() if gap else keyword.end()
        if position - keyword.end() > 20:
            continue
        date = _DATE.match(text, position)
        if date:
            yield _Match(
                "personal-data-dob",
                keyword.start(),
                _mask_date(date.group(0)),
                date.group(0),
                date.end(),
            )


def _mask_date(value: str) -> str:
    """Hide every digit and letter of a date but keep its shape, e.g. "**/**/****"."""
    return re.sub(r"[A-Za-z0-9]", "*", value)


# --- vehicle registrations --------------------------------------------------------------------

# The current (2001-) format: two area letters, a two-digit age identifier (02-29 for March
# registrations, 51-79 for September ones, leaving room for future years), three random letters.
# I and Q are never used; Z is not an area letter. Upper case only: "ab12 cde" in prose is rare
# and lower-case look-alikes ("mp3") are common.
_VRM = re.compile(
    r"(?<![A-Za-z0-9])([A-HJ-PR-Y][A-HJ-PR-Y])(0[2-9]|[12]\d|5[1-9]|[67]\d) ?([A-HJ-PR-Z]{3})"
    r"(?![A-Za-z0-9])"
)


def _vrm_matches(text: str) -> Iterator[_Match]:
    for match in _VRM.finditer(text):
        yield _Match(
            "personal-data-vehicle",
            match.start(),
            f"{match.group(1)}** ***",
            match.group(0),
            match.end(),
        )


# --- assembling findings ----------------------------------------------------------------------

_DESCRIPTIONS: dict[str, str] = {
    "personal-data-email": "an email address ({value}) that may be a person's own",
    "personal-data-phone": "a UK phone number ({value})",
    "personal-data-ni-number": "a National Insurance number ({value})",
    "personal-data-address": (
        "what looks like a home address (a house number, then the postcode {value})"
    ),
    "personal-data-dob": "a date of birth ({value})",
    "personal-data-vehicle": "a vehicle registration ({value})",
}

_MATCHERS: tuple[Callable[[str], Iterator[_Match]], ...] = (
    _email_matches,
    _phone_matches,
    _nino_matches,
    _address_matches,
    _dob_matches,
    _vrm_matches,
)


def find_personal_data(text: str, where: str = "", unit: str = "line") -> list[Finding]:
    """Find personal data in ``text``.

    ``where`` prefixes each location (e.g. ``"sheet 'Staff'"``) and ``unit`` names what a line of
    the text is (``"line"``, or ``"row"`` for spreadsheet text, ``"paragraph"`` for Word text).
    Returns the findings in text order, one per match, each with the value partly masked.
    """
    if not text:
        return []
    line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
    matches = sorted(
        (found for matcher in _MATCHERS for found in matcher(text)), key=lambda m: m.start
    )
    findings: list[Finding] = []
    seen: set[tuple[str, str, str]] = set()
    for found in matches:
        line = bisect.bisect_right(line_starts, found.start)
        location = f"{where}, {unit} {line}" if where else f"{unit} {line}"
        key = (found.check, location, found.value)
        if key in seen:
            continue
        seen.add(key)
        description = _DESCRIPTIONS[found.check].format(value=found.masked)
        findings.append(
            Finding(
                found.check,
                f"The text contains {description}. Remove or redact it unless it is meant to be "
                "published.",
                location,
            )
        )
    return findings


def mask_personal_data(text: str) -> str:
    """Return ``text`` with every personal-data match replaced by its masked form.

    Used when a warning quotes document text (a comment, a deleted sentence), so that the
    warning does not itself spread the data.
    """
    matches = sorted(
        (found for matcher in _MATCHERS for found in matcher(text)), key=lambda m: m.start
    )
    parts: list[str] = []
    position = 0
    for found in matches:
        if found.start < position or found.end <= found.start:
            continue  # overlaps a match already masked
        parts.append(text[position : found.start])
        parts.append(found.masked)
        position = found.end
    parts.append(text[position:])
    return "".join(parts)


def check_text(text: str, where: str = "") -> list[Finding]:
    """Find personal data in free text; see ``find_personal_data``. Returns the findings."""
    return find_personal_data(text, where)


def find_hazards(data: bytes) -> list[Finding]:
    """Check a plain-text or CSV file for personal data.

    Returns the findings, located by row for CSV-like content and by line otherwise.
    """
    text = decode_text(data)
    if text is None:
        return [Finding("unreadable", "This text file could not be decoded as text.", "")]
    return find_personal_data(text)


def extract_text(data: bytes) -> str:
    """Return the decoded text of a text or CSV file, or "" if it cannot be decoded."""
    return decode_text(data) or ""
