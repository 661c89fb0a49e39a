"""Language check: which language an article is in, told apart by its letters first and by langdetect second.

Persian, Urdu, Pashto and Sorani Kurdish share the Arabic script, and langdetect (which knows no Pashto or
Kurdish) misreads short Arabic as Persian or Urdu. So text that is mostly Arabic script is named by the letters
each language alone uses (`arabic.text`): Sorani `ڕ ڵ ێ ۆ ە`, Pashto `ټ ډ ړ ږ ښ ګ ڼ`, Urdu `ٹ ڈ ڑ ں ے`, then
Persian `پ چ ژ گ ک ی` against Arabic `ة ى ي ك`; other text goes to langdetect. The detector is built once,
under a lock, so sessions that start at the same time all get a complete one.
"""

from __future__ import annotations

import re
import threading
import unicodedata

from langdetect.detector_factory import PROFILES_DIRECTORY, DetectorFactory
from langdetect.lang_detect_exception import LangDetectException

from arabic.text import ARABIC_ONLY, IGNORABLE, PASHTO, PERSIAN, SORANI, URDU, ZWNJ, fold, is_arabic_letter
from core.errors import InputError, NotArabic
from core.types import Language

MIXED_BELOW = 0.8
SAME_SCRIPT = {"fa": "Persian", "ur": "Urdu", "ps": "Pashto", "ckb": "Kurdish (Sorani)"}
# Words written with a language's own letters, or its own little words, must make up this share of the words
# (and be at least two in a text of more than four words), so one Kurdish or Pashto name quoted in an Arabic
# article does not rename it.
OWN_WORDS_SHARE = 0.15
_OWN = {"ckb": SORANI, "ps": PASHTO, "ur": URDU}
# Little words that only one of the neighbouring languages uses (none is an Arabic word, in any dialect), folded.
_OWN_WORDS = {
    "ps": "د په پۀ ته دی دئ هغه هغوی دوی لپاره زه موږ تاسو وايي کړی شوی نۀ کوم خپل دغه یو ستا زما مونږ",
    "ur": "ہے ہیں کے کی سے نے کو میں اور یہ وہ تھا تھی گیا بہت اچھا ہو جو پر لیے کیا گے",
    "ckb": "",
}
_OWN_WORDS_FOLDED = {code: frozenset(fold(word) for word in words.split()) for code, words in _OWN_WORDS.items()}
_PERSIAN_WORDS = frozenset(fold(word) for word in (
    "است را این آن که از می های برای شد شدم شده شدند بود بودم بودند هستم هست نیست کرد کردم کرده کند کنم دارد "
    "دارم باید خیلی چه چرا کجا آنها شما با در نه تا اگر ولی خود همه چیزی بله هنوز مرا خانه خواهم دوست ندارم نشان"
).split())
# Not `من`: Persian writes it for "I".
_ARABIC_WORDS = frozenset(fold(word) for word in "في على إلى أن التي الذي هذا هذه قال كان عن مع".split())
# Handles, hashtags, links and addresses say nothing about the language of the text around them.
_NOT_PROSE = re.compile(r"[@#]\w+|https?://\S+|www\.\S+|\S+@\S+")
_WORD = re.compile(r"[^\W\d_]+")

_lock = threading.Lock()
_factory: DetectorFactory | None = None


def _detector_factory() -> DetectorFactory:
    """langdetect's profiles, loaded once: its own lazy global is not safe when two threads start together."""
    global _factory
    with _lock:
        if _factory is None:
            factory = DetectorFactory()
            factory.load_profile(PROFILES_DIRECTORY)
            factory.set_seed(0)
            _factory = factory
        return _factory


def _langdetect(text: str) -> tuple[str, float]:
    """langdetect's best guess (seeded, so repeatable), or `("unknown", 0.0)`."""
    detector = _detector_factory().create()
    detector.append(text)
    try:
        best = detector.get_probabilities()[0]
    except (LangDetectException, IndexError):
        return "unknown", 0.0
    return best.lang, float(best.prob)


def _arabic_script_language(text: str) -> tuple[str, float]:
    """The language of text written mostly in Arabic script, with the share of its telling words or letters."""
    written = _WORD.findall(IGNORABLE.sub("", text))
    words = [fold(word) for word in written]
    if not words:
        return "ar", 0.0
    own = {
        code: sum(folded in _OWN_WORDS_FOLDED[code] or any(char in alphabet for char in word)
                  for word, folded in zip(written, words))
        for code, alphabet in _OWN.items()
    }
    code = max(own, key=own.__getitem__)
    if own[code] >= max(1 if len(words) <= 4 else 2, OWN_WORDS_SHARE * len(words)):
        return code, own[code] / len(words)
    letters = "".join(written)
    persian = sum(char in PERSIAN for char in letters) + text.count(ZWNJ) + sum(w in _PERSIAN_WORDS for w in words)
    arabic = sum(char in ARABIC_ONLY for char in letters) + sum(
        word in _ARABIC_WORDS or (word.startswith("ال") and len(word) > 3) for word in words
    )
    if persian > arabic:
        return "fa", persian / (persian + arabic)
    return "ar", arabic / (persian + arabic) if arabic else 1.0


def detect_language(text: str) -> Language:
    """Detect the language of `text`; raises `InputError` when it has no letters at all."""
    letters = [char for char in text if unicodedata.category(char).startswith("L")]
    if not letters:
        raise InputError("The text has no letters (only digits, punctuation or symbols): paste an Arabic article.")
    prose = [char for char in _NOT_PROSE.sub(" ", text) if unicodedata.category(char).startswith("L")] or letters
    share = sum(map(is_arabic_letter, prose)) / len(prose)
    code, probability = _arabic_script_language(text) if share >= 0.5 else _langdetect(text)
    return Language(code=code, probability=round(probability, 4), arabic_share=round(share, 4))


def describe(language: Language) -> str:
    """One sentence for the user about a non-Arabic result."""
    if language.code in SAME_SCRIPT:
        return (f"This looks like {SAME_SCRIPT[language.code]}, not Arabic: it shares the Arabic script, but the "
                "models here are trained on Arabic, so results would be unreliable.")
    if is_mixed(language):
        return (f"The text is mostly Arabic but {1 - language.arabic_share:.0%} of its letters are in another "
                "script: passages in other languages are translated as if they were Arabic.")
    if language.code == "ar":
        return "The text is Arabic."
    share = f"{language.arabic_share:.0%}"
    if language.arabic_share >= 0.1:
        return (f"This text mixes languages: only {share} of its letters are Arabic script and most of it reads as "
                f"'{language.code}'. Khulasa summarises and translates Arabic articles.")
    return (f"This does not look like Arabic (detected '{language.code}', {share} of its letters are Arabic "
            "script). Khulasa summarises and translates Arabic articles.")


def is_mixed(language: Language) -> bool:
    """Arabic overall, but with a sizeable share of letters in another script (e.g. English quotes)."""
    return language.code == "ar" and language.arabic_share < MIXED_BELOW


def require_arabic(language: Language) -> None:
    """Raise `NotArabic` unless the detected language is Arabic."""
    if language.code != "ar":
        raise NotArabic(describe(language))
