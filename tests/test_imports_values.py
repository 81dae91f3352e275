"""Reading the values of a log's cells (disclosures/imports/values.py)."""

import datetime

import pytest

from disclosures.imports import LogFileError, known
from disclosures.imports.values import (
    DateColumn,
    DateOrder,
    ExemptionIndex,
    OutcomeReader,
    WordingReader,
    read_date,
    read_keywords,
    read_line,
    read_link,
    read_reference,
    read_title,
)
from disclosures.models import CommissionerOutcome, Exemption, Legislation, Outcome, ReviewOutcome

# Dates -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "24 February 2022",
        "24 Feb 2022",
        "24th February 2022",
        "2022-02-24",
        " 24 february 2022 ",
        "Thursday 24 February 2022",
        "24-Feb-22",
        "February 24, 2022",
        "Feb 24 2022",
        "2022-02-24 00:00:00",
        "2022-02-24T10:30:00",
        "2022-02-24T10:30:00Z",
        datetime.datetime(2022, 2, 24, 0, 0),
        datetime.date(2022, 2, 24),
    ],
)
def test_dates_are_read_in_every_form_logs_use(value):
    assert read_date(value, None, "response date") == datetime.date(2022, 2, 24)


@pytest.mark.parametrize("value", ["24/02/2022", "24-02-2022", "24.02.22", "24/02/2022 10:30"])
def test_a_date_written_with_numbers_is_read_in_the_columns_order(value):
    assert read_date(value, DateOrder.DAY_FIRST, "response date") == datetime.date(2022, 2, 24)


def test_a_month_first_column_reads_10_3_2011_as_3_october():
    assert read_date("10/3/2011", DateOrder.MONTH_FIRST, "date") == datetime.date(2011, 10, 3)
    assert read_date("10/3/2011", DateOrder.DAY_FIRST, "date") == datetime.date(2011, 3, 10)


def test_a_date_that_could_be_read_both_ways_is_never_guessed():
    with pytest.raises(ValueError, match="could be 10 March 2011 or 3 October 2011"):
        read_date("10/3/2011", None, "response date")


def test_a_date_with_only_one_reading_needs_no_order():
    assert read_date("24/02/2022", None, "date") == datetime.date(2022, 2, 24)
    assert read_date("02/24/2022", None, "date") == datetime.date(2022, 2, 24)
    assert read_date("05/05/2022", None, "date") == datetime.date(2022, 5, 5)


def test_a_date_impossible_in_the_columns_order_is_an_error():
    with pytest.raises(ValueError, match="'02/24/2022', read day first, is not a date"):
        read_date("02/24/2022", DateOrder.DAY_FIRST, "response date")


def test_a_blank_date_is_none():
    assert read_date("", DateOrder.DAY_FIRST, "response date") is None
    assert read_date(None, None, "response date") is None


@pytest.mark.parametrize(
    "value", ["2022-02-30", "30/02/2022", "last Tuesday", "24 Febtember 2022", "1999-12-31"]
)
def test_impossible_unreadable_or_too_early_dates_are_refused(value):
    with pytest.raises(ValueError):
        read_date(value, DateOrder.DAY_FIRST, "response date")


def test_future_dates_are_refused_as_typing_errors():
    with pytest.raises(ValueError, match="Received date .* is in the future"):
        read_date(datetime.date.today() + datetime.timedelta(days=2), None, "received date")


def observed(*values) -> DateColumn:
    column = DateColumn("Date")
    for number, value in enumerate(values, 2):
        column.observe(number, value)
    return column


def test_a_column_with_a_day_over_12_first_is_read_day_first_and_says_so():
    column = observed("03/04/2022", "24/02/2022", "2022-01-01")
    assert column.order(None) == DateOrder.DAY_FIRST
    assert column.note(None) == "Dates in 'Date' are read day first: row 3 has 24/02/2022."


def test_a_column_with_a_day_over_12_second_is_read_month_first():
    column = observed("10/3/2011", "10/13/2011")
    assert column.order(None) == DateOrder.MONTH_FIRST
    assert "read month first: row 3 has 10/13/2011" in column.note(None)


