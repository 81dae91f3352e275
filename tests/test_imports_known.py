"""The one table of known headings and wordings (disclosures/imports/known.py), and the
README that holds it."""

from pathlib import Path

import pytest
from django.conf import settings

from disclosures.imports import known
from disclosures.models import CommissionerOutcome, Disclosure, Outcome, ReviewOutcome

README = Path(settings.BASE_DIR) / "README.md"


def test_the_readme_holds_the_table_the_import_reads():
    readme = README.read_text()
    assert readme == known.readme_with_tables(readme), (
        "The README's table of headings and wordings is out of date: run\n"
        '.venv/bin/python manage.py shell -c "from pathlib import Path; '
        "from disclosures.imports import known; known.update_readme(Path('README.md'))\""
    )


def test_every_heading_and_wording_is_known_once():
    headings = [known.heading_key(h) for f in known.FIELDS for h in f.headings]
    assert len(headings) == len(set(headings))
    for table in (known.OUTCOME_WORDINGS, *(w for _, w in known.CHOICE_WORDINGS.values())):
        wordings = [known.wording_key(w) for ws in table.values() for w in ws]
        assert len(wordings) == len(set(wordings))


def test_every_outcome_has_its_wordings():
    assert set(known.OUTCOME_WORDINGS) == {*Outcome.values, known.SKIP}
    assert set(known.REVIEW_OUTCOME_WORDINGS) == set(ReviewOutcome.values)
    assert set(known.COMMISSIONER_OUTCOME_WORDINGS) == set(CommissionerOutcome.values)


def test_every_handling_field_has_its_column():
    read = {f.attribute for f in known.FIELDS}
    assert set(Disclosure.HANDLING_FIELDS) <= read
    assert {known.CLARIFICATION_ASKED, known.CLARIFICATION_ANSWERED} <= set(known.FIELD_BY_NAME)


def test_the_wordings_of_reviews_and_complaints_are_on_the_admins_page_and_in_the_readme():
    titles = [section.title for section in known.sections()]
    assert "Internal review outcomes" in titles and "Commissioner outcomes" in titles
    assert "| Closed without a decision notice (closed) | Informally resolved, Withdrawn," in (
        known.markdown()
    )


@pytest.mark.parametrize(
    ("written", "same_as"),
    [
        ("EXEMPTION(S) CITED", "Exemptions cited"),
        ("request_id", "Request ID"),
        ("Date-Closed", "Date closed"),
    ],
)
def test_headings_are_compared_ignoring_case_spacing_and_punctuation(written, same_as):
    assert known.heading_key(written) == known.heading_key(same_as)


def test_wordings_are_compared_ignoring_case_punctuation_and_section_dots():
    assert known.wording_key("Refused – S.12") == known.wording_key("refused s12")
    assert known.wording_key("Stop & search") == "stop and search"


def test_the_downloads_columns_are_read_back_by_the_import():
    """A log downloaded from foilog imports again: each column it holds of an entry's own
    is a heading the import knows. Left out: columns worked out from others (the outcome
    in words, the due date, the working days, the timeliness) and the clarifications,
    which the import reads as two columns of dates."""
    from disclosures.exports import COLUMNS

    worked_out = {"outcome_label", "due_date", "working_days", "timeliness", "clarifications"}
    unknown = [
        column
        for column in COLUMNS
        if column not in worked_out and known.heading_key(column) not in known.FIELD_BY_HEADING
    ]
    assert unknown == []
