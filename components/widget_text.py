"""Article and model text for Streamlit's widget texts, which are Markdown: `literal(text)` shows `text` as is.

Streamlit renders Markdown (links, images, emphasis, code, its `:color[...]` directives, `$` math) in button
labels, tooltips (`help=`), captions, toasts, alerts, metric labels, expander titles and the options of
segmented controls and pills. A Markdown image there is fetched by every browser that draws it. Every piece of
user or model text bound for such an element goes through `literal`; text for elements that show plain text
(`st.text`, `st.code`, the options of `st.selectbox` and `st.multiselect`, table cells, file names) does not.

Escaping is not enough for addresses: Streamlit's Markdown (GitHub's flavour) turns a bare `http://…`, `www.…` or
`name@host.org` into a link after escapes are read, so an address in an article would become a link that leaves
the page. `literal` puts an invisible WORD JOINER (U+2060) where such an address would start to be recognised;
the text reads the same.
"""

from __future__ import annotations

import re

# CommonMark lets a backslash escape any ASCII punctuation character, and the escaped character is always shown
# as itself, so escaping all of them needs no knowledge of where Markdown syntax could start. Newlines become
# spaces: a label is one line, and a blank line would start a new paragraph.
_PUNCTUATION = re.compile(r"""([!"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~])""")
_LINE_BREAKS = re.compile(r"\s*[\r\n]+\s*")
# GFM autolinks need an ASCII letter, digit, "-" or "." right after "://" or "@", and "www" right before ".".
WORD_JOINER = "\u2060"
_ADDRESSES = re.compile(r"(?<=://)|(?<=@)|(?<=www)(?=\.)", re.IGNORECASE)


def literal(text: str) -> str:
    """`text` escaped so Streamlit's Markdown shows exactly its characters and links no address:
    `![x](y)` → `\\!\\[x\\]\\(y\\)`; `a@b.org` → `a\\@`, a WORD JOINER, `b\\.org`."""
    joined = _ADDRESSES.sub(WORD_JOINER, _LINE_BREAKS.sub(" ", text))
    return _PUNCTUATION.sub(r"\\\1", joined)
