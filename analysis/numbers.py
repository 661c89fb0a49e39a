"""Numbers in Arabic or English text, found with their offsets and read as values, so `2200`, `2,200`, `٢٢٠٠`,
`2.2 thousand` and `ألفان ومئتان` compare equal. Pure functions, no model.

Figures in digits are read exactly (ASCII and Arabic-Indic digits; `,` `٬` group thousands, `.` `٫` mark decimals;
`6.000` may be either, so it stands for both 6 and 6000). Common number words of both languages are read too, but
only those of a hundred or more (`ستة آلاف`, `six thousand`, `ثلاثمائة`) are `firm`, able to ground a finding on their
own: small number words (`one`, `أحد`, `الثاني`) and month names serve only as support for the other side, because
they are too often ordinary words, and Arabic duals (`الوزيران`, "the two ministers") carry no number word at all.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal

from arabic.grouping import normalize
from arabic.text import MARKS, TATWEEL

_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "0123456789" * 2)
# Group separators need exactly three digits after them; `2,5` (a comma decimal in some Arabic typing) is read both
# ways. Percent signs and "في المئة" belong to the figure, so `المئة` is not read as the word "hundred".
_FIGURE = re.compile(
    r"(?<![\d.٫])(?P<figure>\d+(?:[,٬]\d{3})+(?:[.٫]\d+)?|\d+,\d{1,2}(?![\d,])|\d+(?:[.٫]\d+)?)"
    r"(?P<percent>\s?[%٪]|\s*(?:في\s?ال|بال)م[ئا]ئ?[ةه]|\s*per\s?cent)?",
    re.IGNORECASE,
)
_MARKS = MARKS + TATWEEL
_WORD = re.compile(rf"(?:[^\W\d_]|[{_MARKS}])+")
# "Per cent" written out after a number word (`خمسة في المئة`): `المئة` there is not the number 100.
_PERCENT_WORDS = re.compile(r"(?:في\s?ال|بال)م[ئا]ئ?[ةه]")
_JOINER = re.compile(r"[\s\-]*")
_PROCLITICS = ("وال", "بال", "فال", "كال", "ولل", "لل", "ال", "و", "ف", "ب", "ل", "ك")

UNIT, HUNDRED, SCALE, PLURAL_SCALE, MONTH = "unit", "hundred", "scale", "plural", "month"


def _entries(kind: str, table: dict[int, str]) -> dict[str, tuple[str, int]]:
    return {normalize(word): (kind, value) for value, words in table.items() for word in words.split()}


# Looked up `normalize`d (alef and hamza seats folded, ة → ه, ى → ي) and in lower case.
_WORDS: dict[str, tuple[str, int]] = {
    **_entries(UNIT, {
        1: "واحد واحده احد احدي حادي حاديه اول اولي one first", 2: "اثنان اثنين اثنتان اثنتين اثنا اثني اثنتا "
        "اثنتي ثاني ثانيه two second", 3: "ثلاث ثلاثه ثالث ثالثه three third", 4: "اربع اربعه رابع رابعه four "
        "fourth", 5: "خمس خمسه خامس خامسه five fifth", 6: "ست سته سادس سادسه six sixth", 7: "سبع سبعه سابع "
        "سابعه seven seventh", 8: "ثمان ثماني ثمانيه ثامن ثامنه eight eighth", 9: "تسع تسعه تاسع تاسعه nine "
        "ninth", 10: "عشر عشره عاشر عاشره ten tenth", 11: "eleven", 12: "twelve", 13: "thirteen", 14: "fourteen",
        15: "fifteen", 16: "sixteen", 17: "seventeen", 18: "eighteen", 19: "nineteen",
        20: "عشرون عشرين twenty", 30: "ثلاثون ثلاثين thirty", 40: "اربعون اربعين forty", 50: "خمسون خمسين "
        "fifty", 60: "ستون ستين sixty", 70: "سبعون سبعين seventy", 80: "ثمانون ثمانين eighty", 90: "تسعون تسعين "
        "ninety", 200: "مئتان مئتين مئتي مائتان مائتين مائتي", 300: "ثلاثمئه ثلاثمائه", 400: "اربعمئه اربعمائه",
        500: "خمسمئه خمسمائه", 600: "ستمئه ستمائه", 700: "سبعمئه سبعمائه", 800: "ثمانمئه ثمانمائه ثمانيمئه "
        "ثمانيمائه", 900: "تسعمئه تسعمائه", 2000: "الفان الفين الفي", 2_000_000: "مليونان مليونين مليوني",
        2_000_000_000: "ملياران مليارين ملياري",
    }),
    **_entries(HUNDRED, {100: "مئه مائه hundred"}),
    **_entries(SCALE, {1000: "الف الفا thousand", 1_000_000: "مليون مليونا million mln mn",
                       1_000_000_000: "مليار مليارا بليون billion bn", 1_000_000_000_000: "trillion"}),
    **_entries(PLURAL_SCALE, {1000: "الاف", 1_000_000: "ملايين", 1_000_000_000: "مليارات"}),
    **_entries(MONTH, {
        1: "يناير كانون january jan", 2: "فبراير شباط february feb", 3: "مارس اذار march mar", 4: "ابريل نيسان "
        "april apr", 5: "مايو ايار may", 6: "يونيو حزيران june jun", 7: "يوليو تموز july jul", 8: "اغسطس اب august "
        "aug", 9: "سبتمبر ايلول september sep sept", 10: "اكتوبر تشرين october oct", 11: "نوفمبر تشرين november "
        "nov", 12: "ديسمبر كانون december dec",
    }),
}
# Levantine month names shared by two months: `كانون الثاني` is January, `كانون الأول` December.
_MONTHS = {"كانون": frozenset({1, 12}), "تشرين": frozenset({10, 11})}


@dataclass(frozen=True)
class Number:
    """A number as written at `text[start:end]`; `values` are the values it may stand for.

    `words` says it is written (partly) in words; `firm` that it is precise enough to ground a finding: every
    figure in digits, and number words of a hundred or more.
    """

    start: int
    end: int
    text: str
    values: frozenset[Decimal]
    words: bool = False
    firm: bool = True


def find_numbers(text: str) -> tuple[Number, ...]:
    """Every number in `text`, figures and number words, sorted by position; offsets index `text`."""
    plain = text.translate(_DIGITS)
    words = [_Word(match.start(), match.end(), _lookup(match.group())) for match in _WORD.finditer(plain)]
    figures = list(_figures(text, plain, words))
    taken = [(number.start, number.end) for number in figures]
    taken += [match.span() for match in _PERCENT_WORDS.finditer(plain)]
    free = [word for word in words if not any(start <= word.start < end for start, end in taken)]
    return tuple(sorted([*figures, *_word_numbers(text, free)], key=lambda number: number.start))


def values_of(numbers: Iterable[Number]) -> frozenset[Decimal]:
    """Every value the numbers may stand for."""
    return frozenset(value for number in numbers for value in number.values)


def unmatched(numbers: Iterable[Number], against: frozenset[Decimal]) -> Iterator[Number]:
    """The firm numbers none of whose values is in `against`."""
    return (number for number in numbers if number.firm and not number.values & against)


def show_value(number: Number) -> str:
    """The smallest value in plain figures with thousands grouped: `ستة آلاف` → `6,000`."""
    return f"{min(number.values).normalize():,f}"


@dataclass(frozen=True)
class _Word:
    start: int
    end: int
    entry: tuple[str, int] | None


def _lookup(token: str) -> tuple[str, int] | None:
    """The number-word entry of a token, after folding and removing a proclitic (`وخمسمئة`, `الألف`)."""
    key = normalize(token).lower()
    if key in _WORDS:
        return _WORDS[key]
    return next((_WORDS[key[len(prefix):]] for prefix in _PROCLITICS
                 if key.startswith(prefix) and key[len(prefix):] in _WORDS), None)


def _figures(text: str, plain: str, words: list[_Word]) -> Iterator[Number]:
    """Figures in digits, each with a scale word right after it (`2.5 مليون`, `6 thousand`) multiplied in."""
    following = {word.start: word for word in words}
    for match in _FIGURE.finditer(plain):
        values, end = _figure_values(match.group("figure")), match.end()
        gap = _JOINER.match(plain, end)
        word = following.get(gap.end()) if not match.group("percent") else None
        if word and word.entry and word.entry[0] in (HUNDRED, SCALE, PLURAL_SCALE):
            values, end = frozenset(value * word.entry[1] for value in values), word.end
        yield Number(match.start(), end, text[match.start():end], values)


def _figure_values(figure: str) -> frozenset[Decimal]:
    """`2,200` → {2200}; `2.5` → {2.5}; `6.000` → {6, 6000}; `2,5` → {2.5, 2, 5}."""
    figure = figure.replace("٫", ".").replace("٬", ",")
    if re.fullmatch(r"\d+,\d{1,2}", figure):
        whole, fraction = figure.split(",")
        return frozenset({Decimal(f"{whole}.{fraction}"), Decimal(whole), Decimal(fraction)})
    if "," in figure:
        return frozenset({Decimal(figure.replace(",", ""))})
    if re.fullmatch(r"\d+\.\d{3}", figure):
        return frozenset({Decimal(figure), Decimal(figure.replace(".", ""))})
    return frozenset({Decimal(figure)})


def _word_numbers(text: str, words: list[_Word]) -> Iterator[Number]:
    """Runs of adjacent number words read as one value: `مئة وأربعة وستون` → 164, `six thousand` → 6000."""
    index = 0
    while index < len(words):
        word = words[index]
        if word.entry and word.entry[0] == MONTH:
            key = normalize(text[word.start:word.end]).lower()
            months = _MONTHS.get(key, frozenset({word.entry[1]}))
            yield Number(word.start, word.end, text[word.start:word.end],
                         frozenset(Decimal(month) for month in months), words=True, firm=False)
            index += 1
            continue
        run = _run(text, words, index)
        if run is None:
            index += 1
            continue
        number, index = run
        yield number


def _run(text: str, words: list[_Word], first: int) -> tuple[Number, int] | None:
    """The number that starts at `words[first]` (with "a"/"an"/"and" read in English) and the index after it."""
    total = current = 0
    firm, index, last, edge = False, first, None, None
    while index < len(words):
        word, entry = words[index], words[index].entry
        if edge is not None and _JOINER.fullmatch(text, edge, word.start) is None:
            break
        edge = word.end
        lowered = text[word.start:word.end].lower()
        after = words[index + 1].entry if index + 1 < len(words) else None
        if entry is None and lowered in ("a", "an") and last is None and after and after[0] in (HUNDRED, SCALE):
            current, index = 1, index + 1
            continue
        if entry is None and lowered == "and" and last is not None and after and after[0] in (UNIT, HUNDRED):
            index += 1
            continue
        if entry is None or entry[0] == MONTH or (entry[0] == PLURAL_SCALE and not current):
            break
        kind, value = entry
        if kind == UNIT:
            current, firm = current + value, firm or value >= 100
        elif kind == HUNDRED:
            current, firm = (current or 1) * value, True
        else:
            total, current, firm = total + (current or 1) * value, 0, True
        last, index = index, index + 1
    if last is None:
        return None
    start, end = words[first].start, words[last].end
    return Number(start, end, text[start:end], frozenset({Decimal(total + current)}), words=True, firm=firm), index
