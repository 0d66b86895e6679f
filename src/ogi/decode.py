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

import dataclasses
import itertools
import re
from dataclasses import dataclass, field

from ogi import schema
from ogi.data import Cell, Document, Section, Segment, Tag
from ogi.normalize import normalize_value
from ogi.splitnum import merge_split_numbers

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
# A row label matched under this score (a weak alias similarity, a low-probability key-matcher match:
# ogi.keymatch) passes its doubt on to the row's cells: their confidence is scaled by score / this.
LOW_ROW_MATCH = 0.8


def parse_number(value: str) -> int | float | None:
    """The number in a printed value: "增82" → 82, "减5" → -5, "1372.16万元" → 1372.16, "/" → None."""
    s = value.replace(",", "").replace(" ", "").replace("−", "-")  # "−45": a change printed with U+2212
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
    label_score: float = 1.0  # the row label's tag score: a weak row match lowers its cells' confidence


_VALUE_TEXT = re.compile(r"^[-+−]?\d+(?:\.\d+)?$|^[增减]\s*\d+$")
# A label that starts a row of its own: a numbering ("2、", "（三）", "1.") or 其中.
# A legacy 统计表's units of count, which a tagger may leave untagged ("条 20" before its label).
_UNITS = frozenset(("件", "条", "次", "个", "人", "人次", "万元", "元", "篇", "项", "家", "期", "场", "份"))
# How a whole label of a legacy 统计表 ends ("…数", "…人次", "…费"): a head ending so is no wrapped head.
_LABEL_END = frozenset("数次量额况人个件费元率")
_LABEL_START = re.compile(r"^(?:[（(]?[一二三四五六七八九十\d]{1,3}[、.．)）]|[（(]|其中)")


def _row_table(tag: Tag) -> str:
    """The table of a row-label tag ("t2", "t3", "legacy"), "" for any other tag."""
    if tag.label.startswith(("ROW.t2.", "ROW.t3.")):
        return tag.label[4:6]
    return "legacy" if tag.label == "ROW.legacy" or tag.label.startswith("ROW.legacy.") else ""


def _line_kind(line: list[tuple[Segment, Tag]]) -> str:
    """The kind of a line: "vals" (only numbers, units and placeholders), "label" (one row label,
    nothing else), "inline" (a row label with its numbers) or "other"."""
    nums = _n_numbers(line)
    units = sum(1 for s, t in line if t.label == "UNIT" or (t.label == "O" and s.text in _UNITS))
    rows = [t for _, t in line if _row_table(t)]
    if nums and nums + units == len(line) and not any(t.label.startswith("VAL.t4.") for _, t in line):
        return "vals"
    if len(rows) == 1 and nums == 0 and len(rows) + units == len(line):
        return "label"
    return "inline" if rows and nums else "other"


def _n_numbers(line: list[tuple[Segment, Tag]]) -> int:
    return sum(1 for s, t in line if t.label.startswith("VAL.") or (t.label == "O" and _VALUE_TEXT.match(s.text)))


def _continues(a: tuple[Segment, Tag], c: tuple[Segment, Tag]) -> bool:
    """True when label line ``c`` is the tail of label ``a`` wrapped around its numbers ("其中:规范" /
    "件 224" / "性文件数"), not a row of its own."""
    ta, tc = a[1], c[1]
    if ta.label == tc.label and _row_table(ta) != "legacy":
        return True
    text = c[0].text.strip()
    if _LABEL_START.match(text) or len(text) > 6 or a[0].text.strip()[-1:] in _LABEL_END:
        return False  # a new row, or a head that is a whole label already ("被提起诉讼数" / "专职工作人员")
    return _row_table(tc) == "legacy" or bool(_LABEL_START.match(a[0].text.strip()))


