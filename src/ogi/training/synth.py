"""Synthetic annotated reports in the layout families seen in the wild (DOMAIN.md), with exact gold spans.

``generate(count, seed)`` builds whole reports (a title, the six template sections of the 2019 or
2021 template with tables 2–4, or a legacy report with free-form sections and maybe a 统计表), then
renders each in one layout family (``LAYOUTS``) and applies augmentation families (``FAMILIES``).
The text is built piece by piece, each piece converted to traditional script on its own, so every
span is exact.

Honest splits: nothing here is copied from the five seeds or the nine real reports. Labels and
headers come from :mod:`ogi.schema` (labels and aliases) and the generic descriptions of
``shared/DOMAIN.md`` and ``shared/SCHEMA.md``; agency names, prose, legacy 统计表 rows, section titles
of legacy reports and every number distribution are invented here (``annotations/README.md`` says
where each vocabulary comes from; ``tests/test_synth.py`` fails if a seed or real report's wording
appears in generated text).

Augmentation families can be switched off, so some are held out of training and measured on
(``HELD_OUT_FAMILIES``): ``generate(..., families=...)`` allows only those, ``force=...`` puts at least
one of those into every report.

Deterministic: one ``random.Random(seed)``, no global state, no time, no set iteration.
Run ``ogi synth --count N --seed S --out FILE.jsonl`` (or ``python -m ogi.training.synth``).
"""

from __future__ import annotations

import argparse
import html
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from random import Random

from ogi.annotations import AnnotatedReport, Span, write_annotations
from ogi.normalize import normalize
from ogi.schema import (
    SECTION_TITLES,
    T2_COLUMNS,
    T3_APPLICANT_COLS,
    T3_COL_KEYS,
    T3_COLUMNS,
    T3_LEAF_ROWS,
    T3_ROW_BY_KEY,
    T4_COL_KEYS,
    T4_COLUMNS,
    T4_GROUP_KEYS,
    T4_GROUPS,
    int_to_cn,
    legacy_key,
    t2_layout,
    t3_rows,
)

log = logging.getLogger(__name__)

#: Layout families. The first seven are the seeds' layouts described in DOMAIN.md; the rest are the
#: real families of DOMAIN.md's "Real layouts beyond the seeds".
LAYOUTS = (
    "cell_per_line", "pipe_rows", "pipe_rows_kept", "cell_pipe_lines", "pdf_space", "html", "glued",
    "oneline_glued", "oneline_spaced", "md_conversion", "pdf_text", "cell_per_line_split", "html_web",
)
TEMPLATES = ("2019", "2021", "legacy")
#: Augmentation families (issue 11.5): each report draws each allowed family with its probability.
FAMILIES = ("paraphrase", "ocr", "traditional", "heji", "guifan_dangan", "no_header", "wrap_labels",
            "footers", "widths")
FAMILY_RATE = {"paraphrase": 0.3, "ocr": 0.15, "traditional": 0.2, "heji": 0.15, "guifan_dangan": 0.1,
               "no_header": 0.12, "wrap_labels": 0.15, "footers": 0.3, "widths": 0.2}
#: The layouts where a family has an effect (absent: every layout).
FAMILY_LAYOUTS = {
    "wrap_labels": ("pdf_space", "pdf_text", "glued"),
    "widths": ("pipe_rows_kept", "pdf_space", "pdf_text"),
    "footers": ("cell_per_line", "pipe_rows", "pipe_rows_kept", "cell_pipe_lines", "pdf_space", "pdf_text", "glued",
                "cell_per_line_split"),
}
#: Families kept out of the committed training corpus and measured on (annotations/synthetic-heldout.jsonl).
HELD_OUT_FAMILIES = ("ocr", "no_header", "widths")

_FULLWIDTH = str.maketrans("0123456789.-", "０１２３４５６７８９．－")
# OCR-like look-alike swaps (issue 11.3 names the first four).
OCR_SWAPS = {"处": "外", "开": "幵", "采": "釆", "复": "夏", "己": "已", "未": "末", "日": "曰", "力": "刀"}
_LINE_LAYOUTS = ("pdf_space", "pdf_text", "glued")


@lru_cache(maxsize=1)
def _s2t_conv():
    import opencc

    return opencc.OpenCC("s2t")


@lru_cache(maxsize=1 << 16)
def s2t(text: str) -> str:
    """Traditional script of ``text`` (OpenCC s2t, same length for the vocabulary used here)."""
    return _s2t_conv().convert(text) if text else text


# ---------------------------------------------------------------------------------------------
# Abstract document
# ---------------------------------------------------------------------------------------------

@dataclass
class GridCell:
    """A cell of a rendered table grid (not ``ogi.data.Cell``, a decoded cell). ``kind``: "hdr" (header furniture / column header), "row" (row label), "val", "unit"."""

    text: str
    label: str | None = None
    kind: str = "hdr"
    rowspan: int = 1
    colspan: int = 1
    drop: bool = False  # not printed at all, no position kept
    aux: bool = False  # printed but not a cell of the schema (subtotal, 历年累计)

    @property
    def blank(self) -> bool:
        return not self.text


@dataclass
class Table:
    """Rows of cells; ``header_rows`` rows of column headers first; ``name`` t2/t3/t4/legacy/meta."""

    rows: list[list[GridCell]]
    header_rows: int = 0
    name: str = ""


@dataclass
class Style:
    """Everything drawn once per report that changes how it is printed."""

    layout: str
    families: frozenset[str]
    blank_policy: str  # keep | drop | slash | dash
    zero_blank: float  # probability that a zero is printed blank
    junk: bool
    fullwidth: bool
    crlf: bool
    ascii_parens: bool
    subtotal: bool
    extra_rows: bool
    trunc_headers: bool
    typos: bool
    break_headers: bool
    vertical: bool
    wrap: int
    numbers_first: float = 0.0  # pdf_text: share of rows printed numbers-before-label
    split_rate: float = 0.0  # cell_per_line_split: share of labels / numbers split over lines
    md_mode: str = ""  # md_conversion: subtables | detached | plain
    md_headings: bool = True
    renumber: bool = False  # narrative 一..N, then the template part renumbered from 一
    drop_s5_heading: bool = False
    blank_orgs: bool = False  # html_web: the five 法人 columns blank (not 0) throughout
    legacy_cumulative: bool = False
    collapse: bool = False  # cell_per_line_split: runs of identical value lines printed once
    drop_blank_rate: float | None = None
    page: int = 1
    org: str = ""
    date: str = ""
    widths: list[int] = field(default_factory=list)

    @property
    def trad(self) -> bool:
        return "traditional" in self.families

    def has(self, family: str) -> bool:
        return family in self.families


Item = tuple  # ("title", text) | ("heading", text, label|None) | ("sub", text, label|None) | ("para", text) | ("line", text) | ("table", Table)


# ---------------------------------------------------------------------------------------------
# Vocabulary (invented here, or from ogi.schema / DOMAIN.md / SCHEMA.md: see annotations/README.md)
# ---------------------------------------------------------------------------------------------

# Invented place names: two made-up syllables and an administrative suffix.
_PLACE_A = "澄岚枫汀栖璞沅鹤瑶溪槐岫泊麓蓉桐"
_PLACE_B = "川阳宁源陵浦江平山湾泽城州屿原"
_PLACE_KIND = ("市", "县", "区", "市新城区", "县城关镇", "市高新区", "经济开发区")
_BODIES = ("人民政府", "人民政府办公室", "财政局", "教育局", "自然资源和规划局", "生态环境分局", "卫生健康局",
           "住房和城乡建设局", "街道办事处", "市场监督管理局", "民政局", "交通运输局", "水利局", "医疗保障局",
           "文化和旅游局", "农业农村局", "退役军人事务局", "应急管理局", "司法局", "统计局")

# Invented prose: {org} {year} {n} {m} {k} are filled in; every sentence is our own wording.
SENTENCES = (
    "{year}年，{org}把政务公开列入年度重点任务清单，由主要负责同志牵头，分管领导具体抓落实。",
    "本年度在门户网站发布各类政务信息{n}条，较上年有所增长，其中涉及民生领域的信息{m}条。",
    "对拟公开的文件逐件开展保密和合法性审查，未发生因公开不当引发的舆情事件。",
    "围绕群众办事的堵点，梳理更新办事指南{m}项，做到一次告知、一表申请。",
    "结合机构职能调整，及时清理失效文件{k}批次，公开目录保持动态更新。",
    "依托政务服务大厅设置政务公开专区，配备查阅终端{k}台，方便群众就近查询。",
    "针对申请人的实际诉求，办理前主动电话沟通，帮助其准确描述所需信息。",
    "组织业务骨干参加专题学习{k}场，覆盖工作人员{m}人次，业务能力明显提升。",
    "通过图解、短视频、问答等形式推出政策解读产品{m}件，解读内容通俗易懂。",
    "定期开展网站内容巡检，发现并整改错别字、空白栏目等问题{k}处。",
    "全年受理公开申请{m}件，全部在法定时限内作出答复，未出现逾期情况。",
    "主动公开财政预决算、重大项目审批和公共资源配置等信息，接受社会监督。",
    "建立政务公开联络员队伍，每季度通报各单位信息发布数量和质量。",
    "开展政府开放日活动{k}次，邀请市民代表走进机关，面对面听取意见建议。",
    "对照年度工作要点逐项核查进展，形成问题清单并明确整改时限。",
    "部分单位对公开属性的认定还不够精准，个别栏目更新频率偏低。",
    "信息公开的主动性仍有欠缺，解读材料与文件同步发布的比例有待提高。",
    "下一步将完善发布审核流程，加大培训和考核力度，推动公开工作再上台阶。",
    "本年度没有向申请人收取任何费用，也未发生减免事项。",
    "全年共召开新闻发布会{k}场，发布权威信息，及时回应社会关注的热点问题。",
    "做好人大代表建议和政协提案办理结果公开，共公开答复全文{m}件。",
    "持续优化政务新媒体账号运维，发布原创稿件{m}篇，累计阅读量约{n}次。",
    "按照档案管理要求，将依申请公开办理材料一案一档归档保存。",
    "强化保障，落实专项经费，确保公开平台稳定运行、数据安全可靠。",
)
S1_SUBS = ("（一）主动公开方面", "（二）依申请公开方面", "（三）信息管理方面", "（四）平台建设方面",
           "（五）监督保障方面", "（六）队伍建设方面")
