"""Working days and due dates under FOIA, the EIR, FOISA and the EISR
(disclosures/time_limits.py). Every due date below was counted by hand on a calendar."""

import datetime

from disclosures.time_limits import (
    FOIA,
    FOISA,
    Timeliness,
    WorkingCalendar,
    answer_time,
    authority_law,
)


def day(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


def due(law, received: str) -> datetime.date:
    calendar = WorkingCalendar(law, 2019, 2026)
    return calendar.nth_working_day_after(day(received), 20)


def test_easter_friday_and_monday_are_not_working_days_under_foia():
    # Thursday 21 March 2024: day 5 is Thursday 28 March; Good Friday 29 March and Easter
    # Monday 1 April are skipped; day 20 is Monday 22 April.
    assert due(FOIA, "2024-03-21") == day("2024-04-22")


def test_easter_monday_is_a_working_day_in_scotland():
    # FOISA s73: only Scotland's bank holidays, and Easter Monday is not one.
    assert due(FOISA, "2024-03-21") == day("2024-04-19")


def test_christmas_and_new_year_are_skipped_with_scotlands_2_january_under_foia():
    # Friday 13 December 2024: 25 and 26 December and 1 January are skipped, and so is
    # 2 January, a bank holiday in Scotland: FOIA s10(6) leaves out a bank holiday "in
    # any part of the United Kingdom". Day 20 is Thursday 16 January 2025.
    assert due(FOIA, "2024-12-13") == day("2025-01-16")
    assert due(FOISA, "2024-12-13") == day("2025-01-16")


def test_st_andrews_day_substitute_monday_is_skipped_in_scotland():
    # St Andrew's Day 2025 is a Sunday; Monday 1 December is the bank holiday instead.
    # Monday 10 November 2025: day 14 is Friday 28 November, day 15 Tuesday 2 December,
    # day 20 Tuesday 9 December (Monday 8 December without the substitute day).
    assert due(FOISA, "2025-11-10") == day("2025-12-09")


def test_st_andrews_day_substitute_is_skipped_in_england_too_under_foia():
    assert due(FOIA, "2025-11-10") == day("2025-12-09")


def test_northern_irelands_12_july_is_skipped_under_foia_but_not_foisa():
    # Friday 14 June 2024: day 19 is Thursday 11 July; Friday 12 July 2024 is a bank
    # holiday in Northern Ireland only.
    assert due(FOIA, "2024-06-14") == day("2024-07-15")
    assert due(FOISA, "2024-06-14") == day("2024-07-12")


def test_a_request_received_on_a_saturday_is_due_as_one_received_the_day_before():
    # Day one is the first working day after receipt: Monday 10 June 2024 for both.
    assert due(FOIA, "2024-06-08") == day("2024-07-05")
    assert due(FOIA, "2024-06-07") == day("2024-07-05")


def test_a_request_received_on_a_bank_holiday_counts_from_the_next_working_day():
    # Easter Monday 1 April 2024: day one is Tuesday 2 April, day 20 Monday 29 April.
    assert due(FOIA, "2024-04-01") == day("2024-04-29")


def test_an_answer_on_the_twentieth_working_day_is_on_time():
    time = answer_time(day("2024-06-03"), day("2024-07-01"))
    assert (time.working_days, time.timeliness) == (20, Timeliness.MET_DEADLINE)
    assert time.due == day("2024-07-01") and time.late_by == 0


def test_an_answer_after_the_twentieth_working_day_is_late_by_the_working_days_over():
    time = answer_time(day("2024-06-03"), day("2024-07-08"))
    assert time.timeliness == Timeliness.DEADLINE_EXCEEDED
    assert (time.working_days, time.late_by) == (25, 5)


def test_an_answer_the_same_day_took_no_working_days():
    time = answer_time(day("2024-06-03"), day("2024-06-03"))
    assert (time.working_days, time.timeliness) == (0, Timeliness.MET_DEADLINE)


def test_the_time_runs_again_from_the_day_a_clarification_arrived():
    # Received Monday 3 June 2024, clarified Monday 10 June: due Monday 8 July, when the
    # answer was sent. Counted from 3 June it would be five working days late.
    time = answer_time(day("2024-06-03"), day("2024-07-08"), clarified=day("2024-06-10"))
    assert time.counted_from == day("2024-06-10") and time.restarted_by_clarification
    assert time.due == day("2024-07-08")
    assert (time.working_days, time.timeliness) == (20, Timeliness.MET_DEADLINE)


def test_a_clarification_whose_answer_is_not_recorded_leaves_the_time_unknown():
    assert answer_time(day("2024-06-03"), day("2024-07-08"), awaiting_clarification=True) is None


def test_an_answer_within_an_extension_is_in_time_but_past_the_deadline():
    # Received 3 June 2024, due 1 July, extended to Monday 29 July; answered Friday 19
    # July: 33 working days (Northern Ireland's 12 July is not one), 39 allowed.
    time = answer_time(day("2024-06-03"), day("2024-07-19"), extended_to=day("2024-07-29"))
    assert time.timeliness == Timeliness.PERMITTED_EXTENSION
    assert (time.working_days, time.allowed, time.late_by) == (33, 39, 0)
    assert time.extended_to == day("2024-07-29")


def test_an_answer_after_the_extended_date_is_late_by_the_days_past_it():
    time = answer_time(day("2024-06-03"), day("2024-07-31"), extended_to=day("2024-07-29"))
    assert time.timeliness == Timeliness.DEADLINE_EXCEEDED
    assert (time.working_days, time.late_by) == (41, 2)


def test_an_extension_to_before_the_due_date_does_not_shorten_the_time():
    time = answer_time(day("2024-06-03"), day("2024-06-28"), extended_to=day("2024-06-20"))
    assert time.extended_to is None and time.allowed == 20
    assert time.timeliness == Timeliness.MET_DEADLINE


def test_an_unknown_received_date_is_never_counted_as_on_time():
    assert answer_time(None, day("2024-07-01")) is None


def test_an_answer_dated_before_its_request_cannot_be_timed():
    assert answer_time(day("2024-07-02"), day("2024-07-01")) is None


def test_the_legislation_setting_chooses_the_law(settings):
    settings.AUTHORITY_LEGISLATION = "foisa"
    assert authority_law() is FOISA
    settings.AUTHORITY_LEGISLATION = "foia"
    assert authority_law() is FOIA


def test_answer_time_follows_the_legislation_setting(settings):
    # Easter Monday 2024 is a bank holiday in England, not in Scotland.
    settings.AUTHORITY_LEGISLATION = "foisa"
    assert answer_time(day("2024-03-21"), day("2024-04-22")).working_days == 21
    settings.AUTHORITY_LEGISLATION = "foia"
    assert answer_time(day("2024-03-21"), day("2024-04-22")).working_days == 20


def test_the_last_days_the_log_can_hold_give_no_error():
    assert answer_time(day("9999-12-30"), day("9999-12-31")) is None
    time = answer_time(day("9999-11-01"), day("9999-12-31"))
    assert time.timeliness == Timeliness.DEADLINE_EXCEEDED
