"""HTML reader: visible text in document order; each ``<table>`` row one line of " | "-joined cells.

Rowspan/colspan are expanded into a grid: a spanned cell's text sits in its top-left slot and the
other slots it covers are empty strings, so every row holds every grid position. ``raw`` is the
decoded source; ``raw_offsets`` point each char of ``text`` at its place in the source (found by a
forward search; entity-bearing text falls back to the enclosing position); ``line_map`` gives lxml's
``sourceline`` of the element each line comes from.

The helpers ``Line``, ``build_document``, ``clean_cell`` and ``join_broken`` are shared with the
DOCX and PDF readers.
"""

from __future__ import annotations

import codecs
import re
from bisect import bisect_right
from dataclasses import dataclass, field
from pathlib import Path

from ogi.data import Document
from ogi.errors import DocumentLoadError
from ogi.normalize import normalize
from ogi.readers.text import decode_bytes

# --------------------------------------------------------------------------- shared helpers

CELL_SEP = " | "
_CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f]")
_STRIP = " \t\r\n\f\v\u00a0\u3000"


def is_cjk(ch: str) -> bool:
    """True for a CJK ideograph or CJK/full-width punctuation."""
    return bool(ch) and bool(_CJK.match(ch))


def join_broken(parts: list[str]) -> str:
    """Join the pieces of a cell broken over lines: "" next to CJK chars, " " otherwise."""
    out = ""
    for part in parts:
        part = part.strip(_STRIP)
        if not part:
            continue
        if out and not (is_cjk(out[-1]) or is_cjk(part[0])):
            out += " "
        out += part
    return out


def clean_cell(text: str) -> str:
    """A cell's text on one line: whitespace runs folded, ends trimmed, "|" kept out of the cell."""
    text = re.sub(r"[ \t\r\n\f\v\u00a0\u3000]+", " ", text).strip()
    return text.replace("|", "/")


@dataclass
class Line:
    """One rendered output line: its chars, the raw offset of each char and its 1-based source line."""

    source_line: int
    chars: list[str] = field(default_factory=list)
    offsets: list[int] = field(default_factory=list)

    def add(self, text: str, offsets: list[int] | int) -> None:
        if isinstance(offsets, int):
            offsets = [offsets] * len(text)
        self.chars.extend(text)
        self.offsets.extend(offsets)

    def strip(self) -> None:
        while self.chars and self.chars[-1] in _STRIP:
            self.chars.pop()
            self.offsets.pop()
        k = 0
        while k < len(self.chars) and self.chars[k] in _STRIP:
            k += 1
        if k:
            del self.chars[:k]
            del self.offsets[:k]

    @property
    def text(self) -> str:
        return "".join(self.chars)


def build_document(lines: list[Line], *, raw: str | None, path: str, doc_id: str, fmt: str, grid: bool) -> Document:
    """Normalise the rendered ``lines``; ``raw`` None means the rendering itself is the raw text."""
    parts: list[str] = []
    rmap: list[int] = []
    line_map: list[int] = []
    for k, line in enumerate(lines):
        if k:
            parts.append("\n")
            rmap.append(rmap[-1] + 1 if rmap else 0)
        parts.append(line.text)
        rmap.extend(line.offsets)
        line_map.append(max(1, int(line.source_line or 1)))
    rendered = "".join(parts)
    if not line_map:
        line_map = [1]
    text, offsets = normalize(rendered)
    if raw is None:
        raw_text, raw_offsets = rendered, offsets
    else:
        raw_text = raw
        rmap.append(len(raw))
        raw_offsets = [rmap[o] if o < len(rmap) else len(raw) for o in offsets]
    doc = Document(id=doc_id, path=path, raw=raw_text, text=text, raw_offsets=raw_offsets, line_map=line_map, fmt=fmt)
    doc.meta["grid"] = grid
    return doc


# --------------------------------------------------------------------------- encoding

_META_CHARSET = re.compile(rb"<meta[^>]*?charset\s*=\s*[\"']?\s*([A-Za-z0-9_.:\-]+)", re.I)
_GB = {"gbk", "gb2312", "gb_2312", "gb_2312-80", "x-gbk", "gb18030", "cp936", "ms936", "euc-cn", "csgb2312", "hz-gb-2312"}
_MAX_CELLS = 2_000_000  # grid positions per document, bounds memory on colspan/rowspan abuse
_MAX_SPAN = 1000
_LAYOUT_MIN_ROWS = 3  # a table holding a nested table of this many rows is page layout


