"""``manage.py import_log``: the options, the report, and the four kinds of real log
imported unedited."""

import datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from disclosures.models import Disclosure, Exemption, Legislation, Outcome, ReviewOutcome
from tests.log_files import (
    AGENCY_HEADINGS,
    AGENCY_ROWS,
    COUNCIL_HEADINGS,
    COUNCIL_ROWS,
    HANDLING_HEADINGS,
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


def run(path, *args, verbosity=1):
    out, err = StringIO(), StringIO()
    call_command("import_log", str(path), *args, verbosity=verbosity, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def failing(path, *args, verbosity=1):
    out = StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("import_log", str(path), *args, verbosity=verbosity, stdout=out)
    return str(raised.value), out.getvalue()


def write(tmp_path, rows, headings=None, name="log.csv"):
    path = tmp_path / name
    path.write_bytes(csv_bytes(rows, headings) if headings else csv_bytes(rows))
    return path


@pytest.fixture
def good_log(tmp_path):
    return write(tmp_path, [log_row("C-1"), log_row("C-2", outcome="Granted in full")])


@pytest.fixture
def bad_log(tmp_path):
    rows = [log_row("C-1"), log_row("C-2", date="30/02/2022"), log_row("C-3", outcome="Maybe")]
    return write(tmp_path, rows)


def test_dry_run_writes_nothing(good_log):
    out, _ = run(good_log, "--dry-run")
    assert "Dry run of log.csv: 2 to create, 0 to update" in out
    assert not Disclosure.objects.exists()


def test_import_publishes_and_reports(good_log):
    out, _ = run(good_log)
    assert "Imported log.csv: 2 created, 0 updated, 0 unchanged, 0 left out, 0 with errors." in out
    assert Disclosure.objects.public().count() == 2


def test_draft_option(good_log):
    run(good_log, "--draft")
    assert set(Disclosure.objects.values_list("status", flat=True)) == {"draft"}


def test_errors_exit_with_status_1_and_nothing_is_imported(bad_log):
    message, _ = failing(bad_log)
    assert message == "2 of 3 rows have errors: nothing was imported."
    assert not Disclosure.objects.exists()


def test_the_report_begins_with_the_summary_then_the_rows(bad_log):
    _, out = failing(bad_log, "--dry-run")
    assert out.index("Columns: reference ← 'Reference'") < out.index("Values not understood")
    assert "  Outcome: 'Maybe'  1 row, first row 4: Unknown outcome 'Maybe'." in out
    assert "  Date: '30/02/2022'  1 row, first row 3:" in out
    assert out.index("Values not understood") < out.index("Row 3 (C-2): Response date '30/02/2022'")
    assert "Row 4 (C-3): Unknown outcome 'Maybe'." in out


def test_the_summary_counts_a_wording_once_with_its_first_row(tmp_path):
    path = write(tmp_path, [log_row(f"S-{n}", outcome="Sort of") for n in range(40)])
    _, out = failing(path, "--dry-run")
    assert out.count("'Sort of'  40 rows, first row 2: Unknown outcome 'Sort of'.") == 1


def test_verbosity_2_lists_every_row(good_log):
    out, _ = run(good_log, "--dry-run", verbosity=2)
    assert "Row 2  C-1  create" in out
    assert "Row 3  C-2  create" in out


def test_reimport_is_unchanged(good_log):
    run(good_log)
    out, _ = run(good_log)
    assert "0 created, 0 updated, 2 unchanged" in out


def test_xlsx_sheet_option(tmp_path):
    path = tmp_path / "log.xlsx"
    path.write_bytes(xlsx_bytes([log_row("X-1")], title="2022", before=[("2021", "visible")]))
    run(path, "--sheet", "2022")
    assert list(Disclosure.objects.values_list("reference", flat=True)) == ["X-1"]


def test_long_files_show_progress_on_stderr(tmp_path, monkeypatch):
    monkeypatch.setattr("disclosures.management.commands.import_log.LONG_FILE", 1000)
    path = write(tmp_path, [log_row(f"L-{n}") for n in range(1000)])
    _, err = run(path, "--dry-run")
    assert "  reading: 100%" in err
    assert "  checking: 500 of 1,000 rows" in err and "  checking: 1,000 of 1,000 rows" in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--map", "Title"], "--map takes \"Heading=value\", not 'Title'"),
        (["--map", "Nowhere=title"], "no column 'Nowhere'"),
        (["--outcome", "Maybe=perhaps"], "'Maybe' is to be read as 'perhaps'"),
    ],
)
def test_options_that_cannot_be_followed_are_command_errors(good_log, args, message):
    error, _ = failing(good_log, *args)
    assert message in error