def test_a_column_ambiguous_throughout_needs_the_order_given():
    column = observed("03/04/2022", "01/02/2022", datetime.date(2022, 5, 30))
    assert column.order(None) is None
    assert "could all be read day first or month first (row 2: 03/04/2022)" in column.note(None)
    assert column.order(DateOrder.MONTH_FIRST) == DateOrder.MONTH_FIRST
    assert column.note(DateOrder.MONTH_FIRST) == ("Dates in 'Date' are read month first, as asked.")


def test_a_column_written_both_ways_is_decided_by_nobody_but_the_user():
    column = observed("24/02/2022", "02/24/2022", "03/04/2022")
    assert column.order(None) is None
    assert "written both day first (row 2: 24/02/2022) and month first" in column.note(None)
    assert "row 3 (02/24/2022) cannot be" in column.note(DateOrder.DAY_FIRST)


# Outcomes ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "outcome"),
    [
        ("Granted in full", Outcome.GRANTED),
        ("Successful", Outcome.GRANTED),
        ("Released in full", Outcome.GRANTED),
        ("Full disclosure", Outcome.GRANTED),
        ("All information supplied", Outcome.GRANTED),
        ("Full Grant", Outcome.GRANTED),
        ("Partially successful", Outcome.PARTIAL),
        ("Part disclosed", Outcome.PARTIAL),
        ("Information Partially Disclosed", Outcome.PARTIAL),
        ("Partial Grant/Partial Denial", Outcome.PARTIAL),
        ("No Information Held", Outcome.NOT_HELD),
        ("Not held", Outcome.NOT_HELD),
        ("No Records", Outcome.NOT_HELD),
        ("Refused", Outcome.REFUSED),
        ("Withheld", Outcome.REFUSED),
        ("Exempt", Outcome.REFUSED),
        ("Full denial based on exemptions", Outcome.REFUSED),
        ("Exceeds cost limit", Outcome.COST_LIMIT),
        ("S.12", Outcome.COST_LIMIT),
        ("Refused - cost", Outcome.COST_LIMIT),
        ("Section 14", Outcome.VEXATIOUS),
        ("Repeated request", Outcome.VEXATIOUS),
        ("NCND", Outcome.NCND),
        ("Neither confirm nor deny", Outcome.NCND),
        ("granted-in-part", Outcome.PARTIAL),
        ("Refused – vexatious or repeated (s14)", Outcome.VEXATIOUS),
        ("Not recorded", Outcome.NOT_RECORDED),
    ],
)
def test_outcome_wordings_real_logs_use(value, outcome):
    assert OutcomeReader().read(value).value == outcome


@pytest.mark.parametrize("value", ["Awaiting classification", "Long overdue", "Withdrawn"])
def test_requests_not_answered_are_left_out_with_a_note(value):
    read = OutcomeReader().read(value)
    assert read.value == "skip"
    assert read.note == f"{value!r} is not an answered request: left out."


def test_a_blank_outcome_is_not_recorded_with_a_note():
    read = OutcomeReader().read("  ")
    assert (read.value, read.note) == ("not-recorded", "No outcome given: not recorded.")


def test_unknown_outcome_is_named_in_the_error():
    with pytest.raises(ValueError, match="Unknown outcome 'Sort of'"):
        OutcomeReader().read("Sort of")


def test_any_wording_can_be_given_a_meaning():
    reader = OutcomeReader({"Sort of": "granted-in-part", "Handled by post": "skip"})
    assert reader.read("SORT OF").value == "granted-in-part"
    assert reader.read("Handled by post").value == "skip"


def test_a_meaning_that_is_no_outcome_is_refused():
    with pytest.raises(LogFileError, match="'Sort of' is to be read as 'maybe'"):
        OutcomeReader({"Sort of": "maybe"})


# An internal review's outcome and the Commissioner's --------------------------------------


