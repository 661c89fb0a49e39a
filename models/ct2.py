"""The CTranslate2 engine: the Hugging Face checkpoint converted once (int8 on CPU) and cached on disk.

The converted model lives beside the Hugging Face cache, in `<HF_HOME>/khulasa-ct2/<model>-<revision>-<quant>`;
the revision is the Hub snapshot's commit, or a fingerprint of a local folder's files, so a changed checkpoint is
converted again. Known trap: with transformers 5, CTranslate2's converter reads mT5 as tied-embedding and adds a
decoder output scale that mT5 does not have; `_Mt5Loader` removes it.
"""

from __future__ import annotations

import glob
import hashlib
import os
import re
import shutil
from collections.abc import Callable, Sequence
from pathlib import Path

from models import vocabulary
from models.budget import DECODE_BUDGET
from models.engine import Generation, Seq2Seq, checkpoint_generation, mean_log_probability
from models.hub import require_space
from models.loading import cpu_threads, load_tokenizer, model_folder, read_config, release_memory
from models.problems import storage_problem
from models.progress import BOARD
from models.sentencepiece_tokenizer import MODEL_FILE, SentencePieceTokenizer


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


def compute_type(role: str, device: str) -> str:
    """int8 on the CPU; on a GPU int8 with float16 for the translator but float32 for the summarizer, since mT5
    overflows in float16."""
    if device == "cpu":
        return "int8"
    return "int8_float32" if role == "summarizer" else "int8_float16"


def checkpoint_folder(name: str, role: str = "translator") -> tuple[Path, str]:
    """The local folder of a Hub id or folder (checked by `model_folder`), and its revision (the snapshot's
    commit or the folder's fingerprint)."""
    folder = model_folder(role, name)
    local = Path(name).expanduser().is_dir()
    return folder, fingerprint(folder) if local else folder.name[:12]


