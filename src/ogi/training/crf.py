"""Training: annotated reports in, a model directory with meta.json out."""

from __future__ import annotations

import hashlib
import json
import logging
import platform
import shutil
import time
from pathlib import Path
from typing import Any

from ogi import __version__
from ogi.training.align import document_from_annotation, gold_labels
from ogi.context import detect
from ogi.data import Document
from ogi.segment import segment

log = logging.getLogger(__name__)


def data_hash(paths: list[Path]) -> str:
    """SHA-256 over the training files' bytes, in the given order."""
    h = hashlib.sha256()
    for p in paths:
        files = sorted(p.glob("*.jsonl")) if p.is_dir() else [p]
        for f in files:
            h.update(f.read_bytes())
    return h.hexdigest()[:16]


def prepare(reports: list[Any]) -> tuple[list[Document], list[list[str]]]:
    """Segmented documents and their gold segment labels.

    Segments overlapping a ``meta.unlabelled`` range (a value the gold could not place, an ambiguous
    cell: ``ogi annotate --from-gold``) take the rules' label instead of ``O``: the annotation makes no
    claim there, so the model is neither taught that the value is O nor given a guessed column.
    """
    docs, ys = [], []
    rules = None
    for rep in reports:
        doc = document_from_annotation(rep)
        segment(doc)
        detect(doc)
        docs.append(doc)
        y = gold_labels(doc, rep.spans)
        unlabelled = (rep.meta or {}).get("unlabelled") or []
        if unlabelled:
            if rules is None:
                from ogi.taggers.rules import RuleTagger

                rules = RuleTagger()
            rtags = rules.predict_one(doc)
            for i, seg in enumerate(doc.segments):
                rs, re_ = doc.raw_span(seg.start, seg.end)
                if any(rs < e and s < max(re_, rs + 1) for s, e in unlabelled):
                    y[i] = rtags[i].label
        ys.append(y)
    return docs, ys


def repeat_real(reports: list[Any], real_weight: int) -> list[Any]:
    """The training reports with each non-synthetic one repeated ``real_weight`` times (a handful of real
    reports against hundreds of synthetic ones would barely move the weights otherwise)."""
    if real_weight <= 1:
        return list(reports)
    out: list[Any] = []
    for r in reports:
        n = real_weight if (r.meta or {}).get("source", "synthetic") != "synthetic" else 1
        out += [r] * n
    return out


def split_reports(reports: list[Any]) -> dict[str, list[Any]]:
    """Reports by meta.split (train, dev, test)."""
    out: dict[str, list[Any]] = {"train": [], "dev": [], "test": []}
    for r in reports:
        out.setdefault(r.meta.get("split", "train"), []).append(r)
    return out


def read_splits(data: list[Path]) -> dict[str, list[Any]]:
    """The annotated reports of ``data`` by split; an error when none is for training."""
    from ogi.annotations import read_annotations

    parts = split_reports(read_annotations(data))
    if not parts["train"]:
        raise ValueError(f"no reports with split=train in {', '.join(map(str, data))}")
    return parts


def _accuracy(pred: list[list[str]], gold: list[list[str]]) -> float:
    n = sum(len(g) for g in gold)
    ok = sum(p == g for ps, gs in zip(pred, gold) for p, g in zip(ps, gs))
    return ok / n if n else 0.0


def choose_threshold(
    primary: Any, source: str, dev_docs: list[Document], y_dev: list[list[str]], pdev: list[list[tuple[str, float]]], thresholds: list[float]
) -> tuple[float, dict[str, float]]:
    """The fallback threshold with the best dev segment accuracy, and every threshold's accuracy.

    ``pdev``: the primary tagger's (label, score) per dev segment.
    """
    from ogi.data import Tag
    from ogi.taggers.fallback import FallbackTagger
    from ogi.taggers.rules import RuleTagger

    rules = RuleTagger()
    rtags = [rules.predict_one(d) for d in dev_docs]
    scores = {"rules_segment_accuracy": _accuracy([[t.label for t in s] for s in rtags], y_dev)}
    best, threshold = -1.0, 0.5
    for th in thresholds:
        fb = FallbackTagger(primary, rules, th)
        combined = [
            [t.label for t in fb.combine(d, [Tag(lab, p, source) for lab, p in ps], rt)]
            for d, ps, rt in zip(dev_docs, pdev, rtags, strict=True)
        ]
        acc = _accuracy(combined, y_dev)
        scores[f"fallback_{th}_segment_accuracy"] = acc
        if acc > best + 1e-9:
            best, threshold = acc, th
    return threshold, scores


