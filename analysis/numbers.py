"""Numbers in Arabic or English text as a newsroom writes them, found with their offsets and read as values, so
`2200`, `2,200`, `٢٢٠٠`, `2.2 ألف`, `ألفان ومئتان` and "two thousand two hundred" compare equal. Pure functions,
no model; one pass over the text's tokens, so the time grows with the text's length alone.

Read: figures in ASCII, Arabic-Indic and Persian digits with `,` `٬`, `.` (Maghreb, `1.200.000`) or space
(`1 200 000`) grouping; scale words after them (`2.5 مليون`, `1.2 تريليون`, "$1.2m", "120k", "3.7bn"), continued
by `و` (`3 آلاف و500` = 3,500) or a half (`3 ملايين ونصف المليون`); number words of both languages, with duals
(`مئتا`, `ألفان`) and fractions (`نصف مليون`, `ثلثا`, "two-thirds", "half a million"); vague quantities (`عشرات`,
`مئات الآلاف`, `بضعة`, "dozens", "tens of thousands"); ordinals (`الخامس`, "5th"); months of the Gregorian
(Egyptian/Gulf, Levantine, Maghreb) and Hijri calendars, English months only where they are months ("in May", not
"may rise"); decades (`التسعينيات`, "the 1990s"); seasons (`2023-24` = 2023-2024); percentages, currencies and units
kept beside the value. `6.000` in Arabic is six thousand unless a unit that takes decimals follows, where it is
read both ways and says so; `ألفا` is a thousand after a number, 2,000 before a noun, and the name Alpha after
`متحور`.

Small words are too often ordinary words to ground a finding on their own (`one`, `أحد`, `الأول`, English "two",
which stands for Arabic duals that carry no number word): they are not `firm`, and only support the other side.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from analysis import number_words as lex
from arabic.grouping import normalize
from arabic.text import MARKS, TATWEEL

_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "0123456789" * 2)
_TOKEN = re.compile(
    r"(?P<figure>(?<![\d.٫,٬])(?:\d{1,3}(?:[,٬]\d{3})+(?:[.٫]\d+)?|\d{1,3}(?:\.\d{3}){2,}(?![\d.])"
    r"|\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?![\d.,٫٬])|\d+,\d{1,2}(?![\d,])|\d+(?:[.٫]\d+)?)|(?<!\S)[.٫]\d+)"
    rf"|(?P<word>(?:[^\W\d_]|[{MARKS}{TATWEEL}])+)"
    r"|(?P<mark>[%٪$€£¥\-–—/:'’])"
)
_ARABIC = re.compile("[\u0600-\u06ff]")
_PROCLITICS = ("وال", "بال", "فال", "كال", "ولل", "لل", "ال", "و", "ف", "ب", "ل", "ك")
FIGURE, WORDS = "figure", "words"
_PERCENT_FIRST = {"%", "٪", *(words[0] for words in lex.PERCENT_WORDS)}
ALPHA = "or the name Alpha"
_SUFFIXES = {"k": 1000, "m": 10**6, "mn": 10**6, "mln": 10**6, "b": 10**9, "bn": 10**9, "bln": 10**9,
             "tn": 10**12, "trn": 10**12}
_VAGUE_NAMES = {10: "tens", 100: "hundreds", 1000: "thousands", 10**4: "tens of thousands",
                10**5: "hundreds of thousands", 10**6: "millions", 10**7: "tens of millions",
                10**8: "hundreds of millions", 10**9: "billions", 10**12: "trillions", 3: "a few"}
_MONTH_NAMES = "January February March April May June July August September October November December".split()
_HIJRI_NAMES = ("Muharram Safar Rabi al-Awwal,Rabi al-Thani,Jumada al-Ula,Jumada al-Akhira,Rajab Shaaban Ramadan "
                "Shawwal Dhu al-Qadah,Dhu al-Hijjah").replace(" ", ",").replace(",al-", " al-").split(",")


@dataclass(frozen=True)
class Number:
    """A number as written at `text[start:end]`; `values` are the values it stands for (two only where it may be
    read two ways, said in `note`: "or 6", "or the name Alpha").

    `kind` is "figure", "words", "ordinal", "fraction", "vague" (`values` then holds its size: 100 for hundreds),
    "month", "hijri" (a Hijri month) or "decade" (`values` holds 90 for the 1990s); `unit` the currency or unit
    written beside it ("dollar", "pound:GBP", "percent", "km"); `firm` that it is precise enough to ground a
    finding on its own.
    """

    start: int
    end: int
    text: str
    values: frozenset[Decimal]
    words: bool = False
    firm: bool = True
    kind: str = FIGURE
    unit: str | None = None
    note: str = ""


def find_numbers(text: str) -> tuple[Number, ...]:
    """Every number in `text`, sorted by position; offsets index `text`."""
    return tuple(_Reader(text).numbers())


def values_of(numbers: Iterable[Number]) -> frozenset[Decimal]:
    """Every value the numbers may stand for."""
    return frozenset(value for number in numbers for value in number.values)


def show_value(number: Number) -> str:
    """How a number was read, in the reader's terms: `ستة آلاف` → `6,000`, `مئات` → "hundreds", `آذار` → "March"."""
    value = max(number.values)
    if number.kind == "vague":
        return _VAGUE_NAMES.get(int(value), f"about {value:,f}")
    if number.kind == "month":
        return _MONTH_NAMES[int(value) - 1]
    if number.kind == "hijri":
        return _HIJRI_NAMES[int(value) - 1]
    if number.kind == "decade":
        return f"the '{int(value):02d}s"
    if number.kind == "fraction" and value < 1:
        return {Decimal("0.5"): "1/2", Decimal("0.25"): "1/4", Decimal("0.75"): "3/4"}.get(
            value, {lex.third(1, 3): "1/3", lex.third(2, 3): "2/3"}.get(value, f"{value:f}"))
    shown = f"{value.normalize():,f}"
    if number.kind != "ordinal":
        return shown
    return shown + ("th" if value % 100 in (11, 12, 13) else {1: "st", 2: "nd", 3: "rd"}.get(int(value % 10), "th"))


