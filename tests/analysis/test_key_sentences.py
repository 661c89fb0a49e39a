"""Issue 23: key sentences, a summary that quotes. The ranking is checked against sumy's own LexRank, the pipeline
on the tiny models (the summary's English must be the sentences' translations, not a model's), and the fallback
when the summarizer is switched off or cannot be loaded."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from sumy.models.dom import ObjectDocumentModel, Paragraph
from sumy.models.dom import Sentence as SumySentence
from sumy.nlp.stemmers import Stemmer
from sumy.nlp.tokenizers import Tokenizer
from sumy.summarizers.lex_rank import LexRankSummarizer
from sumy.utils import get_stop_words

from analysis.key_sentences import key_sentence_count, key_sentences
from analysis.pipeline import Models, Options, analyze, load_models
from arabic.segment import segment
from arabic.text import strip_marks
from core.settings import Settings
from core.types import KEY_SENTENCES, Analysis
from documents.serialize import from_json, to_json
from models.translate import Translator

PUD = Path(__file__).resolve().parents[2] / "eval" / "data" / "ar_pud.txt"
KEY = Options(summary_kind=KEY_SENTENCES)


def sumy_lexrank(texts: list[str], count: int) -> tuple[int, ...]:
    """What sumy's own `LexRankSummarizer` picks from these sentences (diacritics removed), by position."""
    tokenizer = Tokenizer("arabic")
    sentences = [SumySentence(strip_marks(text)[0], tokenizer) for text in texts]
    summarizer = LexRankSummarizer(Stemmer("arabic"))
    summarizer.stop_words = get_stop_words("arabic")
    picked = summarizer(ObjectDocumentModel([Paragraph(sentences)]), count)
    return tuple(index for index, sentence in enumerate(sentences) if any(sentence is one for one in picked))


@pytest.fixture(scope="module")
def models(tiny_settings: Settings) -> Models:
    return load_models(tiny_settings)


@pytest.fixture(scope="module")
def long_article(seed: str) -> str:
    """The seed story three times, each copy numbered: 42 sentences."""
    return "\n".join(f"{paragraph} ({copy})" for copy in range(3) for paragraph in seed.splitlines() if paragraph)


def assert_quotes(analysis: Analysis) -> None:
    """The summary is key sentences: indices in article order, its Arabic their texts, its English their
    translations."""
    summary = analysis.summary
    assert summary.strategy == KEY_SENTENCES and summary.sentences
    assert list(summary.sentences) == sorted(set(summary.sentences))
    chosen = [analysis.sentences[index] for index in summary.sentences]
    assert summary.ar == " ".join(sentence.text.strip() for sentence in chosen)
    assert summary.en == " ".join(sentence.translation.strip() for sentence in chosen)
    assert all(sentence.text in analysis.text for sentence in chosen)


def test_the_seed_key_sentences_are_those_sumys_lexrank_picks(seed: str) -> None:
    sentences, _ = segment(seed)
    assert key_sentences(sentences) == sumy_lexrank([s.text for s in sentences], 3) == (0, 3, 6)


@pytest.mark.parametrize("first", [0, 120, 240, 360, 480])
def test_public_news_sentences_rank_as_sumy_ranks_them(first: int) -> None:
    """UD Arabic-PUD (news and wiki sentences): 40 lines at a time, five key sentences each."""
    lines = [line for line in PUD.read_text(encoding="utf-8").splitlines() if line.strip()][first:first + 40]
    sentences, _ = segment("\n".join(lines))
    assert key_sentences(sentences, 5) == sumy_lexrank([s.text for s in sentences], 5)


def test_diacritics_do_not_change_the_ranking(seed: str) -> None:
    """sumy's word pattern drops words with harakat: they are removed before ranking."""
    marked = seed.replace("وزير", "وَزِيرُ").replace("كازاخستان", "كَازَاخِسْتَان").replace("تركيا", "تُرْكِيَا")
    assert key_sentences(segment(marked)[0]) == key_sentences(segment(seed)[0])


@pytest.mark.parametrize(("sentences", "chosen", "count"),
                         [(14, None, 3), (15, None, 3), (42, None, 8), (100, None, 20), (2, None, 2), (14, 5, 5),
                          (14, 30, 14)])
def test_three_key_sentences_or_a_fifth_of_a_long_article_or_the_count_chosen(
    sentences: int, chosen: int | None, count: int
) -> None:
    assert key_sentence_count(sentences, chosen) == count


