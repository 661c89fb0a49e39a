"""Shared fixtures: the tiny models are built once per test session and loaded through production code."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from models.pipeline import Models, load_models
from models.settings import Settings
from tests.tiny_models import build_all, seed_text

os.environ.setdefault("HF_HUB_OFFLINE", "1")


@pytest.fixture(scope="session")
def tiny_model_dirs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Folders of the tiny translator, summarizer and NER models, keyed by role."""
    return build_all(tmp_path_factory.mktemp("tiny-models"))


@pytest.fixture(scope="session")
def tiny_env(tiny_model_dirs: dict[str, Path]) -> dict[str, str]:
    """Environment variables that point Khulasa at the tiny models (for subprocesses: CLI, server)."""
    return {
        "KHULASA_TRANSLATOR": str(tiny_model_dirs["translator"]),
        "KHULASA_SUMMARIZER": str(tiny_model_dirs["summarizer"]),
        "KHULASA_NER": str(tiny_model_dirs["ner"]),
        "KHULASA_DEVICE": "cpu",
        "HF_HUB_OFFLINE": "1",
    }


@pytest.fixture(scope="session")
def tiny_settings(tiny_env: dict[str, str]) -> Settings:
    return Settings.from_env(tiny_env)


@pytest.fixture(scope="session")
def tiny_models(tiny_settings: Settings) -> Models:
    return load_models(tiny_settings)


@pytest.fixture(scope="session")
def seed() -> str:
    return seed_text()
