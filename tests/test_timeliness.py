"""The timeliness figures, their page, CSV and API (disclosures/timeliness.py)."""

import csv
import datetime
import io
import re

import pytest
from django.urls import reverse

from disclosures import timeliness
from disclosures.models import Clarification, Disclosure
from tests.factories import DisclosureFactory

pytestmark = pytest.mark.django_db
PAGE = reverse("disclosures:timeliness")
CSV = reverse("disclosures:timeliness-csv")
API = "/api/v1/timeliness/"


def day(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


def answered(received: str | None, response: str, **fields) -> Disclosure:
    return DisclosureFactory(
        received_date=day(received) if received else None, response_date=day(response), **fields
    )


def figures() -> timeliness.Figures:
    return timeliness.figures(Disclosure.objects.public())


def by_label(periods) -> dict[str, timeliness.Period]:
    return {period.label: period for period in periods}


# --- The figures ---------------------------------------------------------------------------


def test_answers_are_counted_by_quarter_of_the_answer_as_met_extended_or_exceeded():
    answered("2024-06-03", "2024-07-01")  # 20 working days: met the deadline
    answered("2024-06-03", "2024-07-19", extension_due_date=day("2024-07-29"))  # extension
    answered("2024-06-03", "2024-07-08")  # 25 working days: late
    quarter = by_label(figures().quarters)["2024 Q3"]
    assert quarter.answered == 3
    assert (quarter.met_deadline, quarter.permitted_extension, quarter.deadline_exceeded) == (
        1,
        1,
        1,
    )
    assert (quarter.in_time, quarter.in_time_percent) == (2, 66.7)
    assert quarter.extended == 1


def test_requests_received_are_counted_by_quarter_of_receipt():
    answered("2024-06-28", "2024-07-02")
    figures_ = figures()
    quarters = by_label(figures_.quarters)
    assert (quarters["2024 Q2"].received, quarters["2024 Q2"].answered) == (1, 0)
    assert (quarters["2024 Q3"].received, quarters["2024 Q3"].answered) == (0, 1)


def test_an_unknown_received_date_is_counted_apart_and_never_as_in_time():
    answered(None, "2024-02-01")
    answered("2024-01-02", "2024-01-10")
    quarter = by_label(figures().quarters)["2024 Q1"]
    assert (quarter.answered, quarter.received_date_unknown, quarter.known) == (2, 1, 1)
    assert (quarter.in_time, quarter.in_time_percent) == (1, 100.0)
    assert quarter.working_days.total() == 1


def test_only_unknown_received_dates_give_no_share_and_no_working_days():
    answered(None, "2024-02-01")
    quarter = by_label(figures().quarters)["2024 Q1"]
    assert quarter.in_time_percent is None
    assert quarter.median_working_days is None and quarter.percentile_90_working_days is None


def test_a_clarification_moves_the_due_date_in_the_figures():
    late_without_it = answered("2024-06-03", "2024-07-08")
    Clarification.objects.create(
        disclosure=late_without_it, asked=day("2024-06-04"), answered=day("2024-06-10")
    )
    assert by_label(figures().quarters)["2024 Q3"].met_deadline == 1


def test_an_unanswered_clarification_leaves_the_answer_untimed():
    disclosure = answered("2024-06-03", "2024-06-20")
    Clarification.objects.create(disclosure=disclosure, asked=day("2024-06-04"))
    assert by_label(figures().quarters)["2024 Q2"].received_date_unknown == 1


def test_median_and_90th_percentile_of_working_days():
    # Received Monday 3 June 2024; 5, 10, 15, 20 and 25 working days later.
    for response in ("2024-06-10", "2024-06-17", "2024-06-24", "2024-07-01", "2024-07-08"):
        answered("2024-06-03", response)
    year = by_label(figures().years)["2024"]
    assert year.median_working_days == 15
    assert year.percentile_90_working_days == 25  # 90% of 5 answers: the 5th


def test_median_of_an_even_number_of_answers_is_between_the_middle_two():
    for response in ("2024-06-10", "2024-06-17", "2024-06-24", "2024-07-01"):
        answered("2024-06-03", response)
    year = by_label(figures().years)["2024"]
    assert year.median_working_days == 12.5
    assert year.percentile_90_working_days == 20  # 90% of 4: the 4th


def test_quarters_and_years_without_answers_are_shown_between_those_with():
    answered("2023-11-01", "2023-11-20")
    answered("2024-07-01", "2024-07-10")
    result = figures()
    assert [p.label for p in result.quarters] == [
        "2023 Q4",
        "2024 Q1",
        "2024 Q2",
        "2024 Q3",
    ]
    assert [p.answered for p in result.quarters] == [1, 0, 0, 1]
    assert [p.label for p in result.years] == ["2023", "2024"]


def test_internal_reviews_and_complaints_are_counted_by_outcome():
    answered(
        "2024-01-02", "2024-01-20", review_requested=day("2024-02-01"), review_outcome="upheld"
    )
    answered("2024-01-02", "2024-01-20", review_outcome="overturned")
    answered("2024-01-02", "2024-01-20", review_requested=day("2024-02-01"))
    answered(
        "2024-01-02",
        "2024-01-20",
        commissioner_reference="IC-1",
        decision_notice_reference="IC-1",
        commissioner_outcome="partly-upheld",
    )
    answered("2024-01-02", "2024-01-20", commissioner_reference="IC-2")
    quarter = by_label(figures().quarters)["2024 Q1"]
    assert quarter.reviews == {"upheld": 1, "overturned": 1, "": 1}
    assert quarter.reviews_total == 3
    assert quarter.complaints == {"partly-upheld": 1, "": 1}
    assert quarter.decision_notices == 1


def test_unpublished_entries_are_never_counted(unpublished):
    for entry in unpublished:
        entry.received_date = day("2024-01-02")
        entry.response_date = day("2024-03-01")
        entry.review_outcome = "overturned"
        entry.commissioner_reference = "IC-SECRET"
        entry.save()
    answered("2024-01-02", "2024-01-10")
    result = figures()
    assert result.overall.answered == 1 and result.overall.received == 1
    assert result.overall.deadline_exceeded == 0
    assert result.overall.reviews_total == 0 and result.overall.complaints_total == 0


def test_figures_follow_the_list_filters(client):
    answered("2024-01-02", "2024-03-01", exemptions=["s40-2"])  # late
    answered("2024-01-02", "2024-01-10", exemptions=["s31-1-a"])
    response = client.get(PAGE, {"exemption": "s40-2"})
    assert response.status_code == 200
    overall = response.context["figures"].overall
    assert (overall.answered, overall.deadline_exceeded) == (1, 1)


# --- The page ------------------------------------------------------------------------------


def test_page_shows_quarters_and_years_with_charts_and_tables(client):
    answered("2024-01-02", "2024-01-10", review_outcome="upheld", commissioner_reference="IC-1")
    html = client.get(PAGE).content.decode()
    for heading in ("quarters", "years", "reviews", "complaints"):
        part = html[html.index(f'aria-labelledby="{heading}-heading"') :]
        part = part[: part.index("</section>")]
        assert '<svg class="chart"' in part and 'role="img"' in part
        assert "<table" in part and "<caption" in part and 'scope="col"' in part
        assert 'scope="row"' in part


def test_charts_have_a_title_and_a_description(client):
    answered("2024-01-02", "2024-01-10", review_outcome="upheld", commissioner_reference="IC-1")
    html = client.get(PAGE).content.decode()
    charts = re.findall(r'<svg class="chart" id="([\w-]+)"', html)
    assert len(charts) == 4
    for chart_id in charts:
        assert re.search(rf'<title id="{chart_id}-title">[^<]+</title>', html)
        assert re.search(rf'<desc id="{chart_id}-desc">[^<]+</desc>', html)


def test_quarter_table_holds_the_figures(client):
    answered("2024-06-03", "2024-07-01")
    answered("2024-06-03", "2024-07-08")
    answered(None, "2024-07-08")
    html = client.get(PAGE).content.decode()
    row = re.search(r'<th scope="row">2024 Q3</th>(.*?)</tr>', html, re.S).group(1)
    cells = [
        re.sub(r"<[^>]+>", "", cell).strip()
        for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
    ]
    # received, answered, met, extension, exceeded, unknown, in time, median, 90th, extended
    assert cells == ["0", "3", "1", "0", "1", "1", "1 (50.0%)", "22.5", "25", "0"]


def test_page_says_how_many_answers_have_no_received_date(client):
    answered(None, "2024-02-01")
    answered(None, "2024-02-02")
    html = client.get(PAGE).content.decode()
    assert "2 of them have no received date recorded" in html
    assert "never as answered in time" in html


def test_page_names_the_scottish_commissioner_in_scotland(client, settings):
    settings.AUTHORITY_LEGISLATION = "foisa"
    answered("2024-01-02", "2024-01-10", commissioner_reference="201234")
    html = client.get(PAGE).content.decode()
    assert "Complaints to the Scottish Information Commissioner, by outcome" in html
    assert "Freedom of Information (Scotland) Act 2002" in html


def test_invalid_filters_are_400_with_the_errors_and_the_valid_filters_applied(client):
    answered("2024-01-02", "2024-01-10", keywords=["Drones"])
    answered("2024-01-02", "2024-01-10", keywords=["Overtime"])
    response = client.get(PAGE, {"outcome": "bogus", "keyword": "drones"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Some filters could not be used" in html
    assert "bogus is not one of the available choices" in html
    assert response.context["figures"].overall.answered == 1


def test_dates_outside_the_log_are_400_not_500(client):
    for params in ({"date_from": "0001-01-01"}, {"date_to": "99999-01-01"}, {"date_from": "x"}):
        assert client.get(PAGE, params).status_code == 400
        assert client.get(CSV, params).status_code == 400
        assert client.get(API, params).status_code == 400


def test_page_has_no_inline_styles_or_scripts_and_sets_no_cookies(client):
    answered("2024-01-02", "2024-01-10")
    response = client.get(PAGE)
    html = response.content.decode()
    assert "style=" not in html
    assert "<style" not in html and "<script" not in html
    assert not response.cookies


def test_statistics_page_links_to_the_timeliness_page_with_its_filters(client):
    DisclosureFactory(keywords=["Drones"])
    html = client.get(reverse("disclosures:statistics"), {"keyword": "drones"}).content.decode()
    assert f'href="{PAGE}?keyword=drones"' in html


@pytest.mark.parametrize("rows", [3, 30])
def test_page_query_count_does_not_grow_with_rows(client, django_assert_num_queries, rows):
    for n in range(rows):
        disclosure = answered(
            f"202{n % 4}-0{1 + n % 9}-0{1 + n % 7}",
            f"202{n % 4}-1{n % 3}-1{n % 9}",
            exemptions=["s40-2"],
            keywords=[f"Topic {n % 4}"],
            review_outcome="upheld" if n % 2 else "",
            commissioner_reference=f"IC-{n}" if n % 3 else "",
        )
        Clarification.objects.create(disclosure=disclosure, asked=disclosure.received_date)
    # The grouped rows of the figures, and four for the filter panel's facets (a look for
    # kept counts, one pass, then the exemptions and keywords shown).
    with django_assert_num_queries(5):
        assert client.get(PAGE).status_code == 200
    # A filter by exemption adds one query to check the exemption exists, and a look
    # for a snapshot the facets are drawn from instead of kept counts.
    with django_assert_num_queries(6):
        assert client.get(PAGE, {"exemption": "s40-2"}).status_code == 200


# --- The CSV -------------------------------------------------------------------------------


def csv_table(response) -> list[list[str]]:
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))


def test_csv_has_the_government_tables_columns_and_a_row_a_quarter(client):
    answered("2024-06-03", "2024-07-01", review_outcome="partly-upheld")
    answered("2024-06-03", "2024-07-08")
    response = client.get(CSV)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="timeliness-')
    header, *rows = csv_table(response)
    assert header[:11] == [
        "Quarter",
        "Period start",
        "Period end",
        "Total requests received",
        "Requests answered",
        "Met deadline",
        "Permitted extension to deadline",
        "Deadline exceeded",
        "Received date unknown",
        "Responded to in time",
        "Responded to in time (%)",
    ]
    assert "Internal reviews: upheld in part" in header
    assert "Commissioner: complaint not upheld" in header
    quarters = {row[0]: dict(zip(header, row, strict=True)) for row in rows}
    assert list(quarters) == ["2024 Q2", "2024 Q3"]
    q3 = quarters["2024 Q3"]
    assert (q3["Requests answered"], q3["Met deadline"], q3["Deadline exceeded"]) == ("2", "1", "1")
    assert q3["Responded to in time (%)"] == "50"
    assert q3["Median working days"] == "22.5"
    assert q3["Internal reviews: upheld in part"] == "1"
    assert quarters["2024 Q2"]["Total requests received"] == "2"


def test_csv_headings_are_english_whatever_the_language(client):
    answered("2024-06-03", "2024-07-01")
    header = csv_table(client.get(CSV, HTTP_ACCEPT_LANGUAGE="cy"))[0]
    assert "Met deadline" in header


def test_csv_follows_the_filters_and_refuses_invalid_ones_in_plain_text(client):
    answered("2024-06-03", "2024-07-01", exemptions=["s40-2"])
    answered("2023-06-01", "2023-06-20")
    rows = csv_table(client.get(CSV, {"exemption": "s40-2"}))[1:]
    assert [row[0] for row in rows] == ["2024 Q2", "2024 Q3"]
    response = client.get(CSV, {"exemption": "nonsense"})
    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert "There is no exemption called nonsense." in response.content.decode()


@pytest.mark.parametrize("rows", [3, 30])
def test_csv_query_count_does_not_grow_with_rows(client, django_assert_num_queries, rows):
    for n in range(rows):
        answered(f"202{n % 4}-0{1 + n % 9}-01", f"202{n % 4}-1{n % 3}-1{n % 9}")
    with django_assert_num_queries(1):
        assert client.get(CSV).status_code == 200


# --- The API -------------------------------------------------------------------------------


def test_api_gives_the_same_figures_per_quarter_and_year(client):
    answered("2024-06-03", "2024-07-01", review_outcome="overturned")
    answered(None, "2024-07-08", commissioner_reference="IC-9", commissioner_outcome="closed")
    data = client.get(API).json()
    q3 = {q["period"]: q for q in data["quarters"]}["2024 Q3"]
    assert q3["answered"] == 2
    assert (q3["met_deadline"], q3["received_date_unknown"]) == (1, 1)
    assert q3["in_time_percent"] == 100.0
    assert q3["internal_reviews"] == {
        "total": 1,
        "by_outcome": {"upheld": 0, "partly-upheld": 0, "overturned": 1, "not-yet-known": 0},
    }
    assert q3["commissioner_complaints"]["by_outcome"]["closed"] == 1
    assert [y["period"] for y in data["years"]] == ["2024"]
    assert data["overall"]["answered"] == 2


def test_api_takes_the_list_filters_and_explains_invalid_ones(client):
    answered("2024-06-03", "2024-07-01", outcome="refused")
    answered("2024-06-03", "2024-07-01", outcome="not-held")
    assert client.get(API, {"outcome": "refused"}).json()["overall"]["answered"] == 1
    response = client.get(API, {"outcome": "bogus"})
    assert response.status_code == 400
    assert "outcome" in response.json()


def test_api_is_in_the_schema(client):
    schema = client.get("/api/v1/schema/", {"format": "json"}).json()
    operation = schema["paths"]["/api/v1/timeliness/"]["get"]
    names = {parameter["name"] for parameter in operation["parameters"]}
    assert {"q", "outcome", "exemption", "keyword", "date_from", "date_to"} <= names
    assert operation["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Timeliness"
    }


@pytest.mark.parametrize("rows", [3, 30])
def test_api_query_count_does_not_grow_with_rows(client, django_assert_num_queries, rows):
    for n in range(rows):
        answered(
            f"202{n % 4}-0{1 + n % 9}-01", f"202{n % 4}-1{n % 3}-1{n % 9}", exemptions=["s40-2"]
        )
    with django_assert_num_queries(1):
        assert client.get(API).status_code == 200
    # And one to check the exemption exists.
    with django_assert_num_queries(2):
        assert client.get(API, {"exemption": "s40-2"}).status_code == 200