def _owns_next(lines: list[list[tuple[Segment, Tag]]], kinds: list[str], b: int) -> bool:
    """Whether the bare label on line ``b`` is the head of a label wrapped around its own numbers
    ("四、结转下年度" / numbers / "继续办理"): then the numbers before it are not its own (a footer)."""
    if b + 2 >= len(lines) or kinds[b + 1] != "vals" or kinds[b + 2] != "label":
        return False
    head = next(p for p in lines[b] if _row_table(p[1]))
    tail = next(p for p in lines[b + 2] if _row_table(p[1]))
    return _continues(head, tail) and (_row_table(tail[1]) != "legacy" or len(tail[0].text.strip()) <= 4)


def reading_order(doc: Document) -> list[tuple[Segment, Tag]]:
    """The (segment, tag) pairs in the order rows are read: in a PDF text layer that prints a row's
    numbers on the line BEFORE its label ("15 4" / "规章"), those numbers move after the label.

    Only in line-based layouts (rows beside their label or two numbers and more on a line outnumber
    lone numbers: never a cell-per-line rendering) and only where the document shows the habit: a line of numbers after a header or after
    a row that already has its numbers, followed by a bare row label. A line of numbers between a bare label and
    its wrapped tail ("1、被申请复" / "件 41" / "议数") stays with that label, the tail joined to it.
    """
    pairs = list(zip(doc.segments, doc.tags, strict=True))
    lines: list[list[tuple[Segment, Tag]]] = []
    for pair in pairs:
        if lines and lines[-1][0][0].line == pair[0].line:
            lines[-1].append(pair)
        else:
            lines.append([pair])
    kinds = [_line_kind(ln) for ln in lines]
    # Line-based: rows printed with their label or two numbers and more on a line outnumber lone
    # numbers (a cell-per-line rendering prints every number alone and never beside its label).
    wide = sum(1 for k, ln in zip(kinds, lines, strict=True) if k == "inline" or (k in ("vals", "other") and _n_numbers(ln) >= 2))
    lone = sum(1 for k, ln in zip(kinds, lines, strict=True) if k == "vals" and len(ln) == 1)
    if wide < max(1, lone):
        return pairs
    evidence = any(
        kinds[i] == "vals" and kinds[i + 1] == "label" and kinds[i - 1] in ("other", "inline")
        for i in range(1, len(lines) - 1)
    )
    if not evidence:
        return pairs
    out: list[tuple[Segment, Tag]] = []
    filled = False  # the last row label printed already has its numbers
    i = 0
    while i < len(lines):
        kind = kinds[i]
        if (
            kind == "vals"
            and i + 1 < len(lines)
            and kinds[i + 1] == "label"
            and lines[i][0][0].sep != "pipe"  # " | " rows (Markdown conversions) are no PDF text layer
            and not _owns_next(lines, kinds, i + 1)
        ):
            nxt = lines[i + 1]
            label = next(p for p in nxt if _row_table(p[1]))
            table = _row_table(label[1])
            vals = [
                (s, Tag(f"VAL.{table}", t.score, t.source) if t.label == "O" and _VALUE_TEXT.match(s.text) else t)
                for s, t in lines[i]
            ]
            prev = lines[i - 1] if i else []
            if kinds[i - 1 if i else 0] == "label" and i and not filled:
                a = next(p for p in prev if _row_table(p[1]))
                if _continues(a, label):  # a wrapped label: head / numbers / tail
                    if table == "legacy":  # the row is keyed by its printed label: join head and tail
                        k = next(j for j in range(len(out) - 1, -1, -1) if out[j][0] is a[0])
                        out[k] = (dataclasses.replace(a[0], text=a[0].text + label[0].text), a[1])
                    out.extend(vals)
                    out.extend((s, Tag("O", t.score, t.source) if s is label[0] else t) for s, t in nxt)
                    filled, i = True, i + 2
                    continue
            out.extend(nxt)
            out.extend(vals)
            filled, i = True, i + 2
            continue
        out.extend(lines[i])
        if kind == "label":
            filled = False
        elif kind in ("inline", "vals"):
            filled = True
        i += 1
    return out


