"""CTranslate2 against transformers on the same tiny checkpoints: same beams, same scores.

Converted to float32 so the comparison is exact up to float rounding (int8 is the speed setting, not this).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from models import ct2
from models.engine import Generation
from models.seq2seq import resolve_engine
from models.transformers_engine import TransformersSeq2Seq

pytestmark = pytest.mark.skipif(not ct2.available(), reason="CTranslate2 is not installed")


@pytest.fixture(scope="module")
def engines(tiny_model_dirs: dict[str, Path]) -> dict:
    return {
        role: (TransformersSeq2Seq(str(folder), "cpu"),
               ct2.CTranslate2Seq2Seq(str(folder), "cpu", quantization="float32"))
        for role, folder in tiny_model_dirs.items() if role in {"translator", "summarizer"}
    }


def finished(engine: TransformersSeq2Seq, text: str, settings: Generation) -> bool:
    """True when the hypothesis ended with its end token rather than at the length limit."""
    return len(engine.tokenizer(text_target=text)["input_ids"]) - 1 < settings.max_new_tokens - 1


def token_log_probabilities(engine: TransformersSeq2Seq, source: str, text: str) -> tuple[list[str], list[float]]:
    """The target pieces of `text` and the reference model's log-probability of each (end token included), read
    by teacher forcing."""
    import torch

    inputs = engine.tokenizer([source], return_tensors="pt")
    labels = engine.tokenizer(text_target=[text], return_tensors="pt")["input_ids"]
    with torch.inference_mode():
        logits = engine.model(**inputs, labels=labels).logits
    pieces = engine.tokenizer.convert_ids_to_tokens(labels[0].tolist())[:-1]  # without the end token
    return pieces, logits.log_softmax(-1).gather(-1, labels[..., None])[0, :, 0].tolist()


def test_marian_beams_and_scores_match(engines, seed: str) -> None:
    """Where the two beam searches pick the same hypothesis its scores agree; and whatever they pick (float rounding
    can tip a near tie, as on a differently trained tiny model), CTranslate2 gives each piece of the reference's
    hypothesis the reference's own log-probability: a converter that changed the model could not."""
    reference, converted = engines["translator"]
    settings = Generation(num_beams=4, max_new_tokens=100)
    sentences = [line for line in seed.splitlines() if line.strip()][:6]
    compared = 0
    for sentence, (text, score), (ct2_text, ct2_score) in zip(sentences, reference.generate_scored(sentences, settings),
                                                               converted.generate_scored(sentences, settings)):
        if not finished(reference, text, settings):  # at the limit transformers forces `</s>`, CTranslate2 does not
            continue
        compared += 1
        if ct2_text == text:
            assert ct2_score == pytest.approx(score, abs=1e-3)
        pieces, expected = token_log_probabilities(reference, sentence, text)
        source = converted.tokenizer.convert_ids_to_tokens(converted.tokenizer(sentence)["input_ids"])
        [scored] = converted.model.score_batch([source], [pieces])
        assert scored.log_probs == pytest.approx(expected, abs=1e-3)
    assert compared >= 2


def test_mt5_beams_and_scores_match(engines, seed: str) -> None:
    """Also the transformers-5 trap: with the converter's decoder output scale left in, beams and scores differ."""
    reference, converted = engines["summarizer"]
    settings = Generation(num_beams=4, max_new_tokens=40)
    for paragraph in seed.splitlines()[:4]:
        (text, score), = reference.generate_scored([paragraph], settings)
        (ct2_text, ct2_score), = converted.generate_scored([paragraph], settings)
        assert ct2_text == text
        assert ct2_score == pytest.approx(score, abs=1e-3)


def test_conversion_is_cached_on_disk(engines) -> None:
    _, converted = engines["translator"]
    first = ct2.converted_folder(converted.name, "float32")
    before = (first / "model.bin").stat().st_mtime_ns
    assert ct2.converted_folder(converted.name, "float32") == first
    assert (first / "model.bin").stat().st_mtime_ns == before


def test_auto_engine_is_ctranslate2_on_cpu_and_transformers_on_gpu() -> None:
    assert resolve_engine("auto", "cpu") == "ctranslate2"
    assert resolve_engine("auto", "cuda") == "transformers"
    assert resolve_engine("transformers", "cpu") == "transformers"
