"""Importing: what is written, in how many queries, and what a re-import changes
(disclosures/imports/writing.py, through disclosures.imports.import_log)."""

import csv
import datetime
import re
import zoneinfo

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.utils import timezone

from disclosures import imports
from disclosures.imports import Action, Options, read_log
from disclosures.models import (
    Change,
    Clarification,
    CommissionerOutcome,
    Disclosure,
    Exemption,
    Keyword,
    Outcome,
    ReviewOutcome,
)
from tests.factories import DisclosureFactory, KeywordFactory
from tests.log_files import (
    HANDLING_HEADINGS,
    HEADINGS,
    INDEX_HEADINGS,
    INDEX_ROWS,
    SCOTTISH_HEADINGS,
    SCOTTISH_ROWS,
    csv_bytes,
    handling_row,
    log_row,
    xlsx_bytes,
)

pytestmark = pytest.mark.django_db
UK = zoneinfo.ZoneInfo("Europe/London")


def run_import(rows, headings=HEADINGS, user=None, **options):
    log = read_log(csv_bytes(rows, headings), "log.csv", columns=options.get("columns"))
    return imports.import_log(log, Options(**options), user=user)


def codes(disclosure: Disclosure) -> list[str]:
    return sorted(disclosure.exemptions.values_list("code", flat=True))


def clarifications(disclosure: Disclosure) -> list[tuple]:
    return list(disclosure.clarifications.values_list("asked", "answered"))


def test_the_seed_pages_entry_imports_as_published_at_nine():
    report = run_import([log_row()])
    assert report.written and report.counts[Action.CREATE] == 1
    disclosure = Disclosure.objects.get(reference="16495")
    assert disclosure.outcome == Outcome.NOT_HELD
    assert disclosure.exemptions.count() == 0
    assert disclosure.response_date == datetime.date(2022, 2, 24)
    assert disclosure.status == Disclosure.Status.PUBLISHED
    assert disclosure.published_at == datetime.datetime(2022, 2, 24, 9, 0, tzinfo=UK)
    assert disclosure.is_public
    assert set(disclosure.keywords.values_list("name", flat=True)) == {
        "Predictive policing",
        "Algorithms",
    }


def test_summer_dates_publish_at_nine_british_summer_time():
    run_import([log_row(date="1 July 2022")])
    published_at = Disclosure.objects.get().published_at
    assert published_at == datetime.datetime(2022, 7, 1, 8, 0, tzinfo=datetime.UTC)


def test_draft_import():
    run_import([log_row()], publish=False)
    disclosure = Disclosure.objects.get()
    assert (disclosure.status, disclosure.published_at) == (Disclosure.Status.DRAFT, None)


def test_xlsx_cells_are_read_as_excel_holds_them():
    rows = [log_row("X1", date=datetime.datetime(2022, 2, 24)), log_row(16496.0)]
    imports.import_log(read_log(xlsx_bytes(rows), "log.xlsx"))
    assert Disclosure.objects.get(reference="X1").response_date == datetime.date(2022, 2, 24)
    assert Disclosure.objects.filter(reference="16496").exists()


def test_an_entry_whose_log_recorded_little_invents_nothing():
    before = timezone.now()
    run_import([["1", "Drones"]], ["Reference", "Title"])
    disclosure = Disclosure.objects.get()
    assert (disclosure.request_text, disclosure.response_narrative) == ("", "")
    assert (disclosure.outcome, disclosure.response_date) == (Outcome.NOT_RECORDED, None)
    # Published when imported: nothing else says when.
    assert disclosure.is_public and disclosure.published_at >= before


def test_the_received_date_and_the_link_are_kept():
    headings = [*HEADINGS, "Date Received", "Link"]
    run_import([[*log_row(), "3 February 2022", "https://www.example.org/foi/16495"]], headings)
    disclosure = Disclosure.objects.get()
    assert disclosure.received_date == datetime.date(2022, 2, 3)
    assert disclosure.original_url == "https://www.example.org/foi/16495"


# How each request was handled -------------------------------------------------------------

