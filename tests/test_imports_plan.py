"""The plan of an import: columns, rows checked, rows of one reference joined, what each
entry does, and the report's summary (disclosures/imports/plan.py)."""

import datetime

import pytest

from disclosures import imports
from disclosures.imports import Action, LogFileError, Options, read_log
from disclosures.imports.values import DateOrder
from disclosures.models import Disclosure
from tests.factories import DisclosureFactory
from tests.log_files import HANDLING_HEADINGS, HEADINGS, csv_bytes, handling_row, log_row

pytestmark = pytest.mark.django_db


def check(rows, headings=HEADINGS, **options):
    columns = options.get("columns", {})
    log = read_log(csv_bytes(rows, headings), "log.csv", columns=columns)
    return imports.dry_run(log, Options(**options))


def columns_read(headings, **options) -> dict[str, str]:
    log = read_log(csv_bytes([[""] * len(headings)], headings), "log.csv", **options)
    report = imports.dry_run(log, Options(**options))
    return dict(report.columns)


# Columns -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("heading", "field"),
    [
        ("FOI Reference", "reference"),
        ("Case Reference", "reference"),
        ("Request ID", "reference"),
        ("Ref", "reference"),
        ("Our ref", "reference"),
        ("ID", "reference"),
        ("FOIR", "reference"),
        ("Request Title", "title"),
        ("Subject", "title"),
        ("Summary", "title"),
        ("Request Details", "request"),
        ("Description", "request"),
        ("Information requested", "request"),
        ("Status", "outcome"),
        ("Decision", "outcome"),
        ("Final Disposition", "outcome"),
        ("Response type", "outcome"),
        ("Exemptions Applied", "exemptions"),
        ("Exemptions Used", "exemptions"),
        ("Exemption(s) Cited", "exemptions"),
        ("Sections applied", "exemptions"),
        ("Date Received", "received date"),
        ("Request Date", "received date"),
        ("Requested Date", "received date"),
        ("Date of Response", "response date"),
        ("Date Responded", "response date"),
        ("Date Closed", "response date"),
        ("Date of access", "response date"),
        ("Answer", "response"),
        ("tags", "keywords"),
        ("Category", "keywords"),
        ("Topic", "keywords"),
        ("Link", "link"),
        ("PIT Extension", "extension due date"),
        ("Extended to", "extension due date"),
        ("Reason for Extension", "extension reason"),
        ("Clarification Sought", "clarification asked"),
        ("Clarification Received", "clarification answered"),
        ("IR Requested", "internal review requested"),
        ("Review Request Date", "internal review requested"),
        ("Review Response Date", "internal review completed"),
        ("IR Completed", "internal review completed"),
        ("Review Result", "internal review outcome"),
        ("SIC Reference", "commissioner reference"),
        ("ICO Case Reference", "commissioner reference"),
        ("DN Reference", "decision notice reference"),
        ("Decision Notice Link", "decision notice URL"),
        ("ICO Decision", "commissioner outcome"),
        ("Commissioner Outcome", "commissioner outcome"),
    ],
)
def test_headings_real_logs_use_are_read_ignoring_case_and_punctuation(heading, field):
    headings = (
        ["Ref no", "Title", heading]
        if field not in ("reference", "title")
        else [
            "Title" if field == "reference" else "Reference",
            heading,
        ]
    )
    assert columns_read([h.upper().replace(" ", "_") for h in headings])[field] == (
        heading.upper().replace(" ", "_")
    )


def test_headings_near_others_keep_their_own_fields():
    headings = [
        "Ref",
        "Title",
        "Decision",
        "Review Outcome",
        "Decision Notice",
        "ICO Decision",
        "Date",
        "Review Response Date",
        "Extension Date",
    ]
    assert columns_read(headings) == {
        "reference": "Ref",
        "title": "Title",
        "outcome": "Decision",
        "response date": "Date",
        "extension due date": "Extension Date",
        "internal review completed": "Review Response Date",
        "internal review outcome": "Review Outcome",
        "decision notice reference": "Decision Notice",
        "commissioner outcome": "ICO Decision",
    }


