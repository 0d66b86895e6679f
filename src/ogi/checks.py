"""The tables' arithmetic (勾稽关系) and structural checks, each with both sides.

Blank cells count as 0 in an identity as long as at least one of its cells is printed (an identity with
no printed cell is ``not_assessable``). A placeholder ("/", "—", "无") or non-numeric text in any of its
cells makes the identity ``not_assessable``: a placeholder is not a zero. Printed numbers are never
changed to make a check pass.

A failed check says in its ``detail`` whether a side involves a cell the decoder placed by arithmetic
(``ambiguous: <keys>``) or a blank it read as 0 (``blank read as 0: <keys>``): such a failure may be the
reading's, not the report's.

Also here: ``prose_checks`` (the narrative's numbers against the cells, ``prose.<key>``) and
``cross_year_checks`` (consecutive reports of one agency, ``cross_year.<key>``, over records).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from ogi import schema
from ogi.data import Cell, Check, Document

_EPS = 1e-6


def flag_note(ambiguous: Iterable[str], blank: Iterable[str]) -> str:
    """The detail of a failed check naming ambiguous cells and blanks read as 0 ('' when neither)."""
    def listed(keys: list[str]) -> str:
        return ", ".join(keys[:6]) + (f", … (+{len(keys) - 6})" if len(keys) > 6 else "")

    amb, blk = sorted(set(ambiguous)), sorted(set(blank))
    parts = []
    if amb:
        parts.append("ambiguous: " + listed(amb))
    if blk:
        parts.append("blank read as 0: " + listed(blk))
    return "; ".join(parts)


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
    if abs(left - right) < _EPS:
        return Check(name, "pass", left, right)
    keys = left_keys + right_keys
    note = flag_note((c.key for c in involved if c.ambiguous), (k for k in keys if k not in cells))
    return Check(name, "fail", left, right, note)


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


# ---------------------------------------------------------------------------------------------
# The narrative against the tables
# ---------------------------------------------------------------------------------------------

_N = r"(\d+)"
_APPLY = r"(?:政府信息公开|依申请公开|信息公开)?(?:的)?申请"
# (cell key or a verb-dependent choice, pattern); the text is searched with all whitespace removed
# (PDF text wraps sentences and puts spaces around digits).
PROSE_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("t3.new_received.total", re.compile(rf"(?:新?收到|受理|接收|接到|新收){_APPLY}(?:共|总计|合计)?{_N}件")),
    ("t3.carried_over.total", re.compile(rf"上一?年(?:度)?结转(?:的)?(?:{_APPLY})?(?:共)?{_N}件")),
    # not 答复 (同意公开答复 9 件 is a result row) and not 不予处理 / 其他处理 (result rows too)
    ("t3.total_processed.total", re.compile(rf"(?<!不予)(?<!其他)(?:办理|办结|处理)(?:了)?(?:{_APPLY})?(?:共)?{_N}件")),
    ("t3.carried_forward.total", re.compile(rf"结转(?:至|到)?下一?年(?:度)?(?:继续办理)?(?:的)?(?:申请)?{_N}件")),
    ("t3.new_received.natural_person", re.compile(rf"(?:其中)?自然人(?:提出)?(?:的)?申请{_N}件")),
    ("normative_docs", re.compile(rf"(主动公开|制发|印发|新制作|出台|发布)(?:了)?(?:各类)?(?:行政)?规范性文件(?:共)?{_N}件")),
    ("t4.review.total", re.compile(rf"(?:政府信息公开|信息公开)(?:工作)?(?:的)?行政复议(?:案件|申请)?(?:共)?{_N}(?:件|起)")),
)
_NEW_VERBS_2019 = ("制发", "印发", "新制作", "出台")


def _prose_key(key: str, verb: str | None, template: str) -> str:
    """The cell a narrative number speaks of (规范性文件: by template and verb)."""
    if key != "normative_docs":
        return key
    if template == "2021":
        return "t2.art20_1.normative_docs.issued"
    return "t2.art20_1.normative_docs." + ("new_made" if verb in _NEW_VERBS_2019 else "new_published")


def prose_checks(doc: Document) -> list[Check]:
    """The narrative's numbers against the cells, one ``prose.<cell key>`` check per statement kind.

    Only the first statement of each kind counts. A received count that equals 本年新收 + 上年结转 (some
    reports count the carried-over requests as received) passes, the detail says so. A statement whose
    cell is blank in a printed table is compared with 0 and flagged; with no such table it is
    ``not_assessable``.
    """
    if doc.template not in ("2019", "2021"):
        return []
    text = "".join(doc.text.split())  # str.split is several times faster than a regex here
    # every statement ends in "<digits>件/起": the patterns run only on the few windows before one
    # (seven patterns over a whole report cost a millisecond; the windows, a few microseconds)
    windows = []
    for unit in "件起":
        i = text.find(unit, 1)
        while i != -1:
            if text[i - 1].isdigit():
                windows.append((max(0, i - 40), i + 1))
            i = text.find(unit, i + 1)
    windows.sort()
    cells = doc.cells
    out: list[Check] = []
    seen: set[str] = set()
    for kind, pattern in PROSE_PATTERNS:
        m = next((x for a, b in windows if (x := pattern.search(text, a, b)) and x.end() == b), None)
        if not m:
            continue
        verb = m.group(1) if kind == "normative_docs" else None
        key = _prose_key(kind, verb, doc.template)
        if key in seen:
            continue
        seen.add(key)
        said = int(m.group(m.lastindex or 1))
        quote = m.group(0)
        name = f"prose.{key}"
        cell = cells.get(key)
        table = key.split(".", 1)[0] + "."
        if cell is None and not any(k.startswith(table) for k in cells):
            out.append(Check(name, "not_assessable", said, None, f"{quote}: no table {table[:-1]}"))
            continue
        if cell is not None and cell.number is None:
            out.append(Check(name, "not_assessable", said, None, f"{quote}: cell printed {cell.value!r}"))
            continue
        printed = cell.number if cell is not None else 0
        if abs(said - printed) < _EPS:
            out.append(Check(name, "pass", said, _tidy(printed), quote))
            continue
        if key.startswith("t3.new_received."):
            carried = cells.get(key.replace("new_received", "carried_over"))
            if carried is not None and carried.number is not None and abs(said - printed - carried.number) < _EPS:
                out.append(Check(name, "pass", said, _tidy(printed), f"{quote} (= 本年新收 + 上年结转)"))
                continue
        note = flag_note([key] if cell is not None and cell.ambiguous else [], [] if cell is not None else [key])
        out.append(Check(name, "fail", said, _tidy(printed), quote + (f"; {note}" if note else "")))
    return out


# ---------------------------------------------------------------------------------------------
# Across years: consecutive reports of one agency (over records, not documents)
# ---------------------------------------------------------------------------------------------

def agency_key(rec: dict[str, Any]) -> str | None:
    """What groups a record with its other years: the body its title names, else its ``agency``.

    The title's body is preferred because the page's 发布机构 may name the office that posted it one year
    and the body itself another (平潭综合实验区管委会办公室 / 平潭综合实验区).
    """
    from ogi.metadata import agency_from_title

    title = rec.get("title")
    name = agency_from_title(title) if title else None
    name = name or rec.get("agency")
    return re.sub(r"\s+", "", name) if name else None


_PLACE_PREFIX = re.compile(r"^.{1,12}?[省市州盟县区旗]$")


def same_agency(keys: set[str]) -> dict[str, str]:
    """Each agency key mapped to the name its group goes by: a name printed with and without its higher
    place ("淮安市洪泽区人民政府" / "洪泽区人民政府") is one body, named by the longer form; a short name that
    several places would complete ("A市城关镇…" / "B县城关镇…") is left alone."""
    out = {k: k for k in keys}
    for short in keys:
        longer = [k for k in keys if k != short and k.endswith(short) and _PLACE_PREFIX.match(k[: -len(short)])]
        if len(short) >= 4 and len(longer) == 1 and re.search(r"[省市州县区镇乡旗]|街道", short):
            out[short] = longer[0]
    return out


def _pairs(template: str, prev_template: str) -> list[tuple[str, list[str], list[str], list[str]]]:
    """(name key, this year's keys, last year's keys added, last year's keys) of each cross-year identity."""
    out: list[tuple[str, list[str], list[str], list[str]]] = []
    for col in schema.T3_COL_KEYS:
        out.append((f"t3.carried_over.{col}", [f"t3.carried_over.{col}"], [f"t3.carried_forward.{col}"], []))
    if template == "2019" and prev_template == "2019":
        for b, rows in schema.t2_layout("2019"):
            if "prev_count" not in b.cols["2019"]:
                continue
            for r in rows:
                base = f"t2.{b.key}.{r.key}"
                out.append((f"{base}.prev_count", [f"{base}.prev_count"], [f"{base}.prev_count", f"{base}.change"], []))
    return out


def _side(cells: dict[str, Any], keys: list[str]) -> tuple[float | int | None, list[str], list[str], str]:
    """(sum, ambiguous keys, blank keys, why not assessable) of one side's cells in a record."""
    total: float = 0
    amb: list[str] = []
    blank: list[str] = []
    for k in keys:
        c = cells.get(k)
        if c is None:
            table = k.split(".", 2)[0] + "." + (k.split(".", 2)[1] + "." if k.startswith("t2.") else "")
            if not any(x.startswith(table) for x in cells):
                return None, [], [], f"no {table[:-1]} printed"
            blank.append(k)
            continue
        if c.get("number") is None:
            return None, [], [], f"{k} printed {c.get('value')!r}"
        total += c["number"]
        if c.get("ambiguous"):
            amb.append(k)
    return _tidy(total), amb, blank, ""


def cross_year_checks(records: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Checks between the reports of one agency in consecutive years.

    Per table-3 column: this year's 上年结转 = last year's 结转下年度继续办理 (``cross_year.t3.carried_over.<col>``);
    between two 2019-template reports, per table-2 row: this year's 上一年项目数量 = last year's 上一年项目数量
    + 本年增/减 (``cross_year.t2.<item>.<row>.prev_count``). Each check is a dict with ``name``, ``status``,
    ``left`` (this year), ``right`` (last year), ``id`` and ``previous_id`` (both reports), ``agency``,
    ``year``, ``previous_year``, ``ambiguous`` / ``blank`` (a side involves an ambiguous cell / a blank read
    as 0) and ``detail``. Pairs where neither side printed a cell are left out; a failed record or one with
    no year or agency takes no part; when an agency has two reports for one year, the first is used.
    """
    usable = [(agency_key(rec), rec) for rec in records]
    usable = [(k, r) for k, r in usable if k and r.get("status") != "failed" and isinstance(r.get("year"), int)]
    names = same_agency({k for k, _ in usable if k})
    by_agency: dict[str, dict[int, dict[str, Any]]] = {}
    for key, rec in usable:
        by_agency.setdefault(names[key], {}).setdefault(rec["year"], rec)  # type: ignore[index]
    out: list[dict[str, Any]] = []
    for agency in sorted(by_agency):
        years = by_agency[agency]
        for year in sorted(years):
            prev = years.get(year - 1)
            if prev is None:
                continue
            cur = years[year]
            ccells, pcells = cur.get("cells") or {}, prev.get("cells") or {}
            for name, this_keys, last_keys, _ in _pairs(str(cur.get("template")), str(prev.get("template"))):
                if not any(k in ccells for k in this_keys) and not any(k in pcells for k in last_keys):
                    continue
                left, lamb, lblank, lwhy = _side(ccells, this_keys)
                right, ramb, rblank, rwhy = _side(pcells, last_keys)
                base = {
                    "name": f"cross_year.{name}", "id": cur.get("id"), "previous_id": prev.get("id"),
                    "agency": agency, "year": year, "previous_year": year - 1, "left": left, "right": right,
                }
                if lwhy or rwhy:
                    out.append({**base, "status": "not_assessable", "ambiguous": False, "blank": False,
                                "detail": "; ".join(x for x in (lwhy, rwhy) if x)})
                    continue
                ok = abs(left - right) < _EPS  # type: ignore[operator]
                amb, blank = lamb + ramb, lblank + rblank
                out.append({**base, "status": "pass" if ok else "fail", "ambiguous": bool(amb), "blank": bool(blank),
                            "detail": "" if ok else flag_note(amb, blank)})
    return out


def check(doc: Document) -> Document:
    """Fill ``doc.checks``; returns the document."""
    checks: list[Check] = []
    checks += structure_checks(doc)
    if doc.template in ("2019", "2021"):
        checks += table3_checks(doc)
        checks += table4_checks(doc)
    checks += value_checks(doc)
    checks += prose_checks(doc)
    doc.checks = checks
    return doc
