"""The same report content in other shapes (training/shapes.py measures them on the real reports).

Every report here is built from scratch (an invented agency, invented numbers): a 2021 report whose
rows each sit on a line of their own with the cells glued to the label, a Markdown conversion with a
narrative heading split over two lines, and a page excerpt of a 2019 report's sections 三–四 with no
title and no year.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ogi import schema
from ogi.context import detect_template
from ogi.pipeline import tag_path
from ogi.segment import lined_glued
from ogi.taggers import load_tagger
from ogi.taggers.base import Tagger
from template_2021 import T3_LABELS_2021 as LABELS
from template_2021 import row_np_com as _row

AGENCY = "石桥镇人民政府"

# table 3 (2021): (natural person, commercial) per leaf row; the other four applicant columns are 0
LEAVES = {
    "granted": (14, 2),
    "partial": (3, 0),
    "denied.state_secret": (0, 0),
    "denied.law_prohibited": (0, 0),
    "denied.three_safety": (1, 0),
    "denied.third_party": (0, 0),
    "denied.internal_affairs": (0, 0),
    "denied.process_info": (2, 0),
    "denied.enforcement_file": (0, 0),
    "denied.admin_query": (0, 0),
    "unavailable.not_held": (9, 1),
    "unavailable.needs_creation": (0, 0),
    "unavailable.unclear": (0, 0),
    "not_processed.petition": (4, 0),
    "not_processed.repeat": (0, 0),
    "not_processed.publication": (0, 0),
    "not_processed.massive_repeat": (0, 0),
    "not_processed.confirm_info": (0, 0),
    "other.overdue_correction": (0, 0),
    "other.overdue_fee": (0, 0),
    "other.other": (1, 0),
}
CARRIED_OVER = (3, 0)
CARRIED_FORWARD = (2, 1)
T4 = ((4, 1, 0, 0, 5), (0, 0, 0, 1, 1), (0, 0, 0, 0, 0))

GROUPS = {
    "granted": "三、本年度办理结果",
    "denied.state_secret": "（三）不予公开",
    "unavailable.not_held": "（四）无法提供",
    "not_processed.petition": "（五）不予处理",
    "other.overdue_correction": "（六）其他处理",
}


def t3_rows() -> dict[str, tuple[int, ...]]:
    """Every table-3 row of the invented report; the column identities hold."""
    rows = {k: _row(*v) for k, v in LEAVES.items()}
    tp = tuple(sum(r[c] for r in rows.values()) for c in range(7))
    co, cf = _row(*CARRIED_OVER), _row(*CARRIED_FORWARD)
    out = {"new_received": tuple(tp[c] + cf[c] - co[c] for c in range(7)), "carried_over": co}
    out.update(rows)
    out["total_processed"] = tp
    out["carried_forward"] = cf
    return out


def lined_glued_report() -> str:
    """A 2021 report, each table row on a line of its own with its cells glued to the label."""
    lines = [
        f"{AGENCY}2023年政府信息公开工作年度报告",
        "一、总体情况",
        "2023年，本镇持续深化政务公开，全年主动公开政府信息412条。",
        "二、主动公开政府信息情况",
        "第二十条第（一）项",
        "信息内容本年制发件数本年废止件数现行有效件数",
        "规章000",
        "行政规范性文件2119",
        "第二十条第（五）项",
        "信息内容本年处理决定数量",
        "行政许可736",
        "第二十条第（六）项",
        "信息内容本年处理决定数量",
        "行政处罚41",
        "行政强制0",
        "第二十条第（八）项",
        "信息内容本年收费金额（单位：万元）",
        "行政事业性收费0",
        "三、收到和处理政府信息公开申请情况",
        "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）",
        "申请人情况自然人法人或其他组织总计",
        "商业企业科研机构社会公益组织法律服务机构其他",
    ]
    t3 = t3_rows()
    for key, label in LABELS.items():
        if key in GROUPS:
            lines.append(GROUPS[key])
        lines.append(label + "".join(str(v) for v in t3[key]))
    lines += [
        "四、政府信息公开行政复议、行政诉讼情况",
        "行政复议行政诉讼",
        "结果维持结果纠正其他结果尚未审结总计未经复议直接起诉复议后起诉",
        "结果维持结果纠正其他结果尚未审结总计" * 2,
        "".join(str(v) for g in T4 for v in g),
        "五、存在的主要问题及改进情况",
        "一是公开内容不够细化；二是解读形式较单一。下一步将逐项整改。",
        "六、其他需要报告的事项",
        "本年度未收取信息处理费。",
    ]
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def rules() -> Tagger:
    return load_tagger("rules")


def _tag(tmp_path: Path, text: str, tagger: Tagger, name: str = "r.txt") -> dict:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return tag_path(p, tagger)


def test_segment_lined_glued_rows_split_by_the_tables_identities(tmp_path: Path, rules: Tagger) -> None:
    text = lined_glued_report()
    assert "予以公开142000016" in text and "\n行政规范性文件2119\n" in text
    assert lined_glued(text)
    rec = _tag(tmp_path, text, rules)
    assert rec["status"] == "success", rec["errors"]
    assert rec["template"] == "2021"
    assert [s["key"] for s in rec["sections"]] == ["s1", "s2", "s3", "s4", "s5", "s6"]
    got = {k: c["value"] for k, c in rec["cells"].items()}
    want = {
        f"t3.{row}.{col}": str(v)
        for row, vals in t3_rows().items()
        for col, v in zip(schema.T3_COL_KEYS, vals, strict=True)
    }
    want.update({f"t4.{k}": str(v) for k, v in zip(schema.T4_CELL_COLS, [v for g in T4 for v in g], strict=True)})
    for key, value in want.items():
        assert got.get(key) == value, (key, got.get(key), value)
    assert got["t2.art20_5.licensing.decisions"] == "736"
    assert got["t2.art20_6.penalty.decisions"] == "41"
    # each cell keeps the line it is printed on
    lines = text.split("\n")
    granted = rec["cells"]["t3.granted.total"]["line"]
    assert lines[granted - 1].startswith("（一）予以公开")


def test_segment_lined_glued_not_taken_for_a_spaced_report() -> None:
    text = lined_glued_report()
    t3 = t3_rows()
    spaced = text
    for key, label in LABELS.items():
        spaced = spaced.replace(
            label + "".join(str(v) for v in t3[key]), label + " " + " ".join(str(v) for v in t3[key])
        )
    assert "予以公开 14 2 0 0 0 0 16" in spaced
    assert not lined_glued(spaced)


def test_segment_grid_heading_split_over_two_lines_is_one_section(tmp_path: Path, rules: Tagger) -> None:
    # a PDF→Markdown conversion: narrative wrapped at the page width, one heading broken after 3 chars
    md = "\n".join(
        [
            f"# {AGENCY}2023年政府信息公开工作年度报告",
            "一、总",
            "体情况",
            "本镇持续深化政务公开。",
            "二、主动公开政府信息情况",
            "第二十条第（一）项",
            "| 信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数 |",
            "|---|---|---|---|",
            "| 规章 | 0 | 0 | 0 |",
            "| 行政规范性文件 | 2 | 1 | 19 |",
            "三、收到和处理政府信息公开申",
            "请情况",
            "本年新收申请23件。",
            "四、政府信息公开行政复议、行政诉讼情况",
            "本年度无行政复议和行政诉讼。",
            "五、存在的主要问题及改进情况",
            "解读形式较单一。",
            "六、其他需要报告的事项",
            "无。",
        ]
    )
    rec = _tag(tmp_path, md + "\n", rules, name="r.md")
    assert [s["key"] for s in rec["sections"]] == ["s1", "s2", "s3", "s4", "s5", "s6"]
    assert rec["sections"][0]["title"] == "一、总体情况"
    assert rec["sections"][2]["title"] == "三、收到和处理政府信息公开申请情况"
    got = {k: c["value"] for k, c in rec["cells"].items()}
    assert [got.get(f"t2.art20_1.normative_docs.{c}") for c in ("issued", "repealed", "in_force")] == ["2", "1", "19"]


def test_context_excerpt_without_year_or_table_2_is_2019_by_its_table_3() -> None:
    t3_2019 = (
        "申请人情况 自然人 本年新收政府信息公开申请数量 3 予以公开 2 (六)其他处理 1 (七)总计 3 四、结转下年度继续办理 0"
    )
    assert detect_template(t3_2019, None) == "2019"
    t3_2021 = t3_2019.replace("(六)其他处理 1", "(六)其他处理 1.申请人无正当理由逾期不补正 1")
    assert detect_template(t3_2021, None) == "2021"
    assert detect_template(t3_2019, 2022) == "2021"  # a year still decides


def test_context_excerpt_of_sections_3_and_4_decodes_2019_rows(tmp_path: Path, rules: Tagger) -> None:
    rows = [
        ("一、本年新收政府信息公开申请数量", (6, 1, 0, 0, 0, 0, 7)),
        ("二、上年结转政府信息公开申请数量", (0, 0, 0, 0, 0, 0, 0)),
        ("（一）予以公开", (4, 1, 0, 0, 0, 0, 5)),
        ("（六）其他处理", (2, 0, 0, 0, 0, 0, 2)),
        ("（七）总计", (6, 1, 0, 0, 0, 0, 7)),
        ("四、结转下年度继续办理", (0, 0, 0, 0, 0, 0, 0)),
    ]
    body = [
        "三、收到和处理政府信息公开申请情况",
        "申请人情况 自然人 法人或其他组织 总计",
        "商业企业 科研机构 社会公益组织 法律服务机构 其他",
    ]
    for label, vals in rows:
        if label == "（一）予以公开":
            body.append("三、本年度办理结果")
        body.append(label + " " + " ".join(map(str, vals)))
    body += [
        "四、政府信息公开行政复议、行政诉讼情况",
        "行政复议 行政诉讼",
        "结果维持 结果纠正 其他结果 尚未审结 总计",
        "0 " * 14 + "0",
    ]
    rec = _tag(tmp_path, "\n".join(body) + "\n", rules)
    assert rec["status"] != "failed", rec["errors"]
    assert rec["template"] == "2019"
    got = {k: c["value"] for k, c in rec["cells"].items()}
    assert got["t3.other.total"] == "2" and got["t3.other.natural_person"] == "2"
    assert got["t3.granted.commercial"] == "1"
    assert [s["key"] for s in rec["sections"]] == ["s3", "s4"]


def test_segment_spaced_row_keeps_sign_word_unit_and_bracketed_label_whole(tmp_path: Path, rules: Tagger) -> None:
    # a 2019 table 2 printed with spaces everywhere: "增 7", "330.5 元", a label broken inside its brackets
    rows = (
        "柳湾乡人民政府2019年政府信息公开工作年度报告",
        "一、总体情况",
        "本乡持续推进政务公开。",
        "二、主动公开政府信息情况",
        "第二十条第（五）项",
        "信息内容 上一年项目数量 本年增/减 处理决定数量",
        "行政许可 31 增 7 64",
        "第二十条第（八）项",
        "信息内容 上一年项目数量 本年增/减",
        "行政事业性收费 4 减 1",
        "第二十条第（九）项",
        "信息内容 采购项目数量 采购总金额",
        "政府集中采购 6 330.5 元",
    )
    text = "\n".join(rows)
    rec = _tag(tmp_path, text + "\n", rules)
    got = {k: c["value"] for k, c in rec["cells"].items()}
    assert got["t2.art20_5.licensing.change"] == "增7"
    assert got["t2.art20_5.licensing.decisions"] == "64"
    assert got["t2.art20_8.fees.change"] == "减1"
    assert got["t2.art20_9.procurement.amount"] == "330.5元"

    legacy_rows = (
        "桐林街道办事处2017年政府信息公开工作年度报告",
        "一、概述",
        "本街道推进政务公开。",
        "二、政府信息公开情况统计表",
        "统计指标 单位 统计数",
        "（一）政府信息公开工作专门机构数 个 2",
        "1.专职人员数（不包括政府公报及政府网站 工作人员数） 人 3",
        "2.兼职人员数 人 5",
    )
    legacy = "\n".join(legacy_rows)
    rec = _tag(tmp_path, legacy + "\n", rules, name="l.txt")
    got = {k: c["value"] for k, c in rec["cells"].items()}
    assert got.get("legacy.1.专职人员数(不包括政府公报及政府网站工作人员数)") == "3", got
    assert got.get("legacy.2.兼职人员数") == "5"


def _md_report(junk: bool) -> str:
    """A PDF→Markdown conversion of table 3: some rows' labels detached above a bare row of numbers."""
    t3 = t3_rows()

    def cells(key: str) -> str:
        vals = [str(v) for v in t3[key]]
        if junk:  # a mis-decoded page: '?' before or U+FFFD after every number
            vals = ["?" + v if i % 2 else v + "\ufffd" for i, v in enumerate(vals)]
        return " | ".join(vals)

    lines = [
        f"# {AGENCY}2023年政府信息公开工作年度报告",
        "## 三、收到和处理政府信息公开申请情况",
        "| 申请人情况 | 自然人 | 商业企业 | 科研机构 | 社会公益组织 | 法律服务机构 | 其他 | 总计 |",
        "|---|---|---|---|---|---|---|---|",
    ]
    detached = ("denied.internal_affairs", "denied.process_info")
    for key, label in LABELS.items():
        if key == detached[0]:  # both labels printed as text lines (wrapped), then their two bare rows
            for k in detached:
                lines += ["", LABELS[k][:7], LABELS[k][7:]]
            for k in detached:
                lines += ["", f"| {cells(k)} |", "|---|---|---|---|---|---|---|"]
            lines += [
                "",
                "| 申请人情况 | 自然人 | 商业企业 | 科研机构 | 社会公益组织 | 法律服务机构 | 其他 | 总计 |",
                "|---|---|---|---|---|---|---|---|",
            ]
        elif key not in detached:
            lines.append(f"| {label} | {cells(key)} |")
    lines += ["", "## 四、政府信息公开行政复议、行政诉讼情况", "本年度无行政复议和行政诉讼。"]
    return "\n".join(lines) + "\n"