def test_handling_columns_can_be_named_by_their_field_names():
    headings = ["Ref", "Title", "Appeal result", "Asked", "Answered", "ICO"]
    columns = {
        "Appeal result": "review_outcome",
        "Asked": "clarification-asked",
        "Answered": "Clarification answered",
        "ICO": "commissioner-outcome",
    }
    assert columns_read(headings, columns=columns) == {
        "reference": "Ref",
        "title": "Title",
        "clarification asked": "Asked",
        "clarification answered": "Answered",
        "internal review outcome": "Appeal result",
        "commissioner outcome": "ICO",
    }


def test_columns_that_map_to_nothing_are_listed_as_ignored():
    report = check(
        [[*log_row(), "Example District Council", "https://wdtk.example/1"]],
        [*HEADINGS, "Authority Name", "Request URL"],
    )
    assert report.ignored_columns == ["Authority Name", "Request URL"]


def test_a_column_can_be_named_or_ignored_explicitly():
    headings = ["Case", "Query", "Decision", "Decision notes"]
    rows = [["C-1", "Drones", "Refused", "s40(2) applied"]]
    report = check(
        rows, headings, columns={"Case": "reference", "Query": "title", "Decision notes": None}
    )
    assert dict(report.columns) == {"reference": "Case", "title": "Query", "outcome": "Decision"}
    assert report.ignored_columns == ["Decision notes"]
    assert report.counts[Action.CREATE] == 1


@pytest.mark.parametrize(
    ("columns", "message"),
    [
        ({"Nowhere": "title"}, "no column 'Nowhere'; its headings are"),
        ({"Title": "colour"}, "'colour' is not a field: use one of reference, title"),
    ],
)
def test_a_mapping_that_cannot_be_followed_stops_the_file(columns, message):
    with pytest.raises(LogFileError, match=message):
        check([log_row()], columns=columns)


def test_two_columns_for_one_field_stop_the_file_and_say_how_to_choose():
    with pytest.raises(LogFileError, match="'Title' and 'Subject' both hold the title: choose"):
        check([["1", "A", "B"]], ["Reference", "Title", "Subject"])


def test_several_keyword_columns_are_united():
    report = check([["1", "A", "Drones", "Roads"]], ["Reference", "Title", "Topic", "Category"])
    assert report.new_keywords == ["Drones", "Roads"]


def test_a_log_needs_only_a_reference_and_a_title():
    with pytest.raises(LogFileError, match="no column for the title"):
        check([["1", "x", "2022-01-01"]], ["Reference", "Notes", "Date"])
    report = check([["1", "Drones"]], ["Reference", "Title"])
    assert report.counts[Action.CREATE] == 1
    assert "No column holds the outcome: new entries' outcome is not recorded." in (
        report.column_notes
    )


# The summary -------------------------------------------------------------------------------


def test_the_summary_lists_each_distinct_value_not_understood_once():
    rows = [
        log_row("A-1", outcome="Sort of"),
        log_row("A-2", outcome="Sort of", exemptions="s99(1)"),
        log_row("A-3"),
        log_row("A-4", outcome="Sort of"),
        log_row("A-5", outcome="Maybe", date="31/02/2022"),
    ]
    report = check(rows)
    summary = [(v.column, v.value, v.rows, v.first_row) for v in report.unrecognised]
    assert summary == [
        ("Date", "31/02/2022", 1, 6),
        ("Exemptions", "s99(1)", 1, 3),
        ("Outcome", "Sort of", 3, 2),
        ("Outcome", "Maybe", 1, 6),
    ]
    assert report.unrecognised[2].message == "Unknown outcome 'Sort of'."
    assert report.outcome_wordings == ["Maybe", "Sort of"]
    # Then every error, row by row.
    assert [row.number for row in report.error_rows] == [2, 3, 5, 6]


