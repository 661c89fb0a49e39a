"""Shared fixtures: the tiny models are built once per test session and loaded through production code."""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

import pytest

from analysis.pipeline import Models, load_models
from core.settings import Settings
from tests.tiny_models import build_all, seed_text

os.environ.setdefault("HF_HUB_OFFLINE", "1")
# The tests run a server, CLI subprocesses and the test process side by side on few cores: one thread each.
os.environ.setdefault("KHULASA_THREADS", "1")


@pytest.fixture(scope="session", autouse=True)
def ct2_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Converted CTranslate2 models go to a per-session folder, not the user's Hugging Face home."""
    folder = tmp_path_factory.mktemp("ct2-cache")
    os.environ["KHULASA_CT2_DIR"] = str(folder)
    return folder


@pytest.fixture(scope="session")
def tiny_model_dirs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Folders of the tiny translator, summarizer and NER models, keyed by role.

    On a busy machine, `KHULASA_TEST_TINY_MODELS=FOLDER` reuses models built once by `python -m tests.tiny_models
    FOLDER` instead of building them again for every test run (CI leaves it unset and builds them).
    """
    prebuilt = os.environ.get("KHULASA_TEST_TINY_MODELS", "").strip()
    if prebuilt:
        folders = {"translator": "marian", "summarizer": "mt5", "ner": "ner"}
        return {role: Path(prebuilt) / folder for role, folder in folders.items()}
    return build_all(tmp_path_factory.mktemp("tiny-models"))


@pytest.fixture(scope="session")
def tiny_env(tiny_model_dirs: dict[str, Path], ct2_cache: Path) -> dict[str, str]:
    """Environment variables that point Khulasa at the tiny models (for subprocesses: CLI, server)."""
    return {
        "KHULASA_TRANSLATOR": str(tiny_model_dirs["translator"]),
        "KHULASA_SUMMARIZER": str(tiny_model_dirs["summarizer"]),
        "KHULASA_NER": str(tiny_model_dirs["ner"]),
        "KHULASA_DEVICE": "cpu",
        "HF_HUB_OFFLINE": "1",
        "KHULASA_CT2_DIR": os.environ["KHULASA_CT2_DIR"],
        "KHULASA_DB": str(ct2_cache.parent / "history.sqlite3"),
        "KHULASA_ENGINE": os.environ.get("KHULASA_ENGINE", "auto"),
    }


@pytest.fixture(scope="session")
def tiny_settings(tiny_env: dict[str, str]) -> Settings:
    return Settings.from_env(tiny_env)


@pytest.fixture(scope="session", params=["ctranslate2", "transformers"])
def tiny_models(request: pytest.FixtureRequest, tiny_settings: Settings) -> Models:
    """The tiny models through `load_models`, once per engine: model tests run on both."""
    return load_models(replace(tiny_settings, engine=request.param))


@pytest.fixture(scope="session")
def seed() -> str:
    return seed_text()


@pytest.fixture(scope="session")
def tiny_best_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny translator in the layout of the best mode's `Helsinki-NLP/opus-mt-tc-big-ar-en` (tests/tiny_tcbig.py)."""
    from tests.tiny_tcbig import build_marian_big

    return build_marian_big(tmp_path_factory.mktemp("tiny-best") / "marian-big", seed_text())
