"""Journalists paste anything: bad input gets a clear reason, odd but valid text loses nothing."""

from __future__ import annotations

import json
import re
import resource
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis.pipeline import Options, analyze, check_input, check_language
from arabic.language import describe, detect_language, is_mixed
from components.highlight import render_entities
from core.errors import InputError, NotArabic
from core.settings import Settings
from tests.components.test_highlight import text_content
from tests.test_cli import SEED, run_cli

ARABIC_WORDS = SEED.read_text(encoding="utf-8").split()


def assert_invariants(text: str, analysis) -> None:
    """The core's promises: nothing lost, offsets exact, every sentence translated, highlight == input."""
    cursor = 0
    for sentence in analysis.sentences:
        assert text[sentence.start:sentence.end] == sentence.text
        assert not text[cursor:sentence.start].strip(), "a non-space character fell between sentences"
        assert sentence.translation.strip()
        cursor = sentence.end
    assert not text[cursor:].strip()
    for previous, entity in zip(analysis.entities, analysis.entities[1:]):
        assert previous.end <= entity.start
    for entity in analysis.entities:
        assert text[entity.start:entity.end] == entity.text
    assert text_content(render_entities(text, analysis.entities)) == text


# --- language and input checks -------------------------------------------------------------------------------

@pytest.mark.parametrize("text", ["", "   ", "\n\r\n\t", "\u200b\u200f "])
def test_empty_or_invisible_text_is_refused(text: str) -> None:
    with pytest.raises(InputError, match="empty"):
        check_input(text, Settings())


@pytest.mark.parametrize("text", ["12345", "!!! ???", "١٢٣٤ — ٥٦٧", "2026-11-29 10:30"])
def test_text_without_letters_is_refused_with_a_reason(text: str) -> None:
    with pytest.raises(InputError, match="no letters"):
        check_language(text)


@pytest.mark.parametrize(("text", "says"), [
    ("The minister met his counterpart in Ankara on Sunday to discuss the crisis in Kazakhstan.", "not look like"),
    ("Le ministre a rencontré son homologue à Ankara dimanche pour discuter de la crise.", "not look like"),
    ("این یک متن فارسی است که وزیر امور خارجه درباره آن صحبت کرد", "Persian"),
    ("یہ ایک اردو جملہ ہے جو پاکستان میں بولا جاتا ہے اور وزیر نے کہا", "Urdu"),
])
def test_non_arabic_text_is_named_and_refused_unless_forced(text: str, says: str) -> None:
    with pytest.raises(NotArabic, match=says):
        check_language(text)
    assert check_language(text, force=True).code != "ar"


def test_persian_and_urdu_messages_say_they_share_the_script() -> None:
    assert "shares the Arabic script" in describe(detect_language("این یک متن فارسی است که وزیر درباره آن صحبت کرد"))


def test_mostly_arabic_text_with_english_is_analysed_but_flagged_as_mixed() -> None:
    text = ("قال وزير الخارجية التركي إن بلاده تتابع عن كثب تطورات الأحداث في كازاخستان "
            "وأضاف: the situation is under control")
    language = check_language(text)
    assert language.code == "ar" and is_mixed(language)
    assert "another script" in describe(language)


def test_english_dominated_mix_is_called_a_mix() -> None:
    language = detect_language("The minister said في كازاخستان that the crisis would end soon, the agency reported.")
    assert language.code != "ar" and "mixes languages" in describe(language)


def test_over_the_size_limit_says_limit_and_size() -> None:
    limit = Settings().max_chars
    with pytest.raises(InputError, match=f"{limit + 1:,}.*{limit:,}"):
        check_input("ب" * (limit + 1), Settings())


# --- odd but valid Arabic keeps every character ---------------------------------------------------------------

ODD_TEXTS = {
    "diacritics": "ذَهَبَ الوَزِيرُ إِلَى أَنْقَرَةَ. وَقَالَ إِنَّ الأَزْمَةَ فِي كَازَاخِسْتَانَ انْتَهَتْ.",
    "tatweel": "أعلـــنت وزارة الصحـــة مقتل ١٦٤ شخصا في كازاخستـــان.",
    "arabic-indic digits": "اعتقلت السلطات نحو ٦٠٠٠ شخص منذ عام ١٩٩١، وأصيب ٢٢٠٠ آخرون.",
    "zero-width and bidi": "قال\u200c الوزير\u200f إن \u202bتركيا\u202c ستدعم\u2066 كازاخستان\u2069.",
    "emoji": "وصل الرئيس 🇹🇷 إلى أنقرة 🙂 وقال إن الوضع مستقر 👍.",
    "windows line endings": "بحث الوزير الأزمة مع نظيره.\r\nوأكد دعم بلاده لكازاخستان.\r\n\r\nوانتهى الاجتماع.",
}