def fingerprint(folder: Path) -> str:
    """A local folder's revision: a hash of its files' names, sizes and modification times."""
    digest = hashlib.sha256()
    for path in sorted(folder.iterdir()):
        if path.is_file():
            stat = path.stat()
            digest.update(f"{path.name}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    return digest.hexdigest()[:12]


def converted_folder(name: str, quantization: str, on_progress: Callable[[str], None] | None = None,
                     role: str = "translator") -> Path:
    """Convert `name` to CTranslate2 once; later calls return the cached folder at once.

    The conversion writes into `<target>.partial-<pid>` and renames it when complete, so an interrupted one
    never passes for a model; partial folders left by processes that are gone are removed first.
    """
    source, revision = checkpoint_folder(name, role)
    slug = re.sub(r"[^\w.-]+", "--", name.strip("/"))[-80:]
    target = cache_root() / f"{slug}-{revision}-{quantization}"
    if (target / "model.bin").exists():
        return target
    remove_abandoned(target)
    require_space(target.parent, _converted_size(source, quantization), f"converting {name}", "KHULASA_CT2_DIR")
    if on_progress:
        on_progress(f"Converting {name} to CTranslate2 {quantization} (once; cached in {target})")
    BOARD.start(role, name, "convert", note=f"CTranslate2 {quantization}")
    partial = target.with_name(target.name + f".partial-{os.getpid()}")
    try:
        shutil.rmtree(partial, ignore_errors=True)
        partial.mkdir(parents=True)  # a read-only folder fails here, before the long load of the checkpoint
        _converter(str(source)).convert(str(partial), quantization=quantization, force=True)
        for extra in ("tokenizer_config.json", "special_tokens_map.json"):
            if (source / extra).exists():
                shutil.copy(source / extra, partial / extra)
        shutil.rmtree(target, ignore_errors=True)
        partial.rename(target)
    except BaseException as error:
        shutil.rmtree(partial, ignore_errors=True)
        stored = isinstance(error, OSError) and storage_problem(error, target.parent, "KHULASA_CT2_DIR",
                                                                f"converting {name}")
        BOARD.finish(role, failed=str(stored or error) or type(error).__name__)
        if stored:
            raise stored from error
        raise
    BOARD.finish(role)
    return target


def remove_abandoned(target: Path) -> list[Path]:
    """Delete `<target>.partial-<pid>` folders whose process is no longer running; returns those removed."""
    removed = []
    for partial in target.parent.glob(f"{glob.escape(target.name)}.partial-*"):
        pid = partial.name.rsplit("-", 1)[-1]
        if not pid.isdigit() or not _running(int(pid)):
            shutil.rmtree(partial, ignore_errors=True)
            removed.append(partial)
    return removed


def converted_copies(name: str) -> list[Path]:
    """The converted folders of `name` in the cache, any revision and quantization."""
    slug = re.sub(r"[^\w.-]+", "--", name.strip("/"))[-80:]
    root = cache_root()
    return sorted(path for path in root.glob(f"{glob.escape(slug)}-*") if (path / "model.bin").exists())


def _running(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _converted_size(source: Path, quantization: str) -> int:
    """An upper bound of the converted model's size: int8 keeps about a quarter of float32 weights."""
    weights = sum(path.stat().st_size for path in source.iterdir()
                  if path.suffix in {".bin", ".safetensors"} and path.is_file())
    share = 0.35 if quantization.startswith("int8") else 0.55 if "16" in quantization else 1.05
    return int(weights * share) + 64 * 1_000_000


def restrict_output(folder: Path, script: str, specials: Sequence[str]) -> int:
    """Write the vocabulary map that cuts a converted model's output to `script` (read when the model loads);
    the number of pieces every output keeps."""
    return vocabulary.write_map(folder, script, specials)


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

    class _BertLoader(ct2_transformers.BertLoader):
        # CTranslate2's BERT converter asserts `position_embedding_type == "absolute"`, a field transformers 5
        # no longer puts in `BertConfig` (absolute is the only kind left).
        def get_model_spec(self, model):
            if not hasattr(model.config, "position_embedding_type"):
                model.config.position_embedding_type = "absolute"
            return super().get_model_spec(model)

    ct2_transformers._MODEL_LOADERS["MT5Config"] = _Mt5Loader()
    ct2_transformers._MODEL_LOADERS["BertConfig"] = _BertLoader()
    return ct2_transformers.TransformersConverter(source)


def engine_tokenizer(source: Path):
    """The checkpoint's tokenizer; for an mT5 (or T5) checkpoint that holds only its SentencePiece model, as
    XLSum does, that model read by the sentencepiece library (`models.sentencepiece_tokenizer`: same ids, half
    the memory)."""
    plain = (source / MODEL_FILE).is_file() and not (source / "tokenizer.json").is_file()
    if plain and read_config(source).get("model_type") in {"mt5", "t5"}:
        return SentencePieceTokenizer(source)
    return load_tokenizer(source)


def engine_threads(device_kind: str, role: str) -> dict[str, int]:
    """CTranslate2's threads on the CPU: one thread per worker (`intra_threads` 1); the translator has a worker per
    core (`inter_threads`, `cpu_threads()`) and splits each call's sentences among them (`max_batch_size`), the
    summarizer one worker, which leaves the other cores to the translation beside it.

    Measured with the bench's models on a 2-core Xeon (BENCHMARKS.md): 12 sentences of opus-mt-ar-en int8 took
    3.3-3.7 s on one worker of two threads, 2.7 s on one thread, 1.4-1.7 s on two workers of one thread; mT5's
    summary 3.4 s on two threads, 1.8 s on one. Decoding multiplies small matrices one step after another, and
    two threads meeting at every step cost more than they share. A second summarizer worker would hold its own
    copy of the output restriction's tables (+0.11 GB) for one input that runs on one worker anyway."""
    if device_kind != "cpu":
        return {}
    return {"inter_threads": cpu_threads() if role == "translator" else 1, "intra_threads": 1}


class CTranslate2Seq2Seq(Seq2Seq):
    """The converted model on CTranslate2's translator, with the checkpoint's own tokenizer.

    With `output_script` ("arabic" or "latin") every output is restricted to that script's pieces plus the
    pieces of its source (see `models.vocabulary`); `kept_pieces` says how many pieces every output keeps.
    """

    engine = "ctranslate2"

    def __init__(self, name: str, device: str, *, quantization: str = "int8", output_script: str | None = None,
                 on_progress: Callable[[str], None] | None = None, role: str = "translator") -> None:
        import ctranslate2

        self.quantization = quantization
        folder = converted_folder(name, quantization, on_progress, role)
        source, _ = checkpoint_folder(name, role)
        super().__init__(name, device, engine_tokenizer(source), read_config(source).get("max_position_embeddings"),
                         checkpoint_generation(source))
        self.output_script, self.kept_pieces = output_script, None
        if output_script:
            self.kept_pieces = restrict_output(folder, output_script, self.tokenizer.all_special_tokens)
        kind, _, index = device.partition(":")
        threads = engine_threads(kind, role)
        self.workers = threads.get("inter_threads", 1)
        self.model = ctranslate2.Translator(str(folder), device=kind, device_index=int(index or 0),
                                            compute_type=quantization, **threads)

    def generate_nbest(self, texts: Sequence[str], settings: Generation, count: int) -> list[list[tuple[str, float]]]:
        """As `Seq2Seq.generate_nbest`; `bad_words` need no flag here: the converter maps Marian's `<pad>` to
        CTranslate2's padding token, which it never generates. CTranslate2's score is the summed log-probability
        over `length ** length_penalty`, the end token counted (not returned) unless the length limit cut it."""
        count = max(1, min(count, settings.num_beams))
        with self.lock:  # the tokenizer's; the engine takes calls from several threads at once
            sources = [self.tokenizer.convert_ids_to_tokens(ids) for ids in
                       self.tokenizer(list(texts), truncation=True, max_length=self.window)["input_ids"]]
        results = self.model.translate_batch(
            sources, beam_size=settings.num_beams, max_decoding_length=settings.max_new_tokens,
            min_decoding_length=settings.min_new_tokens, no_repeat_ngram_size=settings.no_repeat_ngram_size,
            length_penalty=settings.length_penalty, return_scores=True, use_vmap=bool(self.output_script),
            num_hypotheses=count, max_batch_size=-(-len(sources) // DECODE_BUDGET.share(self.workers)),
        )
        with self.lock:
            found = [[(self.decode(self.tokenizer.convert_tokens_to_ids(pieces)),
                       mean_log_probability(float(score), len(pieces) + (len(pieces) < settings.max_new_tokens),
                                            settings.length_penalty))
                      for pieces, score in zip(result.hypotheses, result.scores)] for result in results]
        release_memory()
        return found
