"""The Markdown export: its sections, its file name, and that article text can never become Markdown syntax."""

from __future__ import annotations

import html
import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from html.parser import HTMLParser

import pytest
from hypothesis import given
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from core.types import Analysis, Check, EntityGroup, Language, ModelNames, Problem, Sentence, Summary
from documents.export import escape_markdown, export_filename, title_of, to_markdown

GENERATED = datetime(2026, 11, 29, 8, 30, tzinfo=UTC)
MODELS = ModelNames(
    translator="Helsinki-NLP/opus-mt-ar-en",
    summarizer="csebuetnlp/mT5_multilingual_XLSum",
    ner="CAMeL-Lab/bert-base-arabic-camelbert-msa-ner",
    engine="ctranslate2",
)
PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '<iframe srcdoc="<script>alert(1)</script>">',
    "[x](javascript:alert(1))",
    "![i](http://x/y.png)",
    "| a | b |",
    "# heading",
    "- list",
    "**bold**",
    "`code` and ```fence```",
    "<https://evil.example/>",
    "&lt;b&gt; &amp;",
]
OUR_HEADINGS = ["Summary", "Entities", "Translation", "Original"]


def make_analysis(
    paragraphs: list[list[tuple[str, str]]],
    *,
    summary: Summary | None = None,
    groups: tuple[EntityGroup, ...] = (),
    models: ModelNames = MODELS,
    problems: tuple[Problem, ...] = (),
) -> Analysis:
    """An analysis of an article whose paragraphs are lists of (sentence, translation); sentences join with a
    space, paragraphs with a blank line, and offsets index the joined text."""
    text, sentences, indices = "", [], []
    for number, paragraph in enumerate(paragraphs):
        if number:
            text += "\n\n"
        indices.append(tuple(range(len(sentences), len(sentences) + len(paragraph))))
        for position, (arabic, english) in enumerate(paragraph):
            if position:
                text += " "
            sentences.append(Sentence(len(text), len(text) + len(arabic), arabic, english))
            text += arabic
    return Analysis(
        text=text,
        language=Language("ar", 0.99, 0.9),
        sentences=tuple(sentences),
        paragraphs=tuple(indices),
        summary=summary,
        entities=(),
        groups=groups,
        models=models,
        problems=problems,
    )


def render(markdown: str) -> str:
    """CommonMark with the GFM tables and strikethrough a CMS adds."""
    return MarkdownIt("commonmark").enable(["table", "strikethrough"]).render(markdown)


class _TextCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.chunks: list[str] = []

    def handle_data(self, data: str) -> None:
        self.chunks.append(data)


def text_of(rendered: str) -> str:
    collector = _TextCollector()
    collector.feed(rendered)
    return "".join(collector.chunks)


def hostile_analysis() -> Analysis:
    """Every payload as an Arabic sentence, a translation, a summary, an entity, a model name and a problem."""
    paragraphs = [[(f"قال الوزير {payload}", f"The minister said {payload}")] for payload in PAYLOADS]
    return make_analysis(
        paragraphs,
        summary=Summary(ar=" ".join(PAYLOADS), en="\n".join(PAYLOADS), strategy="**direct** | <b>"),
        groups=tuple(
            EntityGroup(id=i, canonical=payload, label=f"LOC|{payload}", count=i + 1, english=payload)
            for i, payload in enumerate(PAYLOADS)
        ),
        models=ModelNames(*(PAYLOADS[i] for i in range(4))),
        problems=tuple(Problem("", payload) for payload in PAYLOADS),
    )


@pytest.fixture(scope="module")
def seed_analysis() -> Analysis:
    return make_analysis(
        [
            [
                ("بحث وزير الخارجية التركي مع نظيره القطري ملفي أفغانستان وكازاخستان.", "The Turkish minister spoke."),
                ("وفق بيان صادر عن الخارجية التركية.", "A statement said so."),
            ],
            [("وأعلنت وزارة الصحة عن مقتل 164 شخصا.", "The ministry reported 164 deaths.")],
        ],
        summary=Summary(ar="بحث الوزيران الأزمة.", en="The ministers discussed the crisis.", strategy="direct"),
        groups=(
            EntityGroup(id=0, canonical="أفغانستان", label="LOC", count=1, english="Afghanistan"),
            EntityGroup(id=1, canonical="كازاخستان", label="LOC", count=3, english="Kazakhstan"),
        ),
    )


