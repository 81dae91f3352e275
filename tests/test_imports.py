import datetime
import zoneinfo

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile

from disclosures import imports
from disclosures.imports import Action, LogFileError, read_log
from disclosures.models import Change, Disclosure, Exemption, Keyword, Outcome
from tests.factories import DisclosureFactory, KeywordFactory
from tests.log_files import HEADINGS, csv_bytes, log_row, xlsx_bytes, xlsx_zip_bomb

UK = zoneinfo.ZoneInfo("Europe/London")


@pytest.fixture
def exemption_index(db):
    return imports.ExemptionIndex.load()


def codes(value, index):
    pks, _ = imports.parse_exemptions(value, index)
    by_pk = dict(Exemption.objects.values_list("pk", "code"))
    return [by_pk[pk] for pk in pks]


def run_import(rows, **kwargs):
    return imports.import_log(read_log(csv_bytes(rows), "log.csv"), **kwargs)


# Dates -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "24 February 2022",
        "24 Feb 2022",
        "24th February 2022",
        "24/02/2022",
        "24-02-2022",
        "2022-02-24",
        " 24 february 2022 ",
        "Thursday 24 February 2022",
        "24-Feb-22",
        "24.02.22",
        "2022-02-24 00:00:00",
        "24/02/2022 10:30",
        datetime.datetime(2022, 2, 24, 0, 0),
        datetime.date(2022, 2, 24),
    ],
)
def test_dates_are_read_in_every_form_logs_use(value):
    assert imports.parse_date(value) == datetime.date(2022, 2, 24)


def test_slashed_dates_are_day_first():
    assert imports.parse_date("03/04/2022") == datetime.date(2022, 4, 3)


@pytest.mark.parametrize(
    "value", ["2022-02-30", "30/02/2022", "02/24/2022", "last Tuesday", "", "24 Febtember 2022"]
)
def test_impossible_or_unreadable_dates_are_refused(value):
    with pytest.raises(ValueError):
        imports.parse_date(value)


def test_future_dates_are_refused_as_typing_errors():
    with pytest.raises(ValueError, match="future"):
        imports.parse_date(datetime.date.today() + datetime.timedelta(days=2))


# Outcomes ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "outcome"),
    [
        ("Granted in full", Outcome.GRANTED),
        ("Full disclosure", Outcome.GRANTED),
        ("Information disclosed", Outcome.GRANTED),
        ("All information supplied", Outcome.GRANTED),
        ("Partial disclosure", Outcome.PARTIAL),
        ("Information Partially Disclosed", Outcome.PARTIAL),
        ("Part disclosed", Outcome.PARTIAL),
        ("Granted in part", Outcome.PARTIAL),
        ("No Information Held", Outcome.NOT_HELD),
        ("Not held", Outcome.NOT_HELD),
        ("Information not held", Outcome.NOT_HELD),
        ("Refused", Outcome.REFUSED),
        ("Exempt", Outcome.REFUSED),
        ("Information Withheld", Outcome.REFUSED),
        ("Refused in full", Outcome.REFUSED),
        ("Section 12", Outcome.COST_LIMIT),
        ("S.12", Outcome.COST_LIMIT),
        ("Cost limit", Outcome.COST_LIMIT),
        ("Exceeds cost", Outcome.COST_LIMIT),
        ("Refused - cost", Outcome.COST_LIMIT),
        ("Section 14", Outcome.VEXATIOUS),
        ("Vexatious", Outcome.VEXATIOUS),
        ("Repeated request", Outcome.VEXATIOUS),
        ("NCND", Outcome.NCND),
        ("Neither confirm nor deny", Outcome.NCND),
        ("granted-in-part", Outcome.PARTIAL),
        ("refused-cost-limit", Outcome.COST_LIMIT),
        ("neither-confirm-nor-deny", Outcome.NCND),
        ("Refused – vexatious or repeated (s14)", Outcome.VEXATIOUS),
    ],
)
def test_outcome_wordings_real_logs_use(value, outcome):
    assert imports.parse_outcome(value) == outcome


