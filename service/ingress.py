"""The HTTP API (FastAPI, the Serve ingress): checks who calls and what they send, then runs the CLI's pipeline
with the models of `service.remote`, its model calls batched on the deployments with other requests' calls.

No `from __future__ import annotations` here: FastAPI reads the route methods' annotations to know a body from a
query parameter, and in a Serve ingress class it cannot resolve them from strings.

The helpers come before the ingress class: Serve pickles the class when it is decorated, with the module's names
defined by then.

Routes are thin: the checks are `_guard` (keys, rate, body size) and `_prepare` (the CLI's input checks); every
error is one `ServiceError` answered as `{"error": {"code", "message"}}` by `_answer_error`.
"""

import asyncio
import json
import logging
import threading
import time
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, PlainTextResponse, Response, StreamingResponse
from ray import serve
from starlette.exceptions import HTTPException

from analysis.glossary import gloss_analysis
from analysis.pipeline import Models, Options, analyze_stream, check_input, check_language
from core.errors import Cancelled, InputError, KhulasaError
from core.settings import Settings
from core.types import Analysis, Glossary, Language, ModelNames, Sentence
from documents.export import to_markdown
from documents.glossary import read_glossary
from documents.recheck import rechecked
from documents.serialize import to_json
from models.ct2 import engine_tokenizer
from models.loading import model_folder
from models.prepare import revision
from models.summarize import Summarizer
from models.translate import SENTENCE_CACHE, Translator
from service.config import ServiceConfig
from service.guard import Keys, RateLimit
from service.remote import Call, RemoteRecognizer, RemoteSeq2Seq
from service.schemas import (
    STATUS,
    AnalyzeRequest,
    CheckRequest,
    ErrorBody,
    Health,
    ModelInfo,
    ServiceError,
    TranslateRequest,
    TranslateResponse,
    from_khulasa,
)

log = logging.getLogger("khulasa.service")
PUBLIC = {"/v1/health", "/metrics", "/docs", "/openapi.json", "/docs/oauth2-redirect"}
ROUTES = {"/v1/analyze", "/v1/analyze/stream", "/v1/translate", "/v1/check", "/v1/health", "/v1/models",
          "/metrics"}
RETRY_AFTER_S = 5
ERRORS = {status: {"model": ErrorBody} for status in sorted(set(STATUS.values()))}

api = FastAPI(title="Khulasa newsroom service", version="1",
              description="Summaries, translations and entities of Arabic articles for every desk and the CMS. "
                          "Every route but /v1/health and /metrics needs `Authorization: Bearer KEY` when the "
                          "service has keys (KHULASA_API_KEYS).")


@dataclass
class Gate:
    """What the middleware needs, set by the ingress replica when it starts."""

    config: ServiceConfig
    keys: Keys | None
    rate: RateLimit
    metrics: Any


@api.middleware("http")
async def _guard(request: Request, call_next):
    gate: Gate = request.app.state.gate
    started = time.perf_counter()
    try:
        _admit(request, gate)
        response = await call_next(request)
    except ServiceError as error:
        response = _error_response(error)
    route = request.url.path if request.url.path in ROUTES else "other"
    gate.metrics.request.remote(route, response.status_code, time.perf_counter() - started)
    return response


def _admit(request: Request, gate: Gate) -> None:
    """Refuse a request without a valid key (401, 403), over its key's rate (429) or too big (413)."""
    if request.url.path in PUBLIC:
        return
    if gate.keys is not None:
        scheme, _, presented = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not presented.strip():
            raise ServiceError("unauthorized", "This service needs an API key: send `Authorization: Bearer KEY`.")
        holder = gate.keys.holder(presented.strip())
        if holder is None:
            raise ServiceError("forbidden", "This API key is not one of the service's keys; ask for a valid one.")
        wait = gate.rate.wait_for(holder)
        if wait:
            raise ServiceError("rate_limited", f"Too many requests with this key: at most "
                               f"{gate.config.rate_per_minute} a minute. Try again in {wait} s.", retry_after=wait)
    length = request.headers.get("content-length", "")
    if length.isdigit() and int(length) > gate.config.max_body_bytes:
        raise ServiceError("too_large", f"The request is {int(length):,} bytes; the limit is "
                           f"{gate.config.max_body_bytes:,}. Split the article and send it in parts.")


def _error_response(error: ServiceError) -> JSONResponse:
    headers = {"Retry-After": str(error.retry_after)} if error.retry_after else None
    return JSONResponse(error.body(), status_code=error.status, headers=headers)


@api.exception_handler(ServiceError)
async def _answer_error(_: Request, error: ServiceError) -> JSONResponse:
    return _error_response(error)


