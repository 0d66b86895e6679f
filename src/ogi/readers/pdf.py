"""PDF reader: pdfplumber's text layer, words clustered into rows and cells by position.

Per page, words are grouped into rows by their ``top`` (tolerance ~3 pt); within a row, a gap wider
than ~1.5 char widths starts a new cell. A row of two or more cells is rendered as cells joined by
" | ", others as a plain line. Page headers/footers (text repeating at the same y on most pages,
page numbers such as "- 3 -", "第 3 页", "3/12" or a bare number in the margin) are removed, and
one-character-per-line vertical labels are rejoined into one cell.

Where the PDF draws cell borders (Word/WPS exports do), pdfplumber's ruled-table finder gives the
cells themselves: a row of two or more bordered cells is rendered with every cell, blank ones as
empty strings, so a blank cell keeps its column; a merged cell's text sits in its top-left slot (a
vertical group label read top to bottom). Words inside such cells are not clustered again. Word
positions alone do not keep blank cells, so ``meta["grid"]`` is True only when every tabular row of
the document came from bordered cells. ``raw`` is the rendered text; ``line_map`` counts its lines.
"""

from __future__ import annotations

import logging
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from ogi.data import Document
from ogi.errors import DocumentLoadError
from ogi.readers.html import CELL_SEP, Line, build_document, clean_cell, is_cjk, join_broken

log = logging.getLogger(__name__)

MAX_PAGES = 500
MAX_DRAWN = 20_000  # a page drawing more rects and lines than this is a chart, not a table: words only
RULED = True  # read bordered tables cell by cell (False: word positions only, for comparison)
MAX_CHARS = 5_000_000
ROW_TOLERANCE = 3.0  # pt: words whose tops differ by at most this share a row
CENTRE_TOLERANCE = 0.36  # ... or by this fraction of the line height, whichever is larger
CELL_GAP = 1.5  # a gap wider than this many char widths starts a new cell
WRAP_GAP = 1.0  # the lines of one wrapped label are at most this many line heights apart
LABEL_PITCH = 1.8  # a label line lies at most this many line heights from its row's numbers
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
    head: tuple[float, float, str] | None = None  # (x1 of the first word, x0 of the second, first word)


@dataclass
class _Row:
    top: float
    bottom: float
    cells: list[_Cell] = field(default_factory=list)
    ruled: bool = False  # cells from drawn borders: empty cells are real blanks and are kept

    @property
    def text(self) -> str:
        return " ".join(c.text for c in self.cells)


def _char_width(word: dict) -> float:
    n = max(1, len(word["text"]))
    return max(0.5, (float(word["x1"]) - float(word["x0"])) / n)


def _joiner(left: str, right: str) -> str:
    return "" if (is_cjk(left[-1:]) or is_cjk(right[:1])) else " "


def _page_rows(words: list[dict]) -> list[_Row]:
    """Cluster words into rows by their vertical centre, then split each row into cells at wide gaps.

    Centres, not tops: digits and CJK text of one table row often come in different fonts whose
    boxes differ in height, so their tops differ by more than the tolerance while both are centred
    in the cell.
    """
    clusters: list[list[dict]] = []
    anchors: list[tuple[float, float]] = []  # (centre, height) of each cluster's first word

    def centre(w: dict) -> float:
        return (float(w["top"]) + float(w["bottom"])) / 2

    for w in sorted(words, key=lambda w: (centre(w), float(w["x0"]))):
        c, h = centre(w), float(w["bottom"]) - float(w["top"])
        if clusters:
            tol = max(ROW_TOLERANCE, CENTRE_TOLERANCE * min(h, anchors[-1][1]))
            if abs(c - anchors[-1][0]) <= tol:
                clusters[-1].append(w)
                continue
        clusters.append([w])
        anchors.append((c, h))
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
                    if c.head is None:
                        c.head = (c.x1, x0, c.text)
                    c.text += _joiner(c.text, text) + text
                    c.x1 = max(c.x1, x1)
                    c.bottom = max(c.bottom, float(w["bottom"]))
                    prev = w
                    continue
            cells.append(_Cell(x0, x1, float(w["top"]), float(w["bottom"]), text))
            prev = w
        rows.append(_Row(min(c.top for c in cells), max(c.bottom for c in cells), cells))
    return rows


