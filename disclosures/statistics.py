"""Figures about the log, and the SVG charts that show them.

Every figure is drawn from the tallies of a set of results (``counting.Tallies``): the
statistics page takes them from the results of the one FilterSet over the public log, so
the figures follow the same filters as the list, and unpublished entries are never
counted. Two queries, for the names of the exemptions and keywords shown, whatever the
size of the log.

The charts are built here as SVG text, server-side: they need no script, print well and
can be read by a screen reader through their ``<title>`` and ``<desc>``; each is shown
beside a table holding the same numbers. They use classes and presentation attributes,
never ``style`` attributes, which the Content-Security-Policy forbids.
"""

from __future__ import annotations

import datetime
import math
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.urls import reverse
from django.utils import formats
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from disclosures.counting import Tallies
from disclosures.models import Exemption, Keyword, Outcome

MONTHS_SHOWN = 24
TOP_LIMIT = 10


# Fixed outcome colours, each at least 4.5:1 on white; the legend and table say the same.
OUTCOME_COLOURS = {
    Outcome.GRANTED: "#00703c",
    Outcome.PARTIAL: "#1d70b8",
    Outcome.NOT_HELD: "#505a5f",
    Outcome.REFUSED: "#d4351c",
    Outcome.COST_LIMIT: "#8f5a00",
    Outcome.VEXATIOUS: "#a6196f",
    Outcome.NCND: "#4c2c92",
    Outcome.NOT_RECORDED: "#0b0c0c",
}


@dataclass(frozen=True)
class Bar:
    """One bar of a chart and one row of its table."""

    label: str  # the row's heading in the table, e.g. "March 2025"
    value: int
    axis_label: str = ""  # under the bar, e.g. "Mar"; "" for none
    axis_sublabel: str = ""  # a second line, e.g. the year under January
    url: str = ""  # where the table row links to, if anywhere


@dataclass(frozen=True)
class Share:
    outcome: str
    label: str
    count: int
    percent: float


@dataclass(frozen=True)
class YearShares:
    year: int | str  # or another period's label, e.g. "2024 Q1"
    total: int
    shares: list[Share]


@dataclass
class Figures:
    """Everything the statistics page shows."""

    total: int
    months: list[Bar]
    years: list[Bar]
    outcome_years: list[YearShares]
    exemptions: list[Bar]
    keywords: list[Bar]
    # Of ``total``, those with no response date recorded: in no month or year.
    undated: int = 0
    # The shares chart's legend: (label, colour) for every outcome.
    legend: list[tuple[str, str]] = field(
        default_factory=lambda: [
            (str(label), OUTCOME_COLOURS[value]) for value, label in Outcome.choices
        ]
    )


