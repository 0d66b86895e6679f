"""Audit of the checks in tagged records (``ogi check``): per report, per check kind, across years.

Every failed check, whether from a record (tables, structure, ``prose.*``) or across the batch
(``cross_year.*``), becomes one ``Failure`` saying which reports it concerns and whether a side involves
a cell the decoder placed by arithmetic (``ambiguous``) or a blank read as 0 (``blank``): those may be
failures of the reading, not of the report.
"""

from __future__ import annotations

import csv
import json
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ogi.errors import OgiError
from ogi.output import atomic_open


def load_records(path: Path) -> list[dict[str, Any]]:
    """Records of an ``ogi tag`` JSONL file; a malformed line is an error naming the line."""
    out = []
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise OgiError(f"{path}: cannot read ({exc})") from exc
    for i, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
        except json.JSONDecodeError as exc:
            raise OgiError(f"{path}:{i}: not a JSON record ({exc.msg})") from exc
        if not isinstance(rec, dict) or "id" not in rec:
            raise OgiError(f"{path}:{i}: not an `ogi tag` record (no id)")
        out.append(rec)
    return out


@dataclass
class Failure:
    """One failed check, with the report(s) it concerns."""

    id: str
    name: str
    left: Any
    right: Any
    detail: str = ""
    ambiguous: bool = False
    blank: bool = False
    previous_id: str = ""  # cross-year checks: the earlier report
    path: str = ""
    template: str = ""
    year: int | None = None
    agency: str = ""

    @property
    def kind(self) -> str:
        """The family the check belongs to: ``t3.identity``, ``prose``, ``cross_year``, ``table.t2.present`` …"""
        parts = self.name.split(".")
        if parts[0] in ("prose", "cross_year"):
            return parts[0]
        return ".".join(parts[:2]) if parts[0] in ("t3", "t4", "value") else self.name


def _side_flags(rec: dict[str, Any], check: dict[str, Any]) -> tuple[bool, bool]:
    """(a side involves an ambiguous cell, a side involves a blank read as 0) for a record's check."""
    from ogi.export import check_cells

    detail = str(check.get("detail") or "")
    if "ambiguous:" in detail or "blank read as 0:" in detail:  # the checker said so (ogi ≥ this version)
        return "ambiguous:" in detail, "blank read as 0:" in detail
    cells = rec.get("cells") or {}
    keys = check_cells(str(check.get("name", "")), rec.get("template"))
    return any((cells.get(k) or {}).get("ambiguous") for k in keys), any(k not in cells for k in keys)


def failures(records: list[dict[str, Any]], cross: list[dict[str, Any]] | None = None) -> list[Failure]:
    """Every failed check of the records, then the failed cross-year checks (``cross``)."""
    out: list[Failure] = []
    for rec in records:
        for c in rec.get("checks") or []:
            if c.get("status") != "fail":
                continue
            amb, blank = _side_flags(rec, c)
            out.append(Failure(str(rec.get("id")), str(c.get("name")), c.get("left"), c.get("right"), str(c.get("detail") or ""),
                               amb, blank, "", str(rec.get("path") or ""), str(rec.get("template") or ""), rec.get("year"),
                               str(rec.get("agency") or "")))
    paths = {r.get("id"): str(r.get("path") or "") for r in records}
    for c in cross or []:
        if c["status"] == "fail":
            out.append(Failure(str(c["id"]), c["name"], c["left"], c["right"], c.get("detail", ""), c["ambiguous"], c["blank"],
                               str(c["previous_id"]), paths.get(c["id"], ""), "", c["year"], c["agency"]))
    return out


def _flags(f: Failure) -> str:
    marks = [m for m, on in (("ambiguous cell", f.ambiguous), ("blank read as 0", f.blank)) if on]
    return f" [{', '.join(marks)}]" if marks else ""


def audit_summary(records: list[dict[str, Any]], show_all: bool = False, cross: list[dict[str, Any]] | None = None) -> tuple[str, int]:
    """A readable summary; returns (text, number of reports with a failed check, cross-year ones included)."""
    fails = failures(records, cross)
    by_report: dict[str, list[Failure]] = defaultdict(list)
    for f in fails:
        by_report[f.id].append(f)
    lines = []
    for rec in records:
        rid = str(rec.get("id"))
        own = by_report.get(rid, [])
        checks = rec.get("checks") or []
        na = sum(1 for c in checks if c.get("status") == "not_assessable")
        passed = sum(1 for c in checks if c.get("status") == "pass")
        if own or show_all:
            head = f"{rid} ({rec.get('template')}, {rec.get('year')}"
            head += f", {rec['agency']}" if rec.get("agency") else ""
            lines.append(f"{head}): {passed} pass, {len(own)} fail, {na} not assessable")
            for f in own:
                vs = f" (vs {f.previous_id})" if f.previous_id else ""
                lines.append(f"    FAIL {f.name}: {f.left} ≠ {f.right}{vs}" + (f" ({f.detail})" if f.detail else ""))
    reports_by_kind: dict[str, set[str]] = defaultdict(set)
    for f in fails:
        reports_by_kind[f.kind].add(f.id)
    n_failed = len(by_report)
    lines.append("")
    lines.append(f"batch: {len(records)} reports, {n_failed} with failed checks")
    if cross is not None:
        n_pass = sum(1 for c in cross if c["status"] == "pass")
        lines.append(f"cross-year checks: {len(cross)} ({n_pass} pass, {len(cross) - n_pass} fail or not assessable)")
    for kind, ids in sorted(reports_by_kind.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        n_checks = sum(1 for f in fails if f.kind == kind)
        lines.append(f"  {kind}: {n_checks} failed check(s) in {len(ids)} report(s)")
    n_flagged = sum(1 for f in fails if f.ambiguous or f.blank)
    if fails:
        lines.append(f"  {n_flagged} of {len(fails)} failed checks involve an ambiguous cell or a blank read as 0")
    return "\n".join(lines), n_failed


def kind_counts(fails: list[Failure]) -> Counter[str]:
    """Failed checks per kind."""
    return Counter(f.kind for f in fails)


FAILURE_COLUMNS = ("id", "path", "template", "year", "agency", "check", "kind", "left", "right", "detail",
                   "ambiguous", "blank", "previous_id")


def write_failures_csv(records: list[dict[str, Any]], path: Path, cross: list[dict[str, Any]] | None = None) -> None:
    """One row per failed check (``FAILURE_COLUMNS``), cross-year ones with ``previous_id`` (UTF-8 with BOM)."""
    with atomic_open(path, encoding="utf-8-sig") as fh:
        w = csv.writer(fh)
        w.writerow(FAILURE_COLUMNS)
        for f in failures(records, cross):
            w.writerow([f.id, f.path, f.template, f.year, f.agency, f.name, f.kind, f.left, f.right, f.detail,
                        f.ambiguous, f.blank, f.previous_id])