_VALUE = re.compile(r"^(?:[-+]?\d[\d,]*(?:\.\d+)?(?:万元|元|%)?|/|-|—|－|无)$")


def _is_value(text: str) -> bool:
    return bool(_VALUE.match(text.strip()))


def _centre(row: _Row) -> float:
    return (row.top + row.bottom) / 2


def _label_line(row: _Row, values_x0: float) -> bool:
    """A line of label text only, lying left of a row's first value (a wrapped label's line)."""
    return bool(row.cells) and not any(_is_value(c.text) for c in row.cells) and row.cells[-1].x1 < values_x0


def _overlaps(row: _Row, span: tuple[float, float]) -> bool:
    """The row's text overlaps the x range ``span`` (lines of one label column)."""
    return row.cells[0].x0 < span[1] and row.cells[-1].x1 > span[0]


def _wrap_labels(rows: list[_Row]) -> list[_Row]:
    """Give rows of numbers the label lines wrapped around them (numbers print at a cell's centre).

    A label over two lines leaves its numbers on a line of their own between them; over three, the
    middle line shares the numbers' row and the others lie above and below. Around each row of
    values, label lines at the same x are taken pairwise, one above and one below, while the block
    they make stays centred on the values (within ``CENTRE_TOLERANCE`` of a line height) and each
    follows the block within ``WRAP_GAP`` line heights (a paragraph's leading, less than the space
    between two rows' labels). Bare rows are served first, so a labelled row never takes the lines
    of a bare neighbour.
    """
    taken: set[int] = set()
    plan: dict[int, tuple[list[int], list[int]]] = {}  # value row → (lines above, lines below)
    order = sorted(
        (k for k, r in enumerate(rows) if sum(_is_value(c.text) for c in r.cells) >= 1),
        key=lambda k: any(not _is_value(c.text) for c in rows[k].cells),  # bare rows first
    )
    for k in order:
        row = rows[k]
        values = [c for c in row.cells if _is_value(c.text)]
        labels = [c for c in row.cells if not _is_value(c.text)]
        x0v = min(c.x0 for c in values)
        if labels and max(c.x1 for c in labels) > x0v:
            continue  # text among the values: not a label-then-values row
        h = max(4.0, min(c.bottom - c.top for c in row.cells))
        lo, hi = (min(c.top for c in labels), max(c.bottom for c in labels)) if labels else (None, None)
        lx = (labels[0].x0, labels[-1].x1) if labels else None  # the label column's x range
        above: list[int] = []
        below: list[int] = []
        a, b = k - 1, k + 1
        while True:
            while a >= 0 and (a in taken or not _label_line(rows[a], x0v) or (lx is not None and not _overlaps(rows[a], lx))):
                if a in taken or not _label_line(rows[a], x0v):
                    a = -1
                    break
                a -= 1  # a line at another x (a group label column): look past it
            while b < len(rows) and (b in taken or not _label_line(rows[b], x0v) or (lx is not None and not _overlaps(rows[b], lx))):
                if b in taken or not _label_line(rows[b], x0v):
                    b = len(rows)
                    break
                b += 1
            if a < 0 or b >= len(rows):
                break
            up, down = rows[a], rows[b]
            if lx is None and not _overlaps(down, (up.cells[0].x0, up.cells[-1].x1)):
                break
            top = min(up.top, lo if lo is not None else up.top)
            bottom = max(down.bottom, hi if hi is not None else down.bottom)
            # lines of one wrapped label follow each other closely (a paragraph's leading)
            if lo is None:
                if down.top - up.bottom > WRAP_GAP * h:
                    break
            elif lo - up.bottom > WRAP_GAP * h or down.top - hi > WRAP_GAP * h:
                break
            if abs((top + bottom) / 2 - _centre(row)) > max(ROW_TOLERANCE, CENTRE_TOLERANCE * 2 * h):
                break
            above.insert(0, a)
            below.append(b)
            taken.update((a, b))
            lo, hi = top, bottom
            lx = (min(up.cells[0].x0, down.cells[0].x0, lx[0] if lx else 1e9), max(up.cells[-1].x1, down.cells[-1].x1, lx[1] if lx else -1e9))
            a, b = a - 1, b + 1
        if above:
            plan[k] = (above, below)
            taken.add(k)
    _pair_offset_labels(rows, plan, taken)
    if not plan:
        return rows
    out: list[_Row] = []
    for k, row in enumerate(rows):
        if k in taken and k not in plan:
            continue
        if k in plan:
            above, below = plan[k]
            labels = [c for c in row.cells if not _is_value(c.text)]
            values = [c for c in row.cells if _is_value(c.text)]
            parts = [rows[i].text for i in above] + [c.text for c in labels] + [rows[i].text for i in below]
            around = above + below
            label = _Cell(rows[around[0]].cells[0].x0, max(c.x1 for i in around for c in rows[i].cells),
                          rows[around[0]].top, rows[around[-1]].bottom, join_broken(parts))
            row = _Row(row.top, row.bottom, [label] + values)
        out.append(row)
    return out


