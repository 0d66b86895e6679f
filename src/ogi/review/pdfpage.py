"""A PDF page as an image with its words boxed: where in the original a cell of a PDF report was read.

ogi's PDF reader renders the text layer as lines of cells, so a cell's position in that rendering does
not say which page it is on. The page is found again from the words: the page whose words hold the
most words of the cell's rendered line, and on it the word equal to the value on the row that shares
most of those words. pdfplumber draws the page through pypdfium2 (no other renderer needed).
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

MAX_PAGES = 200
RESOLUTION = 110


def _tokens(line: str) -> list[str]:
    return [t for t in re.split(r"\s*\|\s*|\s+", line) if t]


def find_word(path: Path, line_text: str, value: str) -> tuple[int, dict[str, Any] | None]:
    """(0-based page, the word dict of the value or None) for a cell whose rendered line is ``line_text``."""
    import pdfplumber

    want = set(_tokens(line_text))
    best_page, best_score, best_words = 0, -1, []
    with pdfplumber.open(str(path)) as pdf:
        for i, page in enumerate(pdf.pages[:MAX_PAGES]):
            words = page.extract_words(x_tolerance=1.5)
            score = sum(1 for w in words if w["text"] in want)
            if score > best_score:
                best_page, best_score, best_words = i, score, words
            page.close()
    rows: dict[int, int] = {}
    for w in best_words:
        if w["text"] in want:
            rows[round(float(w["top"]) / 3)] = rows.get(round(float(w["top"]) / 3), 0) + 1
    cands = [w for w in best_words if w["text"] == value]
    if not cands:
        return best_page, None
    cands.sort(key=lambda w: -rows.get(round(float(w["top"]) / 3), 0))
    return best_page, cands[0]


def page_png(path: Path, page_no: int, word: dict[str, Any] | None) -> bytes:
    """PNG bytes of one page with every word outlined in grey and ``word`` (if any) filled in orange."""
    import pdfplumber

    with pdfplumber.open(str(path)) as pdf:
        if not 0 <= page_no < len(pdf.pages):
            raise ValueError(f"no page {page_no + 1}")
        page = pdf.pages[page_no]
        im = page.to_image(resolution=RESOLUTION)
        im.draw_rects(page.extract_words(x_tolerance=1.5), stroke=(150, 150, 150), fill=(0, 0, 0, 0), stroke_width=1)
        if word is not None:
            im.draw_rect(word, stroke=(220, 80, 0), fill=(255, 140, 0, 90), stroke_width=2)
        buf = io.BytesIO()
        im.original.save(buf, format="PNG") if not hasattr(im, "annotated") else im.annotated.save(buf, format="PNG")
        return buf.getvalue()
