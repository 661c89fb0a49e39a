"""Two analyses of one article whose translations ran in different batches: the same but for what batching moves.

A translation depends slightly on the sentences it is batched with (padding changes the order of the float
reductions): on CTranslate2 int8 a sentence's confidence moved by about 1e-5 between the pipeline's streamed
batches and one call, and on a tiny model trained on another machine's CPU a beam can tip to another of nearly
the same score. Everything else (segments, summary, entities, checks of the sentences whose text stayed) must be
equal; a tipped sentence must keep its confidence within NEAR_TIE per token, and most sentences must not tip.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

ROUNDING = 1e-3  # a confidence or score that batching moved, the text unchanged
NEAR_TIE = 0.02  # per token: a beam tipped to another (measured 0.010 on a tiny mT5's batched sections)


def assert_same_but_batching(expected: dict[str, Any], found: dict[str, Any], *, tips: bool = True) -> None:
    """`expected` and `found` are `documents.serialize.to_json` records. `tips=False` holds the texts equal (an
    engine whose batching moves only the last float digits, as transformers fp32 on the tiny models)."""
    expected, found = copy.deepcopy(expected), copy.deepcopy(found)
    expected.pop("timings_ms", None), found.pop("timings_ms", None)
    assert len(found["sentences"]) == len(expected["sentences"])
    tipped = set()
    for index, (want, got) in enumerate(zip(expected["sentences"], found["sentences"])):
        if got["translation"] != want["translation"]:
            assert tips, (index, want["translation"], got["translation"])
            tipped.add(index)
        if want["confidence"] is not None:
            tolerance = NEAR_TIE if index in tipped else ROUNDING
            got["confidence"] = pytest.approx(got["confidence"], abs=tolerance)
        got["translation"] = want["translation"]
    assert len(tipped) <= len(expected["sentences"]) // 4, tipped
    summary_tipped = bool(expected["summary"] and found["summary"]
                          and expected["summary"]["en"] != found["summary"]["en"])
    assert tips or not summary_tipped
    if summary_tipped:
        found["summary"]["en"] = expected["summary"]["en"]

    def kept(check: dict[str, Any]) -> bool:
        return not ((check["where"] == "sentence" and check["index"] in tipped)
                    or (check["where"] == "summary_en" and summary_tipped))

    expected["checks"] = [check for check in expected["checks"] if kept(check)]
    found["checks"] = [check for check in found["checks"] if kept(check)]
    assert found == expected
