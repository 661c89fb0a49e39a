"""Entity highlighting as one HTML string, in the manner of displaCy's `render_ents`: text and spans in, HTML out.

Every slice of article text, the gaps between mentions included, is escaped where it is joined, and so are labels
and titles. Labels are shown by CSS (`::after { content: attr(data-label) }`) rather than as text, so the
container's text content is exactly the article: copying it from the page yields the article, nothing added.
"""

from __future__ import annotations

import html
from collections.abc import Collection, Mapping, Sequence

from core.types import Entity

# Labels arrive mapped to PER/ORG/LOC/MISC (`arabic.grouping.map_label`); unknown types get the default colour.
COLORS: Mapping[str, str] = {
    "PER": "#aa9cfc",
    "ORG": "#7aecec",
    "LOC": "#feca74",
    "MISC": "#e4e7d2",
}
DEFAULT_COLOR = "#dddddd"
ARABIC_FONTS = "'Noto Naskh Arabic','Amiri','Scheherazade New','Segoe UI','Tahoma',sans-serif"
LABEL_NAMES: Mapping[str, str] = {
    "PER": "person",
    "ORG": "organisation",
    "LOC": "place",
    "MISC": "other",
}

TPL_STYLE = (
    "<style>"
    ".khulasa-entities mark.entity{padding:0.1em 0.35em;margin:0 0.1em;border-radius:0.35em;"
    "box-decoration-break:clone;-webkit-box-decoration-break:clone;color:inherit}"
    ".khulasa-entities mark.entity[data-label]::after{content:attr(data-label);font-size:0.6em;font-weight:bold;"
    "margin-inline-start:0.4em;direction:ltr;unicode-bidi:isolate;vertical-align:middle}"
    ".khulasa-legend span.entity{padding:0.1em 0.4em;border-radius:0.35em;margin-inline-end:0.3em;font-weight:bold}"
    "</style>"
)
TPL_CONTAINER = (
    f'<div class="khulasa-entities" dir="rtl" lang="ar" style="font-family:{ARABIC_FONTS};text-align:right;'
    'line-height:2;white-space:{white_space}">{content}</div>'
)
TPL_ENT = '<mark class="entity" data-label="{label}" title="{title}" style="background:{color}">{text}</mark>'
TPL_LEGEND = '<div class="khulasa-legend" dir="ltr">{items}</div>'
TPL_LEGEND_ITEM = '<span class="entity" title="{title}" style="background:{color}">{label}</span>{name} '


def render_entities(
    text: str,
    entities: Sequence[Entity],
    *,
    labels: Collection[str] | None = None,
    paragraphs: bool = True,
) -> str:
    """The article with its mentions highlighted, right to left, as one HTML string.

    Mentions are taken in `(start, end)` order; one overlapping an earlier mention, or lying outside the text,
    is skipped. Only labels in `labels` are highlighted (None: all). With `paragraphs` the text's newlines are
    kept as line breaks; without, the text flows as one block. Either way the text content equals `text`.
    """
    parts: list[str] = []
    offset = 0
    for entity in _visible_mentions(text, entities, labels):
        parts.append(escape_html(text[offset : entity.start]))
        parts.append(_render_mention(text[entity.start : entity.end], entity.label))
        offset = entity.end
    parts.append(escape_html(text[offset:]))
    white_space = "pre-wrap" if paragraphs else "normal"
    return TPL_STYLE + TPL_CONTAINER.format(white_space=white_space, content="".join(parts))


def render_legend(labels: Collection[str]) -> str:
    """A one-line key of label colours: known labels first in `COLORS` order, then others alphabetically."""
    known = [label for label in COLORS if label in labels]
    others = sorted(set(labels) - set(COLORS))
    items = "".join(
        TPL_LEGEND_ITEM.format(
            label=escape_html(label),
            name=escape_html(LABEL_NAMES.get(label, label)),
            title=escape_html(_title(label)),
            color=escape_html(COLORS.get(label, DEFAULT_COLOR)),
        )
        for label in known + others
    )
    return TPL_STYLE + TPL_LEGEND.format(items=items)


def _visible_mentions(text: str, entities: Sequence[Entity], labels: Collection[str] | None) -> list[Entity]:
    """Mentions to highlight, sorted, with those overlapping an earlier one or out of bounds dropped."""
    visible: list[Entity] = []
    end = 0
    for entity in sorted(entities, key=lambda entity: (entity.start, entity.end)):
        if labels is not None and entity.label not in labels:
            continue
        if entity.start < end or not 0 <= entity.start < entity.end <= len(text):
            continue
        visible.append(entity)
        end = entity.end
    return visible


def _render_mention(mention: str, label: str) -> str:
    return TPL_ENT.format(
        label=escape_html(label),
        title=escape_html(_title(label)),
        color=escape_html(COLORS.get(label, DEFAULT_COLOR)),
        text=escape_html(mention),
    )


def _title(label: str) -> str:
    """The tooltip for a label, e.g. "LOC — place"; an unknown label stands alone."""
    name = LABEL_NAMES.get(label)
    return f"{label} — {name}" if name else label


def escape_html(fragment: str) -> str:
    """Escape user text for HTML content and attributes. HTML parsing turns a raw carriage return into a
    newline; as a character reference it survives."""
    return html.escape(fragment, quote=True).replace("\r", "&#13;")
