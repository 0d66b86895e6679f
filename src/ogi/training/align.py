"""Gold segment labels from annotation spans, and Documents from annotated reports."""

from __future__ import annotations

import bisect
from pathlib import Path
from typing import Any

from ogi import schema
from ogi.data import Document


def document_from_annotation(report: Any) -> Document:
    """A Document (read, not yet segmented) from an annotated report (text or HTML source)."""
    fmt = (report.meta or {}).get("format", "text")
    if fmt == "html":
        from ogi.readers.html import read_html

        doc = read_html(Path(f"{report.id}.html"), report.text.encode("utf-8"))
    else:
        from ogi.readers.text import document_from_text

        doc = document_from_text(report.text, f"{report.id}.txt", report.id)
    doc.id = report.id
    return doc


def gold_labels(doc: Document, spans: list[Any]) -> list[str]:
    """One tagger label per segment: the label of the span overlapping it most, else "O".

    ``spans``: objects with ``start``, ``end`` (raw offsets) and ``label`` (annotation label).
    """
    ordered = sorted(spans, key=lambda s: (s.start, s.end))
    starts = [s.start for s in ordered]
    out: list[str] = []
    for seg in doc.segments:
        rs, re_ = doc.raw_span(seg.start, seg.end)
        if re_ <= rs:
            re_ = rs + 1
        i = bisect.bisect_right(starts, re_) - 1
        best, best_ov = "O", 0
        # spans are short and non-overlapping: look back a few
        j = i
        while j >= 0 and j >= i - 8:
            sp = ordered[j]
            ov = min(re_, sp.end) - max(rs, sp.start)
            if ov > best_ov:
                best, best_ov = sp.label, ov
            j -= 1
        out.append(schema.span_label_to_tagger_label(best) if best != "O" else "O")
    return out
