"""PDF reader: pdfplumber's text layer, words clustered into rows and cells by position.

Per page, words are grouped into rows by their ``top`` (tolerance ~3 pt); within a row, a gap wider
than ~1.5 char widths starts a new cell. A row of two or more cells is rendered as cells joined by
" | ", others as a plain line. Page headers/footers (text repeating at the same y on most pages,
page numbers such as "- 3 -", "第 3 页", "3/12" or a bare number in the margin) are removed, and
one-character-per-line vertical labels are rejoined into one cell. PDF positions do not keep blank
cells, so ``meta["grid"]`` is False. ``raw`` is the rendered text; ``line_map`` counts its lines.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from ogi.data import Document
from ogi.errors import DocumentLoadError
from ogi.readers.html import CELL_SEP, Line, build_document, clean_cell, is_cjk

MAX_PAGES = 500
MAX_CHARS = 5_000_000
ROW_TOLERANCE = 3.0  # pt: words whose tops differ by at most this share a row
CELL_GAP = 1.5  # a gap wider than this many char widths starts a new cell
MARGIN_TOP = 0.10  # fraction of the page height where headers live
MARGIN_BOTTOM = 0.86  # a row whose bottom lies below this fraction is in the footer zone

_PAGE_NO = re.compile(
    r"^(?:[-—–－‐~·]\s*\d{1,4}\s*[-—–－‐~·]"
    r"|第\s*\d{1,4}\s*页(?:\s*[,，/、]?\s*共\s*\d{1,4}\s*页)?"
    r"|共\s*\d{1,4}\s*页\s*[,，/、]?\s*第\s*\d{1,4}\s*页"
    r"|\d{1,4}\s*/\s*\d{1,4}"
    r"|page\s*\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?)$",
    re.I,
)
_BARE_NUMBER = re.compile(r"^[-—\s]*\d{1,4}[-—\s]*$")


@dataclass
class _Cell:
    x0: float
    x1: float
    top: float
    bottom: float
    text: str


@dataclass
class _Row:
    top: float
    bottom: float
    cells: list[_Cell] = field(default_factory=list)

    @property
    def text(self) -> str:
        return " ".join(c.text for c in self.cells)


def _char_width(word: dict) -> float:
    n = max(1, len(word["text"]))
    return max(0.5, (float(word["x1"]) - float(word["x0"])) / n)


def _joiner(left: str, right: str) -> str:
    return "" if (is_cjk(left[-1:]) or is_cjk(right[:1])) else " "


def _page_rows(words: list[dict]) -> list[_Row]:
    """Cluster words into rows by ``top``, then split each row into cells at wide gaps."""
    clusters: list[list[dict]] = []
    anchors: list[float] = []
    for w in sorted(words, key=lambda w: (float(w["top"]), float(w["x0"]))):
        top = float(w["top"])
        if clusters and abs(top - anchors[-1]) <= ROW_TOLERANCE:
            clusters[-1].append(w)
        else:
            clusters.append([w])
            anchors.append(top)
    rows: list[_Row] = []
    for cluster in clusters:
        cluster.sort(key=lambda w: float(w["x0"]))
        cells: list[_Cell] = []
        prev = None
        for w in cluster:
            text = w["text"]
            x0, x1 = float(w["x0"]), float(w["x1"])
            if prev is not None:
                gap = x0 - float(prev["x1"])
                width = (_char_width(prev) + _char_width(w)) / 2
                if gap <= CELL_GAP * width:
                    c = cells[-1]
                    c.text += _joiner(c.text, text) + text
                    c.x1 = max(c.x1, x1)
                    c.bottom = max(c.bottom, float(w["bottom"]))
                    prev = w
                    continue
            cells.append(_Cell(x0, x1, float(w["top"]), float(w["bottom"]), text))
            prev = w
        rows.append(_Row(min(c.top for c in cells), max(c.bottom for c in cells), cells))
    return rows


def _is_single_cjk(text: str) -> bool:
    return len(text) == 1 and is_cjk(text) and not text.isdigit()


def _rejoin_vertical(rows: list[_Row]) -> list[_Row]:
    """Stacked single-CJK-char cells at the same x (a vertical label) become one cell."""
    singles = [(ri, ci) for ri, row in enumerate(rows) for ci, c in enumerate(row.cells) if _is_single_cjk(c.text)]
    used: set[tuple[int, int]] = set()
    merges: list[list[tuple[int, int]]] = []
    for ri, ci in singles:
        if (ri, ci) in used:
            continue
        head = rows[ri].cells[ci]
        run = [(ri, ci)]
        last = head
        for rj in range(ri + 1, len(rows)):
            height = max(1.0, last.bottom - last.top)
            if rows[rj].top - last.top > 2.2 * height:
                break
            hit = None
            blocked = False
            for cj, c in enumerate(rows[rj].cells):
                if abs(c.x0 - head.x0) <= 2.0 and _is_single_cjk(c.text):
                    hit = cj
                    break
                if c.x0 <= head.x0 + 1 and c.x1 >= head.x1 - 1:
                    blocked = True  # another cell covers this x: the stack is broken
            if hit is None:
                if blocked:
                    break
                continue
            run.append((rj, hit))
            last = rows[rj].cells[hit]
        texts = [rows[r].cells[c].text for r, c in run]
        if len(run) >= 2 and len(set(texts)) > 1:
            used.update(run)
            merges.append(run)
    if not merges:
        return rows
    drop: set[tuple[int, int]] = set()
    for run in merges:
        r0, c0 = run[0]
        cell = rows[r0].cells[c0]
        cell.text = "".join(rows[r].cells[c].text for r, c in run)
        cell.bottom = rows[run[-1][0]].cells[run[-1][1]].bottom
        drop.update(run[1:])
    out: list[_Row] = []
    for ri, row in enumerate(rows):
        row.cells = [c for ci, c in enumerate(row.cells) if (ri, ci) not in drop]
        if row.cells:
            out.append(row)
    return out


def _furniture_key(text: str) -> str:
    return re.sub(r"\d+", "#", re.sub(r"\s+", "", text))


def _remove_furniture(pages: list[tuple[float, list[_Row]]]) -> list[list[_Row]]:
    """Drop page numbers and header/footer lines repeating at the same y on most pages."""
    n_pages = len(pages)
    seen: dict[str, list[tuple[int, float]]] = defaultdict(list)
    for pi, (height, rows) in enumerate(pages):
        for row in rows:
            if row.top < MARGIN_TOP * height or row.bottom > MARGIN_BOTTOM * height:
                seen[_furniture_key(row.text)].append((pi, row.top))
    need = max(2, (n_pages + 1) // 2)
    out: list[list[_Row]] = []
    for pi, (height, rows) in enumerate(pages):
        kept: list[_Row] = []
        for k, row in enumerate(rows):
            text = row.text.strip()
            in_margin = row.top < MARGIN_TOP * height or row.bottom > MARGIN_BOTTOM * height
            edge = k < 2 or k >= len(rows) - 2
            if (in_margin or edge) and _PAGE_NO.match(text):
                continue
            if _BARE_NUMBER.match(text) and in_margin and (k == 0 or k == len(rows) - 1):
                continue
            if in_margin and n_pages >= 2:
                pages_at_y = {p for p, top in seen.get(_furniture_key(text), []) if abs(top - row.top) <= ROW_TOLERANCE}
                if len(pages_at_y) >= need:
                    continue
            kept.append(row)
        out.append(kept)
    return out


def read_pdf(path: Path) -> Document:
    """Read a PDF report from its text layer (see the module docstring)."""
    import pdfplumber

    path = Path(path)
    try:
        with path.open("rb") as fh:
            head = fh.read(1024)
    except OSError as exc:
        raise DocumentLoadError(str(path), f"cannot open: {exc}") from exc
    if b"%PDF" not in head:
        raise DocumentLoadError(str(path), "corrupt PDF: no %PDF header")
    pages: list[tuple[float, list[_Row]]] = []
    n_chars = 0
    truncated = False
    try:
        with pdfplumber.open(str(path)) as pdf:
            all_pages = pdf.pages
            if not all_pages:
                raise DocumentLoadError(str(path), "corrupt PDF: no pages")
            for page in all_pages[:MAX_PAGES]:
                words = page.extract_words(keep_blank_chars=False, use_text_flow=False, x_tolerance=1.5)
                pages.append((float(page.height), _page_rows(words)))
                n_chars += sum(len(w["text"]) for w in words)
                page.close()
                if n_chars > MAX_CHARS:
                    truncated = True
                    break
            n_total = len(all_pages)
    except DocumentLoadError:
        raise
    except Exception as exc:  # noqa: BLE001 - pdfminer raises many kinds on a broken file
        name = type(exc).__name__
        if "Password" in name or "Encrypt" in name:
            raise DocumentLoadError(str(path), "encrypted PDF: a password is needed") from exc
        raise DocumentLoadError(str(path), f"corrupt PDF: {name}: {exc}") from exc
    if n_chars == 0:
        raise DocumentLoadError(str(path), "scanned PDF without a text layer; run OCR first")
    cleaned = _remove_furniture(pages)
    lines: list[Line] = []
    for rows in cleaned:
        for row in _rejoin_vertical(rows):
            cells = [clean_cell(c.text) for c in row.cells]
            cells = [c for c in cells if c]
            if not cells:
                continue
            line = Line(len(lines) + 1)
            line.add(CELL_SEP.join(cells), 0)
            lines.append(line)
    if not lines:
        raise DocumentLoadError(str(path), "PDF text layer holds only page furniture (headers, page numbers)")
    doc = build_document(lines, raw=None, path=str(path), doc_id=path.stem, fmt="pdf", grid=False)
    doc.meta["pages"] = n_total
    if truncated or n_total > MAX_PAGES:
        doc.meta["truncated"] = True
        doc.errors.append(f"PDF truncated: read {len(pages)} of {n_total} pages")
    return doc
