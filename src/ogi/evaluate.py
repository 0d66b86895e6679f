"""The evaluation harness: run taggers over annotated reports and score segments, cells and sections.

``evaluate(models, data, out_dir)`` loads each model spec with :func:`ogi.taggers.load_tagger`, builds a
Document from each annotated report (:func:`ogi.training.align.document_from_annotation`), runs the pipeline and
compares with the gold annotation:

* segment labels: ``ogi.training.align.gold_labels`` against ``doc.tags``; accuracy over all segments and over
  the segments where gold or prediction is not ``O``; per-label P/R/F1; the most confused pairs.
* cells: predicted ``doc.cells[k].value`` against ``report.gold_cells()[k]``; a true positive needs the
  same key and the same value (whitespace removed). A wrong value counts as one false positive and one
  false negative. The ``nonzero`` view keeps only gold and predicted cells whose value is not ``"0"``
  (a predicted ``0`` where gold says ``5`` is then a miss, a predicted ``5`` where gold says ``0`` a
  false positive). Also per table (t2, t3, t4, legacy), the worst keys, and the accuracy of cells the
  decoder marked ``ambiguous`` versus the others.
* sections: ``(key, 1-based line)`` pairs as multisets, and keys only.
* exact match: every cell and every section (with its line) right and nothing extra.
* fallback rate: share of tags whose ``source`` is not the model's primary source.

Every headline metric is given overall and by ``meta.layout``, ``meta.template`` and ``meta.script``.

``evaluate_gold(models, golds, out_dir)`` scores raw reports against cell-level gold (:mod:`ogi.gold`,
``docs/gold-format.md``) the same way, with three differences: values are compared after
:func:`ogi.gold.norm_value` (full-width → half-width); a gold cell listed as ``ambiguous`` is also right
where its value was emitted in another column of its row; sections are compared by key (and by key and
printed title). It adds the blank cells of the printed rows that ogi filled and, for every miss, where it is
printed (source line and text excerpt). There are no segment labels to score.
"""

from __future__ import annotations

import logging
import re
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

BREAKDOWNS = ("layout", "template", "script")
TABLES = ("t2", "t3", "t4", "legacy")
N_WORST_KEYS = 20
N_WORST_REPORTS = 10
N_CONFUSED = 25
MAX_MISSES_SHOWN = 40
MAX_MISSES_GOLD = 400  # per report and model with cell-level gold (every report is listed)
_WS = re.compile(r"\s+")


def _norm(value: Any) -> str:
    return _WS.sub("", str(value if value is not None else ""))


def prf(tp: int, fp: int, fn: int) -> dict[str, float | int]:
    """Precision, recall, F1 (1.0 for an empty gold and an empty prediction) with the counts."""
    p = tp / (tp + fp) if tp + fp else (1.0 if fn == 0 else 0.0)
    r = tp / (tp + fn) if tp + fn else (1.0 if fp == 0 else 0.0)
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": p, "recall": r, "f1": f, "tp": tp, "fp": fp, "fn": fn}


def _ratio(num: int, den: int) -> float | None:
    return num / den if den else None


# ---------------------------------------------------------------------------------------------
# Per-report scoring
# ---------------------------------------------------------------------------------------------


