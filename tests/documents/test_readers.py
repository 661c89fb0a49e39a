"""Reading uploaded files: each format's text and title, and a clear `InputError` for every unusable file."""

from __future__ import annotations

import codecs
import io
import zipfile

import pytest

from core.errors import InputError, TooLarge
from documents.readers import MAX_FILE_BYTES, read_document, read_file, unwrap_lines
from tests.sample_files import encrypt_pdf, make_docx, make_pdf

LIMIT = 10_000
ARTICLE = ["بحث وزير الخارجية التركي مع نظيره القطري ملفي أفغانستان وكازاخستان.",
           "وأوضح البيان أن الوزيرين تناولا آخر المستجدات."]
PAGE = """<!doctype html><html><head><meta charset="utf-8"><title>وزير الخارجية في أنقرة | الجريدة</title>
<style>p { color: red }</style><script>var tracking = "سكربت";</script></head>
<body><nav><a href="/">الرئيسية</a> <a href="/world">العالم</a></nav>
<h1>وزير الخارجية في أنقرة</h1>
<p>بحث وزير الخارجية التركي مع نظيره القطري ملفي أفغانستان وكازاخستان.</p>
<p>وأوضح البيان أن الوزيرين تناولا آخر المستجدات<br>وأكد الجانبان أهمية الحوار.</p>
</body></html>"""


def read(name: str, data: bytes, **options) -> object:
    return read_document(name, data, max_chars=LIMIT, **options)


def test_utf8_text_keeps_its_lines_and_drops_the_bom() -> None:
    document = read("article.txt", codecs.BOM_UTF8 + "\n".join(ARTICLE).encode())
    assert document.text == "\n".join(ARTICLE) and document.kind == "txt"
    assert document.title == ARTICLE[0]


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_text_with_a_byte_order_mark_is_read(encoding: str) -> None:
    bom = codecs.BOM_UTF16_LE if encoding.endswith("le") else codecs.BOM_UTF16_BE
    assert read("article.txt", bom + "\n".join(ARTICLE).encode(encoding)).text == "\n".join(ARTICLE)


def test_invalid_utf8_says_where_and_what_to_do() -> None:
    with pytest.raises(InputError, match=r"'bad\.txt' is not valid UTF-8: bad byte at position 4\. Save it as UTF-8"):
        read("bad.txt", "خبر".encode()[:4] + b"\xff rest")


def test_docx_paragraphs_become_lines_and_its_title_is_kept() -> None:
    document = read("story.docx", make_docx([ARTICLE[0], "", "  ", ARTICLE[1]], title="عنوان الخبر"))
    assert document == type(document)(title="عنوان الخبر", text="\n".join(ARTICLE), kind="docx")


def test_docx_without_a_title_is_titled_by_its_first_line() -> None:
    assert read("story.docx", make_docx(ARTICLE)).title == ARTICLE[0]


def test_html_article_keeps_paragraphs_and_drops_navigation_and_scripts() -> None:
    document = read("page.html", PAGE.encode())
    assert document.kind == "html" and "وزير الخارجية في أنقرة" in document.title
    lines = document.text.splitlines()
    assert lines == [ARTICLE[0], "وأوضح البيان أن الوزيرين تناولا آخر المستجدات", "وأكد الجانبان أهمية الحوار."]
    assert "الرئيسية" not in document.text and "سكربت" not in document.text and "color" not in document.text


def test_html_in_a_declared_legacy_encoding_is_decoded() -> None:
    page = '<html><head><meta charset="windows-1256"><title>خبر</title></head><body><p>نص الخبر.</p></body></html>'
    document = read("legacy.html", page.encode("cp1256"))
    assert document.title == "خبر" and document.text == "نص الخبر."


def test_pdf_text_layer_is_read_with_wrapped_lines_joined() -> None:
    lines = ["بحث وزير الخارجية التركي مع نظيره القطري", "ملفي أفغانستان وكازاخستان.", "عنوان فرعي",
             "وأوضح البيان أن الوزيرين تناولا آخر المستجدات."]
    document = read("story.pdf", make_pdf([lines[:3], lines[3:]], title="Press release"))
    assert document.kind == "pdf" and document.title == "Press release"
    assert document.text.splitlines() == [f"{lines[0]} {lines[1]}", lines[2], lines[3]]


def test_unwrap_lines_breaks_at_sentence_ends_short_lines_and_blank_lines() -> None:
    lines = ["The minister met his", "counterpart on Sunday.", "Talks", "Next paragraph, long enough", "",
             "After a blank line"]
    assert unwrap_lines(lines) == ["The minister met his counterpart on Sunday.", "Talks",
                                   "Next paragraph, long enough", "After a blank line"]


