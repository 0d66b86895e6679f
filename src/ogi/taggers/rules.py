"""The rule tagger: a state machine over segments driven by the schema's aliases.

It tracks the section, the table (t2/t3/t4/legacy), the table-2 block and the current row, and
labels each segment. Its guards keep table rows such as "一、本年新收…", "四、结转下年度继续办理" and the
legacy 统计表's "一、主动公开情况" from being read as sections: a template section heading needs its
numeral to match its title (四 for 复议/诉讼) and to come after the previous section.
"""

from __future__ import annotations

import re
from typing import ClassVar

from ogi import schema
from ogi.context import detect_template, detect_year
from ogi.data import Document, Segment, Tag
from ogi.taggers.base import Tagger

_T3_START = ("勾稽", "申请人情况")
_LEGACY_TABLE = ("统计表", "统计指标", "指标名称")
# header cells of the legacy 统计表: the year column (统计数, "2017年度", even a wrong year) holds the
# values; 历年累计 (cumulative) is not a cell
_LEGACY_YEAR_COL = re.compile(r"^(?:统计数|本年度?|本期|[(（]?(?:19|20)\d\d年?度?[)）]?(?:统计数|数据)?)$")
_LEGACY_CUM_COL = re.compile(r"^(?:历年)?累计(?:数)?$")
_PLACEHOLDER_UNITS = {"——", "—", "-", "/"}  # a unit cell printed blank: not a unit
_LEGACY_HEADERS = ("统计指标", "指标名称", "指标", "项目", "单位", "计量单位", "统计数")
_UNITS = {"件", "条", "次", "个", "人", "人次", "万元", "元", "篇", "项", "家", "期", "场", "份", "——", "—", "-", "/"}
_GROUPS = {alias: key for key, aliases in schema.T3_GROUP_HEADINGS for alias in aliases}
_NUM_HEAD = re.compile(r"^[一二三四五六七八九十]{1,3}[、.．]$")


def _is_group_heading(text: str, template: str) -> bool:
    s = schema.squash(text)
    if s in _GROUPS:
        return s != "其他处理" or template == "2021"
    return False


class RuleState:
    """What the rule tagger knows at a point of the document."""

    def __init__(self, template: str) -> None:
        self.template = template
        self.section = 0  # number of the last section heading
        self.table = ""  # "", t2, t3, t4, legacy
        self.block = ""
        self.row = ""
        self.nvals = 0
        self.t3_rows = False
        self.t4_vals = 0
        self.last_val_line = -2  # line of the current row's last value (cell-per-line layouts)
        self.sec_offset: int | None = None
        self.legacy_unit = False  # the current legacy row's unit cell was seen
        self.legacy_vcol = -1  # pipe layout: the cell index of the legacy table's year column
        self.legacy_ccol = -1  # and of its 历年累计 column  # printed numeral minus section number, once a report renumbered