@dataclass
class ReportScore:
    """Everything counted on one report for one model (summable across reports)."""

    id: str
    meta: dict[str, Any]
    seconds: float = 0.0
    status: str = ""
    errors: list[str] = field(default_factory=list)
    confusion: Counter = field(default_factory=Counter)  # (gold, pred) -> n
    cell_key: dict[str, list[int]] = field(default_factory=dict)  # key -> [tp, fp, fn]
    nz: list[int] = field(default_factory=lambda: [0, 0, 0])
    amb: list[int] = field(default_factory=lambda: [0, 0])  # [n, correct]
    amb_tagger_only: list[int] = field(default_factory=lambda: [0, 0])  # same rows, decoded without arithmetic
    nonamb: list[int] = field(default_factory=lambda: [0, 0])
    sec: list[int] = field(default_factory=lambda: [0, 0, 0])
    sec_key: list[int] = field(default_factory=lambda: [0, 0, 0])
    tags_total: int = 0
    tags_fallback: int = 0
    sources: Counter = field(default_factory=Counter)
    misses: list[tuple[str, str | None, str | None]] = field(default_factory=list)
    n_gold_cells: int = 0
    n_pred_cells: int = 0
    # cell-level gold only (``score_gold_report``)
    gold: bool = False
    path: str = ""
    gold_amb: list[int] = field(default_factory=lambda: [0, 0, 0])  # [n, right in its column, right elsewhere in its row]
    amb_moves: list[tuple[str, str, str]] = field(default_factory=list)  # (gold key, value, predicted key it matched)
    blank: list[int] = field(default_factory=lambda: [0, 0])  # [blank cells in printed rows, of them emitted]
    blank_emitted: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)  # predicted cells in rows the gold does not print
    sec_title: list[int] = field(default_factory=lambda: [0, 0, 0])  # sections by key and printed title
    sec_misses: list[dict[str, Any]] = field(default_factory=list)
    where: dict[str, dict[str, Any]] = field(default_factory=dict)  # miss key -> where it is printed
    pred_used: set[str] = field(default_factory=set)  # predicted keys paired with a gold cell

    @property
    def cells(self) -> list[int]:
        tp = sum(v[0] for v in self.cell_key.values())
        fp = sum(v[1] for v in self.cell_key.values())
        fn = sum(v[2] for v in self.cell_key.values())
        return [tp, fp, fn]

    @property
    def exact(self) -> bool:
        _, fp, fn = self.cells
        return fp == 0 and fn == 0 and self.sec[1] == 0 and self.sec[2] == 0


def _match(gold: dict[str, str], pred: dict[str, str], ambiguous: frozenset[str]) -> tuple[dict[str, str], set[str]]:
    """Pair gold and predicted cells: the same key and value, then each unmatched ``ambiguous`` gold cell
    with an unpaired predicted cell of the same value in the same row.

    Returns ``(gold key → predicted key, predicted keys used)``. Without ambiguous keys this is the plain
    key-and-value comparison.
    """
    matched = {k: k for k, v in gold.items() if pred.get(k) == v}
    used = set(matched)
    if ambiguous:
        from ogi.gold import row_of

        by_row: dict[str, list[str]] = defaultdict(list)
        for k in sorted(pred):
            by_row[row_of(k)].append(k)
        for k in sorted(ambiguous):
            if k not in gold or k in matched:
                continue
            cands = [k2 for k2 in by_row.get(row_of(k), ()) if k2 not in used and pred[k2] == gold[k]]
            if cands:
                # take a predicted cell the gold leaves blank before one that displaces another gold cell
                cands.sort(key=lambda k2: (k2 in gold and k2 not in ambiguous, k2 in gold, k2))
                matched[k] = cands[0]
                used.add(cands[0])
    return matched, used


def score_cells(
    score: ReportScore,
    gold: dict[str, str],
    pred: dict[str, Any],
    ambiguous: frozenset[str] = frozenset(),
    norm: Any = None,
) -> None:
    """Count cell TP/FP/FN per key, the non-zero view, ambiguous accuracy and the misses.

    ``ambiguous``: gold keys whose value counts as right anywhere in its row (cell-level gold);
    ``norm``: the value normalisation (default: whitespace removed).
    """
    norm = norm or _norm
    g = {k: norm(v) for k, v in gold.items()}
    p = {k: norm(c.value) for k, c in pred.items()}
    score.n_gold_cells, score.n_pred_cells = len(g), len(p)
    matched, used = _match(g, p, ambiguous)
    for k in sorted(set(g) | set(p)):
        st = score.cell_key.setdefault(k, [0, 0, 0])
        gold_ok = k in matched
        pred_bad = k in p and k not in used
        if gold_ok:
            st[0] += 1
        if pred_bad:
            st[1] += 1
        if k in g and not gold_ok:
            st[2] += 1
        if pred_bad or (k in g and not gold_ok):
            score.misses.append((k, gold.get(k), pred[k].value if k in pred else None))
        if k in pred:
            bucket = score.amb if getattr(pred[k], "ambiguous", False) else score.nonamb
            bucket[0] += 1
            bucket[1] += int(k in used)
    for k in sorted(ambiguous & set(g)):
        score.gold_amb[0] += 1
        if matched.get(k) == k:
            score.gold_amb[1] += 1
        elif k in matched:
            score.gold_amb[2] += 1
            score.amb_moves.append((k, gold[k], matched[k]))
    # non-zero view: the same pairing on the cells whose value is not "0"
    gnz = {k: v for k, v in g.items() if v != "0"}
    pnz = {k: v for k, v in p.items() if v != "0"}
    m_nz, u_nz = _match(gnz, pnz, ambiguous)
    score.nz = [len(m_nz), len(pnz) - len(u_nz), len(gnz) - len(m_nz)]
    score.pred_used = used


