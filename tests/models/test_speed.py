"""The speed measures change no output: output vocabularies cut by script, entities in int8, stages reordered."""

from __future__ import annotations

import copy
import os
import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
import torch

from analysis.pipeline import analyze, analyze_stream, load_models
from arabic.segment import segment
from core.settings import Settings, SettingsError
from documents.serialize import to_json
from models import ct2, vocabulary
from models.ct2 import CTranslate2Seq2Seq
from models.engine import Generation
from models.entities import EntityRecognizer
from models.summarize import Summarizer
from models.translate import Translator
from tests.batching import assert_same_but_batching
from tests.test_cli import ROOT, SEED
from tests.test_hardening import ODD_TEXTS

pytestmark = pytest.mark.skipif(not ct2.available(), reason="CTranslate2 is not installed")

# The script each model writes, hence keeps in its output vocabulary.
SCRIPTS = {"translator": "latin", "summarizer": "arabic"}
GREEDY = Generation(num_beams=1, max_new_tokens=32)


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
    return {role: (CTranslate2Seq2Seq(str(tiny_model_dirs[role]), "cpu", role=role),
                   CTranslate2Seq2Seq(str(tiny_model_dirs[role]), "cpu", output_script=script, role=role))
            for role, script in SCRIPTS.items()}


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


def texts_read(role: str, seed: str, full: CTranslate2Seq2Seq) -> list[str]:
    """What each model reads in the app: the sentences for the translator, articles and paragraphs for the
    summarizer (the seed's and the hardening texts')."""
    if role == "translator":
        return hardening_and_seed_sentences(seed, Translator(full))
    return [seed, *(p for p in seed.splitlines() if p.strip()), *ODD_TEXTS.values()]


def decode(seq2seq: CTranslate2Seq2Seq, text: str, settings: Generation = GREEDY) -> tuple[list[str], list[str]]:
    """The pieces `seq2seq.generate_scored` reads for `text` and those it writes, recorded on their way between
    it and CTranslate2 (so the vocabulary map is used exactly where the app uses it)."""
    model, recorded = seq2seq.model, []

    class Recorder:
        def translate_batch(self, sources: list[list[str]], **options):
            results = model.translate_batch(sources, **options)
            recorded.append((sources[0], results[0].hypotheses[0]))
            return results

    seq2seq.model = Recorder()
    try:
        seq2seq.generate_scored([text], settings)
    finally:
        seq2seq.model = model
    return recorded[0]


def allowed(seq2seq: CTranslate2Seq2Seq, source: list[str]) -> set[str]:
    """The pieces a restricted model may write for this source: the kept ones and the source's own."""
    folder = ct2.converted_folder(seq2seq.name, "int8")
    return vocabulary.candidates(vocabulary.target_vocabulary(folder), seq2seq.output_script, [source],
                                 seq2seq.tokenizer.all_special_tokens)


@pytest.mark.parametrize("role", sorted(SCRIPTS))
def test_restricted_greedy_decoding_follows_the_full_one_until_it_writes_a_piece_not_kept(role, seq2seq_pairs,
                                                                                          seed: str) -> None:
    """Greedy decoding takes each step's best piece: where the full vocabulary's best is a kept piece (or one of
    the source's), the restricted model's best is the same, so the two outputs agree up to the full one's first
    piece outside that set, and wholly when it writes none. However a model was trained, this holds."""
    full, restricted = seq2seq_pairs[role]
    texts = texts_read(role, seed, full)
    for text in texts:
        source, expected = decode(full, text)
        _, found = decode(restricted, text)
        kept = allowed(restricted, source)
        leaves = next((i for i, piece in enumerate(expected) if piece not in kept), None)
        assert found == expected if leaves is None else found[:leaves] == expected[:leaves]
        assert set(found) <= kept
    assert len(texts) >= 20


@pytest.fixture(scope="module")
def writing_outside(seq2seq_pairs, tiny_model_dirs: dict[str, Path], tmp_path_factory: pytest.TempPathFactory,
                    seed: str) -> dict[str, tuple[CTranslate2Seq2Seq, CTranslate2Seq2Seq, str, str]]:
    """For each role, (unrestricted, restricted) models built to write a piece outside the kept set first on the
    seed's first paragraph, with that piece and the paragraph."""
    text = seed.splitlines()[0]
    found = {}
    for role, script in SCRIPTS.items():
        full, restricted = seq2seq_pairs[role]
        source, written = decode(full, text)
        pieces = vocabulary.target_vocabulary(ct2.converted_folder(full.name, "int8"))
        kept = allowed(restricted, source)
        outside = next(piece for piece in pieces if piece not in kept)
        first = pieces.index(written[0]) if written else full.tokenizer.eos_token_id
        folder = writing_first(tiny_model_dirs[role], tmp_path_factory.mktemp(role) / "model",
                               pieces.index(outside), first)
        found[role] = (CTranslate2Seq2Seq(str(folder), "cpu", role=role),
                       CTranslate2Seq2Seq(str(folder), "cpu", output_script=script, role=role), outside, text)
    return found