S1_SUBS_LONG = ("（一）压实工作责任，健全推进机制", "（二）聚焦重点领域，扩大公开范围", "（三）规范办理流程，提升答复质量",
                "（四）优化平台功能，增强服务体验", "（五）加强督查考核，确保任务落地")
# Section titles: the schema's, the variants printed in SCHEMA.md, and our own paraphrases that keep
# the schema's keywords (SECTION_KEYWORDS).
SECTION_VARIANTS = {
    "s1": (SECTION_TITLES["s1"], SECTION_TITLES["s1"], "总体公开情况", "总体情况概述", "基本情况"),
    "s2": (SECTION_TITLES["s2"], SECTION_TITLES["s2"], "主动公开政府信息的情况"),
    "s3": (SECTION_TITLES["s3"], SECTION_TITLES["s3"], "收到和办理政府信息公开申请情况"),
    "s4": (SECTION_TITLES["s4"], SECTION_TITLES["s4"], "行政复议和行政诉讼情况", "政府信息公开的行政复议、诉讼情况"),
    "s5": (SECTION_TITLES["s5"], SECTION_TITLES["s5"], "政府信息公开工作存在的主要问题及整改情况", "存在的问题及改进情况"),
    "s6": (SECTION_TITLES["s6"], SECTION_TITLES["s6"], "其他应报告的事项", "其他需要说明的事项"),
}
# Narrative headings of a report whose template part is renumbered (not sections: label O).
NARRATIVE_TOPICS = ("组织保障情况", "公开制度建设", "重点工作推进", "公开平台运行", "队伍能力建设", "监督考核落实")
S5_SUBS = ("（一）主要问题", "（一）存在问题")
LEGACY_TITLES = (
    "概况", "主动公开信息情况", "依申请公开办理情况", "政府信息公开收费情况", "公开载体和平台建设",
    "政策解读与回应关切", "复议与诉讼情况", "制度机制建设情况", "保障措施落实情况", "公开工作中存在的不足",
    "改进措施和工作打算", "其他事项", "统计数据说明", "重点领域公开情况",
)
LEGACY_OPENERS = ("概述", "概况", "总体情况", "基本情况", "总体情况概述")
# Invented legacy 统计表 rows: (label, unit or None for a group row). Provinces differ (DOMAIN.md):
# each report draws a subset, in order, with its own numbering.
LEGACY_ROWS = (
    ("主动公开信息总数", "条"), ("其中：门户网站发布数", "条"), ("公报刊登数", "条"), ("新媒体发布数", "条"),
    ("其中：规范性文件数", "件"), ("依申请公开情况", None), ("受理申请总数", "件"), ("其中：现场提交数", "件"),
    ("网上提交数", "件"), ("邮寄提交数", "件"), ("办结申请总数", "件"), ("其中：按期办结数", "件"),
    ("答复情况", None), ("予以公开数", "件"), ("部分公开数", "件"), ("不予公开数", "件"), ("信息不存在数", "件"),
    ("非本机关掌握数", "件"), ("收费情况", None), ("收取检索复制费", "元"), ("减免费用", "元"),
    ("复议诉讼情况", None), ("被申请复议数", "件"), ("被提起诉讼数", "件"), ("投诉举报数", "件"),
    ("保障情况", None), ("专职工作人员", "人"), ("兼职工作人员", "人"), ("公开查阅点", "个"), ("组织培训", "次"),
)
T3_GROUPS_2019 = (("denied", "（三）不予公开"), ("unavailable", "（四）无法提供"), ("not_processed", "（五）不予处理"))
# Template furniture of table 3's header: DOMAIN.md says the identity is stated in its header cell.
IDENTITY_NOTES = (
    "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）",
    "（本列数据满足：第一项与第二项之和等于第三项与第四项之和）",
    "（本列数据：一加二等于三加四）",
)
_CRAWLER_KEYS = (("标题", "所属机构", "日期"), ("题名", "发布单位", "发布日期"), ("文章名称", "单位", "更新时间"))
_SITE_JUNK = ("翻译", "搜索", "复制", "打印本页", "关闭窗口", "返回顶部", "分享到")
_META_BOX = (("索引号", "{code}"), ("发布机构", "{org}"), ("主题分类", "政务公开"), ("成文日期", "{date}"),
             ("文号", ""), ("有效性", "有效"))
_MADE_UP_HEADERS = (("项目", "数据{i}", "总计"), ("项目", "列{i}", "合计值"), ("名称", "字段{i}", "汇总"))


# ---------------------------------------------------------------------------------------------
# Values: invented distributions (log-uniform magnitudes), never a number pool of a real report
# ---------------------------------------------------------------------------------------------

def _logu(rng: Random, hi_exp: float, lo_exp: float = 0.0) -> int:
    """An integer spread evenly over orders of magnitude, 10**lo_exp … 10**hi_exp."""
    return int(10 ** rng.uniform(lo_exp, hi_exp))


def _scale(rng: Random) -> int:
    r = rng.random()
    if r < 0.2:
        return rng.randint(0, 4)
    if r < 0.65:
        return _logu(rng, 2.0, 0.5)
    if r < 0.95:
        return _logu(rng, 3.0, 1.7)
    return _logu(rng, 3.8, 2.8)


