"""Readers turn an input file into a ``Document``; ``read`` picks one by extension and content."""

from __future__ import annotations

from pathlib import Path

from ogi.data import Document
from ogi.errors import DocumentLoadError, UnsupportedFormatError

MAX_BYTES = 50 * 1024 * 1024  # larger inputs are refused before reading (memory stays bounded)

# THE table of input suffixes (one list for the whole program: batch folder scans use it too).
# suffix → the reader that reads it; content can still override (HTML saved as .txt, a PDF without
# its extension, Markdown inside a .txt).
READERS: dict[str, str] = {
    ".txt": "text",
    ".text": "text",
    ".md": "markdown",
    ".markdown": "markdown",
    ".html": "html",
    ".htm": "html",
    ".shtml": "html",
    ".xhtml": "html",
    ".pdf": "pdf",
    ".docx": "docx",
    ".csv": "csv",
    ".tsv": "csv",
    ".xlsx": "xlsx",
}
# formats recognised but not read: a clear failed record naming the converter, not a silent skip
DECLINED: dict[str, str] = {
    ".doc": "docx",
    ".wps": "docx",
    ".rtf": "docx",
    ".xls": "xlsx",
    ".et": "xlsx",
}
READABLE_SUFFIXES = frozenset(READERS)
DECLINED_SUFFIXES = frozenset(DECLINED)
SUPPORTED_SUFFIXES = READABLE_SUFFIXES | DECLINED_SUFFIXES  # what a folder scan picks up

TEXT_SUFFIXES = {s for s, r in READERS.items() if r == "text"} | {""}
MARKDOWN_SUFFIXES = {s for s, r in READERS.items() if r == "markdown"}
HTML_SUFFIXES = {s for s, r in READERS.items() if r == "html"}


def _looks_like_html(head: bytes) -> bool:
    """An HTML page (not text or Markdown with an HTML table in it: the text reader tells those)."""
    low = head[:2048].lower()
    return b"<html" in low or b"<!doctype html" in low or b"<body" in low


def read(path: str | Path) -> Document:
    """Read one report file of any supported format.

    Raises:
        DocumentLoadError: the file is missing, empty, too large, binary or undecodable.
        UnsupportedFormatError: a format ogi declines (.doc, .wps): the message names a converter.
    """
    p = Path(path)
    if not p.is_file():
        raise DocumentLoadError(str(p), "no such file")
    size = p.stat().st_size
    if size == 0:
        raise DocumentLoadError(str(p), "empty file")
    if size > MAX_BYTES:
        raise DocumentLoadError(str(p), f"file too large ({size} bytes > {MAX_BYTES})")
    suffix = p.suffix.lower()
    if suffix in DECLINED:
        raise UnsupportedFormatError(
            str(p),
            f"{suffix} files are not read; convert first, e.g. `libreoffice --headless --convert-to {DECLINED[suffix]} {p.name}`",
        )
    if suffix == ".pdf":
        from ogi.readers.pdf import read_pdf

        return read_pdf(p)
    if suffix == ".docx":
        from ogi.readers.docx import read_docx

        return read_docx(p)
    if suffix == ".xlsx":
        from ogi.readers.spreadsheet import read_xlsx

        return read_xlsx(p)
    data = p.read_bytes()
    if suffix in MARKDOWN_SUFFIXES and not _looks_like_html(data):
        from ogi.readers.markdown import read_markdown

        return read_markdown(p, data)
    if READERS.get(suffix) == "csv" and not _looks_like_html(data):
        from ogi.readers.spreadsheet import read_delimited

        return read_delimited(p, data)
    if suffix in HTML_SUFFIXES or _looks_like_html(data):
        from ogi.readers.html import read_html

        return read_html(p, data)
    if data.startswith(b"%PDF"):
        from ogi.readers.pdf import read_pdf

        return read_pdf(p)
    if data.startswith(b"PK\x03\x04"):
        raise DocumentLoadError(str(p), "a zip archive (DOCX or XLSX?) without its extension; rename it to .docx or .xlsx")
    return _read_text_like(p, data)


def _read_text_like(p: Path, data: bytes) -> Document:
    """Text whose content decides the reader: Markdown (PDF-to-Markdown output saved as .txt), an HTML
    fragment without <html>/<body>, or plain text."""
    from ogi.readers.markdown import looks_like_markdown, mostly_markup, read_markdown
    from ogi.readers.text import check_length, decode_bytes, text_document

    raw, encoding = decode_bytes(data, str(p))
    check_length(raw, str(p))
    if looks_like_markdown(raw):
        if mostly_markup(raw):
            from ogi.readers.html import read_html

            return read_html(p, data)
        return read_markdown(p, raw=raw, encoding=encoding)
    return text_document(p, raw, encoding)