def _pair_offset_labels(rows: list[_Row], plan: dict[int, tuple[list[int], list[int]]], taken: set[int]) -> None:
    """Rows of bare numbers still without a label take the label line next to them: the one below
    when most such rows have their nearest label line below (numbers printed before their label),
    else the one above. One direction for the whole page: a label line is never split between two
    neighbours."""
    bare = [
        k for k, r in enumerate(rows)
        if k not in taken and len(r.cells) >= 2 and all(_is_value(c.text) for c in r.cells)
    ]
    if not bare:
        return

    def neighbour(k: int, step: int) -> float | None:
        j = k + step
        if not (0 <= j < len(rows)) or j in taken:
            return None
        row, other = rows[k], rows[j]
        x0v = min(c.x0 for c in row.cells)
        h = max(4.0, min(c.bottom - c.top for c in row.cells))
        if not _label_line(other, x0v):
            return None
        gap = other.top - row.bottom if step > 0 else row.top - other.bottom
        if gap > LABEL_PITCH * h:
            return None
        return abs(_centre(other) - _centre(row))

    votes = 0
    for k in bare:
        up, down = neighbour(k, -1), neighbour(k, 1)
        if up is not None or down is not None:
            votes += 1 if (up is None or (down is not None and down < up)) else -1
    step = 1 if votes > 0 else -1
    for k in bare:
        if neighbour(k, step) is not None:
            plan[k] = ([], [k + 1]) if step > 0 else ([k - 1], [])
            taken.update((k, k + step))


def _is_single_cjk(text: str) -> bool:
    return len(text) == 1 and is_cjk(text) and not text.isdigit()


def _split_stack_heads(rows: list[_Row]) -> None:
    """A vertical label's char glued to the word beside it ("办" + "(三)不予公开") is cut off again
    where other single chars stack at its x."""
    xs = [c.x0 for row in rows for c in row.cells if _is_single_cjk(c.text)]
    if len(xs) < 2:
        return
    for row in rows:
        out: list[_Cell] = []
        for c in row.cells:
            if c.head and _is_single_cjk(c.head[2]) and sum(1 for x in xs if abs(x - c.x0) <= 2.0) >= 2:
                x1, x0_rest, first = c.head
                out.append(_Cell(c.x0, x1, c.top, c.bottom, first))
                out.append(_Cell(x0_rest, c.x1, c.top, c.bottom, c.text[len(first) :].lstrip()))
            else:
                out.append(c)
        row.cells = out


def _rejoin_vertical(rows: list[_Row]) -> list[_Row]:
    """Stacked single-CJK-char cells at the same x (a vertical label) become one cell."""
    _split_stack_heads(rows)
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


