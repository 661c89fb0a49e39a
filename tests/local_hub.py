"""A small stand-in for the Hugging Face Hub's file API, on the loopback interface, for download tests.

It serves folders (the tiny models) under Hub ids, plus decoy files a model never needs, through the endpoints
`huggingface_hub` calls: `GET /api/models/{id}[/revision/{rev}]` (file list with sizes and the commit) and
`HEAD`/`GET /{id}/resolve/{rev}/{file}` (with `X-Repo-Commit`, `ETag`, `X-Linked-Size`/`X-Linked-Etag` for large
files, and `Range` requests for resuming). It also acts as an HTTP proxy (absolute request URIs, and `CONNECT`
followed by TLS with a test certificate), can throttle downloads and can drop a connection midway once.
Every request is recorded in `requests`.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import ssl
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from core.settings import DEFAULT_NER, DEFAULT_SUMMARIZER, DEFAULT_TRANSLATOR

LARGE = 10_000_000  # files at least this big are served as LFS files (X-Linked-* headers), as on the Hub
CHUNK = 64 * 1024
# What the real repos hold besides what a model needs: other frameworks' weights, exports, cards.
DECOYS = {"tf_model.h5": 40_000_000, "rust_model.ot": 40_000_000, "flax_model.msgpack": 40_000_000,
          "onnx/model.onnx": 20_000_000, "README.md": 4_000, "training_args.bin": 3_000}


COMMITS = {DEFAULT_TRANSLATOR: "a" * 40, DEFAULT_SUMMARIZER: "b" * 40, DEFAULT_NER: "c" * 40}
ROLES = {DEFAULT_TRANSLATOR: "translator", DEFAULT_SUMMARIZER: "summarizer", DEFAULT_NER: "ner"}


class Repo:
    """A Hub repo: real files from a folder plus decoys of a given size (bytes generated on demand)."""

    def __init__(self, folder: Path, decoys: dict[str, int], commit: str) -> None:
        self.files = {path.name: path.read_bytes() for path in sorted(folder.iterdir()) if path.is_file()}
        self.decoys = dict(decoys)
        self.commit = commit

    def size(self, name: str) -> int:
        return len(self.files[name]) if name in self.files else self.decoys[name]

    def body(self, name: str) -> bytes:
        return self.files[name] if name in self.files else b"\0" * self.decoys[name]

    def etag(self, name: str) -> str:
        """As on the Hub: an LFS file's sha256, else the 40-hex git blob id (both name the cache's blob)."""
        digest = hashlib.sha256 if self.size(name) >= LARGE else hashlib.sha1
        return digest(name.encode() + (self.files.get(name) or b"decoy")).hexdigest()

    def names(self) -> list[str]:
        return sorted([*self.files, *self.decoys])


class LocalHub(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, repos: dict[str, Repo], *, throttle: float = 0.0, tls: tuple[Path, Path] | None = None) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.repos = repos
        self.throttle = throttle  # bytes per second for file bodies; 0: as fast as possible
        self.drop_once: set[str] = set()  # "repo/file": cut the first GET of it halfway
        self.requests: list[tuple[str, str]] = []
        self.lock = threading.Lock()
        self.tls = tls
        self.thread = threading.Thread(target=self.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def __enter__(self) -> LocalHub:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.shutdown()
        self.server_close()

    def record(self, method: str, path: str) -> None:
        with self.lock:
            self.requests.append((method, path))

    def downloads(self) -> list[str]:
        """`repo/file` for every GET of a file body."""
        with self.lock:
            return [m.group(1) + "/" + m.group(2) for method, path in self.requests if method == "GET"
                    and (m := re.match(r"/(.+?/.+?)/resolve/[^/]+/(.+)", path))]

    def reset(self) -> None:
        with self.lock:
            self.requests.clear()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: LocalHub

    def log_message(self, *args: object) -> None:
        pass

    def do_CONNECT(self) -> None:  # an HTTPS proxy: tunnel, then speak TLS as the Hub host itself
        self.server.record("CONNECT", self.path)
        if self.server.tls is None:
            self.send_error(405)
            return
        self.send_response(200, "Connection established")
        self.end_headers()
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(*map(str, self.server.tls))
        tunnel = context.wrap_socket(self.connection, server_side=True)
        _Handler(tunnel, self.client_address, self.server)
        self.close_connection = True

    def do_HEAD(self) -> None:
        self._serve(body=False)

    def do_GET(self) -> None:
        self._serve(body=True)

    def _serve(self, *, body: bool) -> None:
        path = unquote(urlsplit(self.path).path)  # absolute URIs arrive when we are used as an HTTP proxy
        self.server.record(self.command, path)
        info = re.fullmatch(r"/api/models/([^/]+/[^/]+)(?:/revision/[^/]+)?", path)
        if info:
            return self._model_info(info.group(1))
        resolve = re.fullmatch(r"/([^/]+/[^/]+)/resolve/([^/]+)/(.+)", path)
        repo = self.server.repos.get(resolve.group(1)) if resolve else None
        if repo is None or resolve.group(3) not in repo.names():
            return self._reply(404, b'{"error": "Entry not found"}', {"X-Error-Code": "EntryNotFound",
                               **({"X-Repo-Commit": repo.commit} if repo else {})})
        self._file(repo, resolve.group(1), resolve.group(3), body)

    def _model_info(self, repo_id: str) -> None:
        repo = self.server.repos.get(repo_id)
        if repo is None:
            return self._reply(404, b'{"error": "Repository not found"}', {"X-Error-Code": "RepoNotFound"})
        siblings = [{"rfilename": name, "size": repo.size(name), "blobId": repo.etag(name)[:40],
                     **({"lfs": {"size": repo.size(name), "sha256": repo.etag(name), "pointerSize": 134}}
                        if repo.size(name) >= LARGE else {})} for name in repo.names()]
        data = {"id": repo_id, "modelId": repo_id, "sha": repo.commit, "private": False, "siblings": siblings}
        self._reply(200, json.dumps(data).encode(), {"Content-Type": "application/json"})

    def _file(self, repo: Repo, repo_id: str, name: str, body: bool) -> None:
        size, etag = repo.size(name), f'"{repo.etag(name)}"'
        headers = {"X-Repo-Commit": repo.commit, "ETag": etag, "Accept-Ranges": "bytes"}
        if size >= LARGE:
            headers.update({"X-Linked-Size": str(size), "X-Linked-Etag": etag})
        start = 0
        ranged = re.fullmatch(r"bytes=(\d+)-", self.headers.get("Range", ""))
        if body and ranged and int(ranged.group(1)) < size:
            start = int(ranged.group(1))
            headers["Content-Range"] = f"bytes {start}-{size - 1}/{size}"
        self.send_response(206 if start else 200)
        for key, value in {**headers, "Content-Length": str(size - start)}.items():
            self.send_header(key, value)
        self.end_headers()
        if not body:
            return
        data = memoryview(repo.body(name))[start:]
        key = f"{repo_id}/{name}"
        with self.server.lock:
            drop = key in self.server.drop_once
            self.server.drop_once.discard(key)
        for offset in range(0, len(data), CHUNK):
            if drop and offset >= len(data) // 2:
                self.close_connection = True
                self.connection.shutdown(2)  # the connection drops midway, as a flaky network does
                return
            chunk = data[offset:offset + CHUNK]
            self.wfile.write(chunk)
            if self.server.throttle:
                time.sleep(len(chunk) / self.server.throttle)

    def _reply(self, status: int, data: bytes, headers: dict[str, str]) -> None:
        self.send_response(status)
        for key, value in {**headers, "Content-Length": str(len(data))}.items():
            self.send_header(key, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)


def make_certificate(folder: Path, host: str) -> tuple[Path, Path] | None:
    """A self-signed certificate for `host` (with `openssl`), or None where openssl is missing."""
    if shutil.which("openssl") is None:
        return None
    cert, key = folder / "hub.pem", folder / "hub.key"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", f"/CN={host}",
                    "-addext", f"subjectAltName=DNS:{host}", "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True)
    return cert, key


def default_repos(tiny_model_dirs: dict[str, Path]) -> dict[str, Repo]:
    """The tiny models under the three default Hub ids, each with the decoys."""
    return {repo_id: Repo(tiny_model_dirs[role], DECOYS, COMMITS[repo_id]) for repo_id, role in ROLES.items()}


def new_user_env(folder: Path, endpoint: str, **extra: str) -> dict[str, str]:
    """A new user's environment: empty Hugging Face cache in `folder`, the default Hub ids, `endpoint`."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("KHULASA_", "HF_"))
           and key.lower() not in {"http_proxy", "https_proxy", "all_proxy", "no_proxy"}}
    env.update(HF_HOME=str(folder / "hf"), HF_ENDPOINT=endpoint, HF_HUB_OFFLINE="0",
               KHULASA_CT2_DIR=str(folder / "ct2"), KHULASA_DEVICE="cpu", KHULASA_THREADS="1",
               KHULASA_DB=str(folder / "history.sqlite3"), HF_HUB_DISABLE_TELEMETRY="1", **extra)
    return env


@contextmanager
def tmpfs(folder: Path, size_kb: int) -> Iterator[Path]:
    """A small disk of its own at `folder` (a tmpfs of `size_kb` KiB) while the block runs; the test is skipped
    where mounting is not allowed (it needs root)."""
    folder.mkdir(parents=True, exist_ok=True)
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size_kb}k", "tmpfs", str(folder)],
                             capture_output=True, text=True)
    if mounted.returncode:
        pytest.skip(f"a small tmpfs cannot be mounted here ({mounted.stderr.strip()})")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "--lazy", str(folder)], check=True)


def remount(folder: Path, mode: str) -> None:
    """Make the tmpfs at `folder` read-only (`mode="ro"`) or writable again (`"rw"`)."""
    subprocess.run(["mount", "-o", f"remount,{mode}", str(folder)], check=True)