def test_export_has_title_date_models_and_sections_in_order(seed_analysis: Analysis) -> None:
    markdown = to_markdown(seed_analysis, generated=GENERATED)
    assert markdown.startswith("# بحث وزير الخارجية التركي")
    assert "2026-11-29 08:30 UTC" in markdown
    for model in ("Helsinki-NLP/opus-mt-ar-en", "csebuetnlp/mT5_multilingual_XLSum", "ctranslate2"):
        assert model in markdown
    positions = [markdown.index(f"\n## {heading}\n") for heading in OUR_HEADINGS]
    assert positions == sorted(positions)
    assert "## Notes" not in markdown


def test_export_is_deterministic_for_a_given_time(seed_analysis: Analysis) -> None:
    assert to_markdown(seed_analysis, generated=GENERATED) == to_markdown(seed_analysis, generated=GENERATED)


def test_export_date_is_converted_to_utc(seed_analysis: Analysis) -> None:
    riyadh = GENERATED.astimezone(timezone(timedelta(hours=3)))
    assert "2026-11-29 08:30 UTC" in to_markdown(seed_analysis, generated=riyadh)


def test_translation_has_one_paragraph_per_article_paragraph(seed_analysis: Analysis) -> None:
    rendered = render(to_markdown(seed_analysis, generated=GENERATED))
    translation = rendered.split("<h2>Translation</h2>")[1].split("<h2>")[0]
    assert re.findall(r"<p>(.*?)</p>", translation, re.DOTALL) == [
        "The Turkish minister spoke. A statement said so.",
        "The ministry reported 164 deaths.",
    ]


def test_original_reproduces_each_paragraph_from_the_article_offsets(seed_analysis: Analysis) -> None:
    rendered = render(to_markdown(seed_analysis, generated=GENERATED))
    original = rendered.split("<h2>Original</h2>")[1]
    assert re.findall(r"<p>(.*?)</p>", original, re.DOTALL) == seed_analysis.text.split("\n\n")


def test_summary_shows_arabic_english_and_strategy_in_italics(seed_analysis: Analysis) -> None:
    rendered = render(to_markdown(seed_analysis, generated=GENERATED))
    summary = rendered.split("<h2>Summary</h2>")[1].split("<h2>")[0]
    assert "<p>بحث الوزيران الأزمة.</p>" in summary
    assert "<p>The ministers discussed the crisis.</p>" in summary
    assert "<em>Strategy: direct</em>" in summary


def test_missing_summary_says_so_and_problems_become_notes(seed_analysis: Analysis) -> None:
    analysis = make_analysis([[("جملة.", "A sentence.")]],
                             problems=(Problem("", "The summarizer could not be loaded."),))
    markdown = to_markdown(analysis, generated=GENERATED)
    assert "_No summary (see Notes)._" in markdown
    assert markdown.rstrip().endswith("## Notes\n\n- The summarizer could not be loaded.")


def test_entities_table_lists_groups_most_mentioned_first(seed_analysis: Analysis) -> None:
    markdown = to_markdown(seed_analysis, generated=GENERATED)
    assert "| Entity | English | Type | Mentions |" in markdown
    assert markdown.index("| كازاخستان | Kazakhstan | LOC | 3 |") < markdown.index("| أفغانستان | Afghanistan")


def test_hostile_text_renders_without_html_links_or_images() -> None:
    rendered = render(to_markdown(hostile_analysis(), generated=GENERATED))
    for forbidden in ("<script", "<img", "<iframe", "<a ", "href", "<code", "<pre", "<blockquote", "<b>"):
        assert forbidden not in rendered
    # Only our own emphasis: the bold "Models" label and the italic summary-kind and strategy lines.
    assert rendered.count("<strong>") == 1
    assert rendered.count("<em>") == 2


def test_hostile_text_creates_no_headings_or_lists_of_its_own() -> None:
    rendered = render(to_markdown(hostile_analysis(), generated=GENERATED))
    assert re.findall(r"<h(\d)>", rendered) == ["1"] + ["2"] * (len(OUR_HEADINGS) + 1)
    assert re.findall(r"<h2>(.*?)</h2>", rendered) == [*OUR_HEADINGS, "Notes"]
    # Only our two lists (models and notes) and only our table and its header row.
    assert rendered.count("<ul>") == 2
    assert rendered.count("<table>") == 1


def test_hostile_text_keeps_the_entities_table_at_four_columns() -> None:
    analysis = hostile_analysis()
    rendered = render(to_markdown(analysis, generated=GENERATED))
    rows = re.findall(r"<tr>(.*?)</tr>", rendered, re.DOTALL)
    assert len(rows) == len(analysis.groups) + 1
    for row in rows:
        assert len(re.findall(r"<t[hd][ >]", row)) == 4


