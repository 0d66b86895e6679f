"""Running text: a report whose whole body is one line, with its table cells glued together.

Crawlers and web pages copied without their newlines give text such as
``…规章000行政规范性文件6233440第二十条第（五）项…一、本年新收政府信息公开申请数量21710000218二、…``:
headings, row labels and cells all inline, the cells glued with no separator (or with spaces between
some of them), the next row's ordinal glued to the last number (``…40000042.其他法律…``).
Line-based segmentation finds nothing there. This module reads such a line directly:

1. **Headings** are found inside the text by their numeral (一、…六、) and title keywords, with the
   rule tagger's guards (numerals in order, a template heading's numeral matches its title, table rows
   such as 一、本年新收… or 四、结转下年度继续办理 are not sections).
2. **Digit runs** (numbers, signs, decimals, 元/万元, spaces) in the table zones are paired with the row
   label just before them (schema aliases and the numbering in front of them); a run's trailing
   ordinal glued to the next label ("…42.其他" → "…4" + "2.其他") is given back to the label.
3. **Splitting** a run into cells is a bounded dynamic programme over split points
   (:func:`split_run`): at most ``MAX_DIGITS`` digits per cell, no leading zeros except "0" itself,
   chunks separated by spaces never merged, and the table's identities enforced inside the search
   (row total = the six applicant columns in table 3, each table-4 group's parts = its total: the
   running sum of a group is part of the DP state, so a total cell can only be the printed sum).
   The search keeps at most ``KEEP`` candidates per state and gives up after ``STATE_BUDGET``
   states per run (then a prior-only search decides). Table-3 rows are then chosen jointly by the
   column identities (本年新收 + 上年结转 = 总计 + 结转下年度; 总计 = the sum of the leaf rows).
4. Where several splits satisfy every identity the priors choose (columns that are usually 0, a
   2019 本年增/减 of 0, balanced digit counts, a number the narrative also prints) and the cells that
   differ between the equally valid splits are marked ambiguous.

The result is Segments at their real character offsets (labels, values, units, prose) plus the
label of each (``doc.meta["fixed_tags"]``, read by the decoder) and the starts of ambiguous values
(``doc.meta["glued_ambiguous"]``).
"""

from __future__ import annotations

import bisect
import itertools
import logging
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from ogi import schema
from ogi.context import detect_template, detect_year
from ogi.data import Document, Segment, Tag

log = logging.getLogger(__name__)

SOURCE = "glued"
MAX_DIGITS = {"t2": 12, "t3": 7, "t4": 6, "legacy": 10}  # digits of a cell's integer part
KEEP = 24  # candidate splits kept per DP state (and per row)
STATE_BUDGET = 60_000  # DP states explored per run before the prior-only search takes over
MIN_LINE = 200  # shorter lines are table rows or prose, read line by line
IDENTITY_BONUS = 5.0  # log-prior of a legacy sub-row identity that holds (其中 rows sum to their parent)
NARRATIVE_BONUS = 1.0  # log-prior per unit of narrative evidence (a confirmed 62 gives 1, 2122 gives 3)
MAX_LEGACY_ROWS = 300  # a 统计表 has a few dozen rows; past this the text is not one table
MAX_ZONE_RUNS = {"t2": 40, "t3": 80, "t4": 10, "legacy": MAX_LEGACY_ROWS + 50}  # runs read per table zone

_CJK = re.compile(r"[\u4e00-\u9fff]")
_SIGN = r"(?:[-+−–]|增|减)"
_CELL_TEXT = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:万元|元|%)?"  # "1,234" keeps its thousands comma
# a run of cells: after the first, each is preceded by spaces or starts with a sign (digits after
# digits are already the same \d+: no nested repetition, so matching stays linear on long digit runs)
_RUN = re.compile(rf"{_SIGN}?{_CELL_TEXT}(?: +{_SIGN}?{_CELL_TEXT}|{_SIGN}{_CELL_TEXT})*")
_PLACEHOLDER_CHARS = "—/"
# a legacy 统计表 prints blank cells as — or /: its runs may hold them
_PH = r"(?:—+|/)"
_LEGACY_RUN = re.compile(rf"(?:{_PH}|{_SIGN}?{_CELL_TEXT})(?: +(?:{_PH}|{_SIGN}?{_CELL_TEXT})|{_SIGN}{_CELL_TEXT})*")
_CELL = re.compile(r"(?:[-+−–]|增|减)?(0|[1-9]\d{0,2}(?:,\d{3})+|[1-9]\d*)(\.\d{1,4})?(?:万元|元|%)?")
_SEC_HEAD = re.compile(r"([一二三四五六七八九十]{1,3})[、.]")
_NUMBERING_TOKEN = re.compile(r"[一二三四五六七八九十]{1,3}、|\([一二三四五六七八九十]{1,3}\)|\(\d{1,2}\)|(?<![\d.])\d{1,2}[.、](?!\d)")
_TITLE_STOP = re.compile(r"[\d\s。,;:!?(]|申请人情况|本列数据|第二十条|信息内容|结果维持|指标名称|统计指标")
_TITLE_END_WORDS = re.compile(r"情况|事项|措施|概述|统计表|问题|说明|打算|建设")
_GLUED_ROW = re.compile(
    r"(?:申请数量|予以公开|部分公开|国家秘密|不掌握相关政府信息|重复申请|总计|继续办理|规章|行政许可|行政处罚|行政强制|事业性收费"
    r"|[\u4e00-\u9fff]\s*(?:条|件|个|人次|项))\s*\d"
)
_LEGACY_GLUED_ROW = re.compile(r"[\u4e00-\u9fff]数\s*\d")
_T3_START = ("申请人情况", "勾稽", "本年新收政府信息公开申请")
_PROSE_AFTER = re.compile(r"(?:件|条|篇|个|项|次|家|期|人|份|场|天|日|年|月|号|岁|名|户|起|宗|批|%)")
_MISSING_S5 = re.compile(r"\(一\)(?:存在的?)?(?:主要)?问题(?:及|和)?(?:改进|整改)?(?:情况|措施)?")
_TOC_GAP = re.compile(r"[\s;；,，、.。]{0,3}")  # between two items of a list of contents
_BLOCK = re.compile(r"第?二十条第?\s*[(（]?\s*([一五六八九])\s*[)）]?\s*项")  # a table-2 block heading
_LEGACY_HEAD_WORDS = re.compile(r"指标|单位|统计数|累计")
_LEGACY_HEAD_PAIR = re.compile(r"(?:指标|项目)\s*(?:计量)?单位")  # "指标 计量单位 2011年度 历年累计"
_T4_HEADER = ("结果维持", "结果纠正", "尚未审结", "复议后起诉", "直接起诉")
_BLANK_ROW_END = re.compile(r"(?<=[\u4e00-\u9fff)]) (?:人次|万元|条|件|个|次|篇|份|元|人|项|家) +(?=\S)")
_SENTENCE = re.compile(r"[。;!?]|,(?!\d)")
_TITLE_LEAD = re.compile(r" *(?:(?:19|20)\d\d *年度?)?")
_FORM_FIELD = re.compile(r"电话|填报人|负责人|审核人|邮编|传真")
_LABEL_COL = re.compile(r"指 ?标")
_SPACED_CJK = re.compile(r"(?<=[\u4e00-\u9fff]) +(?=[\u4e00-\u9fff])")  # header words spaced out ("统 计 指 标")
_LEGACY_HEADER = re.compile(r"统 ?计 ?指 ?标|指 ?标 ?名 ?称|指 ?标|计量单位|单位|统计数|(?:19|20)\d\d *年度?|历年累计|累计数?|备注|项目")
_LEGACY_UNITS = ("人次", "万元", "条", "件", "个", "次", "项", "篇", "份", "人", "家", "期", "场", "元", "%")
_STRIP_CHARS = set(" \u3000:：，,。.;；“”\"'‘’《》()（）/、|_-—")
_COUNT_UNIT = re.compile(r"(?<![\d.])(\d{1,12}(?:\.\d{1,4})?)(?:件|条|篇|个|项|次|人次|家|期|场|万元|元)")