@api.exception_handler(RequestValidationError)
async def _answer_invalid(_: Request, error: RequestValidationError) -> JSONResponse:
    first = error.errors()[0] if error.errors() else {}
    where = ".".join(str(part) for part in first.get("loc", ()) if part != "body")
    return _error_response(ServiceError("invalid_request", f"The request body is not valid: {where or 'body'}: "
                                        f"{first.get('msg', 'invalid')}."))


@api.exception_handler(HTTPException)
async def _answer_http(_: Request, error: HTTPException) -> JSONResponse:
    code = "not_found" if error.status_code == 404 else "invalid_request"
    return JSONResponse({"error": {"code": code, "message": str(error.detail)}}, status_code=error.status_code)


@api.exception_handler(Exception)
async def _answer_unexpected(_: Request, error: Exception) -> JSONResponse:
    log.exception("request failed")
    return _error_response(ServiceError("internal", "The service failed unexpectedly; its log has the details. "
                                        "Try again."))


class _Slot:
    """One of the ingress's `max_in_flight` analyses, held while it runs."""

    def __init__(self, ingress: "Ingress") -> None:
        self.ingress = ingress
        ingress.in_flight += 1
        self.held = True

    def __enter__(self) -> "_Slot":
        return self

    def __exit__(self, *exc: object) -> None:
        if self.held:
            self.ingress.in_flight -= 1
            self.held = False


def _line(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False) + "\n"


def _timeout(config: ServiceConfig) -> ServiceError:
    return ServiceError("timeout", f"The analysis took more than {config.timeout_s} s and was stopped; try again, "
                        "or send a shorter article.")


def _raise_if_lost(call: Call) -> None:
    if call.lost is not None:
        raise ServiceError("overloaded" if call.lost.overloaded else "unavailable",
                           f"The {call.lost.role} model could not answer ({call.lost}); try again in "
                           f"{RETRY_AFTER_S} s.", retry_after=RETRY_AFTER_S)


def _glossary(text: str | None, name: str) -> Glossary | None:
    if not text:
        return None
    try:
        glossary, problems = read_glossary(name, text.encode("utf-8"))
    except InputError as error:
        raise from_khulasa(error) from None
    for problem in problems:
        log.info("glossary %s %s; that row is not used", name, problem)
    return glossary


def _translated(sentences: list[str], translator: Translator,
                glossary: Glossary | None) -> tuple[list[str], list[dict[str, Any]]]:
    """The translations of `sentences`, with `glossary` applied and its findings (`analysis.glossary`)."""
    translations = translator.translate(sentences) if sentences else []
    if not glossary or not glossary.terms:
        return translations, []
    text, spans, start = "\n".join(sentences), [], 0
    for sentence, translation in zip(sentences, translations):
        spans.append(Sentence(start, start + len(sentence), sentence, translation))
        start += len(sentence) + 1
    analysis = Analysis(text, Language("ar", 1.0), tuple(spans), tuple((i,) for i in range(len(spans))), None, (),
                        (), ModelNames(translator.name, "", "", translator.seq2seq.engine))
    glossed, checks = gloss_analysis(analysis, glossary, translator.translate)
    return [sentence.translation for sentence in glossed.sentences], to_json(replace(glossed, checks=checks))["checks"]


