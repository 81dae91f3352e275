"""How quickly requests were answered: the figures the section 45 code of practice
(Cabinet Office, 2018, paragraphs 8.5 and 8.6) asks an authority of more than 100 staff
to publish, ideally every quarter, for ``/statistics/timeliness/``, its CSV and the API.

A quarter's or a year's figures are those of the requests *answered* in it (by response
date, which every entry has, and which the list's date filters select), except "Total
requests received", which counts the requests *received* in it. A disclosure log holds
only answered requests, so a quarter's figures are whole once it is over; internal
reviews and complaints are counted with the quarter of the answer they were about.

An answer whose received date is unknown (or whose clarification's answer is unknown) is
counted apart, as "Received date unknown": never as on time, and left out of the share
answered in time and of the working days' median and 90th percentile.

Every figure starts from the shared DisclosureFilter over ``Disclosure.objects.public()``;
the rows are counted by PostgreSQL, grouped by the few columns the figures need, and
judged in one pass (``time_limits.answer_time``): two queries whatever the log's size.
"""

from __future__ import annotations

import datetime
import math
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import connections
from django.db.models import BooleanField, ExpressionWrapper, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from disclosures import statistics
from disclosures.models import (
    HAS_COMPLAINT,
    HAS_DECISION_NOTICE,
    HAS_REVIEW,
    CommissionerOutcome,
    Disclosure,
    ReviewOutcome,
)
from disclosures.statistics import Bar, Share, YearShares
from disclosures.time_limits import AnswerTime, Timeliness, WorkingCalendar, answer_time

# Fixed colours, each at least 4.5:1 on white; the legend and the tables say the same.
TIMELINESS_COLOURS = {
    Timeliness.MET_DEADLINE: "#00703c",
    Timeliness.PERMITTED_EXTENSION: "#1d70b8",
    Timeliness.DEADLINE_EXCEEDED: "#d4351c",
    Timeliness.UNKNOWN: "#505a5f",
}
# The key of a review or complaint whose outcome is not recorded yet.
NOT_YET_KNOWN = ""