_CJK_SPACE = re.compile(r"(?<=[\u2e80-\u9fff\uff00-\uffef\u3000-\u303f])[ \t]+(?=[\u2e80-\u9fff\uff00-\uffef\u3000-\u303f])")


def _ruled_text(text: str | None) -> str:
    """A bordered cell's text on one line: wrapped lines rejoined, spaces between CJK chars dropped."""
    if not text:
        return ""
    return _CJK_SPACE.sub("", join_broken(text.split("\n")))


def _ruled_rows(page) -> tuple[list[_Row], list[tuple[float, float, float, float]]]:  # noqa: ANN001
    """Rows of two or more bordered cells on a page, and the boxes of their cells.

    pdfplumber also frames runs of prose when a page draws a box per text line: a "row" with one
    cell is such a line, not a table row, and is left to the word clustering.
    """
    try:
        tables = page.find_tables()
    except Exception:  # noqa: BLE001 - a malformed drawing must not lose the page's text
        return [], []
    rows: list[_Row] = []
    boxes: list[tuple[float, float, float, float]] = []
    for table in tables:
        try:
            texts = table.extract()
        except Exception as exc:  # noqa: BLE001 - one bad table must not lose the page
            log.debug("bordered table not extracted: %s", exc)
            continue
        for row, cells_text in zip(table.rows, texts):
            present = [c for c in row.cells if c is not None]
            if len(present) < 2:
                continue
            cells: list[_Cell] = []
            for bbox, text in zip(row.cells, cells_text):
                if bbox is None:
                    cells.append(_Cell(0.0, 0.0, 0.0, 0.0, ""))  # covered by a merged cell
                    continue
                x0, top, x1, bottom = (float(v) for v in bbox)
                cells.append(_Cell(x0, x1, top, bottom, _ruled_text(text)))
                boxes.append((x0, top, x1, bottom))
            tops = [float(c[1]) for c in present]
            bottoms = [float(c[3]) for c in present]
            rows.append(_Row(min(tops), max(bottoms), cells, ruled=True))
    return rows, boxes


def _inside(word: dict, boxes: list[tuple[float, float, float, float]]) -> bool:
    cx = (float(word["x0"]) + float(word["x1"])) / 2
    cy = (float(word["top"]) + float(word["bottom"])) / 2
    return any(x0 <= cx <= x1 and top <= cy <= bottom for x0, top, x1, bottom in boxes)


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


MAX_PAGE_GLYPHS = 50_000  # a dense real page draws ~5 000; pdfminer keeps ~2 KB per glyph of a page
MAX_GLYPHS = 2_000_000  # over the whole document (time: ~0.2 ms per glyph)


class _GlyphBudget(Exception):
    """Raised from inside pdfminer's interpreter when a page or the document draws too many glyphs."""


_budget = {"page": 0, "doc": 0}


