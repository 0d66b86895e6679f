"""Audit summaries of the checks in tagged records (``ogi check``)."""

from __future__ import annotations

import csv
import json
from collections import Counter
from pathlib import Path
from typing import Any

from ogi.errors import OgiError
from ogi.output import atomic_open


def load_records(path: Path) -> list[dict[str, Any]]:
    """Records of an ``ogi tag`` JSONL file; a malformed line is an error naming the line."""
    out = []
    for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            out.append(json.loads(line))
        except json.JSONDecodeError as exc:
            raise OgiError(f"{path}:{i}: not a JSON record ({exc.msg})") from exc
    return out


def audit_summary(records: list[dict[str, Any]], show_all: bool = False) -> tuple[str, int]:
    """A readable summary; returns (text, number of reports with a failed check)."""
    lines = []
    by_check: Counter[str] = Counter()
    n_failed = 0
    for rec in records:
        fails = [c for c in rec.get("checks", []) if c["status"] == "fail"]
        na = sum(1 for c in rec.get("checks", []) if c["status"] == "not_assessable")
        passed = sum(1 for c in rec.get("checks", []) if c["status"] == "pass")
        if fails:
            n_failed += 1
        for c in fails:
            by_check[_family(c["name"])] += 1
        if fails or show_all:
            lines.append(f"{rec['id']} ({rec.get('template')}, {rec.get('year')}): {passed} pass, {len(fails)} fail, {na} not assessable")
            for c in fails:
                lines.append(f"    FAIL {c['name']}: {c.get('left')} ≠ {c.get('right')}" + (f" ({c['detail']})" if c.get("detail") else ""))
    lines.append("")
    lines.append(f"batch: {len(records)} reports, {n_failed} with failed checks")
    for name, n in by_check.most_common():
        lines.append(f"  {name}: failed in {n} report(s)")
    return "\n".join(lines), n_failed


def _family(name: str) -> str:
    parts = name.split(".")
    return ".".join(parts[:2]) if parts[0] in ("t3", "t4", "value") else name


def write_failures_csv(records: list[dict[str, Any]], path: Path) -> None:
    """One row per failed check: id, path, template, year, check, left, right, detail (UTF-8 with BOM)."""
    with atomic_open(path, encoding="utf-8-sig") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "path", "template", "year", "check", "left", "right", "detail"])
        for rec in records:
            for c in rec.get("checks", []):
                if c["status"] == "fail":
                    w.writerow([rec["id"], rec.get("path"), rec.get("template"), rec.get("year"), c["name"], c.get("left"), c.get("right"), c.get("detail", "")])