def sniff_encoding(data: bytes) -> str | None:
    """The charset a ``<meta>`` in the first 4 KB declares (GB family → gb18030), or None."""
    m = _META_CHARSET.search(data[:4096])
    if not m:
        return None
    name = m.group(1).decode("ascii", "ignore").lower()
    if name in _GB:
        return "gb18030"
    if name in {"utf8", "utf-8"}:
        return "utf-8"
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def decode_html(data: bytes, path: str) -> tuple[str, str]:
    """BOM, then the declared ``<meta>`` charset, then strict UTF-8, then GB18030."""
    if data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return decode_bytes(data, path)
    if b"\x00" in data[:4096]:
        raise DocumentLoadError(path, "binary file (NUL bytes), not an HTML report")
    declared = sniff_encoding(data)
    if declared == "gb18030" and not data.isascii():
        # GB18030 accepts almost any bytes: a page mislabelled gbk that is valid UTF-8 is UTF-8
        try:
            return data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            pass
    if declared:
        try:
            return data.decode(declared), declared
        except (UnicodeDecodeError, LookupError):
            pass
    return decode_bytes(data, path)


# --------------------------------------------------------------------------- rendering

_BLOCK = {
    "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl", "dt", "dd", "blockquote", "pre",
    "section", "article", "header", "footer", "nav", "aside", "main", "figure", "figcaption", "address", "hr",
    "form", "fieldset", "center", "caption", "tr", "td", "th", "thead", "tbody", "tfoot", "body", "html", "title",
    "legend", "details", "summary", "option", "textarea",
}
_SKIP = {"script", "style", "head", "noscript", "template", "iframe", "object", "embed", "svg", "math", "select", "button", "input", "img", "meta", "link"}
_WS_OR_WORD = re.compile(r"[^ \t\n\r\f]+|[ \t\n\r\f]+")
_LITERAL_PIECES = re.compile(r"[^\u00a0&<>\"'\u3000]+|.", re.S)
_NON_TEXT = re.compile(
    r"<!--.*?-->|<script\b.*?</script\s*>|<style\b.*?</style\s*>|<!\[CDATA\[.*?\]\]>|<[^>]*>", re.S | re.I
)
_HIDDEN = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_RAW_CLOSE = {"<!--": re.compile("-->"), "<![cdata[": re.compile(r"\]\]>"),
              "<script": re.compile(r"</script\s*>", re.I), "<style": re.compile(r"</style\s*>", re.I)}


def _non_text_spans(src: str) -> list[tuple[int, int]]:
    """The spans ``_NON_TEXT.finditer`` finds (comments, script, style, CDATA, tags), in linear time.

    The regex retries its lazy ``.*?`` to the end of the source at every ``<!--`` or ``<script`` that is
    never closed: quadratic (a 1 MB page of unclosed ``<script>``: about 35 minutes). Here each kind of
    terminator is searched for once past the last one found; once it is known to be absent, later
    openers of that kind fall through to the plain-tag rule, as they do in the regex.
    """
    spans: list[tuple[int, int]] = []
    absent: set[str] = set()
    low = src.lower()
    n = len(src)
    p = src.find("<")
    while p >= 0:
        end = -1
        for opener, close in _RAW_CLOSE.items():
            if opener in absent or not low.startswith(opener, p):
                continue
            after = p + len(opener)
            if opener in ("<script", "<style") and after < n and (src[after].isalnum() or src[after] == "_"):
                continue  # \b: <scripts> is not a script
            m = close.search(src, after)
            if m is None:
                absent.add(opener)
                continue
            end = m.end()
            break
        if end < 0:
            if ">" in absent:
                break  # no ">" after here: nothing else can match
            gt = src.find(">", p + 1)
            if gt < 0:
                absent.add(">")
                break
            end = gt + 1  # "<[^>]*>": [^>] admits "<", so the span runs to the first ">"
        spans.append((p, end))
        p = src.find("<", end)
    return spans
_SEARCH_WINDOW = 200_000


def _tag(el) -> str | None:  # noqa: ANN001 - lxml element
    tag = el.tag
    if not isinstance(tag, str):
        return None
    return tag.rsplit("}", 1)[-1].lower()


def _span(value: str | None, default: int = 1) -> int:
    try:
        n = int(str(value).strip().split(".")[0]) if value is not None else default
    except ValueError:
        return default
    return n


