"""Language check: langdetect (seeded, so repeatable) plus the share of letters in Arabic script.

langdetect misreads short Arabic as Persian or Urdu, which share the script, so a text counts as Arabic when
langdetect says so, or when it says Persian/Urdu but the text is Arabic-script and has none of the letters
that only Persian or Urdu use.
"""

from __future__ import annotations

import unicodedata

from langdetect import DetectorFactory, detect_langs
from langdetect.lang_detect_exception import LangDetectException

from core.errors import InputError, NotArabic
from core.types import Language

DetectorFactory.seed = 0

MIXED_BELOW = 0.8
SAME_SCRIPT = {"fa": "Persian", "ur": "Urdu", "ps": "Pashto"}
# Letters of Persian/Urdu/Pashto that Arabic news copy does not use.
NON_ARABIC_LETTERS = set("پچژگکیٹڈڑںےھۓۀټځڅډړږښڼۍې")


def _is_arabic_script(char: str) -> bool:
    return "\u0600" <= char <= "\u06ff" or "\u0750" <= char <= "\u077f" or "\ufb50" <= char <= "\ufefc"


def detect_language(text: str) -> Language:
    """Detect the language of `text`; raises `InputError` when it has no letters at all."""
    letters = [c for c in text if unicodedata.category(c).startswith("L")]
    if not letters:
        raise InputError("The text has no letters (only digits, punctuation or symbols): paste an Arabic article.")
    share = sum(map(_is_arabic_script, letters)) / len(letters)
    try:
        best = detect_langs(text)[0]
        code, probability = best.lang, float(best.prob)
    except LangDetectException:
        code, probability = "unknown", 0.0
    own_letters = sum(c in NON_ARABIC_LETTERS for c in letters)
    if code in SAME_SCRIPT and share > 0.6 and own_letters <= len(letters) * 0.002:
        code = "ar"
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
