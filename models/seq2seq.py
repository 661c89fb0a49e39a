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


# The script each role writes: its output vocabulary is cut to it on CTranslate2 (see `models.vocabulary`).
OUTPUT_SCRIPTS = {"translator": "latin", "summarizer": "arabic"}


def load_seq2seq(role: str, name: str, device_setting: str, engine_setting: str = "transformers",
                 on_progress: Callable[[str], None] | None = None, *, restrict_output: bool = True):
    """The shared seq2seq model for `role` ("translator" or "summarizer"), loaded once per process; on
    CTranslate2 its output is cut to the script the role writes unless `restrict_output` is off."""
    device = resolve_device(device_setting)
    engine = resolve_engine(engine_setting, device)
    if engine == "ctranslate2":
        quantization = ct2.compute_type(role, device)
        script = OUTPUT_SCRIPTS.get(role) if restrict_output else None
        return load_once(role, name, (engine, device, script), lambda: CTranslate2Seq2Seq(
            name, device, quantization=quantization, output_script=script, on_progress=on_progress, role=role))
    return load_once(role, name, (engine, device), lambda: TransformersSeq2Seq(name, device, role))
