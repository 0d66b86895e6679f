"""Leave-one-source-out cross-validation on the real reports (issue 11.2).

For each source (hongze, shuyang, kewei, pingtan, seed000..seed004) a CRF is trained on the synthetic train
split (+ the synthetic dev split, used only to choose the fallback threshold) and the real annotations
(``annotations/real.jsonl``, made by ``ogi annotate --from-gold``) of the OTHER sources, then scored on the
held-out source's raw files against their cell gold (``../shared/real/gold``, ``annotations/seeds.jsonl``).
No model is ever scored on a source it was trained on. The rules (untrained) and a CRF trained on the
synthetic data alone (no real report at all) are scored on every source too.

    nice python training/loso.py --out reports/loso [--jobs 2] [--real-weight 4]

Writes ``OUT/metrics.json`` (counts and F1 per source, model and overall) and ``OUT/README.md`` (the table).
The trained fold models go to ``OUT/models/`` (git-ignored; delete at will).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
log = logging.getLogger("loso")

SYNTHETIC = ["annotations/synthetic-train.jsonl", "annotations/synthetic-dev.jsonl"]
REAL = "annotations/real.jsonl"
REAL_GOLD = Path(os.environ.get("OGI_REAL_GOLD", ROOT.parent / "shared" / "real" / "gold"))
REAL_RAW = Path(os.environ.get("OGI_REAL_RAW", ROOT.parent / "shared" / "real" / "raw"))
SEEDS_GOLD = ROOT / "annotations" / "seeds.jsonl"
SEEDS_RAW = ROOT / "seeds"
COUNTS = ("cells", "cells_nonzero", "sections")


def golds_by_source() -> dict[str, list[Any]]:
    """Every gold report (the nine real ones and the five seeds) by LOSO source."""
    from ogi.gold import read_golds
    from ogi.training.fromgold import source_of

    out: dict[str, list[Any]] = {}
    for g in read_golds([REAL_GOLD], REAL_RAW) + read_golds([SEEDS_GOLD], SEEDS_RAW):
        out.setdefault(source_of(g.id), []).append(g)
    return dict(sorted(out.items()))


def _counts(metrics: dict[str, Any]) -> dict[str, dict[str, int]]:
    return {c: {k: int(metrics[c][k]) for k in ("tp", "fp", "fn")} for c in COUNTS}


def score(models: dict[str, str], golds: list[Any]) -> dict[str, dict[str, dict[str, int]]]:
    """tp/fp/fn of cells, non-zero cells and sections per model name (``models``: name → model spec)."""
    from ogi.evaluate import evaluate_gold

    res = evaluate_gold(list(models.values()), golds)
    missing = set(models.values()) - set(res["models"])
    if missing:
        raise RuntimeError(f"models not loaded: {res.get('skipped')}")
    return {name: _counts(res["models"][spec]) for name, spec in models.items()}


def train(out: Path, exclude: set[str], real_weight: int, with_real: bool) -> float:
    """Train one fold's CRF into ``out``; returns seconds."""
    from ogi.training.config import CRFConfig
    from ogi.training.crf import train_crf

    cfg = CRFConfig(**{k: v for k, v in json.loads((ROOT / "training/configs/crf-real.json").read_text()).items() if k != "model"})
    data = [ROOT / f for f in SYNTHETIC] + ([ROOT / REAL] if with_real else [])
    t0 = time.perf_counter()
    train_crf(data, out, cfg, real_weight=real_weight, exclude_sources=exclude)
    return time.perf_counter() - t0


def fold(source: str, out_dir: str, real_weight: int, reuse: bool = False) -> dict[str, Any]:
    """Train the CRF without ``source`` (``reuse``: keep a fold model an earlier run trained with the same
    held-out source and weight) and score it and the rules on ``source``."""
    logging.basicConfig(level=logging.WARNING)
    golds = golds_by_source()[source]
    model = Path(out_dir) / "models" / f"crf-loso-{source}"
    meta = model / "meta.json"
    td = json.loads(meta.read_text(encoding="utf-8"))["training_data"] if meta.is_file() else {}
    if reuse and td.get("excluded_sources") == [source] and td.get("real_weight") == real_weight:
        secs = float(json.loads(meta.read_text(encoding="utf-8"))["training_seconds"])  # trained by an earlier run
    else:
        secs = train(model, {source}, real_weight, with_real=True)
    scores = score({"rules": "rules", "crf": str(model)}, golds)
    return {"source": source, "reports": [g.id for g in golds], "train_seconds": round(secs, 1), "scores": scores}


