"""Numbers a cell-per-line rendering split over two lines ("1" / "62" is 162), rejoined by arithmetic;
runs of identical values it printed once, re-expanded where the arithmetic needs them.

A crawler that prints a Word table one cell per line also prints each line *inside* a cell on its
own line, so a number wrapped in a narrow column arrives as two numbers. Only the tables' arithmetic
tells a wrapped number from two cells. For a row whose values are bare integers on consecutive lines:

* more values than columns: some neighbours must be joined; every way of joining is tried (at most
  ``MAX_JOINS`` joins) and the one whose row identity holds wins (table 3: the six applicant columns
  sum to 总计; table 4: each group's parts sum to its total); without an identity (table 2) the
  fewest joins in reading order;
* as many values as columns or fewer: a join is made only when the row's identity fails as printed
  and holds after the join, with no other join doing the same.
* a table-3 row with a wrapped number and a collapsed run both: one join and one doubling, when
  exactly one such pair adds up;
* a piece printed with a leading zero ("965" / "01") is always a tail: no cell is printed "01";
* a legacy 统计表 row with three numbers where the year column and 历年累计 hold two: the pair whose
  join keeps the year within its cumulative total (the closer pair when both do); with two numbers,
  a first above the second (a year above its cumulative total) is one wrapped number.

The search is bounded: at most ``MAX_JOINS`` joins among at most ``MAX_VALUES`` values.
"""

from __future__ import annotations

import itertools
import re
from typing import TYPE_CHECKING

from ogi.data import Segment, Tag

if TYPE_CHECKING:
    from ogi.decode import RowGroup

MAX_JOINS = 2
MAX_VALUES = 24
_PIECE = re.compile(r"^\d{1,4}$")


def _joinable(a: Segment, b: Segment) -> bool:
    """Two values that may be the halves of one wrapped number."""
    return (
        a.sep == "line"
        and b.sep == "line"
        and b.line == a.line + 1
        and bool(_PIECE.match(a.text) and _PIECE.match(b.text))
        and not a.text.startswith("0")
    )


def _join(values: list[tuple[Segment, Tag]], at: tuple[int, ...]) -> list[tuple[Segment, Tag]]:
    """The values with each value at an index of ``at`` joined to the one after it."""
    out: list[tuple[Segment, Tag]] = []
    skip = set(at)
    i = 0
    while i < len(values):
        seg, tag = values[i]
        if i in skip:
            nxt = values[i + 1][0]
            seg = Segment(
                seg.text + nxt.text, seg.start, nxt.end, seg.line, "num", sep="line", blank_before=seg.blank_before
            )
            i += 1
        out.append((seg, tag))
        i += 1
    return out


def _identity_holds(table: str, numbers: list[int], ncols: int) -> bool | None:
    """Whether some order-preserving placement of the numbers satisfies the row's identity; None when
    the table has no row identity."""
    k = len(numbers)
    if k > ncols:
        return False
    if table == "t3":
        # total is the last column; the others are some of the six applicant columns
        for combo in itertools.combinations(range(ncols), k):
            assign = dict(zip(combo, numbers, strict=True))
            if (
                sum(v for c, v in assign.items() if c != ncols - 1) == assign.get(ncols - 1, 0)
                and (ncols - 1) in assign
            ):
                return True
        return False
    if table == "t4":
        # three groups of five (four parts and a total), values in order
        return _t4_holds(numbers)
    return None


def _t4_holds(numbers: list[int]) -> bool:
    k = len(numbers)
    if k == 15:
        return all(sum(numbers[g * 5 : g * 5 + 4]) == numbers[g * 5 + 4] for g in range(3))
    if k < 3:
        return False
    # blanks lost: each group keeps its total as its last value (a group printed entirely is enough)
    for a in range(1, k - 1):
        for b in range(a + 1, k):
            groups = (numbers[:a], numbers[a:b], numbers[b:])
            if all(1 <= len(g) <= 5 and sum(g[:-1]) == g[-1] for g in groups):
                return True
    return False


def _expand_collapsed(group: RowGroup, ncols: int, joined: bool = False) -> bool:
    """A table-3 row whose identical neighbours were printed once ("5" for 自然人 5 … 总计 5): when no
    placement of the printed values adds up and doubling exactly one non-zero value does, double it.

    Only for values alone on consecutive lines with no blank line before them (the crawler layout
    that collapses runs); a lone "0" is a collapsed row of zeros and stays one ambiguous cell.
    """
    values = group.values
    k = len(values)
    if group.table != "t3" or not 1 <= k < ncols:
        return False
    segs = [s for s, _ in values]
    if any(s.sep != "line" or s.blank_before or not s.text.isdigit() for s in segs):
        return False
    if not joined and any(b.line != a.line + 1 for a, b in itertools.pairwise(segs)):
        return False  # (a row with a rejoined number was checked before the join)
    numbers = [int(s.text) for s in segs]
    if _identity_holds("t3", numbers, ncols):
        return False
    fits = [i for i in range(k) if numbers[i] and _identity_holds("t3", numbers[: i + 1] + numbers[i:], ncols)]
    if len(fits) != 1:
        return False
    i = fits[0]
    group.values = values[: i + 1] + values[i:]
    return True


