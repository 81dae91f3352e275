"""`manage.py check_document`: prints findings per file and exits 1 when there are any."""

import io

import openpyxl
import pytest
from django.core.management import call_command


def run(*paths) -> tuple[int, str, str]:
    """Run the command; return (exit status, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("check_document", *[str(p) for p in paths], stdout=out, stderr=err)
    except SystemExit as exit_:
        return int(exit_.code or 0), out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


@pytest.fixture
def clean_csv(tmp_path):
    path = tmp_path / "figures.csv"
    path.write_bytes(b"Month,Searches\nJanuary,120\nFebruary,98\n")
    return path


@pytest.fixture
def workbook_with_hidden_sheet(tmp_path):
    wb = openpyxl.Workbook()
    wb.active.append(["Month", "Searches"])
    staff = wb.create_sheet("Staff")
    staff.append(["PC 1234", "John Smith"])
    staff.sheet_state = "veryHidden"
    path = tmp_path / "figures.xlsx"
    wb.save(path)
    return path


def test_clean_file_prints_no_findings_and_exits_zero(clean_csv):
    status, out, _ = run(clean_csv)

    assert status == 0
    assert out.strip() == f"{clean_csv}: no findings"


def test_file_with_findings_prints_each_and_exits_one(workbook_with_hidden_sheet):
    status, out, _ = run(workbook_with_hidden_sheet)

    assert status == 1
    assert out.startswith(f"{workbook_with_hidden_sheet}: [very-hidden-sheet] sheet 'Staff': ")


def test_any_file_with_findings_makes_the_whole_run_exit_one(clean_csv, workbook_with_hidden_sheet):
    status, out, _ = run(clean_csv, workbook_with_hidden_sheet)

    assert status == 1
    assert f"{clean_csv}: no findings" in out
    assert "[very-hidden-sheet]" in out


def test_finding_without_location_is_printed_without_one(tmp_path):
    path = tmp_path / "photo.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 32)

    status, out, _ = run(path)

    assert status == 1
    assert out.startswith(f"{path}: [unsupported-type]: ")


def test_missing_file_is_an_error_and_exits_one(tmp_path, clean_csv):
    missing = tmp_path / "nowhere.pdf"

    status, out, err = run(missing, clean_csv)

    assert status == 1
    assert f"{missing}: cannot read file" in err
    assert f"{clean_csv}: no findings" in out