@pytest.mark.parametrize(
    ("value", "outcome"),
    [
        ("Upheld", ReviewOutcome.UPHELD),
        ("Upheld in full", ReviewOutcome.UPHELD),
        ("Original decision upheld", ReviewOutcome.UPHELD),
        ("PARTLY UPHELD", ReviewOutcome.PARTLY_UPHELD),
        ("Upheld in part", ReviewOutcome.PARTLY_UPHELD),
        ("Partially upheld", ReviewOutcome.PARTLY_UPHELD),
        ("Overturned", ReviewOutcome.OVERTURNED),
        ("Not upheld", ReviewOutcome.OVERTURNED),
        ("Reversed", ReviewOutcome.OVERTURNED),
        ("partly-upheld", ReviewOutcome.PARTLY_UPHELD),
    ],
)
def test_review_outcome_wordings(value, outcome):
    assert WordingReader.of(known.REVIEW_OUTCOME).read(value).value == outcome


@pytest.mark.parametrize(
    ("value", "outcome"),
    [
        ("Upheld", CommissionerOutcome.UPHELD),
        ("Partly upheld", CommissionerOutcome.PARTLY_UPHELD),
        ("Not upheld", CommissionerOutcome.NOT_UPHELD),
        ("Dismissed", CommissionerOutcome.NOT_UPHELD),
        ("Informally resolved", CommissionerOutcome.CLOSED),
        ("Withdrawn", CommissionerOutcome.CLOSED),
        ("Closed", CommissionerOutcome.CLOSED),
        ("Complaint not upheld", CommissionerOutcome.NOT_UPHELD),
    ],
)
def test_commissioner_outcome_wordings(value, outcome):
    assert WordingReader.of(known.COMMISSIONER_OUTCOME).read(value).value == outcome


def test_not_upheld_overturns_a_review_and_dismisses_a_complaint():
    review = WordingReader.of(known.REVIEW_OUTCOME).read("Not upheld").value
    complaint = WordingReader.of(known.COMMISSIONER_OUTCOME).read("Not upheld").value
    assert (review, complaint) == (ReviewOutcome.OVERTURNED, CommissionerOutcome.NOT_UPHELD)


def test_a_blank_review_or_complaint_outcome_is_left_empty():
    for name in known.CHOICE_WORDINGS:
        assert WordingReader.of(name).read("  ").value == ""


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        (known.REVIEW_OUTCOME, "Upheld with advice", "Unknown internal review outcome"),
        (known.REVIEW_OUTCOME, "Pending", "Unknown internal review outcome"),
        (known.COMMISSIONER_OUTCOME, "Overturned", "Unknown commissioner outcome"),
    ],
)
def test_an_unknown_review_or_complaint_wording_is_never_guessed(name, value, message):
    with pytest.raises(ValueError, match=f"{message} {value!r}"):
        WordingReader.of(name).read(value)


# References, titles, links, keywords -----------------------------------------------------


def test_references_from_excel_numbers_lose_their_point_zero():
    assert read_reference(16496.0) == "16496"


@pytest.mark.parametrize("value", ["", "feed", "/FOI-1", "x" * 101])
def test_bad_references_are_refused(db, value):
    with pytest.raises(ValueError):
        read_reference(value)


def test_titles_are_one_line_and_at_most_300_characters():
    assert read_title("  Drones \n over  the city ") == "Drones over the city"
    with pytest.raises(ValueError, match="301 characters long"):
        read_title("x" * 301)


def test_links_must_be_web_addresses():
    assert read_link("https://www.example.org/foi/1") == "https://www.example.org/foi/1"
    assert read_link("") == ""
    for bad in ("javascript:alert(1)", "/request/drones", "see website"):
        with pytest.raises(ValueError, match="not a web address"):
            read_link(bad)


def test_a_decision_notice_link_is_a_web_address_that_fits():
    read = read_link("https://ico.org.uk/fs50123456", "decision notice URL", "decision_notice_url")
    assert read == "https://ico.org.uk/fs50123456"
    with pytest.raises(ValueError, match="^Decision notice URL 'FS50123456' is not a web"):
        read_link("FS50123456", "decision notice URL", "decision_notice_url")
    with pytest.raises(ValueError, match="decision notice URL is longer than 200 characters"):
        read_link("https://ico.org.uk/" + "x" * 200, "decision notice URL", "decision_notice_url")


