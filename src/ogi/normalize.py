"""Text normalisation with a map back to raw offsets.

NFKC (full-width digits and punctuation to ASCII), traditional → simplified script (OpenCC), junk
"?" / U+FFFD / control characters removed, odd spaces folded to " ", CRLF → LF. Line structure is
kept: the normalised text has exactly the raw text's lines.
"""

from __future__ import annotations

import re
import unicodedata
from array import array
from functools import lru_cache

_JUNK = {"?", "\ufffd", "\ufeff", "\u200b", "\u200c", "\u200d", "\u2060"}
_SPACES = {"\t", "\u00a0", "\u3000", "\u2002", "\u2003", "\u2009", "\u202f", "\u205f", "\x0b", "\x0c"}
# Characters that are plainly traditional; a line without any skips OpenCC (the hot path).
_HAN = re.compile(r"[\u4e00-\u9fff]")


@lru_cache(maxsize=1)
def _converter():  # noqa: ANN202 - opencc has no stubs
    import opencc

    return opencc.OpenCC("t2s")


@lru_cache(maxsize=200_000)
def _t2s_line(line: str) -> str:
    return _converter().convert(line)


@lru_cache(maxsize=4096)
def _nfkc_char(ch: str) -> str:
    if ch in _JUNK:
        return ""
    if ch in _SPACES:
        return " "
    cat = unicodedata.category(ch)
    if cat == "Cc" and ch != "\n":
        return ""
    out = unicodedata.normalize("NFKC", ch)
    if out in _JUNK:
        return ""
    # NFKC turns "？" into "?": junk by the rule above; keep other expansions (㎡ → m2).
    return out.replace("?", "")


_NEEDS_WORK = re.compile("[?\ufffd\ufeff\u200b\u200c\u200d\u2060\t\u00a0\u3000\u2002\u2003\u2009\u202f\u205f\x00-\x08\x0b-\x1f\x7f-\x9f]")


_SPACE_TABLE = {ord(c): " " for c in _SPACES}
_JUNK_RE = re.compile("[?\ufffd\ufeff\u200b\u200c\u200d\u2060\x00-\x09\x0b-\x1f\x7f-\x9f]")


def _line_needs_work(line: str) -> bool:
    if _NEEDS_WORK.search(line):
        return True
    return not line.isascii() and not unicodedata.is_normalized("NFKC", line)


def normalize(raw: str, *, to_simplified: bool = True) -> tuple[str, array]:
    """Normalise ``raw``; returns ``(text, offsets)`` where ``offsets[i]`` is the raw offset of ``text[i]``.

    ``offsets`` (a compact integer array) has one extra entry (``len(raw)``) so that end offsets map
    too. Lines that need no change (most of a report) are copied whole: the per-character path runs
    only where NFKC, junk or odd spaces require it.
    """
    out: list[str] = []
    offsets = array("l")
    pos = 0
    n = len(raw)
    for line in raw.split("\n"):
        lend = pos + len(line)
        body = line[:-1] if line.endswith("\r") else line
        if not _line_needs_work(body):
            out.append(body)
            offsets.extend(range(pos, pos + len(body)))
        else:
            nf = unicodedata.normalize("NFKC", body).translate(_SPACE_TABLE)
            if len(nf) == len(body):  # char-for-char: drop the junk, keep the positions
                if _JUNK_RE.search(nf):
                    keep = [i for i, ch in enumerate(nf) if not _JUNK_RE.match(ch)]
                    out.append("".join(nf[i] for i in keep))
                    offsets.extend(pos + i for i in keep)
                else:
                    out.append(nf)
                    offsets.extend(range(pos, pos + len(body)))
            else:  # an expansion (㎡ → m2) or composition: map char by char
                chars: list[str] = []
                for i, ch in enumerate(body):
                    rep = "" if ch == "?" else (ch if (ch.isascii() and ch.isprintable()) else _nfkc_char(ch))
                    for r in rep:
                        chars.append(r)
                        offsets.append(pos + i)
                out.append("".join(chars))
        if lend < n:  # the newline (a CRLF maps to its LF)
            out.append("\n")
            offsets.append(lend)
        pos = lend + 1
    offsets.append(n)
    text = "".join(out)
    if to_simplified and _HAN.search(text):
        text, offsets = _simplify(text, offsets)
    return text, offsets


def _simplify(text: str, offsets: array) -> tuple[str, array]:
    """Traditional → simplified per line; offsets kept char by char where lengths agree."""
    lines = text.split("\n")
    out_lines: list[str] = []
    new_offsets = array("l")
    pos = 0
    for line in lines:
        conv = _t2s_line(line) if _HAN.search(line) else line
        if len(conv) == len(line):
            new_offsets.extend(offsets[pos : pos + len(line)])
        else:  # a phrase conversion changed the length: spread the line's offsets
            span = offsets[pos : pos + len(line)] or [offsets[pos]]
            for k in range(len(conv)):
                new_offsets.append(span[min(len(span) - 1, k * len(span) // max(1, len(conv)))])
        out_lines.append(conv)
        pos += len(line)
        if pos < len(text):  # the newline
            new_offsets.append(offsets[pos])
            pos += 1
    new_offsets.append(offsets[-1])
    return "\n".join(out_lines), new_offsets


def normalize_value(text: str) -> str:
    """A cell value as SCHEMA.md wants it: NFKC, simplified script ("萬元" → "万元"), junk removed, trimmed."""
    return normalize(text)[0].strip()


# Label text for matching (schema aliases, the key matcher): numbering, spaces and punctuation removed.
_NUMBERING = re.compile(
    r"^\s*(?:[(（]?[一二三四五六七八九十]+[)）、.．]|[(（][一二三四五六七八九十\d]+[)）]|\d+[.．、)）]|[①-⑩])\s*"
)
_STRIP = re.compile(r"[\s\u3000:：，,。.;；“”\"'‘’《》()（）/、|_\-—]+")


def strip_numbering(text: str) -> str:
    """Remove a leading list numbering such as 一、 （三） 2. from a label (repeatedly)."""
    prev = None
    while prev != text:
        prev = text
        text = _NUMBERING.sub("", text, count=1)
    return text


@lru_cache(maxsize=65536)
def squash(text: str) -> str:
    """Label text reduced for matching: numbering, spaces and punctuation removed."""
    return _STRIP.sub("", strip_numbering(text))