def _add_months(month: datetime.date, count: int) -> datetime.date:
    index = month.year * 12 + month.month - 1 + count
    return datetime.date(index // 12, index % 12 + 1, 1)


def _month_bars(found: Mapping[datetime.date, int], end: datetime.date, months: int) -> list[Bar]:
    """Disclosures per month of response, for the ``months`` months up to ``end``'s month,
    oldest first, months without any included as 0, from the counts by month (its first
    day)."""
    last = end.replace(day=1)
    first = _add_months(last, -(months - 1))
    bars = []
    for offset in range(months):
        month = _add_months(first, offset)
        bars.append(
            Bar(
                label=formats.date_format(month, "YEAR_MONTH_FORMAT"),
                value=found.get(month, 0),
                axis_label=formats.date_format(month, "M"),
                # The year under each January, and under the first month unless a January
                # follows too closely to leave room.
                axis_sublabel=(
                    str(month.year)
                    if month.month == 1 or (offset == 0 and month.month <= 10)
                    else ""
                ),
            )
        )
    return bars


def _year_bars(found: Mapping[int, int]) -> list[Bar]:
    """Disclosures per year of response, oldest first, from the first year with any to
    the last, years without any included as 0, from the counts by year."""
    if not found:
        return []
    return [
        Bar(label=str(year), value=found.get(year, 0), axis_label=str(year))
        for year in range(min(found), max(found) + 1)
    ]


def _shares(counts: Mapping[int, Mapping[str, int]]) -> list[YearShares]:
    """For each year with disclosures, how many had each outcome and what share of the
    year that is (percent, one decimal place), oldest year first, from the counts by
    year, then outcome."""
    result = []
    for year in sorted(counts):
        total = sum(counts[year].values())
        shares = [
            Share(
                value,
                str(label),
                counts[year].get(value, 0),
                round(100 * counts[year].get(value, 0) / total, 1),
            )
            for value, label in Outcome.choices
        ]
        result.append(YearShares(year, total, shares))
    return result


def _exemption_bar(code: str, name: str, slug: str, legislation: str, n: int) -> Bar:
    return Bar(
        label=f"{code} {name} ({legislation})",
        value=n,
        axis_label=f"{code} {legislation}",
        url=reverse("disclosures:exemption", kwargs={"slug": slug}),
    )


def _keyword_bar(name: str, slug: str, n: int) -> Bar:
    return Bar(
        label=name,
        value=n,
        axis_label=name,
        url=reverse("disclosures:keyword", kwargs={"slug": slug}),
    )


def figures_of(tallies: Tallies, end: datetime.date) -> Figures:
    """Every figure of the statistics page from ``tallies``; months run up to ``end``.
    Two queries, for the names of the exemptions and keywords shown."""
    months: Counter[datetime.date] = Counter()
    by_year: dict[int, Counter[str]] = {}
    for (month, outcome), n in tallies.outcome_months.items():
        months[month] += n
        by_year.setdefault(month.year, Counter())[outcome] += n
    years = _year_bars({year: counts.total() for year, counts in by_year.items()})
    cited = sorted(
        Exemption.objects.filter(pk__in=list(+tallies.exemptions))
        .select_related("legislation")
        .only("code", "name", "slug", "position", "legislation__abbreviation"),
        key=lambda e: (-tallies.exemptions[e.pk], e.position, e.code),
    )[:TOP_LIMIT]
    # Every keyword as common as the last shown, so that ties are settled by name.
    least = sorted(tallies.keywords.values(), reverse=True)[:TOP_LIMIT]
    carried = sorted(
        Keyword.objects.filter(
            pk__in=[pk for pk, n in tallies.keywords.items() if least and n >= least[-1]]
        ).only("name", "slug"),
        key=lambda k: (-tallies.keywords[k.pk], k.name),
    )[:TOP_LIMIT]
    return Figures(
        total=sum(bar.value for bar in years) + tallies.undated,
        months=_month_bars(months, end, MONTHS_SHOWN),
        years=years,
        outcome_years=_shares(by_year),
        exemptions=[
            _exemption_bar(
                e.code, e.name, e.slug, e.legislation.abbreviation, tallies.exemptions[e.pk]
            )
            for e in cited
        ],
        keywords=[_keyword_bar(k.name, k.slug, tallies.keywords[k.pk]) for k in carried],
        undated=tallies.undated,
    )


# --- SVG ------------------------------------------------------------------------------


def nice_maximum(value: int) -> tuple[int, int]:
    """A round top for an axis holding ``value``, and the step between its gridlines."""
    if value <= 0:
        return 1, 1
    if value <= 5:
        return value, 1
    magnitude = 10 ** math.floor(math.log10(value))
    for step in (magnitude / 5, magnitude / 2, magnitude, magnitude * 2):
        step = max(1, int(step))
        top = math.ceil(value / step) * step
        if top / step <= 6:
            return top, step
    return value, value


def _svg(chart_id: str, width: int, height: int, title: str, desc: str, body: str) -> SafeString:
    return format_html(
        '<svg class="chart" id="{id}" viewBox="0 0 {w} {h}" role="img" focusable="false" '
        'aria-labelledby="{id}-title {id}-desc" xmlns="http://www.w3.org/2000/svg">'
        '<title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}</desc>{body}</svg>',
        id=chart_id,
        w=width,
        h=height,
        title=title,
        desc=desc,
        body=mark_safe(body),  # noqa: S308 -- built below from escaped text only
    )


def _text(x: float, y: float, text: str, css: str, anchor: str = "middle") -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" class="{css}">{escape(text)}</text>'
    )


