"""Reading a newsroom glossary: TSV, CSV with quotes, DeepL's glossary CSV, and every bad row by its line number."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.errors import InputError
from core.types import Glossary, GlossaryTerm
from documents.glossary import (
    MAX_GLOSSARY_ROWS,
    from_csv,
    glossary_from_rows,
    parse_glossary,
    read_glossary,
    to_csv,
)

EXAMPLE = Path(__file__).parents[2] / "docs" / "glossary-example.csv"


def pairs(glossary: Glossary) -> list[tuple[str, str, int]]:
    return [(term.arabic, term.english, term.line) for term in glossary.terms]


def problems_of(text: str) -> dict[int, str]:
    return {problem.line: problem.message for problem in parse_glossary(text, "list.csv")[1]}


def test_tsv_rows_are_read_with_their_line_numbers() -> None:
    glossary, problems = parse_glossary("أنقرة\tAnkara\n\nتركيا\tTürkiye\n", "list.tsv")
    assert pairs(glossary) == [("أنقرة", "Ankara", 1), ("تركيا", "Türkiye", 3)]
    assert glossary.name == "list.tsv" and problems == []


def test_a_tab_separated_english_may_hold_commas() -> None:
    glossary, _ = parse_glossary("واشنطن\tWashington, D.C.\n", "list.tsv")
    assert pairs(glossary) == [("واشنطن", "Washington, D.C.", 1)]


def test_quoted_csv_fields_hold_commas_doubled_quotes_and_line_breaks() -> None:
    text = 'واشنطن,"Washington, D.C."\n"القبة الحديدية","the ""Iron Dome"""\n"غزة\nالقطاع",Gaza Strip\nمصر,Egypt\n'
    glossary, problems = parse_glossary(text, "list.csv")
    assert pairs(glossary) == [("واشنطن", "Washington, D.C.", 1), ("القبة الحديدية", 'the "Iron Dome"', 2),
                               ("غزة القطاع", "Gaza Strip", 3), ("مصر", "Egypt", 5)]
    assert problems == []


def test_deepl_glossary_csv_imports_as_is() -> None:
    """DeepL writes `source,target` rows without a header, optionally with the two language codes after them."""
    text = "أنقرة,Ankara,ar,en\r\n\"تركيا\",\"Türkiye\",AR,EN-GB\r\nكازاخستان,Kazakhstan\r\n"
    glossary, problems = parse_glossary(text, "deepl.csv")
    assert pairs(glossary) == [("أنقرة", "Ankara", 1), ("تركيا", "Türkiye", 2), ("كازاخستان", "Kazakhstan", 3)]
    assert problems == []


def test_a_header_row_and_a_byte_order_mark_are_skipped() -> None:
    glossary, problems = parse_glossary("\ufeffArabic,English\nأنقرة,Ankara\n", "list.csv")
    assert pairs(glossary) == [("أنقرة", "Ankara", 2)] and problems == []
    assert pairs(read_glossary("list.csv", "\ufeffsource\ttarget\nأنقرة\tAnkara\n".encode())[0]) == [
        ("أنقرة", "Ankara", 2)]


def test_a_first_row_that_only_looks_like_column_names_is_a_term() -> None:
    assert pairs(parse_glossary("عربي,Arabic\nأنقرة,Ankara\n", "list.csv")[0]) == [("عربي", "Arabic", 1),
                                                                                  ("أنقرة", "Ankara", 2)]


def test_semicolon_csv_from_a_european_spreadsheet_is_read() -> None:
    assert pairs(parse_glossary("أنقرة;Ankara\nمصر;Egypt\n", "list.csv")[0]) == [("أنقرة", "Ankara", 1),
                                                                                 ("مصر", "Egypt", 2)]


def test_bad_rows_are_reported_by_line_number_and_the_good_ones_kept() -> None:
    text = ("أنقرة,Ankara\n"
            "مصر\n"                       # 2: one column
            ",Egypt\n"                    # 3: empty Arabic
            "ليبيا,\n"                    # 4: empty English
            "Ankara,أنقرة\n"              # 5: columns swapped
            "تونس,Tunisia,x\n"            # 6: three columns
            "السودان,Sudan,fr,de\n"       # 7: language codes of another pair
            "أنقَرة,Angora\n"             # 8: the same term with another English
            "لبنان,Lebanon\n")
    glossary, problems = parse_glossary(text, "list.csv")
    assert pairs(glossary) == [("أنقرة", "Ankara", 1), ("لبنان", "Lebanon", 9)]
    assert [problem.line for problem in problems] == [2, 3, 4, 5, 6, 7, 8]
    found = problems_of(text)
    assert "one column" in found[2] and "Arabic side is empty" in found[3] and "English side" in found[4]
    assert "no Arabic letters" in found[5] and "Arabic term comes first" in found[5]
    assert "3 columns" in found[6] and "'fr', 'de'" in found[7]
    assert "line 1" in found[8] and "'Ankara'" in found[8] and "'Angora'" in found[8]
    assert str(problems[0]).startswith("line 2: ")


