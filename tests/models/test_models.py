"""Model code on real tiny models, loaded through the production loader (no stubs)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from analysis.pipeline import Options, analyze, analyze_stream, load_models
from core.errors import ModelUnavailable
from core.settings import Settings
from models import loading
from models.seq2seq import load_seq2seq
from models.summarize import Summarizer, normalize_whitespace


def test_models_load_once_per_process(tiny_settings: Settings, tiny_models) -> None:
    before = dict(loading.LOAD_COUNTS)
    again = load_models(replace(tiny_settings, engine=tiny_models.names.engine))
    assert again.translator.seq2seq is tiny_models.translator.seq2seq
    assert again.recognizer is tiny_models.recognizer
    assert loading.LOAD_COUNTS == before


def test_translator_batches_are_length_sorted_within_the_token_budget(tiny_models, seed: str) -> None:
    translator = tiny_models.translator
    texts = [line for line in seed.splitlines() if line.strip()]
    lengths = [translator.count_tokens(text) for text in texts]
    batches = translator.batches(texts)
    assert sorted(i for batch in batches for i in batch) == list(range(len(texts)))
    flat = [lengths[i] for batch in batches for i in batch]
    assert flat == sorted(flat)
    for batch in batches:
        assert len(batch) == 1 or max(lengths[i] for i in batch) * len(batch) <= translator.batch_tokens
    first, budget = batches[0], translator.first_batch_tokens  # a small first batch, when there are several
    assert len(batches) == 1 or len(first) == 1 or max(lengths[i] for i in first) * len(first) <= budget
    assert all(len({translator.limit(lengths[i]) for i in batch}) == 1 for batch in batches)


def test_a_translation_does_not_depend_on_the_sentences_batched_with_it(tiny_models, seed: str) -> None:
    """The output limit follows each sentence alone, so a short sentence translated beside long ones (the
    entity names beside the summary, another article's sentences) gets the translation it gets alone."""
    from models.translate import Translator

    translator = Translator(tiny_models.translator.seq2seq, cache=None)
    assert (translator.limit(24), translator.limit(25)) == (64, 128)
    short = ["التركية", "وكالة الأناضول", "كازاخستان"]
    long = [line for line in seed.splitlines() if len(line.split()) > 25][:2]
    alone = translator.translate(short)
    assert translator.translate(long + short)[len(long):] == alone


def test_translation_streams_every_sentence_exactly_once(tiny_models, seed: str) -> None:
    texts = [line for line in seed.splitlines() if line.strip()][:6]
    seen: list[int] = []
    for batch in tiny_models.translator.stream(texts):
        assert batch and all(isinstance(translation, str) for translation in batch.values())
        seen.extend(batch)
    assert sorted(seen) == list(range(len(texts)))


def test_translation_output_comes_from_the_model(tiny_models) -> None:
    english = tiny_models.translator.translate(["وأعرب وزير الخارجية التركي عن أمل بلاده في إحلال الاستقرار."])
    assert english[0] and any("a" <= char <= "z" for char in english[0].lower())


def test_summary_of_a_short_article_runs_in_a_single_window(tiny_models, seed: str) -> None:
    paragraph = seed.splitlines()[0]
    summary, strategy, _ = tiny_models.summarizer.summarize(paragraph)
    assert isinstance(summary, str) and strategy == "single"  # its wording is the tiny model's


def test_summary_of_a_long_article_uses_sections_not_truncation(tiny_models, seed: str) -> None:
    summarizer: Summarizer = tiny_models.summarizer
    long_text = "\n".join([seed] * 3)
    assert summarizer.seq2seq.count_tokens(normalize_whitespace(long_text)) > summarizer.seq2seq.window
    sections = summarizer.sections(normalize_whitespace(long_text))
    assert len(sections) > 1
    assert all(summarizer.seq2seq.count_tokens(section) <= summarizer.seq2seq.window for section in sections)
    assert "".join(sections).replace(" ", "") == normalize_whitespace(long_text).replace(" ", "")
    summary, strategy, detail = summarizer.summarize(long_text, max_tokens=20)
    assert isinstance(summary, str) and strategy == "sections" and "sections" in detail


def test_summary_respects_the_requested_length(tiny_models, seed: str) -> None:
    seq2seq = tiny_models.summarizer.seq2seq
    summary, *_ = tiny_models.summarizer.summarize(seed.splitlines()[0], max_tokens=8, num_beams=2)
    assert len(seq2seq.tokenizer(summary)["input_ids"]) <= 8 + 2


def test_whitespace_is_normalised_as_the_xlsum_card_does() -> None:
    assert normalize_whitespace("  سطر\n\nثان \t ثالث ") == "سطر ثان ثالث"


def test_entities_index_the_original_text_and_use_mapped_labels(tiny_models, seed: str) -> None:
    spans = [(0, len(seed.splitlines()[0]))]
    entities = tiny_models.recognizer.find(seed, spans)
    assert entities, "the tiny NER model is trained to find the names of the first paragraph"
    for entity in entities:
        assert seed[entity.start:entity.end] == entity.text
        assert entity.label in {"PER", "ORG", "LOC", "MISC"}
        assert entity.text == entity.text.strip()


def test_entities_found_in_kazakhstan_mentions_are_grouped(tiny_models, tiny_settings, seed: str) -> None:
    analysis = analyze(seed, tiny_models, tiny_settings)
    kazakhstan = [g for g in analysis.groups if g.canonical == "كازاخستان"]
    assert len(kazakhstan) == 1
    members = [e.text for e in analysis.entities if e.group == kazakhstan[0].id]
    assert "وكازاخستان" in members and "كازاخستان" in members
    assert kazakhstan[0].count == len(members)


def test_stream_shows_first_sentences_then_entities_and_summary_last(tiny_models, tiny_settings, seed: str) -> None:
    stages = [snapshot.stage for snapshot in analyze_stream(seed, tiny_models, tiny_settings)]
    assert stages[:2] == ["translation", "entities"]
    assert stages[-1] == "done" and stages.count("done") == 1


def test_a_missing_local_folder_raises_a_clear_error(tiny_settings: Settings, tmp_path) -> None:
    missing = tmp_path / "nowhere"
    with pytest.raises(ModelUnavailable) as error:
        load_seq2seq("translator", str(missing), "cpu")
    assert str(missing) in str(error.value) and "KHULASA_TRANSLATOR" in str(error.value)


def test_a_corrupt_weights_file_raises_a_clear_error(tiny_model_dirs, tmp_path) -> None:
    import shutil

    broken = tmp_path / "broken-mt5"
    shutil.copytree(tiny_model_dirs["summarizer"], broken)
    (broken / "pytorch_model.bin").write_bytes(b"not a checkpoint")
    with pytest.raises(ModelUnavailable) as error:
        load_seq2seq("summarizer", str(broken), "cpu")
    assert "KHULASA_SUMMARIZER" in str(error.value)


def test_a_hub_id_offline_fails_at_once_naming_the_model(monkeypatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(ModelUnavailable) as error:
        load_seq2seq("translator", "Helsinki-NLP/opus-mt-ar-en", "cpu")
    assert "Helsinki-NLP/opus-mt-ar-en" in str(error.value)


def test_other_models_still_load_when_one_is_missing(tiny_settings: Settings, seed: str) -> None:
    settings = replace(tiny_settings, translator="/nonexistent/translator")
    models = load_models(settings, strict=False)
    assert models.translator is None and models.recognizer is not None
    assert "/nonexistent/translator" in str(models.problems[0])
    analysis = analyze(seed, models, settings, Options(summary_tokens=16))
    assert analysis.entities and analysis.summary is not None


def test_device_auto_is_cpu_without_a_gpu() -> None:
    import torch

    assert loading.resolve_device("auto") == ("cuda" if torch.cuda.is_available() else "cpu")
    assert loading.resolve_device("cpu") == "cpu"


def test_an_edited_article_retranslates_only_the_changed_sentences(tiny_models) -> None:
    from models.translate import SentenceCache, Translator

    translator = Translator(tiny_models.translator.seq2seq, cache=SentenceCache(max_entries=100))
    first = ["وصل الوزير إلى أنقرة.", "وبحث الأزمة مع نظيره.", "ثم عاد إلى بلاده."]
    translator.translate(first)
    assert (translator.cache.hits, translator.cache.misses) == (0, 3)
    edited = [first[0], "وبحث الأزمة في كازاخستان مع نظيره.", first[2]]
    batches = list(translator.stream(edited))
    assert batches[0].keys() == {0, 2}
    assert sum(len(batch) for batch in batches[1:]) == 1
    assert (translator.cache.hits, translator.cache.misses) == (2, 4)


def test_the_sentence_cache_is_bounded() -> None:
    from models.translate import SentenceCache

    cache = SentenceCache(max_entries=2)
    for key in "abc":
        cache.put(key, key.upper())
    assert len(cache) == 2 and cache.get("a") is None and cache.get("c") == "C"


class _CountingEngine:
    """The real engine, recording how many tokens it generates for each text."""

    def __init__(self, model) -> None:
        self.model, self.lengths = model, []

    def __getattr__(self, name: str):
        return getattr(self.model, name)

    def generate(self, **kwargs):  # transformers: count the new tokens, the decoder's start token excluded
        output = self.model.generate(**kwargs)
        self.lengths += [output.sequences.shape[1] - 1] * output.sequences.shape[0]
        return output

    def translate_batch(self, *args, **kwargs):  # CTranslate2
        results = self.model.translate_batch(*args, **kwargs)
        self.lengths += [len(result.hypotheses[0]) for result in results]
        return results


def test_a_fixed_output_length_is_what_the_engine_generates(tiny_models, monkeypatch) -> None:
    from models.translate import Translator

    for seq2seq in (tiny_models.translator.seq2seq, tiny_models.summarizer.seq2seq):
        monkeypatch.setattr(seq2seq, "model", _CountingEngine(seq2seq.model))
    translator = Translator(tiny_models.translator.seq2seq, cache=None, fixed_new_tokens=24)
    translator.translate(["وصل الوزير إلى أنقرة.", "وبحث الأزمة مع نظيره القطري في اتصال هاتفي جرى بينهما."])
    tiny_models.summarizer.summarize("وصل الوزير إلى أنقرة.", fixed_new_tokens=16)
    assert tiny_models.translator.seq2seq.model.lengths == [24, 24]
    assert tiny_models.summarizer.seq2seq.model.lengths == [16]
