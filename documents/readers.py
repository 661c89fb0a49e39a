"""Uploaded files as article text: `.txt`, `.docx`, `.html`/`.htm` and `.pdf`, one paragraph per line.

`read_document` reads a file's bytes and `read_file` an open file, of which it reads no more than the size limit
allows (`byte_limit`); every way a file can be unusable (wrong extension, content that is not what the extension
says, too big, not UTF-8, encrypted, a scanned PDF without a text layer) is an `InputError` whose message names
the file and says what to do (`TooLarge` for a file or text over the limit).
"""

from __future__ import annotations

import codecs
import io
import logging
import os
import re
import stat
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import PurePath
from typing import BinaryIO

from core.errors import InputError, TooLarge
from documents.export import cut_title

KINDS = {".txt": "txt", ".docx": "docx", ".html": "html", ".htm": "html", ".pdf": "pdf"}
# Formats users will try, with what to do instead.
_ADVICE = {".doc": "save it as .docx", ".rtf": "save it as .docx", ".odt": "save it as .docx",
           ".pages": "export it as .docx", ".md": "rename it to .txt"}
# Containers (Word, PDF, HTML pages with their markup) are much larger than their text; this bounds the work
# spent on one file. Text files are bounded by `max_chars` instead (see `byte_limit`).
MAX_FILE_BYTES = 20 * 1024 * 1024
# The longest byte-order mark a text file may start with (UTF-8's; UTF-16's is 2 bytes).
_BOM_BYTES = len(codecs.BOM_UTF8)
# A .docx may not inflate past this: it stops "zip bombs" before python-docx parses them.
MAX_UNZIPPED_BYTES = 200 * 1024 * 1024
_MAGIC = {b"%PDF-": "a PDF file", b"PK\x03\x04": "a zip archive (e.g. a Word .docx)",
          b"\xd0\xcf\x11\xe0": "an old Word .doc file"}
_SENTENCE_END = re.compile(r"[.!?؟…:؛][\"'»”’)\]]*$")
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
# Punctuation pypdf leaves at the start of a right-to-left line: it ends the line (see `_rtl_line`).
_LEADING_NEUTRALS = re.compile(r"^([^\w\s]+)\s*(?=[\u0600-\u06ff])")

logging.getLogger("pypdf").setLevel(logging.ERROR)


@dataclass(frozen=True)
class Document:
    """An uploaded article: its title (declared in the file, else its first line) and its text."""

    title: str
    text: str
    kind: str


def read_document(name: str, data: bytes, *, max_chars: int, max_bytes: int = MAX_FILE_BYTES,
                  kind: str | None = None) -> Document:
    """Read `data`, the contents of the file called `name`; the extension picks the reader unless `kind`
    ("txt", "docx", "html", "pdf") is given. Raises `InputError` for any file that cannot be read."""
    kind = kind or _kind_of(name)
    if kind not in _READERS:
        raise ValueError(f"kind must be one of {', '.join(_READERS)}, not {kind!r}")
    limit = byte_limit(kind, max_chars, max_bytes)
    if len(data) > limit:
        raise _too_large(name, f"{len(data):,}", kind, limit)
    if not data:
        raise InputError(f"'{name}' is empty: the file holds no bytes at all.")
    _check_content(name, data, kind)
    title, text = _READERS[kind](name, data)
    if not text.strip():
        raise InputError(f"'{name}' is empty: no text to analyse was found in it.")
    if len(text) > max_chars:
        raise TooLarge(f"'{name}' holds {len(text):,} characters of text; the limit is {max_chars:,}. "
                         "Split the article and analyse it in parts.")
    return Document(title=title or first_line(text), text=text, kind=kind)


def read_file(name: str, file: BinaryIO, *, max_chars: int, size: int | None = None, kind: str | None = None,
              max_bytes: int = MAX_FILE_BYTES) -> Document:
    """`read_document` on an open file (a path's, stdin, an upload), of which `read_limited` reads no more than
    the kind's limit plus one byte."""
    kind = kind or _kind_of(name)
    data = read_limited(name, file, byte_limit(kind, max_chars, max_bytes), kind=kind, size=size)
    return read_document(name, data, max_chars=max_chars, kind=kind, max_bytes=max_bytes)


def read_limited(name: str, file: BinaryIO, limit: int, *, kind: str, size: int | None = None) -> bytes:
    """The file's bytes, reading at most `limit + 1` of them: a 3 GB video or `/dev/zero` is refused
    (`TooLarge`) after that much, never loaded whole. `size` (a regular file's, when known: `regular_size`)
    refuses it before reading at all."""
    if size is not None and size > limit:
        raise _too_large(name, f"{size:,}", kind, limit)
    data = file.read(limit + 1)
    if len(data) > limit:
        raise _too_large(name, f"more than {limit:,}", kind, limit)
    return data


