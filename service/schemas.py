"""The API's request and response bodies, and its one error shape `{"error": {"code", "message"}}`.

Unknown fields are refused (a typo in an option must not be silently ignored). Each error code maps to one HTTP
status here, and only here; the codes of the CLI's failures keep its messages.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from core.errors import InputError, KhulasaError, ModelUnavailable, NoModelRan, NotArabic

# code → HTTP status. "bad_input", "too_long", "not_arabic", "model_missing" are the CLI's exit codes 2, 2, 3, 4.
STATUS = {
    "bad_input": 400,
    "unauthorized": 401,
    "forbidden": 403,
    "not_found": 404,
    "too_large": 413,
    "too_long": 413,
    "invalid_request": 422,
    "not_arabic": 422,
    "rate_limited": 429,
    "internal": 500,
    "model_missing": 503,
    "overloaded": 503,
    "unavailable": 503,
    "timeout": 504,
}


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ErrorDetail(Strict):
    code: str = Field(description="one of: " + ", ".join(STATUS))
    message: str = Field(description="one sentence: what happened and what to do")


class ErrorBody(Strict):
    error: ErrorDetail


class AnalyzeRequest(Strict):
    """`cli.py analyze`'s input and options."""

    text: str = Field(description="the article (at most KHULASA_MAX_CHARS characters)")
    force: bool = Field(False, description="analyse even if the text is not Arabic (the CLI's --force)")
    translation: Literal["fast", "best"] | None = Field(None, description="translation mode; default the service's")
    glossary: str | None = Field(None, description="a newsroom glossary: the contents of its TSV or CSV file")
    glossary_name: str = Field("glossary.csv", description="the glossary file's name, for its messages")
    summary: Literal["abstractive", "key-sentences"] = Field(
        "abstractive", description="abstractive (mT5 writes it) or key-sentences (the most central sentences, quoted)")
    key_sentences: int | None = Field(None, ge=1, le=50, description="how many key sentences")
    summary_tokens: int | None = Field(None, ge=8, le=512)
    summary_beams: int | None = Field(None, ge=1, le=8)
    format: Literal["json", "md"] = Field("json", description="json (the CLI's JSON) or md (its Markdown export)")


class TranslateRequest(Strict):
    sentences: list[str] = Field(max_length=2000, description="Arabic sentences, each translated on its own")
    translation: Literal["fast", "best"] | None = None
    glossary: str | None = Field(None, description="a newsroom glossary: the contents of its TSV or CSV file")
    glossary_name: str = "glossary.csv"


class TranslateResponse(Strict):
    translations: list[str]
    translation: str = Field(description="the mode that translated")
    model: str
    checks: list[dict[str, Any]] = Field(description="glossary findings, as in an analysis's `checks`")


class CheckRequest(Strict):
    """`cli.py check`'s input: an analysis JSON whose English was edited, and the article when its sentences do not
    hold the whole text."""

    analysis: dict[str, Any]
    article: str | None = None
    glossary: str | None = None
    glossary_name: str = "glossary.csv"


class Health(Strict):
    status: Literal["ok", "degraded"]
    deployments: dict[str, str]


class ModelInfo(Strict):
    role: str
    name: str
    revision: str
    engine: str
    modes: list[str]


class Snapshot(Strict):
    """One NDJSON line of `/v1/analyze/stream`: a snapshot (`stage` is the step just finished), the finished
    analysis (`type` "done"), or an error once the 200 was sent (`type` "error", the last line)."""

    type: Literal["snapshot", "done", "error"]
    stage: str | None = None
    analysis: dict[str, Any] | None = None
    error: ErrorDetail | None = None


class ServiceError(Exception):
    """A failure the API answers with `code`'s status and this message (and a Retry-After when set)."""

    def __init__(self, code: str, message: str, retry_after: int | None = None) -> None:
        super().__init__(message)
        self.code, self.message, self.retry_after = code, message, retry_after

    @property
    def status(self) -> int:
        return STATUS[self.code]

    def body(self) -> dict[str, Any]:
        return {"error": {"code": self.code, "message": self.message}}


def from_khulasa(error: KhulasaError) -> ServiceError:
    """The API's error for one of Khulasa's own failures, with its message."""
    if isinstance(error, NotArabic):
        return ServiceError("not_arabic", str(error))
    if isinstance(error, ModelUnavailable | NoModelRan):
        return ServiceError("model_missing", str(error))
    if isinstance(error, InputError):
        return ServiceError("bad_input", str(error))
    return ServiceError("internal", str(error))