PriorFn = Callable[[str, str, float], float]  # (column, cell text, number) → log-prior of that cell
T3_PRIOR = {"natural_person": 0.0, "commercial": -1.5, "research": -3.0, "social_welfare": -3.0,
            "legal_service": -2.5, "other_org": -2.0, "total": 0.0}
T4_PRIOR = {"maintain": 0.0, "correct": -1.0, "other": -1.5, "pending": -1.0, "total": 0.0}


def looks_glued(line: str) -> bool:
    """True for a long line that holds table rows with their values glued on (a body on one line)."""
    if len(line) < MIN_LINE:
        return False
    rows = _GLUED_ROW.finditer(line)
    if "统计表" in line or "统计指标" in line or "指标名称" in line:  # legacy rows with no unit: "…公开数2122…"
        rows = itertools.chain(rows, _LEGACY_GLUED_ROW.finditer(line))
    return any(hits >= 3 for hits, _ in enumerate(rows, 1))


# ---------------------------------------------------------------------------------------------
# Splitting a digit run into cells
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Split:
    """One way to cut a run into cells: their (start, end) offsets in the run and the prior score."""

    score: float
    spans: tuple[tuple[int, int], ...]
    texts: tuple[str, ...]
    evidence: int = 0  # how strongly the narrative confirms the cells (see _Reader._narrative_hits)

    def numbers(self) -> tuple[float, ...]:
        """The cells' numbers (signs, decimals and units read; 增/减 signed)."""
        return tuple(cell_number(t) for t in self.texts)


def cell_number(text: str) -> float:
    """The number of one cell's text ("减5" → -5, "1372.16万元" → 1372.16)."""
    m = re.search(r"\d+(?:\.\d+)?", text.replace(",", ""))
    if not m:
        return 0.0
    v = float(m.group())
    return -v if text.startswith(("-", "−", "–", "减")) else v


def _cell_options(run: str, start: int, max_digits: int, whole_chunks: bool = False) -> list[tuple[int, str]]:
    """Every cell that can start at ``start``: (end, text), the end being a place a cell may end
    (with ``whole_chunks``, only the end of the space-separated chunk)."""
    out: list[tuple[int, str]] = []
    n = len(run)
    if run[start] in _PLACEHOLDER_CHARS:  # a blank printed as "—", "——" or "/": one cell, as printed
        end = start
        while end < n and run[end] == run[start]:
            end += 1
        return [(end, run[start:end])]
    for end in range(start + 1, min(n, start + max_digits + 8) + 1):
        if run[end - 1] == " ":
            break
        if whole_chunks and end < n and run[end] != " ":
            continue
        text = run[start:end]
        m = _CELL.fullmatch(text)
        if not m or len(m.group(1).replace(",", "")) > max_digits:
            continue
        if end < n:
            nxt = run[end]
            if nxt in ".,万元%":  # a cell never ends inside a decimal, a thousands group or before its unit
                continue
            if nxt.isdigit() and not run[end - 1].isdigit():  # after a unit comes a space or a sign
                continue
        out.append((end, text))
    return out


def _skip_spaces(run: str, pos: int) -> int:
    while pos < len(run) and run[pos] == " ":
        pos += 1
    return pos


