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


def score_cells(score: ReportScore, gold: dict[str, str], pred: dict[str, Any]) -> None:
    """Count cell TP/FP/FN per key, the non-zero view, ambiguous accuracy and the misses."""
    g = {k: _norm(v) for k, v in gold.items()}
    p = {k: _norm(c.value) for k, c in pred.items()}
    score.n_gold_cells, score.n_pred_cells = len(g), len(p)
    for k in sorted(set(g) | set(p)):
        gv, pv = g.get(k), p.get(k)
        st = score.cell_key.setdefault(k, [0, 0, 0])
        if gv is not None and gv == pv:
            st[0] += 1
        else:
            if pv is not None:
                st[1] += 1
            if gv is not None:
                st[2] += 1
            score.misses.append((k, gold.get(k), pred[k].value if k in pred else None))
        # non-zero view
        gnz = gv is not None and gv != "0"
        pnz = pv is not None and pv != "0"
        if gnz and pnz and gv == pv:
            score.nz[0] += 1
        else:
            if pnz:
                score.nz[1] += 1
            if gnz:
                score.nz[2] += 1
        if k in pred:
            bucket = score.amb if getattr(pred[k], "ambiguous", False) else score.nonamb
            bucket[0] += 1
            bucket[1] += int(gv is not None and gv == pv)


def score_sections(score: ReportScore, gold: list[tuple[str, int]], pred: list[tuple[str, int]]) -> None:
    """Sections as multisets of (key, line), and of keys alone."""
    gc, pc = Counter(gold), Counter(pred)
    tp = sum((gc & pc).values())
    score.sec = [tp, sum(pc.values()) - tp, sum(gc.values()) - tp]
    gk, pk = Counter(k for k, _ in gold), Counter(k for k, _ in pred)
    tpk = sum((gk & pk).values())
    score.sec_key = [tpk, sum(pk.values()) - tpk, sum(gk.values()) - tpk]


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
    from ogi.training.align import document_from_annotation, gold_labels
    from ogi.pipeline import process

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
    return {
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
        rows.append(
            {
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
        )
    out["reports"] = rows
    worst = sorted(scores, key=lambda s: (prf(*s.cells)["f1"], s.id))[:N_WORST_REPORTS]
    out["worst_reports"] = [
        {
            "id": s.id,
            **s.meta,
            "cell_f1": prf(*s.cells)["f1"],
            "n_misses": len(s.misses),
            "misses": [{"key": k, "gold": g, "pred": p} for k, g, p in s.misses[:MAX_MISSES_SHOWN]],
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
) -> dict[str, Any]:
    """Score each model spec on the annotated reports of ``data`` (only ``split``; "all" for every one).

    Returns ``{"models": {spec: metrics}, "skipped": {spec: reason}, "data": [...], "n_reports": n,
    "split": ...}``. A model that cannot be loaded (missing model, missing optional dependency) is
    skipped with its reason. With ``out_dir``, ``metrics.json`` and ``report.html`` are written there.
    ``reports``: already-read annotated reports (then ``data`` only labels the result).
    """
    from ogi.annotations import read_annotations
    from ogi.errors import ModelLoadError, OptionalDependencyError
    from ogi.taggers import load_tagger

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
    for spec in models:
        try:
            tagger = load_tagger(spec)
        except (ModelLoadError, OptionalDependencyError) as exc:
            log.info("skipping model %s: %s", spec, exc)
            result["skipped"][spec] = str(exc)
            continue
        source = primary_source(tagger)
        scores = [score_report(r, tagger, source) for r in selected]
        metrics = aggregate(scores, source)
        try:
            metrics["model"] = tagger.describe()
        except Exception:  # noqa: BLE001
            metrics["model"] = {"name": source}
        result["models"][spec] = metrics
    if out_dir is not None:
        from ogi.report_html import write_report

        write_report(result, Path(out_dir))
    return result
