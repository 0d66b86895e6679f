"""Plain-text reader: detects the encoding (BOM; UTF-16 without one; strict UTF-8; GB18030 or Big5) and normalises."""

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


MAX_TEXT_CHARS = 3_000_000  # ~9 MB of Chinese; a real report is under 200 000 chars. Tagging costs
# about 0.2 GB per million chars, so this bounds a text before any of that memory is spent.
_SAMPLE = 20_000  # chars scored when telling GB18030 from Big5


def _utf16_without_bom(data: bytes) -> str | None:
    """``utf-16-le``/``utf-16-be`` for NUL-bearing bytes that decode to plain text that way (ASCII
    digits, spaces and newlines have a NUL high byte); the byte order whose text is more Han, ASCII
    and CJK punctuation wins; None when neither reads as text."""
    if len(data) % 2:
        return None
    best, best_score = None, 0.0
    for enc in ("utf-16-le", "utf-16-be"):
        try:
            sample = data[: 2 * _SAMPLE].decode(enc)
        except UnicodeDecodeError:
            continue
        plain = sum(1 for ch in sample if ("\u4e00" <= ch <= "\u9fff") or (" " <= ch <= "~") or ch in "\r\n\t"
                    or "\u3000" <= ch <= "\u303f" or "\uff00" <= ch <= "\uffef")
        score = plain / max(1, len(sample))
        if score > best_score:
            best, best_score = enc, score
    if best is None or best_score < 0.9:
        return None
    try:
        data.decode(best)
    except UnicodeDecodeError:
        return None
    return best


def _common_share(text: str, encoding: str, lead_lo: int, lead_hi: int) -> float:
    """Share of the non-ASCII chars of ``text`` that are common Han characters of ``encoding`` (the lead
    byte in the encoding's frequent-character range: GB2312 level 1, Big5 常用字)."""
    n = hits = 0
    for ch in text[:_SAMPLE]:
        if ch < "\x80":
            continue
        n += 1
        if "\u4e00" <= ch <= "\u9fff":
            try:
                b = ch.encode(encoding)
            except UnicodeEncodeError:
                continue
            if len(b) == 2 and lead_lo <= b[0] <= lead_hi:
                hits += 1
    return hits / n if n else 0.0


def decode_bytes(data: bytes, path: str) -> tuple[str, str]:
    """Decode report bytes; returns ``(text, encoding)``.

    Order: a byte-order mark decides; NUL bytes mean UTF-16 without a BOM (or binary); else strict
    UTF-8; else GB18030 or Big5, whichever reads as common Han characters (each accepts most of the
    other's byte pairs: Big5 read as GB18030 gives rare characters and kana, so strictness alone
    cannot tell them apart). Bytes no encoding accepts are refused.
    """
    for bom, enc in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(enc), enc
            except UnicodeDecodeError as exc:
                raise DocumentLoadError(path, f"starts with a {enc} byte-order mark but does not decode: {exc}") from exc
    if b"\x00" in data[:4096]:
        enc = _utf16_without_bom(data)
        if enc:
            return data.decode(enc), enc
        raise DocumentLoadError(path, "binary file (NUL bytes), not a text report")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    decoded: dict[str, str] = {}
    gb_error: UnicodeDecodeError | None = None
    for enc in ("gb18030", "big5"):
        try:
            decoded[enc] = data.decode(enc)
        except UnicodeDecodeError as exc:
            if enc == "gb18030":
                gb_error = exc
    if len(decoded) == 2:
        gb = _common_share(decoded["gb18030"], "gb2312", 0xB0, 0xD7)
        big5 = _common_share(decoded["big5"], "big5", 0xA4, 0xC6)
        return (decoded["big5"], "big5") if big5 > gb else (decoded["gb18030"], "gb18030")
    for enc in ("gb18030", "big5"):
        if enc in decoded:
            return decoded[enc], enc
    where = f" ({gb_error.reason} at byte {gb_error.start})" if gb_error else ""
    raise DocumentLoadError(path, f"undecodable bytes: neither UTF-8, GB18030 nor Big5{where}")


def check_length(text: str, path: str) -> None:
    """Refuse a text too long to be a report before tagging spends memory on it.

    Raises:
        DocumentLoadError: more than ``MAX_TEXT_CHARS`` characters.
    """
    if len(text) > MAX_TEXT_CHARS:
        raise DocumentLoadError(
            path, f"text too long for a report ({len(text):,} characters > {MAX_TEXT_CHARS:,}); split the file"
        )


def document_from_text(raw: str, path: str, doc_id: str, fmt: str = "text") -> Document:
    """Build a Document from already-decoded text whose lines are the source lines."""
    text, offsets = normalize(raw)
    n_lines = text.count("\n") + 1
    return Document(
        id=doc_id, path=path, raw=raw, text=text, raw_offsets=offsets, line_map=list(range(1, n_lines + 1)), fmt=fmt
    )


def read_text(path: Path, data: bytes | None = None) -> Document:
    """Read a plain-text report (``readers.read`` sends Markdown and HTML written in a .txt elsewhere)."""
    data = path.read_bytes() if data is None else data
    raw, encoding = decode_bytes(data, str(path))
    check_length(raw, str(path))
    return text_document(path, raw, encoding)


def text_document(path: Path, raw: str, encoding: str) -> Document:
    """The Document of decoded plain text, its encoding noted."""
    doc = document_from_text(raw, str(path), path.stem)
    doc.meta["encoding"] = encoding
    return doc