@dataclass
class Period:
    """The figures of a quarter, a year, or every answer counted."""

    label: str  # "2024 Q1", "2024", or "" for every answer
    start: datetime.date | None = None
    end: datetime.date | None = None
    received: int = 0  # requests received in the period
    answered: int = 0
    timeliness: Counter[str] = field(default_factory=Counter)
    extended: int = 0  # answers whose due date was extended
    working_days: Counter[int] = field(default_factory=Counter)  # days taken → answers
    reviews: Counter[str] = field(default_factory=Counter)  # ReviewOutcome or NOT_YET_KNOWN
    complaints: Counter[str] = field(default_factory=Counter)  # CommissionerOutcome or …
    decision_notices: int = 0

    def count_answers(self, time: AnswerTime | None, n: int) -> None:
        self.answered += n
        if time is None:
            self.timeliness[Timeliness.UNKNOWN] += n
        else:
            self.timeliness[time.timeliness] += n
            self.working_days[time.working_days] += n

    @property
    def met_deadline(self) -> int:
        return self.timeliness[Timeliness.MET_DEADLINE]

    @property
    def permitted_extension(self) -> int:
        return self.timeliness[Timeliness.PERMITTED_EXTENSION]

    @property
    def deadline_exceeded(self) -> int:
        return self.timeliness[Timeliness.DEADLINE_EXCEEDED]

    @property
    def received_date_unknown(self) -> int:
        return self.timeliness[Timeliness.UNKNOWN]

    @property
    def known(self) -> int:
        """Answers whose time can be told."""
        return self.answered - self.received_date_unknown

    @property
    def in_time(self) -> int:
        """Met the deadline or a permitted extension of it: "in time", as the Cabinet
        Office's statistics say."""
        return self.met_deadline + self.permitted_extension

    @property
    def in_time_percent(self) -> float | None:
        """The share of the answers whose time is known that were in time (percent, one
        decimal place); None when no answer's time is known."""
        return round(100 * self.in_time / self.known, 1) if self.known else None

    @property
    def median_working_days(self) -> float | None:
        """The middle of the working days taken (the mean of the two middle ones for an
        even number of answers); None when no answer's time is known."""
        total = self.known
        if not total:
            return None
        if total % 2:
            return float(_nth_smallest(self.working_days, total // 2 + 1))
        low = _nth_smallest(self.working_days, total // 2)
        high = _nth_smallest(self.working_days, total // 2 + 1)
        return (low + high) / 2

    @property
    def percentile_90_working_days(self) -> int | None:
        """The fewest working days within which at least 90% of the answers whose time is
        known were sent (the nearest-rank 90th percentile: always a number of days some
        answer took); None when no answer's time is known."""
        total = self.known
        return _nth_smallest(self.working_days, math.ceil(0.9 * total)) if total else None

    @property
    def reviews_total(self) -> int:
        return self.reviews.total()

    @property
    def complaints_total(self) -> int:
        return self.complaints.total()

    def review_counts(self) -> list[tuple[str, str, int]]:
        """(outcome, label, count) for every outcome, then those not yet known."""
        return _outcome_counts(self.reviews, ReviewOutcome.choices)

    def complaint_counts(self) -> list[tuple[str, str, int]]:
        return _outcome_counts(self.complaints, CommissionerOutcome.choices)


def _outcome_counts(counts: Counter[str], choices) -> list[tuple[str, str, int]]:
    return [(value, str(label), counts[value]) for value, label in choices] + [
        (NOT_YET_KNOWN, _("Outcome not yet known"), counts[NOT_YET_KNOWN])
    ]


def _nth_smallest(counts: Counter[int], n: int) -> int:
    """The ``n``th smallest value (from 1) of the values counted in ``counts``."""
    seen = 0
    for value in sorted(counts):
        seen += counts[value]
        if seen >= n:
            return value
    raise ValueError(f"fewer than {n} values")


@dataclass
class Figures:
    """Everything ``/statistics/timeliness/`` shows."""

    quarters: list[Period]
    years: list[Period]
    overall: Period
    legend: list[tuple[str, str]] = field(
        default_factory=lambda: [
            (str(label), TIMELINESS_COLOURS[value]) for value, label in Timeliness.choices
        ]
    )

    def review_bars(self) -> list[Bar]:
        """Every answer's internal reviews, a bar for each outcome with any."""
        return outcome_bars(self.overall.review_counts())

    def complaint_bars(self) -> list[Bar]:
        """Every answer's complaints to the Commissioner, a bar for each outcome with any."""
        return outcome_bars(self.overall.complaint_counts())


# The columns the figures need, as PostgreSQL groups the rows by them.
_COLUMNS = (
    "response_date",
    "received_date",
    "clarified",
    "awaiting_clarification",
    "extension_due_date",
    "reviewed",
    "review_outcome",
    "complained",
    "commissioner_outcome",
    "decision_notice",
)


def handling_counts(queryset: QuerySet) -> list[tuple]:
    """How many disclosures of ``queryset`` share each combination of ``_COLUMNS``, as
    rows of those values followed by the count. One query: the rows are grouped by the
    database, so a log of a million answers sends back a few thousand rows."""
    rows = (
        # Without the results' order or annotations (a search's rank): one subquery.
        Disclosure.objects.filter(pk__in=queryset.order_by().values("pk"))
        .with_clarification_dates()
        .annotate(
            reviewed=ExpressionWrapper(HAS_REVIEW, output_field=BooleanField()),
            complained=ExpressionWrapper(HAS_COMPLAINT, output_field=BooleanField()),
            decision_notice=ExpressionWrapper(HAS_DECISION_NOTICE, output_field=BooleanField()),
        )
        .order_by()
        .values_list(*_COLUMNS)
    )
    sql, params = rows.query.sql_with_params()
    # Grouped outside: a column holding a correlated subquery (the clarifications)
    # cannot be grouped by in the query that holds it.
    columns = ", ".join(str(position) for position in range(1, len(_COLUMNS) + 1))
    with connections[rows.db].cursor() as cursor:
        cursor.execute(
            f"SELECT *, count(*) FROM ({sql}) AS handling GROUP BY {columns}",  # noqa: S608 -- compiled by the ORM, with its parameters
            params,
        )
        return cursor.fetchall()


def quarter_of(day: datetime.date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


def _quarter(key: tuple[int, int]) -> Period:
    year, quarter = key
    start = datetime.date(year, 3 * quarter - 2, 1)
    end = (
        datetime.date(year, 12, 31)
        if quarter == 4
        else datetime.date(year, 3 * quarter + 1, 1) - datetime.timedelta(days=1)
    )
    return Period(f"{year} Q{quarter}", start, end)


def _year(year: int) -> Period:
    return Period(str(year), datetime.date(year, 1, 1), datetime.date(year, 12, 31))


def figures(queryset: QuerySet) -> Figures:
    """Every figure of the timeliness page for the disclosures of ``queryset``: by
    quarter and by year, oldest first, from the first with any request received or
    answered to the last, those between without any included as nothing."""
    rows = handling_counts(queryset)
    calendar = WorkingCalendar.covering(
        [day for row in rows for day in (row[0], row[1], row[2], row[4])]
    )
    quarters: dict[tuple[int, int], Period] = {}
    years: dict[int, Period] = {}
    overall = Period("")

    def periods_of(day: datetime.date) -> tuple[Period, Period]:
        key = quarter_of(day)
        quarter = quarters.setdefault(key, _quarter(key))
        return quarter, years.setdefault(day.year, _year(day.year))

    for (
        answered,
        received,
        clarified,
        awaiting,
        extended_to,
        reviewed,
        review_outcome,
        complained,
        commissioner_outcome,
        decision_notice,
        n,
    ) in rows:
        time = answer_time(
            received,
            answered,
            clarified=clarified,
            awaiting_clarification=awaiting,
            extended_to=extended_to,
            calendar=calendar,
        )
        # An answer whose log recorded no date is in no quarter or year: only overall.
        for period in (*(periods_of(answered) if answered else ()), overall):
            period.count_answers(time, n)
            period.extended += n if extended_to else 0
            if reviewed:
                period.reviews[review_outcome] += n
            if complained:
                period.complaints[commissioner_outcome] += n
            period.decision_notices += n if decision_notice else 0
        if received is not None:
            for period in (*periods_of(received), overall):
                period.received += n
    return Figures(
        quarters=_every_period(quarters, _quarter, _next_quarter),
        years=_every_period(years, _year, lambda year: year + 1),
        overall=overall,
    )


def _next_quarter(key: tuple[int, int]) -> tuple[int, int]:
    year, quarter = key
    return (year + 1, 1) if quarter == 4 else (year, quarter + 1)


def _every_period(found: dict, make: Callable[..., Period], following: Callable) -> list[Period]:
    """The periods of ``found`` in order, with those between them that had nothing."""
    if not found:
        return []
    periods, key, last = [], min(found), max(found)
    while key <= last:
        periods.append(found.get(key) or make(key))
        key = following(key)
    return periods


# --- Charts ---------------------------------------------------------------------------


def shares(periods: Iterable[Period]) -> list[YearShares]:
    """Each period with answers as a bar of the shares chart: how many of its answers met
    the deadline, a permitted extension, exceeded it, or cannot be timed."""
    bars = []
    for period in periods:
        if not period.answered:
            continue
        bars.append(
            YearShares(
                period.label,
                period.answered,
                [
                    Share(
                        value,
                        str(label),
                        period.timeliness[value],
                        round(100 * period.timeliness[value] / period.answered, 1),
                    )
                    for value, label in Timeliness.choices
                ],
            )
        )
    return bars


def outcome_bars(counts: list[tuple[str, str, int]]) -> list[Bar]:
    """A row chart's bars for outcome counts, leaving out those with none."""
    return [Bar(label=label, value=n, axis_label=label) for _value, label, n in counts if n]


def charts(figures: Figures, commissioner: str) -> dict[str, statistics.Chart]:
    """The page's charts, by name, each with the title its heading and table share."""
    titles = {
        "quarters": _("Answers in time, per quarter"),
        "years": _("Answers in time, per year"),
        "reviews": _("Internal reviews, by outcome"),
        "complaints": _("Complaints to the %(commissioner)s, by outcome")
        % {"commissioner": commissioner},
    }
    result = {}
    for name, periods in (("quarters", figures.quarters), ("years", figures.years)):
        bars = shares(periods)
        result[name] = statistics.Chart(
            titles[name],
            statistics.shares_chart(
                bars,
                f"chart-timeliness-{name}",
                titles[name],
                statistics.describe_shares(bars),
                colours=TIMELINESS_COLOURS,
            ),
        )
    for name, bars in (
        ("reviews", figures.review_bars()),
        ("complaints", figures.complaint_bars()),
    ):
        result[name] = statistics.Chart(
            titles[name],
            statistics.row_chart(
                bars, f"chart-{name}", titles[name], describe_outcomes(bars, name)
            ),
        )
    return result


def describe_outcomes(bars: list[Bar], name: str) -> str:
    if not bars:
        return _("None recorded for these disclosures.")
    items = "; ".join(f"{bar.label}: {bar.value}" for bar in bars)
    total = sum(bar.value for bar in bars)
    if name == "reviews":
        lead = ngettext("%(n)s internal review", "%(n)s internal reviews", total)
    else:
        lead = ngettext("%(n)s complaint", "%(n)s complaints", total)
    return f"{lead % {'n': total}}. {items}."


# --- Open data --------------------------------------------------------------------------


# The quarterly CSV's columns, after the Cabinet Office's quarterly "Freedom of Information
# statistics" tables (timeliness: met deadline, permitted extension to deadline, deadline
# exceeded, "in time"; internal reviews and complaints to the Commissioner by outcome),
# for one authority. Left out, as they concern central government's returns only: the
# monitored body's name and type (department of state or other monitored body), and the
# totals across bodies. Left out, as a disclosure log cannot hold them: requests still
# being processed (within or outside the deadline), lapsed or on hold, and fees charged.
# Added, as the section 45 code asks for them or they show what the table leaves out:
# the answers with no received date, and the working days' median and 90th percentile.
def csv_columns() -> list[tuple[str, Callable[[Period], object]]]:
    """(heading, value of a period) for each column, in order."""
    return [
        ("Quarter", lambda p: p.label),
        ("Period start", lambda p: p.start.isoformat()),
        ("Period end", lambda p: p.end.isoformat()),
        ("Total requests received", lambda p: p.received),
        ("Requests answered", lambda p: p.answered),
        ("Met deadline", lambda p: p.met_deadline),
        ("Permitted extension to deadline", lambda p: p.permitted_extension),
        ("Deadline exceeded", lambda p: p.deadline_exceeded),
        ("Received date unknown", lambda p: p.received_date_unknown),
        ("Responded to in time", lambda p: p.in_time),
        ("Responded to in time (%)", lambda p: _number(p.in_time_percent)),
        ("Median working days", lambda p: _number(p.median_working_days)),
        ("90th percentile working days", lambda p: _number(p.percentile_90_working_days)),
        ("Deadline extended", lambda p: p.extended),
        ("Internal reviews", lambda p: p.reviews_total),
        *_outcome_columns("Internal reviews", ReviewOutcome.choices, lambda p: p.reviews),
        ("Complaints to the Commissioner", lambda p: p.complaints_total),
        ("Decision notices", lambda p: p.decision_notices),
        *_outcome_columns("Commissioner", CommissionerOutcome.choices, lambda p: p.complaints),
    ]


def _outcome_columns(prefix: str, choices, counts_of: Callable[[Period], Counter]) -> list:
    # Bound through defaults: each column reads its own outcome.
    return [
        (f"{prefix}: {str(label).lower()}", lambda p, value=value: counts_of(p)[value])
        for value, label in [*choices, (NOT_YET_KNOWN, "Outcome not yet known")]
    ]


def _number(value: float | None) -> str:
    """A figure as a spreadsheet reads it: 20 rather than 20.0; blank when not known."""
    return "" if value is None else f"{value:g}"


def csv_table(periods: Iterable[Period]) -> list[list[str]]:
    """The heading row, then a row of each period, as text."""
    columns = csv_columns()
    return [[heading for heading, _value in columns]] + [
        [str(value(period)) for _heading, value in columns] for period in periods
    ]