def test_unknown_outcome_is_named_in_the_error():
    with pytest.raises(ValueError, match="'Sort of'"):
        imports.parse_outcome("Sort of")


# Exemptions --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Section 31(1)(a) and Section 40(2)", ["s31(1)(a)", "s40(2)"]),
        ("S.40(2), S.31(1)(a)", ["s40(2)", "s31(1)(a)"]),
        ("s40(2); s43(2)", ["s40(2)", "s43(2)"]),
        ("Sections 23(5), 24(2)", ["s23(5)", "s24(2)"]),
        ("40(2)", ["s40(2)"]),
        ("Regulation 12(4)(b)", ["reg 12(4)(b)"]),
        ("reg 13", ["reg 13"]),
        ("Regulations 12(5)(e) and 13", ["reg 12(5)(e)", "reg 13"]),
        ("S40 (2) Personal Information", ["s40(2)"]),
        ("Section 43(2) - Commercial interests (2 documents)", ["s43(2)"]),
        ("Section 21", ["s21"]),
        ("Section 42", ["s42(1)"]),
        ("s22A", ["s22A"]),
        ("s40(2), s40(2)", ["s40(2)"]),
    ],
)
def test_exemption_citations_real_logs_use(value, expected, exemption_index):
    assert codes(value, exemption_index) == expected


@pytest.mark.parametrize("value", ["N/A", "None", "-", "", None, "n/a"])
def test_no_exemption(value, exemption_index):
    assert imports.parse_exemptions(value, exemption_index) == ([], [])


def test_bare_section_with_several_subsections_lists_them(exemption_index):
    with pytest.raises(ValueError, match=r"s40\(1\), s40\(2\) or s40\(5\)"):
        imports.parse_exemptions("Section 40", exemption_index)


@pytest.mark.parametrize("value", ["s99(1)", "Personal data", "Section 31(1)(z)"])
def test_unknown_exemption_is_an_error(value, exemption_index):
    with pytest.raises(ValueError):
        imports.parse_exemptions(value, exemption_index)


def test_cost_limit_section_in_exemptions_column_is_noted_not_cited(exemption_index):
    pks, notes = imports.parse_exemptions("Section 12", exemption_index)
    assert pks == []
    assert notes == ["s12 is not an exemption: ignored."]


# Keywords ----------------------------------------------------------------------------------


def test_keywords_split_on_commas_and_semicolons():
    assert imports.parse_keywords(" Drones; Body-worn video,Taser , drones,, ") == [
        "Drones",
        "Body-worn video",
        "Taser",
    ]


def test_seed_page_keyword_list_is_read():
    keywords = imports.parse_keywords("Predictive, Policing, Data, Pre-crime, Rehabilitation.")
    assert keywords == ["Predictive", "Policing", "Data", "Pre-crime", "Rehabilitation"]


# Reading files -----------------------------------------------------------------------------


def test_csv_with_byte_order_mark():
    log = read_log(b"\xef\xbb\xbf" + csv_bytes([log_row()]), "log.csv")
    assert log.columns["reference"] == "Reference"
    assert log.value(log.rows[0], "reference") == "16495"


def test_csv_with_semicolons_and_windows_1252():
    rows = [log_row(title="Café licences; overtime £", request="Costs, please; all of them")]
    log = read_log(csv_bytes(rows, delimiter=";", encoding="cp1252"), "log.csv")
    assert log.value(log.rows[0], "title") == "Café licences; overtime £"
    assert log.value(log.rows[0], "request_text") == "Costs, please; all of them"


