"""The transformers engine: tokenizer + `model.generate`, fp32 on the CPU or on the GPU."""

from __future__ import annotations

from collections.abc import Sequence

from models.engine import Generation, Seq2Seq
from models.loading import from_pretrained


class TransformersSeq2Seq(Seq2Seq):
    """transformers tokenizer + `model.generate`, fp32 on CPU or on the GPU."""

    engine = "transformers"

    def __init__(self, name: str, device: str) -> None:
        from transformers import AutoModelForSeq2SeqLM, AutoTokenizer

        self.model = from_pretrained(AutoModelForSeq2SeqLM.from_pretrained, name).to(device).eval()
        super().__init__(name, device, from_pretrained(AutoTokenizer.from_pretrained, name),
                         getattr(self.model.config, "max_position_embeddings", None))

    def generate_scored(self, texts: Sequence[str], settings: Generation) -> list[tuple[str, float]]:
        """Best hypothesis and its length-normalised log-probability for each text."""
        import torch

        with self.lock, torch.inference_mode():
            batch = self.tokenizer(list(texts), return_tensors="pt", padding=True, truncation=True,
                                   max_length=self.window).to(self.device)
            output = self.model.generate(
                **batch, num_beams=settings.num_beams, max_new_tokens=settings.max_new_tokens,
                min_new_tokens=settings.min_new_tokens, no_repeat_ngram_size=settings.no_repeat_ngram_size,
                length_penalty=settings.length_penalty, do_sample=False, output_scores=True,
                return_dict_in_generate=True,
            )
            texts = self.tokenizer.batch_decode(output.sequences, skip_special_tokens=True)
            if getattr(output, "sequences_scores", None) is not None:
                scores = output.sequences_scores.tolist()
            else:  # greedy search: mean log-probability of the chosen tokens
                steps = torch.stack(output.scores, 1).log_softmax(-1)
                chosen = steps.gather(-1, output.sequences[:, -steps.shape[1]:, None])[..., 0]
                scores = chosen.mean(-1).tolist()
            return [(" ".join(text.split()), float(score)) for text, score in zip(texts, scores)]