class RuleTagger(Tagger):
    """Labels segments with the schema's aliases and a table state machine (``source: "rules"``)."""

    name: ClassVar[str] = "rules"
    version = "1"

    def __init__(self) -> None:
        self._last: tuple[list[Segment], str, list[Tag], list[tuple[str, int]]] | None = None

    def predict(self, docs: list[Document]) -> list[list[Tag]]:
        return [self.predict_one(doc) for doc in docs]

    def predict_one(self, doc: Document) -> list[Tag]:
        """Tags for one document (its template is detected when not yet set)."""
        return self.predict_with_state(doc)[0]

    def predict_with_state(self, doc: Document) -> tuple[list[Tag], list[tuple[str, int]]]:
        """Tags plus, per segment, the (table, section number) the state machine was in after it.

        Pure: the document is not changed (a document whose context was not detected yet is read with
        the template ``detect_template`` would give). The last result is kept on the tagger, keyed by
        the identity of the document's segment list, because the CRF's features and the fallback both ask.
        """
        template = doc.template
        if template == "unknown" and doc.year is None:
            template = detect_template(doc.text, detect_year(doc.text))
        last = self._last
        if last is not None and last[0] is doc.segments and last[1] == template:
            return last[2], last[3]
        st = RuleState(template)
        tags: list[Tag] = []
        states: list[tuple[str, int]] = []
        for seg in doc.segments:
            tags.append(Tag(*self._label(seg, st), "rules"))
            states.append((st.table, st.section))
        self._last = (doc.segments, template, tags, states)
        return tags, states

    # ------------------------------------------------------------------------------------------
    def _label(self, seg: Segment, st: RuleState) -> tuple[str, float]:
        if seg.kind in ("prose", "noise"):
            return "O", 0.99
        text = seg.text
        if seg.kind == "text" and seg.cell == 0:
            sec = self._section(text, seg, st)
            if sec:
                return sec
            bare = st.table == "t2" and text.startswith("第") and text.endswith("项") and len(text) <= 8
            block = schema.match_block(text) if "二十条" in text or "第二十" in text or bare else ""
            if block:
                st.table, st.block, st.row = "t2", block, ""
                return f"BLK.{block}", 0.97
        if st.template == "legacy":
            return self._legacy(seg, st)
        if seg.kind == "text":
            if any(k in text for k in _T3_START) and st.table != "t4":
                st.table, st.row, st.t3_rows = "t3", "", False
                return "HDR", 0.9
            if st.table in ("", "t2") and st.section >= 3 or st.table == "t3" or (st.table == "" and st.section == 0):
                lab, sc = schema.match_label(text, "ROW.t3")
                if lab == "ROW.t3.new_received" and sc >= 0.85:
                    st.table, st.t3_rows = "t3", True
            if st.table != "t4" and st.section == 4 and seg.kind == "text":
                lab, sc = schema.match_label(text, "COL.t4")
                if sc >= 0.85:
                    st.table, st.t4_vals = "t4", 0
        if st.table == "t2":
            return self._t2(seg, st)
        if st.table == "t3":
            return self._t3(seg, st)
        if st.table == "t4":
            return self._t4(seg, st)
        return "O", 0.9

    def _section(self, text: str, seg: Segment, st: RuleState) -> tuple[str, float] | None:
        n, title = schema.section_numeral(text)
        if seg.n_cells > 1 and seg.sep != "pipe":
            return None
        if n is None or not title:
            return self._unnumbered_section(text, seg, st)
        if st.template == "legacy":
            # in printed order; one heading may have been missed (a wrapped or garbled one)
            if st.table == "legacy" or not st.section < n <= st.section + 2 or len(title) > 40 or seg.n_cells > 1:
                return None
            st.section = n
            if "统计表" in title:  # "六、政府信息公开情况统计表": the heading opens the table
                st.table, st.row = "legacy", ""
            return "SEC.legacy", 0.9
        key = schema.match_section(title)
        fkey, fsim = schema.section_title_similarity(title)
        if not key and fsim >= 0.7:
            key = fkey  # a typo in the title ("总休情况")
        if not key:
            return None
        k = int(key[1])
        if k <= st.section:
            return None
        if k != n:
            # a renumbered heading ("一、主动公开政府信息情况" after a narrative 一..六): its whole title
            # must match, or its numeral must be shifted as the previous renumbered heading's was
            if not (fkey == key and fsim >= 0.9) and n - k != st.sec_offset:
                return None
            st.sec_offset = n - k
        # a table-3 row that happens to share words with a section title stays a row
        _, sc = schema.match_label(title, "ROW.t3")
        if sc >= 0.9:
            return None
        st.section, st.table, st.block, st.row = k, "", "", ""
        return f"SEC.{key}", 0.97 if k == n else 0.9

    @staticmethod
    def _unnumbered_section(text: str, seg: Segment, st: RuleState) -> tuple[str, float] | None:
        """A template section whose numbered heading is missing: its whole title printed bare
        ("其他需要报告的事项"), or, inside section 四 (a table only), a first subheading "（一）主要问题"."""
        if st.template == "legacy" or seg.kind != "text" or seg.n_cells > 1:
            return None
        s = schema.squash(text)
        if not 2 <= len(s) <= 24:
            return None
        fkey, fsim = schema.section_title_similarity(s)
        bare = schema.strip_numbering(text).strip() == text.strip()  # "(一)主动公开…" is a subsection of 一
        if bare and fkey and fsim >= 0.9 and int(fkey[1]) > st.section and st.section >= 1:
            k = int(fkey[1])
            st.section, st.table, st.block, st.row = k, "", "", ""
            return f"SEC.{fkey}", 0.8
        if st.section == 4 and re.match(r"^\s*(?:[(（]一[)）]|1[.、．])?\s*(?:存在的?)?(?:主要)?问题", text):
            st.section, st.table, st.block, st.row = 5, "", "", ""
            return "SEC.s5", 0.7
        return None

    @staticmethod
    def _row_value(st: RuleState, table: str, cols: tuple[str, ...], seg: Segment | None = None) -> tuple[str, float]:
        """The next value of the current row, labelled with the column its position names.

        A value past the last column, alone on the line right after the row's previous value, may be
        the second half of a number a cell-per-line rendering wrapped ("1" / "208"): it stays in the
        row (labelled as the last column) for the decoder's arithmetic to rejoin or drop.
        """
        if not st.row:
            return "O", 0.6
        line = seg.line if seg is not None and seg.sep == "line" else -2
        prev, st.last_val_line = st.last_val_line, line
        if st.nvals < len(cols):
            col = cols[st.nvals]
            st.nvals += 1
            return f"VAL.{table}.{col}", 0.9
        if line >= 0 and prev == line - 1 and seg is not None and re.fullmatch(r"\d{1,4}", seg.text):
            return f"VAL.{table}.{cols[-1]}", 0.55
        return "O", 0.5

    def _t2(self, seg: Segment, st: RuleState) -> tuple[str, float]:
        if seg.kind == "num":
            return self._row_value(st, "t2", schema.t2_cols(st.block, st.template), seg)
        s = schema.squash(seg.text)
        if s == "信息内容":
            return "HDR", 0.95
        lab, sc = schema.match_label(seg.text, "ROW.t2")
        if sc >= 0.8:
            st.row, st.nvals = lab.split(".")[-1], 0
            # a row printed away from its block header (a conversion moved 第（一）项's rows after 第（八）项)
            # takes its own block's columns
            st.block = schema.T2_ROW_TO_BLOCK.get(st.row, st.block)
            return lab, sc
        lab, sc = schema.match_label(seg.text, "COL.t2")
        if sc >= 0.75:
            return lab, sc
        return "HDR" if len(s) <= 12 else "O", 0.5

    def _t3(self, seg: Segment, st: RuleState) -> tuple[str, float]:
        if seg.kind == "num":
            return self._row_value(st, "t3", schema.T3_COL_KEYS, seg)
        text = seg.text
        s = schema.squash(text)
        if _is_group_heading(text, st.template) or _NUM_HEAD.match(text.strip()) or s in ("法人或其他组织", "申请人情况"):
            return "HDR", 0.9
        if not st.t3_rows:
            lab, sc = schema.match_label(text, "COL.t3")
            if sc >= 0.8 and not (lab == "COL.t3.total" and text.strip().startswith(("(", "（"))):
                return lab, sc
        lab, sc = schema.match_label(text, "ROW.t3")
        if sc >= 0.7:
            key = lab[len("ROW.t3.") :]
            if st.template == "2021" and key == "other":
                return "HDR", 0.8
            if st.template != "2021" and key.startswith("other."):
                key = "other"
            if key == "other.other" and not st.t3_rows:
                return "COL.t3.other_org", 0.7
            st.t3_rows, st.row, st.nvals = True, key, 0
            return f"ROW.t3.{key}", sc
        return ("HDR" if len(s) <= 14 else "O"), 0.5

    def _t4(self, seg: Segment, st: RuleState) -> tuple[str, float]:
        if seg.kind == "num":
            if st.t4_vals < len(schema.T4_CELL_COLS):
                col = schema.T4_CELL_COLS[st.t4_vals]
                st.t4_vals += 1
                return f"VAL.t4.{col}", 0.9
            return "O", 0.5
        s = schema.squash(seg.text)
        if s == "行政诉讼":
            return "HDR", 0.95
        lab, sc = schema.match_label(seg.text, "COL.t4")
        if sc >= 0.8:
            return lab, sc
        return "HDR" if len(s) <= 6 else "O", 0.5

    def _legacy(self, seg: Segment, st: RuleState) -> tuple[str, float]:
        text = seg.text
        if st.table != "legacy":
            squashed = text.replace(" ", "")
            if any(k in squashed for k in _LEGACY_TABLE) or squashed in ("指标", "计量单位", "历年累计") or squashed.startswith("附表"):
                st.table = "legacy"
                return "HDR", 0.9
            return "O", 0.9
        s = text.replace(" ", "")
        if seg.kind == "text" and (_LEGACY_YEAR_COL.match(s) or _LEGACY_CUM_COL.match(s)):
            if seg.sep == "pipe":
                if _LEGACY_CUM_COL.match(s):
                    st.legacy_ccol = seg.cell
                else:
                    st.legacy_vcol = seg.cell
            if s.startswith("统计数") or _LEGACY_CUM_COL.match(s):
                return "HDR", 0.95
            return "O", 0.9
        if s in _LEGACY_HEADERS:
            return "HDR", 0.95
        if "统计表" in s or s.startswith(("填报单位", "附表")):
            return "O", 0.9
        if seg.sep == "pipe" and seg.cell >= 1:
            if seg.cell == 1 and (s in _UNITS or seg.kind == "text" and len(s) <= 3):
                return "UNIT", 0.9
            if seg.kind == "num" and st.row and st.nvals == 0:
                if st.legacy_vcol >= 1 and seg.cell != st.legacy_vcol:
                    return "O", 0.8  # a 历年累计 or other column, not the year's value
                st.nvals = 1
                return "VAL.legacy", 0.9
            return "O", 0.5
        if seg.kind == "num":
            if st.row and st.nvals == 0 and (s not in _UNITS or st.legacy_unit):
                # a placeholder ("/", "—") after the row's unit (件, 条 …) is the year column printed blank
                st.nvals = 1
                return "VAL.legacy", 0.8
            if s in _UNITS:
                return "UNIT", 0.5
            return "O", 0.5
        if s in _UNITS:
            st.legacy_unit = s not in _PLACEHOLDER_UNITS
            return "UNIT", 0.8
        if seg.cell == 0 and len(s) <= 60 and not re.search(r"(负责人|审核人|填报|联系电话|日期)", s):
            st.row, st.nvals, st.legacy_unit = text, 0, False
            return "ROW.legacy", 0.85
        return "O", 0.6


_SHARED: RuleTagger | None = None


def shared_rules() -> RuleTagger:
    """The process's rule tagger: the CRF's features and the fallback use one instance, so the rule
    tags of a document are computed once (its result cache holds the last document)."""
    global _SHARED
    if _SHARED is None:
        _SHARED = RuleTagger()
    return _SHARED
