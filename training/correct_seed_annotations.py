"""Hand corrections of the pre-filled seed annotations (`ogi annotate seeds/ --model rules --split test`).

Each correction was made by reading the seed: the layout and script of each report, and the header
cells that a layout broke over two lines (both halves carry the column's label). The value spans were
checked against the hand-written expectations of tests/test_seeds.py.

Usage: python training/correct_seed_annotations.py PREFILLED.jsonl annotations/seeds.jsonl
"""

from __future__ import annotations

import sys

from ogi.annotations import Span, read_annotations, write_annotations

META = {
    "000_dd27265cc90d4202": {"layout": "cell_per_line", "script": "simplified"},
    "001_fb35a360553c7541": {"layout": "pipe_rows", "script": "traditional"},
    "002_6deac15f1bacc025": {"layout": "pipe_rows", "script": "simplified"},
    "003_2494e1b8728ee7a1": {"layout": "cell_pipe_lines", "script": "simplified"},
    "004_9df3e7f9371227a8": {"layout": "pdf_space", "script": "simplified"},
}

# (report, 1-based line, printed text) → label
RELABEL = {
    ("000_dd27265cc90d4202", 15, "本年新"): "COL.t2.new_published",
    ("000_dd27265cc90d4202", 19, "对外公开"): "COL.t2.total_published",
    ("000_dd27265cc90d4202", 21, "总数量"): "COL.t2.total_published",
    ("000_dd27265cc90d4202", 213, "结果"): "COL.t4.maintain",
    ("000_dd27265cc90d4202", 219, "其他"): "COL.t4.other",
    ("000_dd27265cc90d4202", 221, "结果"): "COL.t4.other",
    ("004_9df3e7f9371227a8", 110, "组织"): "COL.t3.social_welfare",
    ("004_9df3e7f9371227a8", 114, "机构"): "COL.t3.legal_service",
}


def main(src: str, dst: str) -> None:
    reports = read_annotations(src)
    for rep in reports:
        rep.meta.update(META[rep.id])
        rep.meta["prefilled_by"] = "rules, corrected by hand"
        spans = []
        for sp in rep.spans:
            key = (rep.id, rep.line_of(sp.start), rep.text[sp.start : sp.end])
            spans.append(Span(sp.start, sp.end, RELABEL.get(key, sp.label)))
        rep.spans = spans
        found = {k for k in RELABEL if k[0] == rep.id and any((rep.id, rep.line_of(s.start), rep.text[s.start:s.end]) == k for s in spans)}
        missing = {k for k in RELABEL if k[0] == rep.id} - found
        if missing:
            raise SystemExit(f"corrections not applied (span missing): {sorted(missing)}")
    write_annotations(reports, dst)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