def group_rows(doc: Document, pairs: list[tuple[Segment, Tag]] | None = None) -> list[RowGroup]:
    """Walk the tags (or ``pairs``, the same in reading order) and collect row groups in reading order."""
    groups: list[RowGroup] = []
    current: RowGroup | None = None
    block = ""
    t4: RowGroup | None = None
    legacy_line = -1  # the line of the last legacy row label
    if pairs is None:
        pairs = list(zip(doc.segments, doc.tags, strict=True))
    n_nums: dict[int, int] = {}  # numbers on each line
    for seg, _ in pairs:
        if _VALUE_TEXT.match(seg.text):
            n_nums[seg.line] = n_nums.get(seg.line, 0) + 1
    prev: Segment | None = None
    for seg, tag in pairs:
        prev, seg_prev = seg, prev
        lab = tag.label
        if lab.startswith("SEC."):
            current, t4 = None, None
        elif lab.startswith("BLK."):
            block, current = lab[4:], None
        elif lab.startswith("ROW.t2."):
            row = lab[len("ROW.t2.") :]
            blk = schema.T2_ROW_TO_BLOCK.get(row, block)
            current = RowGroup("t2", row, blk, label_score=tag.score)
            groups.append(current)
        elif lab.startswith("ROW.t3."):
            current = RowGroup("t3", lab[len("ROW.t3.") :], label_score=tag.score)
            groups.append(current)
        elif lab == "ROW.legacy" or lab.startswith("ROW.legacy."):
            current = RowGroup("legacy", seg.text)
            groups.append(current)
            legacy_line = seg.line
        elif lab.startswith("VAL.t4."):
            if t4 is None:
                t4 = RowGroup("t4", "")
                groups.append(t4)
            t4.values.append((seg, tag))
        elif lab.startswith("VAL."):
            table = lab.split(".")[1]
            if current is not None and current.table == table:
                current.values.append((seg, tag))
        elif (
            lab == "O"
            and current is not None
            and current.table == "t3"
            and len(current.values) == 7
            and seg_prev is current.values[-1][0]
            and (
                seg.line == current.values[-1][0].line  # on the row's line (a grid, " | " row)
                or (seg.sep == "line" and current.values[-1][0].sep == "line")  # or one cell per line
            )
            and seg.text.isdigit()
        ):
            # an eighth number right after a table-3 row's seven: a 合计 subtotal column the tagger did
            # not expect; kept untagged for _drop_subtotal, dropped again there unless it adds up
            current.values.append((seg, tag))
        elif (
            lab == "O"
            and current is not None
            and current.table == "legacy"
            and current.values
            and seg.sep == "line"
            and seg.text.isdigit()
            and seg.line == current.values[-1][0].line + 1
        ):
            # a legacy row one cell per line: the numbers after its year value (历年累计, or the tail
            # of a wrapped number) are kept for the split-number rejoin; only the first is placed
            current.values.append((seg, tag))
        elif (
            lab == "O"
            and current is not None
            and current.table == "legacy"
            and seg.line == legacy_line
            and seg.sep == "space"
            and n_nums.get(seg.line, 0) >= 2
            and _VALUE_TEXT.match(seg.text)
        ):
            # a space-separated legacy row that prints its year and 历年累计 beside its label, numbers
            # the tagger left untagged: the first is the year's (a lone number may be either: left alone)
            current.values.append((seg, Tag("VAL.legacy", tag.score, tag.source)))
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


def _positional(values: list[tuple[Segment, Tag]], ncols: int, grid: bool, min_offset: int = 1) -> list[int] | None:
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
    if offset < min_offset or any(p < 0 or p >= ncols for p in pos):
        return None
    return pos


def _score_t3(assign: dict[str, float], votes: float) -> float:
    score = votes + sum(T3_PRIOR[c] for c in assign)
    six = sum(v for c, v in assign.items() if c != "total")
    total = assign.get("total", 0.0)
    score += IDENTITY_BONUS if abs(six - total) < 1e-9 else IDENTITY_PENALTY
    return score