def regular_size(file: BinaryIO) -> int | None:
    """The size of an open regular file; None for a pipe, a device or a file object without a descriptor."""
    try:
        status = os.fstat(file.fileno())
    except (OSError, ValueError, io.UnsupportedOperation):
        return None
    return status.st_size if stat.S_ISREG(status.st_mode) else None


def byte_limit(kind: str, max_chars: int, max_bytes: int = MAX_FILE_BYTES) -> int:
    """The most bytes a file of this kind may hold before it is refused unread.

    The limit is in characters, files are bytes. A text file needs at most 4 bytes a character (UTF-8's longest
    sequence; UTF-16 takes 2, or 4 for a surrogate pair) plus a byte-order mark, so a text of `max_chars`
    characters always fits in `4 * max_chars + 3` bytes: e.g. 400,003 bytes for the default 100,000. Word, PDF
    and HTML files hold far more bytes than characters of text (zipped XML, fonts, markup), so no bound from
    `max_chars` is sound for them: they get the fixed `max_bytes` cap (20 MB), and their text is counted after
    reading. The page's uploader (`server.maxUploadSize`, 5 MB) refuses anything larger before this is reached.
    """
    return max_chars * 4 + _BOM_BYTES if kind == "txt" else max_bytes


def first_line(text: str) -> str:
    """The first non-blank line, cut as a title (`cut_title`)."""
    return cut_title(next((line for line in text.splitlines() if line.strip()), ""))


def _kind_of(name: str) -> str:
    suffix = PurePath(name).suffix.lower()
    if suffix in KINDS:
        return KINDS[suffix]
    shown = f"'{suffix}' files" if suffix else "files without an extension"
    advice = f": {_ADVICE[suffix]} and try again" if suffix in _ADVICE else ""
    raise InputError(f"Cannot read '{name}': Khulasa reads .txt, .docx, .html, .htm and .pdf files, not "
                     f"{shown}{advice}.")


def _too_large(name: str, size: str, kind: str, limit: int) -> TooLarge:
    return TooLarge(f"'{name}' is {size} bytes; the limit for {_PLURAL[kind]} is {limit:,} bytes. Split the "
                    "article and analyse it in parts.")


def _check_content(name: str, data: bytes, kind: str) -> None:
    """Refuse a file whose bytes say it is something else than its extension claims."""
    expected = {"pdf": b"%PDF-", "docx": b"PK\x03\x04"}.get(kind)
    found = next((what for magic, what in _MAGIC.items() if data.startswith(magic)), None)
    if expected and not data.startswith(expected) and not (kind == "pdf" and expected in data[:1024]):
        raise InputError(f"'{name}' is {found or 'not ' + _SINGULAR[kind]}, although its name says it is "
                         f"{_SINGULAR[kind]}: check that it is the right file, or save it again in that format.")
    if not expected and found:
        raise InputError(f"'{name}' is {found}, not {_SINGULAR[kind]}: give it the right extension.")


def _read_txt(name: str, data: bytes) -> tuple[str, str]:
    """Strict UTF-8 (a BOM is dropped), or UTF-16 when a byte-order mark says so."""
    utf16 = data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    try:
        return "", data.decode("utf-16" if utf16 else "utf-8-sig")
    except UnicodeDecodeError as error:
        encoding = "UTF-16 (it starts with a UTF-16 byte-order mark)" if utf16 else "UTF-8"
        raise InputError(f"'{name}' is not valid {encoding}: bad byte at position {error.start}. Save it as "
                         "UTF-8 and try again.") from None


def _read_docx(name: str, data: bytes) -> tuple[str, str]:
    """Paragraphs of the body, one a line; the title from the document's properties."""
    import docx  # python-docx is slow to import and only needed here

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            inflated = sum(member.file_size for member in archive.infolist())
            if "word/document.xml" not in archive.namelist():
                raise InputError(f"'{name}' is a zip archive but not a Word document: save it as .docx.")
        if inflated > MAX_UNZIPPED_BYTES:
            raise InputError(f"'{name}' unpacks to {inflated:,} bytes; the limit is {MAX_UNZIPPED_BYTES:,}. "
                             "Save the article alone in a new document.")
        document = docx.Document(io.BytesIO(data))
    except InputError:
        raise
    except Exception as error:  # a parser fed an untrusted file: any failure means it is damaged
        raise InputError(f"'{name}' is damaged and cannot be opened as a Word document ({error}): open it in "
                         "Word and save it again.") from None
    paragraphs = (paragraph.text.strip() for paragraph in document.paragraphs)
    return (document.core_properties.title or "").strip(), "\n".join(p for p in paragraphs if p)