def reading(number: Number) -> str:
    """`show_value` with the unit and any second reading: "5,000,000 dollar", "6,000 (or 6)"."""
    unit = f" {number.unit.split(':')[0]}" if number.unit and number.unit != "percent" else ""
    percent = "%" if number.unit == "percent" else ""
    return f"{show_value(number)}{percent}{unit}" + (f" ({number.note})" if number.note else "")


def agree(one: Number, other: Number) -> bool:
    """Whether two numbers may be the same: a value in common, of kinds that compare (a vague "hundreds" only with
    another vague quantity, a decade with a decade, a Hijri month with a Hijri month, a small ordinal word only
    with an ordinal)."""
    special = ("vague", "decade", "hijri")
    if (one.kind in special or other.kind in special) and one.kind != other.kind:
        return False
    if (not one.firm or not other.firm) and (one.kind == "ordinal") != (other.kind == "ordinal"):
        return False  # "the second battle" is no support for a 2 of the Arabic
    return bool(one.values & other.values)


def same_unit(one: Number, other: Number) -> bool:
    """Units compare where both sides write one: "dollar" fits `dollar` and "pound" fits "pound:GBP"."""
    if not one.unit or not other.unit:
        return True
    family, _, code = one.unit.partition(":")
    other_family, _, other_code = other.unit.partition(":")
    return family == other_family and (not code or not other_code or code == other_code)