def _join_zero_led(group: RowGroup) -> bool:
    """Join a piece printed with a leading zero ("965" / "01") to the value before it: no cell is
    printed "01", so it is the tail of a wrapped number whatever the arithmetic says."""
    values = group.values
    at = [
        i
        for i in range(len(values) - 1)
        if _joinable(values[i][0], values[i + 1][0]) and len(values[i + 1][0].text) >= 2
        and values[i + 1][0].text.startswith("0")
    ]
    at = [i for j, i in enumerate(at) if not j or i - at[j - 1] > 1]
    if not at:
        return False
    group.values = _join(values, tuple(at))
    return True


def _join_legacy(group: RowGroup) -> bool:
    """A legacy 统计表 row printed one cell per line with three numbers where the year column and
    历年累计 hold two: one of them was wrapped. Join the pair that keeps the year within its cumulative
    total, the closer pair when both do ("141" / "9" / "1455" is 1419 of 1455); with two numbers, a
    year above its cumulative total is a wrapped number ("141" / "9")."""
    values = group.values
    if not 2 <= len(values) <= 3 or not all(_joinable(a, b) for (a, _), (b, _) in itertools.pairwise(values)):
        return False
    if len(values) == 2:  # the cumulative total may be untagged: a year above it is a wrapped number
        if int(values[0][0].text) > int(values[1][0].text):
            group.values = _join(values, (0,))
            return True
        return False
    a, b, c = (int(s.text) for s, _ in values)
    options = []
    for at, (year, cum) in (((0,), (int(f"{a}{b}"), c)), ((1,), (a, int(f"{b}{c}")))):
        if 0 < year <= cum:
            options.append((cum / year, at))
    if not options:
        return False
    group.values = _join(values, min(options)[1])
    return True


def merge_split_numbers(group: RowGroup, ncols: int) -> bool:
    """Rejoin a row's numbers that a cell-per-line rendering split over two lines, or re-expand a run
    of identical values it printed once (in place); returns True when the row was changed."""
    zero_led = 2 <= len(group.values) <= MAX_VALUES and _join_zero_led(group)
    if group.table == "legacy":
        return _join_legacy(group) or zero_led
    return _merge(group, ncols) or zero_led


def _merge(group: RowGroup, ncols: int) -> bool:
    values = group.values
    k = len(values)
    if k < 2 or k > MAX_VALUES or group.table not in ("t2", "t3", "t4"):
        return _expand_collapsed(group, ncols) if 1 <= k <= MAX_VALUES else False
    spots = [i for i in range(k - 1) if _joinable(values[i][0], values[i + 1][0])]
    if not spots:
        return _expand_collapsed(group, ncols)
    numbers = [int(s.text) if s.text.isdigit() else None for s, _ in values]
    if any(n is None for n in numbers):
        return False

    def joined_numbers(at: tuple[int, ...]) -> list[int]:
        return [int(s.text) for s, _ in _join(values, at)]

    need = max(0, k - ncols)
    if need > MAX_JOINS:
        return False
    if need == 0 and _identity_holds(group.table, [int(n) for n in numbers if n is not None], ncols) is not False:
        return False  # as printed the row adds up (or has nothing to add up): leave it
    for m in range(max(need, 1), MAX_JOINS + 1):
        fits = [
            at
            for at in itertools.combinations(spots, m)
            if all(b - a > 1 for a, b in itertools.pairwise(at))
            and _identity_holds(group.table, joined_numbers(at), ncols) is not False
        ]
        if group.table == "t2":
            # no identity: join only a one-column row's two numbers ("行政许可" / "1" / "208"); extra
            # values in a wider row are more likely another row's than a wrapped number
            fits = fits[:1] if need and ncols == 1 and k == 2 else []
        if len(fits) == 1 or (fits and need):
            group.values = _join(values, fits[0])
            return True
        if fits:
            return False  # several joins fit equally: leave the row as printed
    if _expand_collapsed(group, ncols):
        return True
    return _join_and_expand(group, spots, ncols)


def _join_and_expand(group: RowGroup, spots: list[int], ncols: int) -> bool:
    """A table-3 row with both a wrapped number and a collapsed run ("2" / "2" / "1" / "24": 自然人 22,
    two columns of 1 printed once, 总计 24): one join followed by one doubling, applied only when exactly
    one such pair makes the row add up."""
    if group.table != "t3":
        return False
    values = group.values
    if any(b[0].line != a[0].line + 1 for a, b in itertools.pairwise(values)):
        return False
    found: list[list[tuple[Segment, Tag]]] = []
    for at in spots:
        trial = type(group)(group.table, group.row, group.block, _join(values, (at,)), group.label_score)
        if _expand_collapsed(trial, ncols, joined=True):
            found.append(trial.values)
            if len(found) > 1:
                return False
    if len(found) != 1:
        return False
    group.values = found[0]
    return True