def score_blanks(score: ReportScore, gold: dict[str, str], pred: dict[str, Any], template: str) -> None:
    """Blank cells: template cells of the rows the gold prints that the gold leaves blank, and which of them
    ogi filled; predicted cells in rows the gold does not print at all are counted as ``extra``."""
    from ogi.gold import row_of
    from ogi.schema import all_cell_keys

    used = score.pred_used
    universes = []
    for tpl in dict.fromkeys([template, "2021", "2019"]):
        if tpl in ("2019", "2021"):
            cols: dict[str, list[str]] = defaultdict(list)
            for k in all_cell_keys(tpl):
                cols[row_of(k)].append(k)
            universes.append(cols)
    gold_rows = {row_of(k) for k in gold}
    n_blank, emitted = 0, []
    for row in sorted(gold_rows):
        keys = next((u[row] for u in universes if row in u), [])
        blanks = [k for k in keys if k not in gold]
        n_blank += len(blanks)
        emitted += [k for k in blanks if k in pred and k not in used]
    extra = [k for k in sorted(pred) if k not in used and k not in gold and row_of(k) not in gold_rows]
    score.blank = [n_blank, len(emitted)]
    score.blank_emitted = emitted
    score.extra = extra


def score_sections(score: ReportScore, gold: list[tuple[str, int]], pred: list[tuple[str, int]]) -> None:
    """Sections as multisets of (key, line), and of keys alone."""
    gc, pc = Counter(gold), Counter(pred)
    tp = sum((gc & pc).values())
    score.sec = [tp, sum(pc.values()) - tp, sum(gc.values()) - tp]
    gk, pk = Counter(k for k, _ in gold), Counter(k for k, _ in pred)
    tpk = sum((gk & pk).values())
    score.sec_key = [tpk, sum(pk.values()) - tpk, sum(gk.values()) - tpk]


def score_gold_sections(score: ReportScore, gold: list[dict[str, Any]], pred: list[Any]) -> None:
    """Sections against cell-level gold: multisets of keys (the headline), and of (key, printed title)."""
    from ogi.gold import norm_title

    gk, pk = Counter(s["key"] for s in gold), Counter(s.key for s in pred)
    tp = sum((gk & pk).values())
    score.sec = [tp, sum(pk.values()) - tp, sum(gk.values()) - tp]
    score.sec_key = list(score.sec)
    gt = Counter((s["key"], norm_title(s.get("title"))) for s in gold)
    pt = Counter((s.key, norm_title(s.title)) for s in pred)
    tpt = sum((gt & pt).values())
    score.sec_title = [tpt, sum(pt.values()) - tpt, sum(gt.values()) - tpt]
    gtitles = {s["key"]: s.get("title") for s in gold}
    ptitles = {s.key: s.title for s in pred}
    for k in sorted(set(gk) | set(pk)):
        if gk[k] != pk[k] or norm_title(gtitles.get(k)) != norm_title(ptitles.get(k)):
            score.sec_misses.append({"key": k, "gold": gtitles.get(k), "pred": ptitles.get(k)})


EXCERPT_BEFORE, EXCERPT_AFTER = 45, 30  # characters of context around a printed span (labels come before values)


