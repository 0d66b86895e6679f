"""Mark the seeds' ambiguous gold cells (issue 11.1): the cells whose column the text cannot decide.

annotations/seeds.jsonl was pre-filled by the rules; in seeds 000 and 001 some table-3/table-4 rows lost
their blank cells, and the value spans of those rows carry the rules' own reading. This script lists
their keys in ``meta.ambiguous`` (the scorer then accepts the value anywhere in the row, and
``ogi annotate --from-gold`` leaves them unlabelled for training). A cell is ambiguous when the rule
pipeline (layout + arithmetic) flags it ``ambiguous``: the printed row has fewer cells than columns and
no reading is forced. Run: ``python training/mark_seed_ambiguous.py`` (rewrites annotations/seeds.jsonl).
"""

from __future__ import annotations

import logging
from pathlib import Path

from ogi.annotations import read_annotations, write_annotations
from ogi.pipeline import process
from ogi.readers import read
from ogi.taggers import load_tagger

ROOT = Path(__file__).resolve().parents[1]
log = logging.getLogger("mark_seed_ambiguous")


def main() -> None:
    """Rewrite annotations/seeds.jsonl with meta.ambiguous for every seed."""
    path = ROOT / "annotations" / "seeds.jsonl"
    reports = read_annotations(path)
    rules = load_tagger("rules")
    for rep in reports:
        doc = read(next((ROOT / "seeds").glob(f"{rep.id}.*")))
        process(doc, rules)
        amb_spans = {c.span for c in doc.cells.values() if c.ambiguous and c.span}
        keys = sorted(sp.label[4:] for sp in rep.spans if sp.label.startswith("VAL.") and (sp.start, sp.end) in amb_spans)
        if len(keys) != len(amb_spans):
            log.warning("%s: %d ambiguous cells, %d matched a gold span", rep.id, len(amb_spans), len(keys))
        rep.meta["ambiguous"] = keys
        rep.meta["ambiguous_rule"] = "cells of rows that lost their blank cells, whose column neither layout nor arithmetic decides"
    write_annotations(reports, path)


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    main()