def test_an_identical_duplicate_is_merged_in_silence() -> None:
    glossary, problems = parse_glossary("أنقرة,Ankara\nانقره,Ankara\n", "list.csv")
    assert pairs(glossary) == [("أنقرة", "Ankara", 1)] and problems == []


def test_an_unclosed_quote_is_reported_where_it_opens() -> None:
    glossary, problems = parse_glossary('أنقرة,Ankara\n"مصر,Egypt\nليبيا,Libya\n', "list.csv")
    assert pairs(glossary) == [("أنقرة", "Ankara", 1)]
    assert [problem.line for problem in problems] == [2] and "never closed" in problems[0].message


def test_an_unclosed_quote_before_a_long_rest_is_an_input_error_naming_its_line() -> None:
    text = 'أنقرة,Ankara\n"مصر,Egypt\n' + "".join(f"كلمة,word {index}\n" for index in range(10_000))
    with pytest.raises(InputError, match="from line 2 on .*never closed"):
        parse_glossary(text, "list.csv")


def test_a_file_without_rows_is_an_input_error() -> None:
    with pytest.raises(InputError, match="no glossary rows"):
        parse_glossary("\n  \n", "empty.csv")


def test_too_many_rows_is_an_input_error() -> None:
    text = "".join(f"كلمة{index},word {index}\n" for index in range(MAX_GLOSSARY_ROWS + 1))
    with pytest.raises(InputError, match="at most 10,000"):
        parse_glossary(text, "big.csv")


def test_a_file_that_is_not_utf8_is_an_input_error_naming_it() -> None:
    with pytest.raises(InputError, match="'list.csv' is not UTF-8"):
        read_glossary("list.csv", "أنقرة,Ankara\n".encode("cp1256"))


def test_to_csv_reads_back_to_the_same_terms() -> None:
    glossary = Glossary("list.csv", (GlossaryTerm("واشنطن", "Washington, D.C.", 1),
                                     GlossaryTerm("القبة الحديدية", 'the "Iron Dome"', 2)))
    again, problems = parse_glossary(to_csv(glossary), "again.csv")
    assert again.terms == glossary.terms and problems == []


def test_the_example_glossary_reads_without_problems() -> None:
    glossary, problems = read_glossary(EXAMPLE.name, EXAMPLE.read_bytes())
    assert problems == [] and len(glossary.terms) >= 12
    assert ("تركيا", "Türkiye") in [(term.arabic, term.english) for term in glossary.terms]


def test_table_rows_are_checked_as_file_rows_and_numbered_from_one() -> None:
    rows = [("أنقرة", "Ankara"), ("مصر", None), (None, None), ("Ankara", "أنقرة"), ("  أنقَرة ", "Angora"),
            ("تركيا", " Türkiye  ")]
    glossary, problems = glossary_from_rows(rows, "typed")
    assert pairs(glossary) == [("أنقرة", "Ankara", 1), ("تركيا", "Türkiye", 6)]
    assert [(problem.line, problem.message.split(":")[0]) for problem in problems] == [
        (2, "the English side of 'مصر' is empty."),
        (4, "'Ankara' holds no Arabic letters"),
        (5, "'أنقَرة' is already on line 1 as 'Ankara', not 'Angora'; keep one English."),
    ]
    assert [problem.message for problem in problems] == [
        problem.message for problem in parse_glossary("أنقرة,Ankara\nمصر,\n\nAnkara,أنقرة\nأنقَرة,Angora\n",
                                                      "f.csv")[1]]


def test_a_typed_first_row_is_never_taken_for_a_header() -> None:
    glossary, problems = glossary_from_rows([("عربي", "English")], "typed")
    assert pairs(glossary) == [("عربي", "English", 1)] and problems == []


def test_from_csv_reads_back_what_to_csv_wrote_even_a_header_like_first_term() -> None:
    glossary = Glossary("list.csv", (GlossaryTerm("عربي", "English", 1),
                                     GlossaryTerm("القبة الحديدية", 'the "Iron Dome", Israel', 2)))
    assert from_csv(to_csv(glossary), "list.csv") == glossary
    assert from_csv("", "none") == Glossary("none")