def test_markdown_junk_around_numbers_reads_as_the_clean_conversion(tmp_path: Path, rules: Tagger) -> None:
    clean = _tag(tmp_path, _md_report(False), rules, name="c.md")
    dirty = _tag(tmp_path, _md_report(True), rules, name="d.md")
    want = {
        f"t3.{row}.{col}": str(v)
        for row, vals in t3_rows().items()
        for col, v in zip(schema.T3_COL_KEYS, vals, strict=True)
    }
    got_clean = {k: c["value"] for k, c in clean["cells"].items()}
    got_dirty = {k: c["value"] for k, c in dirty["cells"].items()}
    assert got_clean["t3.granted.total"] == "16" and got_clean["t3.denied.process_info.natural_person"] == "2"
    assert got_dirty == got_clean
    for key in (
        "t3.granted.natural_person",
        "t3.denied.process_info.total",
        "t3.unavailable.not_held.total",
        "t3.total_processed.total",
    ):
        assert got_dirty[key] == want[key], key


def test_glued_blank_row_label_before_a_heading_is_not_its_title(tmp_path: Path, rules: Tagger) -> None:
    # one line (a crawler's text); table 3's last row printed blank, so its label runs into section 四
    lines = lined_glued_report().split("\n")
    t3 = t3_rows()
    row = LABELS["carried_forward"] + "".join(str(v) for v in t3["carried_forward"])
    lines[lines.index(row)] = LABELS["carried_forward"]
    text = "".join(lines)
    assert "继续办理四、政府信息公开行政复议" in text
    rec = _tag(tmp_path, "标题: 年报\n" + text + "\n", rules)
    titles = {s["key"]: s["title"] for s in rec["sections"]}
    assert titles["s4"] == "四、政府信息公开行政复议、行政诉讼情况"
    assert titles["s3"] == "三、收到和处理政府信息公开申请情况"