class _Locator:
    """Where a cell or heading is printed in a document's text: the line and a short excerpt around it."""

    def __init__(self, doc: Any) -> None:
        import bisect

        self.doc = doc
        self.text: str = doc.text or ""
        self._starts = [0] + [i + 1 for i, ch in enumerate(self.text) if ch == "\n"]
        self._bisect = bisect.bisect_right

    def excerpt(self, start: int, end: int, how: str) -> dict[str, Any]:
        """The printed span ``text[start:end]`` with some characters of context either side, and its source line."""
        n = len(self.text)
        start = max(0, min(start, n))
        end = max(start, min(end, n))
        a, b = max(0, start - EXCERPT_BEFORE), min(n, end + EXCERPT_AFTER)
        line_index = self._bisect(self._starts, start) - 1
        return {
            "line": self.doc.source_line(line_index),
            "before": ("…" if a > 0 else "") + self.text[a:start],
            "span": self.text[start:end],
            "after": self.text[end:b] + ("…" if b < n else ""),
            "how": how,
        }

    def cell(self, cell: Any) -> dict[str, Any] | None:
        """Where a predicted cell was read."""
        off = getattr(cell, "offset", -1)
        if off is None or off < 0:
            return None
        value = str(cell.value)
        hit = self.text.find(value, off, off + len(value) + 8)
        start = hit if hit >= 0 else off
        return self.excerpt(start, start + max(1, len(value)), "predicted")

    def label(self, labels: list[str], value: str | None) -> dict[str, Any] | None:
        """The first printed row label (longest variant first), with the gold value if it follows closely."""
        first = None
        for lab in sorted({x for x in labels if x}, key=len, reverse=True):
            pos = self.text.find(lab)
            while pos >= 0:
                if first is None:
                    first = (pos, pos + len(lab))
                if value:
                    hit = self.text.find(value, pos + len(lab), pos + len(lab) + 120)
                    if hit >= 0:
                        return self.excerpt(pos, hit + len(value), "label")
                pos = self.text.find(lab, pos + 1)
        return self.excerpt(*first, "label") if first else None

    def title(self, title: str | None) -> dict[str, Any] | None:
        """Where a section title is printed (as printed, then without its numbering)."""
        from ogi.schema import strip_numbering

        for t in (str(title or "").strip(), strip_numbering(str(title or "")).strip()):
            if t and (pos := self.text.find(t)) >= 0:
                return self.excerpt(pos, pos + len(t), "title")
        return None


def _row_labels(key: str) -> list[str]:
    """Printed variants of the row label of a cell key (for finding a missed cell in the text)."""
    from ogi.schema import T2_BLOCK_BY_KEY, T3_ROW_BY_KEY, T4_GROUPS

    if key.startswith("legacy."):
        label = key[len("legacy.") :]
        return [label, label[:6]]
    parts = key.split(".")
    if parts[0] == "t3":
        row = T3_ROW_BY_KEY.get(".".join(parts[1:-1]))
        return [row.label, *row.aliases] if row else []
    if parts[0] == "t2" and len(parts) == 4 and parts[1] in T2_BLOCK_BY_KEY:
        return [a for r in T2_BLOCK_BY_KEY[parts[1]].rows if r.key == parts[2] for a in (r.label, *r.aliases)]
    if parts[0] == "t4":
        return [a for g in T4_GROUPS if g.key == parts[1] for a in (g.label, *g.aliases)]
    return []


def locate_misses(score: ReportScore, doc: Any, pred: dict[str, Any]) -> None:
    """Fill ``score.where``: for each missed cell the predicted cell's printed span, else the span of the
    cells ogi read in the same row, else the printed row label; for each missed section its title."""
    from ogi.gold import row_of

    loc = _Locator(doc)
    rows: dict[str, list[Any]] = defaultdict(list)
    for k, c in pred.items():
        if getattr(c, "offset", -1) is not None and getattr(c, "offset", -1) >= 0:
            rows[row_of(k)].append(c)
    for k, gv, _pv in score.misses[: max(MAX_MISSES_SHOWN, MAX_MISSES_GOLD)]:
        where = loc.cell(pred[k]) if k in pred else None
        if where is None and rows.get(row_of(k)):
            cells = rows[row_of(k)]
            a = min(c.offset for c in cells)
            b = max(c.offset + len(str(c.value)) for c in cells)
            where = loc.excerpt(a, b, "row")
        if where is None:
            where = loc.label(_row_labels(k), _norm(gv) if gv is not None else None)
        if where is not None:
            score.where[k] = where
    for m in score.sec_misses:
        w = loc.title(m["pred"]) if m.get("pred") else None
        m["where"] = w or (loc.title(m["gold"]) if m.get("gold") else None)


