"""The transformers engine: tokenizer + `model.generate`, in float32 on the CPU or on the GPU."""

from __future__ import annotations

from collections.abc import Sequence

from models.engine import Generation, Seq2Seq, checkpoint_generation
from models.loading import load_tokenizer, model_folder, torch_runtime


class TransformersSeq2Seq(Seq2Seq):
    """transformers tokenizer + `model.generate`, always float32: mT5 overflows in float16 (its activations pass
    65,504), so the summarizer must never run in half precision, and Marian gains little from it."""

    engine = "transformers"

    def __init__(self, name: str, device: str, role: str = "translator") -> None:
        torch = torch_runtime()
        from transformers import AutoModelForSeq2SeqLM

        folder = model_folder(role, name)
        self.model = AutoModelForSeq2SeqLM.from_pretrained(str(folder), dtype=torch.float32).to(device).eval()
        super().__init__(name, device, load_tokenizer(folder),
                         getattr(self.model.config, "max_position_embeddings", None), checkpoint_generation(folder))

    def generate_scored(self, texts: Sequence[str], settings: Generation) -> list[tuple[str, float]]:
        """Best hypothesis and its length-normalised log-probability for each text."""
        import torch

        with self.lock, torch.inference_mode():
            batch = self.tokenizer(list(texts), return_tensors="pt", padding=True, truncation=True,
                                   max_length=self.window).to(self.device)
            output = self.model.generate(
                **batch, num_beams=settings.num_beams, max_new_tokens=settings.max_new_tokens,
                min_new_tokens=settings.min_new_tokens, no_repeat_ngram_size=settings.no_repeat_ngram_size,
                length_penalty=settings.length_penalty, bad_words_ids=[list(ids) for ids in settings.bad_words] or None,
                do_sample=False, output_scores=True, return_dict_in_generate=True,
            )
            texts = [self.decode(ids) for ids in output.sequences.tolist()]
            if getattr(output, "sequences_scores", None) is not None:
                scores = output.sequences_scores.tolist()
            else:  # greedy search: mean log-probability of the chosen tokens
                steps = torch.stack(output.scores, 1).log_softmax(-1)
                chosen = steps.gather(-1, output.sequences[:, -steps.shape[1]:, None])[..., 0]
                scores = chosen.mean(-1).tolist()
            return [(text, float(score)) for text, score in zip(texts, scores)]
