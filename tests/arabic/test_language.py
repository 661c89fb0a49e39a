"""Specifications for `arabic.language`: Arabic in every dialect accepted, its neighbours in the script named."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from arabic.language import describe, detect_language, require_arabic
from arabic.text import PASHTO
from core.errors import NotArabic

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("text", [
    "زه د کابل په پوهنتون کې زده کړه کوم.",
    "ښوونځی ته ځم.",
    "هغه وویل چې ټول خلک به راشي.",
    "موږ ډېر خوشحاله یو.",
])
def test_pashto_is_named_pashto(text: str) -> None:
    language = detect_language(text)
    assert language.code == "ps"
    with pytest.raises(NotArabic, match="Pashto"):
        require_arabic(language)


@pytest.mark.parametrize("text", [
    "من دەچم بۆ بازاڕ و نان دەکڕم.",
    "ئەمڕۆ هەوا زۆر خۆشە.",
    "سەرۆکی حکومەت گوتی کە کارەکان بەردەوام دەبن.",
    "کوڕەکە لە قوتابخانە گەڕایەوە.",
])
def test_sorani_kurdish_is_named_kurdish(text: str) -> None:
    language = detect_language(text)
    assert language.code == "ckb"
    assert "Kurdish" in describe(language)


@pytest.mark.parametrize(("text", "code"), [
    ("دیروز با دوستم به سینما رفتیم.", "fa"),
    ("این کتاب را خواندم.", "fa"),
    ("او گفت که می آید.", "fa"),
    ("من به خانه رفتم.", "fa"),
    ("آج موسم بہت اچھا ہے۔", "ur"),
    ("وہ کل لاہور جائیں گے۔", "ur"),
])
def test_persian_and_urdu_sentences_are_refused_even_short(text: str, code: str) -> None:
    assert detect_language(text).code == code


@pytest.mark.parametrize("text", [
    "انا مش عارف هعمل ايه النهارده",  # Egyptian
    "شو عم تعمل هلق",  # Levantine, no letter that only Arabic uses
    "شلونك؟ وش تسوي اليوم",  # Gulf
    "گالوا الجماعة راح يجون باچر",  # Iraqi, with gaf and che
    "واش نتا مزيان؟ بغيت نمشي للدار",  # Maghrebi
    "الحمد لله",
    "قال الوزير إن الاجتماع كان مثمرا.",
    "زار الوفد السليمانية وهولێر أمس.",  # one Kurdish spelling inside Arabic news
    "@news_room_24 @AhmedK #BreakingNews https://t.co/x1 وصل الوفد",  # handles and links are not prose
    "ماعليھ ولا يھمك",  # a Gulf tweet writing ha as Urdu's `ھ`
])
def test_arabic_in_every_dialect_is_accepted(text: str) -> None:
    assert detect_language(text).code == "ar"


@pytest.mark.parametrize("text", [
    "دا زما د پلار کور دی او هغه هلته اوسي.",
    "دا کتاب زما دی او هغه کتاب ستا دی.",
])
def test_pashto_without_any_letter_of_its_own_is_named_by_the_ngram_model(text: str) -> None:
    assert not PASHTO & set(text)
    assert detect_language(text).code == "ps"


@pytest.mark.parametrize("text", [
    "ههههههههههههه والله ما عرفت",  # laughter is read as two letters, not as a run of Persian-looking `هه`
    "أعلنت وزارة الصحة أن ڤيروس الإنفلونزا ما زال ينتشر.",  # `ڤ` for a "v" is Arabic too, not only Kurdish
    "عرض الفيلم من إخراج روبرت دوڤال وبطولة ڤيولا ديفيس أمس.",
    "شلونك حبيبي؟ شكو ماكو",
    "إزيك يا باشا، عامل إيه النهارده؟",
])
def test_arabic_that_looks_like_a_neighbour_at_first_sight_stays_arabic(text: str) -> None:
    assert detect_language(text).code == "ar"


def test_a_persian_sentence_in_an_arabic_article_does_not_rename_it() -> None:
    text = ("قال المتحدث إن الوفد الإيراني قدم مقترحا جديدا، ونقلت الوكالة عنه قوله: «مذاکرات ادامه دارد»، "
            "وأضاف أن الجولة المقبلة ستعقد في مسقط بعد أسبوعين بحضور ممثلين عن الأطراف كافة.")
    assert detect_language(text).code == "ar"


def test_a_kurdish_name_quoted_in_an_arabic_article_does_not_rename_it() -> None:
    text = "أعلن المتحدث باسم الحكومة أن وفدا سيزور مدينة هەولێر الأسبوع المقبل لبحث ملف المياه والكهرباء."
    assert detect_language(text).code == "ar"


def test_the_language_check_is_safe_when_sessions_start_at_once() -> None:
    """A fresh process, 32 threads released together: every one gets a complete detector and the same answer."""
    script = textwrap.dedent("""
        import threading
        from arabic.language import detect_language
        texts = ["The minister met his counterpart in Ankara to discuss the crisis.",
                 "قال الوزير إن الاجتماع كان مثمرا وإن الطرفين اتفقا على مواصلة الحوار."]
        barrier = threading.Barrier(32)
        found = []
        def check(i):
            barrier.wait()
            found.append((i % 2, detect_language(texts[i % 2]).code))
        threads = [threading.Thread(target=check, args=(i,)) for i in range(32)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        print(sorted(set(found)))
    """)
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[(0, 'en'), (1, 'ar')]"