def train_crf(
    data: list[Path],
    out: Path,
    config: Any,
    name: str | None = None,
    real_weight: int = 1,
    exclude_sources: frozenset[str] | set[str] = frozenset(),
) -> dict[str, Any]:
    """Train the CRF on the train split of ``data``, choose the fallback threshold on dev, write ``out``.

    Test-split reports are never trained on. ``real_weight``: each non-synthetic training report counts
    that many times. ``exclude_sources``: reports whose ``meta.source`` is one of these are dropped from
    every split (leave-one-source-out). Returns the meta dict written to ``out/meta.json``.
    """
    from ogi.features import FEATURES_VERSION
    from ogi.taggers.crf import MODEL_FILE, CRFTagger, featurize
    from ogi.taggers.integrity import file_record

    parts = read_splits(data)
    if exclude_sources:
        parts = {k: [r for r in v if (r.meta or {}).get("source") not in exclude_sources] for k, v in parts.items()}
    n_real = sum((r.meta or {}).get("source", "synthetic") != "synthetic" for r in parts["train"])
    t0 = time.perf_counter()
    train_docs, y_train = prepare(repeat_real(parts["train"], real_weight))
    X_train = featurize(train_docs)
    t_feat = time.perf_counter() - t0
    staging = out.parent / f".{out.name}.staging"
    if staging.exists():
        shutil.rmtree(staging)
    staging.mkdir(parents=True)
    crf = CRFTagger(config.c1, config.c2, config.max_iterations, config.min_freq)
    crf.fit(X_train, y_train, staging / MODEL_FILE)
    t_fit = time.perf_counter() - t0 - t_feat
    dev_scores: dict[str, Any] = {}
    threshold = 0.5
    if parts["dev"]:
        dev_docs, y_dev = prepare(parts["dev"])
        X_dev = featurize(dev_docs)
        pdev = crf.predict_features(X_dev)
        dev_scores["crf_segment_accuracy"] = _accuracy([[lab for lab, _ in s] for s in pdev], y_dev)
        threshold, scores = choose_threshold(crf, "crf", dev_docs, y_dev, pdev, config.thresholds)
        dev_scores.update(scores)
    meta = {
        "name": name or out.name,
        "type": "crf",
        "version": __version__,
        "labels": sorted({lab for ys in y_train for lab in ys}),
        "features_version": FEATURES_VERSION,
        "libraries": _library_versions(),
        "training_data": {"files": [str(p) for p in data], "hash": data_hash(data), "n_train": len(parts["train"]), "n_dev": len(parts["dev"]),
                          "n_real_train": n_real, "real_weight": real_weight,
                          **({"excluded_sources": sorted(exclude_sources)} if exclude_sources else {})},
        "config": config.to_dict(),
        "fallback": True,
        "fallback_threshold": threshold,
        "dev_scores": dev_scores,
        "training_seconds": round(time.perf_counter() - t0, 1),
        "featurize_seconds": round(t_feat, 1),
        "fit_seconds": round(t_fit, 1),
        "files": {MODEL_FILE: file_record(staging / MODEL_FILE)},  # checked before crfsuite opens it
    }
    (staging / "meta.json").write_text(json.dumps(meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    if out.exists():
        shutil.rmtree(out)
    staging.rename(out)
    return meta


def _library_versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    out = {"python": platform.python_version()}
    for pkg in ("python-crfsuite", "sklearn-crfsuite", "jieba", "opencc"):
        try:
            out[pkg] = version(pkg)
        except PackageNotFoundError:
            out[pkg] = "missing"
    return out