def score_gold_report(gold: Any, tagger: Any, source: str) -> ReportScore:
    """Read a gold report's raw file, process it with a tagger and count everything against its cell gold."""
    from ogi.gold import norm_key, norm_value
    from ogi.pipeline import process
    from ogi.readers import read

    score = ReportScore(gold.id, {b: str(gold.meta.get(b) or "unknown") for b in BREAKDOWNS}, gold=True, path=str(gold.raw))
    template = str(gold.meta.get("template") or "")
    try:
        doc = read(gold.raw)
    except Exception as exc:  # noqa: BLE001 - a report the reader rejects scores as all-missed
        reason = getattr(exc, "reason", None) or f"{type(exc).__name__}: {exc}"
        log.warning("%s: cannot read %s: %s", gold.id, gold.raw, reason)
        score.status, score.errors = "failed", [f"read: {reason}"]
        score_cells(score, gold.cells, {}, gold.ambiguous, norm=norm_value)
        score_blanks(score, gold.cells, {}, template)
        score_gold_sections(score, gold.sections, [])
        return score
    t0 = time.perf_counter()
    process(doc, tagger)
    score.seconds = time.perf_counter() - t0
    score.status, score.errors = doc.status, list(doc.errors)
    for t in doc.tags:
        score.tags_total += 1
        score.sources[t.source] += 1
        if t.source != source:
            score.tags_fallback += 1
    pred = {norm_key(k): c for k, c in doc.cells.items()}
    score_cells(score, gold.cells, pred, gold.ambiguous, norm=norm_value)
    score_blanks(score, gold.cells, pred, template)
    score_gold_sections(score, gold.sections, doc.sections)
    locate_misses(score, doc, pred)
    return score


def primary_source(tagger: Any) -> str:
    """The ``source`` the model's own tags carry (the wrapped model of a fallback tagger)."""
    for attr in ("primary", "model", "tagger", "inner", "main"):
        inner = getattr(tagger, attr, None)
        if inner is not None and hasattr(inner, "predict") and getattr(inner, "name", None):
            return str(inner.name)
    return str(getattr(tagger, "name", "tagger"))


def _score_tagger_only(score: ReportScore, doc: Any, gold: dict[str, str]) -> None:
    """Decode the same tags again without the arithmetic; count its cells in rows that lost blanks."""
    import copy

    from ogi.decode import decode

    alt = decode(copy.copy(doc), arithmetic=False)
    for k, c in alt.cells.items():
        if c.ambiguous:
            score.amb_tagger_only[0] += 1
            score.amb_tagger_only[1] += int(_norm(gold.get(k)) == _norm(c.value)) if k in gold else 0


def score_report(report: Any, tagger: Any, source: str) -> ReportScore:
    """Process one annotated report with a tagger and count everything against its gold."""
    from ogi.pipeline import process
    from ogi.training.align import document_from_annotation, gold_labels

    meta = dict(report.meta or {})
    score = ReportScore(report.id, {b: str(meta.get(b, "unknown")) for b in BREAKDOWNS})
    try:
        doc = document_from_annotation(report)
    except Exception as exc:  # noqa: BLE001 - a report the reader rejects scores as all-missed
        log.warning("%s: cannot build the document: %s", report.id, exc)
        score.status, score.errors = "failed", [f"read: {exc}"]
        score_cells(score, report.gold_cells(), {})
        score_sections(score, report.gold_sections(), [])
        return score
    t0 = time.perf_counter()
    process(doc, tagger)
    score.seconds = time.perf_counter() - t0
    score.status, score.errors = doc.status, list(doc.errors)
    try:
        gold = gold_labels(doc, report.spans)
    except Exception as exc:  # noqa: BLE001
        log.warning("%s: cannot align gold labels: %s", report.id, exc)
        gold = []
    preds = [t.label for t in doc.tags]
    if len(preds) < len(gold):
        preds += ["<none>"] * (len(gold) - len(preds))
    for g, p in zip(gold, preds):
        score.confusion[(g, p)] += 1
    for t in doc.tags:
        score.tags_total += 1
        score.sources[t.source] += 1
        if t.source != source:
            score.tags_fallback += 1
    gold_cells = report.gold_cells()
    score_cells(score, gold_cells, doc.cells)
    _score_tagger_only(score, doc, gold_cells)
    score_sections(score, report.gold_sections(), [(s.key, s.line) for s in doc.sections])
    locate_misses(score, doc, doc.cells)
    return score


# ---------------------------------------------------------------------------------------------
# Aggregation
# ---------------------------------------------------------------------------------------------


def _sum(lists: Iterable[Sequence[int]], n: int) -> list[int]:
    out = [0] * n
    for lst in lists:
        for i in range(n):
            out[i] += lst[i]
    return out