def cell_per_line_t3(partial_label: str) -> str:
    """Sections 三–四 of the invented report rendered one cell per line (a crawler of a Word table)."""
    lines = [
        "三、收到和处理政府信息公开申请情况",
        "申请人情况",
        "自然人",
        "法人或其他组织",
        "总计",
        "商业企业",
        "科研机构",
        "社会公益组织",
        "法律服务机构",
        "其他",
    ]
    t3 = t3_rows()
    for key, label in LABELS.items():
        if key in GROUPS:
            lines.append(GROUPS[key])
        lines.append(partial_label if key == "partial" else label)
        lines += [str(v) for v in t3[key]]
    lines += ["四、政府信息公开行政复议、行政诉讼情况", "行政复议", "行政诉讼"]
    lines += [str(v) for g in T4 for v in g]
    return "\n".join(lines) + "\n"


def test_segment_label_with_spaced_parenthetical_is_one_cell(tmp_path: Path, rules: Tagger) -> None:
    text = cell_per_line_t3("（二）部分公开 （区分处理的， 只计这一情形， 不计其他情形）")
    rec = _tag(tmp_path, text, rules)
    got = {k: c["value"] for k, c in rec["cells"].items()}
    for row in ("partial", "granted", "other.other", "total_processed"):
        for col, v in zip(schema.T3_COL_KEYS, t3_rows()[row], strict=True):
            assert got.get(f"t3.{row}.{col}") == str(v), (row, col, got.get(f"t3.{row}.{col}"))