def split_run(
    run: str,
    cols: tuple[str, ...],
    groups: tuple[tuple[tuple[int, ...], int], ...] = (),
    prior: PriorFn | None = None,
    max_digits: int = 7,
    keep: int = KEEP,
    whole_chunks: bool = False,
) -> tuple[list[Split], bool]:
    """The best splits of ``run`` into exactly ``len(cols)`` cells, and whether they hold the identities.

    ``groups`` lists (part columns, total column) whose parts must sum to the total; the parts of a
    group precede its total. With groups, only splits satisfying all of them are returned (the
    running sum is part of the DP state); if none exists — or the search exceeds ``STATE_BUDGET``
    states — the prior-only splits are returned with ``False``. Bounded: at most
    ``len(run) × len(cols) × (distinct running sums)`` states, each with ``max_digits + 8`` cell
    choices and ``keep`` candidates. ``whole_chunks``: every space-separated chunk is one cell (a
    report printing spaces between its cells).
    """
    prior = prior or _no_prior
    n = len(cols)
    if len(run) - run.count(" ") > n * (max_digits + 6):
        return [], False  # longer than any row of this table can print: not one row's cells
    total_of: dict[int, int] = {}
    part_of: dict[int, int] = {}
    for gi, (parts, total) in enumerate(groups):
        total_of[total] = gi
        for p in parts:
            part_of[p] = gi
    options: dict[int, list[tuple[int, str]]] = {}

    def opts(pos: int) -> list[tuple[int, str]]:
        if pos not in options:
            options[pos] = _cell_options(run, pos, max_digits, whole_chunks)
        return options[pos]

    budget = [STATE_BUDGET]

    def search(use_groups: bool) -> list[Split]:
        memo: dict[tuple[int, int, float], list[tuple[float, tuple[tuple[int, int], ...], tuple[str, ...]]]] = {}

        def f(pos: int, col: int, partial: float) -> list[tuple[float, tuple[tuple[int, int], ...], tuple[str, ...]]]:
            key = (pos, col, partial)
            if key in memo:
                return memo[key]
            budget[0] -= 1
            if budget[0] < 0:
                raise _Budget
            if col == n:
                res = [(0.0, (), ())] if pos >= len(run) else []
                memo[key] = res
                return res
            if pos >= len(run) or len(run) - pos < n - col:
                memo[key] = []
                return []
            res: list[tuple[float, tuple[tuple[int, int], ...], tuple[str, ...]]] = []
            for end, text in opts(pos):
                value = cell_number(text)
                nxt_partial = partial
                if use_groups and col in total_of:
                    if abs(value - partial) > 1e-9:
                        continue
                    nxt_partial = 0.0
                elif use_groups and col in part_of:
                    nxt_partial = round(partial + value, 6)
                sc = prior(cols[col], text, value)
                for s, spans, texts in f(_skip_spaces(run, end), col + 1, nxt_partial):
                    res.append((s + sc, ((pos, end),) + spans, (text,) + texts))
            res.sort(key=lambda x: -x[0])
            memo[key] = res[:keep]
            return memo[key]

        return [Split(s, spans, texts) for s, spans, texts in f(_skip_spaces(run, 0), 0, 0.0)]

    if groups:
        try:
            found = search(True)
            if found:
                return found, True
        except _Budget:
            log.debug("split search over budget for run %r", run[:40])
        budget[0] = STATE_BUDGET
    try:
        return search(False), not groups
    except _Budget:
        return [], False


class _Budget(Exception):
    """The split search used up its state budget."""


def _no_prior(col: str, text: str, value: float) -> float:
    return 0.0


def _balance(text: str) -> float:
    digits = sum(ch.isdigit() for ch in text)
    return -0.3 * digits * digits


def t3_prior(col: str, text: str, value: float) -> float:
    """Table 3: natural persons file most requests; the other applicant columns are usually 0."""
    return (T3_PRIOR.get(col, 0.0) if value else 0.0) - 0.02 * len(text) ** 2


def t4_prior(col: str, text: str, value: float) -> float:
    """Table 4: most review and litigation cells are 0."""
    return (T4_PRIOR.get(col.split(".")[-1], 0.0) if value else 0.0) - 0.02 * len(text) ** 2


def t2_prior(col: str, text: str, value: float) -> float:
    """Table 2: balanced digit counts; 本年增/减 is mostly 0 or small; a signed value is a change;
    an amount's length says nothing (its ratio to the item count is scored after the search)."""
    score = 0.0 if col in ("amount", "fee_amount") else _balance(text)
    if col == "change":
        score += 2.0 if value == 0 else -0.6 * sum(ch.isdigit() for ch in text)
    elif text.startswith(("-", "+", "−", "–", "增", "减")):
        score -= 4.0
    return score


def legacy_prior(col: str, text: str, value: float) -> float:
    """Legacy 统计表: balanced digit counts between the year's column and the cumulative one."""
    return _balance(text)


# ---------------------------------------------------------------------------------------------
# Reading the line
# ---------------------------------------------------------------------------------------------


@dataclass
class _Piece:
    start: int  # offsets in the line
    end: int
    label: str
    kind: str = "text"
    score: float = 0.95


@dataclass
class _Row:
    table: str  # t2, t3, t4, legacy
    key: str  # row key / legacy label
    cols: tuple[str, ...]
    run_start: int
    run: str
    label: _Piece | None
    cands: list[Split] = field(default_factory=list)
    exact: bool = False
    value_col: int = 0  # legacy: the column that is the cell
    label_text: str = ""  # the printed row label


def _squashed(text: str) -> tuple[str, list[int]]:
    """``text`` without spaces and punctuation, with each kept char's index in ``text``."""
    chars, idx = [], []
    for i, ch in enumerate(text):
        if ch not in _STRIP_CHARS:
            chars.append(ch)
            idx.append(i)
    return "".join(chars), idx


_ALIASES: dict[str, list[tuple[str, str]]] = {}


def _aliases(prefix: str) -> list[tuple[str, str]]:
    if prefix not in _ALIASES:
        out = [(a, lab) for a, lab in schema.ALIASES if lab.startswith(prefix) and len(a) >= 2]
        _ALIASES[prefix] = sorted(out, key=lambda x: -len(x[0]))
    return _ALIASES[prefix]


def _last_alias(text: str, prefix: str, allowed: set[str] | None = None) -> tuple[int, int, str] | None:
    """The alias of ``prefix`` labels that names ``text``: (start, end, label) in ``text``.

    Longer aliases win (a two-character alias such as 其他 inside 部分公开（…不计其他情形） must not beat
    部分公开); among equally long ones the last.
    """
    sq, idx = _squashed(text)
    best: tuple[int, int, int, str] | None = None
    for alias, lab in _aliases(prefix):
        if allowed is not None and lab not in allowed:
            continue
        p = sq.rfind(alias)
        if p < 0:
            continue
        cand = (len(alias), p + len(alias), p, lab)
        if best is None or cand[:2] > best[:2]:
            best = cand
    if best is None:
        return None
    _, end_sq, start_sq, lab = best
    return idx[start_sq], idx[end_sq - 1] + 1, lab


def _title_similarity(title: str, key: str) -> float:
    """Bigram similarity of a printed title to the template title of a section key."""
    return schema.similarity(schema.squash(title), schema.squash(schema.SECTION_TITLES[key]))


def _tail_len(text: str, end: int) -> int:
    return len(_squashed(text[end:])[0])