def column_chart(bars: list[Bar], chart_id: str, title: str, desc: str) -> SafeString:
    """Vertical bars, one per period, each with its value above it."""
    width, height = 640, 280
    left, right, top, bottom = 36, 8, 20, 48
    plot_w, plot_h = width - left - right, height - top - bottom
    peak, step = nice_maximum(max((bar.value for bar in bars), default=0))
    parts = []
    for tick in range(0, peak + 1, step):
        y = top + plot_h - plot_h * tick / peak
        parts.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" '
            f'class="chart__grid" stroke="#b1b4b6" stroke-width="1"/>'
        )
        parts.append(_text(left - 6, y + 4, str(tick), "chart__tick", "end"))
    slot = plot_w / max(len(bars), 1)
    bar_w = max(slot * 0.7, 2)
    # Too many bars for a label under each: every other one, ending with the latest.
    label_step = 2 if len(bars) > 12 else 1
    for index, bar in enumerate(bars):
        x = left + index * slot + (slot - bar_w) / 2
        h = plot_h * bar.value / peak
        y = top + plot_h - h
        centre = x + bar_w / 2
        if bar.value:
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{h:.1f}" '
                f'class="chart__bar" fill="#1d4f91"/>'
            )
        if bar.value:
            parts.append(_text(centre, y - 5, str(bar.value), "chart__value"))
        if bar.axis_label and (len(bars) - 1 - index) % label_step == 0:
            parts.append(_text(centre, top + plot_h + 18, bar.axis_label, "chart__tick"))
        if bar.axis_sublabel:
            parts.append(_text(centre, top + plot_h + 36, bar.axis_sublabel, "chart__tick"))
    parts.append(
        f'<line x1="{left}" x2="{width - right}" y1="{top + plot_h}" y2="{top + plot_h}" '
        f'class="chart__axis" stroke="#0b0c0c" stroke-width="1"/>'
    )
    return _svg(chart_id, width, height, title, desc, "".join(parts))


def row_chart(bars: list[Bar], chart_id: str, title: str, desc: str) -> SafeString:
    """Horizontal bars, one per item, its name above it and its value at its end."""
    # Narrow, so that its text stays legible when a phone shrinks it to the screen.
    width, row = 320, 44
    height = max(row * len(bars), row) + 4
    label_room = 40  # for the value after the longest bar
    peak = max((bar.value for bar in bars), default=0) or 1
    parts = []
    for index, bar in enumerate(bars):
        y = index * row
        length = (width - label_room) * bar.value / peak
        name = bar.axis_label if len(bar.axis_label) <= 40 else bar.axis_label[:39] + "…"
        parts.append(_text(0, y + 16, name, "chart__name", "start"))
        parts.append(
            f'<rect x="0" y="{y + 22}" width="{max(length, 1):.1f}" height="18" '
            f'class="chart__bar" fill="#1d4f91"/>'
        )
        parts.append(_text(length + 6, y + 36, str(bar.value), "chart__value", "start"))
    return _svg(chart_id, width, height, title, desc, "".join(parts))