def test_glued_ordinal_followed_by_a_space_goes_back_to_its_label(tmp_path: Path, rules: Tagger) -> None:
    # one line; the crawler printed "6. 属于四类过程性信息" (a space after the ordinal's dot)
    import re

    body = "".join(re.sub(r"^(\d)\.", r"\1. ", ln) for ln in lined_glued_report().split("\n"))
    assert "00000006. 属于四类过程性信息2000002" in body
    rec = _tag(tmp_path, "标题: 年报\n" + body + "\n", rules)
    got = {k: c["value"] for k, c in rec["cells"].items()}
    for row in ("denied.internal_affairs", "denied.process_info", "unavailable.not_held", "other.other"):
        for col, v in zip(schema.T3_COL_KEYS, t3_rows()[row], strict=True):
            assert got.get(f"t3.{row}.{col}") == str(v), (row, col, got.get(f"t3.{row}.{col}"))


def test_glued_spaced_legacy_table_with_blank_rows_and_footer(tmp_path: Path, rules: Tagger) -> None:
    # a crawler's one line: a legacy 统计表 with its header spaced out, rows printed blank between
    # filled ones, and the form's footer (phone number) after the last row
    body = (
        "渔湾乡人民政府2016年政府信息公开工作年度报告 一、概述 2016 年，本乡推进政府信息公开。"
        " 二、主动公开政府信息情况 全年主动公开信息57条。 三、其他需要报告的事项 无。"
        " 附表：政府信息公开情况统计表 （2016 年度） 统 计 指 标 单位 统计数"
        " 一、主动公开情况 （一）主动公开政府信息数 条 57 其中：主动公开规范性文件数 件 4 制发规范性文件总数 件"
        " （二）通过不同渠道和方式公开政府信息的情况 1.政府公报公开政府信息数 条 2.政府网站公开政府信息数 条 49"
        " 3.政务微博公开政府信息数 条 4.政务微信公开政府信息数 条 8"
        " 二、依申请公开情况 （一）收到申请数 件 2 1.当面申请数 件 2.网络申请数 件 2"
        " 三、机构建设情况 （一）政府信息公开工作专门机构数 个 1 （二）从事政府信息公开工作人员数 人 3"
        " 单位负责人：李四 填报人：张三 联系电话：61234567 填报日期：2017年1月20日"
    )
    rec = _tag(tmp_path, "标题: 年报\n" + body + "\n", rules)
    assert rec["template"] == "legacy"
    got = {k: c["value"] for k, c in rec["cells"].items()}
    want = {
        "legacy.(一)主动公开政府信息数": "57",
        "legacy.其中:主动公开规范性文件数": "4",
        "legacy.2.政府网站公开政府信息数": "49",
        "legacy.4.政务微信公开政府信息数": "8",
        "legacy.(一)收到申请数": "2",
        "legacy.2.网络申请数": "2",
        "legacy.(一)政府信息公开工作专门机构数": "1",
        "legacy.(二)从事政府信息公开工作人员数": "3",
    }
    assert got == want


