"""Reading the values of a log's cells: references and texts, outcomes and the other
wordings, dates, exemption citations, keywords and links.

Every reader returns the value the cell means, with a note when it read the cell with a
word to say (a citation recorded as its section, a row left out as unanswered), or raises
``ValueError`` saying what is wrong with it. Nothing is guessed: a value that could be
read two ways is an error until an option says which.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils import timezone
from django.utils.text import slugify

from disclosures.imports import known
from disclosures.imports.files import LogFileError, cell_text
from disclosures.models import Disclosure, Exemption, Keyword, Legislation, validate_reference

# FOIA came into force on 1 January 2005; a year before 2000 is a typing error, not an
# old response.
EARLIEST_DATE = dt.date(2000, 1, 1)


def _max_length(model: type, name: str) -> int:
    return model._meta.get_field(name).max_length


# References and texts --------------------------------------------------------------------


def read_reference(value: Any) -> str:
    """The reference as the authority writes it. Raises ``ValueError``."""
    reference = cell_text(value)
    if not reference:
        raise ValueError("The reference is missing.")
    if len(reference) > _max_length(Disclosure, "reference"):
        raise ValueError("The reference is longer than 100 characters.")
    try:
        validate_reference(reference)
    except ValidationError as error:
        raise ValueError(" ".join(error.messages)) from None
    return reference


def read_title(value: Any) -> str:
    """The title on one line. Raises ``ValueError`` when missing or too long."""
    title = re.sub(r"\s+", " ", cell_text(value))
    if not title:
        raise ValueError("The title is missing.")
    if len(title) > _max_length(Disclosure, "title"):
        raise ValueError(f"The title is {len(title)} characters long; at most 300 fit.")
    return title


def read_line(value: Any, label: str, attribute: str) -> str:
    """A short text on one line, as a case reference ('' for none), for the Disclosure
    field ``attribute``. Raises ``ValueError`` when it is too long to store."""
    text = re.sub(r"\s+", " ", cell_text(value))
    if len(text) > (limit := _max_length(Disclosure, attribute)):
        raise ValueError(f"The {label} is longer than {limit} characters.")
    return text


def read_link(value: Any, label: str = "link", attribute: str = "original_url") -> str:
    """A web address (http or https), or '' for none, for the Disclosure field
    ``attribute``. Raises ``ValueError``."""
    link = cell_text(value)
    if not link:
        return ""
    try:
        URLValidator(schemes=["http", "https"])(link)
    except ValidationError:
        raise ValueError(
            f"{label[0].upper()}{label[1:]} {link[:80]!r} is not a web address "
            "(http:// or https://)."
        ) from None
    if len(link) > (limit := _max_length(Disclosure, attribute)):
        raise ValueError(f"The {label} is longer than {limit} characters.")
    return link


# Outcomes --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Read:
    """A value read, and the note to give about it, if any."""

    value: Any
    note: str = ""


class WordingReader:
    """The wordings of a field with choices (an internal review's outcome, the
    Commissioner's): those the table of ``known`` holds for it, and its choices' own
    values and labels, each meaning one choice. Nothing else is read."""

    def __init__(self, label: str, meanings: dict[str, str]) -> None:
        self.label, self.meanings = label, meanings

    @classmethod
    def of(cls, name: str) -> WordingReader:
        """The reader of the ``known.Field`` named ``name``, one of ``known.CHOICE_WORDINGS``."""
        choices, wordings = known.CHOICE_WORDINGS[name]
        return cls(known.FIELD_BY_NAME[name].label, known.by_wording(choices, wordings))

    def meaning(self, text: str) -> str:
        """What the wording ``text`` (not blank) means. Raises ``ValueError`` naming an
        unknown wording."""
        meaning = self.meanings.get(known.wording_key(text))
        if meaning is None:
            raise ValueError(f"Unknown {self.label} {text!r}.")
        return meaning

    def read(self, value: Any) -> Read:
        """The choice's value, or '' for a blank cell. Raises ``ValueError`` naming an
        unknown wording."""
        text = cell_text(value)
        return Read(self.meaning(text) if text else "")


class OutcomeReader(WordingReader):
    """Outcome wordings: those the table of ``known`` holds, and those given
    (``--outcome "Wording=value"``), each meaning an outcome, ``not-recorded`` or
    ``skip``."""

    MEANINGS = (*(str(o) for o in known.Outcome), known.SKIP)

    def __init__(self, given: Mapping[str, str | None] | None = None) -> None:
        super().__init__(known.FIELD_BY_NAME[known.OUTCOME].label, known.outcome_by_wording())
        for wording, meaning in (given or {}).items():
            if meaning not in self.MEANINGS:
                raise LogFileError(
                    f"The outcome wording {wording!r} is to be read as {meaning or ''!r}, "
                    f"which is not an outcome: use one of {', '.join(self.MEANINGS)}."
                )
            self.meanings[known.wording_key(wording)] = meaning

    def read(self, value: Any) -> Read:
        """The outcome's value, ``skip``, or ``not-recorded`` for a blank cell. Raises
        ``ValueError`` naming an unknown wording."""
        text = cell_text(value)
        if not text:
            return Read(known.NOT_RECORDED, "No outcome given: not recorded.")
        meaning = self.meaning(text)
        if meaning == known.SKIP:
            return Read(meaning, f"{text!r} is not an answered request: left out.")
        return Read(meaning)


# Dates -----------------------------------------------------------------------------------


class DateOrder(enum.StrEnum):
    DAY_FIRST = "day-first"
    MONTH_FIRST = "month-first"


_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        1,
    )
    for name in names
}
# A time after the date, as spreadsheets exported to CSV often add, is ignored.
_TIME = r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?"
_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})" + _TIME)
_NUMERIC_DATE = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2})" + _TIME)
# "24 February 2022", "24th Feb 2022", "Thursday 24 February 2022", "24-Feb-22".
_DAY_MONTH_YEAR = re.compile(
    r"(?:[a-z]+,?\s+)?(\d{1,2})(?:st|nd|rd|th)?[\s-]+([a-z]+)\.?,?[\s-]+(\d{4}|\d{2})" + _TIME,
    re.IGNORECASE,
)
# "February 24, 2022", "Feb 24 2022".
_MONTH_DAY_YEAR = re.compile(
    r"(?:[a-z]+,?\s+)?([a-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})" + _TIME, re.IGNORECASE
)


def _numeric(text: str) -> tuple[int, int, int] | None:
    """The three numbers of a date written 24/02/2022 (in the order written), or None."""
    match = _NUMERIC_DATE.fullmatch(text)
    if match is None:
        return None
    first, second, year = (int(part) for part in match.groups())
    return first, second, year + 2000 if year < 100 else year


@dataclass
class DateColumn:
    """What one column's dates written with numbers only (03/04/2022) say about their
    order, seen over the whole column: a first number over 12 is a day, so the column
    writes days first; a second one over 12, months first."""

    heading: str
    day_first: tuple[int, str] | None = None  # the first row that shows it, and its date
    month_first: tuple[int, str] | None = None
    either: tuple[int, str] | None = None  # the first date that could be read both ways
    either_count: int = 0

    def observe(self, number: int, value: Any) -> None:
        if isinstance(value, dt.date):
            return
        text = re.sub(r"\s+", " ", cell_text(value))
        numbers = _numeric(text)
        if numbers is None:
            return
        first, second, _ = numbers
        if first > 12 >= second:
            self.day_first = self.day_first or (number, text)
        elif second > 12 >= first:
            self.month_first = self.month_first or (number, text)
        elif first <= 12 and second <= 12 and first != second:
            self.either = self.either or (number, text)
            self.either_count += 1

    def order(self, given: DateOrder | None) -> DateOrder | None:
        """The order its dates are read in: ``given`` if any, else the one the column
        shows; None when it shows both or neither (its dates that could be read both
        ways are then errors)."""
        if given is not None:
            return given
        if self.day_first and not self.month_first:
            return DateOrder.DAY_FIRST
        if self.month_first and not self.day_first:
            return DateOrder.MONTH_FIRST
        return None

    def note(self, given: DateOrder | None) -> str:
        """How the column's dates are read, in words, for the report: nothing is read in
        one order or the other without a word."""
        order = self.order(given)
        heading = self.heading
        if order is not None:
            how = "day first" if order == DateOrder.DAY_FIRST else "month first"
            shown = self.day_first if order == DateOrder.DAY_FIRST else self.month_first
            against = self.month_first if order == DateOrder.DAY_FIRST else self.day_first
            if given is not None:
                said = f"Dates in {heading!r} are read {how}, as asked"
                return said + (f"; row {against[0]} ({against[1]}) cannot be." if against else ".")
            return f"Dates in {heading!r} are read {how}: row {shown[0]} has {shown[1]}."
        if self.day_first and self.month_first:
            return (
                f"Dates in {heading!r} are written both day first (row {self.day_first[0]}: "
                f"{self.day_first[1]}) and month first (row {self.month_first[0]}: "
                f"{self.month_first[1]}): {self.either_count} that could be either are "
                "errors until the order is given (--dates day-first or month-first)."
            )
        if self.either:
            return (
                f"Dates in {heading!r} could all be read day first or month first (row "
                f"{self.either[0]}: {self.either[1]}): give the order (--dates day-first "
                "or month-first)."
            )
        return ""


def read_date(value: Any, order: DateOrder | None, label: str) -> dt.date | None:
    """The date a cell writes (None for a blank cell), numbers-only dates read in
    ``order`` (None: only those that can be read one way).

    Reads Excel date cells, ISO (with or without a time), "24 February 2022", "24th Feb
    2022", "February 24, 2022", "24-Feb-22", and "24/02/2022", "24-02-22", "24.02.2022"
    in ``order``. Raises ``ValueError`` for anything else, for impossible dates, and for
    dates in the future or before 2000 (typing errors); ``label`` names the field.
    """
    if isinstance(value, dt.datetime):
        date = value.date()
    elif isinstance(value, dt.date):
        date = value
    else:
        text = re.sub(r"\s+", " ", cell_text(value))
        if not text:
            return None
        date = _date_from_text(text, order, label)
    if date > timezone.localdate():
        raise ValueError(f"{label.capitalize()} {date:%d/%m/%Y} is in the future.")
    if date < EARLIEST_DATE:
        raise ValueError(f"{label.capitalize()} {date:%d/%m/%Y} is before 2000.")
    return date


def _date_from_text(text: str, order: DateOrder | None, label: str) -> dt.date:
    if (numbers := _numeric(text)) is not None:
        first, second, year = numbers
        if order == DateOrder.DAY_FIRST:
            return _checked(year, second, first, text, order, label)
        if order == DateOrder.MONTH_FIRST:
            return _checked(year, first, second, text, order, label)
        if first <= 12 and second <= 12 and first != second:
            one, other = dt.date(year, second, first), dt.date(year, first, second)
            raise ValueError(
                f"{label.capitalize()} {text!r} could be {one.day} {one:%B %Y} or "
                f"{other.day} {other:%B %Y}: give the order of the column's dates "
                "(--dates day-first or month-first)."
            )
        # Only one reading is a date: the number over 12 is the day.
        day, month = (first, second) if first > 12 or first == second else (second, first)
        return _checked(year, month, day, text, None, label)
    if match := _ISO_DATE.fullmatch(text):
        year, month, day = (int(part) for part in match.groups())
        return _checked(year, month, day, text, None, label)
    if (match := _DAY_MONTH_YEAR.fullmatch(text)) and match[2].lower() in _MONTHS:
        year = int(match[3]) + (2000 if len(match[3]) == 2 else 0)
        return _checked(year, _MONTHS[match[2].lower()], int(match[1]), text, None, label)
    if (match := _MONTH_DAY_YEAR.fullmatch(text)) and match[1].lower() in _MONTHS:
        month = _MONTHS[match[1].lower()]
        return _checked(int(match[3]), month, int(match[2]), text, None, label)
    raise ValueError(
        f"{label.capitalize()} {text!r} is not a date: write it as 24/02/2022, "
        "24 February 2022 or 2022-02-24."
    )


def _checked(
    year: int, month: int, day: int, text: str, order: DateOrder | None, label: str
) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError:
        read = f", read {order.replace('-', ' ')}," if order else ""
        raise ValueError(f"{label.capitalize()} {text!r}{read} is not a date.") from None


# Keywords --------------------------------------------------------------------------------

_KEYWORD_SEPARATORS = re.compile(r"[,;|\n]")


def read_keywords(values: Iterable[Any]) -> list[str]:
    """The keywords of one or more cells, separated by commas, semicolons, bars or lines,
    trimmed, without repeats (ignoring case).

    Raises ``ValueError`` for a keyword too long to store or one with no letters or digits.
    """
    names: list[str] = []
    seen: set[str] = set()
    for value in values:
        for part in _KEYWORD_SEPARATORS.split(cell_text(value)):
            name = re.sub(r"\s+", " ", part).strip().rstrip(".")
            if not name or name.lower() in seen:
                continue
            if len(name) > _max_length(Keyword, "name"):
                raise ValueError(f"Keyword {name[:40]!r}… is longer than 100 characters.")
            if not slugify(name):
                raise ValueError(f"Keyword {name!r} has no letters or digits.")
            seen.add(name.lower())
            names.append(name)
    return names


# Exemptions ------------------------------------------------------------------------------


def _code_key(code: str) -> str:
    """An exemption's code as citations are matched: no "s" or "reg", no spaces or dots,
    lower case. ``s40(2)`` → ``40(2)``; ``reg 12(4)(b)`` → ``12(4)(b)``; ``(b)(6)`` stays."""
    code = re.sub(r"[\s.]", "", code.lower())
    return re.sub(r"^(?:regulations?|regs?|sections?|secs?|ss?)(?=\d)", "", code)


@dataclass(frozen=True)
class _Legislation:
    code: str
    abbreviation: str
    by_regulation: bool
    regulations: str | None


_SEPARATOR = re.compile(r"\s*(?:[;,&+/\n]|\band\b|\bor\b)\s*", re.IGNORECASE)
_GROUPS = re.compile(r"\(\s*([0-9a-z]{1,5})\s*\)", re.IGNORECASE)
_CITATION = re.compile(
    r"(?:\b(?P<prefix>regulations?|regs?|sections?|secs?|ss?)\.?\s*|(?<![0-9a-z(.]))"
    r"(?P<number>\d{1,3}[a-z]?)(?![0-9a-z])"
    r"(?P<groups>(?:\s*\(\s*[0-9a-z]{1,5}\s*\))*)",
    re.IGNORECASE,
)
_ONLY_GROUPS = re.compile(r"\s*((?:\(\s*[0-9a-z]{1,5}\s*\)\s*)+)", re.IGNORECASE)
_NO_EXEMPTION = {known.heading_key(v) for v in known.NO_EXEMPTION} | {""}


@dataclass
class _Cited:
    number: str
    groups: list[str]
    by_regulation: bool | None  # None: as the legislation cites
    legislation: str | None  # named in the same part
    written: str = field(default="")

    @property
    def key(self) -> str:
        return self.number + "".join(f"({g})" for g in self.groups)


class ExemptionIndex:
    """The exemptions in the database, by legislation, to read citations with.

    A citation that names no legislation is read as the authority's
    (``AUTHORITY_LEGISLATION``), a regulation as the regulations beside it; one that
    names one ("s38(1)(b) FOISA", "reg 12(5)(e) EIR") as that one. A citation is never
    read as another legislation's.
    """

    def __init__(
        self,
        exemptions: Iterable[tuple[int, str, str, str]],
        legislations: Iterable[_Legislation],
        authority: str,
    ) -> None:
        self.legislations = {legislation.code: legislation for legislation in legislations}
        if authority not in self.legislations:
            raise LogFileError(
                f"AUTHORITY_LEGISLATION is {authority!r}, which names no legislation in the "
                f"log (it has {', '.join(self.legislations)})."
            )
        self.authority = self.legislations[authority]
        # In the exemptions' own order (position, code), as the history lists them.
        self.codes: dict[int, str] = {}
        self.by_key: dict[tuple[str, str], tuple[int, str, str]] = {}
        for pk, legislation, code, name in exemptions:
            self.codes[pk] = code
            self.by_key[legislation, _code_key(code)] = (pk, code, name)
        self.names = self._names()

    @classmethod
    def load(cls) -> ExemptionIndex:
        """The exemptions and legislation of the database, in two queries. Raises
        ``LogFileError`` when ``AUTHORITY_LEGISLATION`` names no legislation."""
        legislations = [
            _Legislation(code, abbreviation, provisions == Legislation.Provisions.REGULATIONS, regs)
            for code, abbreviation, provisions, regs in Legislation.objects.values_list(
                "code", "abbreviation", "provisions", "regulations"
            )
        ]
        exemptions = Exemption.objects.values_list("pk", "legislation", "code", "name")
        return cls(exemptions, legislations, settings.AUTHORITY_LEGISLATION)

    def _names(self) -> list[tuple[re.Pattern, str]]:
        """Patterns of the names of legislation, longest first, to the code each means."""
        names = {name: code for code, found in known.LEGISLATION_NAMES.items() for name in found}
        for legislation in self.legislations.values():
            if legislation.code not in known.LEGISLATION_NAMES:
                names.setdefault(legislation.abbreviation, legislation.code)
        patterns = []
        for name in sorted(names, key=len, reverse=True):
            words = re.escape(name).replace(r"\ ", r"\s+")
            words = words.replace(r"\(", r"\s*\(\s*").replace(r"\)", r"\s*\)\s*")
            pattern = re.compile(rf"(?<![0-9a-z]){words}(?![0-9a-z])", re.IGNORECASE)
            patterns.append((pattern, names[name]))
        return patterns

    def cited(self, pks: Iterable[int]) -> str:
        """The codes of the exemptions ``pks``, as the history records them."""
        chosen = set(pks)
        return ", ".join(code for pk, code in self.codes.items() if pk in chosen)

    def _regulations_of(self, code: str) -> _Legislation | None:
        legislation = self.legislations[code]
        if legislation.by_regulation:
            return legislation
        return self.legislations.get(legislation.regulations or "")

    def _named(self, code: str) -> str:
        """A name found in a citation, as a legislation's code: "EIR" without saying
        which is the regulations beside the authority's Act (EISR for FOISA), or the
        EIR when its Act has none."""
        if code == known.AUTHORITY_REGULATIONS:
            regulations = self._regulations_of(self.authority.code)
            return regulations.code if regulations else "eir"
        return code

    def read(self, value: Any) -> tuple[list[int], list[str]]:
        """The exemptions an exemptions cell cites, and notes.

        Understands "N/A", "None" and "-" (none), "Section 31(1)(a) and Section 40(2)",
        "S.40(2), S.31(1)(a)", "Sections 23(5), 24(2)", "40(2)", "S43 Commercial
        Interests" (the whole section), "S40(3A)(a)", "36(2)(b)(i)&(ii)", "Regulation
        12(4)(b)", "s38(1)(b) FOISA"; descriptive words are ignored. A subsection the log
        has no exemption for is recorded as its section, with a note.

        Returns (exemption pks, notes). Raises ``ValueError`` listing every citation that
        matches no exemption, or more than one.
        """
        text = cell_text(value)
        if known.heading_key(text) in _NO_EXEMPTION:
            return [], []
        citations = self._citations(text)
        if not citations:
            raise ValueError(f"No exemption found in {text!r}: cite it as s40(2) or reg 13.")
        # A legislation named once in the cell is that of every citation of its kind.
        named = {c.legislation for c in citations if c.legislation}
        pks: list[int] = []
        notes: list[str] = []
        problems: list[str] = []
        for citation in citations:
            try:
                pk, note = self._resolve(citation, named)
            except ValueError as error:
                problems.append(str(error))
                continue
            if note:
                notes.append(note)
            if pk is not None and pk not in pks:
                pks.append(pk)
        if problems:
            raise ValueError(" ".join(dict.fromkeys(problems)))
        return pks, list(dict.fromkeys(notes))

    def _citations(self, text: str) -> list[_Cited]:
        citations: list[_Cited] = []
        for part in _SEPARATOR.split(text):
            named = None
            for pattern, code in self.names:
                if pattern.search(part):
                    named = self._named(code)
                    part = pattern.sub(" ", part)
            found = self._citations_in(part, named, citations[-1] if citations else None)
            citations += found
        return citations

    def _citations_in(self, part: str, named: str | None, previous: _Cited | None) -> list[_Cited]:
        if previous is not None and (groups := _ONLY_GROUPS.match(part)):
            # "(ii)" after "36(2)(b)(i)": the same citation, its last groups replaced.
            replacing = _GROUPS.findall(groups[1])
            if len(replacing) <= len(previous.groups):
                kept = previous.groups[: len(previous.groups) - len(replacing)]
                groups = kept + [g.lower() for g in replacing]
                return [
                    _Cited(previous.number, groups, previous.by_regulation, previous.legislation)
                ]
        found = []
        last_end = 0
        for match in _CITATION.finditer(part):
            prefix = (match["prefix"] or "").lower()
            if not prefix and part[last_end : match.start()].strip():
                # A bare number is a citation only first in its part, or straight after
                # another: not "(2 documents)" or "Act 2018".
                continue
            legislation = named
            if prefix:
                by_regulation = prefix.startswith("reg")
            elif found:
                by_regulation, legislation = found[-1].by_regulation, found[-1].legislation
            elif previous is not None and not named:
                # "Regulations 12(5)(e) and 13", "EIR 12(5)(e), 13": as the one before.
                by_regulation, legislation = previous.by_regulation, previous.legislation
            else:
                by_regulation = None
            groups = [g.lower() for g in _GROUPS.findall(match["groups"])]
            found.append(_Cited(match["number"].lower(), groups, by_regulation, legislation))
            last_end = match.end()
        if found or not part.strip():
            return found
        # A legislation added in the admin may cite its own way: "(b)(6)".
        key = _code_key(part)
        matches = [k for k in self.by_key if k[1] == key]
        if len(matches) == 1:
            legislation, key = matches[0]
            return [_Cited(key, [], None, legislation, written=part.strip())]
        return []

    def _resolve(self, citation: _Cited, named: set[str | None]) -> tuple[int | None, str]:
        legislation = self._legislation_of(citation, named)
        kind = citation.by_regulation
        if kind is not None and kind != legislation.by_regulation:
            # "reg 10(4)(a) FOISA": the regulations beside the Act named.
            regulations = self._regulations_of(legislation.code) if kind else None
            if regulations is None:
                cited = ("reg " if kind else "s") + citation.key
                raise ValueError(
                    f"{cited} is cited as a {'regulation' if kind else 'section'}, and "
                    f"{legislation.abbreviation} has none."
                )
            legislation = regulations
        written = citation.written or (
            ("reg " if legislation.by_regulation else "s") + citation.key
        )
        if legislation.code != self.authority.code:
            written += f" {legislation.abbreviation}"
        procedural = known.PROCEDURAL_SECTIONS.get(legislation.code, ())
        if not legislation.by_regulation and citation.number in procedural:
            return None, f"{written} is not an exemption: ignored."
        key = citation.key
        if (legislation.code, key) in self.by_key:
            return self.by_key[legislation.code, key][0], ""
        groups = list(citation.groups)
        while groups:
            groups.pop()
            broader = citation.number + "".join(f"({g})" for g in groups)
            if (legislation.code, broader) in self.by_key:
                pk, code, name = self.by_key[legislation.code, broader]
                return pk, (
                    f"{written} is recorded as {code} {name}: the log has no exemption "
                    "for it; add it in the admin to record it exactly."
                )
        narrower = sorted(
            (
                code
                for (lg, k), (_, code, _) in self.by_key.items()
                if lg == legislation.code and k.startswith(key + "(")
            ),
            key=lambda code: [int(p) if p.isdigit() else p for p in re.findall(r"\d+|\D+", code)],
        )
        if narrower:
            listed = (
                ", ".join(narrower[:-1]) + f" or {narrower[-1]}"
                if len(narrower) > 1
                else narrower[0]
            )
            raise ValueError(f"Exemption {written} could be {listed}: give the subsection.")
        raise ValueError(f"Unknown exemption {written}.")

    def _legislation_of(self, citation: _Cited, named: set[str | None]) -> _Legislation:
        if citation.legislation:
            if citation.legislation not in self.legislations:
                raise ValueError(
                    f"{citation.key} is cited with legislation the log has not "
                    f"({citation.legislation}): add it in the admin."
                )
            return self.legislations[citation.legislation]
        by_regulation = bool(citation.by_regulation)
        alike = [
            code
            for code in named & set(self.legislations)
            if code and self.legislations[code].by_regulation == by_regulation
        ]
        if len(alike) == 1:
            return self.legislations[alike[0]]
        if by_regulation:
            return self._regulations_of(self.authority.code) or self.authority
        return self.authority


def unite(first: Sequence[Any], second: Sequence[Any]) -> list[Any]:
    """``first`` and then what ``second`` adds, without repeats."""
    return list(dict.fromkeys([*first, *second]))