def test_a_line_without_words_is_never_a_key_sentence() -> None:
    sentences, _ = segment("أعلنت الحكومة خطة جديدة.\n* * *\nوقالت الحكومة إن الخطة تبدأ غدا.\nوأضافت الحكومة أن الخطة "
                           "تشمل المدن.\n---\nورحب السكان بالخطة.")
    assert all(any(char.isalnum() for char in sentences[index].text) for index in key_sentences(sentences))
    assert len(key_sentences(sentences)) == 3


def test_key_sentences_on_the_seed_quote_the_article_and_its_translations(
    models: Models, tiny_settings: Settings, seed: str
) -> None:
    analysis = analyze(seed, models, tiny_settings, KEY)
    assert_quotes(analysis)
    assert len(analysis.summary.sentences) == 3 and not analysis.partial
    assert "quoted verbatim" in analysis.summary.detail and "switched off" not in analysis.summary.detail


def test_key_sentences_of_a_long_article_are_a_fifth_of_it_or_the_count_asked(
    models: Models, tiny_settings: Settings, long_article: str
) -> None:
    analysis = analyze(long_article, models, tiny_settings, KEY)
    assert_quotes(analysis)
    assert len(analysis.summary.sentences) == round(len(analysis.sentences) / 5)
    asked = analyze(long_article, models, tiny_settings, replace(KEY, key_sentences=4))
    assert_quotes(asked)
    assert len(asked.summary.sentences) == 4


def test_the_english_of_key_sentences_costs_no_model_call(
    models: Models, tiny_settings: Settings, seed: str
) -> None:
    """Only the entity names go to the translator after the sentences: the summary is not translated again."""
    calls: list[list[str]] = []

    class Watched(Translator):
        def translate(self, texts):
            calls.append(list(texts))
            return super().translate(texts)

    watched = Watched(models.translator.seq2seq, batch_tokens=tiny_settings.batch_tokens, cache=None)
    analysis = analyze(seed, replace(models, translator=watched), tiny_settings, KEY)
    assert calls == [[group.canonical for group in analysis.groups]]


def test_switched_off_summarizer_gives_key_sentences_without_a_problem(tiny_env: dict[str, str], seed: str) -> None:
    """KHULASA_SUMMARIZER=none is a newsroom's choice (the default's licence), not a failure: not partial."""
    settings = Settings.from_env(tiny_env | {"KHULASA_SUMMARIZER": "none"})
    models = load_models(settings)
    assert models.summarizer is None and not models.problems
    analysis = analyze(seed, models, settings)
    assert_quotes(analysis)
    assert not analysis.problems and not analysis.partial
    assert "switched off (KHULASA_SUMMARIZER=none)" in analysis.summary.detail


def test_an_unloadable_summarizer_falls_back_to_key_sentences_and_says_so(
    tiny_settings: Settings, tmp_path: Path, seed: str
) -> None:
    """The summarizer's stage failed (partial), but the desk still has a summary, and says why it quotes."""
    settings = replace(tiny_settings, summarizer=str(tmp_path / "no-such-model"))
    models = load_models(settings, strict=False)
    assert models.summarizer is None and models.problems
    analysis = analyze(seed, models, settings)
    assert_quotes(analysis)
    assert analysis.partial
    assert [problem.stage for problem in analysis.problems] == ["summary"]
    assert str(analysis.problems[0]).endswith("Key sentences are shown instead.")
    assert "could not be loaded" in analysis.summary.detail


def test_key_sentences_survive_the_json_round_trip(models: Models, tiny_settings: Settings, seed: str) -> None:
    analysis = analyze(seed, models, tiny_settings, KEY)
    data = json.loads(json.dumps(to_json(analysis), ensure_ascii=False))
    assert data["summary"]["strategy"] == "key_sentences"
    assert data["summary"]["sentences"] == list(analysis.summary.sentences)
    assert from_json(data, seed).summary == analysis.summary


def test_a_summary_saved_before_key_sentences_reads_back_with_none() -> None:
    data = {"ar": "ملخص", "en": "summary", "strategy": "single", "detail": "the whole article"}
    analysis_json = {"language": {"code": "ar", "probability": 1.0}, "paragraphs": [], "sentences": [],
                     "summary": data, "entities": [], "groups": [],
                     "models": {"translator": "t", "summarizer": "s", "ner": "n", "engine": "e"}, "timings_ms": {}}
    assert from_json(analysis_json, "").summary.sentences == ()