def _read_html(name: str, data: bytes) -> tuple[str, str]:
    """The page's main article, found by trafilatura (navigation, scripts and boilerplate are dropped)."""
    import trafilatura  # slow to import and only needed here

    try:
        html = _decode_html(data)
    except UnicodeDecodeError as error:
        raise InputError(f"'{name}' is not valid {error.encoding} (bad byte at position {error.start}): save it "
                         "as UTF-8, or declare its encoding in a <meta charset> tag, and try again.") from None
    found = trafilatura.bare_extraction(html, with_metadata=True, favor_recall=True, include_comments=False,
                                        include_tables=False)
    if not found:
        return "", ""
    lines = (" ".join(line.split()) for line in (found.text or "").splitlines())
    return " ".join((found.title or "").split()), "\n".join(line for line in lines if line)


def _decode_html(data: bytes) -> str:
    """A byte-order mark wins, then a `<meta charset>` near the top, then UTF-8."""
    for bom, encoding in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                          (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            return data.decode(encoding)
    declared = _CHARSET.search(data[:4096])
    try:
        encoding = codecs.lookup(declared.group(1).decode("ascii")).name if declared else "utf-8"
    except LookupError:
        encoding = "utf-8"
    return data.decode(encoding)


def _read_pdf(name: str, data: bytes) -> tuple[str, str]:
    """The text layer, page by page; lines a PDF wrapped are joined back into paragraphs."""
    from pypdf import PdfReader
    from pypdf.errors import DependencyError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise InputError(f"'{name}' is password-protected: remove the password (print or save it as an "
                             "unprotected PDF) and try again.")
        pages = [page.extract_text() or "" for page in reader.pages]
        title = (reader.metadata.title or "") if reader.metadata else ""
    except DependencyError:
        raise InputError(f"'{name}' is encrypted with AES, which Khulasa cannot open: save it as an unprotected "
                         "PDF and try again.") from None
    except InputError:
        raise
    except Exception as error:  # a parser fed an untrusted file: any failure means it is damaged
        raise InputError(f"'{name}' is damaged and cannot be read as a PDF ({error}): save it again and retry.") \
            from None
    paragraphs = [paragraph for page in pages for paragraph in unwrap_lines(map(_rtl_line, page.splitlines()))]
    if not paragraphs:
        raise InputError(f"'{name}' has no text layer (scanned?) — run OCR first, or paste the text.")
    return " ".join(title.split()), "\n".join(paragraphs)


def _rtl_line(line: str) -> str:
    """Move the punctuation that ends an Arabic line back to its end.

    PDFs draw right-to-left text in visual order, so a line's final full stop is drawn first, at its left.
    pypdf reverses the Arabic runs into reading order but keeps that leading punctuation in front:
    `.نص الخبر` becomes `نص الخبر.`.
    """
    line = line.strip()
    match = _LEADING_NEUTRALS.match(line)
    return line[match.end():] + match.group(1) if match else line


def unwrap_lines(lines: Iterable[str]) -> list[str]:
    """Join lines a PDF wrapped back into paragraphs. A line ends its paragraph when it ends a sentence, is
    followed by a blank line, or is clearly shorter than the page's longest line (a heading, a last line).

    Example: `["The minister met his", "counterpart on Sunday.", "Talks"]` gives
    `["The minister met his counterpart on Sunday.", "Talks"]`.
    """
    lines = [" ".join(line.split()) for line in lines]
    full = max((len(line) for line in lines), default=0)
    paragraphs: list[str] = []
    current: list[str] = []
    for line in lines:
        if line:
            current.append(line)
        if current and (not line or _SENTENCE_END.search(line) or len(line) < 0.6 * full):
            paragraphs.append(" ".join(current))
            current = []
    if current:
        paragraphs.append(" ".join(current))
    return paragraphs


_READERS = {"txt": _read_txt, "docx": _read_docx, "html": _read_html, "pdf": _read_pdf}
_SINGULAR = {"txt": "a text file", "docx": "a Word document", "html": "a web page", "pdf": "a PDF"}
_PLURAL = {"txt": "text files", "docx": "Word documents", "html": "web pages", "pdf": "PDFs"}
