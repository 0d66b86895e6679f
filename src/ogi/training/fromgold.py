"""Span annotations from cell-level gold (issue 11.1): the path a user with a spreadsheet of correct values follows.

A gold file (``docs/gold-format.md``) says which value each cell holds, not where it is printed. To turn it
into training spans we let the decoder find the printed spans and keep only what the gold confirms:

1. Run the pipeline with each tagger of ``models`` (default first, then the rules) over the raw report.
2. A decoded cell whose key is in the gold with the same value keeps its span under that key.
3. A decoded cell under a wrong key moves to a gold key of the same row when its printed text is
   exactly that gold value and exactly one unplaced, non-ambiguous gold key of the row holds it.
4. Everything else that could be a gold value (a decoded cell whose text equals an unplaced gold value,
   a segment the tagger called a value that the decoder did not place, the cells of ``ambiguous`` gold
   keys) gets NO span and is listed in ``meta.unlabelled`` (``[start, end]`` pairs): training does not
   teach those segments as ``O`` (``ogi.training.crf.prepare`` gives them the rules' label, which is no
   gold claim either way). Gold keys never placed are listed in ``meta.unplaced``; ``meta.ambiguous``
   lists the gold's ambiguous keys.
5. Sections: a decoded heading whose key is in the gold keeps its span; a gold heading the decoder missed
   is found by its printed title after the previous heading. Row labels, column headers, units and item
   headers are the first tagger's (the gold does not describe them).

The annotation's ``text`` is the reader's text (``ogi.readers.read(path).raw``): the file itself for text and
HTML (``meta.format`` ``text`` / ``html``), the rendered text layer for a PDF (``meta.format`` ``text``,
``meta.reader`` ``pdf``), so spans index exactly what ``ogi tag`` reports as ``span``.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any

from ogi import schema
from ogi.data import Document

log = logging.getLogger(__name__)

SEED_PREFIX = re.compile(r"^(\d{3})_[0-9a-f]+$")


def source_of(report_id: str) -> str:
    """The LOSO source of a real report id: ``hongze-2023`` → ``hongze``, a seed ``000_dd…`` → ``seed000``."""
    m = SEED_PREFIX.match(report_id)
    if m:
        return f"seed{m.group(1)}"
    return report_id.split("-", 1)[0]


def _norm(value: Any) -> str:
    from ogi.gold import norm_value

    return norm_value(value)


def _overlaps(a: tuple[int, int], taken: list[tuple[int, int]]) -> bool:
    return any(a[0] < e and s < a[1] for s, e in taken)


def align_document(
    docs: list[Document],
    cells: dict[str, str],
    ambiguous: frozenset[str] | set[str],
    sections: list[dict[str, Any]],
) -> tuple[list[tuple[int, int, str]], dict[str, Any]]:
    """Spans ``(start, end, label)`` over ``docs[0].raw`` and meta additions, from gold cells and sections.

    ``docs``: the same report processed by one or more taggers (same ``raw``); the first one's structure
    labels (rows, columns, headers, units, item headers) are kept. ``cells``: normalised key → printed value.
    """
    from ogi.gold import norm_key, row_of
    from ogi.training.prefill import spans_from_tags

    raw = docs[0].raw
    gold = {norm_key(k): _norm(v) for k, v in cells.items()}
    amb = {norm_key(k) for k in ambiguous}
    placed: dict[str, tuple[int, int]] = {}
    taken: list[tuple[int, int]] = []
    masked: list[tuple[int, int]] = []

    decoded: list[tuple[str, tuple[int, int], str]] = []  # (decoded key, raw span, printed text normalised)
    for doc in docs:
        for key, cell in doc.cells.items():
            if cell.span is None or cell.span[1] <= cell.span[0]:
                continue
            decoded.append((norm_key(key.split("#")[0]), (cell.span[0], cell.span[1]), _norm(raw[cell.span[0] : cell.span[1]])))
    # pass 1: the decoder agrees with the gold (key and value)
    for key, span, text in decoded:
        if key in gold and key not in amb and key not in placed and gold[key] == text and not _overlaps(span, taken):
            placed[key] = span
            taken.append(span)
    # pass 2: a printed gold value under the wrong key moves to the one gold key of its row that holds it
    for key, span, text in decoded:
        if _overlaps(span, taken) or _overlaps(span, masked):
            continue
        row = row_of(key)
        same_row = [g for g, v in gold.items() if v == text and row_of(g) == row and g not in placed]
        clear = [g for g in same_row if g not in amb]
        if len(clear) == 1 and len(same_row) == 1:
            placed[clear[0]] = span
            taken.append(span)
        elif same_row or any(v == text and g not in placed for g, v in gold.items()):
            masked.append(span)  # could be a gold value we cannot place: no claim either way
    unplaced_values = {v for g, v in gold.items() if g not in placed}
    spans: list[tuple[int, int, str]] = [(s, e, f"VAL.{k}") for k, (s, e) in placed.items()]

    gold_secs = [str(s["key"]) for s in sections]
    sec_taken: set[str] = set()
    other: list[tuple[int, int, str]] = []
    for s, e, lab in spans_from_tags(docs[0]):
        if _overlaps((s, e), taken):
            continue
        if lab.startswith("VAL."):
            if _norm(raw[s:e]) in unplaced_values or lab[4:] in gold:
                masked.append((s, e))
            continue  # a value the gold does not confirm where it is: not labelled
        if lab.startswith("SEC."):
            key = lab[4:]
            if key not in gold_secs or key in sec_taken:
                continue
            sec_taken.add(key)
        other.append((s, e, lab))
    # the tagger's value segments the decoder did not turn into cells
    for doc in docs[:1]:
        for seg, tag in zip(doc.segments, doc.tags, strict=False):
            if tag.label.startswith("VAL."):
                rs, re_ = doc.raw_span(seg.start, seg.end)
                if re_ > rs and not _overlaps((rs, re_), taken) and _norm(raw[rs:re_]) in unplaced_values:
                    masked.append((rs, re_))
    # gold headings the decoder missed: the printed title, after the previous heading
    sec_pos = {lab[4:]: s for s, _e, lab in other if lab.startswith("SEC.")}
    pos = 0
    for sec in sections:
        key, title = str(sec["key"]), str(sec.get("title") or "").strip()
        if key in sec_pos:
            pos = max(pos, sec_pos[key])
            continue
        if not title or not schema.is_valid_span_label(f"SEC.{key}"):
            continue
        i = raw.find(title, pos)
        if i >= 0 and not _overlaps((i, i + len(title)), taken):
            other = [sp for sp in other if not (sp[0] < i + len(title) and i < sp[1])]
            other.append((i, i + len(title), f"SEC.{key}"))
            sec_pos[key] = i
            pos = i
    spans += [sp for sp in other if not _overlaps((sp[0], sp[1]), taken)]
    spans = [sp for sp in spans if schema.is_valid_span_label(sp[2])]
    spans.sort()
    clean: list[tuple[int, int, str]] = []
    for sp in spans:  # structure spans of two taggers never overlap a value, but keep the invariant
        if clean and sp[0] < clean[-1][1]:
            continue
        clean.append(sp)
    masked = sorted({m for m in masked if not _overlaps(m, [(s, e) for s, e, _ in clean])})
    meta = {
        "ambiguous": sorted(amb & set(gold)),
        "unplaced": sorted(k for k in gold if k not in placed and k not in amb),
        "unlabelled": [[s, e] for s, e in masked],
        "gold_cells": len(gold),
        "placed_cells": len(placed),
    }
    return clean, meta


def annotate_from_gold(gold: Any, models: list[str], split: str = "train") -> Any:
    """One :class:`ogi.annotations.AnnotatedReport` from a :class:`ogi.gold.GoldReport` and its raw file.

    Raises:
        ogi.errors.DocumentLoadError: the raw report cannot be read.
    """
    from ogi.annotations import AnnotatedReport, Span
    from ogi.pipeline import process
    from ogi.readers import read
    from ogi.taggers import load_tagger

    docs = []
    for spec in models:
        doc = read(gold.raw)
        process(doc, load_tagger(spec))
        docs.append(doc)
    spans, extra = align_document(docs, gold.cells, gold.ambiguous, gold.sections)
    doc = docs[0]
    meta = {
        "template": gold.meta.get("template") or doc.template,
        "year": gold.meta.get("year") or doc.year,
        "layout": gold.meta.get("layout") or "unknown",
        "script": gold.meta.get("script") or "simplified",
        "source": source_of(gold.id),
        "split": split,
        "format": "html" if doc.fmt == "html" else "text",
        "reader": doc.fmt,
        "prefilled_by": f"gold cells aligned by {', '.join(models)} (ogi annotate --from-gold)",
        **extra,
    }
    return AnnotatedReport(id=gold.id, text=doc.raw, spans=[Span(s, e, lab) for s, e, lab in spans], meta=meta)


def from_gold_files(
    gold_paths: list[Path], raw_dir: Path | None, out: Path, models: list[str] | None = None, split: str = "train"
) -> tuple[int, list[str]]:
    """Align every gold report of ``gold_paths`` (files or folders, ``.json`` gold or annotated ``.jsonl``)
    and write the annotations to ``out``; returns (reports written, one line per report that failed).

    Raises:
        ogi.gold.GoldFormatError: a gold file that cannot be used.
    """
    from ogi.annotations import write_annotations
    from ogi.errors import DocumentLoadError
    from ogi.gold import read_golds

    models = models or ["default", "rules"]
    reports, failed = [], []
    annotated = _annotated_by_id(gold_paths)
    for g in read_golds(gold_paths, raw_dir):
        try:
            rep = annotated.get(g.id)
            rep = from_annotation(rep, g, split) if rep is not None else None
            rep = rep or annotate_from_gold(g, models, split)
        except DocumentLoadError as exc:
            failed.append(f"{g.raw}: {exc.reason}")
            continue
        log.info("%s: %d of %d gold cells placed", g.id, rep.meta["placed_cells"], rep.meta["gold_cells"])
        reports.append(rep)
    write_annotations(reports, out)
    return len(reports), failed


def _annotated_by_id(paths: list[Path]) -> dict[str, Any]:
    """The annotated reports (``*.jsonl`` gold) among ``paths``, by id."""
    from ogi.annotations import read_annotations
    from ogi.gold import gold_files

    out: dict[str, Any] = {}
    for p in gold_files(paths):
        if p.suffix == ".jsonl":
            out.update({r.id: r for r in read_annotations(p)})
    return out


def from_annotation(rep: Any, gold: Any, split: str) -> Any | None:
    """An annotated report used as gold already has its printed spans: keep them, except the ambiguous
    cells' value spans (a guess of the column), which become ``meta.unlabelled``. None when the report's
    text is not what the reader gives for its raw file (then the spans are aligned like any gold).
    """
    from ogi.annotations import AnnotatedReport, Span
    from ogi.readers import read

    doc = read(gold.raw)
    if doc.raw != rep.text:
        return None
    amb = set(gold.ambiguous)
    keep = [sp for sp in rep.spans if not (sp.label.startswith("VAL.") and sp.label[4:] in amb)]
    masked = [[sp.start, sp.end] for sp in rep.spans if sp.label.startswith("VAL.") and sp.label[4:] in amb]
    meta = dict(rep.meta)
    meta.update(
        source=source_of(rep.id),
        split=split,
        reader=doc.fmt,
        prefilled_by=f"{meta.get('prefilled_by', 'hand')}; ambiguous cells unlabelled (ogi annotate --from-gold)",
        ambiguous=sorted(amb),
        unplaced=[],
        unlabelled=sorted(masked),
        gold_cells=len(gold.cells),
        placed_cells=len(gold.cells) - len(amb),
    )
    return AnnotatedReport(id=rep.id, text=rep.text, spans=[Span(sp.start, sp.end, sp.label) for sp in keep], meta=meta)
