"""The corpus card: counts of an annotated corpus by split, template, layout and script (Markdown)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from ogi.annotations import AnnotatedReport

_AXES = ("template", "layout", "script", "source", "format")
_SPLITS = ("train", "dev", "test")


def _table(title: str, counts: Counter, splits: list[str]) -> list[str]:
    keys = sorted({k for (_, k) in counts}, key=str)
    lines = [f"| {title} | " + " | ".join(splits) + " | total |", "|---|" + "---:|" * (len(splits) + 1)]
    for k in keys:
        row = [counts[(s, k)] for s in splits]
        lines.append(f"| {k} | " + " | ".join(str(n) for n in row) + f" | {sum(row)} |")
    return lines


def corpus_card(reports: Iterable[AnnotatedReport]) -> str:
    """Markdown tables: reports per split × template / layout / script / source / format / augmentation
    family (synthetic reports), and span totals."""
    reps = list(reports)
    split_names = sorted({str(r.meta.get("split", "")) for r in reps}, key=lambda s: (_SPLITS.index(s) if s in _SPLITS else 9, s))
    out = [f"Reports: {len(reps)}; spans: {sum(len(r.spans) for r in reps)}; "
           f"value spans: {sum(1 for r in reps for s in r.spans if s.label.startswith('VAL.'))}.", ""]
    for axis in _AXES:
        counts: Counter = Counter((str(r.meta.get("split", "")), str(r.meta.get(axis))) for r in reps)
        out += _table(axis, counts, split_names) + [""]
    fams: Counter = Counter((str(r.meta.get("split", "")), f) for r in reps for f in (r.meta.get("families") or ["(none)"])
                            if "families" in r.meta)
    if fams:  # a report may carry several augmentation families: each is counted
        out += _table("augmentation family", fams, split_names) + [""]
    labels: Counter = Counter(s.label.split(".")[0] for r in reps for s in r.spans)
    out += ["| span kind | count |", "|---|---:|"] + [f"| {k} | {labels[k]} |" for k in sorted(labels)]
    return "\n".join(out) + "\n"
