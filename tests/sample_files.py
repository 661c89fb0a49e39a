"""Small documents built in the tests: Word files with python-docx, PDFs by hand, HTML pages as strings.

The PDFs carry a text layer through a Type0 font whose ToUnicode map sends glyph 1, 2, ... to the characters
used, so Arabic text extracts exactly without embedding a real font. Lines holding Arabic are drawn in visual
order (reversed), as PDF writers draw them; keep such lines to letters, spaces and a final full stop, which a
plain reversal puts in visual order.
"""

from __future__ import annotations

import io

import docx
from pypdf import PdfReader, PdfWriter


def make_docx(paragraphs: list[str], *, title: str = "") -> bytes:
    document = docx.Document()
    document.core_properties.title = title
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def make_pdf(pages: list[list[str]], *, title: str = "") -> bytes:
    """A PDF whose pages hold these lines of text; a page with no lines is blank, like a scan with no OCR."""
    characters = sorted({char for lines in pages for line in lines for char in line})
    glyphs = {char: index + 1 for index, char in enumerate(characters)}
    objects: list[bytes] = []

    def add(body: bytes) -> int:
        objects.append(body)
        return len(objects)

    def stream(data: bytes) -> bytes:
        return b"<< /Length %d >>\nstream\n%s\nendstream" % (len(data), data)

    catalog = add(b"")
    tree = add(b"")
    cmap = add(stream(_to_unicode(glyphs)))
    cid_font = add(b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /KhulasaTest /CIDSystemInfo "
                   b"<< /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /DW 500 >>")
    font = add(b"<< /Type /Font /Subtype /Type0 /BaseFont /KhulasaTest /Encoding /Identity-H "
               b"/DescendantFonts [%d 0 R] /ToUnicode %d 0 R >>" % (cid_font, cmap))
    kids = []
    for lines in pages:
        shown = b" T* ".join(b"<%s> Tj" % "".join(f"{glyphs[c]:04X}" for c in _visual(line)).encode()
                             for line in lines)
        content = add(stream(b"BT /F1 12 Tf 14 TL 50 800 Td " + shown + b" ET" if lines else b""))
        kids.append(add(b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 %d 0 R "
                        b">> >> /Contents %d 0 R >>" % (tree, font, content)))
    objects[catalog - 1] = b"<< /Type /Catalog /Pages %d 0 R >>" % tree
    objects[tree - 1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (
        b" ".join(b"%d 0 R" % kid for kid in kids), len(kids))
    info = add(b"<< /Title (%s) >>" % title.encode("latin-1")) if title else 0
    return _assemble(objects, catalog, info)


def encrypt_pdf(pdf: bytes, *, user_password: str, owner_password: str = "owner") -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    writer.encrypt(user_password, owner_password)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _visual(line: str) -> str:
    return line[::-1] if any("\u0600" <= char <= "\u06ff" for char in line) else line


def _to_unicode(glyphs: dict[str, int]) -> bytes:
    entries = [f"<{glyph:04X}> <{ord(char):04X}>" for char, glyph in glyphs.items()]
    blocks = "".join(f"{len(chunk)} beginbfchar\n" + "\n".join(chunk) + "\nendbfchar\n"
                     for chunk in (entries[i:i + 100] for i in range(0, len(entries), 100)))
    return ("/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n"
            "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
            "/CMapName /Adobe-Identity-UCS def /CMapType 2 def\n"
            "1 begincodespacerange <0000> <FFFF> endcodespacerange\n" + blocks +
            "endcmap CMapName currentdict /CMap defineresource pop end end").encode()


def _assemble(objects: list[bytes], root: int, info: int) -> bytes:
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    trailer = b"/Size %d /Root %d 0 R" % (len(objects) + 1, root) + (b" /Info %d 0 R" % info if info else b"")
    out += b"trailer\n<< %s >>\nstartxref\n%d\n%%%%EOF\n" % (trailer, xref)
    return bytes(out)
