"""From tags to the SCHEMA.md record: sections, and every cell under its canonical key.

Values are grouped into rows (a row label and the values after it; table 4 is one row of 15 cells).
A row with as many values as columns is placed in order. A row whose positions survive in the
layout (an HTML/DOCX grid, " | " rows with empty cells kept in place) is placed by position. A row
that lost its blanks is placed by the arithmetic decoder: every order-preserving assignment of its
values to columns is scored by the tables' identities (row total = sum of the six applicant columns,
table-4 group sums), column priors and the tagger's own column votes, and the best wins; such cells
are marked ``ambiguous`` (the layout alone could not decide them).
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field

from ogi import schema
from ogi.data import Cell, Document, Section, Segment, Tag
from ogi.normalize import normalize_value

_NUM = re.compile(r"[-+]?\d+(?:\.\d+)?")

# Log-prior of a column being the one printed when blanks were lost (natural persons file most requests).
T3_PRIOR = {
    "natural_person": 0.0,
    "commercial": -1.5,
    "research": -3.0,
    "social_welfare": -3.0,
    "legal_service": -2.5,
    "other_org": -2.0,
    "total": 0.0,
}
T4_COL_PRIOR = {"maintain": 0.0, "correct": -1.0, "other": -1.5, "pending": -1.0, "total": 0.0}
T4_GROUP_PRIOR = {"review": 0.0, "litigation_direct": -0.5, "litigation_after_review": -1.0}
IDENTITY_BONUS = 5.0
IDENTITY_PENALTY = -3.0
MISSING_GROUP_CELL = -2.0
TAGGER_VOTE = 1.0
MAX_COMBINATIONS = 20000


def parse_number(value: str) -> int | float | None:
    """The number in a printed value: "增82" → 82, "减5" → -5, "1372.16万元" → 1372.16, "/" → None."""
    s = value.replace(",", "").replace(" ", "")
    m = _NUM.search(s)
    if not m:
        return None
    num_text = m.group()
    sign = -1 if (s.startswith(("减", "减少")) and not num_text.startswith("-")) else 1
    try:
        num = float(num_text) if "." in num_text else int(num_text)
    except ValueError:
        return None
    return sign * num


@dataclass
class RowGroup:
    """A row label and the values that follow it."""

    table: str  # t2, t3, t4, legacy
    row: str  # row key (t2/t3), "" for t4, the printed label for legacy
    block: str = ""
    values: list[tuple[Segment, Tag]] = field(default_factory=list)


def group_rows(doc: Document) -> list[RowGroup]:
    """Walk the tags and collect row groups in reading order."""
    groups: list[RowGroup] = []
    current: RowGroup | None = None
    block = ""
    t4: RowGroup | None = None
    for seg, tag in zip(doc.segments, doc.tags, strict=True):
        lab = tag.label
        if lab.startswith("SEC."):
            current, t4 = None, None
        elif lab.startswith("BLK."):
            block, current = lab[4:], None
        elif lab.startswith("ROW.t2."):
            row = lab[len("ROW.t2.") :]
            blk = schema.T2_ROW_TO_BLOCK.get(row, block)
            current = RowGroup("t2", row, blk)
            groups.append(current)
        elif lab.startswith("ROW.t3."):
            current = RowGroup("t3", lab[len("ROW.t3.") :])
            groups.append(current)
        elif lab == "ROW.legacy" or lab.startswith("ROW.legacy."):
            current = RowGroup("legacy", seg.text)
            groups.append(current)
        elif lab.startswith("VAL.t4."):
            if t4 is None:
                t4 = RowGroup("t4", "")
                groups.append(t4)
            t4.values.append((seg, tag))
        elif lab.startswith("VAL."):
            table = lab.split(".")[1]
            if current is not None and current.table == table:
                current.values.append((seg, tag))
    return groups


def _columns(group: RowGroup, template: str) -> tuple[str, ...]:
    if group.table == "t2":
        return schema.t2_cols(group.block, template)
    if group.table == "t3":
        return schema.T3_COL_KEYS
    if group.table == "t4":
        return schema.T4_CELL_COLS
    return ("value",)


def _label_col(tag: Tag) -> str:
    parts = tag.label.split(".")
    return ".".join(parts[2:]) if len(parts) > 2 else ""


def _positional(values: list[tuple[Segment, Tag]], ncols: int, grid: bool) -> list[int] | None:
    """Column indices from cell positions when the line kept its empty cells, else None."""
    segs = [s for s, _ in values]
    if len({s.line for s in segs}) != 1 or segs[0].sep != "pipe":
        return None
    width = segs[0].n_cells + segs[0].trailing_empties
    interior_gap = any(s.empty_before > 0 for s in segs[1:])
    if not (grid or interior_gap):
        return None
    offset = width - ncols
    pos = [s.cell - offset for s in segs]
    if offset < 1 or any(p < 0 or p >= ncols for p in pos):
        return None
    return pos


def _score_t3(assign: dict[str, float], votes: float) -> float:
    score = votes + sum(T3_PRIOR[c] for c in assign)
    six = sum(v for c, v in assign.items() if c != "total")
    total = assign.get("total", 0.0)
    score += IDENTITY_BONUS if abs(six - total) < 1e-9 else IDENTITY_PENALTY
    return score


def _score_t4(assign: dict[str, float], votes: float) -> float:
    score = votes
    for g in schema.T4_GROUP_KEYS:
        cells = {c.split(".")[1]: v for c, v in assign.items() if c.startswith(g + ".")}
        if not cells:
            continue
        score += T4_GROUP_PRIOR[g] + sum(T4_COL_PRIOR[c] for c in cells)
        score += MISSING_GROUP_CELL * (5 - len(cells))
        parts = sum(v for c, v in cells.items() if c != "total")
        score += IDENTITY_BONUS if abs(parts - cells.get("total", 0.0)) < 1e-9 else IDENTITY_PENALTY
    return score


def place_values(group: RowGroup, cols: tuple[str, ...], grid: bool) -> tuple[list[int], bool]:
    """Column index for each value of a row and whether the placement is ambiguous."""
    k, n = len(group.values), len(cols)
    if k == n:
        return list(range(n)), False
    if k > n:
        return list(range(k)), False  # the caller drops the surplus
    pos = _positional(group.values, n, grid)
    if pos is not None:
        return pos, False
    if group.table not in ("t3", "t4"):
        return list(range(k)), True
    nums = [parse_number(s.text) for s, _ in group.values]
    numbers = [float(x) if x is not None else 0.0 for x in nums]
    best: tuple[float, tuple[int, ...]] | None = None
    scorer = _score_t3 if group.table == "t3" else _score_t4
    for count, combo in enumerate(itertools.combinations(range(n), k)):
        if count > MAX_COMBINATIONS:
            break
        assign = {cols[i]: numbers[j] for j, i in enumerate(combo)}
        votes = 0.0
        for j, i in enumerate(combo):
            tag = group.values[j][1]
            if tag.source != "rules" and _label_col(tag) == cols[i]:
                votes += TAGGER_VOTE * tag.score
        score = scorer(assign, votes) - 1e-6 * sum(combo)  # ties: earlier columns
        if best is None or score > best[0]:
            best = (score, combo)
    assert best is not None  # k < n guarantees at least one combination
    return list(best[1]), True


def cell_key(group: RowGroup, col: str) -> str:
    """Canonical key of a value of a row group in a column."""
    if group.table == "t2":
        return f"t2.{group.block}.{group.row}.{col}"
    if group.table == "t3":
        return f"t3.{group.row}.{col}"
    if group.table == "t4":
        return f"t4.{col}"
    return schema.legacy_key(group.row)


def _drop_subtotal(group: RowGroup) -> None:
    """Table 3 with an extra 法人或其他组织 subtotal column: drop the subtotal value."""
    if group.table != "t3" or len(group.values) != 8:
        return
    nums = [parse_number(s.text) or 0 for s, _ in group.values]
    if abs(nums[1] - sum(nums[2:7])) < 1e-9:
        del group.values[1]


def decode(doc: Document) -> Document:
    """Fill ``doc.sections`` and ``doc.cells`` from ``doc.tags``; returns the document."""
    doc.sections = []
    for seg, tag in zip(doc.segments, doc.tags, strict=True):
        if not tag.label.startswith("SEC."):
            continue
        key = tag.label[4:]
        if key == "legacy":
            n, _ = schema.section_numeral(seg.text)
            key = f"legacy.{n if n else len(doc.sections) + 1}"
        rs, re_ = doc.raw_span(seg.start, seg.end)
        title = normalize_value(doc.raw[rs:re_]) if doc.fmt == "text" else seg.text
        doc.sections.append(Section(key, title or seg.text, doc.source_line(seg.line), tag.score))

    doc.cells = {}
    grid = bool(doc.meta.get("grid"))
    template = doc.template if doc.template in ("2019", "2021") else "2019"
    for group in group_rows(doc):
        if not group.values:
            continue
        _drop_subtotal(group)
        cols = _columns(group, template)
        if not cols:
            continue
        positions, ambiguous = place_values(group, cols, grid)
        for (seg, tag), p in zip(group.values, positions, strict=True):
            if p >= len(cols):
                continue
            key = cell_key(group, cols[p])
            if key in doc.cells:
                if group.table == "legacy":
                    key = f"{key}#{sum(1 for k in doc.cells if k.startswith(key))+1}"
                else:
                    continue  # the first printing of a cell wins
            value = seg.text.strip()
            doc.cells[key] = Cell(
                key=key,
                value=value,
                number=parse_number(value),
                line=doc.source_line(seg.line),
                confidence=tag.score * (0.6 if ambiguous else 1.0),
                source=tag.source,
                ambiguous=ambiguous,
            )
    return doc
