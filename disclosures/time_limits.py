"""Time limits for answering requests: working days, due dates, and whether an answer met
them, under the law the authority answers under.

What is implemented, and why:

- **Twenty working days, the day of receipt not counted.** FOIA s10(1) and EIR reg 5(2):
  "not later than the twentieth working day following the date of receipt"; FOISA
  s10(1) and EISR reg 5(2)(a): "not later than the twentieth working day after receipt".
  Under all four the first working day after the day of receipt is day one, whatever day
  the request arrived: one received on a Saturday is due when one received on the Friday
  before is.
- **Working days.** FOIA s10(6) (whose meaning EIR reg 2(1) takes): any day but a
  Saturday, a Sunday, Christmas Day, Good Friday or a bank holiday under the Banking and
  Financial Dealings Act 1971 *in any part of the United Kingdom*, so an authority in
  England or Northern Ireland skips Scotland's 2 January and St Andrew's Day too, and
  one in Scotland skips Northern Ireland's. FOISA s73 (whose meaning EISR reg 2(1)
  takes): any day but a Saturday, a Sunday, Christmas Day or a bank holiday in Scotland
  (Easter Monday is a working day there).
- **Which law.** The authority's legislation (the ``AUTHORITY_LEGISLATION`` setting)
  decides it: Scottish public authorities answer under FOISA and the EISR, the others
  under FOIA and the EIR. FOIA s10(6) leaves out the bank holidays of any part of the
  UK, FOISA s73 Scotland's only, so the nation within the UK matters no further.
  Within each pair the days are counted alike, so an environmental request is timed as
  any other.
- **Clarification starts the time again.** FOIA s10(6) makes the "date of receipt" the
  day the authority received the further information it asked for under s1(3), when
  that is later; FOISA s10(1)(b), EIR reg 9(4) and EISR reg 9(4) do the same. So the
  twenty days run from the last clarification's answer: more than a pause of the days
  spent waiting. A clarification asked and not answered leaves the date the time runs
  from unknown.
- **Extensions.** FOIA s10(3) (considering the public interest: "such time as is
  reasonable"), EIR and EISR reg 7(1) (complex and voluminous: up to 40 working days).
  The authority tells the requester a new due date; it can only move the due date later.
- **Counting in working days.** An answer took the working days after the date of
  receipt up to and including the day it was sent; it is late when that is more than
  the days allowed, and late by the difference.

The bank holidays come from the ``holidays`` package (its lists for the UK's parts,
which hold the substitute days and the one-off bank holidays proclaimed under the 1971
Act), never from dates written here.
"""

from __future__ import annotations

import datetime
import functools
from dataclasses import dataclass

import holidays
import numpy as np
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# FOIA s10(1), FOISA s10(1), EIR reg 5(2), EISR reg 5(2)(a).
WORKING_DAYS_ALLOWED = 20


@dataclass(frozen=True)
class Law:
    """The law an authority answers requests under, as far as time limits go."""

    name: str
    # The parts of the UK (the ``holidays`` package's subdivisions) whose bank holidays
    # are not working days. Their lists also hold Christmas Day and Good Friday.
    holiday_lists: tuple[str, ...]
    commissioner: str


FOIA = Law(
    name=_(
        "the Freedom of Information Act 2000 and the Environmental Information Regulations 2004"
    ),
    # s10(6): a bank holiday "in any part of the United Kingdom".
    holiday_lists=("ENG", "WLS", "SCT", "NIR"),
    commissioner=_("Information Commissioner"),
)
FOISA = Law(
    name=_(
        "the Freedom of Information (Scotland) Act 2002 and the Environmental Information "
        "(Scotland) Regulations 2004"
    ),
    # s73: a bank holiday "in Scotland".
    holiday_lists=("SCT",),
    commissioner=_("Scottish Information Commissioner"),
)


def authority_law() -> Law:
    """The law this log's authority answers under, as far as time limits go, from the
    ``AUTHORITY_LEGISLATION`` setting (the one that also reads imported citations): a
    Scottish public authority's FOISA, or the UK's FOIA for any other (a legislation
    added in the admin is timed by FOIA's rules)."""
    return FOISA if settings.AUTHORITY_LEGISLATION == "foisa" else FOIA


@functools.cache
def _bank_holidays(law: Law, year: int) -> tuple[datetime.date, ...]:
    days: set[datetime.date] = set()
    for part in law.holiday_lists:
        days.update(holidays.country_holidays("GB", subdiv=part, years=year))
    return tuple(sorted(days))