def shares_chart(
    years: list[YearShares],
    chart_id: str,
    title: str,
    desc: str,
    colours: Mapping[str, str] = OUTCOME_COLOURS,
) -> SafeString:
    """One bar per year (or other period), 100% wide, split into the shares of each
    outcome (or other kind, with its ``colours``)."""
    width, row = 640, 34
    # Room for the longest label at 13px ("2024": 52; "2024 Q1": 68).
    left = max([52, *(8 * len(str(year.year)) + 12 for year in years)])
    height = max(row * len(years), row) + 4
    plot_w = width - left
    parts = []
    for index, year in enumerate(years):
        y = index * row
        parts.append(_text(left - 8, y + 21, str(year.year), "chart__tick", "end"))
        x = float(left)
        for share in year.shares:
            if not share.count:
                continue
            w = plot_w * share.count / year.total
            parts.append(
                f'<rect x="{x:.1f}" y="{y + 4}" width="{w:.1f}" height="24" '
                f'class="chart__share chart__share--{escape(share.outcome)}" '
                f'fill="{colours.get(share.outcome, "#505a5f")}" '
                f'stroke="#ffffff" stroke-width="1"/>'
            )
            x += w
    return _svg(chart_id, width, height, title, desc, "".join(parts))


# --- What the charts say, for their <desc> ------------------------------------------


def describe_counts(bars: list[Bar], what: str) -> str:
    """A sentence for a chart's <desc>: the range, the total and the highest bar."""
    if not bars or not any(bar.value for bar in bars):
        return _("No disclosures to show.")
    total = sum(bar.value for bar in bars)
    highest = max(bars, key=lambda bar: bar.value)
    return _(
        "%(what)s from %(first)s to %(last)s: %(total)s in all. "
        "The highest was %(top)s, with %(top_value)s."
    ) % {
        "what": what,
        "first": bars[0].label,
        "last": bars[-1].label,
        "total": total,
        "top": highest.label,
        "top_value": highest.value,
    }


def describe_ranking(bars: list[Bar]) -> str:
    if not bars:
        return _("None cited in these disclosures.")
    items = "; ".join(
        ngettext("%(name)s: %(count)s disclosure", "%(name)s: %(count)s disclosures", bar.value)
        % {"name": bar.label, "count": bar.value}
        for bar in bars
    )
    return _("Most first. %(items)s.") % {"items": items}


def describe_shares(years: list[YearShares]) -> str:
    if not years:
        return _("No disclosures to show.")
    sentences = []
    for year in years:
        parts = ", ".join(
            f"{share.label} {formats.number_format(share.percent, 1)}%"
            for share in year.shares
            if share.count
        )
        sentences.append(
            ngettext(
                "%(year)s, %(total)s disclosure: %(parts)s.",
                "%(year)s, %(total)s disclosures: %(parts)s.",
                year.total,
            )
            % {"year": year.year, "total": year.total, "parts": parts}
        )
    return " ".join(sentences)


@dataclass(frozen=True)
class Chart:
    title: str
    svg: SafeString


def charts(figures: Figures) -> dict[str, Chart]:
    """The page's charts, by name, each with the title its heading and table share."""
    titles = {
        "months": _("Disclosures per month, last %(n)s months") % {"n": len(figures.months)},
        "years": _("Disclosures per year"),
        "outcomes": _("Outcomes per year"),
        "exemptions": _("Exemptions cited most"),
        "keywords": _("Top keywords"),
    }
    return {
        "months": Chart(
            titles["months"],
            column_chart(
                figures.months,
                "chart-months",
                titles["months"],
                describe_counts(figures.months, _("Disclosures per month")),
            ),
        ),
        "years": Chart(
            titles["years"],
            column_chart(
                figures.years,
                "chart-years",
                titles["years"],
                describe_counts(figures.years, _("Disclosures per year")),
            ),
        ),
        "outcomes": Chart(
            titles["outcomes"],
            shares_chart(
                figures.outcome_years,
                "chart-outcomes",
                titles["outcomes"],
                describe_shares(figures.outcome_years),
            ),
        ),
        "exemptions": Chart(
            titles["exemptions"],
            row_chart(
                figures.exemptions,
                "chart-exemptions",
                titles["exemptions"],
                describe_ranking(figures.exemptions),
            ),
        ),
        "keywords": Chart(
            titles["keywords"],
            row_chart(
                figures.keywords,
                "chart-keywords",
                titles["keywords"],
                describe_ranking(figures.keywords),
            ),
        ),
    }
