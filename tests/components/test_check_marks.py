"""Findings of the check before publishing, marked where they are in the aligned view and the summary."""

from __future__ import annotations

import re
from dataclasses import replace
from html.parser import HTMLParser

from components.render import render_summary, render_translation
from core.types import Analysis, Check, Language, ModelNames, Sentence, Summary

PAYLOADS = ['<iframe srcdoc="<script>alert(1)</script>">', "<img src=x onerror=alert(1)>", "<script>alert(1)</script>"]
OUR_TAGS = {"style", "table", "tbody", "tr", "td", "div", "p", "mark", "span"}
FIRST, SECOND = "قتل 164 شخصا.", "وأصيب 2200 آخرون."


class _Page(HTMLParser):
    """Start tags with attributes, the text of each `<td>`/`<p>`, and the text of each `<mark>`."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.blocks: list[str] = []
        self.marks: list[tuple[str, str]] = []
        self._open: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag in ("td", "p"):
            self.blocks.append("")
        if tag == "mark":
            self.marks.append((dict(attrs)["class"] or "", ""))
        self._open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if self._open and self._open[-1] == tag:
            self._open.pop()

    def handle_data(self, data: str) -> None:
        if any(tag in ("td", "p") for tag in self._open):
            self.blocks[-1] += data
        if "mark" in self._open:
            self.marks[-1] = (self.marks[-1][0], self.marks[-1][1] + data)


def parsed(markup: str) -> _Page:
    page = _Page()
    page.feed(markup)
    return page


def two_sentences(checks: tuple[Check, ...], second: str = " 220 were injured.") -> Analysis:
    sentences = (Sentence(0, len(FIRST), FIRST, "164 people were killed."),
                 Sentence(len(FIRST) + 1, len(FIRST) + 1 + len(SECOND), SECOND, second))
    return Analysis(f"{FIRST} {SECOND}", Language("ar", 1.0, 1.0), sentences, ((0, 1),), None, (), (),
                    ModelNames("t", "s", "n", "ctranslate2"), checks=checks)


AT = f"{FIRST} {SECOND}".index("2200")
MISSING = Check("number_missing", "sentence", 1, AT, AT + 4, "2200", "not in the translation")
ADDED = Check("number_added", "sentence", 1, 1, 4, "220", "in the translation, not in the Arabic sentence")


def test_a_sentence_pair_with_findings_is_shaded_its_numbers_marked_and_its_reasons_listed() -> None:
    page = parsed(render_translation(two_sentences((MISSING, ADDED))))
    cells = [attrs.get("class") for tag, attrs in page.tags if tag == "td"]
    assert cells == ["ar", "en", "ar flagged", "en flagged", None]
    assert page.marks == [("khulasa-check", "2200"), ("khulasa-check", "220")]
    assert page.blocks[:4] == [FIRST, "164 people were killed.", SECOND, "220 were injured."]
    assert page.blocks[4] == "⚠ 2200: not in the translation⚠ 220: in the translation, not in the Arabic sentence"
    rows = re.findall(r'<tr class="sentence" data-sentence="(\d+)">', render_translation(two_sentences((MISSING,))))
    assert rows == ["0", "1"]


def test_a_checked_finding_stays_marked_but_no_longer_shades_the_pair() -> None:
    page = parsed(render_translation(two_sentences((replace(MISSING, checked=True),))))
    assert [attrs.get("class") for tag, attrs in page.tags if tag == "td"][2:4] == ["ar", "en"]
    assert page.marks == [("khulasa-check checked", "2200")]
    assert page.blocks[-1].startswith("✓ 2200")


def test_summary_findings_are_marked_in_the_language_that_holds_them() -> None:
    summary = Summary("بوتين يعلن مقتل 200 شخص", "Putin announces 146 dead", "single")
    ar, en = summary.ar.index("200"), summary.en.index("146")
    checks = (Check("name_unsupported", "summary", -1, 0, 5, "بوتين", "person not in the article"),
              Check("number_missing", "summary_en", -1, ar, ar + 3, "200", "not in the English summary"),
              Check("number_added", "summary_en", -1, en, en + 3, "146", "in the English summary, not in the Arabic"),
              MISSING)
    page = parsed(render_summary(summary, checks))
    assert page.marks == [("khulasa-check", "بوتين"), ("khulasa-check", "200"), ("khulasa-check", "146")]
    paragraphs = [attrs for tag, attrs in page.tags if tag == "p"]
    assert [attrs["dir"] for attrs in paragraphs] == ["rtl", "ltr", "ltr"]
    assert page.blocks[:2] == [summary.ar, summary.en] and "2200" not in page.blocks[2]
    assert all(attrs["dir"] == "auto" for tag, attrs in page.tags if tag == "span" and "reason" not in
               (attrs.get("class") or ""))


def test_out_of_range_or_overlapping_spans_are_listed_but_not_marked() -> None:
    broken = (replace(MISSING, start=0, end=999), replace(ADDED, start=2, end=5), ADDED)
    page = parsed(render_translation(two_sentences(broken)))
    assert page.marks == [("khulasa-check", "220")]
    assert page.blocks[-1] == ("⚠ 2200: not in the translation"
                               "⚠ 220, 220: in the translation, not in the Arabic sentence")


def test_findings_with_one_reason_share_one_line_of_reasons_per_mark() -> None:
    many = tuple(replace(MISSING, text=str(2200 + n), checked=n == 2) for n in range(4))
    page = parsed(render_translation(two_sentences(many)))
    assert page.blocks[-1] == "⚠ 2200, 2201, 2203: not in the translation✓ 2202: not in the translation"


def test_a_reason_that_names_its_number_is_not_prefixed_with_it_again() -> None:
    said = replace(MISSING, detail="2200; the translation has 220")
    page = parsed(render_translation(two_sentences((said,))))
    assert page.blocks[-1] == "⚠ 2200; the translation has 220"


def test_hostile_findings_and_text_are_shown_literally() -> None:
    checks = tuple(Check("number_added", "sentence", 0, 0, len(payload), payload, payload) for payload in PAYLOADS)
    analysis = replace(two_sentences(checks), sentences=(Sentence(0, len(FIRST), FIRST, PAYLOADS[0]),
                                                         two_sentences(()).sentences[1]))
    summary = Summary(PAYLOADS[1], PAYLOADS[2], "single")
    for markup in (render_translation(analysis), render_summary(summary, checks)):
        page = parsed(markup)
        assert {tag for tag, _ in page.tags} <= OUR_TAGS
        assert not any(name.startswith("on") or name == "srcdoc" for _, attrs in page.tags for name in attrs)

