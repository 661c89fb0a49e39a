"""A newsroom glossary file: one Arabic term and the English the desk writes for it on each row.

The file is a two-column TSV or CSV (the first row's separator decides: a tab, else a comma, else a semicolon as
European spreadsheets write it), UTF-8 with or without a byte order mark, fields quoted by the CSV rules (a field
may hold the separator, a doubled quote or a line break). DeepL's glossary CSV imports as is: rows of
`source,target` without a header, optionally followed by the language codes (`أنقرة,Ankara,ar,en`). A first row
that is only column names (`arabic,english`, `source,target`) is skipped. Every row that cannot be used is
reported with its line number, never dropped in silence; a row identical to an earlier one (same folded Arabic,
same English) is merged.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from arabic.glossary_match import term_key
from arabic.text import is_arabic_letter
from core.errors import InputError
from core.types import Glossary, GlossaryTerm

MAX_GLOSSARY_CHARS = 2_000_000
MAX_GLOSSARY_ROWS = 10_000
# Names a spreadsheet's first row may give the two columns; compared case-folded. Each side has its own, so a
# real first row such as `عربي,Arabic` is not taken for a header.
_HEADER_ARABIC = frozenset("arabic source ar term عربي العربية المصطلح".split())
_HEADER_ENGLISH = frozenset("english target en translation rendering انجليزي الانجليزية الإنجليزية".split())
_LANGUAGE_CODE = re.compile(r"([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]+)?")


@dataclass(frozen=True)
class GlossaryProblem:
    """A row of a glossary file that was not used, and why: `str(problem)` reads "line 4: ..."."""

    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


def read_glossary(name: str, data: bytes) -> tuple[Glossary, list[GlossaryProblem]]:
    """Decode the bytes of the glossary file called `name` and parse them (`parse_glossary`); raises `InputError`
    when the file is too big or not UTF-8."""
    if len(data) > MAX_GLOSSARY_CHARS * 4:
        raise InputError(f"'{name}' is {len(data):,} bytes; a glossary may be at most {MAX_GLOSSARY_CHARS * 4:,}. "
                         "Split the list or keep the terms this desk uses.")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise InputError(f"'{name}' is not UTF-8 text (byte {error.start:,} cannot be read). Save the glossary "
                         "as 'CSV UTF-8' or as UTF-8 text and load it again.") from None
    return parse_glossary(text, name)


def parse_glossary(text: str, name: str) -> tuple[Glossary, list[GlossaryProblem]]:
    """The glossary in `text` (the contents of the file called `name`) and the problems of its unusable rows.

    Raises `InputError` when the text is over `MAX_GLOSSARY_CHARS`, holds over `MAX_GLOSSARY_ROWS` rows, or holds
    no row at all. `parse_glossary("أنقرة\\tAnkara\\n", "g.tsv")[0].terms == (GlossaryTerm("أنقرة", "Ankara", 1),)`.
    """
    if len(text) > MAX_GLOSSARY_CHARS:
        raise InputError(f"'{name}' holds {len(text):,} characters; a glossary may hold at most "
                         f"{MAX_GLOSSARY_CHARS:,}. Split the list or keep the terms this desk uses.")
    text = text.removeprefix("\ufeff")
    rows = _rows(text, name)
    if not rows:
        raise InputError(f"'{name}' holds no glossary rows: write one Arabic term and its English per line, "
                         "separated by a tab or a comma.")
    if len(rows) > MAX_GLOSSARY_ROWS:
        raise InputError(f"'{name}' holds {len(rows):,} rows; a glossary may hold at most {MAX_GLOSSARY_ROWS:,}. "
                         "Split the list or keep the terms this desk uses.")
    problems: list[GlossaryProblem] = []
    if _unclosed(text, rows[-1][0]):
        problems.append(GlossaryProblem(rows[-1][0], "a quote opened on this line is never closed, so the rest of "
                                                     "the file was read as one field; close it."))
        rows = rows[:-1]
    if rows and _is_header(rows[0][1]):
        rows = rows[1:]
    terms, row_problems = _terms(rows)
    return Glossary(name=name, terms=terms), sorted(problems + row_problems, key=lambda problem: problem.line)


def glossary_from_rows(rows: Iterable[Sequence[str | None]], name: str) -> tuple[Glossary, list[GlossaryProblem]]:
    """The glossary of rows typed into a table (or read back from `to_csv`), checked as a file's rows are: the
    n-th row (from 1) is "line" n of its problems; blank rows and missing cells (`None`) are read as empty, and no
    row is taken for a header. Raises `InputError` over `MAX_GLOSSARY_ROWS` rows."""
    numbered = [(number, cells) for number, row in enumerate(rows, start=1)
                if any(cells := _cells(cell or "" for cell in row))]
    if len(numbered) > MAX_GLOSSARY_ROWS:
        raise InputError(f"'{name}' holds {len(numbered):,} rows; a glossary may hold at most "
                         f"{MAX_GLOSSARY_ROWS:,}. Split the list or keep the terms this desk uses.")
    terms, problems = _terms(numbered)
    return Glossary(name=name, terms=terms), problems


def from_csv(text: str, name: str) -> Glossary:
    """The glossary that `to_csv` wrote as `text` (the usable rows of any CSV)."""
    return glossary_from_rows(csv.reader(io.StringIO(text, newline="")), name)[0]


def to_csv(glossary: Glossary) -> str:
    """The glossary as DeepL's glossary CSV (`arabic,english` rows, no header), which `parse_glossary` reads back
    to the same terms."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerows((term.arabic, term.english) for term in glossary.terms)
    return out.getvalue()


