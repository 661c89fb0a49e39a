"""Entity highlighting: the text content is the article exactly, every fragment escaped, right to left."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from hypothesis import given
from hypothesis import strategies as st

from components.highlight import COLORS, DEFAULT_COLOR, render_entities, render_legend
from core.types import Entity

ARTICLE = "بحث وزير الخارجية التركي مع نظيره القطري ملفي أفغانستان وكازاخستان.\nوأعلنت وزارة الصحة عن مقتل 164 شخصا."
PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '<iframe srcdoc="<script>alert(1)</script>">',
    "[x](javascript:alert(1))",
    "&lt;b&gt; & \"quoted\" 'single'",
    "\r\n",
]


def mention(text: str, word: str, label: str, *, occurrence: int = 0) -> Entity:
    """The `occurrence`-th mention of `word` in `text`, with offsets found once here, in the test."""
    start = [match.start() for match in re.finditer(re.escape(word), text)][occurrence]
    return Entity(start=start, end=start + len(word), label=label, text=word, score=0.9)


class _Page(HTMLParser):
    """Collects what a browser would show as text, outside <style>, and every element with its attributes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.chunks: list[str] = []
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))
        self._in_style = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        self._in_style = self._in_style and tag != "style"

    def handle_data(self, data: str) -> None:
        if not self._in_style:
            self.chunks.append(data)


def parse(rendered: str) -> _Page:
    page = _Page()
    page.feed(rendered)
    page.close()
    return page


def text_content(rendered: str) -> str:
    return "".join(parse(rendered).chunks)


def marks(rendered: str) -> list[dict[str, str | None]]:
    return [attrs for tag, attrs in parse(rendered).elements if tag == "mark"]


def marked_text(rendered: str) -> list[str]:
    return re.findall(r"<mark [^>]*>(.*?)</mark>", rendered, re.DOTALL)


def test_text_content_equals_the_article_with_newlines() -> None:
    entities = [mention(ARTICLE, "أفغانستان", "LOC"), mention(ARTICLE, "وزارة الصحة", "ORG")]
    assert text_content(render_entities(ARTICLE, entities)) == ARTICLE


def test_container_is_right_to_left_arabic_with_preserved_line_breaks() -> None:
    rendered = render_entities(ARTICLE, [])
    container = next(attrs for tag, attrs in parse(rendered).elements if tag == "div")
    assert container["dir"] == "rtl"
    assert container["lang"] == "ar"
    assert "white-space:pre-wrap" in (container["style"] or "")
    assert "text-align:right" in (container["style"] or "")


def test_without_paragraphs_the_text_flows_but_is_unchanged() -> None:
    rendered = render_entities(ARTICLE, [], paragraphs=False)
    assert "white-space:normal" in rendered
    assert text_content(rendered) == ARTICLE


def test_mentions_carry_label_colour_and_title() -> None:
    rendered = render_entities(ARTICLE, [mention(ARTICLE, "أفغانستان", "LOC")])
    assert marked_text(rendered) == ["أفغانستان"]
    (attrs,) = marks(rendered)
    assert attrs["data-label"] == "LOC"
    assert attrs["title"] == "LOC — place"
    assert attrs["style"] == f"background:{COLORS['LOC']}"


def test_unknown_label_gets_the_default_colour() -> None:
    rendered = render_entities(ARTICLE, [mention(ARTICLE, "أفغانستان", "DATE")])
    (attrs,) = marks(rendered)
    assert attrs["style"] == f"background:{DEFAULT_COLOR}"
    assert attrs["title"] == "DATE"


def test_labels_filter_highlights_only_the_chosen_labels() -> None:
    entities = [mention(ARTICLE, "أفغانستان", "LOC"), mention(ARTICLE, "وزارة الصحة", "ORG")]
    rendered = render_entities(ARTICLE, entities, labels={"ORG"})
    assert marked_text(rendered) == ["وزارة الصحة"]
    assert text_content(rendered) == ARTICLE
    assert marked_text(render_entities(ARTICLE, entities, labels=())) == []


