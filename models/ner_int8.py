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
from models.loading import read_config, release_memory

HEAD_FILE = "classifier.npz"
# Padded word pieces per encoder call: two full 512-piece windows, or a dozen news paragraphs.
WINDOW_TOKENS = 1024


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
                                           compute_type=quantization, intra_threads=1)

    def logits(self, rows: list[list[int]], types: list[list[int]]) -> list[np.ndarray]:
        """One (tokens × labels) array per window. Windows of similar length go to the encoder together, each call
        within `WINDOW_TOKENS` padded tokens: fewer calls, and memory bounded however long the article. Padding
        is masked: on the bench's BERT-base int8 the batched hidden states equal the one-window ones exactly, on
        the tiny test model within 1e-6 (BENCHMARKS.md), so a paragraph's entities do not depend on the windows
        read with it."""
        found: list[np.ndarray] = [np.empty(0)] * len(rows)
        for group in _groups(rows, WINDOW_TOKENS):
            output = self.encoder.forward_batch([rows[i] for i in group], token_type_ids=[types[i] for i in group])
            hidden = np.asarray(output.last_hidden_state, dtype=np.float32)
            for position, index in enumerate(group):
                found[index] = hidden[position, :len(rows[index])] @ self.weight.T + self.bias
        release_memory()
        return found


def _groups(rows: list[list[int]], budget: int) -> list[list[int]]:
    """Indices of `rows`, shortest first, in runs whose padded size (longest × count) stays within `budget`."""
    groups: list[list[int]] = []
    for index in sorted(range(len(rows)), key=lambda i: len(rows[i])):
        if groups and len(rows[index]) * (len(groups[-1]) + 1) <= budget:
            groups[-1].append(index)
        else:
            groups.append([index])
    return groups


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
