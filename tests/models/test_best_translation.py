"""The best translation mode: a translator in opus-mt-tc-big-ar-en's layout (one vocabulary for both sides, `</s>`
in the middle of it, `<pad>` last as the decoder's start) through both engines, the vocabulary restriction, the
clause cut and the sentence cache, chosen by `KHULASA_TRANSLATION` / `--translation`."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from analysis.pipeline import analyze, load_models
from core.settings import DEFAULT_TRANSLATOR_BEST, Settings, SettingsError, licence
from documents.export import to_markdown
from documents.serialize import from_json, to_json
from models import ct2, vocabulary
from models.ct2 import CTranslate2Seq2Seq
from models.translate import Translator
from tests.test_cli import SEED, run_cli


def test_the_tiny_best_model_has_tc_big_special_ids_not_opus_mt_ar_en_ones(tiny_best_dir: Path) -> None:
    config = json.loads((tiny_best_dir / "config.json").read_text(encoding="utf-8"))
    vocab = json.loads((tiny_best_dir / "vocab.json").read_text(encoding="utf-8"))
    assert config["eos_token_id"] == vocab["</s>"] != 0
    assert config["pad_token_id"] == config["decoder_start_token_id"] == vocab["<pad>"] == len(vocab) - 1
    assert config["activation_function"] == "relu" and config["static_position_embeddings"]
    assert config["max_position_embeddings"] == 1024


def test_settings_choose_the_translator_of_the_mode() -> None:
    assert Settings.from_env({}).translation_model == Settings().translator
    best = Settings.from_env({"KHULASA_TRANSLATION": "best"})
    assert best.translation_model == DEFAULT_TRANSLATOR_BEST
    assert Settings.from_env({"KHULASA_TRANSLATION": "best", "KHULASA_TRANSLATOR_BEST": "/m"}).translation_model == "/m"
    with pytest.raises(SettingsError, match="KHULASA_TRANSLATION"):
        Settings.from_env({"KHULASA_TRANSLATION": "better"})
    assert licence(DEFAULT_TRANSLATOR_BEST).startswith("CC BY 4.0")


@pytest.mark.parametrize("engine", ["ctranslate2", "transformers"])
def test_best_mode_analyses_the_seed_on_both_engines(tiny_settings: Settings, tiny_best_dir: Path, seed: str,
                                                     engine: str) -> None:
    settings = replace(tiny_settings, translator_best=str(tiny_best_dir), translation="best", engine=engine)
    analysis = analyze(seed, load_models(settings), settings)
    assert not analysis.problems
    assert analysis.models.translator == str(tiny_best_dir) and analysis.models.translation == "best"
    assert len(analysis.sentences) > 10 and all(isinstance(s.translation, str) for s in analysis.sentences)
    assert analysis.summary is not None


@pytest.mark.skipif(not ct2.available(), reason="CTranslate2 is not installed")
def test_the_restricted_best_translator_writes_only_its_candidates(tiny_best_dir: Path, seed: str) -> None:
    """The vocabulary map of a shared vocabulary whose `</s>` is not id 0 (it made `translate_batch` index past
    the vocabulary): every output piece is a kept piece or a piece of its source."""
    full = CTranslate2Seq2Seq(str(tiny_best_dir), "cpu")
    cut = CTranslate2Seq2Seq(str(tiny_best_dir), "cpu", output_script="latin")
    folder = ct2.converted_folder(str(tiny_best_dir), "int8")
    pieces = vocabulary.target_vocabulary(folder)
    assert "</s>" in pieces and pieces.index("</s>") != 0 and "<pad>" not in pieces
    sentences = [line for line in seed.splitlines() if line.strip()]
    translations = Translator(cut, cache=None).translate(sentences)
    assert len(translations) == len(sentences)
    for sentence, translation in zip(sentences, translations):
        source = cut.tokenizer.convert_ids_to_tokens(cut.tokenizer(sentence)["input_ids"])
        allowed = vocabulary.candidates(pieces, "latin", [source], cut.tokenizer.all_special_tokens)
        written = full.tokenizer(text_target=translation, add_special_tokens=False)["input_ids"]
        assert set(full.tokenizer.convert_ids_to_tokens(written)) <= allowed | {"<unk>"}


def test_the_mode_is_kept_in_the_json_and_named_with_its_licence_in_the_export(tiny_settings: Settings,
                                                                                 tiny_best_dir: Path,
                                                                                 seed: str) -> None:
    settings = replace(tiny_settings, translator_best=str(tiny_best_dir), translation="best")
    analysis = analyze(seed, load_models(settings), settings)
    assert from_json(to_json(analysis), seed).models.translation == "best"
    assert "Translator, best mode" in to_markdown(analysis)
    older = to_json(analysis)
    del older["models"]["translation"]  # saved before the modes existed
    assert from_json(older, seed).models.translation == "fast"


def test_cli_translation_best_uses_the_best_translator(tiny_env: dict[str, str], tiny_best_dir: Path) -> None:
    env = {**tiny_env, "KHULASA_TRANSLATOR_BEST": str(tiny_best_dir)}
    result = run_cli("analyze", str(SEED), "--translation", "best", env=env)
    assert result.returncode == 0, result.stderr.decode()[-2000:]
    models = json.loads(result.stdout)["models"]
    assert models["translator"] == str(tiny_best_dir) and models["translation"] == "best"
    fast = json.loads(run_cli("analyze", str(SEED), env=env).stdout)["models"]
    assert fast["translator"] == tiny_env["KHULASA_TRANSLATOR"] and fast["translation"] == "fast"
    assert run_cli("analyze", str(SEED), "--translation", "better", env=env).returncode == 2


def test_batch_translation_best_writes_the_mode_into_each_analysis(tiny_env: dict[str, str], tiny_best_dir: Path,
                                                                    tmp_path: Path, seed: str) -> None:
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "a.txt").write_text(seed, encoding="utf-8")
    env = {**tiny_env, "KHULASA_TRANSLATOR_BEST": str(tiny_best_dir)}
    result = run_cli("batch", str(tmp_path / "src"), "--out", str(tmp_path / "out"), "--translation", "best", env=env)
    assert result.returncode == 0, result.stderr.decode()[-2000:]
    written = json.loads((tmp_path / "out" / "a.txt.json").read_text(encoding="utf-8"))
    assert written["models"]["translation"] == "best" and written["models"]["translator"] == str(tiny_best_dir)