def test_glued_legacy_heading_title_after_a_space_or_a_year(tmp_path: Path, rules: Tagger) -> None:
    body = (
        "渔湾乡人民政府2016年政府信息公开工作年度报告 一、概述 本乡推进政府信息公开，"
        + "完善公开制度，拓展公开渠道，" * 6
        + "取得成效。"
        " 二、 主动公开政府信息情况 全年主动公开信息57条。 三、2017年政府信息公开工作的计划和安排 继续推进公开。"
        " 四、政府信息公开情况统计表 统计指标 单位 统计数 （一）主动公开政府信息数 条 57 （二）收到申请数 件 2"
        " （三）接受培训人员数 人次 31 （四）举办培训班数 次 2"
    )
    rec = _tag(tmp_path, "标题: 年报\n" + body + "\n", rules)
    titles = [s["title"] for s in rec["sections"]]
    assert titles[:3] == ["一、概述", "二、 主动公开政府信息情况", "三、2017年政府信息公开工作的计划和安排"], titles
    assert rec["cells"]["legacy.(三)接受培训人员数"]["value"] == "31"


def test_segment_label_wrapped_inside_its_parenthetical_joins(tmp_path: Path, rules: Tagger) -> None:
    text = cell_per_line_t3("（二）部分公开 （区分处理的，\n只计这一情形， 不计其他情形）")
    assert "（区分处理的，\n只计这一情形" in text
    rec = _tag(tmp_path, text, rules)
    got = {k: c["value"] for k, c in rec["cells"].items()}
    for row in ("partial", "granted", "other.other", "total_processed"):
        for col, v in zip(schema.T3_COL_KEYS, t3_rows()[row], strict=True):
            assert got.get(f"t3.{row}.{col}") == str(v), (row, col, got.get(f"t3.{row}.{col}"))