def _rows(text: str, name: str) -> list[tuple[int, list[str]]]:
    """The non-blank records of `text` as `(first line, cells)`, the cells as `_cells` makes them."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(first))
    rows: list[tuple[int, list[str]]] = []
    line = 1
    try:
        for record in reader:
            cells = _cells(record)
            if any(cells):
                rows.append((line, cells))
            line = reader.line_num + 1
    except csv.Error as error:
        # The reader's one failure on text: a field past its size limit, i.e. a quote opened and never closed.
        raise InputError(f"'{name}' cannot be read as a glossary from line {line} on ({error}): a quote opened "
                         "there is probably never closed. Close it and load the file again.") from None
    return rows


def _cells(record: Iterable[str]) -> list[str]:
    """A row's cells with the whitespace inside each collapsed to one space, and the empty cells after the second
    dropped (spreadsheets pad rows with separators)."""
    cells = [" ".join(cell.split()) for cell in record]
    while len(cells) > 2 and not cells[-1]:
        cells.pop()
    return cells


def _terms(rows: list[tuple[int, list[str]]]) -> tuple[tuple[GlossaryTerm, ...], list[GlossaryProblem]]:
    """The terms of the numbered rows, and the problems of those that cannot be used; a row whose folded Arabic
    is an earlier row's is merged when its English is the same and a problem when not."""
    terms: list[GlossaryTerm] = []
    problems: list[GlossaryProblem] = []
    first_line: dict[str, GlossaryTerm] = {}
    for line, cells in rows:
        problem = _row_problem(cells)
        if problem:
            problems.append(GlossaryProblem(line, problem))
            continue
        term = GlossaryTerm(arabic=cells[0], english=cells[1], line=line)
        earlier = first_line.get(term_key(term.arabic))
        if earlier is None:
            first_line[term_key(term.arabic)] = term
            terms.append(term)
        elif earlier.english != term.english:
            problems.append(GlossaryProblem(line, f"'{term.arabic}' is already on line {earlier.line} as "
                                                  f"'{earlier.english}', not '{term.english}'; keep one English."))
    return tuple(terms), problems


def _delimiter(first_row: str) -> str:
    """A tab where the first row holds one, else a comma, else a semicolon (European spreadsheets' CSV)."""
    if "\t" in first_row:
        return "\t"
    return ";" if ";" in first_row and "," not in first_row else ","


def _unclosed(text: str, line: int) -> bool:
    """Whether the record starting at `line` (the last one) opened a quote that the file never closes, so the CSV
    reader read to the end as one field: an odd number of quotes from that line on, over more than one line."""
    rest = "".join(io.StringIO(text, newline="").readlines()[line - 1 :]).strip()
    return rest.count('"') % 2 == 1 and any(end in rest for end in "\r\n")


def _is_header(cells: list[str]) -> bool:
    return len(cells) >= 2 and cells[0].casefold() in _HEADER_ARABIC and cells[1].casefold() in _HEADER_ENGLISH


def _row_problem(cells: list[str]) -> str:
    """Why a row cannot be used, or ""."""
    if len(cells) == 1:
        return (f"one column ('{cells[0]}'): write the Arabic term, a tab or a comma, then its English "
                "(quote a term that holds a comma).")
    if len(cells) not in (2, 4):
        return (f"{len(cells)} columns: write the Arabic term and its English, optionally followed by the language "
                "codes as DeepL writes them (ar,en); quote a term that holds a comma.")
    arabic, english = cells[:2]
    if len(cells) == 4 and _codes(cells[2:]) != ("ar", "en"):
        return f"the language codes '{cells[2]}', '{cells[3]}' do not say Arabic to English (ar, en)."
    if not arabic:
        return f"the Arabic side is empty (English '{english}')."
    if not english:
        return f"the English side of '{arabic}' is empty."
    if not any(is_arabic_letter(char) for char in arabic):
        swapped = any(is_arabic_letter(char) for char in english)
        return (f"'{arabic}' holds no Arabic letters"
                + (": the Arabic term comes first, then its English." if swapped else "."))
    return ""


def _codes(cells: list[str]) -> tuple[str, ...]:
    """The base language of each code (`EN-GB` → `en`), or the cell itself when it is not a language code."""
    return tuple(match.group(1).lower() if (match := _LANGUAGE_CODE.fullmatch(cell)) else cell for cell in cells)
