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

    def generate_nbest(self, texts: Sequence[str], settings: Generation, count: int) -> list[list[tuple[str, float]]]:
        """As `Seq2Seq.generate_nbest`: the chosen tokens' log-probabilities are read back from the beams' own
        step scores (`compute_transition_scores`) and averaged over the tokens up to the end token."""
        import torch

        count = max(1, min(count, settings.num_beams))
        with self.lock, torch.inference_mode():
            batch = self.tokenizer(list(texts), return_tensors="pt", padding=True, truncation=True,
                                   max_length=self.window).to(self.device)
            output = self.model.generate(
                **batch, num_beams=settings.num_beams, max_new_tokens=settings.max_new_tokens,
                min_new_tokens=settings.min_new_tokens, no_repeat_ngram_size=settings.no_repeat_ngram_size,
                length_penalty=settings.length_penalty, bad_words_ids=[list(ids) for ids in settings.bad_words] or None,
                do_sample=False, output_scores=True, return_dict_in_generate=True, num_return_sequences=count,
            )
            steps = self.model.compute_transition_scores(
                output.sequences, output.scores, getattr(output, "beam_indices", None), normalize_logits=False)
            found = [(self.decode(ids), _mean_to_end(row, ids, self.model.generation_config.eos_token_id))
                     for ids, row in zip(output.sequences.tolist(), steps.tolist())]
        return [found[at:at + count] for at in range(0, len(found), count)]


def _mean_to_end(log_probabilities: list[float], ids: list[int], eos: int | list[int] | None) -> float:
    """The mean of the chosen tokens' log-probabilities up to and including the first end token (a hypothesis
    that finished early is padded after it)."""
    ends = set(eos if isinstance(eos, list) else [eos])
    generated = ids[len(ids) - len(log_probabilities):]
    length = next((at + 1 for at, token in enumerate(generated) if token in ends), len(generated))
    return float(sum(log_probabilities[:length]) / max(length, 1))
