"""Language check: which language an article is in, told apart by its letters, then an n-gram model, then langdetect.

Persian, Urdu, Pashto and Sorani Kurdish share the Arabic script, and langdetect (which knows no Pashto or
Kurdish) misreads short Arabic as Persian or Urdu. So text that is mostly Arabic script is named by the letters
each language alone uses (`arabic.text`: Sorani `ڕ ڵ ێ ۆ ە`, Pashto `ټ ډ ړ ږ ښ ګ ڼ`, Urdu `ٹ ڈ ڑ ں ے`) when
enough of its words carry them, and otherwise by the character n-gram model of `arabic.ngrams`, which must find
Persian, Urdu or Pashto clearly likelier than Arabic to name it; other text goes to langdetect. The detector and
the profile are built once, under a lock, so sessions that start at the same time all get complete ones.
"""

from __future__ import annotations

import math
import re
import threading
import unicodedata

from langdetect.detector_factory import PROFILES_DIRECTORY, DetectorFactory
from langdetect.lang_detect_exception import LangDetectException

from arabic.ngrams import profile, words_of
from arabic.text import PASHTO, SORANI, URDU, is_arabic_letter
from core.errors import InputError, NotArabic
from core.types import Language

MIXED_BELOW = 0.8
SAME_SCRIPT = {"fa": "Persian", "ur": "Urdu", "ps": "Pashto", "ckb": "Kurdish (Sorani)"}
# Words written with a language's own letters must make up this share of the words (and be at least two in a text
# of more than four words), so one Kurdish or Pashto name quoted in an Arabic article does not rename it.
OWN_WORDS_SHARE = 0.15
_OWN = {"ckb": SORANI, "ps": PASHTO, "ur": URDU}
# How much likelier (natural log) the n-gram model must find a neighbouring language than Arabic to name it: an
# Arabic article wrongly refused costs more than a Persian sentence let through. Chosen on held-out text of
# corpora that the evaluation does not read (`arabic/profiles/README.md`).
ARABIC_MARGIN = 30.0
# A single word is too little for the n-gram model to tell neighbours apart (`مادارش` is Maghrebi Arabic, and
# reads as Persian to it): only its letters can rename it.
MODEL_MIN_WORDS = 2
# Handles, hashtags, links and addresses say nothing about the language of the text around them.
_NOT_PROSE = re.compile(r"[@#]\w+|https?://\S+|www\.\S+|\S+@\S+")

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
    """The language of text written mostly in Arabic script, with how clearly it was told.

    Letters that only Sorani, Pashto or Urdu uses settle it when enough words carry them; otherwise the n-gram
    model weighs Arabic against Persian, Urdu and Pashto, and names another language only by a clear margin.
    """
    words = words_of(text)
    if not words:
        return "ar", 0.0
    own = {code: sum(not alphabet.isdisjoint(word) for word in words) for code, alphabet in _OWN.items()}
    code = max(own, key=own.__getitem__)
    if own[code] >= max(1 if len(words) <= 4 else 2, OWN_WORDS_SHARE * len(words)):
        return code, own[code] / len(words)
    if len(words) < MODEL_MIN_WORDS:
        return "ar", 0.5
    scores = profile().scores(words)
    rival = max((code for code in scores if code != "ar"), key=scores.__getitem__)
    margin = scores[rival] - scores["ar"]
    if margin > ARABIC_MARGIN:
        return rival, 1 / (1 + math.exp(-margin))
    return "ar", 1 / (1 + math.exp(margin))


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
