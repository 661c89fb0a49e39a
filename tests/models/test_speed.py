"""The speed measures change no output: output vocabularies cut by script, entities in int8, stages reordered."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
import torch

from analysis.pipeline import analyze, analyze_stream, load_models
from arabic.segment import segment
from core.settings import Settings, SettingsError
from models import ct2, vocabulary
from models.ct2 import CTranslate2Seq2Seq
from models.entities import EntityRecognizer
from models.summarize import Summarizer
from models.translate import Translator
from tests.test_cli import ROOT, SEED
from tests.test_hardening import ODD_TEXTS

pytestmark = pytest.mark.skipif(not ct2.available(), reason="CTranslate2 is not installed")


def test_pieces_are_sorted_by_the_script_of_their_letters() -> None:
    assert vocabulary.piece_script("▁كازاخستان") == "arabic"
    assert vocabulary.piece_script("ـــ") == "arabic"  # tatweel
    assert vocabulary.piece_script("▁Ankara") == "latin"
    assert vocabulary.piece_script("é") == "latin"
    for neutral in ("▁", "2022", "٢٠٢٢", "،", "%", "$"):
        assert vocabulary.piece_script(neutral) == "neutral"
    assert vocabulary.piece_script("▁Москва") == "other"
    assert vocabulary.piece_script("a\u0628") == "other"  # a mix of scripts is neither


def test_kept_pieces_are_specials_own_script_and_neutral_and_sources_add_their_pieces() -> None:
    pieces = ["</s>", "<unk>", "▁ال", "▁Reuters", "▁2022", ".", "▁Москва", "s"]
    assert vocabulary.kept_pieces(pieces, "arabic", specials=["</s>", "<unk>"]) == ["</s>", "<unk>", "▁ال", "▁2022",
                                                                                     "."]
    assert vocabulary.kept_pieces(pieces, "latin") == ["</s>", "<unk>", "▁Reuters", "▁2022", ".", "s"]
    allowed = vocabulary.candidates(pieces, "arabic", [["▁ال", "▁Reuters", "▁unknown"]])
    assert "▁Reuters" in allowed and "s" not in allowed and "▁unknown" not in allowed
    with pytest.raises(ValueError):
        vocabulary.kept_pieces(pieces, "cyrillic")


@pytest.fixture(scope="module")
def seq2seq_pairs(tiny_model_dirs: dict[str, Path]) -> dict[str, tuple[CTranslate2Seq2Seq, CTranslate2Seq2Seq]]:
    """(unrestricted, restricted) CTranslate2 int8 models for each role, from the same converted folder."""
    scripts = {"translator": "latin", "summarizer": "arabic"}
    return {role: (CTranslate2Seq2Seq(str(tiny_model_dirs[role]), "cpu", role=role),
                   CTranslate2Seq2Seq(str(tiny_model_dirs[role]), "cpu", output_script=script, role=role))
            for role, script in scripts.items()}


def hardening_and_seed_sentences(seed: str, translator: Translator) -> list[str]:
    """The sentences the pipeline would translate: the seed's and the hardening texts'."""
    texts = [seed, *ODD_TEXTS.values()]
    return [sentence.text for text in texts
            for sentence in segment(text, measure=translator.count_tokens, limit=translator.sentence_limit)[0]]


def test_the_restricted_vocabularies_keep_a_minority_of_the_summary_pieces_and_the_latin_ones(seq2seq_pairs) -> None:
    (full, summary), (_, translation) = seq2seq_pairs["summarizer"], seq2seq_pairs["translator"]
    size = len(full.tokenizer)
    assert 0 < summary.kept_pieces < size
    assert 0 < translation.kept_pieces < len(translation.tokenizer)
    folder = ct2.converted_folder(summary.name, "int8")
    lines = (folder / vocabulary.MAP_FILE).read_text(encoding="utf-8").splitlines()
    latin = [piece for piece in vocabulary.target_vocabulary(folder)
             if vocabulary.piece_script(piece) == "latin" and piece not in summary.tokenizer.all_special_tokens]
    assert latin and all(f"{piece}\t{piece}" in lines for piece in latin)  # allowed when the source has them


def test_english_output_restriction_translates_exactly_as_the_full_vocabulary(seq2seq_pairs, seed: str) -> None:
    full, restricted = seq2seq_pairs["translator"]
    sentences = hardening_and_seed_sentences(seed, Translator(full))
    expected = Translator(full, cache=None).translate(sentences)
    assert Translator(restricted, cache=None).translate(sentences) == expected
    assert len(sentences) > 20


def test_arabic_output_restriction_summarises_exactly_as_the_full_vocabulary(seq2seq_pairs, seed: str) -> None:
    full, restricted = seq2seq_pairs["summarizer"]
    articles = [seed, *(p for p in seed.splitlines() if p.strip()), *ODD_TEXTS.values()]
    for article in articles:
        assert Summarizer(restricted).summarize(article) == Summarizer(full).summarize(article)


def test_restriction_setting_reads_on_and_off() -> None:
    assert Settings.from_env({}).restrict_output
    assert not Settings.from_env({"KHULASA_RESTRICT_OUTPUT": "0"}).restrict_output
    with pytest.raises(SettingsError, match="KHULASA_RESTRICT_OUTPUT"):
        Settings.from_env({"KHULASA_RESTRICT_OUTPUT": "maybe"})


@pytest.fixture(scope="module")
def recognizers(tiny_model_dirs: dict[str, Path]) -> tuple[EntityRecognizer, EntityRecognizer]:
    folder = str(tiny_model_dirs["ner"])
    return EntityRecognizer(folder, "cpu"), EntityRecognizer(folder, "cpu", quantization="int8")


@pytest.mark.parametrize("name", sorted(ODD_TEXTS))
def test_int8_entities_are_the_fp32_entities_on_the_hardening_texts(recognizers, name: str) -> None:
    fp32, int8 = recognizers
    text = ODD_TEXTS[name]
    spans = [(0, len(text))]
    assert [(e.start, e.end, e.label) for e in int8.find(text, spans)] == \
        [(e.start, e.end, e.label) for e in fp32.find(text, spans)]


def test_int8_token_labels_are_the_fp32_labels_on_the_seed(recognizers, seed: str) -> None:
    """Every word piece of the seed story gets fp32's label, except where fp32 itself hesitates (its two best
    labels within 0.2 of each other): quantisation moves the tiny model's probabilities by under 0.1."""
    fp32, int8 = recognizers
    compared = total = 0
    for paragraph in (p for p in seed.splitlines() if p.strip()):
        inputs = fp32.tokenizer(paragraph, truncation=True)
        rows, types = [inputs["input_ids"]], [inputs["token_type_ids"]]
        expected = torch.from_numpy(fp32.classifier.logits(rows, types)[0]).softmax(-1)
        found = torch.from_numpy(int8.classifier.logits(rows, types)[0]).softmax(-1)
        assert (found - expected).abs().max() < 0.1
        top2 = expected.topk(2).values
        sure = top2[:, 0] - top2[:, 1] >= 0.2
        assert torch.equal(found.argmax(-1)[sure], expected.argmax(-1)[sure])
        compared, total = compared + int(sure.sum()), total + len(sure)
    assert compared > 0.8 * total