class WorkingCalendar:
    """The working days of one law, over the years a set of dates needs."""

    def __init__(self, law: Law, first_year: int, last_year: int) -> None:
        self.law = law
        self.first_year, self.last_year = first_year, last_year
        years = range(first_year, last_year + 1)
        days = [day for year in years for day in _bank_holidays(law, year)]
        self._calendar = np.busdaycalendar(weekmask="1111100", holidays=days)

    @classmethod
    def covering(cls, dates: list[datetime.date | None], law: Law | None = None) -> WorkingCalendar:
        """A calendar holding every date of ``dates`` (Nones ignored), with the year after
        the last for the due dates that fall in it."""
        known = [day for day in dates if day is not None]
        if not known:
            known = [timezone.localdate()]
        return cls(law or authority_law(), min(known).year, min(max(known).year + 1, 9999))

    def covers(self, *dates: datetime.date | None) -> bool:
        """Whether every date of ``dates`` (Nones ignored) is in the calendar's years, with
        the year after it, where a due date counted from it can fall (as ``covering``
        makes them): a calendar of one year would count a January due date without its
        bank holidays."""
        return all(
            self.first_year <= day.year and min(day.year + 1, 9999) <= self.last_year
            for day in dates
            if day
        )

    def is_working_day(self, day: datetime.date) -> bool:
        return bool(np.is_busday(day, busdaycal=self._calendar))

    def working_days_after(self, start: datetime.date, end: datetime.date) -> int:
        """The working days after ``start`` up to and including ``end`` (0 if none)."""
        if end <= start:
            return 0
        # In numpy's days, which go on past 31 December 9999 where Python's stop.
        after_start, after_end = np.datetime64(start, "D") + 1, np.datetime64(end, "D") + 1
        return int(np.busday_count(after_start, after_end, busdaycal=self._calendar))

    def nth_working_day_after(self, start: datetime.date, n: int) -> datetime.date | None:
        """The ``n``th working day after ``start``; ``start`` itself is never day one.
        None past the last date the log can hold."""
        # Rolled back to the last working day on or before ``start`` (itself, if it is
        # one): counting on from there counts the working days after ``start``.
        day = np.busday_offset(start, n, roll="backward", busdaycal=self._calendar)
        day = day.astype(object)
        return day if isinstance(day, datetime.date) else None


class Timeliness(models.TextChoices):
    """How an answer stood against its time limit. Named as the Cabinet Office's FOI
    statistics name the same things."""

    MET_DEADLINE = "met-deadline", _("Met deadline")
    PERMITTED_EXTENSION = "permitted-extension", _("Permitted extension to deadline")
    DEADLINE_EXCEEDED = "deadline-exceeded", _("Deadline exceeded")
    UNKNOWN = "unknown", _("Received date unknown")


@dataclass(frozen=True)
class AnswerTime:
    """How long one answer took, against the time allowed."""

    received: datetime.date
    counted_from: datetime.date  # the date of receipt the law counts from
    due: datetime.date  # the twentieth working day after it
    extended_to: datetime.date | None  # a later due date the authority set, if any
    working_days: int  # taken: after counted_from, up to the answer
    allowed: int  # working days allowed: 20, or up to the extended due date
    timeliness: Timeliness

    @property
    def late_by(self) -> int:
        """Working days past the time allowed; 0 when in time."""
        return max(0, self.working_days - self.allowed)

    @property
    def restarted_by_clarification(self) -> bool:
        return self.counted_from != self.received


def answer_time(
    received: datetime.date | None,
    answered: datetime.date | None,
    *,
    clarified: datetime.date | None = None,
    awaiting_clarification: bool = False,
    extended_to: datetime.date | None = None,
    calendar: WorkingCalendar | None = None,
) -> AnswerTime | None:
    """How long an answer sent on ``answered`` took, for a request received on
    ``received``; ``clarified``: the day the last clarification asked for was received;
    ``awaiting_clarification``: a clarification was asked and its answer is not known;
    ``extended_to``: the extended due date.

    None when the time cannot be told, and it is never assumed to be in time: the received
    or the answer's date is unknown, a clarification's answer is unknown, or the dates
    contradict each other (answered before received or before the clarification), or it
    would be due after 31 December 9999.
    """
    if received is None or answered is None or awaiting_clarification:
        return None
    counted_from = max(received, clarified) if clarified else received
    if answered < counted_from:
        return None
    if calendar is None or not calendar.covers(counted_from, answered, extended_to or answered):
        calendar = WorkingCalendar.covering([counted_from, answered, extended_to])
    due = calendar.nth_working_day_after(counted_from, WORKING_DAYS_ALLOWED)
    if due is None:  # received in the last days of year 9999: not a real date
        return None
    taken = calendar.working_days_after(counted_from, answered)
    allowed = WORKING_DAYS_ALLOWED
    extended = extended_to if extended_to and extended_to > due else None
    if extended:
        allowed = calendar.working_days_after(counted_from, extended)
    if taken <= WORKING_DAYS_ALLOWED:
        timeliness = Timeliness.MET_DEADLINE
    elif taken <= allowed:
        timeliness = Timeliness.PERMITTED_EXTENSION
    else:
        timeliness = Timeliness.DEADLINE_EXCEEDED
    return AnswerTime(
        received=received,
        counted_from=counted_from,
        due=due,
        extended_to=extended,
        working_days=taken,
        allowed=allowed,
        timeliness=timeliness,
    )