def test_unreadable_file_is_a_command_error(tmp_path):
    path = write(tmp_path, [["1", "x"]], ["Reference", "Notes"])
    assert "no column for the title" in failing(path)[0]
    assert "Cannot read missing.csv" in failing(tmp_path / "missing.csv")[0]


def test_map_and_outcome_options(tmp_path):
    headings = ["Case", "Query", "Decision", "Decision notes", "When"]
    path = write(tmp_path, [["C-1", "Drones", "Sort of", "see file", "2022-03-01"]], headings)
    out, _ = run(
        path,
        "--map",
        "Case=reference",
        "--map",
        "Query=title",
        "--map",
        "Decision notes=",
        "--map",
        "When=response-date",
        "--outcome",
        "Sort of=granted-in-part",
    )
    assert "Ignored: Decision notes" in out
    disclosure = Disclosure.objects.get()
    assert (disclosure.reference, disclosure.outcome) == ("C-1", Outcome.PARTIAL)
    assert disclosure.response_date == datetime.date(2022, 3, 1)


def test_map_takes_the_handling_fields_by_name(tmp_path):
    headings = ["Case", "Query", "When", "Asked", "Answered", "Appeal", "Appeal result"]
    rows = [["C-1", "Drones", "2022-03-01", "2022-02-07", "2022-02-09", "2022-03-02", "Reversed"]]
    run(
        write(tmp_path, rows, headings),
        *("--map", "Case=reference", "--map", "Query=title", "--map", "When=response-date"),
        *("--map", "Asked=clarification-asked", "--map", "Answered=clarification answered"),
        *("--map", "Appeal=review_requested", "--map", "Appeal result=review-outcome"),
    )
    disclosure = Disclosure.objects.get()
    assert list(disclosure.clarifications.values_list("asked", "answered")) == [
        (datetime.date(2022, 2, 7), datetime.date(2022, 2, 9))
    ]
    assert disclosure.review_requested == datetime.date(2022, 3, 2)
    assert disclosure.review_outcome == ReviewOutcome.OVERTURNED


def test_an_unknown_review_wording_is_in_the_summary_and_nothing_is_imported(tmp_path):
    rows = [handling_row("C-1", review_outcome="Upheld with advice"), handling_row("C-2")]
    message, out = failing(write(tmp_path, rows, HANDLING_HEADINGS))
    assert "1 of 2 rows have errors: nothing was imported." in message
    assert "Unknown internal review outcome 'Upheld with advice'." in out
    assert not Disclosure.objects.exists()


def test_skip_invalid_writes_the_refused_rows_beside_the_file(bad_log):
    out, _ = run(bad_log, "--skip-invalid")
    assert "Imported log.csv: 1 created, 0 updated, 0 unchanged, 0 left out, 2 refused." in out
    refused = bad_log.with_name("log-refused.csv")
    assert f"The refused rows, each with its reason, are in {refused}" in out
    assert refused.read_text(encoding="utf-8-sig").count("\n") == 3
    assert list(Disclosure.objects.values_list("reference", flat=True)) == ["C-1"]