def test_values_read_with_a_note_are_summarised_too():
    rows = [
        log_row("A-1", outcome="Awaiting classification"),
        log_row("A-2", exemptions="S40(3A)(a)"),
        log_row("A-3", outcome=""),
    ]
    report = check(rows)
    noted = {(v.column, v.value): (v.rows, v.message) for v in report.noted}
    assert noted[("Outcome", "Awaiting classification")][1].endswith("left out.")
    assert noted[("Exemptions", "S40(3A)(a)")][1].startswith("s40(3a)(a) is recorded as s40")
    assert noted[("Outcome", "")] == (1, "No outcome given: not recorded.")
    assert report.counts[Action.SKIP] == 1 and not report.has_errors


def test_unknown_review_and_complaint_wordings_are_summarised_like_outcomes():
    rows = [
        handling_row("H-1", review_outcome="Upheld with advice"),
        handling_row("H-2", review_outcome="Upheld with advice", commissioner_outcome="Pending"),
        handling_row("H-3", review_outcome="Upheld", commissioner_outcome="Dismissed"),
    ]
    report = check(rows, HANDLING_HEADINGS)
    summary = [(v.column, v.value, v.rows, v.first_row, v.message) for v in report.unrecognised]
    assert summary == [
        ("ICO Decision", "Pending", 1, 3, "Unknown commissioner outcome 'Pending'."),
        (
            "IR Outcome",
            "Upheld with advice",
            2,
            2,
            "Unknown internal review outcome 'Upheld with advice'.",
        ),
    ]
    # Not offered as outcome wordings to map: they are no outcome of the request.
    assert report.outcome_wordings == []
    assert [row.number for row in report.error_rows] == [2, 3]


def test_a_column_where_every_row_is_wrong_is_summarised_in_part(monkeypatch):
    monkeypatch.setattr("disclosures.imports.report.SUMMARY_VALUES", 3)
    report = check([log_row(f"A-{n}", outcome=f"Odd {n}") for n in range(5)])
    assert len(report.unrecognised) == 3 and report.more_values == 2


# Dates -------------------------------------------------------------------------------------


def test_a_month_first_column_is_read_month_first_and_says_so():
    rows = [log_row("A-1", date="10/3/2021"), log_row("A-2", date="10/13/2021")]
    report = check(rows)
    assert "Dates in 'Date' are read month first: row 3 has 10/13/2021." in report.column_notes
    assert dict(report.preview[0].values)["response date"] == "2021-10-03"


def test_a_column_ambiguous_throughout_is_an_error_until_the_order_is_given():
    rows = [log_row("A-1", date="10/3/2021"), log_row("A-2", date="01/02/2021")]
    report = check(rows)
    assert report.counts[Action.ERROR] == 2
    assert "could be 10 March 2021 or 3 October 2021" in report.error_rows[0].messages[0]
    given = check(rows, dates=DateOrder.MONTH_FIRST)
    assert not given.has_errors
    assert "Dates in 'Date' are read month first, as asked." in given.column_notes


def test_each_handling_date_column_is_read_month_first_from_its_own_column():
    rows = [
        handling_row(
            "A-1",
            received="10/3/2021",
            date="11/15/2021",
            extended_to="11/16/2021",
            clarification_asked="10/5/2021",
            clarification_answered="10/20/2021",
            review_requested="11/22/2021",
            review_completed="12/1/2021",
        ),
        handling_row(
            "A-2",
            received="10/13/2021",
            date="11/2/2021",
            extended_to="11/3/2021",
            clarification_asked="10/14/2021",
            clarification_answered="10/15/2021",
            review_requested="11/3/2021",
            review_completed="12/20/2021",
        ),
    ]
    report = check(rows, HANDLING_HEADINGS)
    assert not report.has_errors
    for heading, row in [
        ("Date Received", "row 3 has 10/13/2021"),
        ("Extended Due Date", "row 2 has 11/16/2021"),
        ("Clarification Sought", "row 3 has 10/14/2021"),
        ("Clarification Received", "row 2 has 10/20/2021"),
        ("IR Requested", "row 2 has 11/22/2021"),
        ("IR Completed", "row 3 has 12/20/2021"),
    ]:
        assert f"Dates in {heading!r} are read month first: {row}." in report.column_notes
    first = dict(report.preview[0].values)
    assert (first["received date"], first["extension due date"]) == ("2021-10-03", "2021-11-16")
    assert (first["clarification asked"], first["clarification answered"]) == (
        "2021-10-05",
        "2021-10-20",
    )
    assert (first["internal review requested"], first["internal review completed"]) == (
        "2021-11-22",
        "2021-12-01",
    )


