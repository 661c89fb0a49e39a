"""The first real run, against a local server imitating the Hub (`tests/local_hub.py`) with an empty cache:
only the files each model needs are downloaded, with progress; a second run asks the Hub nothing; an HTTPS
proxy is used; a connection dropped midway is resumed, saying so."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import pytest

from core.settings import DEFAULT_SUMMARIZER, DEFAULT_TRANSLATOR
from tests.local_hub import COMMITS, DECOYS, ROLES, LocalHub, default_repos, make_certificate
from tests.local_hub import new_user_env as hub_env

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "tests" / "data" / "seed.txt"


def cli(*args: str, env: dict[str, str], stdin: bytes | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "cli.py"), *args], capture_output=True, env=env, cwd=ROOT,
                          input=stdin, timeout=600)


@pytest.fixture(scope="module")
def first_run(tiny_model_dirs: dict[str, Path], tmp_path_factory: pytest.TempPathFactory):
    """`cli.py models download` on an empty cache, then the server, still running, and the environment."""
    folder = tmp_path_factory.mktemp("first-run")
    with LocalHub(default_repos(tiny_model_dirs)) as hub:
        env = hub_env(folder, hub.url)
        result = cli("models", "download", env=env)
        assert result.returncode == 0, result.stderr.decode()
        yield hub, env, result, list(hub.downloads())


def test_the_first_run_downloads_only_the_files_each_model_needs(first_run, tiny_model_dirs) -> None:
    _, _, _, downloads = first_run
    expected = sorted(f"{repo_id}/{path.name}" for repo_id, role in ROLES.items()
                      for path in tiny_model_dirs[role].iterdir())
    assert sorted(downloads) == expected  # each needed file once; no decoy (tf_model.h5, rust_model.ot, ...)
    assert not any(name.endswith(tuple(DECOYS)) for name in downloads)


def test_download_progress_is_shown_on_stderr(first_run) -> None:
    _, _, result, _ = first_run
    stderr = result.stderr.decode()
    assert f"Downloading {DEFAULT_TRANSLATOR}: pytorch_model.bin" in stderr
    assert " MB" in stderr and f"Converting {DEFAULT_SUMMARIZER} to CTranslate2 int8 (once)" in stderr
    assert result.stdout.decode().count("cached, revision") == 3


def test_status_lists_each_model_with_revision_size_and_converted_copies(first_run) -> None:
    hub, env, _, _ = first_run
    result = cli("models", "status", env=env)
    assert result.returncode == 0, result.stderr.decode()
    lines = result.stdout.decode().splitlines()
    for repo_id, commit in COMMITS.items():
        line = next(line for line in lines if repo_id in line)
        assert f"cached, revision {commit}" in line and " MB " in line
    # All three run on CTranslate2 on the CPU (the entity model's encoder too), each converted once.
    for repo_id in COMMITS:
        assert str(Path(env["KHULASA_CT2_DIR"])) in next(line for line in lines if repo_id in line)


def test_once_cached_an_analysis_makes_no_request_to_the_hub(first_run) -> None:
    hub, env, _, _ = first_run
    hub.reset()
    result = cli("analyze", str(SEED), env=env)
    assert result.returncode == 0, result.stderr.decode()
    assert hub.requests == []


def test_status_of_an_empty_cache_says_not_downloaded(tmp_path: Path) -> None:
    result = cli("models", "status", env=hub_env(tmp_path, "http://127.0.0.1:9"))
    assert result.returncode == 0
    assert result.stdout.decode().count("not downloaded") == 3


def _only_the_translator(tiny_model_dirs: dict[str, Path]) -> dict[str, str]:
    return {"KHULASA_SUMMARIZER": str(tiny_model_dirs["summarizer"]), "KHULASA_NER": str(tiny_model_dirs["ner"])}


def test_a_connection_dropped_midway_is_resumed_and_said(tiny_model_dirs, tmp_path: Path) -> None:
    with LocalHub(default_repos(tiny_model_dirs)) as hub:
        hub.drop_once.add(f"{DEFAULT_TRANSLATOR}/pytorch_model.bin")
        result = cli("models", "download", env=hub_env(tmp_path, hub.url, **_only_the_translator(tiny_model_dirs)))
        stderr = result.stderr.decode()
        assert result.returncode == 0, stderr
        assert "the connection dropped; resuming where it stopped" in stderr
        ranged = [path for method, path in hub.requests if method == "GET" and path.endswith("pytorch_model.bin")]
        assert len(ranged) == 2
    cached = next((tmp_path / "hf" / "hub").glob("models--Helsinki-NLP--opus-mt-ar-en/snapshots/*/pytorch_model.bin"))
    original = tiny_model_dirs["translator"] / "pytorch_model.bin"
    assert hashlib.sha256(cached.read_bytes()).digest() == hashlib.sha256(original.read_bytes()).digest()


def test_an_unreachable_hub_is_named_at_once(tiny_model_dirs, tmp_path: Path) -> None:
    result = cli("models", "download", env=hub_env(tmp_path, "http://127.0.0.1:9",
                                                    **_only_the_translator(tiny_model_dirs)))
    assert result.returncode == 4
    assert "cannot be reached at http://127.0.0.1:9" in result.stderr.decode()
    assert "Traceback" not in result.stderr.decode()


def test_the_https_proxy_variable_is_honoured(tiny_model_dirs, tmp_path: Path) -> None:
    tls = make_certificate(tmp_path, "hub.test")
    if tls is None:
        pytest.skip("openssl is needed to make the test certificate")
    with LocalHub(default_repos(tiny_model_dirs), tls=tls) as hub:
        env = hub_env(tmp_path, "https://hub.test", HTTPS_PROXY=hub.url, SSL_CERT_FILE=str(tls[0]),
                      **_only_the_translator(tiny_model_dirs))
        result = cli("models", "download", env=env)
        assert result.returncode == 0, result.stderr.decode()
        assert ("CONNECT", "hub.test:443") in hub.requests
        assert f"{DEFAULT_TRANSLATOR}/pytorch_model.bin" in hub.downloads()
