"""The download panel through AppTest: it shows what the process-wide board says, and nothing when idle."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from models.progress import BOARD, MB


def _page() -> None:
    from components.downloads import downloads_panel

    downloads_panel(key="downloads")


def test_the_panel_shows_each_model_being_prepared_and_nothing_when_idle() -> None:
    BOARD.clear()
    try:
        assert not AppTest.from_function(_page).run().get("progress")
        BOARD.start("summarizer", "csebuetnlp/mT5_multilingual_XLSum", "download", files_total=4,
                    bytes_total=2330 * MB)
        BOARD.update("summarizer", file="pytorch_model.bin", files_done=3, add_bytes=1165 * MB)
        BOARD.start("translator", "Helsinki-NLP/opus-mt-ar-en", "convert", note="CTranslate2 int8")
        at = AppTest.from_function(_page).run()
        bars = at.get("progress")
        assert [bar.value for bar in bars] == [50, 0]
        texts = [bar.proto.text.replace("\\", "") for bar in bars]  # as shown: the Markdown escapes removed
        assert "pytorch_model.bin (4 of 4 files)" in texts[0] and "1,165.0 of 2,330.0 MB" in texts[0]
        assert texts[1].startswith("Converting Helsinki-NLP/opus-mt-ar-en to CTranslate2 int8 (once)")
        BOARD.finish("summarizer")
        BOARD.finish("translator")
        assert not AppTest.from_function(_page).run().get("progress")
    finally:
        BOARD.clear()