@pytest.mark.parametrize("name", sorted(ODD_TEXTS))
def test_odd_but_valid_arabic_loses_nothing(name: str, tiny_models, tiny_settings) -> None:
    text = ODD_TEXTS[name]
    assert_invariants(text, analyze(text, tiny_models, tiny_settings, Options(summary_tokens=16, force=True)))


def test_a_5000_word_paragraph_without_punctuation_is_cut_to_the_window(tiny_models, tiny_settings) -> None:
    words = [re.sub(r"[^\w]", "", word) for word in ARABIC_WORDS]
    text = " ".join(word for word in (words * 15)[:5000] if word)
    analysis = analyze(text, tiny_models, tiny_settings, Options(summary_tokens=16))
    translator = tiny_models.translator
    assert len(analysis.sentences) > 5
    assert all(translator.count_tokens(sentence.text) <= translator.window for sentence in analysis.sentences)
    assert analysis.summary.strategy == "sections"
    assert_invariants(text, analysis)


# --- property-based: generated Arabic and mixed texts ---------------------------------------------------------

PIECES = st.sampled_from(ARABIC_WORDS + ["،", ".", "؟", "!", "؛", "\n", "\n\n", "«", "»", "1991", "٦٠٠٠",
                                         "Ankara", "<b>", "&amp;", "\u200f", "ـ", "\r\n"])


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow])
@given(pieces=st.lists(PIECES, min_size=1, max_size=60))
def test_generated_texts_keep_every_invariant(pieces: list[str], tiny_models, tiny_settings) -> None:
    text = " ".join(pieces)
    if not any(char.isalpha() for char in text):
        return
    assert_invariants(text, analyze(text, tiny_models, tiny_settings, Options(summary_tokens=8, force=True)))


# --- the CLI on broken files ----------------------------------------------------------------------------------

@pytest.mark.parametrize(("content", "code"), [
    (b"\xed\xa0\x80\xd8\xa8", 2),             # a lone surrogate encoded in a file: not valid UTF-8
    (b"\xc3\x28 \xd8\xa8\xd8\xa7", 2),        # invalid UTF-8 sequence
    (b"Only English here, nothing else.", 3),
    ("این یک متن فارسی است که وزیر درباره آن صحبت کرد".encode(), 3),
])
def test_cli_refuses_broken_or_foreign_files_with_one_line(tmp_path: Path, content: bytes, code: int) -> None:
    path = tmp_path / "article.txt"
    path.write_bytes(content)
    result = run_cli("analyze", str(path))
    assert result.returncode == code
    assert result.stderr.decode().count("\n") == 1 and "Traceback" not in result.stderr.decode()


def test_cli_reads_a_utf8_file_with_bom_and_crlf(tmp_path: Path, tiny_env) -> None:
    path = tmp_path / "article.txt"
    text = ODD_TEXTS["windows line endings"]
    path.write_bytes(b"\xef\xbb\xbf" + text.encode())
    result = run_cli("analyze", str(path), env=tiny_env)
    assert result.returncode == 0, result.stderr.decode()
    sentences = json.loads(result.stdout)["sentences"]
    assert all(text[s["start"]:s["end"]] == s["text"] for s in sentences)


def test_a_100000_character_article_completes_with_bounded_memory(tmp_path: Path, tiny_env) -> None:
    seed = SEED.read_text(encoding="utf-8")
    text = (seed * (100_000 // len(seed) + 1))[:100_000]
    path = tmp_path / "long.txt"
    path.write_text(text, encoding="utf-8")
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    result = subprocess.run([sys.executable, "cli.py", "analyze", str(path), "--out", str(tmp_path / "out.json")],
                            env={**tiny_env, "PATH": "/usr/bin:/bin"}, capture_output=True,
                            cwd=SEED.parents[2], timeout=600)
    peak_mb = max(before, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024
    print(f"peak RSS for a 100,000-character article: {peak_mb:.0f} MB")
    assert result.returncode == 0, result.stderr.decode()
    analysis = json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))
    assert analysis["sentences"][-1]["end"] == len(text.rstrip())
    assert peak_mb < 2048
