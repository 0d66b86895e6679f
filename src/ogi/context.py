"""Document-level context the taggers and the decoder share: template and report year."""

from __future__ import annotations

import re
from collections import Counter

from ogi.data import Document

_YEAR_TITLE = re.compile(r"((?:19|20)\d\d)\s*年?(?:度)?[^\n]{0,30}?(?:年度报告|工作报告|年报)")
_YEAR = re.compile(r"((?:19|20)\d\d)\s*年")

MARKERS_2021 = ("本年制发件数", "本年废止件数", "现行有效件数", "逾期不补正", "收费通知要求", "本年收费金额")
MARKERS_2019 = ("本年新制作数量", "本年新公开数量", "上一年项目数量", "采购项目数量", "采购总金额", "其他对外管理服务事项")
MARKERS_NEW = ("本年新收", "上年结转", "予以公开", "结转下年度", "结转下一年度", "第二十条")
MARKERS_LEGACY = ("统计表", "统计指标", "统 计 指 标", "指标名称", "历年累计")


def detect_year(text: str) -> int | None:
    """The report year: from a title naming the report, else the most frequent year of the opening."""
    head = text[:3000]
    m = _YEAR_TITLE.search(head)
    if m:
        return int(m.group(1))
    years = [int(y) for y in _YEAR.findall(head) if 1990 <= int(y) <= 2100]
    if not years:
        return None
    return Counter(years).most_common(1)[0][0]


def detect_template(text: str, year: int | None) -> str:
    """2019, 2021, legacy or unknown, from the table markers the text holds, then the year."""
    squashed = text.replace(" ", "")
    new = sum(m in squashed for m in MARKERS_NEW)
    if year is not None and year <= 2018 and not ("本年新收" in squashed and "第二十条" in squashed):
        new = 0  # a pre-2019 report whose narrative says 予以公开 / 上年结转 has no template tables
    if new >= 2:
        if any(m in squashed for m in MARKERS_2021):
            return "2021"
        if any(m in squashed for m in MARKERS_2019) or re.search(r"第二十条第?[(（]九[)）]", squashed):
            return "2019"
        if year is not None:
            return "2021" if year >= 2021 else "2019"
        if "其他处理" in squashed or "结转下年度" in squashed:
            # a page excerpt with no year and no table 2: table 3's (六)其他处理 block without the 2021
            # template's 逾期不补正 / 收费通知要求 rows is the 2019 table
            return "2019"
        return "2021"
    if any(m in text for m in MARKERS_LEGACY) or (year is not None and year <= 2018):
        return "legacy"
    return "unknown"


def detect(doc: Document) -> Document:
    """Set ``doc.year`` and ``doc.template``; returns the document."""
    doc.year = detect_year(doc.text)
    doc.template = detect_template(doc.text, doc.year)
    return doc
