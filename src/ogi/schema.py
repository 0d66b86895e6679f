"""The canonical schema of the reports as data: templates, sections, blocks, rows, columns and aliases.

Every tagger, the decoder, the checks, the synthetic generator and the evaluation read this module;
the keys are those of ``shared/SCHEMA.md``.

Label scheme (shared by annotations and taggers):

* ``SEC.<key>``   a section heading (``SEC.s1`` … ``SEC.s6``, ``SEC.legacy.<n>`` in annotations,
  ``SEC.legacy`` as a tagger label: the number comes from the printed numeral).
* ``BLK.<item>``  a table-2 block heading (``BLK.art20_1`` …).
* ``ROW.<table>.<row>``  a row label (``ROW.t2.regulations``, ``ROW.t3.denied.state_secret``,
  ``ROW.legacy`` for the legacy 统计表; annotations may write ``ROW.legacy.<label>``).
* ``COL.<table>.<col>``  a column header (``COL.t3.natural_person``, ``COL.t4.review``, ``COL.t4.maintain``).
* ``VAL.<cell key>`` in annotations, a value with its canonical key; as a tagger label
  ``VAL.<table>.<col>`` (``VAL.t3.total``, ``VAL.t4.review.total``, ``VAL.legacy``).
* ``HDR``  other table furniture (信息内容, 申请人情况, 三、本年度办理结果, （三）不予公开, 统计指标 …).
* ``UNIT`` the unit column of the legacy 统计表.
* ``O``    prose, titles and anything else.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from ogi import keymatch
from ogi.normalize import squash, strip_numbering  # noqa: F401 - label helpers, used here and re-exported

SECTION_KEYS = ("s1", "s2", "s3", "s4", "s5", "s6")

SECTION_TITLES = {
    "s1": "总体情况",
    "s2": "主动公开政府信息情况",
    "s3": "收到和处理政府信息公开申请情况",
    "s4": "政府信息公开行政复议、行政诉讼情况",
    "s5": "存在的主要问题及改进情况",
    "s6": "其他需要报告的事项",
}

# Keywords that identify a template section title (after its numeral). Checked in order.
SECTION_KEYWORDS: dict[str, tuple[str, ...]] = {
    "s1": ("总体情况", "总体公开情况", "总体", "概述", "基本情况"),
    "s2": ("主动公开",),
    "s3": ("收到和处理", "依申请", "申请情况", "收到和办理"),
    "s4": ("行政复议", "行政诉讼", "复议", "诉讼"),
    "s5": ("存在的主要问题", "存在的问题", "主要问题", "问题及改进", "问题及整改", "改进情况", "整改"),
    "s6": ("其他需要报告", "其他应报告", "其他需报告", "其他事项", "其他需要说明"),
}

# Whole printed titles of the template sections (squashed), for fuzzy matching: a typo, or a heading
# whose numeral the report renumbered, is recognised by its whole title, not by one keyword.
SECTION_TITLE_VARIANTS: dict[str, tuple[str, ...]] = {
    "s1": ("总体情况", "总体公开情况", "概述", "基本情况"),
    "s2": ("主动公开政府信息情况", "主动公开政府信息的情况"),
    "s3": ("收到和处理政府信息公开申请情况", "收到和处理政府信息公开申请的情况", "依申请公开政府信息情况"),
    "s4": ("政府信息公开行政复议行政诉讼情况", "政府信息公开行政复议和行政诉讼情况", "因政府信息公开申请行政复议行政诉讼情况"),
    "s5": ("存在的主要问题及改进情况", "政府信息公开工作存在的主要问题及改进情况", "存在的主要问题及整改情况", "主要问题及改进情况"),
    "s6": ("其他需要报告的事项", "其他应报告的事项", "其他需要报告事项", "其他需要说明的事项"),
}

CN_NUMERALS = "一二三四五六七八九十"


def cn_to_int(text: str) -> int | None:
    """Parse a Chinese numeral of 1–99 ("三" → 3, "十四" → 14, "二十" → 20)."""
    if not text or any(ch not in CN_NUMERALS for ch in text):
        return None
    if text == "十":
        return 10
    if "十" in text:
        tens, _, ones = text.partition("十")
        t = CN_NUMERALS.index(tens) + 1 if tens else 1
        o = CN_NUMERALS.index(ones) + 1 if ones else 0
        return t * 10 + o
    if len(text) == 1:
        return CN_NUMERALS.index(text) + 1
    return None


def int_to_cn(n: int) -> str:
    """Write 1–99 as a Chinese numeral (14 → "十四")."""
    if n < 1 or n > 99:
        raise ValueError(f"numeral out of range: {n}")
    if n < 10:
        return CN_NUMERALS[n - 1]
    tens, ones = divmod(n, 10)
    head = "" if tens == 1 else CN_NUMERALS[tens - 1]
    return head + "十" + (CN_NUMERALS[ones - 1] if ones else "")


@dataclass(frozen=True)
class Column:
    """A table column: canonical key and the printed variants of its header."""

    key: str
    label: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Row:
    """A table row: canonical key, printed label and variants, and the templates it belongs to."""

    key: str
    label: str
    aliases: tuple[str, ...] = ()
    templates: tuple[str, ...] = ("2019", "2021")


@dataclass(frozen=True)
class Block:
    """A block of table 2 (第二十条第（X）项) with its rows and its columns per template."""

    key: str
    numeral: str
    rows: tuple[Row, ...]
    cols: dict[str, tuple[str, ...]] = field(default_factory=dict)  # template -> column keys
    templates: tuple[str, ...] = ("2019", "2021")


T2_COLUMNS: dict[str, Column] = {
    c.key: c
    for c in (
        Column("new_made", "本年新制作数量", ("本年新制作数量", "本年新制作", "新制作数量")),
        Column("new_published", "本年新公开数量", ("本年新公开数量", "本年新公开", "新公开数量")),
        Column("total_published", "对外公开总数量", ("对外公开总数量", "对外公开总数", "公开总数量")),
        Column("issued", "本年制发件数", ("本年制发件数", "制发件数", "本年制发")),
        Column("repealed", "本年废止件数", ("本年废止件数", "废止件数", "本年废止")),
        Column("in_force", "现行有效件数", ("现行有效件数", "现行有效")),
        Column("prev_count", "上一年项目数量", ("上一年项目数量", "上年项目数量", "上一年项目数")),
        Column("change", "本年增/减", ("本年增/减", "本年增减", "增/减", "增减")),
        Column("decisions", "处理决定数量", ("本年处理决定数量", "处理决定数量", "处理决定数")),
        Column("fee_amount", "本年收费金额(单位:万元)", ("本年收费金额", "收费金额")),
        Column("items", "采购项目数量", ("采购项目数量", "采购项目数")),
        Column("amount", "采购总金额", ("采购总金额", "采购金额")),
    )
}

T2_BLOCKS: tuple[Block, ...] = (
    Block(
        "art20_1",
        "一",
        (
            Row("regulations", "规章", ("规章",)),
            Row("normative_docs", "规范性文件", ("行政规范性文件", "规范性文件", "规范性档案")),
        ),
        {"2019": ("new_made", "new_published", "total_published"), "2021": ("issued", "repealed", "in_force")},
    ),
    Block(
        "art20_5",
        "五",
        (
            Row("licensing", "行政许可", ("行政许可",)),
            Row("other_services", "其他对外管理服务事项", ("其他对外管理服务事项", "对外管理服务事项"), ("2019",)),
        ),
        {"2019": ("prev_count", "change", "decisions"), "2021": ("decisions",)},
    ),
    Block(
        "art20_6",
        "六",
        (Row("penalty", "行政处罚", ("行政处罚",)), Row("coercion", "行政强制", ("行政强制",))),
        {"2019": ("prev_count", "change", "decisions"), "2021": ("decisions",)},
    ),
    Block(
        "art20_8",
        "八",
        (Row("fees", "行政事业性收费", ("行政事业性收费", "事业性收费")),),
        {"2019": ("prev_count", "change"), "2021": ("fee_amount",)},
    ),
    Block(
        "art20_9",
        "九",
        (Row("procurement", "政府集中采购", ("政府集中采购", "集中采购")),),
        {"2019": ("items", "amount")},
        ("2019",),
    ),
)
T2_BLOCK_BY_KEY = {b.key: b for b in T2_BLOCKS}
T2_BLOCK_BY_NUMERAL = {b.numeral: b for b in T2_BLOCKS}
T2_ROW_TO_BLOCK = {r.key: b.key for b in T2_BLOCKS for r in b.rows}

T3_COLUMNS: tuple[Column, ...] = (
    Column("natural_person", "自然人", ("自然人",)),
    Column("commercial", "商业企业", ("商业企业", "商业/企业", "商业")),
    Column("research", "科研机构", ("科研机构", "科研/机构", "科研")),
    Column("social_welfare", "社会公益组织", ("社会公益组织", "社会公益", "公益组织")),
    Column("legal_service", "法律服务机构", ("法律服务机构", "法律服务", "律师事务所")),
    Column("other_org", "其他", ("其他",)),
    Column("total", "总计", ("总计", "合计")),
)
T3_COL_KEYS = tuple(c.key for c in T3_COLUMNS)
T3_APPLICANT_COLS = T3_COL_KEYS[:6]

T3_ROWS: tuple[Row, ...] = (
    Row("new_received", "一、本年新收政府信息公开申请数量", ("本年新收政府信息公开申请数量", "本年新收", "新收政府信息公开申请")),
    Row("carried_over", "二、上年结转政府信息公开申请数量", ("上年结转政府信息公开申请数量", "上年结转", "上一年结转")),
    Row("granted", "（一）予以公开", ("予以公开",)),
    Row("partial", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", ("部分公开",)),
    Row("denied.state_secret", "1.属于国家秘密", ("属于国家秘密", "国家秘密")),
    Row("denied.law_prohibited", "2.其他法律行政法规禁止公开", ("其他法律行政法规禁止公开", "法律行政法规禁止公开", "法律法规禁止公开")),
    Row("denied.three_safety", "3.危及“三安全一稳定”", ("危及“三安全一稳定”", "危及三安全一稳定", "三安全一稳定", "三安全")),
    Row("denied.third_party", "4.保护第三方合法权益", ("保护第三方合法权益", "第三方合法权益", "第三方")),
    Row("denied.internal_affairs", "5.属于三类内部事务信息", ("属于三类内部事务信息", "三类内部事务信息", "内部事务")),
    Row("denied.process_info", "6.属于四类过程性信息", ("属于四类过程性信息", "四类过程性信息", "过程性信息")),
    Row("denied.enforcement_file", "7.属于行政执法案卷", ("属于行政执法案卷", "行政执法案卷", "执法案卷")),
    Row("denied.admin_query", "8.属于行政查询事项", ("属于行政查询事项", "行政查询事项", "行政查询事务", "行政查询")),
    Row("unavailable.not_held", "1.本机关不掌握相关政府信息", ("本机关不掌握相关政府信息", "不掌握相关政府信息", "不掌握相关", "不掌握")),
    Row("unavailable.needs_creation", "2.没有现成信息需要另行制作", ("没有现成信息需要另行制作", "需要另行制作", "另行制作", "没有现成信息")),
    Row("unavailable.unclear", "3.补正后申请内容仍不明确", ("补正后申请内容仍不明确", "申请内容仍不明确", "仍不明确")),
    Row("not_processed.petition", "1.信访举报投诉类申请", ("信访举报投诉类申请", "信访举报投诉", "信访")),
    Row("not_processed.repeat", "2.重复申请", ("重复申请",)),
    Row("not_processed.publication", "3.要求提供公开出版物", ("要求提供公开出版物", "公开出版物")),
    Row("not_processed.massive_repeat", "4.无正当理由大量反复申请", ("无正当理由大量反复申请", "大量反复申请", "大量反复")),
    Row("not_processed.confirm_info", "5.要求行政机关确认或重新出具已获取信息", ("要求行政机关确认或重新出具已获取信息", "重新出具已获取信息", "确认或重新出具", "重新出具")),
    Row("other", "（六）其他处理", ("其他处理", "其他要求"), ("2019",)),
    Row("other.overdue_correction", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", ("申请人无正当理由逾期不补正", "逾期不补正"), ("2021",)),
    Row("other.overdue_fee", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", ("逾期未按收费通知要求缴纳费用", "收费通知", "缴纳费用"), ("2021",)),
    Row("other.other", "3.其他", ("其他",), ("2021",)),
    Row("total_processed", "（七）总计", ("总计",)),
    Row("carried_forward", "四、结转下年度继续办理", ("结转下年度继续办理", "结转下一年度继续办理", "结转下年度", "结转下一年度")),
)
T3_ROW_KEYS = tuple(r.key for r in T3_ROWS)
T3_ROW_BY_KEY = {r.key: r for r in T3_ROWS}
# Leaf rows that sum to （七）总计, per template.
T3_LEAF_ROWS = {
    "2019": tuple(k for k in T3_ROW_KEYS[2:21]),
    "2021": tuple(k for k in T3_ROW_KEYS[2:20]) + ("other.overdue_correction", "other.overdue_fee", "other.other"),
}

# Group headings of table 3 that carry no values themselves.
T3_GROUP_HEADINGS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("results", ("本年度办理结果", "办理结果")),
    ("denied", ("不予公开",)),
    ("unavailable", ("无法提供",)),
    ("not_processed", ("不予处理",)),
    ("other_group", ("其他处理",)),  # 2021: parent of the three sub-rows
)

T4_GROUPS: tuple[Column, ...] = (
    Column("review", "行政复议", ("行政复议",)),
    Column("litigation_direct", "未经复议直接起诉", ("未经复议直接起诉", "直接起诉")),
    Column("litigation_after_review", "复议后起诉", ("复议后起诉",)),
)
T4_GROUP_KEYS = tuple(g.key for g in T4_GROUPS)
T4_COLUMNS: tuple[Column, ...] = (
    Column("maintain", "结果维持", ("结果维持", "维持")),
    Column("correct", "结果纠正", ("结果纠正", "纠正")),
    Column("other", "其他结果", ("其他结果",)),
    Column("pending", "尚未审结", ("尚未审结", "未审结")),
    Column("total", "总计", ("总计", "合计")),
)
T4_COL_KEYS = tuple(c.key for c in T4_COLUMNS)
T4_CELL_COLS = tuple(f"{g}.{c}" for g in T4_GROUP_KEYS for c in T4_COL_KEYS)


def t2_cols(block: str, template: str) -> tuple[str, ...]:
    """Column keys of a table-2 block under a template (2019 if the template is unknown)."""
    cols = T2_BLOCK_BY_KEY[block].cols
    return cols.get(template) or cols.get("2019") or ()


def t3_rows(template: str) -> tuple[str, ...]:
    """Row keys of table 3 under a template."""
    tpl = template if template in ("2019", "2021") else "2019"
    return tuple(r.key for r in T3_ROWS if tpl in r.templates)


def t2_layout(template: str) -> list[tuple[Block, tuple[Row, ...]]]:
    """The table-2 blocks of a template (2019 or 2021), each with its rows under that template."""
    return [(b, tuple(r for r in b.rows if template in r.templates)) for b in T2_BLOCKS if template in b.templates]


def all_cell_keys(template: str) -> list[str]:
    """Every canonical cell key of the 2019 or 2021 template, in table order."""
    keys: list[str] = []
    for b, rows in t2_layout(template):
        for r in rows:
            keys += [f"t2.{b.key}.{r.key}.{c}" for c in b.cols[template]]
    for r in t3_rows(template):
        keys += [f"t3.{r}.{c}" for c in T3_COL_KEYS]
    keys += [f"t4.{c}" for c in T4_CELL_COLS]
    return keys


# ---------------------------------------------------------------------------------------------
# Labels
# ---------------------------------------------------------------------------------------------

def tagger_labels() -> list[str]:
    """The closed label set of the segment taggers, in a stable order."""
    labels = ["O", "HDR", "UNIT"]
    labels += [f"SEC.{k}" for k in SECTION_KEYS] + ["SEC.legacy"]
    labels += [f"BLK.{b.key}" for b in T2_BLOCKS]
    labels += [f"ROW.t2.{r.key}" for b in T2_BLOCKS for r in b.rows]
    labels += [f"ROW.t3.{k}" for k in T3_ROW_KEYS] + ["ROW.legacy"]
    labels += [f"COL.t2.{k}" for k in T2_COLUMNS]
    labels += [f"COL.t3.{k}" for k in T3_COL_KEYS]
    labels += [f"COL.t4.{g}" for g in T4_GROUP_KEYS] + [f"COL.t4.{c}" for c in T4_COL_KEYS]
    labels += [f"VAL.t2.{k}" for k in T2_COLUMNS]
    labels += [f"VAL.t3.{k}" for k in T3_COL_KEYS]
    labels += [f"VAL.t4.{k}" for k in T4_CELL_COLS] + ["VAL.legacy"]
    return labels


TAGGER_LABELS: tuple[str, ...] = tuple(tagger_labels())
TAGGER_LABEL_SET = frozenset(TAGGER_LABELS)


def cell_key_to_label(key: str) -> str:
    """Map a canonical cell key to its value label: t3.granted.total → VAL.t3.total."""
    if key.startswith("legacy."):
        return "VAL.legacy"
    parts = key.split(".")
    if parts[0] == "t2":
        return f"VAL.t2.{parts[-1]}"
    if parts[0] == "t3":
        return f"VAL.t3.{parts[-1]}"
    if parts[0] == "t4":
        return f"VAL.t4.{parts[1]}.{parts[2]}"
    raise ValueError(f"not a cell key: {key!r}")


def span_label_to_tagger_label(label: str) -> str:
    """Map an annotation span label to the tagger label it trains (VAL.<key> → VAL.<table>.<col>)."""
    if label.startswith("VAL."):
        return cell_key_to_label(label[4:])
    if label.startswith("SEC.legacy"):
        return "SEC.legacy"
    if label.startswith("ROW.legacy"):
        return "ROW.legacy"
    return label


def is_valid_span_label(label: str) -> bool:
    """True when an annotation label is known (cell keys checked against the schema)."""
    if label in TAGGER_LABEL_SET and not label.startswith(("VAL.", "SEC.legacy", "ROW.legacy")):
        return True
    if re.fullmatch(r"SEC\.legacy\.\d+", label):
        return True
    if label.startswith("ROW.legacy.") and len(label) > len("ROW.legacy."):
        return True
    if label.startswith("VAL."):
        return is_valid_cell_key(label[4:])
    return False


@lru_cache(maxsize=1)
def _all_keys() -> frozenset[str]:
    return frozenset(all_cell_keys("2019")) | frozenset(all_cell_keys("2021"))


def is_valid_cell_key(key: str) -> bool:
    """True for a canonical cell key of any template (legacy keys: any non-empty label)."""
    if key.startswith("legacy.") and len(key) > len("legacy."):
        return True
    return key in _all_keys()


# ---------------------------------------------------------------------------------------------
# Matching printed text to keys
# ---------------------------------------------------------------------------------------------

def _bigrams(s: str) -> set[str]:
    return {s[i : i + 2] for i in range(len(s) - 1)} if len(s) > 1 else {s}


def similarity(a: str, b: str) -> float:
    """Dice coefficient over character bigrams of two squashed strings."""
    if not a or not b:
        return 0.0
    if a == b:
        return 1.0
    x, y = _bigrams(a), _bigrams(b)
    return 2 * len(x & y) / (len(x) + len(y))


def _alias_index() -> list[tuple[str, str]]:
    """(squashed alias, label) for every row, column and group of tables 2–4."""
    out: list[tuple[str, str]] = []
    for b in T2_BLOCKS:
        for r in b.rows:
            out += [(squash(a), f"ROW.t2.{r.key}") for a in r.aliases]
    for c in T2_COLUMNS.values():
        out += [(squash(a), f"COL.t2.{c.key}") for a in c.aliases]
    for r in T3_ROWS:
        out += [(squash(a), f"ROW.t3.{r.key}") for a in r.aliases]
    for c in T3_COLUMNS:
        out += [(squash(a), f"COL.t3.{c.key}") for a in c.aliases]
    for g in T4_GROUPS:
        out += [(squash(a), f"COL.t4.{g.key}") for a in g.aliases]
    for c in T4_COLUMNS:
        out += [(squash(a), f"COL.t4.{c.key}") for a in c.aliases]
    return out


ALIASES: tuple[tuple[str, str], ...] = tuple(_alias_index())


# Characters OCR and conversion tools print for others of the labels ("重夏申请", "公幵", "尚末审结",
# "不予外理"); tried only when the printed text matches no label well.
_OCR_TABLE = str.maketrans({"幵": "开", "夏": "复", "釆": "采", "末": "未", "外": "处", "巿": "市"})


@lru_cache(maxsize=65536)
def match_label(text: str, prefix: str = "") -> tuple[str, float]:
    """Best row/column label for printed text, restricted to labels starting with ``prefix``.

    The alias table (``alias_match``) decides when an alias matches exactly or is contained in the
    text (score ≥ 0.8); otherwise, when the caller names the table (``prefix``), the learned key matcher
    (``ogi.keymatch``: paraphrases, abbreviations, OCR look-alikes, partial traditional script) wins
    where its score (0.5–0.87 by its probability, so a low-confidence match shows in the tag score)
    beats the alias similarity.
    """
    best, best_score = alias_match(text, prefix)
    if prefix and best_score < 0.8:
        lab, score = keymatch.match(text, prefix)
        if lab and score > best_score:
            return lab, score
    return best, best_score


keymatch.on_model_change(match_label.cache_clear)  # another key matcher, other answers


@lru_cache(maxsize=65536)
def alias_match(text: str, prefix: str = "") -> tuple[str, float]:
    """Best row/column label for printed text by the alias table alone, restricted to ``prefix``.

    Returns ``(label, score)`` with score in [0, 1]; ``("", 0.0)`` when nothing is close.
    Exact alias → 1.0; the text containing an alias → 0.8–0.95 by length ratio; otherwise the bigram
    similarity to the closest alias. Text that matches poorly is tried again with OCR look-alike
    characters read as the label characters they stand for.
    """
    best, best_score = _match_label(squash(text), prefix)
    if best_score < 0.85:
        fixed = squash(text).translate(_OCR_TABLE)
        if fixed != squash(text):
            alt, alt_score = _match_label(fixed, prefix)
            if alt_score > best_score:
                return alt, alt_score
    return best, best_score


@lru_cache(maxsize=1)
def _alias_bigrams() -> tuple[frozenset[str], ...]:
    """The bigram set of every alias, in ``ALIASES`` order (computed once, not per comparison)."""
    return tuple(frozenset(_bigrams(a)) for a, _ in ALIASES)


def _match_label(s: str, prefix: str) -> tuple[str, float]:
    if not s:
        return "", 0.0
    best, best_score = "", 0.0
    grams = _bigrams(s)
    for (alias, label), agrams in zip(ALIASES, _alias_bigrams(), strict=True):
        if prefix and not label.startswith(prefix):
            continue
        if s == alias:
            score = 1.0
        elif len(alias) >= 2 and alias in s:
            score = 0.8 + 0.15 * len(alias) / len(s)
        elif alias:
            score = 0.9 * 2 * len(grams & agrams) / (len(grams) + len(agrams))  # similarity(), sets precomputed
        else:
            score = 0.0
        if score > best_score:
            best, best_score = label, score
    return best, best_score


_SECTION_HEAD = re.compile(r"^\s*([一二三四五六七八九十]{1,3})\s*[、.．,，]\s*(.*)$")


def section_numeral(text: str) -> tuple[int | None, str]:
    """The numeral and title of a heading-like line ("三、收到…" → (3, "收到…")), else (None, text)."""
    m = _SECTION_HEAD.match(text)
    if not m:
        return None, text
    return cn_to_int(m.group(1)), m.group(2).strip()


def match_section(title: str) -> str:
    """Template section key whose keywords appear in a heading title, else the key whose whole title
    the heading's is close to (≥ 0.85: typos, OCR variants), or ''."""
    s = squash(title)
    for key, words in SECTION_KEYWORDS.items():
        if any(w in s for w in words):
            return key
    # no keyword: a misprinted whole title ("主动公幵政府信息的情况", an OCR 幵 for 开)
    key, score = section_title_similarity(title)
    return key if score >= 0.85 else ""