def _t2_score(assign: dict[str, str], cols: tuple[str, ...], votes: float) -> float:
    """Table 2 priors: a signed value (增/减/-) belongs to 本年增/减; of three columns the middle one
    (本年新公开 / 本年废止 / 本年增减) is the one most often left blank; an amount goes to 采购总金额."""
    score = votes
    for col, text in assign.items():
        if re.match(r"^\s*(增|减|-|\+|−)", text):  # "−45": a change printed with U+2212
            score += 3.0 if col == "change" else -3.0
        if col == "amount" and re.search(r"[.元]|\d{4,}", text):
            score += 1.0
    if len(cols) == 3 and cols[1] not in assign:
        score += 1.0
    if len(assign) == 1 and cols[-1] in assign:
        score += 0.5
    return score


def _t4_group_score(g: str, cells: dict[str, float]) -> float:
    score = T4_GROUP_PRIOR[g] + sum(T4_COL_PRIOR[c] for c in cells) + MISSING_GROUP_CELL * (5 - len(cells))
    parts = sum(v for c, v in cells.items() if c != "total")
    return score + (IDENTITY_BONUS if abs(parts - cells.get("total", 0.0)) < 1e-9 else IDENTITY_PENALTY)


def _t4_candidates(group: RowGroup, numbers: list[float], top: int) -> list[tuple[float, tuple[int, ...]]]:
    """Table-4 assignments, enumerated group by group.

    An assignment's score is the sum over the groups it fills of ``_t4_group_score`` plus the tagger's
    votes. That sum decomposes over the three groups and the values keep their order, so each split of
    the values into three consecutive runs is scored from each group's best few column subsets: a few
    hundred evaluations instead of up to 6,435 whole assignments (tests/test_decode.py checks both agree).
    """
    k = len(numbers)
    ncol = len(schema.T4_COL_KEYS)

    def vote(j: int, idx: int) -> float:
        tag = group.values[j][1]
        return TAGGER_VOTE * tag.score if tag.source not in ("rules", "glued") and _label_col(tag) == schema.T4_CELL_COLS[idx] else 0.0

    cache: dict[tuple[int, int, int], list[tuple[float, tuple[int, ...]]]] = {}

    def options(gi: int, a: int, b: int) -> list[tuple[float, tuple[int, ...]]]:
        key = (gi, a, b)
        if key not in cache:
            m = b - a
            if m == 0:
                cache[key] = [(0.0, ())]
            elif m > ncol:
                cache[key] = []
            else:
                g = schema.T4_GROUP_KEYS[gi]
                opts = []
                for sub in itertools.combinations(range(ncol), m):
                    idx = tuple(gi * ncol + c for c in sub)
                    cells = {schema.T4_COL_KEYS[c]: numbers[a + t] for t, c in enumerate(sub)}
                    sc = _t4_group_score(g, cells) + sum(vote(a + t, i) for t, i in enumerate(idx))
                    opts.append((sc - 1e-6 * sum(idx), idx))
                opts.sort(key=lambda x: -x[0])
                cache[key] = opts[:3]
        return cache[key]

    results: list[tuple[float, tuple[int, ...]]] = []
    for a in range(k + 1):
        for b in range(a, k + 1):
            o0, o1, o2 = options(0, 0, a), options(1, a, b), options(2, b, k)
            for x in o0:
                for y in o1:
                    for z in o2:
                        results.append((x[0] + y[0] + z[0], x[1] + y[1] + z[1]))
    results.sort(key=lambda x: -x[0])
    return results[:top]


