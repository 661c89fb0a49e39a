"""Page benchmark: how long the results take to draw after "Done", in a real Chromium, for articles of every size.

    KHULASA_TEST_TINY_MODELS=/work/tiny .venv/bin/python bench/page.py [--cases seed,4x,20x,figures] [--repeats 3]
                                                                       [--timeout 120]

Runs the app on the tiny test models (from `KHULASA_TEST_TINY_MODELS`, else built into a temporary folder) with a
history of its own, and for each case pastes the article into a fresh browser session, presses Analyse and
measures from the "Done in …" line to the "Download Markdown" button, the last thing the results draw. Cases: the
seed story, 4 and 20 copies of it, and `figures`: the seed's paragraphs each followed by a sentence of twelve
figures, up to 95,000 characters (the tiny translator drops figures, so it makes thousands of findings). The models
are what the analysis spends its time on, not what this measures: tiny ones keep the run short. Prints one line per
case (the median of `--repeats` runs, each in a new session, then every run); nothing is written.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.browser import (  # noqa: E402
    DOWNLOAD_BUTTON,
    FORCE_BUTTON,
    chromium,
    open_session,
    playwright_api,
    streamlit_server,
    submit,
)
from tests.seed import seed_text  # noqa: E402
from tests.tiny_models import build_all  # noqa: E402

FIGURES_LIMIT = 95_000
DONE = "[data-testid=stExpander]:has-text('Done in')"
DONE_IN = re.compile(r"Done in [\d.]+ s")
OPEN_FINDINGS = re.compile(r"(\d+) of (\d+) findings? still open")


def articles() -> dict[str, str]:
    seed = seed_text()
    return {"seed": seed, "4x": "\n\n".join([seed] * 4), "20x": "\n\n".join([seed] * 20), "figures": figures(seed)}


def figures(seed: str) -> str:
    """The seed's paragraphs, each followed by a sentence of twelve figures, repeated up to `FIGURES_LIMIT`."""
    paragraphs, count = [], 0
    while True:
        for paragraph in seed.split("\n"):
            listed = " و".join(str(1000 + 7 * (count + offset)) for offset in range(12))
            paragraph = f"{paragraph} وسجلت الإحصاءات {listed} حالة."
            if len("\n".join([*paragraphs, paragraph])) > FIGURES_LIMIT:
                return "\n".join(paragraphs)
            paragraphs.append(paragraph)
            count += 12


def measure(browser: playwright_api.Browser, url: str, article: str, timeout_s: float) -> dict[str, object]:
    """Analyse `article` in a fresh session: seconds from "Done" to the download button, and what the box says."""
    with open_session(browser, url) as session:
        page = session.page
        submit(page, article)
        page.locator(f".khulasa-entities, {FORCE_BUTTON}, {DONE}").first.wait_for(timeout=timeout_s * 1000)
        if page.locator(FORCE_BUTTON).count():
            page.locator(FORCE_BUTTON).click()
        page.locator(DONE).first.wait_for(timeout=timeout_s * 1000)
        done = time.monotonic()
        reported = DONE_IN.search(page.locator(DONE).first.inner_text())
        try:
            page.locator(DOWNLOAD_BUTTON).first.wait_for(timeout=timeout_s * 1000)
            ready: float | None = time.monotonic() - done
        except Exception:  # noqa: BLE001 - Playwright's TimeoutError: report it as "not within the timeout"
            ready = None
        box = page.locator(".st-key-checks-box")
        found = OPEN_FINDINGS.search(box.inner_text()) if box.count() else None
        return {"chars": len(article), "done": reported.group() if reported else "Done", "ready": ready,
                "findings": int(found.group(2)) if found else 0}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", default="seed,4x,20x,figures")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds to wait for each step")
    args = parser.parse_args()
    cases = articles()
    with tempfile.TemporaryDirectory() as work:
        models = os.environ.get("KHULASA_TEST_TINY_MODELS") or str(Path(work) / "tiny")
        if not os.environ.get("KHULASA_TEST_TINY_MODELS"):
            build_all(Path(models))
        env = {**os.environ, "KHULASA_TRANSLATOR": f"{models}/marian", "KHULASA_SUMMARIZER": f"{models}/mt5",
               "KHULASA_NER": f"{models}/ner", "KHULASA_DEVICE": "cpu", "HF_HUB_OFFLINE": "1",
               "KHULASA_CT2_DIR": str(Path(work) / "ct2"), "KHULASA_DB": str(Path(work) / "history.sqlite3")}
        with streamlit_server(env, Path(work) / "streamlit.log") as server, chromium() as browser:
            measure(browser, server.url, "\n".join(seed_text().split("\n")[:2]), args.timeout)  # loads the models
            for name in args.cases.split(","):
                results = [measure(browser, server.url, cases[name], args.timeout) for _ in range(args.repeats)]
                print(f"{name:8} {results[0]['chars']:7,} chars  {results[0]['findings']:5,} findings  "
                      f"Done → Download {seconds(statistics.median(seconds_of(results)), args.timeout)} (median; "
                      f"runs: {', '.join(seconds(value, args.timeout) for value in seconds_of(results))}; "
                      f"{', '.join(str(result['done']) for result in results)})", flush=True)


def seconds_of(results: list[dict[str, object]]) -> list[float]:
    """Done → Download of each run; a run whose button never came counts as infinite."""
    return [float("inf") if result["ready"] is None else float(result["ready"]) for result in results]


def seconds(value: float, timeout: float) -> str:
    return f"{value:.1f} s" if value != float("inf") else f"none in {timeout:.0f} s"


if __name__ == "__main__":
    main()