HANDLED = {
    "extended_to": "3 March 2022",
    "extension_reason": "To consider the public interest (s10(3)).",
    "clarification_asked": "7 February 2022",
    "clarification_answered": "9 February 2022",
    "review_requested": "1 March 2022",
    "review_completed": "29 March 2022",
    "review_outcome": "Upheld in part",
    "commissioner_reference": "IC-123456-A1B2",
    "decision_notice": "FS50123456",
    "decision_notice_url": "https://ico.org.uk/decision-notices/fs50123456/",
    "commissioner_outcome": "Informally resolved",
}


def test_how_each_request_was_handled_is_imported_from_its_columns():
    user = User.objects.create_user("importer")
    report = run_import([handling_row(**HANDLED)], HANDLING_HEADINGS, user=user)
    assert report.written and not report.has_errors
    disclosure = Disclosure.objects.get()
    assert disclosure.received_date == datetime.date(2022, 2, 3)
    assert disclosure.extension_due_date == datetime.date(2022, 3, 3)
    assert disclosure.extension_reason == "To consider the public interest (s10(3))."
    assert clarifications(disclosure) == [(datetime.date(2022, 2, 7), datetime.date(2022, 2, 9))]
    assert disclosure.review_requested == datetime.date(2022, 3, 1)
    assert disclosure.review_completed == datetime.date(2022, 3, 29)
    assert disclosure.review_outcome == ReviewOutcome.PARTLY_UPHELD
    assert disclosure.commissioner_reference == "IC-123456-A1B2"
    assert disclosure.decision_notice_reference == "FS50123456"
    assert disclosure.decision_notice_url == "https://ico.org.uk/decision-notices/fs50123456/"
    assert disclosure.commissioner_outcome == CommissionerOutcome.CLOSED
    created = Change.objects.get(disclosure=disclosure)
    assert created.changed_by == user
    assert created.fields["clarifications"] == ["", "2022-02-07 → 2022-02-09"]
    assert created.fields["review_outcome"] == ["", "partly-upheld"]
    # As the history would record the entry afresh.
    assert {name: after for name, (_, after) in created.fields.items()} == {
        name: value
        for name, value in disclosure.snapshot().items()
        if value and name not in Disclosure.TEXTS_NOT_RECORDED_AT_CREATION
    }


def test_blank_handling_cells_leave_their_fields_empty():
    run_import([handling_row(received="")], HANDLING_HEADINGS)
    disclosure = Disclosure.objects.get()
    assert [getattr(disclosure, name) for name in Disclosure.HANDLING_FIELDS] == [
        None,
        None,
        "",
        None,
        None,
        "",
        "",
        "",
        "",
        "",
    ]
    assert clarifications(disclosure) == []
    assert disclosure.answer_time() is None


def test_a_clarification_for_each_row_and_each_once_for_rows_of_one_reference():
    rows = [
        handling_row("D-1", clarification_asked="7 Feb 2022", clarification_answered="9 Feb 2022"),
        handling_row("D-1", clarification_asked="7 Feb 2022", clarification_answered="9 Feb 2022"),
        handling_row("D-1", clarification_asked="4 Feb 2022"),
        handling_row("D-1", clarification_asked="10 Feb 2022"),
        handling_row(
            "D-1", clarification_asked="10 Feb 2022", clarification_answered="11 Feb 2022"
        ),
        handling_row("D-1"),
        handling_row("D-2", clarification_asked="7 Feb 2022"),
        handling_row("D-3"),
    ]
    report = run_import(rows, HANDLING_HEADINGS)
    assert not report.has_errors
    day = datetime.date
    assert clarifications(Disclosure.objects.get(reference="D-1")) == [
        (day(2022, 2, 4), None),
        (day(2022, 2, 7), day(2022, 2, 9)),
        # Asked on the 10th: one row lacks the answer another gives.
        (day(2022, 2, 10), day(2022, 2, 11)),
    ]
    # Asked, and no answer recorded: the time taken cannot be told.
    d2 = Disclosure.objects.get(reference="D-2")
    assert clarifications(d2) == [(day(2022, 2, 7), None)]
    assert d2.answer_time() is None
    assert clarifications(Disclosure.objects.get(reference="D-3")) == []