def candidates(group: RowGroup, cols: tuple[str, ...], grid: bool, top: int = 8) -> tuple[list[tuple[float, tuple[int, ...]]], bool]:
    """Scored column assignments of a row's values (best first) and whether they are ambiguous.

    A row with as many values as columns, or whose cell positions survive, has one candidate.
    """
    k, n = len(group.values), len(cols)
    if k >= n:
        return [(0.0, tuple(range(k)))], False
    pos = _positional(group.values, n, grid, 0 if group.table == "t4" else 1)
    if pos is not None:
        return [(0.0, tuple(pos))], False
    if group.table not in ("t2", "t3", "t4"):
        return [(0.0, tuple(range(k)))], True
    nums = [parse_number(s.text) for s, _ in group.values]
    numbers = [float(x) if x is not None else 0.0 for x in nums]
    if group.table == "t4":
        return _t4_candidates(group, numbers, top), True
    scored: list[tuple[float, tuple[int, ...]]] = []
    for count, combo in enumerate(itertools.combinations(range(n), k)):
        if count > MAX_COMBINATIONS:
            break
        votes = 0.0
        for j, i in enumerate(combo):
            tag = group.values[j][1]
            if tag.source not in ("rules", "glued") and _label_col(tag) == cols[i]:
                votes += TAGGER_VOTE * tag.score
        if group.table == "t2":
            score = _t2_score({cols[i]: group.values[j][0].text for j, i in enumerate(combo)}, cols, votes)
        else:
            assign = {cols[i]: numbers[j] for j, i in enumerate(combo)}
            score = _score_t3(assign, votes)
        scored.append((score - 1e-6 * sum(combo), combo))  # ties: earlier columns
    scored.sort(key=lambda x: -x[0])
    return scored[:top], True


COLUMN_BONUS = 2.0


_ZERO7 = (0.0,) * 7


def column_score(rows: dict[str, tuple[float, ...]], template: str) -> float:
    """Table-3 column identities satisfied, over the rows present (blanks count 0).

    ``rows``: row key → its seven column values.
    """
    score = 0.0
    if "total_processed" not in rows:
        return score
    tp = rows["total_processed"]
    if "new_received" in rows:
        nr, co, cf = rows["new_received"], rows.get("carried_over", _ZERO7), rows.get("carried_forward", _ZERO7)
        score += COLUMN_BONUS * sum(abs(nr[c] + co[c] - tp[c] - cf[c]) < 1e-9 for c in range(7))
    leaves = [rows[r] for r in schema.T3_LEAF_ROWS[template] if r in rows]
    if leaves:
        sums = [sum(col) for col in zip(*leaves)]
        score += COLUMN_BONUS * sum(abs(tp[c] - sums[c]) < 1e-9 for c in range(7))
    return score


def decode_table3_jointly(
    groups: list[RowGroup], cands: list[list[tuple[float, tuple[int, ...]]]], template: str, rounds: int = 3
) -> list[tuple[int, ...]]:
    """Choose one candidate per table-3 row maximising row scores plus the column identities.

    Coordinate ascent: each row with several candidates in turn takes the candidate that is best
    given the others' current choices, until nothing changes.
    """
    choice = [0] * len(groups)
    numbers = [[float(parse_number(s.text) or 0) for s, _ in g.values] for g in groups]

    def row_values(gi: int, ci: int) -> tuple[float, ...]:
        out = [0.0] * 7
        for j, p in enumerate(cands[gi][ci][1]):
            if p < 7:
                out[p] = numbers[gi][j]
        return tuple(out)

    current = {g.row: row_values(i, 0) for i, g in enumerate(groups)}
    for _ in range(rounds):
        changed = False
        for gi, g in enumerate(groups):
            if len(cands[gi]) < 2:
                continue
            best_ci, best_score = choice[gi], None
            for ci in range(len(cands[gi])):
                current[g.row] = row_values(gi, ci)
                sc = cands[gi][ci][0] + column_score(current, template)
                if best_score is None or sc > best_score + 1e-9:
                    best_ci, best_score = ci, sc
            current[g.row] = row_values(gi, best_ci)
            if best_ci != choice[gi]:
                choice[gi], changed = best_ci, True
        if not changed:
            break
    return [cands[gi][choice[gi]][1] for gi in range(len(groups))]


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
    """Table 3 with an extra 法人或其他组织 subtotal column (8 values): drop the subtotal.

    The subtotal is printed before or after the five organisation columns; it is the value that
    equals the sum of the five others.
    """
    if group.table != "t3" or len(group.values) != 8:
        return
    nums = [float(parse_number(s.text) or 0) for s, _ in group.values]
    segs = [s for s, _ in group.values]
    # an eighth number the tagger did not expect, or one alone on a later line after a row printed on
    # one line (a page number): it must make the row add up to be its 合计, else it goes
    untagged = group.values[-1][1].label == "O" or (len({s.line for s in segs[:-1]}) == 1 and segs[-1].line != segs[0].line)
    for j in (6, 1):
        rest = nums[:j] + nums[j + 1 :]
        if abs(nums[j] - sum(rest[1:6])) < 1e-9 and (not untagged or abs(rest[6] - sum(rest[:6])) < 1e-9):
            del group.values[j]
            return
    if untagged:  # an untagged eighth number that is no subtotal's row
        del group.values[-1]


