"""BERT token classification in int8: the encoder on CTranslate2, the classification head applied outside it.

CTranslate2 converts a BERT checkpoint's encoder (not its head), so the head's two tensors — `classifier.weight`
and `classifier.bias`, 9 × 768 for ANERcorp — are read from the checkpoint once and kept beside the converted
model (`classifier.npz`). Loading then needs neither torch nor transformers' model code: on the CPU the whole
analysis runs without torch in the process (about 0.2 GB less memory).
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from models.ct2 import checkpoint_folder, converted_folder
from models.loading import cpu_threads, read_config, release_memory

HEAD_FILE = "classifier.npz"


class Int8TokenClassifier:
    """Label scores for windows of word pieces: `labels` (index → label), `positions` (longest window)."""

    def __init__(self, name: str, device: str, quantization: str = "int8") -> None:
        import ctranslate2

        source, _ = checkpoint_folder(name, "ner")
        config = read_config(source)
        self.labels = {int(index): label for index, label in config["id2label"].items()}
        self.positions = int(config.get("max_position_embeddings", 512))
        folder = converted_folder(name, quantization, role="ner")
        self.weight, self.bias = head(folder, source)
        kind, _, index = device.partition(":")
        self.encoder = ctranslate2.Encoder(str(folder), device=kind, device_index=int(index or 0),
                                           compute_type=quantization, intra_threads=cpu_threads())

    def logits(self, rows: list[list[int]], types: list[list[int]]) -> list[np.ndarray]:
        """One (tokens × labels) array per window. Each window is its own call, as in transformers' pipeline, so
        a paragraph's entities never depend on the length of the paragraphs read with it."""
        found = []
        for ids, kinds in zip(rows, types):
            output = self.encoder.forward_batch([ids], token_type_ids=[kinds])
            found.append(np.asarray(output.last_hidden_state, dtype=np.float32)[0] @ self.weight.T + self.bias)
        release_memory()
        return found


def head(converted: Path, source: Path) -> tuple[np.ndarray, np.ndarray]:
    """The classification head, from `classifier.npz` beside the converted model; read from the checkpoint
    and written there the first time."""
    path = converted / HEAD_FILE
    if not path.exists():
        weight, bias = classifier_head(source)
        partial = converted / f"{HEAD_FILE}.partial-{os.getpid()}.npz"
        np.savez(partial, weight=weight, bias=bias)
        partial.replace(path)
    with np.load(path) as saved:
        return saved["weight"].astype(np.float32), saved["bias"].astype(np.float32)


def classifier_head(folder: Path) -> tuple[np.ndarray, np.ndarray]:
    """`classifier.weight` and `classifier.bias` from a checkpoint folder (safetensors or pytorch_model.bin),
    without loading the rest of the model into memory."""
    names = ("classifier.weight", "classifier.bias")
    if (folder / "model.safetensors").exists():
        from safetensors import safe_open

        with safe_open(str(folder / "model.safetensors"), framework="np") as weights:
            return tuple(weights.get_tensor(name).astype(np.float32) for name in names)
    import torch

    state = torch.load(folder / "pytorch_model.bin", map_location="cpu", mmap=True, weights_only=True)
    return tuple(state[name].float().numpy().copy() for name in names)