def test_owner_password_only_pdf_opens_without_asking() -> None:
    pdf = encrypt_pdf(make_pdf([["نص الخبر."]]), user_password="")
    assert read("locked.pdf", pdf).text == "نص الخبر."


@pytest.mark.parametrize(("name", "data", "message"), [
    ("scan.pdf", make_pdf([[], []]), r"'scan\.pdf' has no text layer \(scanned\?\) — run OCR first"),
    ("secret.pdf", encrypt_pdf(make_pdf([["نص"]]), user_password="secret"), r"'secret\.pdf' is password-protected"),
    ("cut.pdf", make_pdf([["نص الخبر."]])[:200], r"'cut\.pdf' is damaged"),
    ("fake.pdf", b"just some text", r"'fake\.pdf' is not a PDF, although its name says it is a PDF"),
    ("fake.docx", b"plain text, no zip", r"'fake\.docx' is not a Word document, although its name says"),
    ("pdf.docx", make_pdf([["نص"]]), r"'pdf\.docx' is a PDF file, although its name says it is a Word document"),
    ("docx.txt", make_docx(["نص"]), r"'docx\.txt' is a zip archive \(e\.g\. a Word \.docx\), not a text file"),
    ("pdf.html", make_pdf([["نص"]]), r"'pdf\.html' is a PDF file, not a web page"),
    ("old.doc", b"\xd0\xcf\x11\xe0", r"not '\.doc' files: save it as \.docx"),
    ("photo.jpg", b"\xff\xd8\xff", r"Khulasa reads \.txt, \.docx, \.html, \.htm and \.pdf files, not '\.jpg' files"),
    ("README", b"text", r"not files without an extension"),
    ("empty.docx", b"", r"'empty\.docx' is empty"),
    ("blank.txt", b" \n\t\n", r"'blank\.txt' is empty"),
    ("script.html", b"<html><body><script>x()</script></body></html>", r"'script\.html' is empty"),
])
def test_unusable_files_raise_input_error_naming_the_file(name: str, data: bytes, message: str) -> None:
    with pytest.raises(InputError, match=message):
        read(name, data)


def test_zip_that_is_not_a_word_document_is_refused() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("notes.txt", "نص")
    with pytest.raises(InputError, match=r"is a zip archive but not a Word document"):
        read("notes.docx", buffer.getvalue())


def test_truncated_docx_is_damaged() -> None:
    data = make_docx(ARTICLE)
    with pytest.raises(InputError, match=r"'half\.docx' is damaged and cannot be opened as a Word document"):
        read("half.docx", data[: len(data) // 2])


def test_text_file_over_the_limit_says_the_size_and_the_limit() -> None:
    data = "خبر ".encode() * 6_000
    with pytest.raises(InputError, match=r"'long\.txt' is 42,000 bytes; the limit for text files is 40,003 bytes"):
        read("long.txt", data)


def test_document_over_the_byte_limit_says_the_size_and_the_limit() -> None:
    pdf = make_pdf([["نص"]])
    with pytest.raises(InputError, match=rf"'big\.pdf' is {len(pdf):,} bytes; the limit for PDFs is 100 bytes"):
        read("big.pdf", pdf, max_bytes=100)
    assert MAX_FILE_BYTES >= 10 * 1024 * 1024


def test_document_with_more_text_than_the_limit_says_both_counts() -> None:
    paragraphs = ["كلمة " * 999 + "كلمة."] * 3
    with pytest.raises(InputError, match=r"'long\.docx' holds 15,002 characters of text; the limit is 10,000"):
        read("long.docx", make_docx(paragraphs))


def test_kind_overrides_the_extension() -> None:
    assert read("notes.md", "نص".encode(), kind="txt").text == "نص"


def test_a_text_at_the_character_limit_fits_the_byte_limit_with_its_bom() -> None:
    widest = "𐎀"  # 4 bytes in UTF-8, a surrogate pair (4 bytes) in UTF-16
    assert len(read("full.txt", codecs.BOM_UTF8 + (widest * LIMIT).encode()).text) == LIMIT
    assert len(read("full.txt", codecs.BOM_UTF16_LE + (widest * LIMIT).encode("utf-16-le")).text) == LIMIT


def test_an_endless_file_is_refused_after_the_limit_plus_one_byte() -> None:
    with open("/dev/zero", "rb") as zeros, pytest.raises(TooLarge, match=r"more than 40,003 bytes"):
        read_file("zeros.txt", zeros, max_chars=LIMIT)
    upload = io.BytesIO(b"%PDF-" + b"0" * 200)
    with pytest.raises(TooLarge, match=r"'big\.pdf' is 3,000,000,000 bytes; the limit for PDFs is 100 bytes"):
        read_file("big.pdf", upload, max_chars=LIMIT, size=3_000_000_000, max_bytes=100)
    assert upload.tell() == 0  # refused from its size alone