def t3_values(rng: Random, tpl: str, *, orgs: bool = True) -> dict[str, dict[str, int]]:
    """Table 3 that satisfies its identities (one in ten broken on purpose, as real ones are)."""
    rows = t3_rows(tpl)
    leaves = T3_LEAF_ROWS[tpl]
    vals = {r: {c: 0 for c in T3_COL_KEYS} for r in rows}
    active = rng.sample(list(leaves), rng.randint(1, 7))
    if "granted" not in active and rng.random() < 0.8:
        active[0] = "granted"
    weights = [rng.choice((0.3, 1, 1, 2, 4)) * (3 if r == "granted" else 1) for r in active]
    for c in T3_APPLICANT_COLS:
        if c == "natural_person":
            new = _scale(rng)
        else:
            new = rng.randint(1, 9) if orgs and rng.random() < 0.2 else 0
        carried = rng.randint(0, max(1, new // 4)) if rng.random() < 0.25 else 0
        avail = new + carried
        fwd = rng.randint(0, avail // 3) if rng.random() < 0.3 else 0
        processed = avail - fwd
        for r in rng.choices(active, weights, k=processed):
            vals[r][c] += 1
        vals["new_received"][c] = new
        vals["carried_over"][c] = carried
        vals["carried_forward"][c] = fwd
        vals["total_processed"][c] = processed
    for r in rows:
        vals[r]["total"] = sum(vals[r][c] for c in T3_APPLICANT_COLS)
    if rng.random() < 0.1:  # a real-world break of the identities
        r = rng.choice(("total_processed", "carried_forward", "new_received", rng.choice(leaves)))
        c = rng.choice(("natural_person", "total"))
        vals[r][c] = max(0, vals[r][c] + rng.choice((-2, -1, 1, 3, 11)))
    return vals


def t4_values(rng: Random) -> dict[str, dict[str, int]]:
    """Table 4, group totals the sum of their parts (one in ten broken)."""
    out = {}
    for g in T4_GROUP_KEYS:
        v = {c: 0 for c in T4_COL_KEYS}
        if rng.random() < 0.5:
            for c in T4_COL_KEYS[:4]:
                v[c] = rng.randint(0, 3) if rng.random() < 0.8 else _logu(rng, 1.8, 0.5)
        v["total"] = sum(v[c] for c in T4_COL_KEYS[:4])
        out[g] = v
    if rng.random() < 0.1:
        g = rng.choice(T4_GROUP_KEYS)
        out[g]["total"] = max(0, out[g]["total"] + rng.choice((-1, 1, 2)))
    return out


def _change(rng: Random, style: Style) -> str:
    n = 0 if rng.random() < 0.35 else _logu(rng, 3.0)
    if n == 0:
        return "0"
    r = rng.random()
    neg = rng.random() < 0.45
    if r < 0.3:
        return ("减" if neg else "增") + str(n)
    if r < 0.75:
        minus = "−" if style.layout == "cell_per_line_split" and rng.random() < 0.5 else "-"
        return (minus if neg else "") + str(n)
    return ("-" if neg else "+") + str(n)


def _amount(rng: Random, style: Style) -> str:
    r = rng.random()
    if r < 0.3:
        return f"{_logu(rng, 5.0) / 100:.2f}万元"
    if r < 0.5:
        return f"{_logu(rng, 7.0, 3.0)}元"
    if r < 0.7:
        return f"{_logu(rng, 9.0, 2.0) / 10000:.4f}"
    if r < 0.85:
        return str(_logu(rng, 3.7))
    return "0"


def t2_values(rng: Random, tpl: str, style: Style) -> dict[str, str]:
    """Table 2 values: small counts of documents, large counts of decisions, amounts with units."""
    out: dict[str, str] = {}
    for b, rows in t2_layout(tpl):
        for r in rows:
            for c in b.cols[tpl]:
                key = f"t2.{b.key}.{r.key}.{c}"
                if c in ("new_made", "new_published", "issued", "repealed"):
                    v = str(0 if rng.random() < 0.4 else _logu(rng, 1.8))
                elif c in ("total_published", "in_force"):
                    v = str(0 if rng.random() < 0.15 else _logu(rng, 3.6))
                elif c == "prev_count":
                    v = str(0 if rng.random() < 0.3 else _logu(rng, 4.6))
                elif c == "change":
                    v = _change(rng, style)
                elif c == "decisions":
                    v = str(0 if rng.random() < 0.3 else _logu(rng, 6.0))
                elif c == "fee_amount":
                    x = rng.random()
                    v = "0" if x < 0.4 else (f"{_logu(rng, 6.0) / 1000:.3f}".rstrip("0").rstrip(".") or "0") if x < 0.85 \
                        else f"{_logu(rng, 4.0) / 100:.2f}万元"
                elif c == "items":
                    v = str(0 if rng.random() < 0.3 else _logu(rng, 2.8))
                else:  # amount
                    v = _amount(rng, style)
                out[key] = v
    return out


# ---------------------------------------------------------------------------------------------
# Label augmentation
# ---------------------------------------------------------------------------------------------

_NUMBER_STYLES = ("{n}.", "{n}、", "（{n}）", "{n}．")


def _renumber_leaf(text: str, rng: Random) -> str:
    """Paraphrase of a numbered leaf label: another numbering style, or none."""
    if len(text) > 2 and text[0].isdigit() and text[1] == ".":
        n, rest = text[0], text[2:]
        fmt = rng.choice(_NUMBER_STYLES + ("",))
        return (fmt.format(n=n) if fmt else "") + rest
    return text


# Aliases never printed by ``paraphrase``: seed quirks, and variants that belong to another family
# (OCR look-alikes, 合计, 规范性档案), so a held-out family cannot leak into training through the
# schema's alias lists.
_SEED_QUIRKS = ("其他要求", "行政查询事务", "执法信息")
_OCR_MARKS = tuple(v for v in OCR_SWAPS.values() if v not in "外已")  # 外 and 已 are common in real labels
_OTHER_FAMILY_MARKS = (*_OCR_MARKS, "合计", "档案")


def _aliases(aliases: tuple[str, ...]) -> tuple[str, ...]:
    """The schema aliases ``paraphrase`` may print."""
    return tuple(a for a in aliases if not any(q in a for q in _SEED_QUIRKS + _OTHER_FAMILY_MARKS))


class _Maker:
    def __init__(self, rng: Random, style: Style):
        self.rng = rng
        self.style = style

    def lab(self, text: str) -> str:
        """A printed label with the report's parenthesis style, families and the odd typo."""
        st, rng = self.style, self.rng
        if st.has("heji"):
            text = text.replace("总计", "合计")
        if st.has("guifan_dangan"):
            text = text.replace("规范性文件", "规范性档案")
        if st.ascii_parens:
            text = text.replace("（", "(").replace("）", ")").replace("：", ":").replace("，", ",")
        if st.typos and len(text) > 6 and rng.random() < 0.04:
            i = rng.randrange(3, len(text) - 1)
            text = text[:i] + text[i + 1 :]
        if st.has("ocr"):
            text = "".join(OCR_SWAPS[ch] if ch in OCR_SWAPS and rng.random() < 0.5 else ch for ch in text)
        return text

    def val(self, value: str | int, label: str | None, *, zero_blank: float | None = None,
            force_drop: bool = False) -> GridCell:
        """A value cell, zero maybe printed blank and blank rendered by the report's policy."""
        text = str(value)
        zb = self.style.zero_blank if zero_blank is None else zero_blank
        if force_drop and text == "0":
            return GridCell("", None, "val", drop=True)
        if text == "0" and self.rng.random() < zb or text == "":
            pol = self.style.blank_policy
            if pol == "slash":
                return GridCell("/", label, "val")
            if pol == "dash":
                return GridCell("—", label, "val")
            return GridCell("", None, "val", drop=pol == "drop")
        return GridCell(text, label, "val")

    def row_zero_drop(self, values: list[int]) -> tuple[bool, float | None]:
        """With ``drop_blank_rate``: (drop zeros of this row?, zero_blank override)."""
        rate = self.style.drop_blank_rate
        if rate is None:
            return False, None
        if 0 in values and self.rng.random() < rate:
            return True, 0.0
        return False, 0.0

    def no_header(self) -> bool:
        return self.style.has("no_header") and self.rng.random() < 0.6

    # -- tables ------------------------------------------------------------------------------

    def table2(self, tpl: str, vals: dict[str, str]) -> Table:
        rng, rows = self.rng, []
        para = self.style.has("paraphrase")
        drop_hdr = self.no_header()
        for b, block_rows in t2_layout(tpl):
            cols = b.cols[tpl]
            head = f"第二十条第（{b.numeral}）项"
            if para and rng.random() < 0.4:
                head = rng.choice((f"《条例》第二十条第（{b.numeral}）项", f"第（{b.numeral}）项"))
            rows.append([GridCell(self.lab(head), f"BLK.{b.key}", "hdr", colspan=len(cols) + 1)])
            if not drop_hdr:
                hdr = [GridCell(rng.choice(("信息内容", "信息内容", "内容", "事项")) if para else "信息内容", "HDR")]
                for c in cols:
                    text = T2_COLUMNS[c].label
                    if c == "fee_amount":
                        text = rng.choice(("本年收费金额（单位：万元）", "本年收费金额（万元）")) if para else "本年收费金额（单位：万元）"
                    elif c == "amount":
                        text = rng.choice(("采购总金额", "采购总金额（万元）", "采购总金额（单位：万元）"))
                    elif c == "decisions" and tpl == "2021":
                        text = "本年处理决定数量"
                    elif para and len(_aliases(T2_COLUMNS[c].aliases)) > 1:
                        text = rng.choice(_aliases(T2_COLUMNS[c].aliases))
                    if self.style.trunc_headers and len(text) > 5:  # a header cut short by the page
                        text = text[: len(text) - 2]
                    hdr.append(GridCell(self.lab(text), f"COL.t2.{c}", "hdr"))
                rows.append(hdr)
            for r in block_rows:
                label = r.label
                if r.key == "normative_docs" or para:
                    label = rng.choice(_aliases(r.aliases) or (r.label,))
                row = [GridCell(self.lab(label), f"ROW.t2.{r.key}", "row")]
                for c in cols:
                    key = f"t2.{b.key}.{r.key}.{c}"
                    row.append(self.val(vals[key], f"VAL.{key}"))
                rows.append(row)
        return Table(rows, 0, "t2")

    def t3_label(self, rkey: str) -> str:
        """The printed label of a table-3 row: the schema's, or (paraphrase) one of its aliases."""
        rng = self.rng
        row = T3_ROW_BY_KEY[rkey]
        label = row.label
        if rkey == "partial" and rng.random() < 0.2:
            label = "（二）部分公开"
        if self.style.has("paraphrase") and rng.random() < 0.5:
            alias = rng.choice(_aliases(row.aliases) or (label,))
            if len(alias) >= 4:
                prefix = label[: len(label) - len(label.lstrip("一二三四五六七八九十（）()、.0123456789"))]
                label = prefix + alias
            label = _renumber_leaf(label, rng)
        return label

    def table3(self, tpl: str, vals: dict[str, dict[str, int]]) -> Table:
        rng, st = self.rng, self.style
        ncols = 7 + (1 if st.subtotal else 0)
        rows: list[list[GridCell]] = []
        header_rows = 0
        if not self.no_header():
            rows.append([GridCell(self.lab(rng.choice(IDENTITY_NOTES)), "HDR", rowspan=3, colspan=3),
                         GridCell("申请人情况", "HDR", colspan=ncols)])
            cols = {c.key: c for c in T3_COLUMNS}
            rows.append([GridCell("自然人", "COL.t3.natural_person", rowspan=2),
                         GridCell("法人或其他组织", "HDR", colspan=ncols - 2),
                         GridCell(self.lab(cols["total"].label), "COL.t3.total", rowspan=2)])
            sub = []
            for c in T3_APPLICANT_COLS[1:]:
                text = cols[c].label
                if st.has("paraphrase") and rng.random() < 0.4:
                    text = rng.choice([a for a in _aliases(cols[c].aliases) if "/" not in a] or [text])
                sub.append(GridCell(self.lab(text), f"COL.t3.{c}"))
            if st.subtotal:
                sub.append(GridCell(rng.choice(("小计", "合计")), "HDR"))
            rows.append(sub)
            header_rows = 3

        def data_row(rkey: str, lead: list[GridCell], label_text: str, colspan: int) -> list[GridCell]:
            rv = vals[rkey]
            drop, zb = self.row_zero_drop([rv[c] for c in T3_COL_KEYS])
            cells = lead + [GridCell(self.lab(label_text), f"ROW.t3.{rkey}", "row", colspan=colspan)]
            for c in T3_COL_KEYS:
                if c == "total" and st.subtotal:
                    subtotal = sum(rv[k] for k in T3_APPLICANT_COLS[1:])
                    cell = self.val(subtotal, None, zero_blank=zb, force_drop=drop)
                    cell.aux = True
                    cells.append(cell)
                if st.blank_orgs and c in T3_APPLICANT_COLS[1:]:
                    cells.append(GridCell("", None, "val"))  # a blank column, kept as an empty cell
                    continue
                cells.append(self.val(rv[c], f"VAL.t3.{rkey}.{c}", zero_blank=zb, force_drop=drop))
            return cells

        rows.append(data_row("new_received", [], self.t3_label("new_received"), 3))
        if st.extra_rows:
            extra = [GridCell(self.lab(rng.choice(("其中：网上提交", "其中：现场提交", "其中：邮寄提交"))), None, "row", colspan=3)]
            n = rng.randint(0, max(0, vals["new_received"]["natural_person"]))
            extra += [self.val(n if c in ("natural_person", "total") else 0, None) for c in T3_COL_KEYS]
            for cell in extra[1:]:
                cell.aux = True
            rows.append(extra)
        rows.append(data_row("carried_over", [], self.t3_label("carried_over"), 3))
        leaf = T3_LEAF_ROWS[tpl]
        results = GridCell(self.lab("三、本年度办理结果"), "HDR", rowspan=len(leaf) + 1)  # the leaves and （七）总计
        rows.append(data_row("granted", [results], self.t3_label("granted"), 2))
        rows.append(data_row("partial", [], self.t3_label("partial"), 2))
        # DOMAIN.md: 2021-template reports that still print （六）其他处理 as ONE row (key t3.other)
        one_other = tpl == "2021" and rng.random() < 0.1
        if one_other:
            vals["other"] = {c: sum(vals[r][c] for r in leaf if r.startswith("other.")) for c in T3_COL_KEYS}
        groups = list(T3_GROUPS_2019) + ([("other", "（六）其他处理")] if tpl == "2021" and not one_other else [])
        for gkey, gtitle in groups:
            members = [r for r in leaf if r.startswith(gkey + ".")]
            for i, r in enumerate(members):
                lead = [GridCell(self.lab(gtitle), "HDR", rowspan=len(members))] if i == 0 else []
                rows.append(data_row(r, lead, self.t3_label(r), 1))
        if tpl == "2019" or one_other:
            rows.append(data_row("other", [], self.t3_label("other"), 2))
        rows.append(data_row("total_processed", [], self.t3_label("total_processed"), 2))
        rows.append(data_row("carried_forward", [], self.t3_label("carried_forward"), 3))
        return Table(rows, header_rows, "t3")

    def table4(self, vals: dict[str, dict[str, int]]) -> Table:
        g = {x.key: x for x in T4_GROUPS}
        rows: list[list[GridCell]] = []
        header_rows = 0
        if not self.no_header():
            rows.append([GridCell(self.lab("行政复议"), "COL.t4.review", colspan=5), GridCell(self.lab("行政诉讼"), "HDR", colspan=10)])
            second = [GridCell(self.lab(c.label), f"COL.t4.{c.key}", rowspan=2) for c in T4_COLUMNS]
            second += [GridCell(self.lab(g["litigation_direct"].label), "COL.t4.litigation_direct", colspan=5),
                       GridCell(self.lab(g["litigation_after_review"].label), "COL.t4.litigation_after_review", colspan=5)]
            rows.append(second)
            rows.append([GridCell(self.lab(c.label), f"COL.t4.{c.key}") for _ in range(2) for c in T4_COLUMNS])
            header_rows = 3
        flat = [vals[gk][c] for gk in T4_GROUP_KEYS for c in T4_COL_KEYS]
        drop, zb = self.row_zero_drop(flat)
        rows.append([self.val(vals[gk][c], f"VAL.t4.{gk}.{c}", zero_blank=zb, force_drop=drop)
                     for gk in T4_GROUP_KEYS for c in T4_COL_KEYS])
        return Table(rows, header_rows, "t4")

    def legacy_table(self, year: int) -> Table:
        """An invented 统计表: 统计指标|单位|统计数, or 指标名称|计量单位|YYYY年度|历年累计 (SCHEMA.md legacy)."""
        rng, st = self.rng, self.style
        cum = st.legacy_cumulative
        if cum:
            head_year = year if rng.random() < 0.85 else year - 1  # a value column headed with the wrong year
            rows = [[GridCell(rng.choice(("统计指标", "指标")), "HDR"), GridCell("计量单位", "HDR"),
                     GridCell(f"{head_year}年度", "HDR"), GridCell("历年累计", "HDR")]]
        else:
            rows = [[GridCell(rng.choice(("统计指标", "指标", "项目")), "HDR"), GridCell("单位", "HDR"), GridCell("统计数", "HDR")]]
        picked = [r for r in LEGACY_ROWS if rng.random() < 0.7]
        group_no = 0
        item_no = 0
        fmt = rng.choice(("{n}.", "{n}、", "（{n}）", ""))
        seen: set[str] = set()
        for label, unit in picked:
            if unit is None:
                group_no += 1
                item_no = 0
                text = f"{int_to_cn(group_no)}、{label}"
            else:
                item_no += 1
                text = (fmt.format(n=item_no) if fmt and not label.startswith("其中") else "") + label
            text = self.lab(text)
            printed = s2t(text) if st.trad else text
            key = legacy_key(normalize(printed)[0])
            if key in seen:  # two rows printing the same label would share a key
                continue
            seen.add(key)
            row = [GridCell(text, "ROW." + key, "row")]
            if unit is None:
                row += [GridCell("", None, "unit"), GridCell("", None, "val")] + ([GridCell("", None, "val")] if cum else [])
            else:
                row.append(GridCell(unit, "UNIT", "unit"))
                v = (_logu(rng, 3.2) if rng.random() < 0.6 else 0)
                row.append(self.val(v if v else ("0" if rng.random() < 0.4 else ""), "VAL." + key))
                if cum:
                    c = GridCell(str(v + (_logu(rng, 3.5) if rng.random() < 0.7 else 0)), None, "val", aux=True)
                    row.append(c)
            rows.append(row)
        if rng.random() < 0.3:  # trailing blank rows of the printed form
            width = 4 if cum else 3
            rows += [[GridCell("", None, "row")] + [GridCell("", None, "val") for _ in range(width - 1)]
                     for _ in range(rng.randint(1, 10))]
        return Table(rows, 1, "legacy")

    # -- prose -------------------------------------------------------------------------------

    def para(self, org: str, year: int, k: int | None = None) -> str:
        rng = self.rng
        k = k or rng.randint(1, 4)
        return "".join(
            s.format(year=year, org=org, n=_logu(rng, 4.5, 2.0), m=_logu(rng, 2.7), k=rng.randint(1, 12))
            for s in rng.sample(SENTENCES, k)
        )


def _org(rng: Random) -> str:
    return rng.choice(_PLACE_A) + rng.choice(_PLACE_B) + rng.choice(_PLACE_KIND) + rng.choice(_BODIES)


def build_items(rng: Random, style: Style, tpl: str, year: int, org: str) -> list[Item]:
    """The abstract report: title, headings with their section labels, prose and tables."""
    mk = _Maker(rng, style)
    title = rng.choice((f"{org}{year}年政府信息公开工作年度报告", f"{org}{year}年度政府信息公开工作年度报告",
                        f"{year}年{org}政府信息公开工作年度报告"))
    items: list[Item] = [("title", title)]
    if rng.random() < 0.5:
        items.append(("para", f"现发布本机关{year}年度政府信息公开工作年度报告，表中数字均截至{year}年末。"))
    sep = rng.choice(("、", "、", "、", "．"))
    if tpl == "legacy":
        n = rng.randint(5, 12)
        titles = [LEGACY_TITLES[i] for i in sorted(rng.sample(range(len(LEGACY_TITLES)), n))]
        # Free-form reports often open with an overview and reuse template-like titles: they are
        # legacy sections all the same (words from schema.SECTION_KEYWORDS / SECTION_TITLES).
        if rng.random() < 0.6:
            titles[0] = rng.choice(LEGACY_OPENERS)
        for j in range(1, len(titles)):
            if rng.random() < 0.15:
                titles[j] = rng.choice((SECTION_TITLES["s2"], SECTION_TITLES["s3"], "政府信息公开收费及减免情况"))
        table = rng.random() < 0.75
        for i, t in enumerate(titles, 1):
            items.append(("heading", f"{int_to_cn(i)}{sep}{mk.lab(t)}", f"SEC.legacy.{i}"))
            for _ in range(rng.randint(1, 2)):
                items.append(("para", mk.para(org, year)))
        if table:
            items += [("line", rng.choice(("附件：政府信息公开情况统计表", "附表", "政府信息公开情况统计表"))),
                      ("line", f"（{year}年度）")]
            if rng.random() < 0.5:
                items.append(("line", f"报送单位：{org}"))
            items.append(("table", mk.legacy_table(year)))
            if rng.random() < 0.5:
                items.append(("line", f"报送日期：{year + 1}年{rng.randint(1, 3)}月{rng.randint(1, 28)}日"))
        return items
    narrative = style.renumber
    if narrative:  # a narrative numbered 一..N first; only 一、总体情况 is a template section
        topics = rng.sample(NARRATIVE_TOPICS, rng.randint(3, 5))
        items.append(("heading", f"一{sep}{mk.lab(rng.choice(SECTION_VARIANTS['s1']))}", "SEC.s1"))
        items.append(("para", mk.para(org, year)))
        for i, t in enumerate(topics, 2):
            items.append(("heading", f"{int_to_cn(i)}{sep}{t}", None))
            items.append(("para", mk.para(org, year)))
    num = 0
    for key in ("s1", "s2", "s3", "s4", "s5", "s6"):
        if narrative and key == "s1":
            continue
        num += 1
        title = f"{int_to_cn(num)}{sep}{mk.lab(rng.choice(SECTION_VARIANTS[key]))}"
        if key == "s5" and style.drop_s5_heading:
            items.append(("sub", rng.choice(S5_SUBS), "SEC.s5"))
            num -= 1
        else:
            items.append(("heading", title, f"SEC.{key}"))
        if key == "s1":
            items.append(("para", mk.para(org, year)))
            subs = S1_SUBS if rng.random() < 0.6 else S1_SUBS_LONG
            for s in subs[: rng.randint(0, len(subs))]:
                items.append(("sub", s, None))
                items.append(("para", mk.para(org, year)))
        elif key == "s2":
            items.append(("table", mk.table2(tpl, t2_values(rng, tpl, style))))
        elif key == "s3":
            items.append(("table", mk.table3(tpl, t3_values(rng, tpl, orgs=not style.blank_orgs))))
        elif key == "s4":
            items.append(("table", mk.table4(t4_values(rng))))
        elif key == "s5":
            for _ in range(rng.randint(1, 2)):
                items.append(("para", mk.para(org, year, rng.randint(1, 3))))
        else:
            items.append(("para", rng.choice(("无", "本年度无其他需要报告的事项。", mk.para(org, year, 1)))))
    items += [("line", org), ("line", f"{year + 1}年{rng.randint(1, 3)}月{rng.randint(1, 28)}日")]
    return items


# ---------------------------------------------------------------------------------------------
# Rendering
# ---------------------------------------------------------------------------------------------

class _Out:
    """Text built piece by piece; labelled pieces become spans at their exact offsets."""

    def __init__(self, style: Style, rng: Random, escape: bool = False):
        self.style, self.rng, self.escape = style, rng, escape
        self.parts: list[str] = []
        self.pos = 0
        self.spans: list[Span] = []
        self.newline = "\r\n" if style.crlf else "\n"
        self.ambiguous: list[str] = []

    def raw(self, text: str) -> None:
        self.parts.append(text)
        self.pos += len(text)

    def put(self, text: str, label: str | None = None) -> None:
        if self.style.trad:
            text = s2t(text)
        if self.escape:
            text = html.escape(text, quote=False)
        if label and text.strip():
            assert text == text.strip(), text
            self.spans.append(Span(self.pos, self.pos + len(text), label))
        self.raw(text)

    def put_split(self, text: str, label: str | None, cuts: list[int]) -> None:
        """``text`` printed over several lines cut at ``cuts``, under ONE span from its first to its last
        character (a heading or label broken over lines is still one heading or label)."""
        pieces = [p.strip() for p in (text[a:b] for a, b in zip([0] + cuts, cuts + [len(text)])) if p.strip()]
        start = self.pos
        for i, p in enumerate(pieces):
            if i:
                self.nl()
            self.put(p)
        if label and pieces:
            self.spans.append(Span(start, self.pos, label))

    def nl(self, n: int = 1) -> None:
        self.raw(self.newline * n)

    def value_text(self, cell: GridCell) -> str:
        text = cell.text
        if self.style.fullwidth and self.rng.random() < 0.7:
            text = text.translate(_FULLWIDTH)
        return text

    def value(self, cell: GridCell, *, junk_ok: bool = True) -> None:
        """A value cell: full-width digits maybe, junk "?" around it maybe (outside the span)."""
        text = self.value_text(cell)
        junk = junk_ok and self.style.junk and not self.escape and self.rng.random() < 0.4
        if junk and self.rng.random() < 0.5:
            self.raw("?" * self.rng.randint(1, 2))
        self.put(text, cell.label)
        if junk and self.rng.random() < 0.6:
            self.raw("?" * self.rng.randint(1, 2))

    def cell(self, cell: GridCell) -> None:
        if cell.kind == "val":
            self.value(cell)
        else:
            self.put(cell.text, cell.label)

    def footer(self) -> None:
        """A page footer (page number) where a page break fell."""
        self.style.page += 1
        p = self.style.page
        self.raw(self.rng.choice((f"— {p} —", f"第 {p} 页", f"- {p} -", f"第{p}页 共{p + self.rng.randint(1, 9)}页", str(p))))

    def text(self) -> str:
        return "".join(self.parts)


def _wrap(text: str, width: int, indent: str) -> list[str]:
    text = indent + text
    return [text[i : i + width] for i in range(0, len(text), width)] or [""]


def _present(row: list[GridCell]) -> list[GridCell]:
    return [c for c in row if not c.drop]


def _split_points(text: str, rng: Random, most: int = 2) -> list[int]:
    """One or two cut points inside ``text`` (for labels broken over lines)."""
    n = len(text)
    if n < 4:
        return []
    cuts = sorted(rng.sample(range(1, n), min(rng.randint(1, most), n - 1)))
    return cuts


def render_text(items: list[Item], style: Style, rng: Random) -> _Out:
    """Every text layout family (all but HTML)."""
    out = _Out(style, rng)
    lay = style.layout
    if lay in ("oneline_glued", "oneline_spaced"):
        return _render_oneline(out, items, style, rng)
    if lay == "md_conversion":
        return _render_markdown(out, items, style, rng)
    gap = 2 if lay in ("cell_per_line", "pdf_space", "pdf_text") else 1
    split = lay == "cell_per_line_split"
    for item in items:
        kind = item[0]
        if kind == "table":
            render_table(out, item[1], style, rng)
            if lay in ("cell_per_line", "pdf_space", "pdf_text"):
                out.nl()
            continue
        text = item[1]
        label = item[2] if len(item) > 2 else None
        if kind == "heading":
            if lay in ("pdf_space", "pdf_text") and rng.random() < 0.3:
                out.raw(" ")
            if split and rng.random() < style.split_rate * 2:
                out.put_split(text, label, _split_points(text, rng, 1))
            else:
                out.put(text, label)
            if style.junk and rng.random() < 0.5:
                out.raw("?")
            out.nl(gap)
        elif kind == "para" and lay in ("pdf_space", "pdf_text"):
            for chunk in _wrap(s2t(text) if style.trad else text, style.wrap, " " * 7):
                out.raw(chunk)
                out.nl()
            out.nl(gap - 1)
        elif kind == "sub" and lay in ("pdf_space", "pdf_text"):
            out.raw(" " * rng.choice((5, 6, 7)))
            out.put(text, label)
            out.nl(gap - 1 if rng.random() < 0.5 else gap)
        else:
            out.put(text, label)
            if style.junk and kind != "para" and rng.random() < 0.3:
                out.raw("?")
            out.nl(gap)
    if split and rng.random() < 0.7:  # site junk lines after the report
        for j in rng.sample(_SITE_JUNK, rng.randint(1, 4)):
            out.raw(j)
            out.nl()
    return out


def _footer_here(style: Style, rng: Random) -> bool:
    return style.has("footers") and rng.random() < 0.06


def render_table(out: _Out, table: Table, style: Style, rng: Random) -> None:
    """One table in a line-based text layout."""
    lay = style.layout
    if lay == "cell_per_line_split":
        _render_cells_split(out, table, style, rng)
        return
    if style.has("widths"):
        ncol = max(len(r) for r in table.rows)
        style.widths = [rng.choice((4, 6, 8, 10, 14)) for _ in range(ncol + 1)]
    for ri, row in enumerate(table.rows):
        cells = _present(row)
        filled = [c for c in cells if not c.blank]
        n_empty = sum(c.colspan for c in cells if c.blank) + sum(c.colspan - 1 for c in filled)
        is_header = ri < table.header_rows or all(c.kind == "hdr" for c in cells)
        if lay == "cell_per_line":
            for c in filled:
                out.cell(c)
                out.nl(2)
        elif lay == "pipe_rows":
            for i, c in enumerate(filled):
                out.cell(c)
                out.raw(" |" if (i == len(filled) - 1 and n_empty == 0) else " | ")
            out.raw("|" * n_empty)
            out.nl()
        elif lay == "pipe_rows_kept":
            out.raw("| ")
            for i, c in enumerate(cells):
                if i:
                    out.raw(" | ")
                start = out.pos
                if not c.blank:
                    out.cell(c)
                if style.widths:
                    out.raw(" " * max(0, style.widths[min(i, len(style.widths) - 1)] - (out.pos - start)))
            out.raw(" |")
            out.nl()
        elif lay == "cell_pipe_lines":
            for c in filled:
                out.cell(c)
                if c.kind == "hdr" and rng.random() < 0.1:
                    out.raw(" |")
                out.nl()
                out.raw("|")
                out.nl()
            out.raw("|" * max(1, n_empty))
            out.nl()
        elif lay == "glued":
            if style.has("wrap_labels") and _wrappable(filled) and rng.random() < 0.5:
                _wrapped_row(out, filled, rng, " ")
            else:
                prev: GridCell | None = None
                for c in filled:
                    if prev is not None:
                        out.raw("" if prev.kind == "row" and c.kind == "val" else " ")
                    out.cell(c)
                    prev = c
                out.nl()
        elif lay in ("pdf_space", "pdf_text"):
            _pdf_row(out, filled, is_header, style, rng)
        else:  # pragma: no cover
            raise ValueError(lay)
        if _footer_here(style, rng) and ri + 1 < len(table.rows):
            if lay in ("pdf_space", "pdf_text"):
                out.nl()
            out.footer()
            out.nl(2 if lay in ("pdf_space", "pdf_text", "cell_per_line") else 1)
    style.widths = []


def _wrappable(cells: list[GridCell]) -> bool:
    labels = [c for c in cells if c.kind == "row"]
    return len(labels) == 1 and len(labels[0].text) >= 8 and any(c.kind == "val" for c in cells)


def _wrapped_row(out: _Out, cells: list[GridCell], rng: Random, sep: str) -> None:
    """A row whose label is wrapped around its numbers: label head / numbers / label tail (DOMAIN.md)."""
    lead = [c for c in cells if c.kind == "hdr"]
    label = next(c for c in cells if c.kind == "row")
    vals = [c for c in cells if c.kind in ("val", "unit")]
    for c in lead:
        out.cell(c)
        out.nl()
    cut = rng.randint(2, len(label.text) - 2)
    head, tail = label.text[:cut].strip(), label.text[cut:].strip()
    out.put(head, label.label if head else None)
    out.nl()
    for i, c in enumerate(vals):
        if i:
            out.raw(sep)
        out.cell(c)
    out.nl()
    out.put(tail, label.label if tail else None)
    out.nl()


def _pdf_row(out: _Out, cells: list[GridCell], is_header: bool, style: Style, rng: Random) -> None:
    """A row of a PDF text layer: space-separated, headers broken, vertical group labels, and in
    ``pdf_text`` numbers printed before their label or a label wrapped around its numbers."""
    lead = [c for c in cells if c.kind == "hdr"] if not is_header else []
    label = [c for c in cells if c.kind == "row"]
    vals = [c for c in cells if c.kind in ("val", "unit")]
    pdf_text = style.layout == "pdf_text"
    if not is_header and len(label) == 1 and vals:
        if style.has("wrap_labels") and _wrappable(cells) and rng.random() < 0.4:
            _wrapped_row(out, cells, rng, " " * rng.choice((1, 2, 3)))
            return
        if pdf_text and rng.random() < style.numbers_first:
            for c in lead:
                _pdf_cell(out, c, True, is_header, style, rng)
                out.nl()
            for i, c in enumerate(vals):
                if i:
                    out.raw(" " * rng.choice((1, 1, 2, 3)))
                out.cell(c)
            out.nl()
            out.cell(label[0])
            out.nl()
            return
    first = True
    for i, c in enumerate(cells):
        if style.vertical and c.kind == "hdr" and c.rowspan >= 3 and not is_header and len(c.text) <= 10:
            if not first:
                out.nl()
            for ch in (s2t(c.text) if style.trad else c.text):
                if ch.strip() and c.label:
                    out.spans.append(Span(out.pos, out.pos + 1, c.label))
                out.raw(ch)
                out.nl()
            first = True
            continue
        if not first:
            out.raw(" " * rng.choice((1, 1, 1, 2, 3, 6)))
        start = out.pos
        _pdf_cell(out, c, first, is_header, style, rng)
        if style.widths:
            out.raw(" " * max(0, style.widths[min(i, len(style.widths) - 1)] - (out.pos - start)))
        first = False
    out.nl()


def _pdf_cell(out: _Out, c: GridCell, first: bool, is_header: bool, style: Style, rng: Random) -> None:
    text = s2t(c.text) if style.trad else c.text
    if (is_header and style.break_headers and c.kind == "hdr" and 4 <= len(text) <= 12
            and c.label and not c.label.startswith("BLK.") and rng.random() < 0.3):
        cut = len(text) // 2 if len(text) > 4 else 2
        a, b = text[:cut].strip(), text[cut:].strip()
        if a and b:
            out.spans.append(Span(out.pos, out.pos + len(a), c.label))
            out.raw(a)
            out.nl()
            out.spans.append(Span(out.pos, out.pos + len(b), c.label))
            out.raw(b)
            return
    out.cell(c)


# -- cell per line, split ----------------------------------------------------------------------

def _render_cells_split(out: _Out, table: Table, style: Style, rng: Random) -> None:
    """Word tables crawled one cell per line: labels and item headers split over lines, numbers split
    across lines, runs of identical value lines collapsed into one (the collapsed cells are listed
    ambiguous in ``meta``)."""
    prev_val: tuple[str, str | None] | None = None  # (printed text, label) of the previous line if a value
    for ri, row in enumerate(table.rows):
        for c in _present(row):
            if c.blank:
                continue
            if c.kind == "val":
                text = out.value_text(c)
                if style.collapse and prev_val is not None and prev_val[0] == text:
                    # collapsed into the previous identical line: no span; both cells ambiguous
                    if c.label and c.label.startswith("VAL."):
                        out.ambiguous.append(c.label[4:])
                        if prev_val[1] and prev_val[1].startswith("VAL."):
                            out.ambiguous.append(prev_val[1][4:])
                    continue
                digits = text.isdigit() and len(text) >= 2
                if digits and c.label and rng.random() < style.split_rate / 3:
                    cut = rng.randint(1, len(text) - 1)
                    # one span over "1\n62": gold_cells joins a value broken over lines
                    start = out.pos
                    out.raw(text[:cut])
                    out.nl()
                    out.raw(text[cut:])
                    out.spans.append(Span(start, out.pos, c.label))
                else:
                    out.put(text, c.label)
                prev_val = (text, c.label)
            else:
                text = s2t(c.text) if style.trad else c.text
                if c.label and c.label.startswith("BLK.") and rng.random() < style.split_rate * 2:
                    # "第二十条第" / "（" / "一" / "）" / "项"
                    i = c.text.find("（")
                    j = c.text.find("）")
                    cuts = [x for x in (i, i + 1, j, j + 1) if 0 < x < len(c.text)] if i >= 0 and j > i else []
                    out.put_split(c.text, c.label, sorted(set(cuts)))
                elif len(text) >= 6 and rng.random() < style.split_rate:
                    out.put_split(c.text, c.label, _split_points(c.text, rng))
                else:
                    out.cell(c)
                prev_val = None
            out.nl()
        if _footer_here(style, rng) and ri + 1 < len(table.rows):
            out.footer()
            out.nl()
            prev_val = None


# -- one line ----------------------------------------------------------------------------------

def _render_oneline(out: _Out, items: list[Item], style: Style, rng: Random) -> _Out:
    """Crawler text: a few metadata lines, then the whole body on ONE line; headings inline; cells
    glued with no separator (``oneline_glued``) or one space apart (``oneline_spaced``)."""
    glued = style.layout == "oneline_glued"
    title = items[0][1]
    keys = rng.choice(_CRAWLER_KEYS)
    if rng.random() < 0.8:
        out.raw(f"{keys[0]}：")
        out.put(title)
        out.nl()
        out.raw(f"{keys[1]}：")
        out.put(style.org)
        out.nl()
        out.raw(f"{keys[2]}：{style.date}")
        out.nl()
        out.raw(rng.choice(("正文：", "=" * 12 + " 正文 " + "=" * 12, "【正文】")))
        out.nl()
    sep_text = rng.choice(("", " ", "  "))
    body = items[1:] if rng.random() < 0.5 else items
    for item in body:
        kind = item[0]
        if kind == "table":
            for row in item[1].rows:
                for c in _present(row):
                    if c.blank:
                        continue
                    out.cell(c)
                    if not glued:
                        out.raw(" ")
            continue
        label = item[2] if len(item) > 2 else None
        out.put(item[1], label)
        out.raw(" " if kind in ("heading", "sub") and rng.random() < 0.6 else sep_text)
    out.nl()
    return out


# -- Markdown conversions ------------------------------------------------------------------------

def _md_row(out: _Out, cells: list[GridCell | str]) -> None:
    out.raw("|")
    for c in cells:
        out.raw(" ")
        if isinstance(c, GridCell):
            if not c.blank:
                out.cell(c)
        else:
            out.raw(c)
        out.raw(" |")
    out.nl()


def _md_sep(out: _Out, n: int) -> None:
    out.raw("|" + "---|" * n)
    out.nl()


def _md_heading(out: _Out, style: Style, level: int, text: str, label: str | None) -> None:
    if style.md_headings:
        out.raw("#" * level + " ")
    out.put(text, label)
    out.nl(2)


def _render_markdown(out: _Out, items: list[Item], style: Style, rng: Random) -> _Out:
    """A PDF→Markdown conversion: ``#`` headings or none, pipe tables with separator rows, table 3 as
    one sub-table per row group under made-up headers, dummy '-' tables, a bogus header mid-table,
    or labels detached from bare rows of numbers."""
    for item in items:
        kind = item[0]
        if kind == "title":
            _md_heading(out, style, 1, item[1], None)
        elif kind == "heading":
            _md_heading(out, style, 2, item[1], item[2])
        elif kind == "sub":
            _md_heading(out, style, 3, item[1], item[2])
        elif kind == "table":
            _md_table(out, item[1], style, rng)
        else:
            text = s2t(item[1]) if style.trad else item[1]
            if kind == "para" and rng.random() < 0.3 and len(text) > 40:  # a PDF line break kept
                cut = rng.randint(20, len(text) - 10)
                out.raw(text[:cut])
                out.nl(2)
                out.raw(text[cut:])
            else:
                out.put(item[1], None)
            out.nl(2)
    return out


def _md_plain(out: _Out, rows: list[list[GridCell]]) -> None:
    width = max(sum(c.colspan for c in _present(r)) for r in rows)
    for i, row in enumerate(rows):
        cells: list[GridCell | str] = []
        for c in _present(row):
            cells.append(c)
            cells += [""] * (c.colspan - 1)
        cells += [""] * (width - len(cells))
        _md_row(out, cells)
        if i == 0:
            _md_sep(out, width)
    out.nl()


def _data_cells(row: list[GridCell]) -> tuple[list[GridCell], GridCell | None, list[GridCell]]:
    lead = [c for c in row if c.kind == "hdr"]
    label = next((c for c in row if c.kind == "row"), None)
    vals = [c for c in row if c.kind == "val"]
    return lead, label, vals


def _md_table(out: _Out, table: Table, style: Style, rng: Random) -> None:
    if table.name == "t2":
        block: list[list[GridCell]] = []
        for row in table.rows + [[GridCell("", "END")]]:
            if row[0].label and row[0].label.startswith(("BLK.", "END")):
                if block:
                    if block[0][0].label and block[0][0].label.startswith("BLK."):
                        _md_heading(out, style, 3, block[0][0].text, block[0][0].label)
                        block = block[1:]
                    if block:
                        _md_plain(out, block)
                block = []
            block.append(row)
        return
    if table.name == "t4" and table.header_rows and style.md_mode != "plain":
        _md_t4_groups(out, table, style)
        return
    if table.name != "t3" or style.md_mode == "plain":
        _md_plain(out, table.rows)
        return
    head, body = table.rows[: table.header_rows], table.rows[table.header_rows :]
    made = rng.choice(_MADE_UP_HEADERS)
    made_hdr = [made[0]] + [made[1].format(i=i) for i in range(1, 7)] + [made[2]]
    if head:  # the identity note, then dummy '-' tables standing for the header cells
        out.put(head[0][0].text, head[0][0].label)
        out.nl(2)
        for h in rng.sample(["自然人", "法人或其他组织", "总计"], rng.randint(1, 3)):
            out.raw(f"### 申请人情况 ({h})" if style.md_headings else f"申请人情况（{h}）")
            out.nl(2)
            _md_row(out, ["项目", "值"])
            _md_sep(out, 2)
            _md_row(out, ["-", "-"])
            out.nl()
    # row groups: one sub-table each
    groups: list[list[list[GridCell]]] = []
    for row in body:
        lead, label, _ = _data_cells(row)
        starts = bool(lead) or not groups or (label is not None and label.label in (
            "ROW.t3.carried_over", "ROW.t3.partial", "ROW.t3.total_processed", "ROW.t3.carried_forward", "ROW.t3.other"))
        if starts:
            groups.append([])
        groups[-1].append(row)
    detached = style.md_mode == "detached"
    for g in groups:
        lead, label, _ = _data_cells(g[0])
        for c in lead:
            if c.text.startswith("三、") and len(g) > 0:
                _md_heading(out, style, 3, c.text, c.label)
        group_title = next((c for c in lead if not c.text.startswith("三、")), None)
        if group_title is not None:
            _md_heading(out, style, 3, group_title.text, group_title.label)
        elif label is not None and not detached:
            out.raw("### " if style.md_headings else "")
            out.raw(s2t(label.text) if style.trad else label.text)
            out.nl(2)
        if detached:  # labels sit in debris text; their numbers in bare rows below, in order
            loose = [r for r in g if _data_cells(r)[1] is not None and rng.random() < 0.6]
            for row in loose:
                out.cell(_data_cells(row)[1])
                out.nl()
            if loose:
                out.nl()
            for i, row in enumerate(g):
                _, lab, vals = _data_cells(row)
                cells: list[GridCell | str] = list(vals) if row in loose else [lab or ""] + list(vals)
                _md_row(out, cells)
                if i == 0:
                    _md_sep(out, len(cells))
            out.nl()
            continue
        _md_row(out, made_hdr)
        _md_sep(out, len(made_hdr))
        bogus_at = rng.randrange(1, len(g)) if len(g) > 2 and rng.random() < 0.3 else -1
        for i, row in enumerate(g):
            if i == bogus_at:
                _md_row(out, made_hdr)  # a bogus header in the middle of the table
            _, lab, vals = _data_cells(row)
            _md_row(out, ([lab] if lab is not None else [""]) + list(vals))
        out.nl()


def _md_t4_groups(out: _Out, table: Table, style: Style) -> None:
    """Table 4 converted as three tables, one per group, each under its group's name."""
    vals = table.rows[-1]
    named = [c for c in table.rows[0] + table.rows[1] if c.label in ("COL.t4.review", "COL.t4.litigation_direct",
                                                                   "COL.t4.litigation_after_review")]
    cols = [c for c in table.rows[1] if c.label and c.label.startswith("COL.t4.") and c not in named]
    for g, group in enumerate(named):
        _md_heading(out, style, 3, group.text, group.label)
        _md_row(out, list(cols))
        _md_sep(out, len(cols))
        _md_row(out, [c for c in vals[g * 5 : g * 5 + 5]])
        out.nl()


# -- HTML ----------------------------------------------------------------------------------------

def render_html(items: list[Item], style: Style, rng: Random) -> _Out:
    """An HTML page; ``html_web`` adds the site's chrome: a metadata box table before the report."""
    out = _Out(style, rng, escape=True)
    title = items[0][1]
    out.raw('<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n<title>')
    out.put(title)
    out.raw("</title>\n</head>\n<body>\n")
    if style.layout == "html_web":
        out.raw('<div class="nav"><a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a> &gt; 年度报告</div>\n')
        out.raw('<table class="xxgk-meta">\n')
        pairs = [(k, v.format(code=f"{rng.randint(10**7, 10**8 - 1)}/{rng.randint(2000, 2030)}-{rng.randint(10, 99)}",
                              org=style.org, date=style.date)) for k, v in _META_BOX]
        for i in range(0, len(pairs), 2):
            out.raw("<tr>")
            for k, v in pairs[i : i + 2]:
                out.raw(f"<td>{k}：</td><td>")
                out.put(v)
                out.raw("</td>")
            out.raw("</tr>\n")
        out.raw("<tr><td>名称：</td><td colspan=\"3\">")
        out.put(title)
        out.raw("</td></tr>\n</table>\n")
    out.raw('<div class="article">\n')
    for item in items:
        kind = item[0]
        if kind == "title":
            out.raw('<h1 class="title">')
            out.put(item[1])
            out.raw("</h1>\n")
        elif kind == "heading":
            tag = rng.choice(("h2", "p"))
            out.raw(f"<{tag}><strong>" if tag == "p" else f"<{tag}>")
            out.put(item[1], item[2])
            out.raw("</strong></p>\n" if tag == "p" else f"</{tag}>\n")
        elif kind == "table":
            out.raw('<table border="1" cellspacing="0" cellpadding="0">\n<tbody>\n')
            for row in item[1].rows:
                out.raw("<tr>\n")
                for c in _present(row):
                    attrs = (f' rowspan="{c.rowspan}"' if c.rowspan > 1 else "") + (f' colspan="{c.colspan}"' if c.colspan > 1 else "")
                    out.raw(f"<td{attrs}>")
                    if not c.blank:
                        out.cell(c)
                    elif style.layout == "html_web" and rng.random() < 0.5:
                        out.raw("&nbsp;")
                    out.raw("</td>\n")
                out.raw("</tr>\n")
            out.raw("</tbody>\n</table>\n")
        else:
            indent = '<p style="text-indent:2em">' if kind == "para" else "<p>"
            out.raw(indent)
            out.put(item[1], item[2] if len(item) > 2 else None)
            out.raw("</p>\n")
    out.raw("</div>\n")
    if style.layout == "html_web":
        out.raw('<div class="footer"><table><tr><td>主办单位：')
        out.put(style.org)
        out.raw("</td><td>网站标识码：" + str(rng.randint(10**9, 10**10 - 1)) + "</td></tr></table></div>\n")
    out.raw("</body>\n</html>\n")
    return out


# ---------------------------------------------------------------------------------------------
# Public API
# ---------------------------------------------------------------------------------------------

def applies(family: str, layout: str) -> bool:
    """Whether an augmentation family changes anything in a layout (``meta.families`` lists only those)."""
    where = FAMILY_LAYOUTS.get(family)
    return where is None or layout in where


def _families(rng: Random, layout: str, allowed: Sequence[str], force: Sequence[str]) -> frozenset[str]:
    on = {f for f in FAMILIES if f in allowed and applies(f, layout) and rng.random() < FAMILY_RATE[f]}
    usable = sorted(f for f in force if applies(f, layout))
    if usable and not on & set(usable):
        on.add(rng.choice(usable))
    return frozenset(on)


def _style(rng: Random, layout: str, families: frozenset[str], drop_blank_rate: float | None) -> Style:
    blank_policy = rng.choices(("keep", "drop", "slash", "dash"), (5, 2, 1, 1))[0]
    if layout in ("cell_per_line", "glued", "pdf_space", "pdf_text", "oneline_glued", "oneline_spaced",
                  "cell_per_line_split") and blank_policy == "keep":
        blank_policy = "drop"  # those layouts cannot print an empty cell anyway
    if layout == "html_web" and blank_policy in ("drop", "slash", "dash"):
        blank_policy = "keep"
    return Style(
        layout=layout,
        families=families,
        blank_policy=blank_policy,
        # a report prints its zeros, or leaves every zero blank: mixing at random would make rows no
        # reader could decode; that harder case is ``drop_blank_rate``'s
        zero_blank=rng.choice((0.0, 0.0, 0.0, 1.0)) if not layout.startswith("oneline") else 0.0,
        junk=rng.random() < (0.5 if layout == "cell_pipe_lines" else 0.1) and layout in (
            "cell_per_line", "pipe_rows", "pipe_rows_kept", "cell_pipe_lines", "pdf_space", "glued"),
        fullwidth=rng.random() < 0.08,
        crlf=rng.random() < (0.4 if layout == "cell_per_line_split" else 0.08),
        ascii_parens=rng.random() < 0.3,
        subtotal=rng.random() < 0.08 and layout != "md_conversion",
        extra_rows=rng.random() < 0.08,
        trunc_headers=rng.random() < 0.15,
        typos=rng.random() < 0.15,
        break_headers=rng.random() < 0.7,
        vertical=rng.random() < (0.6 if layout == "pdf_text" else 0.3),
        wrap=rng.choice((52, 58, 62, 66, 70)),
        numbers_first=rng.choice((0.2, 0.4, 0.7)) if layout == "pdf_text" else 0.0,
        split_rate=rng.choice((0.08, 0.15, 0.3)) if layout == "cell_per_line_split" else 0.0,
        md_mode=rng.choice(("subtables", "subtables", "detached", "plain")) if layout == "md_conversion" else "",
        md_headings=rng.random() < 0.75,
        renumber=rng.random() < (0.35 if layout == "md_conversion" else 0.05),
        drop_s5_heading=rng.random() < (0.2 if layout == "md_conversion" else 0.03),
        blank_orgs=layout == "html_web" and rng.random() < 0.5,
        legacy_cumulative=rng.random() < 0.5,
        collapse=layout == "cell_per_line_split" and rng.random() < 0.6,
        drop_blank_rate=drop_blank_rate,
        page=rng.randint(1, 4),
    )


def generate_one(rng: Random, rid: str, *, template: str | None = None, layout: str | None = None,
                 drop_blank_rate: float | None = None, families: Sequence[str] = FAMILIES,
                 force: Sequence[str] = (), layouts: Sequence[str] = LAYOUTS) -> AnnotatedReport:
    """One synthetic report drawn from ``rng`` (template and layout drawn unless given)."""
    tpl = template or rng.choices(TEMPLATES, (4, 4, 2))[0]
    lay = layout or rng.choice(list(layouts))
    year = {"2019": rng.choice((2019, 2020)), "2021": rng.randint(2021, 2025), "legacy": rng.randint(2008, 2018)}[tpl]
    org = _org(rng)
    if force and not any(applies(f, lay) for f in force):  # e.g. --force widths: a layout it changes
        lay = rng.choice([x for x in layouts if any(applies(f, x) for f in force)] or [lay])
    fams = _families(rng, lay, families, force)
    style = _style(rng, lay, fams, drop_blank_rate)
    style.org, style.date = org, f"{year + 1}-{rng.randint(1, 3):02d}-{rng.randint(1, 28):02d}"
    items = build_items(rng, style, tpl, year, org)
    is_html = lay in ("html", "html_web")
    out = render_html(items, style, rng) if is_html else render_text(items, style, rng)
    split = rng.choices(("train", "dev", "test"), (8, 1, 1))[0]
    meta = {
        "template": tpl, "year": year, "layout": lay, "script": "traditional" if style.trad else "simplified",
        "source": "synthetic", "split": split, "format": "html" if is_html else "text",
        "families": sorted(fams),
    }
    if out.ambiguous:
        meta["ambiguous"] = sorted(set(out.ambiguous))
    return AnnotatedReport(rid, out.text(), sorted(out.spans), meta)


def generate(count: int, seed: int, *, drop_blank_rate: float | None = None,
             families: Sequence[str] | None = None, force: Sequence[str] = (),
             layouts: Sequence[str] | None = None) -> list[AnnotatedReport]:
    """``count`` synthetic annotated reports, identical for identical arguments.

    Layouts and templates cycle through a shuffled schedule so that every layout × template pair
    appears once ``count`` reaches ``len(layouts) * len(TEMPLATES)``.
    ``drop_blank_rate``: when given, zeros of tables 3 and 4 are printed as "0", except in that share
    of the rows holding a zero, where the zeros are blank and dropped (no position kept).
    ``families``: the augmentation families allowed (default all of ``FAMILIES``); ``force``: every
    report gets at least one of these; ``layouts``: the layout families drawn from (default all).
    """
    fams = tuple(FAMILIES if families is None else families)
    lays = tuple(LAYOUTS if layouts is None else layouts)
    bad = [f for f in (*fams, *force) if f not in FAMILIES] + [x for x in lays if x not in LAYOUTS]
    if bad:
        raise ValueError(f"unknown family or layout: {', '.join(bad)} (families: {', '.join(FAMILIES)}; "
                         f"layouts: {', '.join(LAYOUTS)})")
    rng = Random(seed)
    pairs = [(t, lay) for t in TEMPLATES for lay in lays]
    rng.shuffle(pairs)
    out = []
    for i in range(count):
        tpl, lay = pairs[i % len(pairs)] if i < len(pairs) else (None, None)
        sub = Random(rng.getrandbits(64))
        out.append(generate_one(sub, f"synth-{seed}-{i:05d}", template=tpl, layout=lay,
                                drop_blank_rate=drop_blank_rate, families=fams, force=tuple(force), layouts=lays))
    return out


def parse_list(text: str | None) -> list[str] | None:
    """A comma-separated option ("ocr,widths"); ``-NAME`` items remove from all ("-ocr,-widths")."""
    if text is None:
        return None
    items = [t.strip() for t in text.split(",") if t.strip()]
    if items and all(t.startswith("-") for t in items):
        return [f for f in FAMILIES if f"-{f}" not in items]
    return items


def main(argv: list[str] | None = None) -> int:
    """``python -m ogi.training.synth``: the same as ``ogi synth``."""
    ap = argparse.ArgumentParser(prog="python -m ogi.training.synth", description=__doc__.splitlines()[0])
    ap.add_argument("--count", type=int, default=200)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", required=True, help="JSONL file to write")
    ap.add_argument("--drop-blank-rate", type=float, default=None)
    ap.add_argument("--families", default=None, help=f"allowed augmentation families ({','.join(FAMILIES)}), or -NAME,… to remove")
    ap.add_argument("--force", default=None, help="every report gets at least one of these families")
    ap.add_argument("--layouts", default=None, help=f"layout families ({','.join(LAYOUTS)})")
    ap.add_argument("--split", default=None, help="set meta.split of every report")
    args = ap.parse_args(argv)
    try:
        reports = generate(args.count, args.seed, drop_blank_rate=args.drop_blank_rate,
                           families=parse_list(args.families), force=parse_list(args.force) or (),
                           layouts=parse_list(args.layouts))
    except ValueError as e:
        ap.error(str(e))
    if args.split:
        for r in reports:
            r.meta["split"] = args.split
    write_annotations(reports, args.out)
    log.info("wrote %d reports to %s", len(reports), args.out)
    return 0


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    raise SystemExit(main())