def segment_metrics(confusion: Counter) -> dict[str, Any]:
    """Accuracy over all segments and over segments where gold or prediction is not O; per-label P/R/F1."""
    total = sum(confusion.values())
    right = sum(n for (g, p), n in confusion.items() if g == p)
    non_o = sum(n for (g, p), n in confusion.items() if g != "O" or p != "O")
    non_o_right = sum(n for (g, p), n in confusion.items() if g == p and g != "O")
    labels = sorted({g for g, _ in confusion} | {p for _, p in confusion})
    per_label = {}
    for lab in labels:
        tp = confusion.get((lab, lab), 0)
        fp = sum(n for (g, p), n in confusion.items() if p == lab and g != lab)
        fn = sum(n for (g, p), n in confusion.items() if g == lab and p != lab)
        per_label[lab] = prf(tp, fp, fn)
    return {
        "n": total,
        "accuracy": _ratio(right, total),
        "n_non_o": non_o,
        "accuracy_non_o": _ratio(non_o_right, non_o),
        "per_label": per_label,
    }


def _headline(scores: list[ReportScore]) -> dict[str, Any]:
    """The metrics that are given overall and per layout/template/script."""
    confusion: Counter = Counter()
    for s in scores:
        confusion.update(s.confusion)
    seg = segment_metrics(confusion)
    cells = prf(*_sum((s.cells for s in scores), 3))
    nz = prf(*_sum((s.nz for s in scores), 3))
    sec = prf(*_sum((s.sec for s in scores), 3))
    sec_key = prf(*_sum((s.sec_key for s in scores), 3))
    amb = _sum((s.amb for s in scores), 2)
    amb_t = _sum((s.amb_tagger_only for s in scores), 2)
    nonamb = _sum((s.nonamb for s in scores), 2)
    tags = sum(s.tags_total for s in scores)
    fb = sum(s.tags_fallback for s in scores)
    secs = sum(s.seconds for s in scores)
    out = {
        "n_reports": len(scores),
        "segment_accuracy": seg["accuracy"],
        "segment_accuracy_non_o": seg["accuracy_non_o"],
        "n_segments": seg["n"],
        "cells": cells,
        "cells_nonzero": nz,
        "sections": sec,
        "sections_key_only": sec_key,
        "exact_match": _ratio(sum(s.exact for s in scores), len(scores)),
        "ambiguous_cells": {"count": amb[0], "correct": amb[1], "accuracy": _ratio(amb[1], amb[0])},
        # the same rows (blanks lost) decoded by the tagger's value labels alone, without the arithmetic
        "ambiguous_cells_tagger_only": {"count": amb_t[0], "correct": amb_t[1], "accuracy": _ratio(amb_t[1], amb_t[0])},
        "non_ambiguous_cells": {"count": nonamb[0], "correct": nonamb[1], "accuracy": _ratio(nonamb[1], nonamb[0])},
        "fallback_rate": _ratio(fb, tags),
        "seconds": secs,
        "reports_per_s": _ratio(len(scores), secs) if secs > 0 else None,
        "failed": sum(s.status == "failed" for s in scores),
    }
    if any(s.gold for s in scores):
        out.update(_gold_headline(scores))
    return out


def _gold_headline(scores: list[ReportScore]) -> dict[str, Any]:
    """The extra headline metrics of cell-level gold: titles, blank cells, the gold's ambiguous cells."""
    blank = _sum((s.blank for s in scores), 2)
    gamb = _sum((s.gold_amb for s in scores), 3)
    return {
        "sections_key_title": prf(*_sum((s.sec_title for s in scores), 3)),
        # cells the gold leaves blank in the rows it prints: how many ogi left blank
        "blanks": {"count": blank[0], "emitted": blank[1], "kept": blank[0] - blank[1], "kept_rate": _ratio(blank[0] - blank[1], blank[0])},
        "extra_cells": sum(len(s.extra) for s in scores),
        # gold cells whose column the text cannot decide: right in their column, right elsewhere in their row
        "gold_ambiguous": {
            "count": gamb[0],
            "right_in_column": gamb[1],
            "right_in_row": gamb[2],
            "missed": gamb[0] - gamb[1] - gamb[2],
            "accuracy": _ratio(gamb[1] + gamb[2], gamb[0]),
        },
    }


def _miss_list(s: ReportScore, limit: int) -> list[dict[str, Any]]:
    out = []
    for k, g, p in s.misses[:limit]:
        d: dict[str, Any] = {"key": k, "gold": g, "pred": p}
        if k in s.where:
            d["where"] = s.where[k]
        out.append(d)
    return out