def test_reimporting_a_log_with_its_handling_changes_nothing():
    rows = [
        handling_row("H-1", **HANDLED),
        handling_row("H-2", clarification_asked="4 Feb 2022"),
        handling_row("H-2", clarification_asked="7 Feb 2022", clarification_answered="9 Feb 2022"),
        handling_row("H-3"),
    ]
    run_import(rows, HANDLING_HEADINGS)
    written = list(Disclosure.objects.values_list("pk", "updated_at").order_by("pk"))
    asked = list(Clarification.objects.values_list("pk", "asked", "answered").order_by("pk"))
    changes = Change.objects.count()
    again = run_import(rows, HANDLING_HEADINGS)
    assert again.summary() == "0 created, 0 updated, 4 unchanged, 0 left out, 0 with errors"
    assert list(Disclosure.objects.values_list("pk", "updated_at").order_by("pk")) == written
    assert (
        list(Clarification.objects.values_list("pk", "asked", "answered").order_by("pk")) == asked
    )
    assert Change.objects.count() == changes


def test_reimport_updates_the_handling_and_records_what_changed():
    run_import([handling_row("H-1", clarification_asked="7 Feb 2022")], HANDLING_HEADINGS)
    report = run_import(
        [
            handling_row(
                "H-1",
                clarification_asked="7 Feb 2022",
                clarification_answered="9 Feb 2022",
                review_requested="1 March 2022",
                review_outcome="Original decision upheld",
            )
        ],
        HANDLING_HEADINGS,
    )
    assert report.rows[0].action == Action.UPDATE
    assert report.rows[0].messages == [
        "Changes internal review requested, internal review outcome and clarifications."
    ]
    disclosure = Disclosure.objects.get()
    assert clarifications(disclosure) == [(datetime.date(2022, 2, 7), datetime.date(2022, 2, 9))]
    history = Change.objects.get(disclosure=disclosure, created=False)
    assert history.fields == {
        "review_requested": ["", "2022-03-01"],
        "review_outcome": ["", "upheld"],
        "clarifications": ["2022-02-07 → not answered", "2022-02-07 → 2022-02-09"],
    }
    assert disclosure.snapshot()["clarifications"] == "2022-02-07 → 2022-02-09"


def test_a_log_without_clarification_columns_leaves_an_entrys_clarifications_alone():
    existing = DisclosureFactory(reference="16495")
    Clarification.objects.create(disclosure=existing, asked=datetime.date(2022, 2, 7))
    report = run_import([log_row()])
    assert report.rows[0].action == Action.UPDATE
    assert clarifications(existing) == [(datetime.date(2022, 2, 7), None)]


def test_a_row_that_breaks_the_models_rules_is_not_written():
    rows = [handling_row("H-1", review_requested="1 March 2022", review_completed="1 Feb 2022")]
    report = run_import(rows, HANDLING_HEADINGS)
    assert report.errors == [
        "Row 2 (H-1): A review is completed after it is requested "
        "(internal review completed 01/02/2022)."
    ]
    assert not report.written and not Disclosure.objects.exists()


