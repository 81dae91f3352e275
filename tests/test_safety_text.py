"""Personal-data checks on free text: real positives found, realistic FOI wording left alone."""

import pytest

from disclosures.safety import check_text
from disclosures.safety.text import mask_personal_data


def checks(text: str) -> list[str]:
    return [finding.check for finding in check_text(text)]


# --- email ------------------------------------------------------------------------------------


def test_personal_email_is_reported_masked():
    findings = check_text("Please reply to jane.smith@example.com by Friday.")

    assert [f.check for f in findings] == ["personal-data-email"]
    assert "j***@example.com" in findings[0].message
    assert "jane.smith" not in findings[0].message


@pytest.mark.parametrize(
    "text",
    [
        "Contact foi@essex.police.uk if you are unhappy with this response.",
        "Write to information.rights@council.gov.uk or enquiries@council.gov.uk.",
        "Email dataprotection@force.police.uk for subject access requests.",
    ],
)
def test_role_mailbox_is_not_reported(text):
    assert checks(text) == []


# --- phone numbers ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "number",
    [
        "07700 900123",
        "07700900123",
        "07700 900 123",
        "+44 7700 900123",
        "+447700900123",
        "01245 491491",
        "020 7946 0958",
        "0113 496 0000",
        "(01632) 960 123",
        "+44 (0)20 7946 0958",
    ],
)
def test_uk_phone_number_is_reported(number):
    findings = check_text(f"Her number is {number}.")

    assert [f.check for f in findings] == ["personal-data-phone"]
    assert number not in findings[0].message


@pytest.mark.parametrize(
    "text",
    [
        "In an emergency call 999; otherwise call 101 or NHS 111.",
        "Request reference FOI/23/1234 was received on 12/03/2023.",
        "Section 40(2) of the Freedom of Information Act 2000 applies.",
        "The force recorded 1234567 incidents and spent £01234.",
        "Crime reference 42/123456/23.",
        "Order number 0800123456 was cancelled.",
    ],
)
def test_service_numbers_and_references_are_not_phone_numbers(text):
    assert checks(text) == []


def test_numbers_in_neighbouring_spreadsheet_cells_are_not_joined_into_a_phone_number():
    assert checks("07700\t900123") == []


# --- National Insurance numbers ---------------------------------------------------------------


@pytest.mark.parametrize("nino", ["AB123456C", "AB 12 34 56 C", "ce123456a"])
def test_national_insurance_number_is_reported(nino):
    findings = check_text(f"NI number {nino} on file.")

    assert [f.check for f in findings] == ["personal-data-ni-number"]
    assert nino not in findings[0].message


@pytest.mark.parametrize(
    "text",
    [
        "Code QQ123456C is HMRC's example.",  # Q is never a first letter
        "GB123456A is not allocated.",  # excluded prefix
        "DA123456A starts with D.",
        "AB123456E has no valid suffix.",
    ],
)
def test_invalid_national_insurance_numbers_are_not_reported(text):
    assert checks(text) == []


# --- addresses --------------------------------------------------------------------------------


def test_house_number_and_postcode_is_reported_as_home_address():
    findings = check_text("He lives at 12 Acacia Avenue, Chelmsford CM1 1AA.")

    assert [f.check for f in findings] == ["personal-data-address"]
    assert "CM1 ***" in findings[0].message
    assert "Acacia" not in findings[0].message


def test_address_split_over_lines_is_reported():
    assert checks("Flat 3\n12a Long Road\nGreat Baddow CM2 7XX") == ["personal-data-address"]


@pytest.mark.parametrize(
    "text",
    [
        "Essex Police Headquarters, Springfield, Chelmsford CM2 6DA",
        "Write to PO Box 2, Chelmsford CM2 6DA.",
        "On 12 March 2023 officers attended Chelmsford CM2 6DA.",
        "In 2023 Essex Police, Chelmsford CM2 6DA, received 40 Requests.",
        "Section 40 Freedom of Information, Chelmsford CM2 6DA",
        "Call 101 Chelmsford CM2 6DA",
    ],
)
def test_postcode_without_house_number_is_allowed(text):
    assert checks(text) == []


# --- dates of birth ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "DOB: 12/03/1985",
        "D.O.B. 12-03-85",
        "Date of birth 1985-03-12",
        "born on 1st May 1980",
        "Born March 12, 1980",
        "Name\tDOB\t12.03.1985",
    ],
)
def test_date_next_to_dob_is_reported(text):
    findings = check_text(text)

    assert [f.check for f in findings] == ["personal-data-dob"]
    assert "1985" not in findings[0].message and "1980" not in findings[0].message


@pytest.mark.parametrize(
    "text",
    [
        "The request was received on 12/03/2023 and answered on 03/04/2023.",
        "Published 1 May 2024.",
        "Officers born in the 1980s joined in 2005.",
    ],
)
def test_date_without_birth_context_is_not_reported(text):
    assert checks(text) == []


# --- vehicle registrations --------------------------------------------------------------------


@pytest.mark.parametrize("vrm", ["AB12 CDE", "AB12CDE", "YX69 ABZ"])
def test_vehicle_registration_is_reported(vrm):
    findings = check_text(f"The car, {vrm}, was stopped.")

    assert [f.check for f in findings] == ["personal-data-vehicle"]
    assert vrm not in findings[0].message


@pytest.mark.parametrize(
    "text",
    [
        "An MP3 player and a CM2 6DA postcode.",
        "ab12 cde in lower case is not a plate.",
        "AB00 CDE has no valid age identifier.",
        "IQ12 ABC uses letters never issued.",
        "Request FOI/23/1234 and section 40(2).",
    ],
)
def test_non_registrations_are_not_reported(text):
    assert checks(text) == []


# --- locations and masking --------------------------------------------------------------------


def test_finding_location_gives_line_number_and_where():
    findings = check_text("Summary of the request.\n\nContact jo.bloggs@example.org", "response")

    assert findings[0].location == "response, line 3"


def test_finding_location_without_where_is_the_line_alone():
    assert check_text("x\nAB12 CDE")[0].location == "line 2"


def test_same_value_twice_on_a_line_is_reported_once():
    assert checks("AB12 CDE then AB12 CDE again") == ["personal-data-vehicle"]


def test_two_different_values_on_a_line_are_both_reported():
    assert checks("AB12 CDE and XY13 FGH") == ["personal-data-vehicle", "personal-data-vehicle"]


def test_ordinary_foi_response_has_no_findings():
    response = (
        "Thank you for your request dated 12/03/2023, reference FOI/23/1234.\n"
        "Essex Police holds the information. 40 officers were deployed.\n"
        "Section 40(2) exempts the names of officers below the rank of superintendent.\n"
        "If you are unhappy, contact foi@essex.police.uk or write to Essex Police\n"
        "Headquarters, PO Box 2, Springfield, Chelmsford CM2 6DA. Call 101.\n"
    )

    assert check_text(response) == []


def test_empty_text_has_no_findings():
    assert check_text("") == []


def test_mask_personal_data_hides_values_but_keeps_surrounding_words():
    masked = mask_personal_data("Call Jo on 07700 900123 or jo@example.com")

    assert masked == "Call Jo on 07*** ****23 or j***@example.com"
