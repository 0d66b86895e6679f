"""The tables' arithmetic (勾稽关系) and structural checks, each with both sides.

Blank cells count as 0 in an identity as long as at least one of its cells is printed (an identity with
no printed cell is ``not_assessable``). A placeholder ("/", "—", "无") or non-numeric text in any of its
cells makes the identity ``not_assessable``: a placeholder is not a zero. Printed numbers are never
changed to make a check pass.
"""

from __future__ import annotations

from ogi import schema
from ogi.data import Check, Cell, Document

_EPS = 1e-6


def _sum_check(name: str, cells: dict[str, Cell], left_keys: list[str], right_keys: list[str]) -> Check:
    """sum(left) == sum(right) over canonical keys."""
    involved = [cells[k] for k in left_keys + right_keys if k in cells]
    if not involved:
        return Check(name, "not_assessable", None, None, "no printed cell")
    bad = [c for c in involved if c.number is None]
    if bad:
        return Check(name, "not_assessable", None, None, f"placeholder or text in {bad[0].key}: {bad[0].value!r}")
    left = sum(cells[k].number for k in left_keys if k in cells)  # type: ignore[misc]
    right = sum(cells[k].number for k in right_keys if k in cells)  # type: ignore[misc]
    left, right = _tidy(left), _tidy(right)
    return Check(name, "pass" if abs(left - right) < _EPS else "fail", left, right)


def _tidy(x: float) -> float | int:
    return int(x) if float(x).is_integer() else round(x, 6)


def table3_checks(doc: Document) -> list[Check]:
    """Per column: 新收+结转 = 总计+结转下年度 and 总计 = sum of leaf rows; per row: total = six columns."""
    cells = doc.cells
    tpl = doc.template if doc.template in ("2019", "2021") else "2019"
    out: list[Check] = []
    for col in schema.T3_COL_KEYS:
        out.append(
            _sum_check(
                f"t3.identity.{col}",
                cells,
                [f"t3.new_received.{col}", f"t3.carried_over.{col}"],
                [f"t3.total_processed.{col}", f"t3.carried_forward.{col}"],
            )
        )
    for col in schema.T3_COL_KEYS:
        out.append(
            _sum_check(
                f"t3.leaf_sum.{col}",
                cells,
                [f"t3.total_processed.{col}"],
                [f"t3.{r}.{col}" for r in schema.T3_LEAF_ROWS[tpl]],
            )
        )
    for row in schema.t3_rows(tpl):
        out.append(
            _sum_check(
                f"t3.row_total.{row}",
                cells,
                [f"t3.{row}.total"],
                [f"t3.{row}.{c}" for c in schema.T3_APPLICANT_COLS],
            )
        )
    return out


def table4_checks(doc: Document) -> list[Check]:
    """Per group: 维持 + 纠正 + 其他 + 尚未审结 = 总计."""
    out = []
    for g in schema.T4_GROUP_KEYS:
        parts = [f"t4.{g}.{c}" for c in ("maintain", "correct", "other", "pending")]
        out.append(_sum_check(f"t4.group_sum.{g}", doc.cells, [f"t4.{g}.total"], parts))
    return out


def value_checks(doc: Document) -> list[Check]:
    """Negative counts and non-numeric text in the count cells of tables 3 and 4."""
    out = []
    for key, cell in doc.cells.items():
        if not key.startswith(("t3.", "t4.")):
            continue
        if cell.number is None:
            if cell.value not in ("/", "—", "——", "-", "无", "\\"):
                out.append(Check(f"value.non_numeric.{key}", "fail", cell.value, None, "text in a count cell"))
        elif cell.number < 0:
            out.append(Check(f"value.negative.{key}", "fail", cell.number, 0, "negative count"))
    return out


def structure_checks(doc: Document) -> list[Check]:
    """Missing tables and missing or misnumbered section headings."""
    out = []
    if doc.template in ("2019", "2021"):
        for table in ("t2", "t3", "t4"):
            present = any(k.startswith(table + ".") for k in doc.cells)
            out.append(Check(f"table.{table}.present", "pass" if present else "fail", present, True))
        keys = [s.key for s in doc.sections]
        missing = [k for k in schema.SECTION_KEYS if k not in keys]
        out.append(
            Check("sections.present", "fail" if missing else "pass", len(keys), 6, f"missing {','.join(missing)}" if missing else "")
        )
        order_ok = keys == sorted(keys)
        out.append(Check("sections.order", "pass" if order_ok else "fail", keys, sorted(keys)))
    elif doc.template == "legacy":
        nums = [int(s.key.split(".")[1]) for s in doc.sections if s.key.startswith("legacy.")]
        expected = list(range(1, len(nums) + 1))
        out.append(Check("sections.order", "pass" if nums == expected else "fail", nums, expected))
    return out


def check(doc: Document) -> Document:
    """Fill ``doc.checks``; returns the document."""
    checks: list[Check] = []
    checks += structure_checks(doc)
    if doc.template in ("2019", "2021"):
        checks += table3_checks(doc)
        checks += table4_checks(doc)
    checks += value_checks(doc)
    doc.checks = checks
    return doc
