from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from disclosures.models import Disclosure
from tests.log_files import csv_bytes, log_row, xlsx_bytes

pytestmark = pytest.mark.django_db


def run(path, *args, verbosity=1, out=None):
    out, err = out or StringIO(), StringIO()
    call_command("import_log", str(path), *args, verbosity=verbosity, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def good_log(tmp_path):
    path = tmp_path / "log.csv"
    path.write_bytes(csv_bytes([log_row("C-1"), log_row("C-2", outcome="Granted in full")]))
    return path


@pytest.fixture
def bad_log(tmp_path):
    path = tmp_path / "log.csv"
    rows = [log_row("C-1"), log_row("C-2", date="30/02/2022"), log_row("C-3", outcome="Maybe")]
    path.write_bytes(csv_bytes(rows))
    return path


def test_dry_run_writes_nothing(good_log):
    out, _ = run(good_log, "--dry-run")
    assert "Dry run of log.csv: 2 to create, 0 to update" in out
    assert not Disclosure.objects.exists()


def test_import_publishes_and_reports(good_log):
    out, _ = run(good_log)
    assert "Imported log.csv: 2 created, 0 updated, 0 unchanged, 0 with errors." in out
    assert Disclosure.objects.public().count() == 2


def test_draft_option(good_log):
    run(good_log, "--draft")
    assert set(Disclosure.objects.values_list("status", flat=True)) == {"draft"}


def test_errors_exit_with_status_1_and_list_every_bad_row(bad_log):
    with pytest.raises(CommandError, match="2 of 3 rows have errors: nothing was imported") as e:
        run(bad_log)
    assert e.value.returncode == 1
    assert not Disclosure.objects.exists()


def test_error_rows_are_printed_with_their_numbers(bad_log):
    out = StringIO()
    with pytest.raises(CommandError):
        run(bad_log, out=out)
    assert "Row 3 (C-2): Response date '30/02/2022' is not a date" in out.getvalue()
    assert "Row 4 (C-3): Unknown outcome 'Maybe'" in out.getvalue()


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


def test_long_files_show_progress_on_stderr(tmp_path):
    path = tmp_path / "log.csv"
    path.write_bytes(csv_bytes([log_row(f"L-{n}") for n in range(1000)]))
    _, err = run(path, "--dry-run")
    assert "1,000 rows, checking" in err
    assert "100%" in err


def test_unreadable_file_is_a_command_error(tmp_path):
    path = tmp_path / "log.csv"
    path.write_bytes(csv_bytes([["1", "Title"]], ["Reference", "Title"]))
    with pytest.raises(CommandError, match="no column for the outcome and response date"):
        run(path)
    with pytest.raises(CommandError, match="Cannot read"):
        run(tmp_path / "missing.csv")
