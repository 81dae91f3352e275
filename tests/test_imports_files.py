"""Reading log files a row at a time, and the file of refused rows
(disclosures/imports/files.py)."""

import csv
import datetime
import io

import pytest

from disclosures.imports import LogFileError, read_log
from disclosures.imports.files import REFUSAL_HEADING, RefusedRows, cell_text
from tests.log_files import HEADINGS, csv_bytes, log_row, xlsx_bytes, xlsx_zip_bomb


def cells(log, heading: str) -> list:
    index = log.headings.index(heading)
    return [row.cells[index] for row in log.rows()]


def test_csv_with_byte_order_mark():
    log = read_log(b"\xef\xbb\xbf" + csv_bytes([log_row()]), "log.csv")
    assert log.headings == list(HEADINGS)
    assert cells(log, "Reference") == ["16495"]


def test_csv_with_semicolons_and_windows_1252():
    rows = [log_row(title="Café licences; overtime £", request="Costs, please; all of them")]
    log = read_log(csv_bytes(rows, delimiter=";", encoding="cp1252"), "log.csv")
    assert cells(log, "Title") == ["Café licences; overtime £"]
    assert cells(log, "Request") == ["Costs, please; all of them"]


def test_title_rows_above_the_headings_are_skipped():
    data = b"Example Constabulary disclosure log\n\n" + csv_bytes([log_row()])
    log = read_log(data, "log.csv")
    assert log.heading_row == 3
    assert [row.number for row in log.rows()] == [4]


def test_headings_named_on_the_command_line_find_the_heading_row():
    data = b"Our log\nFOIR,Query,When\nA-1,Bins,2022-01-01\n"
    assert read_log(data, "log.csv").heading_row == 1
    log = read_log(data, "log.csv", columns={"Query": "title", "When": "response-date"})
    assert (log.heading_row, log.headings) == (2, ["FOIR", "Query", "When"])


def test_row_numbers_count_records_not_lines():
    rows = [log_row("A1", request="Line one\nLine two"), log_row("A2")]
    assert [row.number for row in read_log(csv_bytes(rows), "log.csv").rows()] == [2, 3]


def test_a_heading_written_twice_keeps_both_columns():
    log = read_log(b"Reference,Title,Notes,Notes\n1,A,x,y\n", "log.csv")
    assert log.headings == ["Reference", "Title", "Notes", "Notes (4)"]


def test_cells_beyond_the_last_heading_are_kept_with_the_row():
    log = read_log(b"Reference,Title,Date\n1,A,2022-01-01,stray note\n", "log.csv")
    row = next(log.rows())
    assert log.named_cells(row) == [
        ("Reference", "1"),
        ("Title", "A"),
        ("Date", "2022-01-01"),
        ("Column 4", "stray note"),
    ]


def test_a_cell_longer_than_the_csv_modules_limit_is_read():
    log = read_log(csv_bytes([log_row(response="x" * 200_000)]), "log.csv")
    assert len(cells(log, "Response")[0]) == 200_000


def test_a_file_is_read_again_from_the_top_each_time(tmp_path):
    path = tmp_path / "log.csv"
    path.write_bytes(csv_bytes([log_row(f"R-{n}") for n in range(3)]))
    log = read_log(path)
    assert log.filename == "log.csv" and log.size == path.stat().st_size
    assert cells(log, "Reference") == cells(log, "Reference") == ["R-0", "R-1", "R-2"]


def test_progress_reads_the_bytes_of_a_csv():
    log = read_log(csv_bytes([log_row(f"R-{n}") for n in range(2500)]), "log.csv")
    seen = []
    for _ in log.rows(lambda done, total: seen.append((done, total))):
        pass
    assert seen[-1] == (log.size, log.size)
    assert [done for done, _ in seen] == sorted(done for done, _ in seen)
    assert len(seen) == 3


def test_xlsx_reads_the_first_visible_sheet_with_excel_cells():
    rows = [log_row("X1", date=datetime.datetime(2022, 2, 24)), log_row(16496.0)]
    log = read_log(xlsx_bytes(rows, before=[("Old log", "hidden")]), "log.xlsx")
    assert log.sheet == "Disclosure log"
    assert cells(log, "Reference") == ["X1", 16496]
    assert cells(log, "Date")[0] == datetime.datetime(2022, 2, 24)


def test_xlsx_named_sheet():
    data = xlsx_bytes([log_row()], before=[("Old log", "visible")])
    assert [row.number for row in read_log(data, "log.xlsx", sheet="Disclosure log").rows()] == [2]
    with pytest.raises(LogFileError, match="'Old log', 'Disclosure log'"):
        read_log(data, "log.xlsx", sheet="2023")


@pytest.mark.parametrize(
    ("data", "filename", "message"),
    [
        (b"", "log.csv", "empty"),
        (b"PK\x03\x04not a zip", "log.xlsx", "not a readable .xlsx"),
        (b"\xd0\xcf\x11\xe0", "log.xls", "Old Excel files"),
        (b"Reference,Title\n1,\x00\n", "log.csv", "NUL bytes"),
        (b"Reference,Title\n1,\x81\x8d\x90\n", "log.csv", "neither UTF-8 nor Windows-1252"),
        (b"\n\n", "log.csv", "holds no rows"),
    ],
)
def test_unreadable_files_are_refused(data, filename, message):
    with pytest.raises(LogFileError, match=message):
        read_log(data, filename)


def test_a_missing_file_is_refused(tmp_path):
    with pytest.raises(LogFileError, match="Cannot read missing.csv"):
        read_log(tmp_path / "missing.csv")


def test_a_workbook_that_expands_like_a_zip_bomb_is_refused_unread(monkeypatch):
    # A few kilobytes holding one cell of 12 MB: refused by the document checks' guard
    # before openpyxl reads the cell.
    data = xlsx_zip_bomb()
    assert len(data) < 100_000

    def never(*args, **kwargs):
        raise AssertionError("openpyxl opened a zip bomb")

    monkeypatch.setattr("openpyxl.load_workbook", never)
    with pytest.raises(LogFileError, match="zip bomb"):
        read_log(data, "log.xlsx")


def test_cells_as_text():
    assert cell_text(16496.0) == "16496"
    assert cell_text(datetime.datetime(2022, 2, 24)) == "2022-02-24"
    assert cell_text(" a\r\nb ") == "a\nb"
    assert cell_text(None) == ""


def test_refused_rows_are_written_as_the_file_had_them_with_why(tmp_path):
    log = read_log(csv_bytes([log_row("A-1"), log_row("A-2", title="Café")]), "log.csv")
    refused = RefusedRows(tmp_path / "refused.csv", log.headings)
    rows = list(log.rows())
    refused.add(rows[1], log.headings, ["The title is too short.", "And wrong."])
    refused.close()
    text = (tmp_path / "refused.csv").read_text(encoding="utf-8-sig")
    written = list(csv.DictReader(io.StringIO(text)))
    assert [row["Reference"] for row in written] == ["A-2"]
    assert written[0]["Title"] == "Café"
    assert written[0][REFUSAL_HEADING] == "The title is too short. And wrong."
    # It reads back as the log it came from.
    assert read_log(tmp_path / "refused.csv").headings == [*HEADINGS, REFUSAL_HEADING]


def test_no_refused_file_is_made_when_nothing_is_refused(tmp_path):
    refused = RefusedRows(tmp_path / "refused.csv", HEADINGS)
    refused.close()
    assert not (tmp_path / "refused.csv").exists() and refused.count == 0