def test_an_imported_entrys_timeliness_shows_on_its_page_and_in_the_statistics(client):
    rows = [
        # Counted from the clarification: 20 working days, on time (from receipt: 25).
        handling_row(
            "T-1",
            received="3 June 2024",
            clarification_asked="5 June 2024",
            clarification_answered="10 June 2024",
            date="8 July 2024",
        ),
        # 33 working days (12 July is a bank holiday in Northern Ireland), within the
        # extension.
        handling_row(
            "T-2",
            received="3 June 2024",
            date="19 July 2024",
            extended_to="29 July 2024",
            extension_reason="To consider the public interest.",
            review_requested="22 July 2024",
            review_outcome="Partially upheld",
            commissioner_reference="IC-1",
            commissioner_outcome="Dismissed",
        ),
    ]
    report = run_import(rows, HANDLING_HEADINGS)
    assert report.written and not report.has_errors

    html = client.get("/disclosures/T-1/").content.decode()
    assert "Answered in 20 working days from the clarification" in html
    assert "<strong>on time</strong>" in html
    html = client.get("/disclosures/T-2/").content.decode()
    assert "Answered in 33 working days" in html
    assert "within the deadline extended to 29 July 2024" in html
    assert "Original decision upheld in part" in html
    assert "Complaint not upheld" in html

    html = client.get("/statistics/timeliness/").content.decode()
    row = re.search(r'<th scope="row">2024 Q3</th>(.*?)</tr>', html, re.S).group(1)
    cells = [
        re.sub(r"<[^>]+>", "", cell).strip()
        for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
    ]
    # received, answered, met, extension, exceeded, unknown, in time, median, 90th, extended
    assert cells == ["0", "2", "1", "1", "0", "0", "2 (100.0%)", "26.5", "33", "1"]


def test_each_entry_keeps_its_original_row_every_column():
    headings = [*HEADINGS, "Authority Name"]
    run_import([[*log_row(exemptions=""), "Example Constabulary"]], headings)
    kept = Disclosure.objects.get().imported_row
    assert kept["file"] == "log.csv" and kept["sheet"] is None
    (row,) = kept["rows"]
    assert row["number"] == 2
    assert row["cells"][0] == ["Reference", "16495"]
    assert ["Authority Name", "Example Constabulary"] in row["cells"]
    assert "Exemptions" not in [heading for heading, _ in row["cells"]]  # blank


def test_rows_of_one_reference_become_one_entry_with_both_rows_kept():
    rows = [
        log_row("D-1", keywords="Drones", exemptions="s40(2)"),
        log_row("D-1", keywords="Air support", exemptions="s31(1)(a); s40(2)"),
    ]
    report = run_import(rows)
    assert report.counts[Action.CREATE] == 2
    disclosure = Disclosure.objects.get()
    assert codes(disclosure) == ["s31(1)(a)", "s40(2)"]
    assert sorted(disclosure.keywords.values_list("name", flat=True)) == ["Air support", "Drones"]
    assert [row["number"] for row in disclosure.imported_row["rows"]] == [2, 3]


def test_exemptions_and_the_importer_are_recorded_in_the_history():
    user = User.objects.create_user("importer")
    run_import([log_row(outcome="Partial disclosure", exemptions="s40(2); s31(1)(a)")], user=user)
    disclosure = Disclosure.objects.get()
    assert codes(disclosure) == ["s31(1)(a)", "s40(2)"]
    assert disclosure.updated_by == user
    change = Change.objects.get(disclosure=disclosure)
    assert change.created and change.changed_by == user
    assert change.fields["exemptions"] == ["", "s31(1)(a), s40(2)"]
    assert change.fields["keywords"] == ["", "Algorithms, Predictive policing"]
    assert "request_text" not in change.fields  # the text is in the row itself


def test_one_bad_row_writes_nothing_and_every_bad_row_is_listed():
    rows = [
        log_row("OK-1"),
        log_row("BAD-1", date="2022-02-30"),
        log_row("OK-2", keywords="Brand new keyword"),
        log_row("BAD-2", outcome="Sort of"),
        log_row("BAD-3", exemptions="s99(9)"),
        log_row("", title="No reference"),
        *[log_row(f"LATER-{n}") for n in range(600)],  # past the first chunk
    ]
    report = run_import(rows)
    assert report.has_errors and not report.written
    assert [(row.number, row.reference) for row in report.error_rows] == [
        (3, "BAD-1"),
        (5, "BAD-2"),
        (6, "BAD-3"),
        (7, ""),
    ]
    assert "Row 5 (BAD-2): Unknown outcome 'Sort of'." in report.errors
    assert not Disclosure.objects.exists()
    assert not Keyword.objects.filter(name="Brand new keyword").exists()


