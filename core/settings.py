"""Settings, read once from `KHULASA_*` environment variables.

| variable | default | meaning |
|---|---|---|
| KHULASA_TRANSLATOR | Helsinki-NLP/opus-mt-ar-en | the fast Arabic→English MarianMT: Hub id or local folder |
| KHULASA_TRANSLATOR_BEST | Helsinki-NLP/opus-mt-tc-big-ar-en | the best (slower) one: Hub id or local folder |
| KHULASA_TRANSLATION | fast | `fast` or `best`: the translator used (the sidebar and `--translation` choose per run) |
| KHULASA_GLOSSARY | (none) | a newsroom glossary file (TSV or CSV, `docs/GLOSSARY.md`) applied to every analysis |
| KHULASA_SUMMARIZER | csebuetnlp/mT5_multilingual_XLSum | mT5: Hub id, local folder, or `none` (key sentences) |
| KHULASA_NER | CAMeL-Lab/bert-base-arabic-camelbert-msa-ner | token classifier: Hub id or local folder |
| KHULASA_DEVICE | auto | `auto` (GPU when present, else CPU), `cpu`, `cuda` or `cuda:N` |
| KHULASA_ENGINE | auto | `auto` (CTranslate2 int8 on CPU if installed), `transformers`, `ctranslate2` |
| KHULASA_CT2_DIR | `<HF_HOME>/khulasa-ct2` | where converted CTranslate2 models are cached |
| KHULASA_MAX_CHARS | 100000 | longest article accepted, in characters |
| KHULASA_BATCH_TOKENS | 1000 | translation batch budget: sentences × (longest source + most tokens generated) |
| KHULASA_SLOW_DOWN_MS | 0 | tests and demos only: the app waits this long after each snapshot or batch file |
| KHULASA_RESTRICT_OUTPUT | 1 | `0`: full output vocabularies on CTranslate2 (see below) |
| KHULASA_OVERLAP | 1 | `0`: the summary waits for the translation instead of running beside it |
| KHULASA_THREADS | `OMP_NUM_THREADS`, else every core | cores for inference: torch threads, CTranslate2 workers |
| KHULASA_SERVICE | (none) | the newsroom service's URL: the desk sends its analyses there and loads no model |
| KHULASA_SERVICE_KEY | (none) | the desk's API key for that service |
| KHULASA_DB | `<XDG_DATA_HOME or ~/.local/share>/khulasa/history.sqlite3` | the local history of saved analyses |

With `KHULASA_RESTRICT_OUTPUT=1` (the default), on CTranslate2 the summary may write only Arabic-script pieces
and the English translation only Latin-script ones, plus digits, punctuation, symbols, special tokens and the
pieces of the text being read (`models.vocabulary`): the same outputs on the tested models, in less time.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_TRANSLATOR = "Helsinki-NLP/opus-mt-ar-en"
DEFAULT_TRANSLATOR_BEST = "Helsinki-NLP/opus-mt-tc-big-ar-en"
DEFAULT_SUMMARIZER = "csebuetnlp/mT5_multilingual_XLSum"
DEFAULT_NER = "CAMeL-Lab/bert-base-arabic-camelbert-msa-ner"
NO_SUMMARIZER = "none"  # KHULASA_SUMMARIZER=none: no abstractive summary (e.g. its licence does not suit)
VARIABLES = {"translator": "KHULASA_TRANSLATOR", "summarizer": "KHULASA_SUMMARIZER", "ner": "KHULASA_NER"}
TRANSLATION_MODES = ("fast", "best")
# The licence of each default model, and the attribution its licence asks for (shown in the export).
LICENCES = {
    DEFAULT_TRANSLATOR: "Apache-2.0",
    DEFAULT_TRANSLATOR_BEST: "CC BY 4.0: OPUS-MT, Tiedemann & Thottingal, University of Helsinki "
                             "(Helsinki-NLP/opus-mt-tc-big-ar-en)",
    DEFAULT_SUMMARIZER: "CC BY-NC-SA 4.0 (non-commercial use only): csebuetnlp, XL-Sum, Hasan et al. 2021",
    DEFAULT_NER: "Apache-2.0",
}


def licence(name: str) -> str:
    """The licence (and attribution) of a default model; a model of your own is yours to check."""
    return LICENCES.get(name, "see the model's own card")


class SettingsError(ValueError):
    """A `KHULASA_*` variable holds a value Khulasa cannot use."""


@dataclass(frozen=True)
class Settings:
    translator: str = DEFAULT_TRANSLATOR
    translator_best: str = DEFAULT_TRANSLATOR_BEST
    translation: str = "fast"
    glossary: str = ""
    summarizer: str = DEFAULT_SUMMARIZER
    ner: str = DEFAULT_NER
    device: str = "auto"
    engine: str = "auto"
    max_chars: int = 100_000
    batch_tokens: int = 1000
    slow_down_ms: int = 0
    restrict_output: bool = True
    overlap: bool = True
    db_path: str = field(default_factory=lambda: default_db_path(os.environ))
    service: str = ""
    service_key: str = field(default="", repr=False)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        device = env.get("KHULASA_DEVICE", "auto").strip().lower() or "auto"
        if not re.fullmatch(r"auto|cpu|cuda(:\d+)?", device):
            raise SettingsError(f"KHULASA_DEVICE must be auto, cpu, cuda or cuda:N, not {device!r}.")
        engine = env.get("KHULASA_ENGINE", "auto").strip().lower() or "auto"
        if engine not in {"auto", "transformers", "ctranslate2"}:
            raise SettingsError(f"KHULASA_ENGINE must be auto, transformers or ctranslate2, not {engine!r}.")
        translation = env.get("KHULASA_TRANSLATION", "fast").strip().lower() or "fast"
        if translation not in TRANSLATION_MODES:
            raise SettingsError(f"KHULASA_TRANSLATION must be fast or best, not {translation!r}.")
        return cls(
            translator=env.get("KHULASA_TRANSLATOR", "").strip() or DEFAULT_TRANSLATOR,
            translator_best=env.get("KHULASA_TRANSLATOR_BEST", "").strip() or DEFAULT_TRANSLATOR_BEST,
            translation=translation,
            glossary=env.get("KHULASA_GLOSSARY", "").strip(),
            summarizer=_summarizer(env.get("KHULASA_SUMMARIZER", "")),
            ner=env.get("KHULASA_NER", "").strip() or DEFAULT_NER,
            device=device,
            engine=engine,
            max_chars=_positive_int(env, "KHULASA_MAX_CHARS", 100_000),
            batch_tokens=_positive_int(env, "KHULASA_BATCH_TOKENS", 1000),
            slow_down_ms=_positive_int(env, "KHULASA_SLOW_DOWN_MS", 0),
            restrict_output=_switch(env, "KHULASA_RESTRICT_OUTPUT", True),
            overlap=_switch(env, "KHULASA_OVERLAP", True),
            db_path=default_db_path(env),
            service=env.get("KHULASA_SERVICE", "").strip(),
            service_key=env.get("KHULASA_SERVICE_KEY", "").strip(),
        )

    @property
    def summarizer_off(self) -> bool:
        """KHULASA_SUMMARIZER=none: the desk summarises with key sentences, no summarizer is loaded."""
        return self.summarizer == NO_SUMMARIZER

    @property
    def translation_model(self) -> str:
        """The translator of the chosen mode: `translator` for fast, `translator_best` for best."""
        return self.translator_best if self.translation == "best" else self.translator


def default_db_path(env: Mapping[str, str]) -> str:
    """KHULASA_DB, else `history.sqlite3` in the user's data folder (XDG_DATA_HOME, else ~/.local/share)."""
    chosen = env.get("KHULASA_DB", "").strip()
    if chosen:
        return str(Path(chosen).expanduser())
    data_home = env.get("XDG_DATA_HOME", "").strip() or str(Path.home() / ".local" / "share")
    return str(Path(data_home).expanduser() / "khulasa" / "history.sqlite3")


def _summarizer(raw: str) -> str:
    name = raw.strip()
    return NO_SUMMARIZER if name.lower() == NO_SUMMARIZER else name or DEFAULT_SUMMARIZER


def _positive_int(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or int(raw) <= 0:
        raise SettingsError(f"{name} must be a positive whole number, not {raw!r}.")
    return int(raw)


def _switch(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = env.get(name, "").strip().lower()
    if not raw:
        return default
    if raw not in {"0", "1", "true", "false", "on", "off", "yes", "no"}:
        raise SettingsError(f"{name} must be 1 or 0, not {raw!r}.")
    return raw in {"1", "true", "on", "yes"}