@serve.deployment(ray_actor_options={"num_cpus": 0}, graceful_shutdown_timeout_s=60)
@serve.ingress(api)
class Ingress:
    """Segments, checks and runs analyses here; the model calls go to the deployments in `translators` (one per
    translation mode), `summarizer` and `ner`."""

    def __init__(self, settings: Settings, config: ServiceConfig, translators: dict[str, Any], summarizer: Any,
                 ner: Any, metrics: Any) -> None:
        self.settings, self.config = settings, config
        self.translators, self.summarizer, self.ner, self.metrics = translators, summarizer, ner, metrics
        keys = Keys.read(config.keys_path) if config.keys_path else None
        api.state.gate = Gate(config, keys, RateLimit(config.rate_per_minute), metrics)
        self.queues: Counter = Counter()
        self.in_flight = self.cancelled = 0
        self._described: dict[str, dict[str, Any]] = {}
        self._tokenizers: dict[str, tuple[Any, threading.Lock]] = {}
        self._setup = asyncio.Lock()

    @api.post("/v1/analyze", responses=ERRORS, summary="Analyse one article: the CLI's JSON (or Markdown) out")
    async def analyze(self, body: AnalyzeRequest) -> Response:
        settings, options, text = await self._prepare(body)
        with self._slot():
            call = Call(self.queues, self.config.timeout_s)
            analysis = None
            try:
                async with asyncio.timeout(self.config.timeout_s):
                    async for snapshot in self._analyses(text, settings, options, call):
                        analysis = snapshot
            except TimeoutError:
                raise _timeout(self.config) from None
        headers = {"X-Khulasa-Partial": "1"} if analysis.partial else None
        if body.format == "md":
            return PlainTextResponse(to_markdown(analysis), media_type="text/markdown; charset=utf-8",
                                     headers=headers)
        return JSONResponse(to_json(analysis), headers=headers)

    @api.post("/v1/analyze/stream", responses=ERRORS,
              summary="Analyse one article: NDJSON snapshots as the desk shows them, `done` last")
    async def analyze_stream(self, body: AnalyzeRequest) -> StreamingResponse:
        settings, options, text = await self._prepare(body)
        slot = self._slot()
        slot.__enter__()
        call = Call(self.queues, self.config.timeout_s)

        async def lines() -> AsyncIterator[str]:
            started, first = time.perf_counter(), True
            try:
                async with asyncio.timeout(self.config.timeout_s):
                    async for analysis in self._analyses(text, settings, options, call):
                        if first:
                            self.metrics.first_snapshot.remote(time.perf_counter() - started)
                            first = False
                        kind = "done" if analysis.stage == "done" else "snapshot"
                        yield _line({"type": kind, "stage": analysis.stage, "analysis": to_json(analysis)})
            except TimeoutError:
                yield _line({"type": "error", "error": _timeout(self.config).body()["error"]})
            except ServiceError as error:
                yield _line({"type": "error", "error": error.body()["error"]})
            finally:
                call.cancel()
                slot.__exit__(None, None, None)

        return StreamingResponse(lines(), media_type="application/x-ndjson")

    @api.post("/v1/translate", response_model=TranslateResponse, responses=ERRORS,
              summary="Translate Arabic sentences, each on its own, with a glossary if given")
    async def translate(self, body: TranslateRequest) -> TranslateResponse:
        settings = self._settings(body.translation)
        if sum(len(sentence) for sentence in body.sentences) > self.config.max_chars:
            raise ServiceError("too_long", f"The sentences hold more than {self.config.max_chars:,} characters; "
                               "send them in parts.")
        glossary = _glossary(body.glossary, body.glossary_name)
        with self._slot():
            call = Call(self.queues, self.config.timeout_s)
            models = await self._models(settings, call)
            try:
                translations, checks = await asyncio.to_thread(_translated, body.sentences, models.translator,
                                                               glossary)
            finally:
                call.cancel()
            _raise_if_lost(call)
        return TranslateResponse(translations=translations, translation=settings.translation,
                                 model=settings.translation_model, checks=checks)

    @api.post("/v1/check", responses=ERRORS, summary="Recheck an edited analysis JSON (the CLI's `check`)")
    async def check(self, body: CheckRequest) -> JSONResponse:
        glossary = _glossary(body.glossary, body.glossary_name)
        try:
            return JSONResponse(rechecked(body.analysis, body.article, glossary, source="The analysis"))
        except KhulasaError as error:
            raise from_khulasa(error) from None

    @api.get("/v1/health", response_model=Health, responses=ERRORS, summary="Whether every model deployment answers")
    async def health(self) -> JSONResponse:
        states = {}
        for name, handle in self._handles().items():
            try:
                await asyncio.wait_for(handle.describe.remote(), 5)
                states[name] = "ok"
            except Exception:  # noqa: BLE001 - any failure to answer is "unavailable"
                states[name] = "unavailable"
        ok = all(state == "ok" for state in states.values())
        return JSONResponse(Health(status="ok" if ok else "degraded", deployments=states).model_dump(),
                            status_code=200 if ok else 503)

    @api.get("/v1/models", response_model=list[ModelInfo], responses=ERRORS, summary="The models served")
    async def models(self) -> list[ModelInfo]:
        found = []
        for name, handle in self._handles().items():
            described = await self._describe(name, handle)
            role = "translator" if name.startswith("translator") else name
            modes = [name.removeprefix("translator_")] if role == "translator" else []
            found.append(ModelInfo(role=role, name=described["name"], revision=revision(described["name"]),
                                   engine=described["engine"], modes=modes))
        return found

    @api.get("/metrics", response_class=PlainTextResponse, summary="Prometheus metrics")
    async def metrics_text(self) -> PlainTextResponse:
        text = await self.metrics.render.remote(dict(self.queues), self.cancelled)
        return PlainTextResponse(text, media_type="text/plain; version=0.0.4")

    def _handles(self) -> dict[str, Any]:
        summarizer = {"summarizer": self.summarizer} if self.summarizer is not None else {}
        return {**{f"translator_{mode}": handle for mode, handle in self.translators.items()}, **summarizer,
                "ner": self.ner}

    def _settings(self, mode: str | None) -> Settings:
        settings = replace(self.settings, translation=mode) if mode else self.settings
        if settings.translation not in self.translators:
            raise ServiceError("model_missing", f"The {settings.translation} translation mode is not served here "
                               f"(served: {', '.join(self.translators)}); start the service with --modes "
                               f"{','.join([*self.translators, settings.translation])}.")
        return settings

    async def _prepare(self, body: AnalyzeRequest) -> tuple[Settings, Options, str]:
        """The settings, options and text of an analysis, refused as the CLI refuses them: too long (413), empty
        (400), not Arabic without `force` (422), a glossary that cannot be read (400)."""
        settings = self._settings(body.translation)
        if len(body.text) > self.config.max_chars:
            raise ServiceError("too_long", f"The text is {len(body.text):,} characters long; the limit is "
                               f"{self.config.max_chars:,}. Split the article and analyse it in parts.")
        options = Options(summary_tokens=body.summary_tokens, summary_beams=body.summary_beams, force=body.force,
                          glossary=_glossary(body.glossary, body.glossary_name),
                          summary_kind=body.summary.replace("-", "_"), key_sentences=body.key_sentences)
        try:
            text = check_input(body.text, settings)
            await asyncio.to_thread(check_language, text, force=body.force)
        except KhulasaError as error:
            raise from_khulasa(error) from None
        return settings, options, text

    def _slot(self) -> "_Slot":
        if self.in_flight >= self.config.max_in_flight:
            raise ServiceError("overloaded", f"The service is running {self.in_flight} analyses, its most; try "
                               f"again in {RETRY_AFTER_S} s.", retry_after=RETRY_AFTER_S)
        return _Slot(self)

    async def _analyses(self, text: str, settings: Settings, options: Options,
                        call: Call) -> AsyncIterator[Analysis]:
        """`analyze_stream`'s snapshots, run in a thread of their own; the models' calls stop when the caller
        goes (cancelled at an `await` here), and a request whose model calls were lost is answered 503."""
        models = await self._models(settings, call)
        loop, queue = asyncio.get_running_loop(), asyncio.Queue()
        end = object()

        def work() -> None:
            try:
                for analysis in analyze_stream(text, models, settings, options, stop=call.stop):
                    loop.call_soon_threadsafe(queue.put_nowait, analysis)
                loop.call_soon_threadsafe(queue.put_nowait, end)
            except BaseException as error:  # noqa: BLE001 - handed to the request, which answers it
                loop.call_soon_threadsafe(queue.put_nowait, error)

        threading.Thread(target=work, name="khulasa-request", daemon=True).start()
        finished = False
        try:
            while (item := await queue.get()) is not end:
                if isinstance(item, Cancelled):
                    raise ServiceError("unavailable", "The analysis was cancelled.")
                if isinstance(item, KhulasaError):
                    raise from_khulasa(item)
                if isinstance(item, BaseException):
                    raise item
                if item.stage == "done":
                    _raise_if_lost(call)
                    finished = True
                yield item
        finally:
            if not finished:
                self.cancelled += 1
            call.cancel()

    async def _models(self, settings: Settings, call: Call) -> Models:
        """The pipeline's models for one request: tokenizers here (loaded once), model calls on the deployments."""
        deployment = f"translator_{settings.translation}"
        translator = self.translators[settings.translation]
        seq2seqs = {deployment: translator, **({"summarizer": self.summarizer} if self.summarizer else {})}
        described = {name: await self._describe(name, handle) for name, handle in
                     (*seq2seqs.items(), ("ner", self.ner))}
        async with self._setup:
            for name in seq2seqs:
                if name not in self._tokenizers:
                    role = "translator" if name == deployment else "summarizer"
                    tokenizer = await asyncio.to_thread(engine_tokenizer,
                                                        model_folder(role, described[name]["name"]))
                    self._tokenizers[name] = (tokenizer, threading.Lock())

        def seq2seq(name: str, handle: Any) -> RemoteSeq2Seq:
            return RemoteSeq2Seq(name, handle, described[name], *self._tokenizers[name], call)

        engines = sorted({described[name]["engine"] for name in seq2seqs})
        names = ModelNames(settings.translation_model, settings.summarizer, settings.ner, engine="+".join(engines),
                           translation=settings.translation)
        summarizer = Summarizer(seq2seq("summarizer", self.summarizer)) if self.summarizer else None
        return Models(names, Translator(seq2seq(deployment, translator), batch_tokens=settings.batch_tokens,
                                        cache=SENTENCE_CACHE),
                      summarizer, RemoteRecognizer(self.ner, described["ner"]["name"], call))

    async def _describe(self, name: str, handle: Any) -> dict[str, Any]:
        if name not in self._described:
            try:
                self._described[name] = await handle.describe.remote()
            except Exception:  # noqa: BLE001 - a deployment that cannot answer is a missing model
                raise ServiceError("unavailable", f"The {name} model is not answering; try again in "
                                   f"{RETRY_AFTER_S} s.", retry_after=RETRY_AFTER_S) from None
        return self._described[name]