def test_skip_invalid_imports_the_valid_rows_and_writes_the_refused_ones(tmp_path):
    refused_file = tmp_path / "refused.csv"
    rows = [
        log_row("OK-1"),
        log_row("BAD-1", date="2022-02-30"),
        log_row("D-1", keywords="Drones"),
        log_row("D-1", title="Another title"),
        log_row("OK-2", outcome="Long overdue"),
    ]
    report = run_import(rows, skip_invalid=True, refused_file=refused_file)
    assert report.written and report.refused_file == refused_file
    assert report.summary() == "1 created, 0 updated, 0 unchanged, 1 left out, 3 refused"
    assert list(Disclosure.objects.values_list("reference", flat=True)) == ["OK-1"]
    with refused_file.open(encoding="utf-8-sig") as file:
        refused = list(csv.DictReader(file))
    assert [row["Reference"] for row in refused] == ["BAD-1", "D-1", "D-1"]
    assert "is not a date" in refused[0]["Import error"]
    assert "different titles" in refused[1]["Import error"]

    # Corrected where it is, the refused file imports: the reason column is left aside.
    refused[0]["Date"] = "2022-02-28"
    refused[2]["Title"] = refused[1]["Title"]
    with refused_file.open("w", encoding="utf-8-sig", newline="") as file:
        writer = csv.DictWriter(file, fieldnames=list(refused[0]))
        writer.writeheader()
        writer.writerows(refused)
    again = imports.import_log(read_log(refused_file))
    assert again.written and again.counts[Action.CREATE] == 3
    assert again.ignored_columns == []
    assert set(Disclosure.objects.values_list("reference", flat=True)) == {"OK-1", "BAD-1", "D-1"}


def test_a_refused_row_makes_no_keyword(tmp_path):
    rows = [log_row("OK-1"), log_row("BAD-1", keywords="Only here", date="2022-02-30")]
    run_import(rows, skip_invalid=True, refused_file=tmp_path / "refused.csv")
    assert not Keyword.objects.filter(name="Only here").exists()


def test_reimporting_the_same_file_changes_nothing():
    rows = [
        log_row("R-1", exemptions="S40(3A)(a)"),
        log_row("R-2", keywords="Drones"),
        log_row("R-2", keywords="Roads"),
        log_row("R-3", outcome="Long overdue"),
    ]
    run_import(rows)
    written = list(Disclosure.objects.values_list("pk", "updated_at").order_by("pk"))
    changes = Change.objects.count()
    again = run_import(rows)
    assert again.summary() == "0 created, 0 updated, 3 unchanged, 1 left out, 0 with errors"
    assert list(Disclosure.objects.values_list("pk", "updated_at").order_by("pk")) == written
    assert Change.objects.count() == changes


def test_reimport_updates_in_place_and_records_what_changed():
    run_import([log_row("R-1"), log_row("R-2", exemptions="s40(2)")])
    original = Disclosure.objects.get(reference="R-2")
    report = run_import(
        [
            log_row("R-1"),
            log_row("R-2", title="Predictive policing (corrected)", exemptions="s43(2)"),
            log_row("R-3"),
        ]
    )
    assert [row.action for row in report.rows] == [Action.UNCHANGED, Action.UPDATE, Action.CREATE]
    assert report.rows[1].messages == ["Changes title and exemptions."]
    updated = Disclosure.objects.get(reference="R-2")
    assert updated.pk == original.pk
    assert updated.title == "Predictive policing (corrected)"
    assert codes(updated) == ["s43(2)"]
    assert updated.updated_at > original.updated_at
    history = Change.objects.filter(disclosure=updated, created=False).get()
    assert history.fields == {
        "title": ["Predictive Policing", "Predictive policing (corrected)"],
        "exemptions": ["s40(2)", "s43(2)"],
    }