class _Reader:
    """One left-to-right pass over the tokens of a text (figures, words and the marks numbers use)."""

    def __init__(self, text: str) -> None:
        self.text, self.plain = text, text.translate(_DIGITS)
        self.arabic = bool(_ARABIC.search(text))
        matches = list(_TOKEN.finditer(self.plain))
        self.spans = [match.span() for match in matches]
        self.kinds = [match.lastgroup for match in matches]
        self.raw = [match.group() for match in matches]
        self.keys: list[str] = []
        self.folded: list[str] = []
        self.entries: list[tuple[str, object] | None] = []
        self.joined_by_and: list[bool] = []
        for raw, kind in zip(self.raw, self.kinds):
            key, entry, prefix, folded = _lookup(raw) if kind == "word" else (raw, None, "", raw)
            self.keys.append(key)
            self.folded.append(folded)
            self.entries.append(entry)
            self.joined_by_and.append(prefix.startswith("و"))

    def numbers(self) -> Iterable[Number]:
        index = 0
        while index < len(self.kinds):
            kind = self.kinds[index]
            found = self._figure(index) if kind == "figure" else self._word(index) if kind == "word" else None
            if found is None:
                index += 1
                continue
            numbers, index = found
            yield from numbers

    # --- small helpers over tokens ----------------------------------------------------------------------------

    def gap(self, index: int) -> str | None:
        """The text between token `index` and the next; None after the last."""
        if index + 1 >= len(self.spans):
            return None
        return self.plain[self.spans[index][1]:self.spans[index + 1][0]]

    def joined(self, index: int) -> bool:
        """Whether token `index` and the next are separated by nothing or by spaces only."""
        gap = self.gap(index)
        return gap is not None and len(gap) <= 3 and (gap == "" or gap.isspace())

    def is_word(self, index: int, *keys: str) -> bool:
        return 0 <= index < len(self.kinds) and self.kinds[index] == "word" and (
            not keys or self.keys[index] in keys or self.folded[index] in keys)

    def entry_kind(self, index: int) -> str | None:
        if not self.is_word(index) or self.entries[index] is None:
            return None
        return self.entries[index][0]

    def make(self, first: int, last: int, values: Iterable[Decimal], **fields: object) -> Number:
        start, end = self.spans[first][0], self.spans[last][1]
        return Number(start, end, self.text[start:end], frozenset(Decimal(value) for value in values), **fields)

    # --- figures ----------------------------------------------------------------------------------------------

    def _figure(self, first: int) -> tuple[list[Number], int]:
        """A figure with what belongs to it: a sign or code before, a suffix, a scale word, `و` and a smaller
        figure, a half, a percent sign or words, a currency or unit after."""
        raw = self.raw[first].replace("٫", ".").replace("٬", ",")
        value, decimal = _figure_value(raw, self.arabic)
        unit, kind, last, scale = self._sign_before(first), FIGURE, first, None
        after = first + 1
        if raw.isdigit() and len(raw) == 2 and (century := self._season(first)):
            value = Decimal(century + int(raw))
        if self.is_word(after) and self.gap(first) == "":
            suffix = self.raw[after].lower()
            if suffix in _SUFFIXES and (suffix != "m" or unit):
                value, scale, last, after = value * _SUFFIXES[suffix], Decimal(_SUFFIXES[suffix]), after, after + 1
            elif suffix == "s" and value % 10 == 0 and (value < 100 or 1000 <= value < 2100):
                return [self.make(first, after, [value % 100], kind="decade")], after + 1
            elif suffix in ("st", "nd", "rd", "th"):
                kind, last, after = "ordinal", after, after + 1
            elif suffix in ("م", "ه", "هـ") and len(raw) in (3, 4):
                after += 1  # the era letter of `2014م`, `1445هـ`: the year is the figure alone
        if self.is_word(after) and self.joined(after - 1) and scale is None and not self._percent(after)[0]:
            entry = self.entries[after]
            if entry and entry[0] in (lex.SCALE, lex.PLURAL_SCALE, lex.DUAL_SCALE, lex.HUNDRED):
                scale = Decimal(entry[1])
                value, last, after = value * scale, after, after + 1
        if scale is not None:
            value, last, after = self._continued(value, scale, first, last, after)
        if decimal is not None and scale is None:
            unit_after, _ = self._unit_after(after)
            values = {value, decimal} if unit_after and decimal != value else {value}
        else:
            values = {value}
        if self._time(first):
            hours = int(value)
            values = {value} | ({Decimal(hours - 12)} if hours > 12 else set())
        percent, after_percent = self._percent(after)
        if percent:
            unit, last, after = percent, after_percent - 1, after_percent
        unit_after, after_unit = self._unit_after(after)
        if unit_after:
            unit, last, after = unit_after, after_unit - 1, after_unit
        note = f"or {min(values).normalize():f}" if len(values) > 1 else ""
        firm = not (raw == "00")
        return [self.make(first, last, values, kind=kind, unit=unit, note=note, firm=firm)], after

    def _sign_before(self, index: int) -> str | None:
        """A currency sign or code right before a figure: "$5", "US$ 5", "€5bn", "SAR 5m"."""
        before = index - 1
        if before >= 0 and self.kinds[before] == "mark" and self.raw[before] in lex.SIGNS and self.joined(before):
            code = self.raw[before - 1].lower() if before > 0 and self.gap(before - 1) == "" else ""
            return "dollar:USD" if code == "us" and self.raw[before] == "$" else lex.SIGNS[self.raw[before]]
        if before >= 0 and self.kinds[before] == "word" and self.joined(before) and self.raw[before].isupper():
            return lex.UNITS.get(self.raw[before].lower())
        return None

    def _season(self, index: int) -> int | None:
        """The century of a season's second year written short: the `24` of "2023-24" or `2023/24` → 2000."""
        if index < 2 or self.raw[index - 1] not in "-–/" or self.kinds[index - 2] != "figure":
            return None
        if self.gap(index - 2) != "" or self.gap(index - 1) != "":
            return None
        year = self.raw[index - 2]
        if not (year.isdigit() and len(year) == 4 and 1900 <= int(year) < 2100):
            return None
        return int(year) // 100 * 100 if int(self.raw[index]) == (int(year) + 1) % 100 else None

    def _time(self, index: int) -> bool:
        """Whether a figure is the hour of a time "14:30" (read as 14 and 2, since the English may say 2:30 p.m.)."""
        return (index + 2 < len(self.raw) and self.raw[index + 1] == ":" and self.gap(index) == ""
                and self.kinds[index + 2] == "figure" and len(self.raw[index + 2]) == 2 and self.raw[index].isdigit())

    def _continued(self, value: Decimal, scale: Decimal, first: int, last: int,
                   after: int) -> tuple[Decimal, int, int]:
        """A scaled figure continued: a half (`مليون ونصف`, `3 ملايين ونصف المليون`) or `و` and a smaller figure
        (`3 آلاف و500`, `مليون و200 ألف`), never inside a range (`بين 3 آلاف و500`)."""
        if self.entry_kind(after) == lex.FRACTION and self.joined_by_and[after] and self.joined(after - 1):
            value += scale * Decimal(self.entries[after][1])
            last, after = after, after + 1
            if self.entry_kind(after) == lex.SCALE and Decimal(self.entries[after][1]) == scale and self.joined(
                    after - 1):
                last, after = after, after + 1
            return value, last, after
        if self.is_word(first - 1, "بين", "between") or self._ranged(first):
            return value, last, after
        if self.is_word(after, "و") and self.joined(after - 1) and after + 1 < len(self.kinds) \
                and self.kinds[after + 1] == "figure" and self.joined(after):
            (part,), end = self._figure(after + 1)
            if max(part.values) < scale and not part.unit:
                return value + max(part.values), end - 1, end
        elif self.entry_kind(after) in (lex.CARDINAL, lex.HUNDRED) and self.joined_by_and[after] and self.joined(
                after - 1):
            found = self._run(after)
            if found and max(found[0].values) < scale:
                return value + max(found[0].values), found[1] - 1, found[1]
        return value, last, after

    def _ranged(self, index: int) -> bool:
        """Whether the figure follows `من`/`from` two or three tokens back: `من 3 آلاف و500` reads as a range."""
        return any(self.is_word(index - back, "من", "from", "بين", "between") for back in (1, 2))

    def _percent(self, index: int) -> tuple[str | None, int]:
        """"percent" or "point" where a percent sign or words follow token `index - 1`, with the index after."""
        if index >= len(self.raw) or self.folded[index] not in _PERCENT_FIRST:
            return None, index
        if self.raw[index] in "%٪" and self.joined(index - 1):
            return "percent", index + 1
        for words in lex.PERCENT_WORDS:
            if all(self.is_word(index + at, word) and self.joined(index + at - 1) for at, word in enumerate(words)):
                return lex.PERCENT_UNITS.get(words, "percent"), index + len(words)
        return None, index

    def _unit_after(self, index: int) -> tuple[str | None, int]:
        """The currency or unit written from token `index` on ("Saudi riyals", `دولار أمريكي`, "square km")."""
        if not self.is_word(index) or not self.joined(index - 1):
            return None, index
        code = lex.CURRENCY_OF.get(self.keys[index])
        if code and self.is_word(index + 1) and self.joined(index) and (
                unit := lex.UNITS.get(self.keys[index + 1])):
            return f"{unit.split(':')[0]}:{code}", index + 2
        unit = lex.UNITS.get(self.keys[index]) or lex.UNITS.get(self.raw[index].lower())
        if self.raw[index].lower() == "square" and self.is_word(index + 1):
            unit = lex.UNITS.get(self.keys[index + 1])
            return (f"{unit}2" if unit else None), index + 2
        if unit is None:
            return None, index
        if self.is_word(index + 1) and self.joined(index):
            if code := lex.CURRENCY_OF.get(self.keys[index + 1]):
                return f"{unit.split(':')[0]}:{code}", index + 2
            if self.keys[index + 1] in ("مربع", "مربعا", "مربعه"):
                return f"{unit}2", index + 2
        return unit, index + 1

    # --- words ------------------------------------------------------------------------------------------------

    def _word(self, index: int) -> tuple[list[Number], int] | None:
        key, entry = self.keys[index], self.entries[index]
        if self.raw[index] in lex.WEEKDAYS or normalize(self.raw[index]) in lex.WEEKDAYS:
            return None
        if key in lex.TWO_WORD_MONTHS:
            following = lex.TWO_WORD_MONTHS[key]
            if self.is_word(index + 1) and self.joined(index) and normalize(self.raw[index + 1]) in following:
                kind, month = following[normalize(self.raw[index + 1])]
                return [self.make(index, index + 1, [month], words=True, kind=kind)], index + 2
            return None
        if entry is None and self.raw[index].lower() in ("a", "an") and (found := self._run(index)):
            return [found[0]], found[1]
        if entry is None:
            return self._english_few(index)
        kind, value = entry
        if kind in (lex.MONTH, lex.HIJRI):
            month = self._month(index)
            return ([self.make(index, index, [month], words=True, kind=kind)], index + 1) if month else None
        if kind == lex.DECADE:
            return [self.make(index, index, [value], words=True, kind="decade")], index + 1
        if kind in (lex.VAGUE, lex.PLURAL_SCALE):
            return self._vague(index)
        if kind == lex.DUAL_SCALE:
            return self._dual(index)
        found = self._run(index)
        if found is None:
            return None
        number, after = found
        if number.kind == "ordinal" and self.is_word(after, "من") and (
                self.entry_kind(after + 1) in (lex.MONTH, lex.HIJRI) or self.keys[after + 1] in lex.TWO_WORD_MONTHS):
            number = Number(number.start, number.end, number.text, number.values, True)  # the day `الثاني من آذار`
        return [number], after

    def _month(self, index: int) -> int | None:
        """The month a month name stands for, where it is one: Arabic names that are also words (`مارس`,
        `رمضان`) and English "May" and "March" need a day, a year or a word of time beside them."""
        value = int(self.entries[index][1])
        figure_beside = (index > 0 and self.kinds[index - 1] == "figure" and self.joined(index - 1)) or (
            index + 1 < len(self.kinds) and self.kinds[index + 1] == "figure" and self.joined(index))
        before = index - 2 if index > 1 and self.raw[index - 1] == "-" else index - 1
        previous = self.keys[before].lower() if self.is_word(before) else ""
        following = self.keys[index + 1] if self.is_word(index + 1) else ""
        if not self.raw[index].isascii():
            if self.keys[index] not in lex.AMBIGUOUS_MONTHS:
                return value
            context = previous in lex.MONTH_CONTEXT or following in lex.MONTH_CONTEXT
            return value if figure_beside or context else None
        if not self.raw[index][0].isupper():
            return None
        if self.keys[index] in ("may", "march") or len(self.keys[index]) <= 4 and self.keys[index] != "june":
            return value if figure_beside or previous in lex.ENGLISH_MONTH_CONTEXT else None
        return value

    def _vague(self, index: int) -> tuple[list[Number], int] | None:
        """`عشرات`, `مئات الآلاف`, "dozens", "tens of thousands", `الآلاف`: a size, not a count."""
        value, last = Decimal(self.entries[index][1]), index
        english = self.raw[index].isascii()
        step = 2 if english and self.is_word(index + 1, "of") else 1
        if self.entry_kind(index + step) == lex.PLURAL_SCALE and self.joined(index + step - 1) and (
                step == 2 or self.joined(index)) and self.entries[index][0] == lex.VAGUE:
            value, last = value * Decimal(self.entries[index + step][1]), index + step
        elif english and self.keys[index] in ("scores", "tens") and step == 1:
            return None
        firm = not (value == lex.FEW and english)
        return [self.make(index, last, [value], words=True, kind="vague", firm=firm)], last + 1

    def _english_few(self, index: int) -> tuple[list[Number], int] | None:
        """"a few", "several", "a handful": a vague few that only supports an Arabic `بضعة`."""
        word = self.raw[index].lower()
        if word == "several" or (word == "a" and self.is_word(index + 1, "few", "handful")):
            last = index if word == "several" else index + 1
            return [self.make(index, last, [lex.FEW], words=True, kind="vague", firm=False)], last + 1
        return None

    def _dual(self, index: int) -> tuple[list[Number], int] | None:
        """`ألفا`, `مليونا` with no number before: two before a noun (`ألفا شخص`, the dual), else one (`جمع
        مليونا`); `ألفا` after `متحور` is the name Alpha, and says it may be the name elsewhere."""
        scale = Decimal(self.entries[index][1])
        before_noun = self.is_word(index + 1) and self.joined(index) and self.entries[index + 1] is None and \
            self.keys[index + 1] != "و"
        value = 2 * scale if before_noun else scale
        last, after = index, index + 1
        if not before_noun:
            value, last, after = self._continued(value, scale, index, last, after)
        if self.keys[index] == "الفا":
            previous = normalize(self.raw[index - 1]) if self.is_word(index - 1) else ""
            if previous in lex.ALPHA_BEFORE:
                return None
            return [self.make(index, last, [value], words=True, note=ALPHA)], after
        return [self.make(index, last, [value], words=True)], after

    def _run(self, first: int) -> tuple[Number, int] | None:
        """The number that adjacent number words starting at `first` write, and the token index after it."""
        state = _Run(self.raw[first].isascii())
        index, last = first, None
        while index < len(self.kinds):
            if last is not None and not self.joined(index - 1):
                if not (self.raw[index - 1] in "-–" and self.gap(index - 2) == "" and self.gap(index - 1) == ""):
                    break
            if self.kinds[index] == "mark" and self.raw[index] in "-–" and last is not None:
                index += 1
                continue
            if not self.is_word(index):
                break
            word, entry = self.raw[index].lower(), self.entries[index]
            if entry is None:
                if state.skips(word, self.entries[index + 1] if index + 1 < len(self.kinds) else None):
                    index += 1
                    continue
                break
            if not state.add(entry, self.joined_by_and[index]):
                break
            last, index = index, index + 1
        if last is None or state.empty:
            return None
        value, after = state.value, index
        if state.last_scale and not state.fraction:
            value, last, after = self._continued(value, state.last_scale, first, last, after)
        number = self.make(first, last, [value], words=True, kind=state.reading, firm=state.firm)
        percent, after_percent = self._percent(after)
        unit, after_unit = (percent, after_percent) if percent else self._unit_after(after)
        if unit:
            end = self.spans[after_unit - 1][1]
            number = Number(number.start, end, self.text[number.start:end], number.values, True, number.firm,
                            number.kind, unit)
            after = after_unit
        return number, after