def _tagger_columns(group: RowGroup, cols: tuple[str, ...]) -> tuple[int, ...]:
    """The columns the tagger's own value labels name (in order, each column once): the baseline
    the arithmetic decoder is measured against."""
    out: list[int] = []
    for _, tag in group.values:
        col = _label_col(tag)
        idx = cols.index(col) if col in cols else -1
        if idx <= (out[-1] if out else -1):
            idx = (out[-1] + 1) if out else 0
        out.append(idx)
    return tuple(out)


def decode(doc: Document, arithmetic: bool = True) -> Document:
    """Fill ``doc.sections`` and ``doc.cells`` from ``doc.tags``; returns the document.

    ``arithmetic=False`` places values of rows that lost their blanks by the tagger's labels alone
    (for measuring what the arithmetic adds).
    """
    fixed = doc.meta.get("fixed_tags")
    if fixed:  # running text (ogi.glued) labelled its own segments while it split their digits
        doc.tags = [fixed.get((s.start, s.end), t) for s, t in zip(doc.segments, doc.tags, strict=True)]
    glued_ambiguous = doc.meta.get("glued_ambiguous") or set()
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
        if "\n" in title:  # a heading a cell-per-line rendering split over lines ("一、总" / "体情况")
            title = re.sub(r"\s*\n\s*", "", title)
        doc.sections.append(Section(key, title or seg.text, doc.source_line(seg.line), tag.score))

    doc.cells = {}
    grid = bool(doc.meta.get("grid"))
    template = doc.template if doc.template in ("2019", "2021") else "2019"
    placed: list[tuple[RowGroup, tuple[str, ...], tuple[int, ...], bool]] = []
    t3_idx: list[int] = []
    t3_cands: list[list[tuple[float, tuple[int, ...]]]] = []
    for group in group_rows(doc, reading_order(doc)):
        if not group.values:
            continue
        _drop_subtotal(group)
        cols = _columns(group, template)
        if not cols:
            continue
        merge_split_numbers(group, len(cols))  # "1" / "62" on two lines is 162 where the arithmetic says so
        cands, ambiguous = candidates(group, cols, grid)
        if ambiguous and not arithmetic:
            cands = [(0.0, _tagger_columns(group, cols))]
        placed.append((group, cols, cands[0][1], ambiguous))
        if group.table == "t3":
            t3_idx.append(len(placed) - 1)
            t3_cands.append(cands)
    if any(len(c) > 1 for c in t3_cands):
        chosen = decode_table3_jointly([placed[i][0] for i in t3_idx], t3_cands, template)
        for i, combo in zip(t3_idx, chosen, strict=True):
            g, cols, _, amb = placed[i]
            placed[i] = (g, cols, combo, amb)
    for group, cols, positions, ambiguous in placed:
        for (seg, tag), p in zip(group.values, positions, strict=False):
            if p >= len(cols):
                continue
            key = cell_key(group, cols[p])
            if key in doc.cells:
                if group.table == "legacy":
                    key = f"{key}#{sum(1 for k in doc.cells if k.startswith(key))+1}"
                else:
                    continue  # the first printing of a cell wins
            value = seg.text.strip()
            amb = ambiguous or seg.start in glued_ambiguous  # a glued run with several valid splits
            doc.cells[key] = Cell(
                key=key,
                value=value,
                number=parse_number(value),
                line=doc.source_line(seg.line),
                confidence=tag.score * (0.6 if amb else 1.0) * min(1.0, group.label_score / LOW_ROW_MATCH),
                source=tag.source,
                ambiguous=amb,
                offset=seg.start,
            )
    return doc