def test_unsorted_entities_are_rendered_in_text_order() -> None:
    entities = [mention(ARTICLE, "وزارة الصحة", "ORG"), mention(ARTICLE, "أفغانستان", "LOC")]
    assert marked_text(render_entities(ARTICLE, entities)) == ["أفغانستان", "وزارة الصحة"]


def test_an_entity_overlapping_an_earlier_one_is_skipped() -> None:
    entities = [
        mention(ARTICLE, "وزير الخارجية التركي", "PER"),
        mention(ARTICLE, "الخارجية", "ORG"),
        mention(ARTICLE, "وزير", "PER"),
    ]
    rendered = render_entities(ARTICLE, entities)
    # Sorted by (start, end) the short "وزير" comes first, so the long span over it goes; "الخارجية" follows it.
    assert marked_text(rendered) == ["وزير", "الخارجية"]
    assert text_content(rendered) == ARTICLE


def test_a_filtered_out_entity_does_not_block_an_overlapping_one() -> None:
    entities = [mention(ARTICLE, "وزير الخارجية", "PER"), mention(ARTICLE, "الخارجية", "ORG")]
    assert marked_text(render_entities(ARTICLE, entities, labels={"ORG"})) == ["الخارجية"]


def test_out_of_bounds_and_empty_spans_are_skipped() -> None:
    entities = [
        Entity(start=-1, end=3, label="LOC", text="", score=0.5),
        Entity(start=5, end=5, label="LOC", text="", score=0.5),
        Entity(start=len(ARTICLE) - 2, end=len(ARTICLE) + 4, label="LOC", text="", score=0.5),
    ]
    rendered = render_entities(ARTICLE, entities)
    assert marks(rendered) == []
    assert text_content(rendered) == ARTICLE


def test_html_in_the_article_and_in_mentions_is_escaped() -> None:
    # As displaCy's "ENT visualizer escapes HTML correctly": the gaps and the mentions are escaped alike.
    text = "قال " + " ثم ".join(PAYLOADS) + " انتهى"
    entities = [mention(text, payload, "MISC") for payload in PAYLOADS[:3]]
    rendered = render_entities(text, entities)
    assert text_content(rendered) == text
    tags = {tag for tag, _ in parse(rendered).elements}
    assert tags == {"style", "div", "mark"}
    assert not any(name.startswith("on") or name == "src" for _, attrs in parse(rendered).elements for name in attrs)


def test_a_label_cannot_inject_attributes_or_markup() -> None:
    label = '"><script>alert(1)</script><mark onmouseover="alert(1)'
    rendered = render_entities(ARTICLE, [mention(ARTICLE, "أفغانستان", label)])
    (attrs,) = marks(rendered)
    assert attrs["data-label"] == label
    assert attrs["title"] == label
    assert set(attrs) == {"class", "data-label", "title", "style"}
    assert "<script" not in rendered
    assert text_content(rendered) == ARTICLE


def test_legend_lists_known_labels_in_order_then_others_escaped() -> None:
    rendered = render_legend({"MISC", "<b>X</b>", "PER"})
    assert text_content(rendered) == "PERperson MISCother <b>X</b><b>X</b> "
    assert "<b>" not in rendered


@given(
    text=st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)) | st.sampled_from("<>&\"'\n\r")),
    spans=st.lists(
        st.tuples(st.integers(-2, 40), st.integers(-2, 40), st.sampled_from(["PER", "LOC", '"><x'])), max_size=8
    ),
)
def test_any_text_and_spans_keep_text_content_exact(text: str, spans: list[tuple[int, int, str]]) -> None:
    entities = [Entity(start=start, end=end, label=label, text="", score=1.0) for start, end, label in spans]
    rendered = render_entities(text, entities)
    # A browser would turn "\0" into U+FFFD; Python's parser keeps it, so the test stays exact.
    assert text_content(rendered) == text
    assert {tag for tag, _ in parse(rendered).elements} <= {"style", "div", "mark"}
