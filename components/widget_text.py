"""Article and model text for Streamlit's widget texts, which are Markdown: `literal(text)` shows `text` as is.

Streamlit renders Markdown (links, images, emphasis, code, its `:color[...]` directives, `$` math) in button
labels, tooltips (`help=`), captions, toasts, alerts, metric labels, expander titles and the options of
segmented controls and pills. A Markdown image there is fetched by every browser that draws it. Every piece of
user or model text bound for such an element goes through `literal`; text for elements that show plain text
(`st.text`, `st.code`, the options of `st.selectbox` and `st.multiselect`, table cells, file names) does not.
"""

from __future__ import annotations

import re

# CommonMark lets a backslash escape any ASCII punctuation character, and the escaped character is always shown
# as itself, so escaping all of them needs no knowledge of where Markdown syntax could start. Newlines become
# spaces: a label is one line, and a blank line would start a new paragraph.
_PUNCTUATION = re.compile(r"""([!"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~])""")
_LINE_BREAKS = re.compile(r"\s*[\r\n]+\s*")


def literal(text: str) -> str:
    """`text` escaped so Streamlit's Markdown shows exactly its characters: `![x](y)` → `\\!\\[x\\]\\(y\\)`."""
    return _PUNCTUATION.sub(r"\\\1", _LINE_BREAKS.sub(" ", text))
