"""A line with no letters or digits (a separator, invisible marks) goes to no model: it is its own translation."""

from __future__ import annotations

from dataclasses import replace

from analysis.pipeline import Models, analyze, load_models
from core.settings import Settings
from models.translate import Translator
from tests.stand_ins import EngineStandIn


def test_separator_and_invisible_lines_are_never_sent_to_the_translator(tiny_settings: Settings) -> None:
    models = load_models(replace(tiny_settings, engine="transformers"))
    sent: list[str] = []

    class Recording(EngineStandIn):  # the real tiny translator underneath; the shared model is left untouched
        def generate_scored(self, texts, settings):
            sent.extend(texts)
            return super().generate_scored(texts, settings)

    translator = Translator(Recording(models.translator.seq2seq), cache=None)
    text = "قال الوزير إن الاجتماع انتهى.\n***\n\u200f\u200e\nوبدأ المؤتمر بعد ساعة."
    analysis = analyze(text, Models(models.names, translator), tiny_settings)
    by_text = {sentence.text: sentence.translation for sentence in analysis.sentences}
    assert by_text["***"] == "***" and by_text["\u200f\u200e"] == "\u200f\u200e"
    assert sorted(sent) == sorted(["قال الوزير إن الاجتماع انتهى.", "وبدأ المؤتمر بعد ساعة."])
    words = [sentence.text for sentence in analysis.sentences if sentence.text not in {"***", "\u200f\u200e"}]
    assert [by_text[sentence] for sentence in words] == models.translator.translate(words)