def test_case_references_are_one_line_and_must_fit():
    assert read_line(" IC-12345 \n A1B2 ", "commissioner reference", "commissioner_reference") == (
        "IC-12345 A1B2"
    )
    with pytest.raises(ValueError, match="commissioner reference is longer than 100 characters"):
        read_line("x" * 101, "commissioner reference", "commissioner_reference")


def test_keywords_split_on_commas_semicolons_bars_and_lines_across_columns():
    assert read_keywords([" Drones; Body-worn video,Taser , drones,, ", "Roads|Taser\nParks"]) == [
        "Drones",
        "Body-worn video",
        "Taser",
        "Roads",
        "Parks",
    ]


def test_seed_page_keyword_list_is_read():
    keywords = read_keywords(["Predictive, Policing, Data, Pre-crime, Rehabilitation."])
    assert keywords == ["Predictive", "Policing", "Data", "Pre-crime", "Rehabilitation"]


# Exemptions --------------------------------------------------------------------------------


@pytest.fixture
def index(db):
    return ExemptionIndex.load()


def cited(value, index) -> list[str]:
    pks, _ = index.read(value)
    by_pk = {e.pk: f"{e.code} {e.legislation_id}" for e in Exemption.objects.all()}
    return [by_pk[pk] for pk in pks]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Section 31(1)(a) and Section 40(2)", ["s31(1)(a) foia", "s40(2) foia"]),
        ("S.40(2), S.31(1)(a)", ["s40(2) foia", "s31(1)(a) foia"]),
        ("s40(2); s43(2)", ["s40(2) foia", "s43(2) foia"]),
        ("Sections 23(5), 24(2)", ["s23(5) foia", "s24(2) foia"]),
        ("Sections 23(5) 24(2)", ["s23(5) foia", "s24(2) foia"]),
        ("40(2)", ["s40(2) foia"]),
        ("Regulation 12(4)(b)", ["reg 12(4)(b) eir"]),
        ("reg 13", ["reg 13 eir"]),
        ("Regulations 12(5)(e) and 13", ["reg 12(5)(e) eir", "reg 13 eir"]),
        ("S40 (2) Personal Information", ["s40(2) foia"]),
        ("Section 43(2) - Commercial interests (2 documents)", ["s43(2) foia"]),
        ("Section 21", ["s21 foia"]),
        ("s22A", ["s22A foia"]),
        ("s40(2), s40(2)", ["s40(2) foia"]),
        # Whole sections, as logs write them.
        ("S43 Commercial Interests", ["s43 foia"]),
        ("Section 31 - Law Enforcement", ["s31 foia"]),
        ("Section 42", ["s42 foia"]),
        # Lists, and subsections joined.
        ("36(2)(b)(i)&(ii)", ["s36(2)(b)(i) foia", "s36(2)(b)(ii) foia"]),
        ("s31(1)(a), (b) and (c)", ["s31(1)(a) foia", "s31(1)(b) foia", "s31(1)(c) foia"]),
        ("Section 40(2) and 40(5)", ["s40(2) foia", "s40(5) foia"]),
        # Named legislation.
        ("s38(1)(b) FOISA", ["s38(1)(b) foisa"]),
        ("FOISA s30(b)(i) and (ii)", ["s30(b)(i) foisa", "s30(b)(ii) foisa"]),
        ("Section 35(1)(a) of the Freedom of Information (Scotland) Act 2002", ["s35(1)(a) foisa"]),
        ("s35(1)(a) FOISA; s38(1)(b)", ["s35(1)(a) foisa", "s38(1)(b) foisa"]),
        ("reg 12(5)(e) EIR", ["reg 12(5)(e) eir"]),
        ("EIR 12(5)(e), 13", ["reg 12(5)(e) eir", "reg 13 eir"]),
        ("regulation 10(4)(a) EISR", ["reg 10(4)(a) eisr"]),
        ("s40(2) FOIA, reg 13 EIR", ["s40(2) foia", "reg 13 eir"]),
    ],
)
def test_citations_real_logs_write(value, expected, index):
    assert cited(value, index) == expected