@lru_cache(maxsize=8192)
def section_title_similarity(title: str) -> tuple[str, float]:
    """The template section whose whole printed title is closest to ``title`` and the similarity
    (difflib's ratio over squashed text, 0–1): tolerates typos and extra or missing words."""
    from difflib import SequenceMatcher

    s = squash(title)
    if not s or len(s) > 40:
        return "", 0.0
    best, best_score = "", 0.0
    chars = set(s)
    for key, variants in SECTION_TITLE_VARIANTS.items():
        for v in variants:
            # cheap upper bounds first: the ratio cannot beat 2·min(len)/(sum of lengths), nor the
            # share of characters the two have in common
            if 2 * min(len(s), len(v)) / (len(s) + len(v)) <= best_score:
                continue
            if 2 * sum(ch in chars for ch in v) / (len(s) + len(v)) <= best_score:
                continue
            score = SequenceMatcher(None, s, v, autojunk=False).ratio()
            if score > best_score:
                best, best_score = key, score
    return best, best_score


@lru_cache(maxsize=1)
def _full_labels() -> tuple[str, ...]:
    """Every printed row and column label of tables 2–4 in full (squashed), longest forms included."""
    labels = {squash(r.label) for r in T3_ROWS} | {squash(c.label) for c in T3_COLUMNS}
    labels |= {squash(a) for _, rows in ((b, b.rows) for b in T2_BLOCKS) for r in rows for a in (r.label, *r.aliases)}
    labels |= {squash(c.label) for c in T2_COLUMNS.values()} | {squash(c.label) for c in (*T4_GROUPS, *T4_COLUMNS)}
    return tuple(sorted(x for x in labels if len(x) >= 2))


