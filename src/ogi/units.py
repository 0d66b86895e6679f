"""One unit per column for a cell's ``number`` (the printed ``value`` is never changed).

* Amounts (table 2's 本年收费金额 ``fee_amount`` and 2019's 采购总金额 ``amount``) are in **万元**, the unit
  the 2021 template prints in its header: "251000元" → 25.1, "1372.16万元" → 1372.16, "1.2亿元" → 12000;
  a bare number is taken as printed in the column's stated unit (万元).
* 本年增/减 (``change``) is signed: "增82" / "+82" → 82, "减5" / "-5" / "−5" → -5.
* Every other cell is a count (件, 条, 个, 人次) and its number is the printed number.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ogi.data import Cell

AMOUNT_COLUMNS = frozenset({"fee_amount", "amount"})
AMOUNT_UNIT = "万元"
_NUM = re.compile(r"\d+(?:\.\d+)?")
_MINUS = ("-", "−", "–", "—", "减", "减少", "下降")


def column_of(key: str) -> str:
    """The column part of a canonical key (``t2.art20_8.fees.fee_amount`` → ``fee_amount``)."""
    return key.rsplit(".", 1)[-1]


def unit_of(key: str) -> str | None:
    """The stated unit of a cell's ``number``: 万元 for amounts, None (a count) otherwise."""
    return AMOUNT_UNIT if key.startswith("t2.") and column_of(key) in AMOUNT_COLUMNS else None


def _tidy(x: float) -> int | float:
    x = round(x, 6)
    return int(x) if x.is_integer() else x


def number_in_unit(key: str, value: str, parsed: float | None) -> int | float | None:
    """The number of a printed ``value`` in its column's unit; ``parsed`` is the decoder's plain parse."""
    s = value.replace(",", "").replace("，", "").replace(" ", "")
    m = _NUM.search(s)
    if m is None:
        return parsed
    magnitude = float(m.group())
    sign = -1 if s[: m.start()].endswith(_MINUS) or s.startswith(_MINUS) else 1
    if unit_of(key):
        rest = s[m.end():]
        if rest.startswith("亿"):
            magnitude *= 10000
        elif rest.startswith("元"):  # 元, not 万元
            magnitude /= 10000
        return _tidy(sign * magnitude)
    if parsed is None:
        return None
    if column_of(key) == "change":
        return _tidy(sign * magnitude)
    return parsed


def apply_units(cells: dict[str, Cell]) -> None:
    """Rewrite each cell's ``number`` in its column's unit, in place."""
    for key, cell in cells.items():
        if key.startswith("t2."):
            cell.number = number_in_unit(key, cell.value, cell.number)
