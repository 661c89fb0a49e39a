"""The translator's confidence and its alternatives, on the real tiny translator through both engines (issue 23)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from models import ct2
from models.engine import Generation
from models.transformers_engine import TransformersSeq2Seq
from models.translate import SentenceCache, Translator


@pytest.fixture(scope="module")
def engines(tiny_model_dirs: dict[str, Path]) -> dict:
    """The tiny translator on both engines, CTranslate2 in float32 so both find the same beams."""
    folder = str(tiny_model_dirs["translator"])
    engines = {"transformers": TransformersSeq2Seq(folder, "cpu")}
    if ct2.available():
        engines["ctranslate2"] = ct2.CTranslate2Seq2Seq(folder, "cpu", quantization="float32")
    return engines


def teacher_forced_mean(reference: TransformersSeq2Seq, source: str, settings: Generation) -> tuple[str, float]:
    """The best beam's text and the mean log-probability per token (end token included) of its tokens, by one
    forward pass of the model over them: what the confidence must equal."""
    import torch

    model, tokenizer = reference.model, reference.tokenizer
    batch = tokenizer([source], return_tensors="pt")
    with torch.inference_mode():
        ids = model.generate(**batch, num_beams=settings.num_beams, max_new_tokens=settings.max_new_tokens,
                             length_penalty=settings.length_penalty, do_sample=False)[0].tolist()
        end = ids.index(model.generation_config.eos_token_id, 1) + 1
        decoder = torch.tensor([ids[:end - 1]])
        logits = model(**batch, decoder_input_ids=decoder).logits
    chosen = logits.log_softmax(-1)[0].gather(-1, torch.tensor(ids[1:end])[:, None])[:, 0]
    return reference.decode(ids), float(chosen.mean())


@pytest.mark.parametrize("engine", ["transformers", "ctranslate2"])
@pytest.mark.parametrize("length_penalty", [1.0, 0.6])
def test_the_score_is_the_mean_log_probability_per_output_token(engines, seed: str, engine: str,
                                                                length_penalty: float) -> None:
    """Before: with a length penalty other than 1 the score was the sum over `length ** penalty`, not a mean."""
    if engine not in engines:
        pytest.skip("CTranslate2 is not installed")
    source = [line for line in seed.splitlines() if line.strip()][1]
    settings = Generation(num_beams=4, max_new_tokens=120, length_penalty=length_penalty)
    (translation, score), = engines[engine].generate_scored([source], settings)
    expected_translation, expected = teacher_forced_mean(engines["transformers"], source, settings)
    assert translation == expected_translation
    assert score == pytest.approx(expected, abs=1e-3)


def test_every_translated_sentence_carries_its_confidence_also_from_the_cache(tiny_models, seed: str) -> None:
    translator = Translator(tiny_models.translator.seq2seq, cache=SentenceCache())
    texts = [line for line in seed.splitlines() if line.strip()][:4]
    first = {i: scored for batch in translator.stream_scored(texts) for i, scored in batch.items()}
    again = {i: scored for batch in translator.stream_scored(texts) for i, scored in batch.items()}
    assert translator.cache.hits == len(texts)
    assert again == first
    assert all(scored.confidence is not None and scored.confidence <= 0 for scored in first.values())
    best = translator.seq2seq.generate_scored([texts[0]], translator.settings(translator.count_tokens(texts[0])))
    assert first[0].confidence == pytest.approx(best[0][1], abs=1e-3)  # batched with others, or alone


def test_alternatives_are_distinct_hypotheses_of_one_beam_search(tiny_models, seed: str) -> None:
    translator = Translator(tiny_models.translator.seq2seq, cache=None)
    source = [line for line in seed.splitlines() if line.strip()][2]
    current = translator.translate([source])[0]
    alternatives = translator.alternatives(source, 3, besides=current)
    texts = [alternative.text.casefold() for alternative in alternatives]
    assert 1 <= len(alternatives) <= 3
    assert len(set(texts)) == len(texts) and current.casefold() not in texts
    assert all(alternative.confidence <= 0 for alternative in alternatives)
    assert [alternative.confidence for alternative in alternatives] == sorted(
        (alternative.confidence for alternative in alternatives), reverse=True)


class _CaseVariants:
    """The real engine, each n-best list followed by its hypotheses in upper case (the model is what it is;
    what is under test is that case-only variants are dropped)."""

    def __init__(self, real) -> None:
        self.real = real

    def __getattr__(self, name: str):
        return getattr(self.real, name)

    def generate_nbest(self, texts, settings, count):
        return [found + [(text.upper(), score) for text, score in found]
                for found in self.real.generate_nbest(texts, settings, count)]


def test_alternatives_leave_out_case_only_variants(tiny_models, seed: str) -> None:
    translator = Translator(_CaseVariants(tiny_models.translator.seq2seq), cache=None)
    source = [line for line in seed.splitlines() if line.strip()][3]
    alternatives = translator.alternatives(source, 8)
    texts = [alternative.text.casefold() for alternative in alternatives]
    assert len(alternatives) >= 2 and len(set(texts)) == len(texts)
    assert not any(alternative.text.isupper() for alternative in alternatives)


def test_alternatives_search_twice_as_many_beams_as_wanted(tiny_models) -> None:
    asked: list[Generation] = []

    class Recording(_CaseVariants):
        def generate_nbest(self, texts, settings, count):
            asked.append(replace(settings))
            return self.real.generate_nbest(texts, settings, count)

    Translator(Recording(tiny_models.translator.seq2seq), cache=None).alternatives("وصل الوزير إلى أنقرة.", 3)
    assert asked[0].num_beams == 6
