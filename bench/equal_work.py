"""Equal work for benchmarks that run the production pipeline unchanged (`bench/serve.py`): every translated
sentence `SENTENCE_TOKENS` long, every entity's name `NAME_TOKENS`, every summary `SUMMARY_TOKENS`, as
`bench/measure.py` fixes them.

Random-weight models otherwise run every output to its cap (a sentence's translation to about 220 words, the
English summary to over 500): one seed article then takes about 48 s instead of a few seconds, and how long it
takes depends on the weights, not on the code. `fix_lengths()` makes the pipeline's own `Translator` and
`Summarizer` ask for fixed lengths, in this process and, named as Ray's `worker_process_setup_hook`, in every
worker of the service (the ingress builds them per request), so both sides of a comparison do the same work.
"""

from __future__ import annotations

import functools
from dataclasses import replace

from models.summarize import Summarizer
from models.translate import Translator

SENTENCE_TOKENS = 60  # tokens generated for each translated sentence
SUMMARY_TOKENS = 64  # tokens generated for the Arabic summary
# An entity's name (a source of at most 8 tokens, whose output limit is 32) is translated to NAME_TOKENS: a name
# translates to a few words, not to a sentence's 60 tokens.
NAME_LIMIT, NAME_TOKENS = 32, 6


def fix_lengths() -> None:
    """Patch `Translator` and `Summarizer` (once per process) so every output has the bench's fixed length."""
    if getattr(Translator, "_equal_work", False):
        return
    init, summarize = Translator.__init__, Summarizer.summarize
    settings, new_tokens = Translator.settings, Translator.new_tokens

    @functools.wraps(init)
    def fixed_init(self, *args, fixed_new_tokens=None, **kwargs):
        init(self, *args, fixed_new_tokens=fixed_new_tokens or SENTENCE_TOKENS, **kwargs)

    @functools.wraps(settings)
    def fixed_settings(self, longest):
        if self.limit(longest) <= NAME_LIMIT:
            return replace(settings(self, longest), min_new_tokens=NAME_TOKENS, max_new_tokens=NAME_TOKENS)
        return settings(self, longest)

    @functools.wraps(new_tokens)
    def fixed_new(self, length):
        return NAME_TOKENS if self.limit(length) <= NAME_LIMIT else new_tokens(self, length)

    @functools.wraps(summarize)
    def fixed_summarize(self, text, *, fixed_new_tokens=None, **kwargs):
        return summarize(self, text, fixed_new_tokens=fixed_new_tokens or SUMMARY_TOKENS, **kwargs)

    Translator.__init__, Summarizer.summarize = fixed_init, fixed_summarize
    Translator.settings, Translator.new_tokens = fixed_settings, fixed_new
    Translator._equal_work = True
