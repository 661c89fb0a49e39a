"""A batch driver's preparation converts the models this machine holds and downloads nothing."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from core.settings import Settings
from models import ct2, hub, prepare


@pytest.mark.skipif(not ct2.available(), reason="CTranslate2 is not installed")
def test_convert_ahead_converts_local_models_and_leaves_uncached_hub_ids(tiny_settings: Settings, monkeypatch,
                                                                         tmp_path: Path) -> None:
    monkeypatch.setenv("KHULASA_CT2_DIR", str(tmp_path / "ct2"))

    downloads: list[str] = []

    def download(role: str, name: str) -> Path:
        downloads.append(name)
        raise OSError("no network in tests")

    monkeypatch.setattr(hub, "offline", lambda: False)  # a driver on a connected machine
    monkeypatch.setattr(hub, "download", download)
    settings = replace(tiny_settings, engine="ctranslate2", device="cpu", summarizer="nobody/not-cached-anywhere")
    prepare.convert_ahead(settings)
    assert downloads == []
    assert [path.parent.name for path in (tmp_path / "ct2").glob("*/model.bin")] == \
        [ct2.converted_folder(settings.translator, "int8").name]
    assert prepare.model_revisions(settings)["summarizer"] == "nobody/not-cached-anywhere@"
