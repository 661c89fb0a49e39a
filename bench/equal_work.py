"""Equal work for benchmarks that run the production pipeline unchanged (`bench/serve.py`): every translation
`SENTENCE_TOKENS` long and every summary `SUMMARY_TOKENS` long, as `bench/measure.py` fixes them.

Random-weight models otherwise run every output to its cap (a sentence's translation to about 220 words, the
English summary to over 500): one seed article then takes about 48 s instead of a few seconds, and how long it
takes depends on the weights, not on the code. `fix_lengths()` makes the pipeline's own `Translator` and
`Summarizer` ask for fixed lengths, in this process and, named as Ray's `worker_process_setup_hook`, in every
worker of the service (the ingress builds them per request), so both sides of a comparison do the same work.
"""

from __future__ import annotations

import functools

from models.summarize import Summarizer
from models.translate import Translator

SENTENCE_TOKENS = 60  # tokens generated for each translated sentence
SUMMARY_TOKENS = 64  # tokens generated for the Arabic summary


def fix_lengths() -> None:
    """Patch `Translator` and `Summarizer` (once per process) so every output has the bench's fixed length."""
    if getattr(Translator, "_equal_work", False):
        return
    init, summarize = Translator.__init__, Summarizer.summarize

    @functools.wraps(init)
    def fixed_init(self, *args, fixed_new_tokens=None, **kwargs):
        init(self, *args, fixed_new_tokens=fixed_new_tokens or SENTENCE_TOKENS, **kwargs)

    @functools.wraps(summarize)
    def fixed_summarize(self, text, *, fixed_new_tokens=None, **kwargs):
        return summarize(self, text, fixed_new_tokens=fixed_new_tokens or SUMMARY_TOKENS, **kwargs)

    Translator.__init__, Summarizer.summarize = fixed_init, fixed_summarize
    Translator._equal_work = True
