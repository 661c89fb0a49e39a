"""HTML for the right-hand column: the summary and the sentence-aligned translation. Pure functions, no Streamlit.

Every piece of user or model text is escaped where it is joined, with the highlighter's `escape_html`; templates
are module constants and carry nothing but our own markup. Arabic blocks are `dir="rtl"` and right-aligned,
English ones `dir="ltr"` and left-aligned.
"""

from __future__ import annotations

from collections.abc import Iterator

from components.highlight import ARABIC_FONTS, escape_html
from core.types import Analysis, Sentence, Summary

PENDING = "…"

TPL_STYLE = (
    "<style>"
    ".khulasa-translation{width:100%;border-collapse:collapse;table-layout:fixed}"
    ".khulasa-translation td{vertical-align:top;padding:0.35em 0.6em;border:none;overflow-wrap:anywhere}"
    ".khulasa-translation tbody.paragraph+tbody.paragraph tr:first-child td{border-top:1px solid #d9d9d9;"
    "padding-top:0.9em}"
    ".khulasa-translation td.pending{color:#8a8a8a}"
    ".khulasa-summary p{margin:0 0 0.6em 0}"
    ".khulasa-note{color:#6b6b6b;font-size:0.875rem;margin:0 0 0.5em 0}"
    "</style>"
)
TPL_ARABIC_STYLE = f"text-align:right;font-family:{ARABIC_FONTS};line-height:1.9"
TPL_ENGLISH_STYLE = "text-align:left"
TPL_TABLE = '<table class="khulasa-translation" dir="ltr">{paragraphs}</table>'
TPL_PARAGRAPH = '<tbody class="paragraph">{rows}</tbody>'
TPL_ROW = (
    '<tr class="sentence" data-sentence="{index}">'
    f'<td class="ar" dir="rtl" lang="ar" style="{TPL_ARABIC_STYLE}">{{arabic}}</td>'
    f'<td class="en{{state}}" dir="ltr" lang="en" style="{TPL_ENGLISH_STYLE}">{{english}}</td>'
    "</tr>"
)
TPL_SUMMARY = '<div class="khulasa-summary">{blocks}</div>'
TPL_SUMMARY_AR = f'<p class="ar" dir="rtl" lang="ar" style="{TPL_ARABIC_STYLE};font-size:1.1em">{{text}}</p>'
TPL_SUMMARY_EN = f'<p class="en" dir="ltr" lang="en" style="{TPL_ENGLISH_STYLE}">{{text}}</p>'
TPL_NOTE = '<p class="khulasa-note" dir="ltr">{text}</p>'


def render_translation(analysis: Analysis) -> str:
    """One table row per sentence, Arabic beside English, one `<tbody>` per paragraph.

    A sentence not translated yet shows `PENDING` in its English cell, so the table has one row per sentence
    from the first snapshot on.
    """
    paragraphs = "".join(
        TPL_PARAGRAPH.format(rows="".join(_row(index, analysis.sentences[index]) for index in indices))
        for indices in _paragraph_indices(analysis)
    )
    return TPL_STYLE + TPL_TABLE.format(paragraphs=paragraphs)


def render_summary(summary: Summary) -> str:
    """The Arabic summary, then its English translation; empty parts are left out."""
    blocks = [TPL_SUMMARY_AR.format(text=escape_html(summary.ar))] if summary.ar.strip() else []
    if summary.en.strip():
        blocks.append(TPL_SUMMARY_EN.format(text=escape_html(summary.en)))
    return TPL_STYLE + TPL_SUMMARY.format(blocks="".join(blocks))


def render_note(text: str) -> str:
    """A short grey line of our own (progress, "nothing found"), escaped all the same."""
    return TPL_STYLE + TPL_NOTE.format(text=escape_html(text))


def _row(index: int, sentence: Sentence) -> str:
    english = sentence.translation.strip()
    return TPL_ROW.format(
        index=index,
        arabic=escape_html(sentence.text),
        english=escape_html(english or PENDING),
        state="" if english else " pending",
    )


def _paragraph_indices(analysis: Analysis) -> Iterator[tuple[int, ...]]:
    """Sentence indices per non-empty paragraph; all sentences form one paragraph when none are listed."""
    paragraphs = analysis.paragraphs or (tuple(range(len(analysis.sentences))),)
    yield from (indices for indices in paragraphs if indices)