def test_hostile_text_appears_literally_in_the_rendered_text() -> None:
    text = text_of(render(to_markdown(hostile_analysis(), generated=GENERATED)))
    for payload in PAYLOADS:
        assert f"قال الوزير {payload}" in text
        assert f"The minister said {payload}" in text
        assert f"LOC|{payload}" in text
    assert "Strategy: **direct** | <b>" in text


def test_escape_markdown_turns_newlines_into_spaces_when_inline() -> None:
    assert escape_markdown("a\n\nb\tc", inline=True) == "a b c"


def test_escape_markdown_drops_indentation_and_blank_lines_that_would_make_code_or_new_blocks() -> None:
    assert render(escape_markdown("    code\n\n    more")) == "<p>code\nmore</p>\n"


MARKDOWN_TEXT = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc"))
    | st.sampled_from("\n\t 0123456789.:)(-+=#>*_`~<&[]!|www@\\/;ab")
) | st.lists(st.sampled_from([
    "&amp;", "&#35;", "https://x.y", "www.x.y", "a@b.c", "<b>", "</i>", "<!--", "__", "_", "~~", "\\", "[x](y)",
    "![i](http://127.0.0.1/x.png)", "| a |", "| --- |", ":-:", "1. ", "2) ", "- ", "+ ", "# ", "> ", "---", "===",
    "```", "    ", "\n", " ", "كلمة", "3.5", "10:30", "snake_case", "x", "*", "[^1]", "[ref]: /u",
]), max_size=12).map("".join)


@given(MARKDOWN_TEXT)
def test_any_inline_text_renders_as_exactly_one_literal_paragraph(text: str) -> None:
    expected = " ".join(text.split())
    rendered = render(escape_markdown(text, inline=True))
    if not expected:
        assert rendered == ""
        return
    assert rendered.startswith("<p>") and rendered.endswith("</p>\n")
    assert html.unescape(rendered[3:-5]) == expected


@given(MARKDOWN_TEXT)
def test_any_block_text_renders_as_exactly_one_literal_paragraph_of_its_lines(text: str) -> None:
    expected = "\n".join(line.strip() for line in text.splitlines() if line.strip())
    rendered = render(escape_markdown(text))
    if not expected:
        assert rendered == ""
        return
    assert rendered.startswith("<p>") and rendered.endswith("</p>\n")
    assert html.unescape(rendered[3:-5]) == expected


@pytest.mark.parametrize(
    "line",
    [
        "1. first",
        "2) second",
        "- item",
        "+ item",
        "===",
        "---",
        "> quote",
        "# heading",
        "    code",
        "```",
        "~~~",
        "<div>",
        "[ref]: http://x",
        "| a |\n| --- |",
        "***",
        "___",
    ],
)
def test_block_syntax_at_the_start_of_a_line_stays_text(line: str) -> None:
    rendered = render(escape_markdown(f"Before\n{line}\nafter"))
    assert rendered == f"<p>{html.escape(chr(10).join(['Before', line.strip(), 'after']), quote=False)}</p>\n"


def test_bare_urls_and_emails_are_broken_up_for_gfm_autolinks_and_domains_stay_readable() -> None:
    escaped = escape_markdown("https://x.example www.example.com a@b.org mailto:a@b.org")
    assert escaped == "https\\://x.example www\\.example.com a\\@b.org mailto\\:a\\@b.org"


@pytest.mark.parametrize("prose", [
    "3.5 million", "at 10:30 on 2026-11-29", "(briefly)", "R&D and a < b", "snake_case and mT5_XLSum", "x! #1 ok",
    "Page 2. Then: more", "a - b + c = d", "50% of 1,200", "done.", "A]B", "ends with #",
])
def test_prose_numbers_and_times_need_no_backslash(prose: str) -> None:
    assert escape_markdown(prose) == prose
    assert html.unescape(render(prose)[3:-5]) == prose


def test_prose_keeps_its_plain_full_stops_and_brackets() -> None:
    assert escape_markdown("He said (briefly) it was over. Done: yes!") == "He said (briefly) it was over. Done: yes!"


def test_title_is_the_first_sentence_cut_at_a_word_boundary() -> None:
    long_sentence = " ".join(["كلمة"] * 40) + "."
    title = title_of(make_analysis([[(long_sentence, "")]]))
    assert title.endswith("…")
    assert len(title) <= 81
    assert title[:-1].split(" ") == ["كلمة"] * len(title[:-1].split(" "))


