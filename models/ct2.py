"""The CTranslate2 engine: the Hugging Face checkpoint converted once (int8 on CPU) and cached on disk.

The converted model lives beside the Hugging Face cache, in `<HF_HOME>/khulasa-ct2/<model>-<revision>-<quant>`;
the revision is the Hub snapshot's commit, or a fingerprint of a local folder's files, so a changed checkpoint is
converted again. Known trap: with transformers 5, CTranslate2's converter reads mT5 as tied-embedding and adds a
decoder output scale that mT5 does not have; `_Mt5Loader` removes it.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
from collections.abc import Callable, Sequence
from pathlib import Path

from models.engine import Generation, Seq2Seq
from models.loading import cpu_threads, from_pretrained


def available() -> bool:
    try:
        import ctranslate2  # noqa: F401
    except ImportError:
        return False
    return True


def cache_root() -> Path:
    """`KHULASA_CT2_DIR`, else `khulasa-ct2` inside the Hugging Face home folder."""
    if os.environ.get("KHULASA_CT2_DIR"):
        return Path(os.environ["KHULASA_CT2_DIR"]).expanduser()
    from huggingface_hub import constants

    return Path(constants.HF_HOME) / "khulasa-ct2"


def checkpoint_folder(name: str) -> tuple[Path, str]:
    """The local folder of a Hub id or folder, and its revision (snapshot commit or file fingerprint)."""
    folder = Path(name).expanduser()
    if not folder.is_dir():
        from huggingface_hub import snapshot_download

        folder = Path(from_pretrained(snapshot_download, name))
        return folder, folder.name[:12]
    fingerprint = hashlib.sha256()
    for path in sorted(folder.iterdir()):
        if path.is_file():
            stat = path.stat()
            fingerprint.update(f"{path.name}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    return folder, fingerprint.hexdigest()[:12]


def converted_folder(name: str, quantization: str, on_progress: Callable[[str], None] | None = None) -> Path:
    """Convert `name` to CTranslate2 once; later calls return the cached folder at once."""
    source, revision = checkpoint_folder(name)
    slug = re.sub(r"[^\w.-]+", "--", name.strip("/"))[-80:]
    target = cache_root() / f"{slug}-{revision}-{quantization}"
    if (target / "model.bin").exists():
        return target
    if on_progress:
        on_progress(f"Converting {name} to CTranslate2 {quantization} (once; cached in {target})")
    partial = target.with_name(target.name + f".partial-{os.getpid()}")
    shutil.rmtree(partial, ignore_errors=True)
    _converter(str(source)).convert(str(partial), quantization=quantization, force=True)
    for extra in ("tokenizer_config.json", "special_tokens_map.json"):
        if (source / extra).exists():
            shutil.copy(source / extra, partial / extra)
    shutil.rmtree(target, ignore_errors=True)
    partial.rename(target)
    return target


def _converter(source: str):
    from ctranslate2.converters import transformers as ct2_transformers
    from ctranslate2.specs import model_spec

    class _Mt5Loader(ct2_transformers.MT5Loader):
        # transformers 5 forces `tie_word_embeddings=True` on every MT5Config yet never scales mT5's decoder
        # output, so the scale the converter adds for tied T5 models is always wrong here.
        def get_model_spec(self, model):
            spec = super().get_model_spec(model)
            spec.decoder.scale_outputs = model_spec.OPTIONAL
            return spec

    ct2_transformers._MODEL_LOADERS["MT5Config"] = _Mt5Loader()
    return ct2_transformers.TransformersConverter(source)


class CTranslate2Seq2Seq(Seq2Seq):
    """The converted model on CTranslate2's translator, with the checkpoint's own tokenizer."""

    engine = "ctranslate2"

    def __init__(self, name: str, device: str, *, quantization: str = "int8",
                 on_progress: Callable[[str], None] | None = None) -> None:
        import ctranslate2
        from transformers import AutoConfig, AutoTokenizer

        self.quantization = quantization
        folder = converted_folder(name, quantization, on_progress)
        source, _ = checkpoint_folder(name)
        config = AutoConfig.from_pretrained(str(source))
        super().__init__(name, device, AutoTokenizer.from_pretrained(str(source)),
                         getattr(config, "max_position_embeddings", None))
        self.model = ctranslate2.Translator(str(folder), device=device.split(":")[0], compute_type=quantization,
                                            intra_threads=cpu_threads())

    def generate_scored(self, texts: Sequence[str], settings: Generation) -> list[tuple[str, float]]:
        with self.lock:
            sources = [self.tokenizer.convert_ids_to_tokens(ids) for ids in
                       self.tokenizer(list(texts), truncation=True, max_length=self.window)["input_ids"]]
            results = self.model.translate_batch(
                sources, beam_size=settings.num_beams, max_decoding_length=settings.max_new_tokens,
                min_decoding_length=settings.min_new_tokens, no_repeat_ngram_size=settings.no_repeat_ngram_size,
                length_penalty=settings.length_penalty, return_scores=True,
            )
            decoded = []
            for result in results:
                ids = self.tokenizer.convert_tokens_to_ids(result.hypotheses[0])
                text = self.tokenizer.decode(ids, skip_special_tokens=True)
                decoded.append((" ".join(text.split()), float(result.scores[0])))
            return decoded