class _Run:
    """The value of number words read one at a time: `مئة وأربعة وستون` → 164, "half a million" → 500,000."""

    def __init__(self, english: bool) -> None:
        self.english, self.total, self.current = english, Decimal(0), Decimal(0)
        self.kind: str | None = None
        self.last_value, self.last_scale = Decimal(0), Decimal(0)
        self.ordinal = self.fraction = self.article = self.anded = self.scaled = False
        self.cardinal_two = False

    @property
    def empty(self) -> bool:
        return self.kind is None

    @property
    def value(self) -> Decimal:
        return self.total + self.current

    @property
    def reading(self) -> str:
        return "fraction" if self.fraction else "ordinal" if self.ordinal else WORDS

    @property
    def firm(self) -> bool:
        value = self.value
        if self.fraction or self.scaled or value > 2:
            return True
        return value == 2 and not self.english and not self.ordinal

    def skips(self, word: str, following: tuple[str, object] | None) -> bool:
        """English words inside a number: "a" ("a million", "half a million"), "and", "of" ("a quarter of")."""
        kind = following[0] if following else None
        if word in ("a", "an") and kind in (lex.HUNDRED, lex.SCALE, lex.FRACTION) or (
                word in ("a", "an") and following in ((lex.ORDINAL, 3), (lex.CARDINAL, 12))):
            self.article = True
            return True
        if word == "and" and self.kind is not None and kind in (lex.CARDINAL, lex.HUNDRED, lex.FRACTION, None):
            self.anded = True
            return True
        return word == "of" and self.kind == lex.FRACTION

    def add(self, entry: tuple[str, object], anded: bool) -> bool:
        """Take one number word; False where it cannot continue the number read so far."""
        kind, raw = entry
        value, anded = Decimal(raw), anded or self.anded
        self.anded, last = False, self.kind
        if kind == lex.CARDINAL:
            if last is None:
                self.current = value
            elif last in (lex.CARDINAL, lex.ORDINAL) and (anded or self._compound(value)):
                self.current += value
            elif last in (lex.SCALE, lex.HUNDRED) and (anded or self.english):
                self.current += value
            else:
                return False
        elif kind == lex.ORDINAL:
            if last is None and self.article and value == 3:
                self.current, self.fraction, kind = lex.third(1, 3), True, lex.FRACTION
            elif last is None:
                self.current, self.ordinal = value, True
            elif last == lex.CARDINAL and value == 3 and self.current in (1, 2) and self.english:
                self.current, self.fraction, kind = lex.third(int(self.current), 3), True, lex.FRACTION
            elif last == lex.CARDINAL and self.english and self.last_value % 10 == 0 and value < 10:
                self.current, self.ordinal = self.current + value, True
            else:
                return False
        elif kind == lex.HUNDRED:
            if last not in (None, lex.CARDINAL):
                return False
            self.current, self.scaled = (self.current or 1) * value, True
        elif kind in (lex.SCALE, lex.PLURAL_SCALE, lex.DUAL_SCALE):
            if last == lex.FRACTION and self.total and value == self.last_scale:
                return True  # the `المليون` of `مليون ونصف المليون`
            if last is None and kind != lex.SCALE or (last == lex.SCALE and value >= self.last_scale):
                return False
            self.total += (self.current or 1) * value
            self.current, self.last_scale, self.scaled, kind = Decimal(0), value, True, lex.SCALE
        elif kind == lex.FRACTION:
            if last == lex.SCALE and anded:
                self.total += value * self.last_scale
                self.fraction = True
            elif last is None:
                self.current, self.fraction = value, True
            elif last == lex.CARDINAL and anded:
                self.current += value
                self.fraction = True
            else:
                return False
        elif kind == lex.FRACTIONS and last == lex.CARDINAL:
            self.current, self.fraction = lex.third(int(self.current), int(value)), True
        else:
            return False
        self.kind, self.last_value = kind, value
        return True

    def _compound(self, value: Decimal) -> bool:
        """`خمسة عشر` (a unit then ten, Arabic), "twenty five" (a ten then a unit, English)."""
        if self.english:
            return self.last_value % 10 == 0 and 20 <= self.last_value <= 90 and value < 10
        return self.last_value < 10 and value == 10