class _Renderer:
    def __init__(self, src: str) -> None:
        self.src = src
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", src)]
        spans = _non_text_spans(src)
        self.nt_starts = [a for a, _ in spans]
        self.nt_ends = [b for _, b in spans]
        self.cursor = 0
        self.lines: list[Line] = []
        self.cur: Line | None = None
        self.pending_space = False
        self.soft_break = False
        self.cell_mode = 0
        self.n_cells = 0

    # -- offsets
    def _line_start(self, lineno: int | None) -> int:
        if not lineno:
            return 0
        return self.line_starts[min(len(self.line_starts), max(1, lineno)) - 1]

    def _in_text(self, a: int, b: int) -> bool:
        k = bisect_right(self.nt_starts, a) - 1
        if k >= 0 and self.nt_ends[k] > a:
            return False
        return not (k + 1 < len(self.nt_starts) and self.nt_starts[k + 1] < b)

    def _find(self, run: str, start: int) -> int:
        limit = start + _SEARCH_WINDOW
        for _ in range(64):
            pos = self.src.find(run, start, limit)
            if pos < 0:
                return -1
            if self._in_text(pos, pos + len(run)):
                return pos
            start = pos + 1
        return -1

    def locate(self, run: str, lower: int) -> list[int]:
        """Offsets of ``run``'s chars in the source, searching forward from the last match."""
        start = max(self.cursor, lower)
        pos = self._find(run, start)
        if pos >= 0:
            self.cursor = pos + len(run)
            return list(range(pos, pos + len(run)))
        out: list[int] = []
        for m in _LITERAL_PIECES.finditer(run):
            piece = m.group()
            pos = self._find(piece, max(self.cursor, lower)) if len(piece) > 1 or piece not in "\u00a0&<>\"'\u3000" else -1
            if pos >= 0:
                out.extend(range(pos, pos + len(piece)))
                self.cursor = pos + len(piece)
            else:
                out.extend([max(self.cursor, lower)] * len(piece))
        return out

    # -- inline text
    def text(self, s: str | None, lineno: int | None) -> None:
        if not s:
            return
        lower = self._line_start(lineno)
        for m in _WS_OR_WORD.finditer(s):
            run = m.group()
            if run[0] in " \t\n\r\f":
                if self.cur is not None and self.cur.chars:
                    self.pending_space = True
                continue
            offs = self.locate(run, lower)
            if self.cur is None:
                self.cur = Line(bisect_right(self.line_starts, offs[0]) if offs else (lineno or 1))
            if self.cur.chars:
                if self.soft_break:
                    if not (is_cjk(self.cur.chars[-1]) or is_cjk(run[0])):
                        self.cur.add(" ", offs[0])
                elif self.pending_space:
                    self.cur.add(" ", offs[0])
            self.soft_break = self.pending_space = False
            self.cur.add(run.replace("|", "/") if self.cell_mode else run, offs)

    def flush(self) -> None:
        if self.cell_mode:
            self.soft_break = True
            self.pending_space = False
            return
        if self.cur is not None:
            self.cur.strip()
            if self.cur.chars:
                self.lines.append(self.cur)
        self.cur = None
        self.pending_space = self.soft_break = False

    # -- elements
    def node(self, el) -> None:  # noqa: ANN001
        """Render an element's content (its text and children with their tails)."""
        self.text(el.text, el.sourceline)
        for child in el:
            tag = _tag(child)
            line = child.sourceline or el.sourceline
            if tag is None or tag in _SKIP or child.get("hidden") is not None or _HIDDEN.search(child.get("style") or ""):
                pass
            elif tag == "br":
                self.flush()
            elif tag == "table" and not self.cell_mode:
                self.flush()
                self.table(child)
                self.flush()
            elif tag in _BLOCK or tag == "table":
                self.flush()
                self.node(child)
                self.flush()
            else:
                self.node(child)
            self.text(child.tail, line)

    def cell(self, el) -> Line:  # noqa: ANN001
        saved = (self.cur, self.pending_space, self.soft_break)
        self.cur = Line(el.sourceline or 1)
        self.pending_space = self.soft_break = False
        self.cell_mode += 1
        try:
            self.node(el)
        finally:
            self.cell_mode -= 1
        out = self.cur
        out.strip()
        self.cur, self.pending_space, self.soft_break = saved
        return out

    def table(self, tbl) -> None:  # noqa: ANN001
        rows = []
        for child in tbl:
            tag = _tag(child)
            if tag == "caption":
                self.node(child)
                self.flush()
            elif tag == "tr":
                rows.append(child)
            elif tag in {"thead", "tbody", "tfoot"}:
                rows.extend(r for r in child if _tag(r) == "tr")
        if any(sum(1 for _ in t.iter("tr")) >= _LAYOUT_MIN_ROWS for t in tbl.iterdescendants("table")):
            # a layout table (the page's content, report tables included, inside a cell): its
            # cells are page regions, rendered one after another as blocks, not as one row; a
            # small table inside a data cell stays flattened into that cell
            for tr in rows:
                for td in tr:
                    if _tag(td) in {"td", "th"}:
                        self.flush()
                        self.node(td)
                        self.flush()
            return
        n_rows = len(rows)
        grid: dict[tuple[int, int], Line | None] = {}
        width = 0
        for r, tr in enumerate(rows):
            c = 0
            for td in tr:
                if _tag(td) not in {"td", "th"}:
                    continue
                while (r, c) in grid:
                    c += 1
                cs = max(1, min(_MAX_SPAN, _span(td.get("colspan"))))
                rs = _span(td.get("rowspan"))
                rs = n_rows - r if rs <= 0 else min(rs, n_rows - r)
                self.n_cells += cs * rs
                if self.n_cells > _MAX_CELLS:
                    raise ValueError(f"tables hold more than {_MAX_CELLS} grid cells")
                grid[(r, c)] = self.cell(td)
                for dr in range(rs):
                    for dc in range(cs):
                        if dr or dc:
                            grid.setdefault((r + dr, c + dc), None)
                c += cs
                width = max(width, c)
        for r, tr in enumerate(rows):
            if not any((r, c) in grid for c in range(width)):
                continue
            line = Line(tr.sourceline or tbl.sourceline or 1)
            last = self._line_start(line.source_line)
            for c in range(width):
                content = grid.get((r, c))
                if c:
                    line.add(CELL_SEP, last)
                if content is not None and content.chars:
                    line.add(content.text, content.offsets)
                    last = content.offsets[-1] + 1
            self.lines.append(line)


