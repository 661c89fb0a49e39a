"""Markdown export of an `Analysis`: the file the CLI's `--format md` writes and the app's download button serves.

Every piece of user text (article, translation, summary, entity names, model names, problems) passes through
`escape_markdown` where it is joined, so a Markdown renderer shows it literally: no HTML, links, images,
emphasis, headings, lists, code or table breaks can come from the article. The output holds no raw HTML.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from datetime import UTC, datetime

from arabic.text import is_arabic_letter, is_arabic_script
from core.settings import licence
from core.types import STAGES, Analysis, Check, Sentence, Summary

TITLE_LIMIT = 80
SLUG_LIMIT = 50
UNTITLED = "Untitled article"

# Escapes are added only where CommonMark (plus the GFM tables, strikethrough and autolinks that CMSs add) would
# read syntax, so prose keeps its `3.5`, `10:30`, `(brackets)` and `snake_case`. Anywhere in a line: a backslash
# before punctuation or at the end of a line, code and emphasis marks (`_` only where it can open or close
# emphasis), `[` (links, images, footnotes), `<` and `&` where they would start HTML or an entity, and the
# `www.`, `scheme:` and `@` of bare links. `|` is escaped in inline text (table cells) and on lines that could be
# a table's delimiter row. At the start of a line (or of inline text): heading, quote and list markers, and
# lines that would be a thematic break or a setext underline.
_ANYWHERE = re.compile(
    r"""(?P<backslash>\\(?=[!-/:-@\[-`{-~]|$))"""
    r"|(?P<mark>[`*~\[])"
    r"|(?P<underscores>_+)"
    r"|(?P<html><(?=[A-Za-z/!?]))"
    r"|(?P<entity>&(?=#?[A-Za-z0-9]+;))"
    r"|(?i:\bwww(?P<www>\.))"
    r"|(?i:\b(?:https?|ftp|mailto|xmpp)(?P<scheme>:))"
    r"|(?<=[\w.+-])(?P<at>@)(?=[\w-]+\.)"
)
_LINE_START = re.compile(r"^(?:(?P<block>#{1,6}(?=\s|$)|>|[-+](?=\s|$)|([-=])(?=(?:[ \t]*\2)*[ \t]*$))"
                         r"|\d{1,9}(?P<ordered>[.)])(?=\s|$))")
_DELIMITER_ROW = re.compile(r"^(?=.*-)(?=.*\|)[\s|:-]+$")
_ATX_CLOSING = re.compile(r"(?<=\s)#+$")
_WHITESPACE = re.compile(r"\s+")
_SLUG_SEPARATORS = re.compile(r"-+")


def escape_markdown(text: str, *, inline: bool = False) -> str:
    """Make user text render literally in Markdown, with a backslash only where one is needed.

    Lines are stripped and blank lines dropped, so the text stays one block (no indented code, no paragraph
    breaks smuggled in). With `inline=True` (table cells, headings, list items, link texts) all whitespace runs,
    newlines included, become one space, and `|`, `]` and a closing run of `#` are escaped too.
    Example: `escape_markdown("# [x](y.z) 3.5")` gives `\\# \\[x](y.z) 3.5`.
    """
    if inline:
        line = _WHITESPACE.sub(" ", text).strip()
        escaped = _escape_line(line, pipes=True).replace("]", "\\]")
        return _ATX_CLOSING.sub(lambda match: "\\" + match.group(), escaped)
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return "\n".join(_escape_line(line, pipes=bool(_DELIMITER_ROW.match(line))) for line in lines)


def _escape_line(line: str, *, pipes: bool) -> str:
    escaped = _ANYWHERE.sub(_escape_match, line)
    if pipes:
        escaped = escaped.replace("|", "\\|")
    return _LINE_START.sub(_escape_line_start, escaped, count=1)


def _escape_line_start(match: re.Match[str]) -> str:
    return _escape_at(match, "ordered") if match.group("ordered") else "\\" + match.group()


def _escape_match(match: re.Match[str]) -> str:
    kind = match.lastgroup
    if kind == "underscores" and not _can_be_emphasis(match):
        return match.group()
    return _escape_at(match, kind)


def _escape_at(match: re.Match[str], group: str | int) -> str:
    """The match with a backslash before each character of `group` (the whole match when `group` is 0)."""
    start, end = match.span(group)
    whole = match.group()
    offset = start - match.start()
    inner = "".join("\\" + char for char in whole[offset : offset + end - start])
    return whole[:offset] + inner + whole[offset + end - start :]


def _can_be_emphasis(match: re.Match[str]) -> bool:
    """A run of `_` between two letters or digits can neither open nor close emphasis (CommonMark 6.2)."""
    text, start, end = match.string, match.start(), match.end()
    inside = start > 0 and end < len(text) and text[start - 1].isalnum() and text[end].isalnum()
    return not inside


def title_of(analysis: Analysis) -> str:
    """The article's first sentence on one line, cut at a word boundary near `TITLE_LIMIT` characters."""
    if analysis.sentences:
        first = analysis.sentences[0].text
    else:
        first = next((line for line in analysis.text.splitlines() if line.strip()), "")
    return cut_title(first) or UNTITLED


def cut_title(line: str) -> str:
    """`line` on one line, cut at a word boundary near `TITLE_LIMIT` characters (with "…" when cut)."""
    title = _WHITESPACE.sub(" ", line).strip()
    if len(title) <= TITLE_LIMIT:
        return title
    head = title[: TITLE_LIMIT + 1]
    cut = head.rsplit(" ", 1)[0] if " " in head else title[:TITLE_LIMIT]
    return cut.rstrip() + "…"


def export_filename(analysis: Analysis, generated: datetime) -> str:
    """A safe file name such as `khulasa-2026-11-29-<slug>.md`, the slug taken from the title."""
    return f"khulasa-{as_utc(generated):%Y-%m-%d}-{_slug(title_of(analysis))}.md"


def to_markdown(analysis: Analysis, *, generated: datetime | None = None) -> str:
    """The whole export; deterministic for a given `generated` time (default: now, in UTC)."""
    when = as_utc(generated or datetime.now(UTC))
    blocks = [
        f"# {escape_markdown(title_of(analysis), inline=True)}",
        f"Generated {when:%Y-%m-%d %H:%M} UTC",
        *_partial_section(analysis),
        *_models_section(analysis),
        *_checks_section(analysis),
        *_summary_section(analysis),
        *_entities_section(analysis),
        *_glossary_section(analysis),
        *_translation_section(analysis),
        *_original_section(analysis),
        *_notes_section(analysis),
    ]
    return "\n\n".join(blocks) + "\n"


def _partial_section(analysis: Analysis) -> Iterator[str]:
    """For a partial analysis, which parts are missing or incomplete, before anything else."""
    stages = [problem.stage for problem in analysis.problems if problem.stage]
    if stages:
        missing = ", ".join(dict.fromkeys(STAGES[stage].lower() for stage in stages))
        yield f"**Partial analysis**: {missing} missing or incomplete (see Notes); the rest is complete."


def _models_section(analysis: Analysis) -> Iterator[str]:
    models = analysis.models
    yield "**Models**"
    yield "\n".join(
        f"- {role}: {escape_markdown(name, inline=True)}"
        + (f" (licence: {escape_markdown(licence(name), inline=True)})" if role != "Engine" else "")
        for role, name in (
            (f"Translator, {models.translation} mode", models.translator),
            ("Summarizer", models.summarizer),
            ("NER", models.ner),
            ("Engine", models.engine),
        )
    )


def _checks_section(analysis: Analysis) -> Iterator[str]:
    """The findings not yet marked checked, each with the text it concerns; nothing when there are none."""
    if analysis.problem("checks"):
        yield "## Check before publishing"
        yield "_The check did not run (see Notes): check the numbers and names by hand._"
        return
    open_checks = [check for check in analysis.checks if not check.checked]
    if not open_checks:
        return
    yield "## Check before publishing"
    count = f"{len(open_checks)} finding{'s' * (len(open_checks) > 1)}"
    yield f"_{count} to check against the article before publishing._"
    places: dict[tuple[str, int], list[Check]] = {}
    for check in open_checks:  # one item per sentence or summary, so a sentence with many findings is quoted once
        places.setdefault((check.where, check.index), []).append(check)
    yield "\n".join(_check_item(analysis, checks) for checks in places.values())


def _check_item(analysis: Analysis, checks: list[Check]) -> str:
    """`- **Sentence 3** · 2200 · not in the translation; 6,000 · …`, then the sentence (or summary) they concern."""
    check, summary = checks[0], analysis.summary
    if check.where == "sentence" and 0 <= check.index < len(analysis.sentences):
        sentence = analysis.sentences[check.index]
        place, concerns = f"Sentence {check.index + 1}", (sentence.text, sentence.translation)
    elif check.where == "summary_en":
        place, concerns = "English summary", (summary.ar, summary.en) if summary else ()
    else:
        place, concerns = "Summary", (summary.ar,) if summary else ()
    found = "; ".join(f"{escape_markdown(one.text, inline=True)} · {escape_markdown(one.detail, inline=True)}"
                      for one in checks)
    head = f"- **{place}** · {found}"
    return "\n".join([head, *(f"  - {escape_markdown(text, inline=True)}" for text in concerns if text.strip())])


def _summary_section(analysis: Analysis) -> Iterator[str]:
    yield "## Summary"
    summary = analysis.summary
    if summary is None or not summary.ar.strip():
        reason = "see Notes" if analysis.problems else "none was produced for this article"
        yield f"_No summary ({reason})._"
        return
    if summary.quoted:
        yield from _key_sentences(analysis)
    else:
        yield "_Abstractive summary, written by the summarizer model._"
        yield from (block for block in (escape_markdown(summary.ar), escape_markdown(summary.en)) if block)
    yield from _summary_edits(summary)
    if analysis.problem("summary_en"):
        yield "_No English summary (see Notes)._"
    how = f"{summary.strategy}: {summary.detail}" if summary.detail else summary.strategy
    yield f"_Strategy: {escape_markdown(how, inline=True)}_"


def _key_sentences(analysis: Analysis) -> Iterator[str]:
    """Key sentences (quoted verbatim): each one numbered as in the article, its translation under it."""
    yield "_Key sentences (quoted verbatim from the article, in its order)._"
    items = []
    for index in analysis.summary.sentences:
        sentence = analysis.sentences[index]
        items.append(f"- **Sentence {index + 1}** · {escape_markdown(sentence.text, inline=True)}")
        if sentence.translation.strip():
            items.append(f"  - {escape_markdown(sentence.translation, inline=True)}")
    yield "\n".join(items)


def _entities_section(analysis: Analysis) -> Iterator[str]:
    yield "## Entities"
    groups = analysis.groups
    if not groups:
        yield "_No entities (see Notes)._" if analysis.problem("entities") else "_No entities found._"
        return
    rows = ["| Entity | English | Type | Mentions |", "| --- | --- | --- | ---: |"]
    for group in sorted(groups, key=lambda group: -group.count):
        cells = (group.canonical, group.english, group.label, str(group.count))
        rows.append("| " + " | ".join(escape_markdown(cell, inline=True) for cell in cells) + " |")
    yield "\n".join(rows)


def _glossary_section(analysis: Analysis) -> Iterator[str]:
    """The newsroom glossary's terms that the English now writes as listed; nothing without a glossary."""
    if not analysis.glossary:
        return
    yield "## Glossary applied"
    rows = ["| Arabic | English |", "| --- | --- |"]
    rows += ["| " + " | ".join(escape_markdown(cell, inline=True) for cell in (term.arabic, term.english)) + " |"
             for term in analysis.glossary]
    yield "\n".join(rows)


def _translation_section(analysis: Analysis) -> Iterator[str]:
    yield "## Translation"
    paragraphs = [
        " ".join(s.translation.strip() for s in sentences if s.translation.strip())
        for sentences in _paragraph_sentences(analysis)
    ]
    blocks = [escape_markdown(paragraph) for paragraph in paragraphs if paragraph]
    translated = sum(bool(sentence.translation.strip()) for sentence in analysis.sentences)
    if analysis.problem("translation") and translated < len(analysis.sentences):
        yield f"_Translation incomplete: {translated} of {len(analysis.sentences)} sentences (see Notes)._"
    yield from _sentence_edits(analysis)
    yield from blocks or ["_No translation._"]


def _sentence_edits(analysis: Analysis) -> Iterator[str]:
    """How many translations the journalist wrote by hand or chose among the translator's alternatives."""
    edited = sum(sentence.edited for sentence in analysis.sentences)
    chosen = sum(sentence.chosen for sentence in analysis.sentences)
    if edited or chosen:
        parts = [f"{edited} edited by hand" if edited else "", f"{chosen} chosen among the translator's "
                 "alternatives" if chosen else ""]
        yield (f"_Of {len(analysis.sentences)} sentences, {' and '.join(part for part in parts if part)}; the "
               "others are the machine's._")


def _summary_edits(summary: Summary) -> Iterator[str]:
    parts = [name for name, edited in (("Arabic", summary.ar_edited), ("English", summary.en_edited)) if edited]
    if parts:
        yield f"_{' and '.join(parts)} summary edited by hand._"


def _original_section(analysis: Analysis) -> Iterator[str]:
    yield "## Original"
    if analysis.sentences:
        paragraphs = [analysis.text[group[0].start : group[-1].end] for group in _paragraph_sentences(analysis)]
    else:
        paragraphs = analysis.text.split("\n\n")
    blocks = [escape_markdown(paragraph) for paragraph in paragraphs if paragraph.strip()]
    yield from blocks or ["_No text._"]


def _notes_section(analysis: Analysis) -> Iterator[str]:
    if analysis.problems:
        yield "## Notes"
        yield "\n".join(f"- {escape_markdown(str(problem), inline=True)}" for problem in analysis.problems)


def _paragraph_sentences(analysis: Analysis) -> Iterator[list[Sentence]]:
    """The sentences of each non-empty paragraph; all sentences form one paragraph if none are listed."""
    paragraphs = analysis.paragraphs or (tuple(range(len(analysis.sentences))),)
    for indices in paragraphs:
        if indices:
            yield [analysis.sentences[index] for index in indices]


def as_utc(moment: datetime) -> datetime:
    """Aware times are converted to UTC; naive ones are taken to be UTC already."""
    return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)


def _slug(title: str) -> str:
    """Arabic letters and digits plus ASCII alphanumerics, other runs as one '-'; 'article' if nothing is left."""
    kept = "".join(char if _slug_char(char) else "-" for char in unicodedata.normalize("NFKC", title))
    slug = _SLUG_SEPARATORS.sub("-", kept).strip("-").lower()
    if len(slug) > SLUG_LIMIT:
        slug = slug[: SLUG_LIMIT + 1]
        slug = slug.rsplit("-", 1)[0] if "-" in slug else slug[:SLUG_LIMIT]
        slug = slug.strip("-")
    return slug or "article"


def _slug_char(char: str) -> bool:
    if char.isascii():
        return char.isalnum()
    # Arabic letters and digits; not the tatweel (a stretching stroke, not a letter).
    return is_arabic_letter(char) or (is_arabic_script(char) and unicodedata.category(char) == "Nd")
