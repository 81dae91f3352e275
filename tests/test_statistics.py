"""The statistics page and the figures behind it (disclosures/statistics.py)."""

import datetime
import re

import pytest
from django.urls import reverse

from disclosures import statistics
from disclosures.results import Results
from tests.factories import DisclosureFactory

pytestmark = pytest.mark.django_db
STATISTICS = reverse("disclosures:statistics")


def day(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


def section(html: str, heading_id: str) -> str:
    """The HTML of the <section> labelled by ``heading_id``."""
    start = html.index(f'aria-labelledby="{heading_id}"')
    return html[start : html.index("</section>", start)]


def table_numbers(html: str) -> dict[str, int]:
    """Row heading → number, from the first table in ``html``."""
    table = html[html.index("<table") : html.index("</table>")]
    rows = re.findall(
        r'<th scope="row">(?:<a [^>]*>)?([^<]+)(?:</a>)?</th><td[^>]*>([\d,]+)', table
    )
    return {label: int(value.replace(",", "")) for label, value in rows}


def svg_values(html: str) -> list[int]:
    """The numbers written on the bars of the first SVG chart in ``html``."""
    svg = html[html.index("<svg") : html.index("</svg>")]
    return [int(v) for v in re.findall(r'class="chart__value">(\d+)</text>', svg)]


# --- The figures -------------------------------------------------------------------------


def figures(end: str = "2024-06-15") -> statistics.Figures:
    """The figures of the whole public log, as the page draws them."""
    return statistics.figures_of(Results().tallies, end=day(end))


def test_monthly_counts_cover_24_months_with_empty_months_as_zero():
    DisclosureFactory(response_date=day("2024-06-03"))
    DisclosureFactory(response_date=day("2024-06-28"))
    DisclosureFactory(response_date=day("2023-01-10"))
    DisclosureFactory(response_date=day("2022-06-30"))  # 25 months back: not shown
    DisclosureFactory(response_date=day("2024-07-01"))  # after the end: not shown
    bars = figures(end="2024-06-15").months
    assert len(bars) == 24
    assert bars[0].label == "July 2022" and bars[-1].label == "June 2024"
    counts = {bar.label: bar.value for bar in bars}
    assert counts["June 2024"] == 2
    assert counts["January 2023"] == 1
    assert sum(counts.values()) == 3


def test_yearly_counts_include_years_without_disclosures():
    DisclosureFactory(response_date=day("2019-03-01"))
    DisclosureFactory.create_batch(2, response_date=day("2022-05-01"))
    bars = figures().years
    assert [(bar.label, bar.value) for bar in bars] == [
        ("2019", 1),
        ("2020", 0),
        ("2021", 0),
        ("2022", 2),
    ]


def test_yearly_counts_of_nothing_are_empty():
    assert figures().years == []


def test_outcome_shares_are_per_year_and_add_up():
    DisclosureFactory.create_batch(3, outcome="granted-in-full", response_date=day("2023-02-01"))
    DisclosureFactory(outcome="not-held", response_date=day("2023-03-01"))
    DisclosureFactory(outcome="refused", response_date=day("2024-03-01"))
    years = figures().outcome_years
    assert [(y.year, y.total) for y in years] == [(2023, 4), (2024, 1)]
    shares_2023 = {share.outcome: (share.count, share.percent) for share in years[0].shares}
    assert shares_2023["granted-in-full"] == (3, 75.0)
    assert shares_2023["not-held"] == (1, 25.0)
    assert shares_2023["refused"] == (0, 0.0)
    assert sum(share.count for share in years[1].shares) == 1


def test_top_exemptions_and_keywords_are_most_cited_first():
    DisclosureFactory.create_batch(3, exemptions=["s40-2"], keywords=["Drones"])
    DisclosureFactory(exemptions=["s40-2", "s31-1-a"], keywords=["Drones", "Overtime"])
    exemptions = figures().exemptions
    assert [(bar.axis_label, bar.value) for bar in exemptions] == [
        ("s40(2) FOIA", 4),
        ("s31(1)(a) FOIA", 1),
    ]
    assert exemptions[0].url == "/exemptions/s40-2/"
    keywords = figures().keywords
    assert [(bar.label, bar.value) for bar in keywords] == [("Drones", 4), ("Overtime", 1)]
    assert keywords[0].url == "/keywords/drones/"


def test_top_lists_are_limited():
    for n in range(12):
        DisclosureFactory(keywords=[f"Topic {n}"])
    assert len(figures().keywords) == statistics.TOP_LIMIT


def test_unpublished_entries_are_never_counted(unpublished):
    DisclosureFactory(response_date=day("2024-05-01"), keywords=["Roads"], exemptions=["s40-2"])
    shown = figures(end="2024-06-01")
    assert shown.total == 1
    assert sum(bar.value for bar in shown.months) == 1
    assert [bar.label for bar in shown.keywords] == ["Roads"]
    assert [bar.axis_label for bar in shown.exemptions] == ["s40(2) FOIA"]


@pytest.mark.parametrize(
    ("value", "top", "step"), [(0, 1, 1), (3, 3, 1), (7, 8, 2), (12, 12, 2), (95, 100, 20)]
)
def test_axis_tops_are_round(value, top, step):
    assert statistics.nice_maximum(value) == (top, step)


# --- The page ----------------------------------------------------------------------------


def test_statistics_page_shows_every_figure_with_a_chart_and_a_table(client):
    DisclosureFactory(exemptions=["s40-2"], keywords=["Drones"])
    response = client.get(STATISTICS)
    assert response.status_code == 200
    html = response.content.decode()
    for heading in ("months", "years", "outcomes", "exemptions", "keywords"):
        part = section(html, f"{heading}-heading")
        assert '<svg class="chart"' in part and 'role="img"' in part
        assert "<table" in part and "<caption" in part and 'scope="col"' in part


def test_charts_have_a_title_and_a_description_that_label_them(client):
    DisclosureFactory(response_date=day("2024-05-01"), exemptions=["s40-2"], keywords=["Drones"])
    html = client.get(STATISTICS).content.decode()
    charts = re.findall(r"<svg class=\"chart\" id=\"([\w-]+)\"[^>]*>", html)
    assert len(charts) == 5
    for chart_id in charts:
        assert f'aria-labelledby="{chart_id}-title {chart_id}-desc"' in html
        assert re.search(rf'<title id="{chart_id}-title">[^<]+</title>', html)
        assert re.search(rf'<desc id="{chart_id}-desc">[^<]+</desc>', html)


def test_undated_entries_count_in_the_total_and_in_no_year(client):
    DisclosureFactory(response_date=day("2023-04-01"), outcome="refused")
    DisclosureFactory.create_batch(2, response_date=None, outcome="not-recorded")
    figures = statistics.figures_of(Results().tallies, end=day("2024-06-30"))
    assert (figures.total, figures.undated) == (3, 2)
    assert [(bar.label, bar.value) for bar in figures.years] == [("2023", 1)]
    assert [year.total for year in figures.outcome_years] == [1]
    html = client.get(STATISTICS).content.decode()
    assert "Figures about the 3 published disclosures" in html
    assert "2 of these disclosures have no response date recorded" in html


def test_not_recorded_has_a_colour_and_a_column_of_its_own(client):
    DisclosureFactory(response_date=day("2023-04-01"), outcome="not-recorded")
    figures = statistics.figures_of(Results().tallies, end=day("2024-06-30"))
    assert ("Not recorded", statistics.OUTCOME_COLOURS["not-recorded"]) in figures.legend
    shares = {share.outcome: share.count for share in figures.outcome_years[0].shares}
    assert shares["not-recorded"] == 1


def test_tables_hold_the_same_numbers_as_the_charts(client):
    DisclosureFactory.create_batch(2, response_date=day("2021-04-01"), exemptions=["s40-2"])
    DisclosureFactory(response_date=day("2023-04-01"), exemptions=["s40-2", "s43-2"])
    html = client.get(STATISTICS).content.decode()

    years = section(html, "years-heading")
    assert table_numbers(years) == {"2021": 2, "2022": 0, "2023": 1}
    # Zero bars carry no number; the others carry their value, oldest first.
    assert svg_values(years) == [2, 1]

    exemptions = section(html, "exemptions-heading")
    assert table_numbers(exemptions) == {
        "s40(2) Personal information: third parties (FOIA)": 3,
        "s43(2) Commercial interests (FOIA)": 1,
    }
    assert svg_values(exemptions) == [3, 1]


def test_figures_follow_the_list_filters(client):
    DisclosureFactory.create_batch(2, exemptions=["s40-2"], keywords=["Drones"])
    DisclosureFactory(exemptions=["s31-1-a"], keywords=["Overtime"])
    response = client.get(STATISTICS, {"exemption": "s40-2"})
    assert response.status_code == 200
    figures = response.context["figures"]
    assert figures.total == 2
    assert [bar.label for bar in figures.keywords] == ["Drones"]
    assert "2 published disclosures match your filters" in response.content.decode()


def test_figures_follow_a_search_sorted_by_relevance(client):
    DisclosureFactory(title="Drones in the sky")
    DisclosureFactory(title="Overtime paid")
    response = client.get(STATISTICS, {"q": "drones", "sort": "relevance"})
    assert response.status_code == 200
    assert response.context["figures"].total == 1


def test_months_end_with_the_filters_last_date(client):
    DisclosureFactory(response_date=day("2021-03-10"))
    figures = client.get(STATISTICS, {"date_to": "2021-06-30"}).context["figures"]
    assert figures.months[-1].label == "June 2021"
    assert sum(bar.value for bar in figures.months) == 1


def test_invalid_filters_are_400_with_the_errors_and_the_valid_filters_applied(client):
    DisclosureFactory(keywords=["Drones"])
    DisclosureFactory(keywords=["Overtime"])
    response = client.get(STATISTICS, {"outcome": "bogus", "keyword": "drones"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Some filters could not be used" in html
    assert "bogus is not one of the available choices" in html
    assert response.context["figures"].total == 1


def test_the_filter_form_submits_to_the_statistics_page(client):
    html = client.get(STATISTICS).content.decode()
    assert f'<form class="filters" method="get" action="{STATISTICS}"' in html
    assert 'name="sort"' not in html


def test_page_has_no_inline_styles_or_scripts(client):
    DisclosureFactory(exemptions=["s40-2"], keywords=["Drones"])
    html = client.get(STATISTICS).content.decode()
    assert "style=" not in html
    assert "<style" not in html and "<script" not in html


def test_statistics_are_linked_from_the_header_and_the_list(client):
    DisclosureFactory()
    html = client.get(reverse("disclosures:list"), {"outcome": "granted-in-full"}).content.decode()
    assert f'href="{STATISTICS}"' in html
    assert f'href="{STATISTICS}?outcome=granted-in-full"' in html


@pytest.mark.parametrize("rows", [3, 30])
def test_query_count_does_not_grow_with_rows(client, django_assert_num_queries, rows):
    for n in range(rows):
        DisclosureFactory(
            keywords=[f"Topic {n % 4}"],
            exemptions=["s40-2", "s31-1-a"],
            response_date=datetime.date(2020 + n % 5, 1 + n % 12, 1),
        )
    # A look for a snapshot (a log this small has none), shared by the figures and the
    # filter panel; the tallies counted over the results (by month and outcome, by
    # exemption, by keyword) and the names of the exemptions and keywords charted; the
    # panel's facets (one pass, then the exemptions and keywords shown).
    with django_assert_num_queries(9):
        response = client.get(STATISTICS)
    assert response.status_code == 200
    # A filter by exemption adds one query, to check the exemption exists.
    with django_assert_num_queries(10):
        response = client.get(STATISTICS, {"exemption": "s40-2"})
    assert response.status_code == 200
