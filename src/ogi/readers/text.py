"""Plain-text reader: detects the encoding (BOM, then strict UTF-8, then strict GB18030) and normalises."""

from __future__ import annotations

import codecs
from pathlib import Path

from ogi.data import Document
from ogi.errors import DocumentLoadError
from ogi.normalize import normalize

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def decode_bytes(data: bytes, path: str) -> tuple[str, str]:
    """Decode report bytes; returns ``(text, encoding)``.

    Order: a byte-order mark decides; else strict UTF-8; else strict GB18030 (a superset of GBK and
    GB2312). Binary data (NUL bytes without a UTF-16 BOM) and bytes no encoding accepts are refused.
    """
    for bom, enc in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(enc), enc
            except UnicodeDecodeError as exc:
                raise DocumentLoadError(path, f"starts with a {enc} byte-order mark but does not decode: {exc}") from exc
    if b"\x00" in data[:4096]:
        raise DocumentLoadError(path, "binary file (NUL bytes), not a text report")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError as exc:
        raise DocumentLoadError(path, f"undecodable bytes: neither UTF-8 nor GB18030 ({exc.reason} at byte {exc.start})") from exc


def document_from_text(raw: str, path: str, doc_id: str, fmt: str = "text") -> Document:
    """Build a Document from already-decoded text whose lines are the source lines."""
    text, offsets = normalize(raw)
    n_lines = text.count("\n") + 1
    return Document(
        id=doc_id, path=path, raw=raw, text=text, raw_offsets=offsets, line_map=list(range(1, n_lines + 1)), fmt=fmt
    )


def read_text(path: Path, data: bytes | None = None) -> Document:
    """Read a plain-text report (Markdown inside it goes to the Markdown reader)."""
    data = path.read_bytes() if data is None else data
    raw, encoding = decode_bytes(data, str(path))
    from ogi.readers.markdown import looks_like_markdown, mostly_markup, read_markdown

    if looks_like_markdown(raw):  # PDF-to-Markdown output saved as .txt
        if mostly_markup(raw):  # an HTML fragment without <html>/<body>
            from ogi.readers.html import read_html

            return read_html(path, data)
        return read_markdown(path, raw=raw, encoding=encoding)
    doc = document_from_text(raw, str(path), path.stem)
    doc.meta["encoding"] = encoding
    return doc