def test_first_translated_sentences_come_before_the_entities_and_nothing_changes(tiny_models, tiny_settings,
                                                                                seed: str) -> None:
    uncached = Translator(tiny_models.translator.seq2seq, batch_tokens=tiny_settings.batch_tokens, cache=None)
    tiny_models = replace(tiny_models, translator=uncached)
    snapshots = list(analyze_stream(seed, tiny_models, tiny_settings))
    stages = [snapshot.stage for snapshot in snapshots]
    assert stages[0] == "translation" and stages[-1] == "done" and "entities" in stages
    first = snapshots[0]
    assert any(s.translation for s in first.sentences) and not all(s.translation for s in first.sentences)
    assert not first.entities
    done = snapshots[-1]
    assert all(s.translation for s in done.sentences) and done.summary and done.entities
    serial = analyze(seed, tiny_models, replace(tiny_settings, overlap=False))
    assert replace(serial, timings_ms={}) == replace(done, timings_ms={})


def test_the_cli_on_ctranslate2_never_imports_torch(tiny_settings, tiny_env: dict[str, str]) -> None:
    """torch alone takes about 0.2 GB of memory: once the models are converted, an analysis on CTranslate2
    (tokenizers, the three engines, entities) runs without it, and without transformers' model code."""
    load_models(replace(tiny_settings, engine="ctranslate2"))  # converted, and the entity head saved beside it
    report = "import atexit, runpy, sys; atexit.register(lambda: print(*sorted(sys.modules), file=sys.stderr)); "
    result = subprocess.run(
        [sys.executable, "-c", report + f"sys.argv = ['cli.py', 'analyze', {str(SEED)!r}]; runpy.run_path("
         "'cli.py', run_name='__main__')"], cwd=ROOT, capture_output=True, timeout=600,
        env={**os.environ, **tiny_env, "KHULASA_ENGINE": "ctranslate2"})
    assert result.returncode == 0, result.stderr.decode()[-2000:]
    imported = set(result.stderr.decode().split())
    assert {"ctranslate2", "models.ner_int8", "models.sentencepiece_tokenizer",
            "transformers.models.marian.tokenization_marian"} <= imported
    assert not {name for name in imported if name == "torch" or name.startswith(("transformers.pipelines",
                                                                                  "transformers.modeling"))}


def _cached(repo: str) -> bool:
    from huggingface_hub import try_to_load_from_cache

    return isinstance(try_to_load_from_cache(repo, "config.json"), str)


@pytest.mark.slow
@pytest.mark.skipif(not all(_cached(repo) for repo in (Settings().translator, Settings().summarizer)),
                    reason="the real models are not in the Hugging Face cache")
def test_real_models_restricted_and_full_vocabularies_agree_on_the_seed(seed: str) -> None:
    settings = Settings()
    translator_full = CTranslate2Seq2Seq(settings.translator, "cpu")
    translator_cut = CTranslate2Seq2Seq(settings.translator, "cpu", output_script="latin")
    sentences = hardening_and_seed_sentences(seed, Translator(translator_full))
    assert (Translator(translator_cut, cache=None).translate(sentences)
            == Translator(translator_full, cache=None).translate(sentences))
    summarizer_full = CTranslate2Seq2Seq(settings.summarizer, "cpu", role="summarizer")
    summarizer_cut = CTranslate2Seq2Seq(settings.summarizer, "cpu", output_script="arabic", role="summarizer")
    assert Summarizer(summarizer_cut).summarize(seed) == Summarizer(summarizer_full).summarize(seed)
