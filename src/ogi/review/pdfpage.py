"""A PDF page as an image with its words boxed: where in the original a cell of a PDF report was read.

ogi's PDF reader renders the text layer as lines of cells, so a cell's position in that rendering does
not say which page it is on. The page is found again from the words: the page whose words hold the
most words of the cell's rendered line, and on it the word equal to the value on the row that shares
most of those words. pdfplumber draws the page through pypdfium2 (no other renderer needed).
"""

from __future__ import annotations

import io
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

MAX_PAGES = 200
RESOLUTION = 110


def _tokens(line: str) -> list[str]:
    return [t for t in re.split(r"\s*\|\s*|\s+", line) if t]


@lru_cache(maxsize=8)
def _page_words(path: str, mtime: float) -> tuple[tuple[dict[str, Any], ...], ...]:
    """The words of each page (cached per file version: a report's cells are looked up one by one)."""
    import pdfplumber

    out = []
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages[:MAX_PAGES]:
            out.append(tuple(page.extract_words(x_tolerance=1.5)))
            page.close()
    return tuple(out)


def find_word(path: Path, line_text: str, value: str) -> tuple[int, dict[str, Any] | None]:
    """(0-based page, the word dict of the value or None) for a cell whose rendered line is ``line_text``."""
    want = set(_tokens(line_text))
    pages = _page_words(str(path), path.stat().st_mtime)
    scores = [sum(1 for w in words if w["text"] in want) for words in pages]
    best_page = max(range(len(pages)), key=lambda i: (scores[i], -i)) if pages else 0
    words = pages[best_page] if pages else ()
    rows: dict[int, int] = {}
    for w in words:
        if w["text"] in want:
            band = round(float(w["top"]) / 3)
            rows[band] = rows.get(band, 0) + 1
    cands = [w for w in words if w["text"] == value]
    if not cands:
        return best_page, None
    # the value's row is the one that holds most words of its rendered line (its label, its neighbours)
    cands.sort(key=lambda w: -rows.get(round(float(w["top"]) / 3), 0))
    return best_page, cands[0]


def page_png(path: Path, page_no: int, word: dict[str, Any] | None, band: float | None = None) -> bytes:
    """PNG bytes of one page with every word outlined in grey and ``word`` (if any) filled in orange.

    ``band``: show only the stretch of the page within ``band`` points above and below the word (its
    row and the rows around it), which fits beside the tables; None shows the whole page.
    """
    import pdfplumber

    with pdfplumber.open(str(path)) as pdf:
        if not 0 <= page_no < len(pdf.pages):
            raise ValueError(f"no page {page_no + 1}")
        page = pdf.pages[page_no]
        if word is not None and band is not None:
            top = max(0.0, float(word["top"]) - band)
            bottom = min(float(page.height), float(word["bottom"]) + band)
            page = page.crop((0, top, float(page.width), bottom))
        im = page.to_image(resolution=RESOLUTION)
        im.draw_rects(page.extract_words(x_tolerance=1.5), stroke=(150, 150, 150), fill=(0, 0, 0, 0), stroke_width=1)
        if word is not None:
            im.draw_rect(word, stroke=(220, 80, 0), fill=(255, 140, 0, 90), stroke_width=2)
        buf = io.BytesIO()
        im.save(buf, format="PNG")
        return buf.getvalue()