class _Reader:
    """One pass over the line: headings, table zones, row labels and their digit runs."""

    def __init__(self, line: str, template: str, narrative: dict[str, list[str]]) -> None:
        self.line = line
        self.template = template
        self.tpl = template if template in ("2019", "2021") else "2019"
        self.narrative = narrative
        self.pieces: list[_Piece] = []
        self.rows: list[_Row] = []
        self.seen: set[tuple[str, str]] = set()
        self.whole_chunks = False
        self.t3_cols: tuple[str, ...] = schema.T3_COL_KEYS
        self.t3_allowed = {f"ROW.t3.{k}" for k in schema.t3_rows(self.tpl)} | {"ROW.t3.other"}

    # -- headings ------------------------------------------------------------------------------
    def headings(self) -> list[tuple[int, int, str]]:
        """(start, end, label) of the section headings in the line, in order.

        Candidates are numbered titles (a template title must match its numeral and not be a table-3
        row); a run of three or more consecutive numerals a few characters apart is a list of contents,
        not headings; the rest are taken while their numerals increase (legacy: 一, 二, 三 … in turn,
        none after the 统计表 heading).
        """
        line = self.line
        cands: list[tuple[int, int, int, str, str]] = []  # numeral, start, end, label, title
        for m in _SEC_HEAD.finditer(line):
            n = schema.cn_to_int(m.group(1))
            if n is None or m.start() > 0 and line[m.start() - 1] in schema.CN_NUMERALS:
                continue
            end = self._title_end(m.end())
            title = line[m.end() : end]
            if len(title) < 2 or title[0] in schema.CN_NUMERALS:
                continue
            if self.template == "legacy":
                # glued to the sentence before it, a heading needs a title that ends like one (…情况)
                if m.start() > 0 and _CJK.match(line[m.start() - 1]) and not _TITLE_END_WORDS.search(title[-3:]):
                    continue
                label = "SEC.legacy"
            else:
                key = schema.match_section(title)
                if not key or schema.match_label(title, "ROW.t3")[1] >= 0.9:
                    continue
                if int(key[1]) != n:
                    # tables renumbered after a narrative (一、主动公开政府信息的情况 after 一..四), or 五 for 六
                    # when 五 was left out: the whole title must be the template's, the order decides
                    if int(key[1]) < n or _title_similarity(title, key) < 0.6:
                        continue
                    n = int(key[1])
                label = f"SEC.{key}"
            cands.append((n, m.start(), end, label, title))
        if self.template != "legacy":
            # a report leaving out 五、存在的主要问题… starts that part at "(一)存在问题" after table 4
            for m in _MISSING_S5.finditer(line):
                cands.append((5, m.start(), m.end(), "SEC.s5", m.group()))
            cands.sort(key=lambda c: c[1])
        toc: set[int] = set()  # "一、总体情况;二、主动公开…;三、…": three or more titles, only punctuation between
        i = 0
        while i < len(cands):
            j = i
            while j + 1 < len(cands) and cands[j + 1][0] == cands[j][0] + 1 and _TOC_GAP.fullmatch(line, cands[j][2], cands[j + 1][1]):
                j += 1
            if j - i >= 2:
                toc.update(range(i, j + 1))
            i = j + 1
        out: list[tuple[int, int, str]] = []
        current = 0
        for k, (n, s, e, label, title) in enumerate(cands):
            if k in toc or n <= current or self.template == "legacy" and n != current + 1:
                continue
            out.append((s, e, label))
            current = n
            if self.template == "legacy" and "统计表" in title:
                break  # the 统计表's rows (一、主动公开情况 …) are not sections
        return out

    def _title_end(self, start: int) -> int:
        window = self.line[start : start + 40]
        lead = _TITLE_LEAD.match(window)  # "十四、 其他…", "十三、2019年…的计划": not where the title stops
        stop = _TITLE_STOP.search(window, lead.end() if lead else 0)
        if stop:
            window = window[: stop.start()]
        nxt = _SEC_HEAD.search(window, 1)  # a blank row's label glued to the next heading ("四、结转…四、政府…")
        if nxt:
            window = window[: nxt.start()]
        ends = list(_TITLE_END_WORDS.finditer(window))
        if ends:
            return start + ends[-1].end()
        return start + len(window.rstrip())

    # -- runs ----------------------------------------------------------------------------------
    def runs(self) -> list[tuple[int, int]]:
        """(start, end) of the digit runs, a trailing ordinal glued to the next label given back."""
        out: list[tuple[int, int]] = []
        line = self.line
        last_ordinal = 0  # the list numbering given back last (…9、 then 10、: two digits)
        for m in (_LEGACY_RUN if self.template == "legacy" else _RUN).finditer(line):
            s, e = m.start(), m.end()
            nxt = line[e : e + 1]
            if nxt and nxt in "年月日号" or line[e : e + 3].lstrip(" ")[:1] in ("年", "月", "日"):
                continue  # a date or a header year ("2017 年度" as PDF text layers space it), not cells
            if s > 0 and (line[s - 1].isascii() and line[s - 1].isalnum() or line[s - 1] in "第"):
                continue
            if s > 0 and line[s - 1] == "(" and nxt == ")":
                continue  # a numbering "(1)" of the next label, not a value
            after = line[e + 1 : e + 3].lstrip(" ")  # "…136. 属于": a space may follow the ordinal's dot
            if nxt in (".", "、") and after and (_CJK.match(after[0]) or after[0] in "(“"):
                two = int(line[e - 2 : e]) if e - s >= 2 and line[e - 2 : e].isdigit() else -1
                k = 2 if two == last_ordinal + 1 and two >= 10 else 1
                last_ordinal = int(line[e - k : e])
                e -= k  # "…40000042.其他" → "…4000004" + the next label's "2."
                while e > s and line[e - 1] == " ":
                    e -= 1
            while e > s and line[e - 1] == " ":
                e -= 1
            if e > s:
                out.append((s, e))
        return out

    # -- tables --------------------------------------------------------------------------------
    def read(self) -> None:
        """Find headings, zones, rows and candidate splits."""
        line = self.line
        heads = self.headings()
        for hs, he, lab in heads:
            self.pieces.append(_Piece(hs, he, lab, score=0.95))
        events = sorted([(hs, he, "head", lab) for hs, he, lab in heads] + [(s, e, "run", "") for s, e in self.runs()])
        blocks = [(m.start(), m.end(), schema.T2_BLOCK_BY_NUMERAL[m.group(1)].key) for m in _BLOCK.finditer(line)]
        zone = ""
        block = ""
        t3_done = t4_done = False
        legacy_cols: tuple[int, int] | None = None  # (number of value columns, the cell's column)
        legacy_unit = False
        first = True
        prev_end = 0
        bi = 0
        zone_runs = 0  # runs read in the current zone: a table has a bounded number of rows
        counted_zone = ""
        t2_done = legacy_done = False
        for s, e, kind, lab in events:
            # block headings between the previous event and this one open or switch table 2
            while bi < len(blocks) and blocks[bi][0] < s:
                if blocks[bi][0] >= prev_end and self.template != "legacy" and not t3_done and not t2_done:
                    bs, be, block = blocks[bi]
                    zone = "t2"
                    self._hdr(prev_end, bs)
                    self.pieces.append(_Piece(bs, be, f"BLK.{block}", score=0.95))
                    prev_end = be
                bi += 1
            text = line[prev_end:s]
            if kind == "head":
                if zone in ("t2", "t3") and lab in ("SEC.s4", "SEC.s5", "SEC.s6"):
                    t3_done = t3_done or zone == "t3"
                zone = "t4" if lab == "SEC.s4" and not t4_done else ""
                if lab == "SEC.legacy" and "统计表" in line[s:e]:
                    zone, legacy_cols, first = "legacy", None, True
                prev_end = e
                continue
            run = line[s:e]
            zone_runs = zone_runs + 1 if zone and zone == counted_zone else 1
            counted_zone = zone
            if zone and zone_runs > MAX_ZONE_RUNS.get(zone, 0):
                t2_done = t2_done or zone == "t2"
                t3_done = t3_done or zone == "t3"
                legacy_done = legacy_done or zone == "legacy"
                zone = ""
            if self.template == "legacy":
                if zone != "legacy" and not legacy_done and self._legacy_table_starts(text):
                    zone, legacy_cols, first = "legacy", None, True
                if zone == "legacy":
                    if legacy_cols is None:
                        legacy_cols, legacy_unit = self._legacy_header(text)
                    if self._legacy_row(text, prev_end, s, run, legacy_cols, legacy_unit, first):
                        first = False
                        prev_end = e
                        continue
                    if len(text) > 60 and _SENTENCE.search(text):
                        zone = ""  # the narrative again (a long label of blank rows is not)
                prev_end = e
                continue
            if zone == "t2" and any(k in text for k in _T3_START):
                zone = ""
            if not t3_done and zone in ("", "t2") and any(k in text for k in _T3_START):
                zone = "t3"
                self._t3_header(text)
            if zone in ("t2", "t3", "t4") and _PROSE_AFTER.match(line, e):
                prev_end = e  # "…申请218件": a number of the narrative, not a table cell
                continue
            if zone == "t2":
                self._t2_row(text, prev_end, s, run, block)
            elif zone == "t3":
                if self._t3_row(text, prev_end, s, run) == "carried_forward":
                    t3_done, zone = True, ""
            elif not t4_done and (zone == "t4" or t3_done) and (
                sum(k in text for k in _T4_HEADER) >= 2 or zone == "t4" and len(_squashed(text)[0]) <= 2
            ):
                # its header (结果维持 … 总计) right before its cells, or no header at all after 四、…
                self._t4_row(text, prev_end, s, run)
                t4_done, zone = True, ""
            prev_end = e

    def _hdr(self, start: int, end: int) -> None:
        seg = self.line[start:end]
        if seg.strip():
            lead = len(seg) - len(seg.lstrip())
            trail = len(seg) - len(seg.rstrip())
            kind = "prose" if len(seg.strip()) > 60 else "text"
            self.pieces.append(_Piece(start + lead, end - trail, "HDR" if kind == "text" else "O", kind, 0.8))

    def _label_piece(self, text: str, base: int, ls: int, label: str, score: float = 0.95) -> _Piece:
        le = len(text.rstrip())
        self._hdr(base, base + ls)
        piece = _Piece(base + ls, base + le, label, "text", score)
        self.pieces.append(piece)
        return piece

    def _t2_row(self, text: str, base: int, rs: int, run: str, block: str) -> None:
        allowed = None
        if block:
            allowed = {f"ROW.t2.{r.key}" for r in schema.T2_BLOCK_BY_KEY[block].rows if self.tpl in r.templates}
        hit = _last_alias(text, "ROW.t2", allowed) or _last_alias(text, "ROW.t2")
        if not hit or _tail_len(text, hit[1]) > 4:
            return
        row = hit[2].split(".")[-1]
        if ("t2", row) in self.seen:
            return  # a row printed again: the decoder keeps the first printing, nothing to split
        self.seen.add(("t2", row))
        blk = schema.T2_ROW_TO_BLOCK[row]
        cols = schema.t2_cols(blk, self.tpl)
        piece = self._label_piece(text, base, hit[0], f"ROW.t2.{row}")
        self.rows.append(_Row("t2", row, cols, rs, run, piece, label_text=self.line[piece.start : piece.end]))

    def _t3_row(self, text: str, base: int, rs: int, run: str) -> str:
        nums = [m.start() for m in _NUMBERING_TOKEN.finditer(text)]
        last = nums[-1] if nums else 0
        hit = _last_alias(text[last:], "ROW.t3", self.t3_allowed)  # the last numbered piece first
        if hit:
            hit = (hit[0] + last, hit[1] + last, hit[2])
        else:
            hit = _last_alias(text, "ROW.t3", self.t3_allowed)
        if not hit or _tail_len(text, hit[1]) > 25:
            hit = self._t3_fuzzy(text, last)
        if not hit:
            return ""
        ls = hit[0]
        for m in _NUMBERING_TOKEN.finditer(text[: hit[0]]):
            if hit[0] - m.end() <= 2:
                ls = m.start()
        key = hit[2][len("ROW.t3.") :]
        if self.tpl != "2021" and key.startswith("other."):
            key = "other"  # 2019 has one (六)其他处理 row; a 2021 report printing it as one row keeps t3.other too
        if ("t3", key) in self.seen:
            return key  # printed again: only the first printing becomes cells (as in the decoder)
        self.seen.add(("t3", key))
        piece = self._label_piece(text, base, ls, f"ROW.t3.{key}")
        self.rows.append(_Row("t3", key, self.t3_cols, rs, run, piece))
        return key

    def _t3_header(self, text: str) -> None:
        """A 小计 (subtotal of the five organisation columns) in the header adds a column: after 其他, or
        right after 法人或其他组织 when printed before 商业企业."""
        sub = text.find("小计")
        if sub >= 0:
            com = text.find("商业")
            self.t3_cols = schema.T3_COL_KEYS[:1] + ("subtotal",) + schema.T3_COL_KEYS[1:] if 0 <= sub < com \
                else schema.T3_COL_KEYS[:6] + ("subtotal",) + schema.T3_COL_KEYS[6:]

    def _t3_fuzzy(self, text: str, last: int) -> tuple[int, int, str] | None:
        """The last numbered piece of ``text`` as a table-3 row label no alias names exactly: （七）合计 is
        总计; a garbled label ("予以公幵") by its similarity to the aliases."""
        piece = text[last:].strip()
        if not piece or len(piece) > 60:
            return None
        start = last + len(text[last:]) - len(text[last:].lstrip())
        end = len(text.rstrip())
        if schema.squash(piece) == "合计":
            return start, end, "ROW.t3.total_processed"
        lab, sc = schema.match_label(piece, "ROW.t3")
        if sc >= 0.75 and lab in self.t3_allowed:
            return start, end, lab
        return None

    def _t4_row(self, text: str, base: int, rs: int, run: str) -> None:
        self._hdr(base, base + len(text))
        self.rows.append(_Row("t4", "", schema.T4_CELL_COLS, rs, run, None))

    @staticmethod
    def _legacy_table_starts(text: str) -> bool:
        """The text before a run opens a 统计表: 统计表 followed by header words, or 统计指标 / 指标名称."""
        if "统计指标" in text or "指标名称" in text or _LEGACY_HEAD_PAIR.search(text):
            return True
        i = text.rfind("统计表")
        return i >= 0 and bool(_LEGACY_HEAD_WORDS.search(text, i, i + 40))

    def _legacy_header(self, text: str) -> tuple[tuple[int, int], bool]:
        head = text[text.rfind("统计表") + 3 :] if "统计表" in text else text
        head = _SPACED_CJK.sub("", head)  # "统 计 指 标 单位 统计数": a spaced-out header word is still one
        label_col = max(head.rfind("指标"), head.rfind("项目"))
        if label_col >= 0:  # "(2017年度) 报送单位:… 指标 单位 统计数": the columns are those after 指标
            head = head[label_col:]
        value_cols: list[str] = []
        for m in _LEGACY_HEADER.finditer(head):
            w = m.group()
            if "累计" in w:
                value_cols.append("cum")
            elif w == "统计数" or re.match(r"\d{4}", w):
                value_cols.append("year")
        n = max(1, len(value_cols))
        col = value_cols.index("year") if "year" in value_cols else 0
        return (n, col), "单位" in head

    def _legacy_row(self, text: str, base: int, rs: int, run: str, cols: tuple[int, int], unit: bool, first: bool) -> bool:
        label_start = text.rfind("统计表") + 3 if "统计表" in text else 0
        if first:  # the first row's text holds the header: 指标名称 计量单位 2017年度 历年累计
            label_col = [m.start() for m in _LABEL_COL.finditer(text)]  # "指标", or spaced out "指 标"
            label_start = max(label_start, label_col[-1] if label_col else -1)
            while True:
                m = _LEGACY_HEADER.match(text, _skip_spaces(text, label_start))
                if not m:
                    break
                label_start = m.end()
        if unit:  # rows printed blank before this one ("…公开数 条 2.政府网站…数 条 "): their labels are not this row's
            ends = [m.end() for m in _BLANK_ROW_END.finditer(text, label_start)]
            if ends:
                label_start = ends[-1]
        body = text[label_start:].rstrip()
        unit_text = ""
        if unit:
            for u in _LEGACY_UNITS:
                if body.endswith(u) and len(body) > len(u) + 1:
                    unit_text = u
                    break
        label = body[: len(body) - len(unit_text)].strip()
        if not unit_text and not any(ch.isdigit() for ch in run):
            return False  # a group row ("一、主动公开情况 —— ——"): no unit, no value
        if not label or len(label) > 400 or not _CJK.search(label) or len(self.rows) >= MAX_LEGACY_ROWS:
            return False  # (a long label may still end in this row's numbered label: cut below)
        if label.endswith(":") or _FORM_FIELD.search(label):
            return False  # the form's footer (填报人: … 联系电话: 6840…), not a row
        # a group heading before a numbered sub-row ("一、主动公开情况(一)…") stays a header
        toks = [m for m in _NUMBERING_TOKEN.finditer(label) if m.start() > 0]
        lead = len(text[label_start:]) - len(text[label_start:].lstrip())
        lstart = label_start + lead
        if toks:
            cut = toks[-1].start()
            pre = label[:cut]
            if not pre.endswith(("其中:", "其中")):
                lstart += cut
                label = label[cut:]
        if len(label) > 60:
            return False
        self._hdr(base, base + lstart)
        piece = _Piece(base + lstart, base + lstart + len(label), "ROW.legacy", "text", 0.9)
        self.pieces.append(piece)
        if unit_text:
            us = base + len(text.rstrip()) - len(unit_text)
            self.pieces.append(_Piece(us, us + len(unit_text), "UNIT", "text", 0.9))
        ncols, vcol = cols
        row = _Row("legacy", label, tuple(f"c{i}" for i in range(ncols)), rs, run, piece, value_col=vcol)
        self.rows.append(row)
        return True

    # -- splitting -------------------------------------------------------------------------------
    def split_rows(self) -> None:
        """Candidate splits for every row."""
        # a report that prints spaces between its cells (most multi-cell runs have them) never glues
        # two cells into one chunk: "2318" beside a blank column is one cell, not 23 | 18
        multi = [r for r in self.rows if len(r.cols) > 1]
        self.whole_chunks = bool(multi) and sum(" " in r.run for r in multi) >= 0.5 * len(multi)
        for row in self.rows:
            if row.table == "t3":
                cols = row.cols
                groups = ((tuple(i for i, c in enumerate(cols) if c in schema.T3_APPLICANT_COLS), cols.index("total")),)
                row.cands, row.exact = self._split_any(row, groups, t3_prior, MAX_DIGITS["t3"])
                if "subtotal" in cols and row.exact:  # and the 小计 is the sum of the five organisations
                    si, orgs = cols.index("subtotal"), [i for i, c in enumerate(cols) if c in schema.T3_APPLICANT_COLS[1:]]
                    held = [c for c in row.cands if len(c.spans) == len(cols)
                            and abs(c.numbers()[si] - sum(c.numbers()[i] for i in orgs)) < 1e-9]
                    row.cands, row.exact = (held, True) if held else (row.cands, False)
            elif row.table == "t4":
                groups = tuple((tuple(range(g * 5, g * 5 + 4)), g * 5 + 4) for g in range(3))
                row.cands, row.exact = self._split_any(row, groups, t4_prior, MAX_DIGITS["t4"])
            elif row.table == "t2":
                row.cands, _ = self._split_any(row, (), t2_prior, MAX_DIGITS["t2"])
                row.cands = self._rescore_t2(row)
            else:
                row.cands, _ = self._split_any(row, (), legacy_prior, MAX_DIGITS["legacy"])
                row.cands = self._rescore_legacy(row)

    def _split_any(
        self, row: _Row, groups: tuple[tuple[tuple[int, ...], int], ...], prior: PriorFn, max_digits: int
    ) -> tuple[list[Split], bool]:
        """Full rows first; a run too short (or only shorter splits holding the identity) gives fewer cells."""
        wc = self.whole_chunks
        cands, exact = split_run(row.run, row.cols, groups, prior, max_digits, whole_chunks=wc)
        if cands and (exact or not groups):
            return cands, exact
        if row.table == "t3":  # blanks lost: k cells whose last is the total of the others
            for k in range(len(row.cols) - 1, 1, -1):
                cols = tuple(row.cols[:k - 1]) + ("total",)
                short, ok = split_run(row.run, cols, ((tuple(range(k - 1)), k - 1),), prior, max_digits, whole_chunks=wc)
                if ok and short:
                    return short, False
        if cands:
            return cands, False
        for k in range(len(row.cols) - 1, 0, -1):
            short, _ = split_run(row.run, row.cols[:k], (), prior, max_digits, whole_chunks=wc)
            if short:
                return short, False
        return [], False

    def _narrative_hits(self, texts: tuple[str, ...], label: str) -> int:
        """Evidence from the narrative: for each cell whose value it prints with a count word just after
        words of the row's label ("制发行政规范性文件62件" for 行政规范性文件), the cell's length less one
        (a two-digit match happens by chance far more often than a four-digit one)."""
        grams = _bigrams(label)
        hits = 0
        for t in texts:
            if len(t) >= 2 and any(len(grams & _bigrams(ctx)) >= 2 for ctx in self.narrative.get(t, ())):
                hits += len(t) - 1
        return hits

    def _rescore_t2(self, row: _Row) -> list[Split]:
        out = []
        for c in row.cands:
            hits = self._narrative_hits(c.texts, row.label_text)
            sc = c.score + NARRATIVE_BONUS * hits
            vals = dict(zip(row.cols, c.numbers(), strict=False))
            for small, big in (("issued", "in_force"), ("new_published", "total_published"), ("new_made", "total_published"), ("repealed", "in_force")):
                if small in vals and big in vals and vals[big] < vals[small]:
                    sc -= 1.0
            if "items" in vals and "amount" in vals and vals["items"] > 0:
                amount = vals["amount"] * (10000 if "万元" in c.texts[-1] else 1)
                # a procurement project costs about 10^5.5 元 (a few hundred thousand), give or take
                sc -= 1.5 * abs(math.log10(max(amount, 1.0) / vals["items"]) - 5.5)
            out.append(Split(sc, c.spans, c.texts, hits))
        out.sort(key=lambda x: -x.score)
        return out

    def _rescore_legacy(self, row: _Row) -> list[Split]:
        out = []
        for c in row.cands:
            hits = self._narrative_hits(c.texts[row.value_col : row.value_col + 1], row.key)
            sc = c.score + NARRATIVE_BONUS * hits
            nums = c.numbers()
            if len(nums) > 1 and row.value_col == 0 and nums[1] < nums[0]:
                sc -= 2.0  # the cumulative column holds at least the year's
            out.append(Split(sc, c.spans, c.texts, hits))
        out.sort(key=lambda x: -x.score)
        return out

    def _legacy_groups(self) -> list[tuple[_Row, list[_Row]]]:
        """(parent, sub-rows) of the legacy table: a row labelled 其中… and the numbered rows after it."""
        rows = [r for r in self.rows if r.table == "legacy" and r.cands]
        out: list[tuple[_Row, list[_Row]]] = []
        i = 1
        while i < len(rows):
            # "其中:1、…" then "2、…": a partition of the row above ("其中:…" alone is only a part of it)
            if re.match(r"其中[:：]?\s*1[、.]", rows[i].key) and not rows[i - 1].key.startswith("其中"):
                kids = [rows[i]]
                j = i + 1
                while j < len(rows) and re.match(r"\d{1,2}[、.]", rows[j].key):
                    kids.append(rows[j])
                    j += 1
                if len(kids) >= 2:
                    out.append((rows[i - 1], kids))
                i = j
            else:
                i += 1
        return out

    def choose(self) -> list[tuple[_Row, Split | None, set[int]]]:
        """One split per row (table 3 jointly by its column identities) and the ambiguous cell indices."""
        from ogi.decode import column_score

        choice = {id(r): 0 for r in self.rows}
        seen: set[str] = set()
        t3 = []  # the first printing of each full table-3 row (the decoder keeps the first too)
        for r in self.rows:
            if r.table == "t3" and r.cands and len(r.cands[0].spans) == len(r.cols) and r.key not in seen:
                seen.add(r.key)
                t3.append(r)

        def vec(r: _Row, i: int) -> tuple[float, ...]:
            return tuple(v for c, v in zip(r.cols, r.cands[i].numbers(), strict=True) if c != "subtotal")

        # a 2021 report printing (六)其他处理 as one row sums its leaves as the 2019 template does
        leaf_tpl = "2019" if "other" in seen else self.tpl

        def col_score(r: _Row, i: int) -> float:
            rows = {x.key: vec(x, choice[id(x)]) for x in t3}
            rows[r.key] = vec(r, i)
            return column_score(rows, leaf_tpl)

        for _ in range(3):
            changed = False
            for r in t3:
                if len(r.cands) < 2:
                    continue
                best_i = max(range(len(r.cands)), key=lambda i: (col_score(r, i) + r.cands[i].score, -i))
                if best_i != choice[id(r)]:
                    choice[id(r)], changed = best_i, True
            if not changed:
                break
        # legacy 统计表: the rows under 其中 (1、… 2、…) sum to the row above them, column by column
        groups_of: dict[int, list[tuple[_Row, list[_Row]]]] = {}
        for parent, kids in self._legacy_groups():
            for x in [parent, *kids]:
                groups_of.setdefault(id(x), []).append((parent, kids))

        def leg_score(r: _Row, i: int) -> float:
            def nums(x: _Row) -> tuple[float, ...]:
                return (r.cands[i] if x is r else x.cands[choice[id(x)]]).numbers()

            score = 0.0
            for parent, kids in groups_of.get(id(r), ()):
                pv = nums(parent)
                for c in range(len(pv)):
                    if abs(pv[c] - sum(nums(k)[c] if c < len(nums(k)) else 0.0 for k in kids)) < 1e-9:
                        score += IDENTITY_BONUS
            return score

        legacy_joint = [r for r in self.rows if id(r) in groups_of and r.cands]
        for _ in range(3):
            changed = False
            for r in legacy_joint:
                best_i = max(range(len(r.cands)), key=lambda i: (leg_score(r, i) + r.cands[i].score, -i))
                if best_i != choice[id(r)]:
                    choice[id(r)], changed = best_i, True
            if not changed:
                break
        out: list[tuple[_Row, Split | None, set[int]]] = []
        for r in self.rows:
            if not r.cands:
                out.append((r, None, set()))
                continue
            ci = choice[id(r)]
            best = r.cands[ci]
            if any(r is x for x in t3):
                best_cs = col_score(r, ci)
                equal = [c for i, c in enumerate(r.cands) if i != ci and col_score(r, i) >= best_cs - 1e-9]
            elif id(r) in groups_of:
                best_ls = leg_score(r, ci)
                equal = [c for i, c in enumerate(r.cands)
                         if i != ci and leg_score(r, i) >= best_ls - 1e-9 and c.evidence >= best.evidence]
            else:  # table 4: every candidate holds the group sums (or none does); tables 2 and legacy
                # have no identity, but a split the narrative confirms outranks those it does not
                equal = [c for c in r.cands[1:] if c.evidence >= best.evidence]
            amb: set[int] = set()
            for c in equal:
                if len(c.spans) != len(best.spans):
                    amb = set(range(len(best.spans)))
                    break
                amb |= {i for i, (a, b) in enumerate(zip(best.spans, c.spans, strict=True)) if a != b}
            if r.table in ("t2", "t3", "t4") and len(best.spans) < len(r.cols):
                amb = set(range(len(best.spans)))  # the decoder places them; it marks them too
            out.append((r, best, amb))
        return out


