"""HTML for the right-hand column: the summary and the sentence-aligned translation. Pure functions, no Streamlit.

Every piece of user or model text is escaped where it is joined, with the highlighter's `escape_html`; templates
are module constants and carry nothing but our own markup. Arabic blocks are `dir="rtl"` and right-aligned,
English ones `dir="ltr"` and left-aligned. Findings of the check before publishing are marked where they are
(`<mark class="khulasa-check">` around the number or name, the sentence pair shaded) with their reasons below;
marks add no text, so each cell's text is still the sentence or translation itself.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from dataclasses import replace

from analysis.checks import SENTENCE, SUMMARY_EN, in_english
from components.highlight import ARABIC_FONTS, escape_html
from core.types import Analysis, Check, Sentence, Summary

PENDING = "…"

TPL_ARABIC_STYLE = f"text-align:right;font-family:{ARABIC_FONTS};line-height:1.9"
TPL_ENGLISH_STYLE = "text-align:left"
# The aligned view of a long article has thousands of cells: their look is set once here, not on every cell.
TPL_STYLE = (
    "<style>"
    ".khulasa-translation{width:100%;border-collapse:collapse;table-layout:fixed}"
    ".khulasa-translation td{vertical-align:top;padding:0.35em 0.6em;border:none;overflow-wrap:anywhere}"
    ".khulasa-translation tbody.paragraph+tbody.paragraph tr:first-child td{border-top:1px solid #d9d9d9;"
    "padding-top:0.9em}"
    ".khulasa-translation td.pending{color:#8a8a8a}"
    ".khulasa-summary p{margin:0 0 0.6em 0}"
    ".khulasa-note{color:#6b6b6b;font-size:0.875rem;margin:0 0 0.5em 0}"
    ".khulasa-translation td.flagged{background:#fff4e6}"
    "mark.khulasa-check{background:#ffd8a8;color:inherit;padding:0 0.15em;border-radius:0.2em;"
    "border-bottom:2px solid #e8590c}"
    "mark.khulasa-check.checked{background:#e6f4ea;border-bottom-color:#2b8a3e}"
    ".khulasa-reasons{font-size:0.85rem;color:#a34700;margin:0 0 0.6em 0}"
    ".khulasa-reasons .checked{color:#2b8a3e}"
    ".khulasa-reasons .reason{display:block}"
    f".khulasa-translation td.ar{{{TPL_ARABIC_STYLE}}}"
    f".khulasa-translation td.en{{{TPL_ENGLISH_STYLE}}}"
    ".khulasa-translation td.en.review{box-shadow:inset 3px 0 0 #e03131}"
    ".khulasa-translation td.en.review::after{content:' · review first';color:#c92a2a;font-size:0.8em}"
    ".khulasa-translation td.en.edited{box-shadow:inset 3px 0 0 #1971c2}"
    ".khulasa-translation td.en.edited::after{content:' · edited';color:#1864ab;font-size:0.8em}"
    ".khulasa-translation td.en.chosen{box-shadow:inset 3px 0 0 #2f9e44}"
    ".khulasa-translation td.en.chosen::after{content:' · chosen';color:#2b8a3e;font-size:0.8em}"
    ".khulasa-machine{color:#6b6b6b;margin:0}"
    "</style>"
)
TPL_TABLE = '<table class="khulasa-translation" dir="ltr">{paragraphs}</table>'
TPL_PARAGRAPH = '<tbody class="paragraph">{rows}</tbody>'
TPL_ROW = (
    '<tr class="sentence" data-sentence="{index}">'
    '<td class="ar{flag}" dir="rtl" lang="ar">{arabic}</td>'
    '<td class="en{state}{flag}{mark}" dir="ltr" lang="en"{title}>{english}</td>'
    "</tr>"
)
TPL_REASONS_ROW = (
    '<tr class="khulasa-reasons" data-sentence-checks="{index}"><td colspan="2" dir="ltr">{reasons}</td></tr>'
)
TPL_SUMMARY_REASONS = '<p class="khulasa-reasons" dir="ltr">{reasons}</p>'
TPL_REASON = '<span class="reason{state}">{sign} {texts}: {detail}</span>'
TPL_REASON_ALONE = '<span class="reason{state}">{sign} {detail}</span>'  # a reason that names its number itself
TPL_REASON_TEXT = '<span dir="auto">{text}</span>'
TPL_MARK = '<mark class="khulasa-check{state}" title="{detail}">{text}</mark>'
OPEN_SIGN, CHECKED_SIGN = "⚠", "✓"
TPL_SUMMARY = '<div class="khulasa-summary">{blocks}</div>'
TPL_SUMMARY_AR = f'<p class="ar" dir="rtl" lang="ar" style="{TPL_ARABIC_STYLE};font-size:1.1em">{{text}}</p>'
TPL_SUMMARY_EN = f'<p class="en" dir="ltr" lang="en" style="{TPL_ENGLISH_STYLE}">{{text}}</p>'
TPL_NOTE = '<p class="khulasa-note" dir="ltr">{text}</p>'
TPL_KEY_SENTENCES = '<ol class="khulasa-summary khulasa-key-sentences" dir="ltr">{items}</ol>'
TPL_KEY_SENTENCE = '<li value="{number}" data-sentence="{index}">{blocks}</li>'
KEY_SENTENCES_NOTE = "Key sentences, quoted verbatim from the article (numbered as in it)"
TPL_MACHINE = '<p class="khulasa-machine" dir="{direction}">{text}</p>'
TPL_CONFIDENCE = ' title="Translator confidence {confidence:.2f} (mean log-probability per token)"'


def render_translation(analysis: Analysis, review: Collection[int] = ()) -> str:
    """One table row per sentence, Arabic beside English, one `<tbody>` per paragraph.

    A sentence not translated yet shows `PENDING` in its English cell, so the table has one row per sentence
    from the first snapshot on. The English cell of a sentence in `review` is marked "review first", of an edited
    or chosen one "edited" or "chosen" (by style only: the cell's text stays the translation); its tooltip gives
    the translator's confidence.
    """
    checks: dict[int, list[Check]] = {}
    for check in analysis.checks:
        if check.where == SENTENCE:
            checks.setdefault(check.index, []).append(check)
    paragraphs = "".join(
        TPL_PARAGRAPH.format(rows="".join(_row(index, analysis.sentences[index], checks.get(index, ()),
                                               index in review) for index in indices))
        for indices in _paragraph_indices(analysis)
    )
    return TPL_STYLE + TPL_TABLE.format(paragraphs=paragraphs)


def render_summary(summary: Summary, checks: Sequence[Check] = ()) -> str:
    """The Arabic summary, then its English translation, each with its findings marked, then their reasons;
    empty parts are left out."""
    checks = [check for check in checks if check.where != SENTENCE]
    arabic = [check for check in checks if not in_english(check)]
    english = [check for check in checks if in_english(check) and check.where == SUMMARY_EN]
    blocks = [TPL_SUMMARY_AR.format(text=_marked(summary.ar, arabic))] if summary.ar.strip() else []
    if summary.en.strip():
        blocks.append(TPL_SUMMARY_EN.format(text=_marked(summary.en, english)))
    if checks:
        blocks.append(TPL_SUMMARY_REASONS.format(reasons=_reasons(checks)))
    return TPL_STYLE + TPL_SUMMARY.format(blocks="".join(blocks))


def render_key_sentences(analysis: Analysis) -> str:
    """The key sentences, numbered as in the article, each Arabic sentence over its translation with the
    sentence's findings marked, under a note saying they are quoted; then how they were chosen."""
    checks: dict[int, list[Check]] = {}
    for check in analysis.checks:
        if check.where == SENTENCE:
            checks.setdefault(check.index, []).append(check)
    items = []
    for index in analysis.summary.sentences:
        sentence, found = analysis.sentences[index], checks.get(index, ())
        arabic = [replace(c, start=c.start - sentence.start, end=c.end - sentence.start) for c in found
                  if not in_english(c)]
        english = sentence.translation.strip()
        lead = len(sentence.translation) - len(sentence.translation.lstrip())
        translated = [replace(c, start=c.start - lead, end=c.end - lead) for c in found if in_english(c)]
        blocks = TPL_SUMMARY_AR.format(text=_marked(sentence.text, arabic))
        if english:
            blocks += TPL_SUMMARY_EN.format(text=_marked(english, translated))
        items.append(TPL_KEY_SENTENCE.format(number=index + 1, index=index, blocks=blocks))
    note = TPL_NOTE.format(text=escape_html(f"{KEY_SENTENCES_NOTE}: {analysis.summary.detail}."))
    return TPL_STYLE + note + TPL_KEY_SENTENCES.format(items="".join(items))


def render_note(text: str) -> str:
    """A short grey line of our own (progress, "nothing found"), escaped all the same."""
    return TPL_STYLE + TPL_NOTE.format(text=escape_html(text))


def render_versions(machine: str, *, arabic: bool) -> str:
    """The machine's text of an edited sentence or summary, shown beside the journalist's."""
    return TPL_STYLE + TPL_MACHINE.format(direction="rtl" if arabic else "ltr", text=escape_html(machine))


def _row(index: int, sentence: Sentence, checks: Sequence[Check], review: bool = False) -> str:
    """The sentence pair, its findings marked (the pair shaded while one is open), then a row of their reasons."""
    english = sentence.translation.strip()
    lead = len(sentence.translation) - len(sentence.translation.lstrip())
    arabic = [replace(c, start=c.start - sentence.start, end=c.end - sentence.start) for c in checks
              if not in_english(c)]
    translated = [replace(c, start=c.start - lead, end=c.end - lead) for c in checks if in_english(c)]
    row = TPL_ROW.format(
        index=index,
        arabic=_marked(sentence.text, arabic),
        english=_marked(english, translated) if english else escape_html(PENDING),
        state="" if english else " pending",
        flag=" flagged" if any(not check.checked for check in checks) else "",
        mark=" edited" if sentence.edited else " chosen" if sentence.chosen else " review" if review else "",
        title="" if sentence.confidence is None else TPL_CONFIDENCE.format(confidence=sentence.confidence),
    )
    return row + (TPL_REASONS_ROW.format(index=index, reasons=_reasons(checks)) if checks else "")


def _marked(text: str, checks: Sequence[Check]) -> str:
    """`text` escaped, with each finding's span in a `<mark>`; spans overlapping an earlier one or outside the
    text are left unmarked (their reason is still listed)."""
    parts, offset = [], 0
    for check in sorted(checks, key=lambda check: (check.start, check.end)):
        if check.start < offset or not 0 <= check.start < check.end <= len(text):
            continue
        parts.append(escape_html(text[offset:check.start]))
        parts.append(TPL_MARK.format(state=_state(check), detail=escape_html(check.detail),
                                     text=escape_html(text[check.start:check.end])))
        offset = check.end
    parts.append(escape_html(text[offset:]))
    return "".join(parts)


def _reasons(checks: Sequence[Check]) -> str:
    """One line per reason and mark, listing the numbers and names it holds: "⚠ 1991, 2200: not in the
    translation" (a long sentence can hold dozens of findings with the same reason)."""
    lines: dict[tuple[bool, str], list[str]] = {}
    for check in checks:
        text = "" if check.detail.startswith(check.text) else TPL_REASON_TEXT.format(text=escape_html(check.text))
        lines.setdefault((check.checked, check.detail), []).append(text)
    return "".join((TPL_REASON if any(texts) else TPL_REASON_ALONE).format(
        state=" checked" if checked else "", sign=CHECKED_SIGN if checked else OPEN_SIGN,
        texts=", ".join(text for text in texts if text), detail=escape_html(detail))
        for (checked, detail), texts in lines.items())


def _state(check: Check) -> str:
    return " checked" if check.checked else ""


def _paragraph_indices(analysis: Analysis) -> Iterator[tuple[int, ...]]:
    """Sentence indices per non-empty paragraph; all sentences form one paragraph when none are listed."""
    paragraphs = analysis.paragraphs or (tuple(range(len(analysis.sentences))),)
    yield from (indices for indices in paragraphs if indices)