def test_skip_invalid_writes_where_it_is_told(bad_log, tmp_path):
    run(bad_log, "--skip-invalid", "--refused-file", str(tmp_path / "to-fix.csv"))
    assert (tmp_path / "to-fix.csv").exists()


# Four kinds of real log, imported unedited -------------------------------------------------


def test_a_district_councils_log_with_whatdotheyknow_states(tmp_path):
    path = write(tmp_path, COUNCIL_ROWS, COUNCIL_HEADINGS)
    out, _ = run(path)
    assert "Ignored: Authority Name, Request URL" in out
    assert "Imported log.csv: 4 created, 0 updated, 0 unchanged, 2 left out, 0 with errors." in out
    assert Disclosure.objects.get(reference="FOIR-2101").outcome == Outcome.GRANTED
    fines = Disclosure.objects.get(reference="FOIR-2102")
    assert (fines.outcome, [e.code for e in fines.exemptions.all()]) == (Outcome.PARTIAL, ["s43"])
    names = Disclosure.objects.get(reference="FOIR-2103")
    assert sorted(e.code for e in names.exemptions.all()) == ["s40", "s40(2)"]
    assert names.received_date == datetime.date(2021, 1, 13)
    assert list(names.keywords.values_list("name", flat=True)) == ["Staff"]
    assert not Disclosure.objects.filter(reference__in=["FOIR-2105", "FOIR-2106"]).exists()


def test_a_scottish_councils_log(tmp_path, settings):
    settings.AUTHORITY_LEGISLATION = "foisa"
    out, _ = run(write(tmp_path, SCOTTISH_ROWS, SCOTTISH_HEADINGS))
    assert "5 created, 0 updated, 0 unchanged, 0 left out, 0 with errors" in out
    assert "s18 is not an exemption: ignored." in out
    assert Disclosure.objects.count() == 4


def test_a_federal_agencys_log_month_first_with_its_own_codes_set_aside(tmp_path):
    path = write(tmp_path, AGENCY_ROWS, AGENCY_HEADINGS)
    _, out = failing(path, "--dry-run")
    assert "Dates in 'Date Closed' are read month first: row 2 has 10/13/2011." in out
    assert "Dates in 'Requested Date' could all be read day first or month first" in out
    out, _ = run(path, "--dates", "month-first", "--map", "Exemptions=")
    assert "3 created, 0 updated, 0 unchanged, 1 left out, 0 with errors" in out
    contracts = Disclosure.objects.get(reference="2011-FOIA-0001")
    assert contracts.received_date == datetime.date(2011, 10, 3)
    assert contracts.response_date == datetime.date(2011, 10, 13)
    # The column set aside is kept with the entry's row.
    emails = Disclosure.objects.get(reference="2011-FOIA-0002")
    assert ["Exemptions", "(b)(6); (b)(7)(C)"] in emails.imported_row["rows"][0]["cells"]
    assert emails.outcome == Outcome.PARTIAL


def test_a_federal_agencys_codes_read_once_its_legislation_is_added(tmp_path):
    us = Legislation.objects.create(code="usfoia", abbreviation="5 USC 552", name="FOIA (US)")
    for code in ("(b)(6)", "(b)(7)(C)"):
        Exemption.objects.create(legislation=us, code=code, name="Privacy", kind="qualified")
    run(write(tmp_path, AGENCY_ROWS, AGENCY_HEADINGS), "--dates", "month-first")
    emails = Disclosure.objects.get(reference="2011-FOIA-0002")
    assert sorted(e.code for e in emails.exemptions.all()) == ["(b)(6)", "(b)(7)(C)"]


def test_an_index_of_a_log(tmp_path):
    out, _ = run(write(tmp_path, INDEX_ROWS, INDEX_HEADINGS))
    assert "No column holds the outcome: new entries' outcome is not recorded." in out
    assert "3 created" in out
    assert set(Disclosure.objects.values_list("outcome", flat=True)) == {Outcome.NOT_RECORDED}
