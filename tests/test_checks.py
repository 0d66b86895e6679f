"""The 勾稽 checks and ``ogi check``."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from typer.testing import CliRunner

from ogi.checks import check
from ogi.cli.main import app
from ogi.data import Cell, Document, Section
from ogi.decode import parse_number

ROOT = Path(__file__).resolve().parents[1]


def _doc(cells: dict[str, str], template: str = "2019", sections: list[str] | None = None) -> Document:
    doc = Document(id="x", path="x.txt", raw="", text="", raw_offsets=[0], line_map=[1], template=template)
    doc.cells = {k: Cell(k, v, parse_number(v), 1, 1.0, "rules") for k, v in cells.items()}
    doc.sections = [Section(k, k, i + 1, 1.0) for i, k in enumerate(sections or ["s1", "s2", "s3", "s4", "s5", "s6"])]
    return check(doc)


def _by_name(doc: Document) -> dict:
    return {c.name: c for c in doc.checks}


def test_checks_identity_pass_and_fail_with_both_sides() -> None:
    doc = _doc({"t3.new_received.total": "5", "t3.carried_over.total": "1", "t3.total_processed.total": "4", "t3.carried_forward.total": "1"})
    c = _by_name(doc)["t3.identity.total"]
    assert (c.status, c.left, c.right) == ("fail", 6, 5)
    doc = _doc({"t3.new_received.total": "5", "t3.total_processed.total": "4", "t3.carried_forward.total": "1"})
    c = _by_name(doc)["t3.identity.total"]
    assert (c.status, c.left, c.right) == ("pass", 5, 5)


def test_checks_placeholder_is_not_zero() -> None:
    doc = _doc({"t3.new_received.total": "/", "t3.total_processed.total": "0"})
    c = _by_name(doc)["t3.identity.total"]
    assert c.status == "not_assessable" and "placeholder" in c.detail
    assert "value.non_numeric.t3.new_received.total" not in _by_name(doc)  # "/" is a placeholder, not text


def test_checks_row_total_group_sum_negative_and_text() -> None:
    doc = _doc(
        {
            "t3.granted.natural_person": "3",
            "t3.granted.commercial": "1",
            "t3.granted.total": "5",
            "t4.review.maintain": "2",
            "t4.review.pending": "1",
            "t4.review.total": "3",
            "t3.partial.natural_person": "-2",
            "t3.partial.research": "若干",
        }
    )
    c = _by_name(doc)
    assert (c["t3.row_total.granted"].status, c["t3.row_total.granted"].left, c["t3.row_total.granted"].right) == ("fail", 5, 4)
    assert c["t4.group_sum.review"].status == "pass"
    assert c["value.negative.t3.partial.natural_person"].status == "fail"
    assert c["value.non_numeric.t3.partial.research"].status == "fail"
    assert c["t4.group_sum.litigation_direct"].status == "not_assessable"


def test_checks_missing_tables_and_sections() -> None:
    doc = _doc({"t3.granted.total": "1"}, sections=["s1", "s3", "s2"])
    c = _by_name(doc)
    assert c["table.t2.present"].status == "fail" and c["table.t3.present"].status == "pass"
    assert c["sections.present"].status == "fail" and "s4" in c["sections.present"].detail
    assert c["sections.order"].status == "fail"


def test_check_cli_summary_and_csv(tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "seeds.jsonl"
    res = runner.invoke(app, ["tag", str(ROOT / "seeds"), "--out", str(out), "--model", "rules", "--no-progress"])
    assert res.exit_code == 0, res.output
    fails = tmp_path / "fails.csv"
    res = runner.invoke(app, ["check", str(out), "--csv", str(fails)])
    assert res.exit_code == 1  # seed 003 breaks the table-3 identity
    assert "003_2494e1b8728ee7a1" in res.output and "t3.identity.total: 131 ≠ 146" in res.output
    assert "batch: 5 reports" in res.output
    raw = fails.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(raw.decode("utf-8-sig").splitlines()))
    assert {"id": "003_2494e1b8728ee7a1", "check": "t3.identity.total", "left": "131", "right": "146"}.items() <= next(
        r for r in rows if r["id"] == "003_2494e1b8728ee7a1" and r["check"] == "t3.identity.total"
    ).items()
    recs = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(recs) == 5