def test_reimport_keeps_status_and_sets_keywords_exactly():
    existing = DisclosureFactory(
        reference="16495", withdrawn=True, keywords=["Drones", "Overtime"], title="Old"
    )
    report = run_import([log_row(keywords="Drones")])
    assert report.rows[0].action == Action.UPDATE
    assert "Withdrawn: it stays withdrawn." in report.rows[0].messages
    existing.refresh_from_db()
    assert existing.status == Disclosure.Status.WITHDRAWN
    assert list(existing.keywords.values_list("name", flat=True)) == ["Drones"]


def test_columns_missing_from_the_file_are_left_alone_on_update():
    existing = DisclosureFactory(reference="16495", keywords=["Drones"], exemptions=["s40-2"])
    run_import(
        [["16495", "New title", "Refused", "24/02/2022"]], ["Reference", "Title", "Outcome", "Date"]
    )
    existing.refresh_from_db()
    assert existing.title == "New title"
    assert existing.request_text == "Please tell me how many vehicles the force owns."
    assert list(existing.keywords.values_list("name", flat=True)) == ["Drones"]
    assert list(existing.exemptions.values_list("slug", flat=True)) == ["s40-2"]


def test_keywords_are_reused_ignoring_case_and_new_ones_get_a_free_slug():
    drones = KeywordFactory(name="Drones", slug="drones")
    KeywordFactory(name="Stop and search", slug="stop-search")
    report = run_import([log_row("K-1", keywords="drones; DRONES; Stop & search")])
    assert report.new_keywords == ["Stop & search"]
    disclosure = Disclosure.objects.get()
    made = Keyword.objects.get(name="Stop & search")
    assert made.slug == "stop-search-2"
    assert set(disclosure.keywords.all()) == {drones, made}


def test_search_finds_imported_keywords():
    run_import([log_row(title="Aerial equipment", request="How many?", keywords="Drone")])
    assert Disclosure.objects.filter(search_vector="drone").count() == 1


def test_rows_the_safety_check_flags_are_imported_as_drafts():
    report = run_import(
        [log_row("S-1", response="Contact PC Jane Smith on jane.smith@example.org"), log_row()]
    )
    assert report.rows[0].action == Action.CREATE
    assert "Safety check" in report.rows[0].messages[0]
    assert Disclosure.objects.get(reference="S-1").status == Disclosure.Status.DRAFT
    assert Disclosure.objects.get(reference="16495").status == Disclosure.Status.PUBLISHED


def test_a_published_entry_whose_new_text_is_flagged_returns_to_draft():
    DisclosureFactory(reference="16495")
    report = run_import([log_row(response="Ring the officer on 07700 900123 for details.")])
    assert report.rows[0].action == Action.UPDATE
    assert "Safety check" in report.rows[0].messages[-1]
    disclosure = Disclosure.objects.get()
    assert disclosure.status == Disclosure.Status.DRAFT
    assert disclosure.changes.get(created=False).fields["status"] == ["published", "draft"]


def test_progress_is_reported_while_reading_and_every_500_rows():
    rows = [log_row(f"P-{n}") for n in range(1200)]
    log = read_log(csv_bytes(rows), "log.csv")
    calls = []
    imports.import_log(log, progress=lambda *call: calls.append(call))
    stages = [stage for stage, _, _ in calls]
    assert stages[0] == imports.READING and calls[-1] == (imports.IMPORTING, 1200, 1200)
    assert [(d, t) for s, d, t in calls if s == imports.IMPORTING] == [
        (500, 1200),
        (1000, 1200),
        (1200, 1200),
    ]
    assert Disclosure.objects.count() == 1200


def test_import_queries_do_not_grow_with_rows(django_assert_max_num_queries):
    rows = [
        log_row(f"Q-{n}", exemptions="s40(2), s31(1)(a)", keywords=f"Drones, Topic {n}")
        for n in range(300)
    ]
    log = read_log(csv_bytes(rows), "log.csv")
    # The legislation, exemptions and keywords; the chunk's entries in the log, new
    # keywords, their order, ids, links, rows and history: one chunk's worth.
    with django_assert_max_num_queries(15):
        report = imports.import_log(log)
    assert report.counts[Action.CREATE] == 300


