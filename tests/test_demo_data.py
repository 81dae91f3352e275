import re

import pytest
from django.core.management import call_command
from django.urls import reverse

from disclosures.models import Disclosure, Outcome

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db):
    call_command("load_demo")


def test_demo_log_is_large_and_varied(demo):
    public = Disclosure.objects.public()
    assert public.count() >= 60
    # Every outcome a response can have ("not recorded" is only for imported logs).
    answered = set(Outcome.values) - {Outcome.NOT_RECORDED}
    assert set(public.values_list("outcome", flat=True)) == answered
    years = {d.year for d in public.values_list("response_date", flat=True)}
    assert len(years) >= 4
    assert public.filter(exemptions__isnull=False).distinct().count() >= 10


def test_demo_log_has_drafts_that_stay_hidden(demo):
    assert Disclosure.objects.filter(status=Disclosure.Status.DRAFT).count() >= 3
    assert Disclosure.objects.exclude(pk__in=Disclosure.objects.public()).count() >= 5


def test_seed_entries_are_served_under_their_own_references(demo, client):
    for reference, title in [
        ("16495", "Predictive Policing"),
        ("16224", "Predictive Policing Software or Algorithm"),
    ]:
        response = client.get(f"/disclosures/{reference}/")
        assert response.status_code == 200
        assert f"<h1>{title}</h1>" in response.content.decode()
        assert "Fearless Futures" in response.content.decode()


def test_load_demo_leaves_a_non_empty_log_alone(demo, capsys):
    before = Disclosure.objects.count()
    call_command("load_demo")
    assert Disclosure.objects.count() == before
    assert "not loaded" in capsys.readouterr().out


# The demo's timeliness, counted by hand from fixtures/demo.json, quarter by quarter of
# the answer (response date); "received" counts requests by the quarter they arrived.
#   Received date unknown (12): the ten 2019 entries, imported without one; 16495 (2022
#     Q1); FOI-2025-0236 (2025 Q1).
#   Deadline exceeded (6): 15090 (2020 Q4), 16224 (2022 Q1), FOI-2023-0920 (2023 Q4),
#     FOI-2024-0704 and FOI-2024-0819 (2024 Q3, the second extended to 19 September and
#     answered a week later), FOI-2025-0442 (2025 Q2).
#   Permitted extension (4): 14777 (2020 Q3), FOI/23/0188 (2023 Q1), FOI-2024-0219 (2024
#     Q1), FOI-2025-0044 (2025 Q1); with FOI-2024-0819, 5 deadlines extended.
#   Met the deadline: every other public entry (49), each received two weeks before its
#     answer, and 17018 and FOI-2024-0415, clarified, counted from the clarification.
#   Internal reviews: 15090 upheld in full (2020 Q4), 16224 upheld in full (2022 Q1),
#     FOI-2023-0920 upheld in part (2023 Q4), FOI-2024-0704 overturned (2024 Q3),
#     FOI-2025-0442 not yet decided (2025 Q2).
#   Complaints to the Commissioner: FOI-2023-0920, partly upheld with a decision notice
#     (2023 Q4); FOI-2024-0704, not yet decided (2024 Q3).
#   Not counted: FOI-2023-0398 (withdrawn), FOI-2026-0852 (scheduled) and the four
#     drafts, though they have received dates, a late answer, a review and a complaint.
# quarter: (received, answered, met deadline, permitted extension, deadline exceeded,
#           received date unknown, deadlines extended, internal reviews, complaints)
DEMO_QUARTERS = {
    "2019 Q1": (0, 3, 0, 0, 0, 3, 0, 0, 0),
    "2019 Q2": (0, 2, 0, 0, 0, 2, 0, 0, 0),
    "2019 Q3": (0, 2, 0, 0, 0, 2, 0, 0, 0),
    "2019 Q4": (0, 3, 0, 0, 0, 3, 0, 0, 0),
    "2020 Q1": (1, 1, 1, 0, 0, 0, 0, 0, 0),
    "2020 Q2": (2, 2, 2, 0, 0, 0, 0, 0, 0),
    "2020 Q3": (4, 3, 2, 1, 0, 0, 1, 0, 0),
    "2020 Q4": (2, 3, 2, 0, 1, 0, 0, 1, 0),
    "2021 Q1": (1, 1, 1, 0, 0, 0, 0, 0, 0),
    "2021 Q2": (4, 3, 3, 0, 0, 0, 0, 0, 0),
    "2021 Q3": (3, 3, 3, 0, 0, 0, 0, 0, 0),
    "2021 Q4": (4, 3, 3, 0, 0, 0, 0, 0, 0),
    "2022 Q1": (1, 4, 2, 0, 1, 1, 0, 1, 0),
    "2022 Q2": (3, 2, 2, 0, 0, 0, 0, 0, 0),
    "2022 Q3": (2, 3, 3, 0, 0, 0, 0, 0, 0),
    "2022 Q4": (3, 3, 3, 0, 0, 0, 0, 0, 0),
    "2023 Q1": (3, 2, 1, 1, 0, 0, 1, 0, 0),
    "2023 Q2": (2, 3, 3, 0, 0, 0, 0, 0, 0),
    "2023 Q3": (4, 3, 3, 0, 0, 0, 0, 0, 0),
    "2023 Q4": (2, 3, 2, 0, 1, 0, 0, 1, 1),
    "2024 Q1": (5, 3, 2, 1, 0, 0, 1, 0, 0),
    "2024 Q2": (2, 3, 3, 0, 0, 0, 0, 0, 0),
    "2024 Q3": (2, 3, 1, 0, 2, 0, 1, 1, 1),
    "2024 Q4": (3, 2, 2, 0, 0, 0, 0, 0, 0),
    "2025 Q1": (1, 3, 1, 1, 0, 1, 1, 0, 0),
    "2025 Q2": (3, 3, 2, 0, 1, 0, 0, 1, 0),
    "2025 Q3": (2, 2, 2, 0, 0, 0, 0, 0, 0),
}
# year: (received, answered, in time, share in time of those with a received date)
DEMO_YEARS = {
    "2019": (0, 10, 0, None),
    "2020": (9, 9, 8, 88.9),
    "2021": (12, 10, 10, 100.0),
    "2022": (9, 12, 10, 90.9),
    "2023": (11, 11, 10, 90.9),
    "2024": (12, 11, 9, 81.8),
    "2025": (6, 8, 6, 85.7),
}