def aggregate(scores: list[ReportScore], source: str = "") -> dict[str, Any]:
    """All metrics of one model over its report scores."""
    out = _headline(scores)
    confusion: Counter = Counter()
    sources: Counter = Counter()
    for s in scores:
        confusion.update(s.confusion)
        sources.update(s.sources)
    out["primary_source"] = source
    out["tag_sources"] = dict(sources.most_common())
    out["segment_labels"] = segment_metrics(confusion)["per_label"]
    out["confused"] = [
        {"gold": g, "pred": p, "count": n}
        for (g, p), n in sorted(((k, n) for k, n in confusion.items() if k[0] != k[1]), key=lambda kv: (-kv[1], kv[0]))[:N_CONFUSED]
    ]
    # per key and per table
    per_key: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for s in scores:
        for k, v in s.cell_key.items():
            acc = per_key[k]
            for i in range(3):
                acc[i] += v[i]
    per_table = {t: prf(*_sum((v for k, v in per_key.items() if k.split(".", 1)[0] == t), 3)) for t in TABLES}
    out["cells_by_table"] = {t: m for t, m in per_table.items() if m["tp"] + m["fp"] + m["fn"]}
    keyed = [{"key": k, "support": v[0] + v[2], **prf(*v)} for k, v in per_key.items()]
    keyed.sort(key=lambda d: (d["f1"], -(d["tp"] + d["fp"] + d["fn"]), d["key"]))
    out["worst_keys"] = [d for d in keyed if d["f1"] < 1.0][:N_WORST_KEYS]
    # breakdowns
    out["by"] = {}
    for b in BREAKDOWNS:
        groups: dict[str, list[ReportScore]] = defaultdict(list)
        for s in scores:
            groups[s.meta.get(b, "unknown")].append(s)
        out["by"][b] = {name: _headline(grp) for name, grp in sorted(groups.items())}
    # reports
    rows = []
    for s in scores:
        c = prf(*s.cells)
        row = {
            "id": s.id,
            **s.meta,
            "status": s.status,
            "errors": s.errors[:5],
            "cell_f1": c["f1"],
            "cell_tp": c["tp"],
            "cell_fp": c["fp"],
            "cell_fn": c["fn"],
            "n_gold_cells": s.n_gold_cells,
            "n_pred_cells": s.n_pred_cells,
            "section_f1": prf(*s.sec)["f1"],
            "exact": s.exact,
            "seconds": s.seconds,
        }
        if s.gold:
            nz = prf(*s.nz)
            row.update(
                {
                    "path": s.path,
                    "nonzero_cell_f1": nz["f1"],
                    "nonzero_tp": nz["tp"],
                    "nonzero_fp": nz["fp"],
                    "nonzero_fn": nz["fn"],
                    "section_key_title_f1": prf(*s.sec_title)["f1"],
                    "blank_cells": s.blank[0],
                    "blank_emitted": s.blank_emitted,
                    "extra_cells": s.extra[:MAX_MISSES_SHOWN],
                    "n_extra_cells": len(s.extra),
                    "gold_ambiguous": {"count": s.gold_amb[0], "right_in_column": s.gold_amb[1], "right_in_row": s.gold_amb[2]},
                    "ambiguous_accepted_in_row": [{"key": k, "value": v, "pred_key": pk} for k, v, pk in s.amb_moves],
                    "n_misses": len(s.misses),
                    "misses": _miss_list(s, MAX_MISSES_GOLD),
                    "section_misses": s.sec_misses,
                }
            )
        rows.append(row)
    out["reports"] = rows
    worst = sorted(scores, key=lambda s: (prf(*s.cells)["f1"], s.id))[:N_WORST_REPORTS]
    out["worst_reports"] = [
        {
            "id": s.id,
            **s.meta,
            "cell_f1": prf(*s.cells)["f1"],
            "n_misses": len(s.misses),
            "misses": _miss_list(s, MAX_MISSES_SHOWN),
            "errors": s.errors[:5],
        }
        for s in worst
        if s.misses or s.errors
    ]
    return out


# ---------------------------------------------------------------------------------------------
# Entry point
# ---------------------------------------------------------------------------------------------


def select_reports(reports: list[Any], split: str | Sequence[str] | None) -> list[Any]:
    """Reports whose ``meta.split`` is in ``split`` ("all" or None keeps every report)."""
    if split is None or split == "all":
        return list(reports)
    wanted = {split} if isinstance(split, str) else set(split)
    if "all" in wanted:
        return list(reports)
    return [r for r in reports if (r.meta or {}).get("split") in wanted]