@lru_cache(maxsize=65536)
def _lookup(token: str) -> tuple[str, tuple[str, object] | None, str, str]:
    """A token's key, its number-word entry, the proclitic removed to find it (`وخمسمئة`, `الألف`) and its
    folded form; cached, since news repeats its words."""
    key = folded = normalize(token).lower()
    if key in lex.WORDS or key in lex.TWO_WORD_MONTHS:
        return key, lex.WORDS.get(key), "", folded
    for prefix in _PROCLITICS:
        bare = key[len(prefix):]
        if key.startswith(prefix) and (bare in lex.WORDS or bare in lex.TWO_WORD_MONTHS) and (
                len(bare) >= 3 or prefix == "و"):
            return bare, lex.WORDS.get(bare), prefix, folded
    return key, None, "", folded


def _figure_value(figure: str, arabic: bool) -> tuple[Decimal, Decimal | None]:
    """The value of a figure, and its decimal reading where an Arabic `6.500` may also be 6.5: `2,200` → 2200,
    `1.200.000` and `1 200 000` → 1200000, `2,5` → 2.5, `.5` → 0.5."""
    if re.fullmatch(r"\d+,\d{1,2}", figure):
        return Decimal(figure.replace(",", ".")), None
    if figure.startswith("."):
        return Decimal(f"0{figure}"), None
    grouped = re.sub(r"[,\s]", "", figure)
    if figure.count(".") > 1:
        return Decimal(grouped.replace(".", "")), None
    if arabic and re.fullmatch(r"\d{1,3}\.\d{3}", grouped):
        thousands = Decimal(grouped.replace(".", ""))
        return thousands, (None if grouped.endswith("000") else Decimal(grouped))
    return Decimal(grouped), None