def test_segment_narrative_line_naming_a_statistics_table_is_not_one(tmp_path: Path, rules: Tagger) -> None:
    # a PDF text layer wraps the narrative; one short piece names the attached 统计表 in passing
    text = "\n".join(
        [
            f"{AGENCY}2023年政府信息公开工作年度报告",
            "本报告由总体情况等六个部分组成，",
            "并附相关指标统计表。统计周期为",
            "2023年1月1日至12月31日。",
            "一、总体情况",
            "本镇持续深化政务公开。",
            "二、主",
            "动公开政府信息情况",
            "第二十条第（一）项",
            "信息内容 本年制发件数 本年废止件数 现行有效件数",
            "规章 0 0 0",
            "行政规范性文件 2 1 19",
            "三、收到和处",
            "理政府信息公开申请情况",
            "本年新收申请23件。",
        ]
    )
    rec = _tag(tmp_path, text + "\n", rules)
    titles = {s["key"]: s["title"] for s in rec["sections"]}
    assert titles.get("s2") == "二、主动公开政府信息情况", titles
    assert titles.get("s3") == "三、收到和处理政府信息公开申请情况", titles


def test_segment_heading_glued_to_its_paragraph_is_a_section(tmp_path: Path, rules: Tagger) -> None:
    para = "本镇深入贯彻落实《中华人民共和国政府信息公开条例》，坚持以公开为常态、不公开为例外，" * 3
    text = "\n".join(
        [
            f"{AGENCY}2023年政府信息公开工作年度报告",
            "一、总体情况" + "2023年，" + para,
            "二、主动公开政府信息情况",
            "第二十条第（一）项",
            "信息内容 本年制发件数 本年废止件数 现行有效件数",
            "行政规范性文件 2 1 19",
            "五、存在的主要问题及改进情况" + "一是" + para,
        ]
    )
    rec = _tag(tmp_path, text + "\n", rules)
    titles = {s["key"]: s["title"] for s in rec["sections"]}
    assert titles.get("s1") == "一、总体情况", titles
    assert titles.get("s5") == "五、存在的主要问题及改进情况", titles
    assert titles.get("s2") == "二、主动公开政府信息情况", titles