def test_demo_timeliness_page_matches_the_hand_count(demo, client):
    figures = client.get(reverse("disclosures:timeliness")).context["figures"]
    assert {
        q.label: (
            q.received,
            q.answered,
            q.met_deadline,
            q.permitted_extension,
            q.deadline_exceeded,
            q.received_date_unknown,
            q.extended,
            q.reviews_total,
            q.complaints_total,
        )
        for q in figures.quarters
    } == DEMO_QUARTERS
    assert {
        y.label: (y.received, y.answered, y.in_time, y.in_time_percent) for y in figures.years
    } == DEMO_YEARS


def test_demo_reviews_and_complaints_match_the_hand_count(demo, client):
    overall = client.get(reverse("disclosures:timeliness")).context["figures"].overall
    assert overall.reviews == {"upheld": 2, "partly-upheld": 1, "overturned": 1, "": 1}
    assert overall.complaints == {"partly-upheld": 1, "": 1}
    assert overall.decision_notices == 1


def test_demo_working_days_of_2020_q3_match_the_hand_count(demo, client):
    # 14630: Thursday 9 to Thursday 23 July 2020, 9 working days (Monday 13 July was the
    # Northern Ireland holiday); 14851: 10 to 24 September, 10; 14777: 16 July to
    # 3 September, 33 (3 and 31 August were bank holidays), within its extension to
    # 10 September. Median 10; the 90th percentile of three answers is the third, 33.
    figures = client.get(reverse("disclosures:timeliness")).context["figures"]
    quarter = {q.label: q for q in figures.quarters}["2020 Q3"]
    assert quarter.median_working_days == 10
    assert quarter.percentile_90_working_days == 33


def test_each_demo_disclosure_page_says_how_long_its_answer_took(demo, client):
    for disclosure in Disclosure.objects.public().exclude(received_date=None):
        html = client.get(disclosure.get_absolute_url()).content.decode()
        assert re.search(r"Answered in \d+ working days?", html), disclosure.reference
    for disclosure in Disclosure.objects.public().filter(received_date=None):
        html = client.get(disclosure.get_absolute_url()).content.decode()
        assert "working day" not in html, disclosure.reference


def test_demo_late_answer_says_how_late_and_what_the_review_decided(demo, client):
    # FOI-2024-0704: received Thursday 20 June 2024, due Friday 19 July (12 July was the
    # Northern Ireland holiday); answered Thursday 22 August, 43 working days (5 August
    # was Scotland's summer holiday): 23 late.
    html = client.get("/disclosures/FOI-2024-0704/").content.decode()
    assert "Answered in 43 working days" in html
    assert "late by 23 working days" in html
    assert "due by 19 July 2024" in html
    assert "Original decision overturned" in html
    assert "Complaint to the Information Commissioner" in html