def writing_first(checkpoint: Path, copy: Path, piece: int, first: int) -> Path:
    """A copy of a seq2seq checkpoint that writes `piece` first where the original writes `first`: their rows of
    the output layer trade places. Marian's output layer is its embeddings, which it also reads, so there the
    output bias of `piece` is raised above any logit instead: it writes `piece` at every step."""
    shutil.copytree(checkpoint, copy)
    state = torch.load(copy / "pytorch_model.bin", weights_only=True)
    if "final_logits_bias" in state:
        state["final_logits_bias"][0, piece] = 1e4
    else:
        state["lm_head.weight"][[piece, first]] = state["lm_head.weight"][[first, piece]].clone()
    torch.save(state, copy / "pytorch_model.bin")
    return copy


@pytest.mark.parametrize("role", sorted(SCRIPTS))
def test_a_piece_not_kept_is_never_written_even_where_it_is_the_best(role, writing_outside) -> None:
    full, restricted, outside, text = writing_outside[role]
    source, expected = decode(full, text)
    assert expected[0] == outside  # the full vocabulary writes it, by construction of the model
    kept = allowed(restricted, source)
    for settings in (GREEDY, replace(restricted.defaults, max_new_tokens=GREEDY.max_new_tokens)):
        _, found = decode(restricted, text, settings)
        assert outside not in found and set(found) <= kept


def test_restriction_setting_reads_on_and_off() -> None:
    assert Settings.from_env({}).restrict_output
    assert not Settings.from_env({"KHULASA_RESTRICT_OUTPUT": "0"}).restrict_output
    with pytest.raises(SettingsError, match="KHULASA_RESTRICT_OUTPUT"):
        Settings.from_env({"KHULASA_RESTRICT_OUTPUT": "maybe"})


@pytest.fixture(scope="module")
def recognizers(tiny_model_dirs: dict[str, Path]) -> tuple[EntityRecognizer, EntityRecognizer]:
    folder = str(tiny_model_dirs["ner"])
    return EntityRecognizer(folder, "cpu"), EntityRecognizer(folder, "cpu", quantization="int8")


def label_scores(recognizer: EntityRecognizer, text: str) -> np.ndarray:
    """The classifier's label scores (word pieces × labels) for a paragraph read in one window."""
    inputs = recognizer.tokenizer(text, truncation=True)
    return recognizer.classifier.logits([inputs["input_ids"]], [inputs["token_type_ids"]])[0]


def test_int8_moves_the_label_scores_by_a_small_fraction_of_their_size(recognizers, seed: str) -> None:
    """The same function in int8: label scores move by a small fraction of their size (a wrong weight, label order
    or input moves them by their whole size). How small depends on the CPU: on a Xeon (CTranslate2 on MKL) by
    0.1-0.7% of their average size per paragraph of the seed and the hardening texts; on an EPYC with AVX2 and no
    VNNI (CTranslate2 on oneDNN: MKL is only used on Intel, and forced there it took 9x longer) by 1-14%, 7% on
    average. Held to a quarter per paragraph and a tenth on average."""
    fp32, int8 = recognizers
    moved = []
    for text in [*(p for p in seed.splitlines() if p.strip()), *ODD_TEXTS.values()]:
        expected = label_scores(fp32, text)
        moved.append(np.abs(label_scores(int8, text) - expected).mean() / np.abs(expected).mean())
    assert max(moved) < 0.25 and np.mean(moved) < 0.1, moved


class LabelsWhereSure:
    """fp32's label scores where its two best labels are further apart than twice the int8 error measured on the
    same window, int8's elsewhere: the labels int8 must give if it changes only what quantisation can change."""

    def __init__(self, fp32: EntityRecognizer, int8: EntityRecognizer) -> None:
        self.fp32, self.int8 = fp32.classifier, int8.classifier
        self.labels, self.positions = self.fp32.labels, self.fp32.positions

    def logits(self, rows: list[list[int]], types: list[list[int]]) -> list[np.ndarray]:
        found = []
        for expected, quantised in zip(self.fp32.logits(rows, types), self.int8.logits(rows, types)):
            best, second = np.sort(expected, axis=-1)[:, :-3:-1].T
            sure = best - second > 2 * np.abs(quantised - expected).max()
            found.append(np.where(sure[:, None], expected, quantised))
        return found


@pytest.mark.parametrize("name", sorted(ODD_TEXTS))
def test_int8_entities_are_the_fp32_entities_on_the_hardening_texts(recognizers, name: str) -> None:
    """Same mentions, offsets and types as fp32 wherever fp32 is surer than the quantisation error (where it
    hesitates, either label is right)."""
    fp32, int8 = recognizers
    reference = copy.copy(fp32)
    reference.classifier = LabelsWhereSure(fp32, int8)
    text = ODD_TEXTS[name]
    spans = [(0, len(text))]
    assert [(e.start, e.end, e.label) for e in int8.find(text, spans)] == \
        [(e.start, e.end, e.label) for e in reference.find(text, spans)]


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
    # the pipeline's batches are not the serial run's: equal but for what batching moves (tests/batching.py)
    tips = tiny_models.translator.seq2seq.engine != "transformers"
    assert_same_but_batching(to_json(serial), to_json(done), tips=tips)


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