def test_headings_are_matched_ignoring_case_spaces_and_punctuation():
    headings = [
        "FOI Reference",
        "Request Title",
        "Information requested",
        "RESPONSE TYPE",
        "Exemptions applied",
        "Date of response",
        "Response narrative",
        "Tags",
    ]
    log = read_log(csv_bytes([log_row()], headings), "log.csv")
    assert set(log.columns) == {
        "reference",
        "title",
        "request_text",
        "outcome",
        "exemptions",
        "response_date",
        "response_narrative",
        "keywords",
    }


def test_unknown_columns_are_reported_once(db):
    headings = [*HEADINGS, "Officer", "Notes"]
    rows = [[*log_row("A1"), "Jo", "x"], [*log_row("A2"), "Sam", "y"]]
    report = imports.dry_run(read_log(csv_bytes(rows, headings), "log.csv"))
    assert report.unknown_columns == ["Officer", "Notes"]
    assert not report.has_errors


def test_a_missing_required_column_stops_the_file():
    headings = ["Reference", "Title", "Request", "Outcome"]
    with pytest.raises(LogFileError, match="response date"):
        read_log(csv_bytes([log_row()[:4]], headings), "log.csv")


def test_title_rows_above_the_headings_are_skipped():
    data = b"Example Constabulary disclosure log\n\n" + csv_bytes([log_row()])
    log = read_log(data, "log.csv")
    assert log.rows[0].number == 4
    assert log.value(log.rows[0], "reference") == "16495"


def test_row_numbers_count_records_not_lines(db):
    rows = [log_row("A1", request="Line one\nLine two"), log_row("A2", outcome="Maybe")]
    report = imports.dry_run(read_log(csv_bytes(rows), "log.csv"))
    assert [row.number for row in report.error_rows] == [3]


def test_xlsx_reads_the_first_visible_sheet_with_excel_dates(db):
    rows = [log_row("X1", date=datetime.datetime(2022, 2, 24)), log_row(16496.0)]
    data = xlsx_bytes(rows, before=[("Old log", "hidden")])
    log = read_log(data, "log.xlsx")
    assert log.sheet == "Disclosure log"
    assert [log.value(row, "reference") for row in log.rows] == ["X1", 16496.0]
    report = imports.import_log(log)
    assert report.counts[Action.CREATE] == 2
    assert Disclosure.objects.get(reference="X1").response_date == datetime.date(2022, 2, 24)
    assert Disclosure.objects.filter(reference="16496").exists()


def test_xlsx_named_sheet():
    data = xlsx_bytes([log_row()], before=[("Old log", "visible")])
    assert read_log(data, "log.xlsx", sheet="Disclosure log").rows[0].number == 2
    with pytest.raises(LogFileError, match="'Old log', 'Disclosure log'"):
        read_log(data, "log.xlsx", sheet="2023")


@pytest.mark.parametrize(
    ("data", "filename"),
    [(b"", "log.csv"), (b"PK\x03\x04not a zip", "log.xlsx"), (b"\xd0\xcf\x11\xe0", "log.xls")],
)
def test_unreadable_files_are_refused(data, filename):
    with pytest.raises(LogFileError):
        read_log(data, filename)


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


def test_the_admin_import_refuses_a_zip_bomb_too(admin_client):
    data = xlsx_zip_bomb()
    upload = SimpleUploadedFile("log.xlsx", data)
    response = admin_client.post(
        "/admin/disclosures/disclosure/import/", {"file": upload}, follow=True
    )
    assert "zip bomb" in response.content.decode()
    assert not Disclosure.objects.exists()


# Importing ---------------------------------------------------------------------------------


def test_the_seed_pages_entry_imports_as_published_at_nine(db):
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


def test_summer_dates_publish_at_nine_british_summer_time(db):
    run_import([log_row(date="01/07/2022")])
    published_at = Disclosure.objects.get().published_at
    assert published_at == datetime.datetime(2022, 7, 1, 8, 0, tzinfo=datetime.UTC)


def test_draft_import(db):
    run_import([log_row()], publish=False)
    disclosure = Disclosure.objects.get()
    assert disclosure.status == Disclosure.Status.DRAFT
    assert disclosure.published_at is None