_GENERIC_BIGRAMS = frozenset({"政府", "府信", "信息", "息公", "公开", "数量", "情况"})


def _bigrams(text: str) -> set[str]:
    s = _squashed(text)[0]
    return {s[i : i + 2] for i in range(len(s) - 1)} - _GENERIC_BIGRAMS


def _narrative_numbers(text: str) -> dict[str, list[str]]:
    """Numbers the text prints with a count word ("2122条"), each with the 24 characters before it."""
    out: dict[str, list[str]] = {}
    for m in _COUNT_UNIT.finditer(text):
        ctx = out.setdefault(m.group(1), [])
        if len(ctx) < 8:
            ctx.append(text[max(0, m.start() - 24) : m.start()])
    return out


def segment_line(doc: Document, line: str, base: int, line_index: int) -> list[Segment]:
    """Segments of one running-text line (``line`` starts at ``base`` in ``doc.text``, on 0-based line
    ``line_index``; a caller passing several lines joined by spaces gets each segment's own line).

    Records each segment's label in ``doc.meta["fixed_tags"]`` (keyed by its (start, end)) and the
    starts of values whose column the text cannot decide in ``doc.meta["glued_ambiguous"]``.
    """
    template = doc.template if doc.template != "unknown" else detect_template(doc.text, detect_year(doc.text))
    reader = _Reader(line, template, _narrative_numbers(line))
    reader.read()
    reader.split_rows()
    pieces = list(reader.pieces)
    ambiguous: set[int] = doc.meta.setdefault("glued_ambiguous", set())
    for row, split, amb in reader.choose():
        if split is None:
            continue
        for i, ((a, b), text) in enumerate(zip(split.spans, split.texts, strict=True)):
            s = row.run_start + a
            if row.table == "legacy":
                label = "VAL.legacy" if i == row.value_col else "O"
            elif row.table == "t2":
                label = f"VAL.t2.{row.cols[i]}" if i < len(row.cols) else "O"
            elif row.table == "t3":
                full = len(split.spans) == len(row.cols)
                label = "O" if full and row.cols[i] == "subtotal" else f"VAL.t3.{row.cols[i]}" if full else "VAL.t3.total"
            else:
                label = f"VAL.t4.{row.cols[i]}"
            pieces.append(_Piece(s, row.run_start + b, label, "num", 0.95 if i not in amb else 0.6))
            if i in amb:
                ambiguous.add(base + s)
    pieces.sort(key=lambda p: (p.start, p.end))
    fixed: dict[tuple[int, int], Tag] = doc.meta.setdefault("fixed_tags", {})
    segs: list[Segment] = []
    pos = 0
    # a caller may pass several lines of doc.text joined by spaces: each segment keeps its own line
    breaks = [i for i, ch in enumerate(doc.text[base : base + len(line)]) if ch == "\n"]

    def line_of(offset: int) -> int:
        return line_index + bisect.bisect_right(breaks, offset) if breaks else line_index

    def gap(a: int, b: int) -> None:
        chunk = line[a:b]
        if chunk.strip():
            lead = len(chunk) - len(chunk.lstrip())
            t = chunk.strip()
            s = base + a + lead
            kind = "prose" if len(t) > 40 or not t else "text"
            segs.append(Segment(t, s, s + len(t), line_of(a + lead), kind, sep="glued"))
            fixed[(s, s + len(t))] = Tag("O", 0.9, SOURCE)

    for p in pieces:
        if p.start < pos:
            continue  # overlapping pieces: the first wins
        gap(pos, p.start)
        s, e = base + p.start, base + p.end
        segs.append(Segment(line[p.start : p.end], s, e, line_of(p.start), p.kind, sep="glued"))
        fixed[(s, e)] = Tag(p.label, p.score, SOURCE)
        pos = p.end
    gap(pos, len(line))
    return segs
