"""BERT token classification in int8: the encoder on CTranslate2, the classification head applied outside it.

CTranslate2 converts a BERT checkpoint's encoder (not its head), so the head's two tensors — `classifier.weight`
and `classifier.bias`, 9 × 768 for ANERcorp — are read from the checkpoint and applied to the encoder's output.
`EncoderClassifier` stands where transformers' model would, so the token-classification pipeline (windows,
stride, word aggregation) is the same code whichever engine runs the encoder.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch
from transformers import TokenClassificationPipeline

from models.ct2 import checkpoint_folder, converted_folder
from models.loading import cpu_threads


class EncoderPipeline(TokenClassificationPipeline):
    """transformers' token-classification pipeline, without its check that the model is one of its own classes
    (it logs an error for `EncoderClassifier`, which works the same)."""

    def check_model_type(self, supported_models: object) -> None:
        return None


class EncoderClassifier(torch.nn.Module):
    """A stand-in for `AutoModelForTokenClassification`: `model(**inputs)["logits"]` from CTranslate2."""

    main_input_name = "input_ids"
    pipeline_class = EncoderPipeline

    def __init__(self, name: str, device: str, quantization: str = "int8") -> None:
        import ctranslate2
        from transformers import AutoConfig

        super().__init__()
        source, _ = checkpoint_folder(name, "ner")
        self.config = AutoConfig.from_pretrained(str(source))
        weight, bias = classifier_head(source)
        self.register_buffer("weight", weight)
        self.register_buffer("bias", bias)
        _register_bert_loader()
        kind, _, index = device.partition(":")
        self.encoder = ctranslate2.Encoder(str(converted_folder(name, quantization, role="ner")), device=kind,
                                           device_index=int(index or 0), compute_type=quantization,
                                           intra_threads=cpu_threads())

    @property
    def device(self) -> torch.device:
        return self.weight.device

    @property
    def dtype(self) -> torch.dtype:
        return self.weight.dtype

    def can_generate(self) -> bool:
        return False

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor | None = None,
                token_type_ids: torch.Tensor | None = None, **_: object) -> dict[str, torch.Tensor]:
        lengths = (attention_mask.sum(1) if attention_mask is not None
                   else torch.full((input_ids.shape[0],), input_ids.shape[1]))
        rows = [ids[:length].tolist() for ids, length in zip(input_ids, lengths.tolist())]
        types = None if token_type_ids is None else [t[:n].tolist() for t, n in zip(token_type_ids, lengths.tolist())]
        output = self.encoder.forward_batch(rows, token_type_ids=types)
        hidden = torch.from_numpy(np.array(output.last_hidden_state, dtype=np.float32))
        return {"logits": torch.nn.functional.linear(hidden, self.weight, self.bias)}


def classifier_head(folder: Path) -> tuple[torch.Tensor, torch.Tensor]:
    """`classifier.weight` and `classifier.bias` from a checkpoint folder (safetensors or pytorch_model.bin),
    without loading the rest of the model into memory."""
    names = ("classifier.weight", "classifier.bias")
    if (folder / "model.safetensors").exists():
        from safetensors import safe_open

        with safe_open(str(folder / "model.safetensors"), framework="pt") as weights:
            return tuple(weights.get_tensor(name).float() for name in names)
    state = torch.load(folder / "pytorch_model.bin", map_location="cpu", mmap=True, weights_only=True)
    return tuple(state[name].float().clone() for name in names)


def _register_bert_loader() -> None:
    """CTranslate2's BERT converter asserts `position_embedding_type == "absolute"`, a field transformers 5
    no longer puts in `BertConfig` (absolute is the only kind left)."""
    from ctranslate2.converters import transformers as ct2_transformers

    class _BertLoader(ct2_transformers.BertLoader):
        def get_model_spec(self, model):
            if not hasattr(model.config, "position_embedding_type"):
                model.config.position_embedding_type = "absolute"
            return super().get_model_spec(model)

    ct2_transformers._MODEL_LOADERS["BertConfig"] = _BertLoader()