def test_exemptions_and_the_importer_are_recorded(db):
    user = User.objects.create_user("importer")
    run_import([log_row(outcome="Partial disclosure", exemptions="s40(2); s31(1)(a)")], user=user)
    disclosure = Disclosure.objects.get()
    assert sorted(disclosure.exemptions.values_list("code", flat=True)) == ["s31(1)(a)", "s40(2)"]
    assert disclosure.updated_by == user
    change = Change.objects.get(disclosure=disclosure)
    assert change.created and change.changed_by == user
    assert change.fields["exemptions"] == ["", "s31(1)(a), s40(2)"]


def test_request_defaults_to_the_title(db):
    run_import([log_row(request="")])
    assert Disclosure.objects.get().request_text == "Predictive Policing"


def test_one_bad_row_writes_nothing_and_every_bad_row_is_listed(db):
    rows = [
        log_row("OK-1"),
        log_row("BAD-1", date="2022-02-30"),
        log_row("OK-2", keywords="Brand new keyword"),
        log_row("BAD-2", outcome="Sort of"),
        log_row("BAD-3", exemptions="s99(9)"),
        log_row("", title="No reference"),
    ]
    report = run_import(rows)
    assert report.has_errors and not report.written
    assert [(row.number, row.reference) for row in report.error_rows] == [
        (3, "BAD-1"),
        (5, "BAD-2"),
        (6, "BAD-3"),
        (7, ""),
    ]
    assert "Row 5 (BAD-2): Unknown outcome 'Sort of'" in report.errors[1]
    assert not Disclosure.objects.exists()
    assert not Keyword.objects.filter(name="Brand new keyword").exists()


def test_duplicate_references_in_the_file_are_errors(db):
    report = run_import([log_row("D-1"), log_row("D-2"), log_row("D-1")])
    assert [row.number for row in report.error_rows] == [2, 4]
    assert report.error_rows[0].messages == ["Reference 'D-1' is also on row 4."]
    assert not Disclosure.objects.exists()


def test_reimport_reports_unchanged_rows_and_updates_in_place(db):
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
    assert list(updated.exemptions.values_list("code", flat=True)) == ["s43(2)"]
    assert updated.updated_at > original.updated_at
    assert Disclosure.objects.count() == 3
    history = Change.objects.filter(disclosure=updated, created=False).get()
    assert history.fields["exemptions"] == ["s40(2)", "s43(2)"]

    again = run_import(
        [log_row("R-2", title="Predictive policing (corrected)", exemptions="s43(2)")]
    )
    assert again.rows[0].action == Action.UNCHANGED


def test_reimport_keeps_status_and_keywords_are_set_exactly(db):
    existing = DisclosureFactory(
        reference="16495", withdrawn=True, keywords=["Drones", "Overtime"], title="Old"
    )
    report = run_import([log_row(keywords="Drones")])
    assert report.rows[0].action == Action.UPDATE
    existing.refresh_from_db()
    assert existing.status == Disclosure.Status.WITHDRAWN
    assert list(existing.keywords.values_list("name", flat=True)) == ["Drones"]


def test_columns_missing_from_the_file_are_left_alone_on_update(db):
    existing = DisclosureFactory(reference="16495", keywords=["Drones"], exemptions=["s40-2"])
    headings = ["Reference", "Title", "Outcome", "Date"]
    data = csv_bytes([["16495", "New title", "Refused", "24/02/2022"]], headings)
    imports.import_log(read_log(data, "log.csv"))
    existing.refresh_from_db()
    assert existing.title == "New title"
    assert existing.request_text == "Please tell me how many vehicles the force owns."
    assert list(existing.keywords.values_list("name", flat=True)) == ["Drones"]
    assert list(existing.exemptions.values_list("slug", flat=True)) == ["s40-2"]