def test_a_handling_date_column_ambiguous_throughout_needs_the_order_given():
    rows = [handling_row("A-1", review_requested="10/3/2022")]
    report = check(rows, HANDLING_HEADINGS)
    assert report.errors == [
        "Row 2 (A-1): Internal review requested '10/3/2022' could be 10 March 2022 or 3 "
        "October 2022: give the order of the column's dates (--dates day-first or month-first)."
    ]
    assert not check(rows, HANDLING_HEADINGS, dates=DateOrder.DAY_FIRST).has_errors


# The model's rules -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "message"),
    [
        (
            {"received": "1 March 2022"},
            "A request cannot be answered before it was received (response date 24/02/2022).",
        ),
        (
            {"received": "1 February 2022", "extended_to": "1 February 2022"},
            "An extension runs to a day after receipt (extension due date 01/02/2022).",
        ),
        (
            {"review_requested": "20 February 2022"},
            "A review is of an answer already given (internal review requested 20/02/2022).",
        ),
        (
            {"review_requested": "1 March 2022", "review_completed": "28 February 2022"},
            "A review is completed after it is requested (internal review completed 28/02/2022).",
        ),
        (
            {"clarification_asked": "10 February 2022", "clarification_answered": "9 Feb 2022"},
            "A clarification is answered after it is asked (clarification answered 09/02/2022).",
        ),
        (
            {"clarification_answered": "9 February 2022"},
            "The clarification answered on 09/02/2022 has no date it was asked for: a "
            "clarification is recorded from the day it was asked.",
        ),
    ],
)
def test_a_row_that_breaks_the_models_rules_is_an_error_saying_which(values, message):
    report = check([handling_row("H-1", **values), handling_row("H-2")], HANDLING_HEADINGS)
    assert report.errors == [f"Row 2 (H-1): {message}"]
    assert report.counts[Action.CREATE] == 1


def test_an_update_is_checked_with_what_the_log_holds_of_the_columns_the_file_has_not():
    DisclosureFactory(
        reference="H-1",
        response_date=datetime.date(2022, 2, 24),
        review_requested=datetime.date(2022, 3, 10),
    )
    headings = ["Reference", "Title", "Review Completed"]
    report = check([["H-1", "Drones", "1 March 2022"]], headings)
    assert report.errors == [
        "Row 2 (H-1): A review is completed after it is requested "
        "(internal review completed 01/03/2022)."
    ]


# Rows of one reference ---------------------------------------------------------------------


def test_rows_of_one_reference_are_one_entry_with_their_keywords_and_exemptions():
    rows = [
        log_row("D-1", keywords="Drones", exemptions="s40(2)"),
        log_row("D-2"),
        log_row("D-1", keywords="Air support", exemptions="s31(1)(a)", response=""),
    ]
    report = check(rows)
    assert report.counts[Action.CREATE] == 3  # rows: D-1 twice and D-2
    assert {row.number: row.messages for row in report.rows}[4] == ["Joined to row 2."]
    assert report.new_keywords == ["Air support", "Algorithms", "Drones", "Predictive policing"]
    assert not report.has_errors


def test_rows_of_one_reference_that_disagree_are_an_error_naming_both():
    report = check([log_row("D-1"), log_row("D-2"), log_row("D-1", title="Another title")])
    assert [(row.number, row.action) for row in report.error_rows] == [
        (2, Action.ERROR),
        (4, Action.ERROR),
    ]
    assert report.error_rows[0].messages == [
        "Rows 2 and 4 have reference 'D-1' but different titles: 'Predictive Policing' and "
        "'Another title'."
    ]
    assert report.error_rows[1].messages == [
        "Row 2, of the same reference, has errors: they are imported together."
    ]


