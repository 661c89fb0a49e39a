"""Choose and load a seq2seq engine for a role: CTranslate2 on the CPU, transformers on a GPU (or when asked)."""

from __future__ import annotations

from collections.abc import Callable

from models import ct2
from models.ct2 import CTranslate2Seq2Seq
from models.loading import load_once, resolve_device
from models.transformers_engine import TransformersSeq2Seq


def resolve_engine(setting: str, device: str) -> str:
    """`auto` → CTranslate2 int8 on the CPU when the package is installed; transformers on a GPU."""
    if setting != "auto":
        return setting
    return "ctranslate2" if device == "cpu" and ct2.available() else "transformers"


def load_seq2seq(role: str, name: str, device_setting: str, engine_setting: str = "transformers",
                 on_progress: Callable[[str], None] | None = None):
    """The shared seq2seq model for `role` ("translator" or "summarizer"), loaded once per process."""
    device = resolve_device(device_setting)
    engine = resolve_engine(engine_setting, device)
    if engine == "ctranslate2":
        quantization = ct2.compute_type(role, device)
        return load_once(role, name, (engine, device), lambda: CTranslate2Seq2Seq(
            name, device, quantization=quantization, on_progress=on_progress, role=role))
    return load_once(role, name, (engine, device), lambda: TransformersSeq2Seq(name, device, role))