def test_updates_can_be_refused_to_staff_who_may_only_add(db):
    DisclosureFactory(reference="16495", title="Old title")
    report = run_import([log_row(), log_row("NEW-1")], update_existing=False)
    assert [row.action for row in report.rows] == [Action.ERROR, Action.CREATE]
    assert Disclosure.objects.get(reference="16495").title == "Old title"


def test_keywords_are_reused_ignoring_case(db):
    drones = KeywordFactory(name="Drones", slug="drones")
    report = run_import([log_row("K-1", keywords="drones; DRONES; Stop & search")])
    assert report.new_keywords == ["Stop & search"]
    disclosure = Disclosure.objects.get()
    assert set(disclosure.keywords.all()) == {drones, Keyword.objects.get(slug="stop-search")}
    assert Keyword.objects.count() == 2


def test_new_keywords_get_a_free_slug(db):
    KeywordFactory(name="Stop and search", slug="stop-search")
    run_import([log_row(keywords="Stop & search")])
    assert Keyword.objects.get(name="Stop & search").slug == "stop-search-2"


def test_search_finds_imported_keywords(db):
    run_import([log_row(title="Aerial equipment", request="How many?", keywords="Drone")])
    assert Disclosure.objects.filter(search_vector="drone").count() == 1


def test_dry_run_writes_nothing_and_says_what_would_happen(db):
    DisclosureFactory(reference="16495", title="Old title")
    report = imports.dry_run(read_log(csv_bytes([log_row(), log_row("NEW-1")]), "log.csv"))
    assert [row.action for row in report.rows] == [Action.UPDATE, Action.CREATE]
    assert report.summary() == "1 to create, 1 to update, 0 unchanged, 0 with errors"
    assert Disclosure.objects.count() == 1
    assert Disclosure.objects.get().title == "Old title"


def test_rows_the_safety_check_flags_are_imported_as_drafts(db):
    report = run_import(
        [log_row("S-1", response="Contact PC Jane Smith on jane.smith@example.org"), log_row()]
    )
    assert report.rows[0].action == Action.CREATE
    assert "Safety check" in report.rows[0].messages[0]
    assert Disclosure.objects.get(reference="S-1").status == Disclosure.Status.DRAFT
    assert Disclosure.objects.get(reference="16495").status == Disclosure.Status.PUBLISHED


def test_progress_is_reported_every_500_rows_and_at_the_end(db):
    rows = [log_row(f"P-{n}") for n in range(1200)]
    log = read_log(csv_bytes(rows), "log.csv")
    checked = []
    imports.dry_run(log, progress=lambda done, total: checked.append((done, total)))
    assert checked == [(500, 1200), (1000, 1200), (1200, 1200)]

    calls = []
    imports.import_log(log, progress=lambda done, total: calls.append((done, total)))
    assert calls[-1] == (2400, 2400)
    assert [done for done, _ in calls] == sorted(done for done, _ in calls)
    assert Disclosure.objects.count() == 1200


def test_import_queries_do_not_grow_with_rows(db, django_assert_max_num_queries):
    rows = [
        log_row(f"Q-{n}", exemptions="s40(2), s31(1)(a)", keywords=f"Drones, Topic {n}")
        for n in range(300)
    ]
    log = read_log(csv_bytes(rows), "log.csv")
    with django_assert_max_num_queries(20):
        report = imports.import_log(log)
    assert report.counts[Action.CREATE] == 300


def test_keyword_text_is_what_the_trigger_would_write(db):
    from django.db import connection

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


def test_a_published_entry_whose_new_text_is_flagged_returns_to_draft(db):
    DisclosureFactory(reference="16495")
    report = run_import([log_row(response="Ring the officer on 07700 900123 for details.")])
    assert report.rows[0].action == Action.UPDATE
    assert "Safety check" in report.rows[0].messages[-1]
    assert Disclosure.objects.get().status == Disclosure.Status.DRAFT


def test_imported_rows_carry_the_ids_their_links_give(db):
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
