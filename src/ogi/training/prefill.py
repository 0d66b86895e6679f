"""Pre-filled annotations: the current best tagger's labels as spans over the raw text."""

from __future__ import annotations

from pathlib import Path

from ogi import schema
from ogi.data import Document


def spans_from_tags(doc: Document) -> list[tuple[int, int, str]]:
    """(start, end, annotation label) over ``doc.raw`` for every segment not labelled O.

    Value labels carry the decoded cell key (``VAL.t3.granted.total``); legacy sections and rows
    carry their number and printed label, so the spans say everything the corpus needs.
    """
    key_by_offset = {cell.offset: key for key, cell in doc.cells.items()}
    sec_iter = iter(doc.sections)
    out: list[tuple[int, int, str]] = []
    for seg, tag in zip(doc.segments, doc.tags, strict=True):
        lab = tag.label
        if lab == "O":
            continue
        if lab.startswith("VAL."):
            key = key_by_offset.get(seg.start)
            if key is None:
                continue  # a value the decoder did not place: leave it for the annotator
            lab = "VAL." + key.split("#")[0]
        elif lab == "SEC.legacy":
            sec = next(sec_iter, None)
            lab = f"SEC.{sec.key}" if sec else lab
        elif lab.startswith("SEC."):
            next(sec_iter, None)
        elif lab == "ROW.legacy":
            lab = "ROW." + schema.legacy_key(seg.text)
        rs, re_ = doc.raw_span(seg.start, seg.end)
        if re_ > rs and schema.is_valid_span_label(lab):
            out.append((rs, re_, lab))
    return out


def prefill_files(specs: list[str], out: Path, model: str = "default", split: str = "train") -> tuple[int, list[str]]:
    """Tag the files and write pre-filled annotations; returns (reports written, files that failed)."""
    from ogi.annotations import AnnotatedReport, Span, write_annotations
    from ogi.batch import expand_paths
    from ogi.errors import DocumentLoadError
    from ogi.pipeline import process
    from ogi.readers import read
    from ogi.taggers import load_tagger

    tagger = load_tagger(model)
    files, missing = expand_paths(specs)
    failed = list(missing)
    reports = []
    for f in files:
        try:
            doc = read(f)
        except DocumentLoadError as exc:
            failed.append(f"{f}: {exc.reason}")
            continue
        process(doc, tagger)
        spans = [Span(s, e, lab) for s, e, lab in spans_from_tags(doc)]
        meta = {
            "template": doc.template,
            "year": doc.year,
            "layout": "unknown",
            "script": "simplified",
            "source": "real",
            "split": split,
            "format": "html" if doc.fmt == "html" else "text",
            "prefilled_by": tagger.describe()["name"],
        }
        reports.append(AnnotatedReport(id=doc.id, text=doc.raw, spans=spans, meta=meta))
    write_annotations(reports, out)
    return len(reports), failed