def test_title_of_an_empty_article_is_untitled() -> None:
    assert title_of(make_analysis([])) == "Untitled article"


def test_filename_has_date_and_arabic_slug(seed_analysis: Analysis) -> None:
    name = export_filename(seed_analysis, GENERATED)
    assert name.startswith("khulasa-2026-11-29-بحث-وزير-الخارجية-التركي")
    assert name.endswith(".md")
    assert len(name.removeprefix("khulasa-2026-11-29-").removesuffix(".md")) <= 50


@pytest.mark.parametrize("sentence", ["../../etc/passwd", 'a\\b/c:d*e?f"g<h>i|j', "ـــ ... !!!", "Hello World 2026"])
def test_filename_is_safe_and_never_empty(sentence: str) -> None:
    name = export_filename(make_analysis([[(sentence, "")]]), GENERATED)
    slug = name.removeprefix("khulasa-2026-11-29-").removesuffix(".md")
    assert slug
    assert re.fullmatch(r"[a-z0-9\u0600-\u06ff]+(-[a-z0-9\u0600-\u06ff]+)*", slug)
    assert ".." not in slug


def test_filename_falls_back_to_article_when_nothing_is_kept() -> None:
    assert export_filename(make_analysis([[("!!! ???", "")]]), GENERATED) == "khulasa-2026-11-29-article.md"


def test_open_checks_are_listed_with_the_text_they_concern_before_the_summary(seed_analysis: Analysis) -> None:
    checks = (Check("number_missing", "sentence", 2, 0, 3, "164", "not in the translation"),
              Check("name_unsupported", "summary", -1, 4, 12, "الوزيران", "person not in the article"),
              Check("number_added", "summary_en", -1, 0, 3, "The", "verified already", checked=True))
    markdown = to_markdown(replace(seed_analysis, checks=checks), generated=GENERATED)
    section = markdown.split("## Check before publishing\n\n")[1].split("\n\n## ")[0]
    assert section.splitlines() == [
        "_2 findings to check against the article before publishing._", "",
        "- **Sentence 3** · 164 · not in the translation",
        "  - وأعلنت وزارة الصحة عن مقتل 164 شخصا.",
        "  - The ministry reported 164 deaths.",
        "- **Summary** · الوزيران · person not in the article",
        "  - بحث الوزيران الأزمة.",
    ]
    assert markdown.index("## Check before publishing") < markdown.index("## Summary")


def test_a_sentence_with_several_findings_is_quoted_once(seed_analysis: Analysis) -> None:
    checks = (Check("number_missing", "sentence", 2, 0, 3, "164", "not in the translation"),
              Check("number_added", "sentence", 2, 0, 4, "1991", "not in the Arabic sentence"))
    markdown = to_markdown(replace(seed_analysis, checks=checks), generated=GENERATED)
    section = markdown.split("## Check before publishing\n\n")[1].split("\n\n## ")[0]
    assert section.splitlines()[2:] == [
        "- **Sentence 3** · 164 · not in the translation; 1991 · not in the Arabic sentence",
        "  - وأعلنت وزارة الصحة عن مقتل 164 شخصا.",
        "  - The ministry reported 164 deaths.",
    ]


@pytest.mark.parametrize("checked", [(), (True,)])
def test_the_check_section_is_left_out_without_open_findings(seed_analysis: Analysis, checked: tuple) -> None:
    checks = tuple(Check("number_missing", "sentence", 2, 0, 3, "164", "done", checked=True) for _ in checked)
    assert "Check before publishing" not in to_markdown(replace(seed_analysis, checks=checks), generated=GENERATED)


def test_hostile_checks_render_without_html_links_or_images() -> None:
    analysis = hostile_analysis()
    checks = tuple(Check("number_added", "sentence", index, 0, 1, payload, payload)
                   for index, payload in enumerate(PAYLOADS))
    rendered = render(to_markdown(replace(analysis, checks=checks), generated=GENERATED))
    for forbidden in ("<script", "<img", "<iframe", "<a ", "href", "<code", "<pre", "<blockquote", "<b>"):
        assert forbidden not in rendered
    assert re.findall(r"<h2>(.*?)</h2>", rendered) == ["Check before publishing", *OUR_HEADINGS, "Notes"]
    assert rendered.count("<strong>") == 1 + len(PAYLOADS)