@lru_cache(maxsize=1)
def _full_label_bigrams() -> tuple[frozenset[str], ...]:
    return tuple(frozenset(_bigrams(v)) for v in _full_labels())


@lru_cache(maxsize=8192)
def full_label_similarity(text: str) -> float:
    """How close ``text`` is to a whole printed table label (bigram Dice over squashed text, 0–1): a
    long label like "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请" scores 1.0 only
    when all of it is there."""
    s = squash(text)
    if not s or len(s) > 60:
        return 0.0
    grams = _bigrams(s)
    best = 0.0
    for v, vgrams in zip(_full_labels(), _full_label_bigrams(), strict=True):
        if s == v:
            return 1.0
        best = max(best, 2 * len(grams & vgrams) / (len(grams) + len(vgrams)))
    return best


SECTION_TITLE_LENGTHS = frozenset(len(v) for vs in SECTION_TITLE_VARIANTS.values() for v in vs)


_BLOCK = re.compile(r"第?二十条第?\s*[(（]?\s*([一五六八九])\s*[)）]?\s*项")


_BARE_BLOCK = re.compile(r"^第\s*[(（]\s*([一五六八九])\s*[)）]\s*项$")


def match_block(text: str) -> str:
    """Table-2 block key of a 第二十条第（X）项 heading (or of a bare "第（五）项" line), or ''."""
    m = _BLOCK.search(text.replace(" ", "")) or _BARE_BLOCK.match(text.strip())
    if not m:
        return ""
    block = T2_BLOCK_BY_NUMERAL.get(m.group(1))
    return block.key if block else ""


def legacy_key(label: str) -> str:
    """Canonical key of a legacy 统计表 row: ``legacy.`` + the label without whitespace.

    The label must already be NFKC-normalised and simplified (the reader's normalised text is).
    """
    return "legacy." + re.sub(r"\s+", "", label)
