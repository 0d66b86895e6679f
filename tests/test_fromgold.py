"""``ogi annotate --from-gold``: cell gold aligned to printed spans (issue 11.1), on reports built from scratch."""

from __future__ import annotations

import json
from pathlib import Path
from random import Random

from typer.testing import CliRunner

from ogi.annotations import read_annotations, validate
from ogi.cli.main import app
from ogi.training.crf import prepare
from ogi.training.fromgold import from_gold_files, source_of
from ogi.training.synth import generate_one


def _report(seed: int = 3) -> object:
    """An invented 2021 report, one table row per line (the generator's own agency names and numbers)."""
    return generate_one(Random(seed), "qinglan-2031", template="2021", layout="pipe_rows", families=())


def _write_gold(tmp: Path, rep: object, cells: dict[str, str], ambiguous: list[str]) -> tuple[Path, Path]:
    raw_dir, gold_dir = tmp / "raw", tmp / "gold"
    raw_dir.mkdir()
    gold_dir.mkdir()
    (raw_dir / "qinglan-2031.txt").write_text(rep.text, encoding="utf-8")
    sections = [{"key": sp.label[4:], "title": rep.span_text(sp)} for sp in sorted(rep.spans) if sp.label.startswith("SEC.")]
    gold = {"id": "qinglan-2031", "template": "2021", "cells": cells, "ambiguous": ambiguous, "sections": sections}
    (gold_dir / "qinglan-2031.json").write_text(json.dumps(gold, ensure_ascii=False), encoding="utf-8")
    return gold_dir, raw_dir


def _t3_row_with_two_values(cells: dict[str, str]) -> tuple[str, str]:
    """Two keys of one table-3 row whose printed values differ."""
    by_row: dict[str, list[str]] = {}
    for k in cells:
        if k.startswith("t3."):
            by_row.setdefault(k.rsplit(".", 1)[0], []).append(k)
    for keys in by_row.values():
        for a in keys:
            for b in keys:
                if a < b and cells[a] != cells[b] and not a.endswith(".total") and not b.endswith(".total"):
                    return a, b
    raise AssertionError("no table-3 row with two different values")


def test_fromgold_places_gold_values_on_their_printed_spans(tmp_path: Path) -> None:
    rep = _report()
    cells = rep.gold_cells()
    gold_dir, raw_dir = _write_gold(tmp_path, rep, cells, [])
    n, failed = from_gold_files([gold_dir], raw_dir, tmp_path / "out.jsonl", models=["rules"])
    assert (n, failed) == (1, [])
    out = read_annotations(tmp_path / "out.jsonl")[0]
    truth = {(sp.start, sp.end): sp.label for sp in rep.spans if sp.label.startswith("VAL.")}
    vals = [sp for sp in out.spans if sp.label.startswith("VAL.")]
    assert len(vals) >= 0.95 * len(cells)
    for sp in vals:  # every placed value is exactly the generator's span under the generator's key
        assert truth.get((sp.start, sp.end)) == sp.label
    assert out.meta["source"] == "qinglan" and out.meta["format"] == "text"
    assert [sp.label for sp in out.spans if sp.label.startswith("SEC.")] == [f"SEC.s{i}" for i in range(1, 7)]
    assert validate(tmp_path / "out.jsonl") == []


def test_fromgold_leaves_ambiguous_and_unprintable_cells_unlabelled(tmp_path: Path) -> None:
    rep = _report()
    cells = rep.gold_cells()
    amb, _ = _t3_row_with_two_values(cells)
    missing = next(k for k in cells if k.startswith("t2."))
    cells = dict(cells)
    cells[missing] = "987654321"  # a value the text does not print anywhere
    gold_dir, raw_dir = _write_gold(tmp_path, rep, cells, [amb])
    from_gold_files([gold_dir], raw_dir, tmp_path / "out.jsonl", models=["rules"])
    out = read_annotations(tmp_path / "out.jsonl")[0]
    labels = {sp.label for sp in out.spans}
    assert f"VAL.{amb}" not in labels and f"VAL.{missing}" not in labels
    assert out.meta["ambiguous"] == [amb]
    assert missing in out.meta["unplaced"]
    amb_span = next((sp.start, sp.end) for sp in rep.spans if sp.label == f"VAL.{amb}")
    assert list(amb_span) in out.meta["unlabelled"]
    # training gives the unlabelled segment the rules' label, never O
    docs, ys = prepare([out])
    seg = next(i for i, s in enumerate(docs[0].segments) if docs[0].raw_span(s.start, s.end)[0] == amb_span[0])
    assert ys[0][seg].startswith("VAL.")


def test_fromgold_moves_a_value_to_the_gold_column_of_its_row(tmp_path: Path) -> None:
    rep = _report()
    cells = dict(rep.gold_cells())
    a, b = _t3_row_with_two_values(cells)
    cells[a], cells[b] = cells[b], cells[a]  # the gold says the two printed values sit in each other's column
    gold_dir, raw_dir = _write_gold(tmp_path, rep, cells, [])
    from_gold_files([gold_dir], raw_dir, tmp_path / "out.jsonl", models=["rules"])
    out = read_annotations(tmp_path / "out.jsonl")[0]
    span_of = {sp.label: (sp.start, sp.end) for sp in out.spans}
    printed = {sp.label: (sp.start, sp.end) for sp in rep.spans}
    assert span_of[f"VAL.{a}"] == printed[f"VAL.{b}"]
    assert span_of[f"VAL.{b}"] == printed[f"VAL.{a}"]


def test_fromgold_cli_and_sources(tmp_path: Path) -> None:
    rep = _report()
    gold_dir, raw_dir = _write_gold(tmp_path, rep, rep.gold_cells(), [])
    res = CliRunner().invoke(app, ["annotate", "--from-gold", str(gold_dir), "--raw", str(raw_dir), "-m", "rules", "--out", str(tmp_path / "o.jsonl")])
    assert res.exit_code == 0, res.output
    assert len(read_annotations(tmp_path / "o.jsonl")) == 1
    bad = CliRunner().invoke(app, ["annotate", "--from-gold", str(tmp_path / "nope"), "--out", str(tmp_path / "x.jsonl")])
    assert bad.exit_code == 2 and "nope" in bad.output
    assert source_of("000_dd27265cc90d4202") == "seed000"
    assert source_of("pingtan-dishui-2013") == "pingtan"
