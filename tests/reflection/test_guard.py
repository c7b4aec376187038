"""The anonymisation guard: NHS numbers (with the modulus-11 check), dates of birth, phones, postcodes, emails."""

import datetime as dt

import pytest

from equiptrain.reflection import guard

TODAY = dt.date(2025, 6, 1)


def kinds(text):
    return [(m.kind, m.text) for m in guard.check(text, TODAY)]


@pytest.mark.parametrize("number", ["9434765919", "943 476 5919", "943-476-5919", "401 023 2137"])
def test_valid_nhs_numbers_are_found_spaced_or_not(number):
    assert kinds(f"Her number is {number}.") == [("nhs_number", number)]


@pytest.mark.parametrize("number", ["9434765918", "943 476 5910", "1234567890"])
def test_ten_digits_with_a_wrong_check_digit_are_not_nhs_numbers(number):
    assert all(kind != "nhs_number" for kind, _ in kinds(f"Reference {number} here"))


def test_check_digit_of_ten_is_never_valid():
    # 1×10 + 1×2 = 12, remainder 1, so the check digit would be 10: no such NHS number, whatever the last digit.
    assert not guard.nhs_number_is_valid("1000000010")
    assert guard.nhs_number_is_valid("9434765919")


def test_a_phone_number_is_a_phone_not_an_nhs_number():
    assert kinds("Call the team on 0161 496 0018 or 07700 900123.") == [
        ("phone", "0161 496 0018"),
        ("phone", "07700 900123"),
    ]
    assert kinds("Ring +44 7700 900123") == [("phone", "+44 7700 900123")]


def test_a_ten_digit_landline_that_fails_the_nhs_check_is_only_a_phone():
    assert not guard.nhs_number_is_valid("0207946001")
    assert kinds("020 7946 001") == [("phone", "020 7946 001")]


@pytest.mark.parametrize(
    "text,found",
    [
        ("DOB 12/03/2019", "12/03/2019"),
        ("born on 3 March 1990", "3 March 1990"),
        ("d.o.b. 1985-03-12", "1985-03-12"),
        ("she was 12.03.1961 on the form", "12.03.1961"),
        ("date of birth: March 4, 2001", "March 4, 2001"),
    ],
)
def test_dates_of_birth(text, found):
    assert kinds(text) == [("date_of_birth", found)]


@pytest.mark.parametrize(
    "text",
    [
        "The workshop on 12/03/2025 was good",
        "On 4 March 2024 I led the review",
        "Module 3 of 6",
        "31/02/1980 is not a date",
    ],
)
def test_recent_or_impossible_dates_and_plain_numbers_are_not_flagged(text):
    assert kinds(text) == []


@pytest.mark.parametrize("postcode", ["M13 9PL", "SW1A 1AA", "b15 2tt", "EH11AB"])
def test_postcodes(postcode):
    assert kinds(f"Lives at {postcode} now") == [("postcode", postcode)]


def test_ordinals_after_a_room_code_are_not_postcodes():
    assert kinds("We met in room B1 2nd floor") == []


def test_emails_and_several_findings_in_order():
    text = "Email j.smith@example.org, NHS 943 476 5919, at LS1 4AP"
    assert [k for k, _ in kinds(text)] == ["email", "nhs_number", "postcode"]


def test_clean_reflective_text_has_no_findings():
    assert kinds("I listened first and asked what mattered to the person. Next time I will ask sooner.") == []


def test_highlight_marks_matches_in_place_and_escapes_the_rest():
    text = "<b>x</b> 943 476 5919\nnext"
    html = str(guard.highlight(text, guard.check(text, TODAY)))
    assert "&lt;b&gt;x&lt;/b&gt;" in html
    assert '<mark class="et-guard-match">943 476 5919' in html
    assert "possible NHS number" in html and "<br>" in html