def _install_glyph_counter() -> bool:
    """Count glyphs as pdfminer draws them, so a 3 KB PDF whose compressed stream or reused forms draw
    millions of glyphs is stopped while it is read (it took minutes and GBs before any check ran).

    pdfplumber builds each page's layout with ``PDFPageAggregatorWithMarkedContent``; its
    ``render_char`` is wrapped once per process. Returns False (no counting; the worker's memory and
    time limits still hold) if pdfplumber changed that hook.
    """
    import pdfplumber.page as pp

    cls = getattr(pp, "PDFPageAggregatorWithMarkedContent", None)
    render = getattr(cls, "render_char", None)
    if cls is None or render is None:
        return False
    if getattr(render, "_ogi_counted", False):
        return True

    def render_char(self, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202 - pdfminer's signature
        _budget["page"] += 1
        _budget["doc"] += 1
        if _budget["page"] > MAX_PAGE_GLYPHS or _budget["doc"] > MAX_GLYPHS:
            raise _GlyphBudget()
        return render(self, *args, **kwargs)

    render_char._ogi_counted = True  # type: ignore[attr-defined]
    cls.render_char = render_char
    return True


def _cause(exc: BaseException) -> BaseException:
    """The pdfminer exception inside pdfplumber's ``PdfminerException`` wrapper."""
    inner = exc.args[0] if exc.args and isinstance(exc.args[0], BaseException) else None
    return inner or exc.__cause__ or exc.__context__ or exc


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
    ruled_pages: list[list[_Row]] = []
    n_chars = 0
    truncated = False
    _install_glyph_counter()
    _budget["doc"] = 0
    page_no = 0
    try:
        with pdfplumber.open(str(path)) as pdf:
            all_pages = pdf.pages
            if not all_pages:
                raise DocumentLoadError(str(path), "corrupt PDF: no pages")
            for page_no, page in enumerate(all_pages[:MAX_PAGES], 1):
                _budget["page"] = 0
                words = page.extract_words(keep_blank_chars=False, use_text_flow=False, x_tolerance=1.5)
                drawn = len(page.rects) + len(page.lines) if words and RULED else 0
                ruled, boxes = _ruled_rows(page) if 0 < drawn <= MAX_DRAWN else ([], [])
                ruled_pages.append(ruled)
                free = [w for w in words if not _inside(w, boxes)] if boxes else words
                pages.append((float(page.height), _page_rows(free)))
                n_chars += sum(len(w["text"]) for w in words)
                page.close()
                if n_chars > MAX_CHARS:
                    truncated = True
                    break
            n_total = len(all_pages)
    except DocumentLoadError:
        raise
    except Exception as exc:  # noqa: BLE001 - pdfminer raises many kinds on a broken file
        cause = _cause(exc)
        name = type(cause).__name__
        if isinstance(cause, _GlyphBudget):
            what = f"page {page_no} draws more than {MAX_PAGE_GLYPHS:,} glyphs" if _budget["page"] > MAX_PAGE_GLYPHS \
                else f"the document draws more than {MAX_GLYPHS:,} glyphs"
            raise DocumentLoadError(str(path), f"PDF refused: {what} (not a report's text layer)") from exc
        if "Password" in name or "Encrypt" in name:
            raise DocumentLoadError(
                str(path), "encrypted PDF: a password is needed; save an unprotected copy (e.g. `qpdf --decrypt`)"
            ) from exc
        detail = str(cause) or str(exc)
        raise DocumentLoadError(str(path), f"corrupt PDF: {name}" + (f": {detail}" if detail else "")) from exc
    if n_chars == 0:
        raise DocumentLoadError(str(path), "scanned PDF without a text layer; run OCR first")
    cleaned = _remove_furniture(pages)
    lines: list[Line] = []
    loose_table_rows = 0  # tabular rows whose blank cells the positions lost
    n_ruled = 0
    for rows, ruled in zip(cleaned, ruled_pages):
        merged = sorted(_wrap_labels(_rejoin_vertical(rows)) + ruled, key=lambda r: r.top)
        for row in merged:
            cells = [clean_cell(c.text) for c in row.cells]
            if row.ruled:
                if not any(cells):
                    continue
                n_ruled += 1
            else:
                cells = [c for c in cells if c]
                if not cells:
                    continue
                if len(cells) >= 2 and any(re.fullmatch(r"[-+]?\d[\d,.]*", c) for c in cells):
                    loose_table_rows += 1
            line = Line(len(lines) + 1)
            line.add(CELL_SEP.join(cells), 0)
            lines.append(line)
    if not lines:
        raise DocumentLoadError(str(path), "PDF text layer holds only page furniture (headers, page numbers)")
    grid = n_ruled > 0 and loose_table_rows == 0
    doc = build_document(lines, raw=None, path=str(path), doc_id=path.stem, fmt="pdf", grid=grid)
    doc.meta["pages"] = n_total
    doc.meta["ruled_rows"] = n_ruled
    if truncated or n_total > MAX_PAGES:
        doc.meta["truncated"] = True
        doc.errors.append(f"PDF truncated: read {len(pages)} of {n_total} pages")
    return doc