def test_glued_legacy_table_glued_with_blank_rows_and_a_dated_header(tmp_path: Path, rules: Tagger) -> None:
    # the same kind of 统计表 as one glued line: no spaces between cells, units glued between label and
    # value, a header '(2016年度) … 统 计 指 标单位统计数' and blank rows between filled ones
    body = (
        "渔湾乡人民政府2016年政府信息公开工作年度报告 一、概述 本乡推进政府信息公开，"
        + "完善公开制度，拓展公开渠道，" * 6
        + "取得成效。二、政府信息公开情况统计表(2016年度)填报单位(盖章):渔湾乡人民政府统 计 指 标单位统计数"
        "一、主动公开情况(一)主动公开政府信息数条57其中:主动公开规范性文件数件4制发规范性文件总数件"
        "(二)通过不同渠道和方式公开政府信息的情况1.政府公报公开政府信息数条2.政府网站公开政府信息数条49"
        "3.政务微博公开政府信息数条4.政务微信公开政府信息数条8"
        "二、依申请公开情况(一)收到申请数件21.当面申请数件2.网络申请数件2"
        "三、机构建设情况(一)政府信息公开工作专门机构数个1(二)从事政府信息公开工作人员数人3"
    )
    rec = _tag(tmp_path, "标题: 年报\n" + body + "\n", rules)
    assert rec["template"] == "legacy"
    got = {k: c["value"] for k, c in rec["cells"].items()}
    for key, value in {
        "legacy.(一)主动公开政府信息数": "57",
        "legacy.其中:主动公开规范性文件数": "4",
        "legacy.2.政府网站公开政府信息数": "49",
        "legacy.4.政务微信公开政府信息数": "8",
        "legacy.(一)政府信息公开工作专门机构数": "1",
        "legacy.(二)从事政府信息公开工作人员数": "3",
    }.items():
        assert got.get(key) == value, (key, got.get(key), got)


def test_segment_heading_glued_after_a_pipe_rows_last_cell(tmp_path: Path, rules: Tagger) -> None:
    t3 = t3_rows()
    lines = [
        f"{AGENCY}2023年政府信息公开工作年度报告",
        "三、收到和处理政府信息公开申请情况",
        "申请人情况 | 自然人 | 商业企业 | 科研机构 | 社会公益组织 | 法律服务机构 | 其他 | 总计",
    ]
    for key in ("new_received", "carried_over", "total_processed"):
        lines.append(LABELS[key] + " | " + " | ".join(str(v) for v in t3[key]))
    row = LABELS["carried_forward"] + " | " + " | ".join(str(v) for v in t3["carried_forward"])
    lines.append(row + " | |四、政府信息公开行政复议、行政诉讼情况")  # the heading glued after the last "|"
    lines += ["行政复议 | 行政诉讼", "五、存在的主要问题及改进情况", "解读形式较单一。"]
    rec = _tag(tmp_path, "\n".join(lines) + "\n", rules)
    titles = {s["key"]: s["title"] for s in rec["sections"]}
    assert titles.get("s4") == "四、政府信息公开行政复议、行政诉讼情况", titles
    got = {k: c["value"] for k, c in rec["cells"].items()}
    assert [got.get(f"t3.carried_forward.{c}") for c in schema.T3_COL_KEYS] == [str(v) for v in t3["carried_forward"]]
