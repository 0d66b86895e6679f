"""Measure what the arithmetic decoder adds on rows whose blank cells were dropped (issue 5).

Synthetic reports are generated with ``drop_blank_rate`` so that a share of table-3/table-4 rows lose
their blank cells. Each report is tagged once; its tags are then decoded twice: with the identity
decoder, and with the tagger's own value labels alone. Scored over the cells the decoder marks
ambiguous (the rows that lost their positions): a cell is right when its key holds the gold value.

Usage: python training/measure_arithmetic.py [--model default] [--count 200] [--seed 21] [--rate 0.5] [--out reports/arithmetic.json]
"""

from __future__ import annotations

import argparse
import copy
import json
from collections import Counter
from pathlib import Path

from ogi.training.align import document_from_annotation
from ogi.checks import check
from ogi.context import detect
from ogi.decode import decode
from ogi.output import atomic_open
from ogi.segment import segment
from ogi.taggers import load_tagger
from ogi.training.synth import generate


def measure(model: str, count: int, seed: int, rate: float) -> dict:
    tagger = load_tagger(model)
    reports = generate(count, seed, drop_blank_rate=rate)
    res: dict[str, Counter] = {"arithmetic": Counter(), "tagger_only": Counter()}
    by_layout: dict[str, dict[str, Counter]] = {}
    for rep in reports:
        gold = rep.gold_cells()
        doc = document_from_annotation(rep)
        segment(doc)
        detect(doc)
        tagger.tag([doc])
        for mode, arith in (("arithmetic", True), ("tagger_only", False)):
            d = copy.copy(doc)
            decode(d, arithmetic=arith)
            check(d)
            lay = by_layout.setdefault(rep.meta["layout"], {"arithmetic": Counter(), "tagger_only": Counter()})
            for key, cell in d.cells.items():
                if not cell.ambiguous:
                    continue
                ok = gold.get(key) == cell.value
                for c in (res[mode], lay[mode]):
                    c["cells"] += 1
                    c["right"] += ok
    def acc(c: Counter) -> float:
        return round(c["right"] / c["cells"], 4) if c["cells"] else 0.0

    return {
        "model": model,
        "count": count,
        "seed": seed,
        "drop_blank_rate": rate,
        "ambiguous_cells": res["arithmetic"]["cells"],
        "column_accuracy": {m: acc(c) for m, c in res.items()},
        "by_layout": {lay: {m: acc(c) for m, c in v.items()} | {"cells": v["arithmetic"]["cells"]} for lay, v in sorted(by_layout.items())},
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default="default")
    ap.add_argument("--count", type=int, default=200)
    ap.add_argument("--seed", type=int, default=21)
    ap.add_argument("--rate", type=float, default=0.5)
    ap.add_argument("--out", type=Path, default=None)
    a = ap.parse_args()
    out = measure(a.model, a.count, a.seed, a.rate)
    text = json.dumps(out, ensure_ascii=False, indent=2)
    if a.out:
        with atomic_open(a.out) as fh:
            fh.write(text + "\n")
    print(text)


if __name__ == "__main__":
    main()
