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


def test_an_arabic_point_before_three_zeros_groups_thousands_and_is_not_also_six() -> None:
    """Issue 20: `6.000` counted as both 6 and 6,000, so "6" passed for six thousand."""
    assert firm_values("قتل 6.000 شخص") == [{Decimal(6000)}]


def test_an_arabic_point_before_three_digits_with_a_currency_may_mark_decimals_and_says_so() -> None:
    (number,) = find_numbers("بلغ السعر 6.500 دينار")
    assert number.values == {Decimal(6500), Decimal("6.5")} and number.note == "or 6.5" and number.unit == "dinar"


def test_an_english_point_marks_decimals() -> None:
    assert firm_values("rose 6.000 points") == [{Decimal(6)}]


@pytest.mark.parametrize("text", ["ارتفع 5% أمس", "ارتفع ٥٪ أمس", "ارتفع 5 في المئة أمس", "ارتفع 5 بالمائة أمس",
                                  "rose 5 percent", "rose 5 per cent"])
def test_a_percentage_is_its_value_and_its_sign_belongs_to_it(text: str) -> None:
    (number,) = find_numbers(text)
    assert number.values == {Decimal(5)} and number.firm
    assert number.text.startswith(("5", "٥")) and len(number.text) > 1


def test_hundred_in_a_written_out_percentage_is_not_the_number_100() -> None:
    (number,) = find_numbers("ارتفعت الأسعار خمسة في المئة")
    assert number.values == {Decimal(5)} and number.unit == "percent" and number.text == "خمسة في المئة"


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
    ("ثلاثة آلاف وخمسمئة", 3500), ("a million", 1_000_000), ("جمع مليونا", 1_000_000), ("ثلاثمائة", 300),
    ("2.5 مليون", 2_500_000), ("2.5 million", 2_500_000), ("2,500,000", 2_500_000), ("6 آلاف", 6000),
    ("عشرين ألفا", 20_000), ("والألف", 1000),
])
def test_common_number_words_are_read_as_values(text: str, value: int) -> None:
    assert firm_values(text) == [{Decimal(value)}]


@pytest.mark.parametrize("text", ["الوزيران", "one of the ministers", "اليوم الأحد", "الرئيس الثاني", "first time",
                                  "يوم الاثنين", "the two ministers"])
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


# --- issue 20: numbers read as a newsroom writes them -----------------------------------------------------------

@pytest.mark.parametrize(("text", "value"), [
    ("1.2 تريليون دولار", 1_200_000_000_000), ("1.2 ترليون", 1_200_000_000_000), ("$1.2 trillion", 1_200_000_000_000),
    ("3 آلاف و500 شخص", 3500), ("٣ آلاف و٥٠٠", 3500), ("مليون و200 ألف", 1_200_000),
    ("مليون ونصف المليون", 1_500_000), ("3 ملايين ونصف المليون", 3_500_000), ("مليار ونصف", 1_500_000_000),
    ("نصف مليون", 500_000), ("ربع مليون", 250_000), ("half a million", 500_000),
    ("a quarter of a million", 250_000), ("one and a half million", 1_500_000), ("مئتا جندي", 200),
    ("ألفا شخص", 2000), ("عشرين ألفا", 20_000), ("20 ألفا", 20_000), ("1.200.000", 1_200_000),
    ("1 200 000", 1_200_000), ("$1.2m", 1_200_000), ("$3.7B", 3_700_000_000), ("120k", 120_000),
    ("£3m", 3_000_000), ("5bn", 5_000_000_000),
])
def test_newsroom_forms_of_a_value_are_read(text: str, value: int) -> None:
    assert values_of(find_numbers(text)) == {Decimal(value)}, text


def test_a_percentage_may_start_with_its_point() -> None:
    (number,) = find_numbers("rose .5% in May")[:1]
    assert number.values == {Decimal("0.5")} and number.unit == "percent"


def test_alpha_after_variant_is_a_name_and_never_two_thousand() -> None:
    assert find_numbers("انتشر متحور ألفا في البلاد") == ()
    assert Decimal(2000) not in values_of(find_numbers("انتشر متحور ألفا في البلاد"))


