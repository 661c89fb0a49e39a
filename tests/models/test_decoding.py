"""Decoding as the real checkpoints were made to be used: their own generation settings, Marian's target
vocabulary, CAMeLBERT's undiacritised input, sentence-sized translator input. On tiny models that mirror the
real repos' files (see `tests/tiny_models.py`)."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
import torch

from arabic.text import strip_marks
from models.ct2 import compute_type
from models.engine import Generation, checkpoint_generation
from models.translate import SENTENCE_TOKENS
from tests.tiny_models import XLSUM_GENERATION


def test_tiny_models_hold_the_real_repos_files(tiny_model_dirs: dict[str, Path]) -> None:
    marian, mt5, ner = (tiny_model_dirs[role] for role in ("translator", "summarizer", "ner"))
    assert (marian / "pytorch_model.bin").exists() and not (marian / "model.safetensors").exists()
    assert torch.load(marian / "pytorch_model.bin")["final_logits_bias"].abs().sum() > 0
    assert not (mt5 / "tokenizer.json").exists() and not (mt5 / "generation_config.json").exists()
    assert json.loads((mt5 / "config.json").read_text())["length_penalty"] == 0.6
    labels = json.loads((ner / "config.json").read_text())["id2label"]
    assert labels[str(len(labels) - 1)] == "O"
    assert "model_max_length" not in json.loads((ner / "tokenizer_config.json").read_text())


def test_summaries_use_the_settings_in_the_checkpoints_config(tiny_models) -> None:
    assert tiny_models.summarizer.seq2seq.defaults == Generation(
        num_beams=4, max_new_tokens=XLSUM_GENERATION["max_length"] - 1, no_repeat_ngram_size=2,
        length_penalty=0.6)


def test_a_changed_setting_overrides_only_itself(tiny_models, monkeypatch) -> None:
    seq2seq, used = tiny_models.summarizer.seq2seq, []
    original = seq2seq.generate_scored
    monkeypatch.setattr(seq2seq, "generate_scored", lambda texts, settings: used.append(settings)
                        or original(texts, settings))
    tiny_models.summarizer.summarize("وصل وزير الخارجية التركي إلى الدوحة.")
    tiny_models.summarizer.summarize("وصل وزير الخارجية التركي إلى الدوحة.", num_beams=2)
    assert used[0] == seq2seq.defaults
    assert used[1] == replace(seq2seq.defaults, num_beams=2)


def test_marian_settings_come_from_its_generation_config(tiny_models) -> None:
    defaults = tiny_models.translator.seq2seq.defaults
    assert (defaults.num_beams, defaults.max_new_tokens, defaults.length_penalty) == (4, 511, 1.0)
    assert defaults.bad_words == ((tiny_models.translator.seq2seq.tokenizer.pad_token_id,),)


def test_checkpoint_generation_prefers_generation_config_over_config(tmp_path: Path) -> None:
    (tmp_path / "config.json").write_text(json.dumps({"num_beams": 6, "max_length": 84, "length_penalty": 0.6}))
    assert checkpoint_generation(tmp_path).num_beams == 6
    (tmp_path / "generation_config.json").write_text(json.dumps({"num_beams": 2}))
    settings = checkpoint_generation(tmp_path)
    assert (settings.num_beams, settings.max_new_tokens, settings.length_penalty) == (2, 83, 0.6)


class _NotForDecoding:
    def decode_pieces(self, pieces: list[str]) -> str:
        raise AssertionError("English output decoded with the Arabic (source) sentencepiece model")


def test_marian_output_is_decoded_with_the_target_vocabulary(tiny_models, monkeypatch) -> None:
    seq2seq = tiny_models.translator.seq2seq
    tokenizer = seq2seq.tokenizer
    english = "The Turkish foreign minister discussed Afghanistan and Kazakhstan."
    ids = tokenizer.convert_tokens_to_ids(tokenizer.spm_target.encode(english, out_type=str))
    monkeypatch.setattr(tokenizer, "spm_source", _NotForDecoding())
    assert seq2seq.decode(ids) == english
    with pytest.raises(AssertionError):  # Marian's default with a shared vocabulary, as in opus-mt-ar-en
        tokenizer.decode(ids, skip_special_tokens=True)


def test_entities_in_diacritised_text_index_the_original_exactly(tiny_models, seed: str) -> None:
    plain = seed.splitlines()[0]
    marked = plain.replace("كازاخستان", "كـازاخِسْتانَ").replace("أفغانستان", "أفغانِستان").replace("تركيا", "تُركيّا")
    assert marked != plain
    found = tiny_models.recognizer.find(marked, [(0, len(marked))])
    expected = tiny_models.recognizer.find(plain, [(0, len(plain))])
    assert found
    for entity in found:
        assert marked[entity.start:entity.end] == entity.text
    assert [(strip_marks(e.text)[0], e.label) for e in found] == [(e.text, e.label) for e in expected]


def test_strip_marks_maps_every_position_back() -> None:
    text = "قالَ الرئيسُ كـازاخستانيّ"
    plain, origin = strip_marks(text)
    assert plain == "قال الرئيس كازاخستاني"
    assert all(text[origin[i]] == char for i, char in enumerate(plain))
    assert text[origin[4]:origin[10]] == "الرئيسُ"  # the mark after the last letter stays with the word
    assert origin[-1] == len(text)


def test_translator_sentences_are_cut_well_below_the_window(tiny_models, tiny_settings, seed: str) -> None:
    from analysis.pipeline import analyze_stream

    run_on = "، ".join(line.rstrip(".") for line in seed.splitlines() if line.strip()) + "."
    translator = tiny_models.translator
    assert translator.count_tokens(run_on) > 3 * SENTENCE_TOKENS
    first = next(analyze_stream(run_on, tiny_models, tiny_settings))
    assert len(first.sentences) > 3
    assert all(translator.count_tokens(s.text) <= translator.sentence_limit <= SENTENCE_TOKENS
               for s in first.sentences)
    assert "".join(s.text for s in first.sentences).replace(" ", "") == run_on.replace(" ", "")


def test_the_summarizer_never_runs_in_float16() -> None:
    assert "16" not in compute_type("summarizer", "cuda") and "16" not in compute_type("summarizer", "cuda:1")
    assert compute_type("translator", "cpu") == compute_type("summarizer", "cpu") == "int8"


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a GPU")
def test_cuda_n_selects_that_device(tiny_model_dirs: dict[str, Path]) -> None:
    from models.ct2 import CTranslate2Seq2Seq
    from models.transformers_engine import TransformersSeq2Seq

    device = f"cuda:{torch.cuda.device_count() - 1}"
    model = TransformersSeq2Seq(str(tiny_model_dirs["summarizer"]), device, "summarizer")
    assert str(next(model.model.parameters()).device) == device
    assert next(model.model.parameters()).dtype == torch.float32
    converted = CTranslate2Seq2Seq(str(tiny_model_dirs["translator"]), device, quantization="int8_float16")
    assert converted.model.device_index == [torch.cuda.device_count() - 1]