def test_a_bare_citation_is_read_as_the_authoritys_legislation(db, settings):
    settings.AUTHORITY_LEGISLATION = "foisa"
    index = ExemptionIndex.load()
    assert cited("s38(1)(b)", index) == ["s38(1)(b) foisa"]
    # Its regulations are the EISR, whichever name the log gives them.
    assert cited("regulation 10(4)(a)", index) == ["reg 10(4)(a) eisr"]
    assert cited("reg 10(5)(e) EIRs", index) == ["reg 10(5)(e) eisr"]
    assert cited("s38(1)(b) FOIA", index) == ["s38(1)(b) foia"]


def test_an_english_authoritys_bare_s38_is_health_and_safety(index):
    assert cited("s38(1)(b)", index) == ["s38(1)(b) foia"]


def test_a_citation_is_never_read_as_another_legislations(index):
    # EIR has no regulation 10(5)(e): that is the EISR's, and not the authority's.
    with pytest.raises(ValueError, match=r"Unknown exemption reg 10\(5\)\(e\) EIR\."):
        index.read("regulation 10(5)(e)")
    with pytest.raises(ValueError, match=r"s12\(1\) is cited as a section, and EIR has none"):
        index.read("s12(1) EIR")


def test_a_subsection_the_log_lacks_is_recorded_as_its_section_with_a_note(index):
    pks, notes = index.read("S40(3A)(a)")
    assert pks == [Exemption.objects.get(legislation="foia", code="s40").pk]
    assert notes == [
        "s40(3a)(a) is recorded as s40 Personal information: the log has no exemption for "
        "it; add it in the admin to record it exactly."
    ]
    assert cited("Section 40(2) and 40(3)", index) == ["s40(2) foia", "s40 foia"]


def test_a_regulation_without_its_paragraph_lists_what_it_could_be(index):
    with pytest.raises(
        ValueError, match=r"reg 12\(5\) EIR could be reg 12\(5\)\(a\), .* or reg 12\(5\)\(g\)"
    ):
        index.read("Regulation 12(5)")


@pytest.mark.parametrize("value", ["s99(1)", "Personal data", "Regulation 99"])
def test_unknown_exemption_is_an_error(value, index):
    with pytest.raises(ValueError):
        index.read(value)


@pytest.mark.parametrize("value", ["N/A", "None", "-", "", None, "n/a", "Not applicable"])
def test_no_exemption(value, index):
    assert index.read(value) == ([], [])


def test_procedural_sections_are_noted_not_cited(index):
    assert index.read("Section 12") == ([], ["s12 is not an exemption: ignored."])
    pks, notes = index.read("s17 and s40(2)")
    assert cited("s17 and s40(2)", index) == ["s40(2) foia"]
    assert notes == ["s17 is not an exemption: ignored."]


def test_codes_of_a_legislation_added_in_the_admin_are_read_as_written(db):
    us = Legislation.objects.create(code="usfoia", abbreviation="5 USC 552", name="US FOIA")
    Exemption.objects.create(legislation=us, code="(b)(6)", name="Privacy", kind="qualified")
    Exemption.objects.create(legislation=us, code="(b)(7)(C)", name="Privacy", kind="qualified")
    index = ExemptionIndex.load()
    assert cited("(b)(6); (b)(7)(C)", index) == ["(b)(6) usfoia", "(b)(7)(C) usfoia"]


def test_an_authority_legislation_not_in_the_log_stops_the_import(db, settings):
    settings.AUTHORITY_LEGISLATION = "narnia"
    with pytest.raises(LogFileError, match="AUTHORITY_LEGISLATION is 'narnia'"):
        ExemptionIndex.load()


def test_a_legislation_named_that_the_log_has_not_is_an_error_not_another_reading(db):
    Exemption.objects.filter(legislation="eisr").delete()
    Legislation.objects.filter(code="foisa").update(regulations=None)
    Legislation.objects.filter(code="eisr").delete()
    with pytest.raises(ValueError, match=r"cited with legislation the log has not \(eisr\)"):
        ExemptionIndex.load().read("reg 10(4)(a) EISR")