def read_html(path: Path, data: bytes | None = None) -> Document:
    """Read an HTML report (see the module docstring)."""
    import lxml.etree
    import lxml.html

    path = Path(path)
    data = path.read_bytes() if data is None else data
    if not data.strip():
        raise DocumentLoadError(str(path), "empty HTML file")
    raw, encoding = decode_html(data, str(path))
    # lxml refuses str input with an XML encoding declaration, and NUL/control chars: blank them out
    # (same length, so source offsets and lines hold).
    parse_src = re.sub(r"^\s*<\?xml[^>]*\?>", lambda m: " " * len(m.group()), raw)
    parse_src = re.sub(r"[\x00-\x08\x0b\x0e-\x1f\ufffe\uffff]", " ", parse_src)
    try:
        root = lxml.html.document_fromstring(parse_src)
    except (lxml.etree.ParserError, lxml.etree.XMLSyntaxError, ValueError) as exc:
        raise DocumentLoadError(str(path), f"unparseable HTML: {exc}") from exc
    body = root.find("body")
    if body is None:
        body = root
    renderer = _Renderer(raw)
    try:
        renderer.node(body)
        renderer.flush()
    except RecursionError as exc:
        raise DocumentLoadError(str(path), "HTML nested too deeply to read") from exc
    except ValueError as exc:
        raise DocumentLoadError(str(path), f"HTML too large to read: {exc}") from exc
    if not renderer.lines:
        raise DocumentLoadError(str(path), "HTML without any visible text")
    doc = build_document(renderer.lines, raw=raw, path=str(path), doc_id=path.stem, fmt="html", grid=True)
    doc.meta["encoding"] = encoding
    return doc


def render_fragment(fragment: str) -> list[Line]:
    """Lines of an HTML fragment (a ``<table>`` inside Markdown or text), offsets and source lines
    relative to the fragment; an unparseable fragment gives no lines (the caller keeps it as text)."""
    import lxml.etree
    import lxml.html

    src = re.sub(r"[\x00-\x08\x0b\x0e-\x1f\ufffe\uffff]", " ", fragment)
    try:
        root = lxml.html.document_fromstring(src)
    except (lxml.etree.ParserError, lxml.etree.XMLSyntaxError, ValueError):
        return []
    body = root.find("body")
    renderer = _Renderer(fragment)
    try:
        renderer.node(root if body is None else body)
        renderer.flush()
    except (RecursionError, ValueError):
        return []
    return renderer.lines