def synthetic_only(out_dir: str, reference: str | None) -> dict[str, Any]:
    """Score a CRF trained on synthetic data alone on every source: ``reference`` (an existing model
    directory, e.g. the previously shipped CRF) or, without it, one trained here."""
    logging.basicConfig(level=logging.WARNING)
    secs = 0.0
    if reference:
        model = Path(reference)
    else:
        model = Path(out_dir) / "models" / "crf-synthetic-only"
        secs = train(model, set(), 1, with_real=False)
    return {
        "model": str(model),
        "train_seconds": round(secs, 1),
        "scores": {src: score({"crf_synthetic": str(model)}, golds)["crf_synthetic"] for src, golds in golds_by_source().items()},
    }


def f1(c: dict[str, int]) -> float | None:
    """F1 from tp/fp/fn (None when there is nothing to score)."""
    d = 2 * c["tp"] + c["fp"] + c["fn"]
    return None if d == 0 else 2 * c["tp"] / d


def table(result: dict[str, Any]) -> str:
    """The markdown table: per source and overall, cell / non-zero cell / section F1 of each model."""
    models = result["models"]
    head = "| source | reports | " + " | ".join(f"{m} cell | {m} non-0 | {m} sect." for m in models) + " |"
    sep = "|---|---:|" + "---:|---:|---:|" * len(models)
    lines = [head, sep]
    rows = list(result["per_source"].items()) + [("**overall (micro)**", result["overall"])]
    for src, r in rows:
        cells = []
        for m in models:
            for c in COUNTS:
                v = f1(r["scores"][m][c])
                cells.append("—" if v is None else f"{v:.3f}")
        lines.append(f"| {src} | {r.get('n_reports', '')} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Run every fold (``--jobs`` at a time), aggregate, write metrics.json and README.md."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=ROOT / "reports" / "loso")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--real-weight", type=int, default=4, help="each real training report counts this many times")
    ap.add_argument("--sources", default="", help="comma-separated subset of sources (default: all)")
    ap.add_argument("--no-synthetic-only", action="store_true", help="skip the synthetic-only CRF")
    ap.add_argument("--reuse", action="store_true", help="score fold models already in OUT/models (same held-out source and weight) instead of retraining")
    ap.add_argument("--synthetic-reference", default="", help="score this synthetic-only model directory instead of training one")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    sources = list(golds_by_source())
    if args.sources:
        sources = [s for s in sources if s in set(args.sources.split(","))]
    out = args.out
    (out / "models").mkdir(parents=True, exist_ok=True)
    (out / "models" / ".gitignore").write_text("*\n")
    folds: dict[str, Any] = {}
    synth: dict[str, Any] | None = None
    with ProcessPoolExecutor(max_workers=args.jobs) as pool:
        futs = {pool.submit(fold, s, str(out), args.real_weight, args.reuse): s for s in sources}
        sfut = None if args.no_synthetic_only else pool.submit(synthetic_only, str(out), args.synthetic_reference or None)
        for fut, s in futs.items():
            folds[s] = fut.result()
            log.info("fold %s done (%.0f s): %s", s, folds[s]["train_seconds"], {m: f1(v["cells_nonzero"]) for m, v in folds[s]["scores"].items()})
        if sfut is not None:
            synth = sfut.result()
    models = ["rules", "crf"] + ([] if synth is None else ["crf_synthetic"])
    per_source: dict[str, Any] = {}
    overall = {m: {c: {"tp": 0, "fp": 0, "fn": 0} for c in COUNTS} for m in models}
    for s, r in folds.items():
        sc = dict(r["scores"])
        if synth is not None:
            sc["crf_synthetic"] = synth["scores"][s]
        per_source[s] = {"n_reports": len(r["reports"]), "reports": r["reports"], "train_seconds": r["train_seconds"], "scores": sc}
        for m in models:
            for c in COUNTS:
                for k in ("tp", "fp", "fn"):
                    overall[m][c][k] += sc[m][c][k]
    n_total = sum(p["n_reports"] for p in per_source.values())
    result = {
        "command": "nice python training/loso.py " + " ".join(sys.argv[1:] if argv is None else argv),
        "models": {
            "rules": "the rule tagger (untrained)",
            "crf": f"CRF (training/configs/crf-real.json) with rule fallback, trained on {' + '.join(SYNTHETIC)} + {REAL} minus the held-out source (real reports x{args.real_weight})",
            **({"crf_synthetic": f"a CRF trained on synthetic data alone (no real report): {synth['model']}"} if synth else {}),
        },
        "transformer": "not run: the transformer was being rebuilt on HF transformers at the time of this run",
        "real_weight": args.real_weight,
        "per_source": per_source,
        "overall": {"n_reports": n_total, "scores": overall},
        "f1": {
            src: {m: {c: f1(r["scores"][m][c]) for c in COUNTS} for m in models}
            for src, r in list(per_source.items()) + [("overall", {"scores": overall})]
        },
    }
    (out / "metrics.json").write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    (out / "table.md").write_text(table(result), encoding="utf-8")
    print(table(result))
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "src"))
    raise SystemExit(main())