def test_an_error_in_a_later_row_of_a_reference_refuses_them_all_naming_the_row():
    report = check([log_row("D-1"), log_row("D-1", outcome="Sort of")])
    assert [row.number for row in report.error_rows] == [2, 3]
    assert report.error_rows[0].messages == ["Row 3: Unknown outcome 'Sort of'."]


def test_rows_of_one_reference_that_disagree_on_a_review_are_an_error_naming_both():
    rows = [
        handling_row("D-1", review_outcome="Upheld"),
        handling_row("D-1", review_outcome="Reversed"),
    ]
    report = check(rows, HANDLING_HEADINGS)
    assert report.error_rows[0].messages == [
        "Rows 2 and 3 have reference 'D-1' but different internal review outcomes: 'upheld' "
        "and 'overturned'."
    ]


def test_a_row_that_lacks_what_another_holds_takes_it():
    report = check([log_row("D-1", request="", outcome=""), log_row("D-1", exemptions="s40(2)")])
    assert report.counts[Action.CREATE] == 2 and not report.has_errors
    assert dict(report.preview[0].values)["request"] == ""


# Against the log ---------------------------------------------------------------------------


def test_dry_run_writes_nothing_and_says_what_would_happen():
    DisclosureFactory(reference="16495", title="Old title")
    report = check([log_row(), log_row("NEW-1")])
    assert [row.action for row in report.rows] == [Action.UPDATE, Action.CREATE]
    assert (
        report.rows[0].messages[0]
        == "Changes title, request, outcome, response date, response and keywords."
    )
    assert report.summary() == "1 to create, 1 to update, 0 unchanged, 0 left out, 0 with errors"
    assert Disclosure.objects.get().title == "Old title"


def test_updates_can_be_refused_to_staff_who_may_only_add():
    DisclosureFactory(reference="16495", title="Old title")
    report = check([log_row(), log_row("NEW-1")], update_existing=False)
    assert [row.action for row in report.rows] == [Action.ERROR, Action.CREATE]
    assert "may not change existing disclosures" in report.errors[0]


def test_the_first_rows_are_previewed_as_they_would_be_imported():
    report = check([log_row(outcome="Part disclosed", exemptions="s40(2); s43(2)")])
    preview = report.preview[0]
    assert preview.number == 2
    assert dict(preview.values) == {
        "reference": "16495",
        "title": "Predictive Policing",
        "request": "Does the force use any predictive policing programme?",
        "outcome": "Granted in part",
        "exemptions": "2 cited",
        "response date": "2022-02-24",
        "response": "The force does not hold information relating to your request.",
        "keywords": "Predictive policing, Algorithms",
    }


def test_the_preview_shows_the_handling_as_it_would_be_imported():
    row = handling_row(
        review_outcome="Upheld in part",
        commissioner_outcome="Withdrawn",
        clarification_asked="7 Feb 2022",
        clarification_answered="9 Feb 2022",
    )
    preview = dict(check([row], HANDLING_HEADINGS).preview[0].values)
    assert preview["internal review outcome"] == "Upheld in part"
    assert preview["commissioner outcome"] == "Closed without a decision notice"
    assert (preview["clarification asked"], preview["clarification answered"]) == (
        "2022-02-07",
        "2022-02-09",
    )
    assert preview["internal review requested"] == ""


def test_a_long_files_report_can_keep_only_the_rows_with_something_to_say():
    rows = [log_row(f"A-{n}") for n in range(5)] + [log_row("B-1", outcome="Sort of")]
    report = check(rows, keep_rows=False)
    assert [row.reference for row in report.rows] == ["B-1"]
    assert report.counts[Action.CREATE] == 5


def test_checking_makes_as_many_queries_whatever_the_rows(django_assert_max_num_queries):
    rows = [
        log_row(f"Q-{n}", exemptions="s40(2), s31(1)(a)", keywords=f"Topic {n}") for n in range(300)
    ]
    log = read_log(csv_bytes(rows), "log.csv")
    # legislation, exemptions, keywords, and the log's entries for each chunk
    with django_assert_max_num_queries(6):
        report = imports.dry_run(log)
    assert report.counts[Action.CREATE] == 300