def evaluate(
    models: list[str],
    data: list[Path],
    out_dir: Path | None = None,
    split: str | Sequence[str] | None = "test",
    reports: list[Any] | None = None,
    command: str | None = None,
) -> dict[str, Any]:
    """Score each model spec on the annotated reports of ``data`` (only ``split``; "all" for every one).

    Returns ``{"models": {spec: metrics}, "skipped": {spec: reason}, "data": [...], "n_reports": n,
    "split": ...}``. A model that cannot be loaded (missing model, missing optional dependency) is
    skipped with its reason. With ``out_dir``, ``metrics.json`` and ``report.html`` are written there.
    ``reports``: already-read annotated reports (then ``data`` only labels the result). ``command``: the
    command line that made the run, shown in the report.
    """
    from ogi.annotations import read_annotations

    if reports is None:
        reports = read_annotations([Path(p) for p in data])
    n_read = len(reports)
    selected = select_reports(reports, split)
    result: dict[str, Any] = {
        "models": {},
        "skipped": {},
        "data": [str(p) for p in data],
        "split": split if isinstance(split, str) or split is None else list(split),
        "n_read": n_read,
        "n_reports": len(selected),
        "composition": {b: dict(sorted(Counter(str((r.meta or {}).get(b, "unknown")) for r in selected).items())) for b in BREAKDOWNS},
    }
    if command:
        result["command"] = command
    _run_models(result, models, score_report, selected)
    if out_dir is not None:
        from ogi.report_html import write_report

        write_report(result, Path(out_dir))
    return result


def _run_models(result: dict[str, Any], models: list[str], score_one: Any, items: list[Any]) -> None:
    """Load each model spec (``ogi.taggers.load_tagger``), score every item, put the metrics in ``result``."""
    from ogi.errors import ModelLoadError, OptionalDependencyError
    from ogi.taggers import load_tagger

    for spec in models:
        try:
            tagger = load_tagger(spec)
        except (ModelLoadError, OptionalDependencyError) as exc:
            log.info("skipping model %s: %s", spec, exc)
            result["skipped"][spec] = str(exc)
            continue
        source = primary_source(tagger)
        scores = [score_one(item, tagger, source) for item in items]
        metrics = aggregate(scores, source)
        try:
            metrics["model"] = tagger.describe()
        except Exception:  # noqa: BLE001
            metrics["model"] = {"name": source}
        result["models"][spec] = metrics


def evaluate_gold(
    models: list[str],
    golds: list[Any],
    out_dir: Path | None = None,
    command: str | None = None,
) -> dict[str, Any]:
    """Score each model spec on reports with cell-level gold (:class:`ogi.gold.GoldReport`, see
    ``docs/gold-format.md``): each raw report is read and processed as ``ogi tag`` would.

    Cells: a hit needs the key and the value after :func:`ogi.gold.norm_value` (full-width → half-width);
    a gold ``ambiguous`` cell is also right where its value was emitted in another column of its row (each
    predicted cell pairs with one gold cell). Sections: keys (and keys with printed titles). Returns the
    dict of :func:`evaluate` with ``"kind": "gold"`` and per report the misses with where they are printed;
    with ``out_dir``, writes ``metrics.json`` and ``report.html``.
    """
    result: dict[str, Any] = {
        "kind": "gold",
        "command": command,
        "models": {},
        "skipped": {},
        "data": sorted({str(g.path.parent) for g in golds}),
        "gold": [
            {
                "id": g.id,
                "gold": str(g.path),
                "raw": str(g.raw),
                "cells": len(g.cells),
                "ambiguous": len(g.ambiguous),
                "sections": len(g.sections),
                **{b: g.meta.get(b) for b in ("layout", "template", "year")},
                **({"warnings": g.warnings} if g.warnings else {}),
            }
            for g in golds
        ],
        "split": None,
        "n_read": len(golds),
        "n_reports": len(golds),
        "composition": {b: dict(sorted(Counter(str(g.meta.get(b) or "unknown") for g in golds).items())) for b in BREAKDOWNS},
    }
    _run_models(result, models, score_gold_report, golds)
    if out_dir is not None:
        from ogi.report_html import write_report

        write_report(result, Path(out_dir))
    return result
