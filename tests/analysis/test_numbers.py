"""Numbers found in Arabic and English text and read as values: digits, separators, percentages, words."""

from __future__ import annotations

from decimal import Decimal

import pytest

from analysis.numbers import find_numbers, show_value, values_of


def firm_values(text: str) -> list[set[Decimal]]:
    """The values of each firm number of `text`, in order."""
    return [set(number.values) for number in find_numbers(text) if number.firm]


@pytest.mark.parametrize("written", ["2200", "2,200", "٢٢٠٠", "٢٬٢٠٠", "۲۲۰۰", "2.2 ألف", "2.2 thousand",
                                     "ألفان ومئتان", "two thousand two hundred"])
def test_one_value_written_many_ways_reads_the_same(written: str) -> None:
    assert Decimal(2200) in values_of(find_numbers(f"أصيب {written} شخص")), written


@pytest.mark.parametrize(("text", "value"), [("3.5", "3.5"), ("٣٫٥", "3.5"), ("0.75", "0.75"), ("6,000.25", "6000.25")])
def test_decimals_keep_their_fraction(text: str, value: str) -> None:
    assert firm_values(text) == [{Decimal(value)}]


def test_a_point_before_three_digits_may_group_thousands_or_mark_decimals() -> None:
    assert firm_values("6.000") == [{Decimal(6), Decimal(6000)}]


@pytest.mark.parametrize("text", ["ارتفع 5% أمس", "ارتفع ٥٪ أمس", "ارتفع 5 في المئة أمس", "ارتفع 5 بالمائة أمس",
                                  "rose 5 percent", "rose 5 per cent"])
def test_a_percentage_is_its_value_and_its_sign_belongs_to_it(text: str) -> None:
    (number,) = find_numbers(text)
    assert number.values == {Decimal(5)} and number.firm
    assert number.text.startswith(("5", "٥")) and len(number.text) > 1


def test_hundred_in_a_written_out_percentage_is_not_the_number_100() -> None:
    assert firm_values("ارتفعت الأسعار خمسة في المئة") == []


def test_a_range_gives_both_ends() -> None:
    assert firm_values("بين 10 و15 شخصا") == [{Decimal(10)}, {Decimal(15)}]
    assert firm_values("10-15 people") == [{Decimal(10)}, {Decimal(15)}]
    assert firm_values("١٠–١٥ شخصا") == [{Decimal(10)}, {Decimal(15)}]


def test_a_year_with_the_era_letter_is_the_year() -> None:
    (number,) = find_numbers("تأسس عام 2014م في أنقرة")
    assert number.text == "2014" and number.values == {Decimal(2014)}


def test_a_date_in_figures_matches_the_date_with_a_month_name() -> None:
    figures = values_of(find_numbers("في 9/1/2022"))
    assert figures == {Decimal(9), Decimal(1), Decimal(2022)}
    assert figures <= values_of(find_numbers("on January 9, 2022"))
    assert figures <= values_of(find_numbers("في 9 كانون الثاني 2022"))
    assert values_of(find_numbers("في 2022-01-09")) == figures


@pytest.mark.parametrize(("text", "value"), [
    ("ستة آلاف", 6000), ("six thousand", 6000), ("مئة وأربعة وستون", 164), ("one hundred and sixty-four", 164),
    ("ثلاثة آلاف وخمسمئة", 3500), ("a million", 1_000_000), ("مليونا", 1_000_000), ("ثلاثمائة", 300),
    ("2.5 مليون", 2_500_000), ("2.5 million", 2_500_000), ("2,500,000", 2_500_000), ("6 آلاف", 6000),
    ("عشرين ألفا", 20_000), ("والألف", 1000),
])
def test_common_number_words_are_read_as_values(text: str, value: int) -> None:
    assert firm_values(text) == [{Decimal(value)}]


@pytest.mark.parametrize("text", ["آلاف المحتجين", "thousands of protesters", "الوزيران", "one of the ministers",
                                  "اليوم الأحد", "الرئيس الثاني", "first time"])
def test_vague_or_small_number_words_ground_no_finding(text: str) -> None:
    assert firm_values(text) == []


def test_small_number_words_still_support_a_figure() -> None:
    assert Decimal(2) in values_of(find_numbers("the two ministers met"))
    assert Decimal(21) in values_of(find_numbers("الدورة الحادية والعشرين"))


def test_every_number_is_a_slice_of_the_text_it_was_found_in() -> None:
    text = "قتل ١٦٤ شخصا، وأصيب 2,200 آخرون، واعتقل نحو ستة آلاف في 9/1/2022 بنسبة ٣٫٥٪ (2.5 مليون)."
    numbers = find_numbers(text)
    assert [number.text for number in numbers] == ["١٦٤", "2,200", "ستة آلاف", "9", "1", "2022", "٣٫٥٪",
                                                   "2.5 مليون"]
    assert all(text[number.start:number.end] == number.text for number in numbers)


def test_a_value_is_shown_in_plain_grouped_figures() -> None:
    (number,) = find_numbers("ستة آلاف")
    assert show_value(number) == "6,000"