def test_importing_clarifications_adds_no_query_per_row(django_assert_max_num_queries):
    rows = [
        handling_row(
            f"Q-{n}", clarification_asked="7 Feb 2022", clarification_answered="9 Feb 2022"
        )
        for n in range(300)
    ]
    run_import(rows[:150], HANDLING_HEADINGS)
    log = read_log(csv_bytes(rows, HANDLING_HEADINGS), "log.csv")
    # As without them, and the chunk's clarifications: read, and written.
    with django_assert_max_num_queries(16):
        report = imports.import_log(log)
    assert report.counts[Action.CREATE] == 150 and report.counts[Action.UNCHANGED] == 150
    assert Clarification.objects.count() == 300


def test_keyword_text_is_what_the_trigger_would_write():
    KeywordFactory(name="zebra crossings", slug="zebra-crossings")
    run_import([log_row(keywords="Zebra crossings, armed policing, Body-worn video")])
    disclosure = Disclosure.objects.get()
    written = disclosure.keywords_text
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT disclosures_refresh_keywords_text(ARRAY[%s]::bigint[])", [disclosure.pk]
        )
    disclosure.refresh_from_db()
    assert written == disclosure.keywords_text != ""


def test_imported_rows_carry_the_ids_their_links_give():
    """New rows are written with their link ids (the triggers find no row to refresh),
    updated rows get them from the triggers: both agree with the link tables."""
    DisclosureFactory(reference="OLD-1", keywords=["Drones"], exemptions=["s40-2"])
    report = run_import(
        [
            log_row("NEW-1", outcome="Partially Disclosed", exemptions="s40(2), s31(1)(a)"),
            log_row("OLD-1", keywords="Tasers; Drones", exemptions="s31(1)(a)"),
        ]
    )
    assert [row.action for row in report.rows] == [Action.CREATE, Action.UPDATE]
    for disclosure in Disclosure.objects.prefetch_related("exemptions", "keywords"):
        assert disclosure.exemption_ids == sorted(e.pk for e in disclosure.exemptions.all())
        assert disclosure.keyword_ids == sorted(k.pk for k in disclosure.keywords.all())
        assert disclosure.exemption_ids and disclosure.keyword_ids


def test_a_scottish_log_is_read_as_foisa_and_the_eisr(settings):
    settings.AUTHORITY_LEGISLATION = "foisa"
    report = run_import(SCOTTISH_ROWS, SCOTTISH_HEADINGS)
    assert not report.has_errors
    consultation = Disclosure.objects.get(reference="FOI-S-003")
    cited = {(e.legislation_id, e.code) for e in consultation.exemptions.all()}
    assert cited == {("foisa", "s30(b)(i)"), ("foisa", "s30(b)(ii)"), ("eisr", "reg 10(5)(e)")}
    assert sorted(consultation.keywords.values_list("name", flat=True)) == [
        "Environment",
        "Planning",
    ]
    complaints = Disclosure.objects.get(reference="FOI-S-002")
    assert complaints.exemptions.get().name == "Personal information: third parties"
    assert complaints.received_date == datetime.date(2022, 11, 7)
    meals = Disclosure.objects.get(reference="FOI-S-004")
    assert meals.outcome == Outcome.NCND
    assert [e.code for e in meals.exemptions.all()] == ["s35(1)(a)"]


def test_an_index_only_log_imports_with_nothing_invented():
    report = run_import(INDEX_ROWS, INDEX_HEADINGS)
    assert report.counts[Action.CREATE] == 3 and not report.has_errors
    disclosure = Disclosure.objects.get(reference="16495")
    assert disclosure.response_date == datetime.date(2022, 2, 24)
    assert disclosure.outcome == Outcome.NOT_RECORDED and disclosure.request_text == ""
    assert disclosure.original_url == "https://www.example.org/foi/16495"
    assert sorted(disclosure.keywords.values_list("name", flat=True)) == [
        "Algorithms",
        "Predictive policing",
    ]
    assert Exemption.objects.filter(disclosures__isnull=False).count() == 0