@pytest.mark.parametrize(("text", "value"), [("التسعينيات", 90), ("في تسعينيات القرن الماضي", 90),
                                             ("in the 1990s", 90), ("the '90s", 90), ("the nineties", 90)])
def test_a_decade_is_read_as_a_decade(text: str, value: int) -> None:
    (number,) = find_numbers(text)
    assert number.kind == "decade" and number.values == {Decimal(value)}


def test_a_season_written_short_is_the_full_second_year() -> None:
    assert values_of(find_numbers("the 2023-24 season")) == values_of(find_numbers("موسم 2023-2024"))


@pytest.mark.parametrize("text", ["The toll may rise.", "protesters march on", "wait a second", "No one came"])
def test_english_words_that_are_not_numbers_here_are_not_read(text: str) -> None:
    assert firm_values(text) == []


@pytest.mark.parametrize(("text", "month"), [("in May", 5), ("on March 5", 3), ("since mid-May", 5),
                                             ("في 5 آذار", 3), ("في 5 مارس", 3), ("في 5 مارس 2024", 3),
                                             ("كانون الثاني", 1), ("تشرين الأول", 10), ("أيلول الماضي", 9),
                                             ("جوان 2023", 6), ("أوت", 8)])
def test_a_month_name_is_its_month_in_every_system(text: str, month: int) -> None:
    months = [number for number in find_numbers(text) if number.kind == "month"]
    assert [number.values for number in months] == [{Decimal(month)}]


def test_a_hijri_month_is_not_a_gregorian_one() -> None:
    (day, ramadan, year) = find_numbers("في 15 رمضان 1445هـ")
    assert ramadan.kind == "hijri" and ramadan.values == {Decimal(9)} and year.text == "1445"


def test_a_word_that_may_be_a_month_needs_a_date_beside_it() -> None:
    assert find_numbers("مارس الضغط على الحكومة") == ()
    assert find_numbers("Theresa May said") == ()


@pytest.mark.parametrize(("text", "size"), [("عشرات", 10), ("مئات", 100), ("آلاف المحتجين", 1000),
                                            ("عشرات الآلاف", 10_000), ("مئات الآلاف", 100_000), ("dozens", 10),
                                            ("hundreds", 100), ("thousands of protesters", 1000),
                                            ("tens of thousands", 10_000), ("بضعة", 3)])
def test_a_vague_quantity_is_read_as_its_size(text: str, size: int) -> None:
    (number,) = find_numbers(text)
    assert number.kind == "vague" and number.values == {Decimal(size)} and number.firm


@pytest.mark.parametrize(("text", "value"), [("الخامس", 5), ("الـ5", 5), ("المرتبة الثالثة", 3), ("the 5th", 5),
                                             ("fifth", 5), ("twenty-first", 21)])
def test_an_ordinal_is_its_number(text: str, value: int) -> None:
    (number,) = find_numbers(text)
    assert number.values == {Decimal(value)} and number.firm


@pytest.mark.parametrize(("text", "unit"), [("5 ملايين دولار", "dollar"), ("$5 million", "dollar"),
                                            ("5 ملايين يورو", "euro"), ("12 كيلومترا", "km"), ("12 miles", "mile"),
                                            ("3 أسابيع", "week"), ("5 million Saudi riyals", "riyal:SAR")])
def test_a_currency_or_unit_is_kept_beside_the_value(text: str, unit: str) -> None:
    (number,) = find_numbers(text)
    assert number.unit == unit


def test_a_long_figure_dense_text_is_read_whole() -> None:
    """Issue 20 (its speed is measured by `python -m eval.numbers --speed`, not here)."""
    text = "قتل 164 شخصا وأصيب 2,200 في 9/1/2022 بنسبة 3.5% (2.5 مليون دولار). " * 1500
    numbers = find_numbers(text)
    assert len(numbers) == 7 * 1500 and all(text[n.start:n.end] == n.text for n in numbers)
