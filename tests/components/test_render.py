"""The right-hand column's HTML: one row per sentence, paragraphs kept, every user string escaped."""

from __future__ import annotations

from html.parser import HTMLParser

from components.render import PENDING, render_note, render_summary, render_translation
from core.types import Analysis, Language, ModelNames, Sentence, Summary

PAYLOADS = ['<iframe srcdoc="<script>alert(1)</script>">', "<img src=x onerror=alert(1)>", "<script>alert(1)</script>"]
OUR_TAGS = {"style", "table", "tbody", "tr", "td", "div", "p"}


class _Cells(HTMLParser):
    """Every start tag with its attributes, and the text of each table cell."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.cells: list[str] = []
        self._in_cell = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag == "td":
            self._in_cell = True
            self.cells.append("")

    def handle_endtag(self, tag: str) -> None:
        self._in_cell = self._in_cell and tag != "td"

    def handle_data(self, data: str) -> None:
        if self._in_cell:
            self.cells[-1] += data


def parsed(markup: str) -> _Cells:
    cells = _Cells()
    cells.feed(markup)
    return cells


def analysis_of(sentences: list[tuple[str, str]], paragraphs: tuple[tuple[int, ...], ...]) -> Analysis:
    """An analysis of the sentences joined by newlines, with the given translations."""
    built, start = [], 0
    for text, translation in sentences:
        built.append(Sentence(start, start + len(text), text, translation))
        start += len(text) + 1
    article = "\n".join(text for text, _ in sentences)
    return Analysis(article, Language("ar", 1.0, 1.0), tuple(built), paragraphs, None, (), (),
                    ModelNames("t", "s", "n", "transformers"))


def test_translation_has_one_row_per_sentence_and_one_body_per_paragraph() -> None:
    analysis = analysis_of([("جملة أولى.", "First."), ("جملة ثانية.", "Second."), ("فقرة.", "Paragraph.")],
                           ((0, 1), (2,)))
    tags = [tag for tag, _ in parsed(render_translation(analysis)).tags]
    assert tags.count("tr") == 3
    assert tags.count("tbody") == 2


def test_arabic_cells_are_right_to_left_and_english_cells_left_to_right() -> None:
    cells = [attrs for tag, attrs in parsed(render_translation(analysis_of([("جملة.", "A sentence.")], ((0,),)))).tags
             if tag == "td"]
    assert (cells[0]["dir"], cells[0]["class"], cells[1]["dir"], cells[1]["class"]) == ("rtl", "ar", "ltr", "en")
    style = render_translation(analysis_of([("جملة.", "A sentence.")], ((0,),))).split("</style>")[0]
    assert ".khulasa-translation td.ar{text-align:right;" in style
    assert ".khulasa-translation td.en{text-align:left}" in style


def test_a_sentence_not_yet_translated_shows_the_pending_mark() -> None:
    cells = parsed(render_translation(analysis_of([("جملة.", ""), ("أخرى.", "Other.")], ((0, 1),)))).cells
    assert cells == ["جملة.", PENDING, "أخرى.", "Other."]


def test_html_in_sentences_and_translations_is_shown_literally() -> None:
    sentences = [(f"نص {payload} نص", payload) for payload in PAYLOADS]
    page = parsed(render_translation(analysis_of(sentences, ((0, 1, 2),))))
    assert {tag for tag, _ in page.tags} <= OUR_TAGS
    assert page.cells == [cell for pair in sentences for cell in pair]


def test_summary_escapes_both_languages_and_leaves_out_an_empty_translation() -> None:
    page = parsed(render_summary(Summary(ar=f"ملخص {PAYLOADS[0]}", en="", strategy="single")))
    assert {tag for tag, _ in page.tags} <= OUR_TAGS
    paragraphs = [attrs for tag, attrs in page.tags if tag == "p"]
    assert [attrs["dir"] for attrs in paragraphs] == ["rtl"]


def test_note_is_escaped() -> None:
    assert {tag for tag, _ in parsed(render_note(PAYLOADS[1])).tags} <= OUR_TAGS


def test_the_entity_panel_says_none_found_only_when_the_analysis_is_done() -> None:
    from dataclasses import replace

    from components.panels import entities_note

    running = replace(analysis_of([("جملة أولى.", "First.")], ((0,),)), stage="translation")
    assert entities_note(running) == "Looking for names…"
    assert entities_note(replace(running, stage="done")) == "No entities found."
