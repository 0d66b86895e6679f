"""Reports whose whole body is one line with the table cells glued together (ogi.glued).

Every report here is built from scratch (invented agency and numbers): a crawler's rendering of a
2021-template report with no separators between cells, the same with spaces between cells, a 2019
table 2 with a negative change, and a legacy 统计表 with a 历年累计 column.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from ogi import schema
from ogi.glued import looks_glued, split_run, t3_prior
from ogi.pipeline import tag_path
from ogi.taggers import load_tagger
from template_2021 import T3_LABELS_2021 as T3_LABELS
from template_2021 import row_np_com as _row

AGENCY = "青禾县农业农村局"

# table 3 leaf rows (2021) with (natural person, commercial) values; the other four applicant columns are 0
LEAVES = {
    "granted": (1, 10),  # 1|10|…|11 and 11|0|…|11 both hold the row total: only the column sums decide
    "partial": (5, 0),
    "denied.state_secret": (0, 0),
    "denied.law_prohibited": (0, 0),
    "denied.three_safety": (0, 0),
    "denied.third_party": (2, 0),
    "denied.internal_affairs": (0, 0),
    "denied.process_info": (1, 0),
    "denied.enforcement_file": (0, 0),
    "denied.admin_query": (0, 0),
    "unavailable.not_held": (12, 0),
    "unavailable.needs_creation": (0, 0),
    "unavailable.unclear": (3, 0),
    "not_processed.petition": (0, 0),
    "not_processed.repeat": (1, 0),
    "not_processed.publication": (0, 0),
    "not_processed.massive_repeat": (0, 0),
    "not_processed.confirm_info": (0, 0),
    "other.overdue_correction": (2, 0),
    "other.overdue_fee": (0, 0),
    "other.other": (0, 0),
}
CARRIED_OVER = (2, 0)
CARRIED_FORWARD = (5, 0)
# table 4: review 21 3 0 1 25 | direct 0 0 0 0 0 | after review 0 1 0 0 1 (17 digits, one split holds all three group sums)
T4 = ((21, 3, 0, 1, 25), (0, 0, 0, 0, 0), (0, 1, 0, 0, 1))

GROUP_BEFORE = {
    "granted": "三、本年度办理结果",
    "denied.state_secret": "（三）不予公开",
    "unavailable.not_held": "（四）无法提供",
    "not_processed.petition": "（五）不予处理",
    "other.overdue_correction": "（六）其他处理",
}


def t3_truth() -> dict[str, tuple[int, ...]]:
    """Every table-3 row of the invented report, its identities holding."""
    rows = {k: _row(*v) for k, v in LEAVES.items()}
    tp = tuple(sum(r[c] for r in rows.values()) for c in range(7))
    co, cf = _row(*CARRIED_OVER), _row(*CARRIED_FORWARD)
    nr = tuple(tp[c] + cf[c] - co[c] for c in range(7))
    out = {"new_received": nr, "carried_over": co}
    out.update(rows)
    out["total_processed"] = tp
    out["carried_forward"] = cf
    return out


def report_2021(sep: str = "", subtotal: bool = False, t4_header: bool = True) -> str:
    """A 2021-template report rendered as a crawler does: metadata lines, then the body on ONE line.

    ``subtotal`` adds a 小计 column (the five organisations' sum) after 其他; ``t4_header=False`` prints
    table 4's cells straight after its section heading.
    """
    j = sep.join
    body = [
        f"本报告根据《中华人民共和国政府信息公开条例》编制，由{AGENCY}发布。",
        "一、总体情况 2022年，本局持续推进政务公开，全年主动公开政府信息826条，本年制发行政规范性文件12件。",
        "二、主动公开政府信息情况",
        "第二十条第（一）项信息内容本年制发件数本年废止件数现行有效件数",
        "规章" + j("000") if sep else "规章000",
        "行政规范性文件" + j(["12", "3", "85"]),
        "第二十条第（五）项信息内容本年处理决定数量行政许可3371",
        "第二十条第（六）项信息内容本年处理决定数量行政处罚208行政强制15",
        "第二十条第（八）项信息内容本年收费金额（单位：万元）行政事业性收费12.5",
        "三、收到和处理政府信息公开申请情况（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）",
        "申请人情况自然人法人或其他组织总计商业企业科研机构社会公益组织法律服务机构其他" + ("小计" if subtotal else ""),
    ]
    t3 = t3_truth()
    for key, label in T3_LABELS.items():
        if key in GROUP_BEFORE:
            body.append(GROUP_BEFORE[key])
        vals = t3[key][:6] + ((sum(t3[key][1:6]),) if subtotal else ()) + t3[key][6:]
        body.append(label + sep + j(str(v) for v in vals))
    body.append("四、政府信息公开行政复议、行政诉讼情况")
    if t4_header:
        body.append("行政复议行政诉讼结果维持结果纠正其他结果尚未审结总计未经复议直接起诉复议后起诉" + "结果维持结果纠正其他结果尚未审结总计" * 2)
    body.append(j(str(v) for g in T4 for v in g))
    body.append("五、存在的主要问题及改进情况 一是政策解读形式较单一；二是基层公开标准化有待加强。下一步将逐项整改。")
    body.append("六、其他需要报告的事项 本年度未收取信息处理费。")
    head = [f"标题: {AGENCY}2022年政府信息公开工作年度报告", "发布时间: 2023-01-20 09:00", "=" * 10 + " 正文 " + "=" * 10]
    text = sep.join(body)
    return "\n".join(head) + "\n" + text + "\n"


@pytest.fixture(scope="module")
def rules():
    return load_tagger("rules")


def _tag(tmp_path: Path, text: str, rules, name: str = "r.txt") -> dict:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return tag_path(p, rules)


def _expected_t3() -> dict[str, str]:
    out = {}
    for row, vals in t3_truth().items():
        for col, v in zip(schema.T3_COL_KEYS, vals, strict=True):
            out[f"t3.{row}.{col}"] = str(v)
    return out


def _expected_t4() -> dict[str, str]:
    return {f"t4.{k}": str(v) for k, v in zip(schema.T4_CELL_COLS, [v for g in T4 for v in g], strict=True)}


def test_glued_one_line_2021_report_split_by_row_and_column_identities(tmp_path: Path, rules) -> None:
    text = report_2021()
    body = text.split("\n")[3]
    assert "予以公开110000011" in body and "国家秘密00000002.其他法律" in body  # glued as crawlers do
    rec = _tag(tmp_path, text, rules)
    assert rec["status"] == "success", rec["errors"]
    assert rec["template"] == "2021"
    assert [s["key"] for s in rec["sections"]] == ["s1", "s2", "s3", "s4", "s5", "s6"]
    assert rec["sections"][2]["title"] == "三、收到和处理政府信息公开申请情况"
    got = {k: c["value"] for k, c in rec["cells"].items()}
    for key, value in {**_expected_t3(), **_expected_t4()}.items():
        assert got.get(key) == value, (key, got.get(key), value)
    # 1|10|0|0|0|0|11 holds the row total as 11|0|…|11 does: the column sums decide, so not ambiguous
    assert not rec["cells"]["t3.granted.commercial"]["ambiguous"]
    assert got["t2.art20_1.regulations.issued"] == "0" and not rec["cells"]["t2.art20_1.regulations.in_force"]["ambiguous"]
    # 12385: no identity in table 2; the narrative's 12件 and 现行有效 ≥ 制发 choose, and say so
    assert [got[f"t2.art20_1.normative_docs.{c}"] for c in ("issued", "repealed", "in_force")] == ["12", "3", "85"]
    assert rec["cells"]["t2.art20_1.normative_docs.in_force"]["ambiguous"]
    assert got["t2.art20_5.licensing.decisions"] == "3371"
    assert got["t2.art20_6.penalty.decisions"] == "208" and got["t2.art20_6.coercion.decisions"] == "15"
    assert got["t2.art20_8.fees.fee_amount"] == "12.5"
    assert len(got) == 10 + 25 * 7 + 15
    # positions stay right on the one line: each value's line is the body's line (4), never another
    assert {c["line"] for c in rec["cells"].values()} == {4}


def test_glued_same_report_with_spaces_between_cells(tmp_path: Path, rules) -> None:
    text = report_2021(sep=" ")
    assert "予以公开 1 10 0 0 0 0 11" in text
    rec = _tag(tmp_path, text, rules)
    got = {k: c["value"] for k, c in rec["cells"].items()}
    for key, value in {**_expected_t3(), **_expected_t4()}.items():
        assert got.get(key) == value, (key, got.get(key), value)
    assert [got[f"t2.art20_1.normative_docs.{c}"] for c in ("issued", "repealed", "in_force")] == ["12", "3", "85"]
    # the spaces settle every cell: nothing is ambiguous
    assert not [k for k, c in rec["cells"].items() if c["ambiguous"]]
    assert [s["key"] for s in rec["sections"]] == ["s1", "s2", "s3", "s4", "s5", "s6"]


def report_2019_t2() -> str:
    body = (
        "一、总体情况 2020年本办公开信息315条。二、主动公开政府信息情况"
        "第二十条第（一）项信息内容本年新制作数量本年新公开数量对外公开总数量规章000规范性文件000"
        "第二十条第（五）项信息内容上一年项目数量本年增/减处理决定数量行政许可21010"
        "第二十条第（六）项信息内容上一年项目数量本年增/减处理决定数量行政处罚906-5112行政强制4708"
        "第二十条第（八）项信息内容上一年项目数量本年增/减行政事业性收费60"
        "三、收到和处理政府信息公开申请情况申请人情况自然人法人或其他组织总计商业企业科研机构社会公益组织法律服务机构其他"
        "一、本年新收政府信息公开申请数量3000003二、上年结转政府信息公开申请数量0000000"
        "三、本年度办理结果（一）予以公开3000003（七）总计3000003四、结转下年度继续办理0000000"
        "四、政府信息公开行政复议、行政诉讼情况行政复议行政诉讼结果维持结果纠正其他结果尚未审结总计"
        "未经复议直接起诉复议后起诉结果维持结果纠正其他结果尚未审结总计结果维持结果纠正其他结果尚未审结总计000000000000000"
        "五、存在的主要问题及改进情况 公开深度不够。六、其他需要报告的事项 无。"
    )
    return "标题: 白沙镇人民政府2020年政府信息公开工作年度报告\n" + body + "\n"


def test_glued_negative_change_and_zero_change_prior(tmp_path: Path, rules) -> None:
    rec = _tag(tmp_path, report_2019_t2(), rules)
    assert rec["template"] == "2019"
    got = {k: c["value"] for k, c in rec["cells"].items()}
    # "906-5112": the sign starts 本年增/减; the change takes the fewest digits (906 | -5 | 112)
    assert [got[f"t2.art20_6.penalty.{c}"] for c in ("prev_count", "change", "decisions")] == ["906", "-5", "112"]
    # "21010" and "4708": a change of 0 is the common case (21 | 0 | 10, 47 | 0 | 8)
    assert [got[f"t2.art20_5.licensing.{c}"] for c in ("prev_count", "change", "decisions")] == ["21", "0", "10"]
    assert [got[f"t2.art20_6.coercion.{c}"] for c in ("prev_count", "change", "decisions")] == ["47", "0", "8"]
    assert [got[f"t2.art20_8.fees.{c}"] for c in ("prev_count", "change")] == ["6", "0"]
    assert rec["cells"]["t2.art20_6.penalty.decisions"]["ambiguous"]  # the text alone cannot decide
    assert got["t3.granted.natural_person"] == "3" and got["t3.granted.total"] == "3"
    assert got["t4.review.total"] == "0"


def report_legacy() -> str:
    body = (
        "当前位置： 首页 政务公开 石岭县2016年度政府信息公开工作年度报告 "
        "本报告由概述、主动公开政府信息情况等部分组成。一、概述 2016年，我县主动公开政府信息305条，其中政府网站公开285条。"
        "二、主动公开政府信息情况 主要通过网站公开。三、依申请公开情况 全年受理申请12件。"
        "四、存在的主要问题和改进措施 一是公开不够及时。五、政府信息公开情况统计表"
        "指标名称计量单位2016年度历年累计"
        "主动公开政府信息数条3051208其中：1、政府网站公开数条28511002、政府公报公开数条20108"
        "受理政府信息依申请公开总数件1245其中：1、当面申请数件5202、网上申请数件725"
        "行政复议数件00行政诉讼数件01 附件下载"
    )
    return "标题: 石岭县2016年度政府信息公开工作年度报告\n" + body + "\n"


def test_glued_legacy_table_year_column_only(tmp_path: Path, rules) -> None:
    rec = _tag(tmp_path, report_legacy(), rules)
    assert rec["template"] == "legacy"
    assert [s["key"] for s in rec["sections"]] == [f"legacy.{i}" for i in range(1, 6)]
    assert rec["sections"][-1]["title"] == "五、政府信息公开情况统计表"
    got = {k: c["value"] for k, c in rec["cells"].items()}
    assert got == {
        "legacy.主动公开政府信息数": "305",
        "legacy.其中:1、政府网站公开数": "285",
        "legacy.2、政府公报公开数": "20",
        "legacy.受理政府信息依申请公开总数": "12",
        "legacy.其中:1、当面申请数": "5",
        "legacy.2、网上申请数": "7",
        "legacy.行政复议数": "0",
        "legacy.行政诉讼数": "0",  # a year column of 0 beside a cumulative 1
    }
    # the narrative (305条) and the 其中 identities (285 + 20 = 305, 1100 + 108 = 1208) settle every split
    assert not [k for k, c in rec["cells"].items() if c["ambiguous"]]


def test_glued_legacy_sub_row_identity_decides_without_narrative(tmp_path: Path, rules) -> None:
    text = report_legacy().replace("主动公开政府信息305条，其中政府网站公开285条", "主动公开政府信息若干条")
    rec = _tag(tmp_path, text, rules)
    cells = rec["cells"]
    assert cells["legacy.主动公开政府信息数"]["value"] == "305"
    assert cells["legacy.其中:1、政府网站公开数"]["value"] == "285"
    assert not cells["legacy.主动公开政府信息数"]["ambiguous"]


def test_glued_split_run_is_bounded_and_exact() -> None:
    cols = schema.T3_COL_KEYS
    cands, exact = split_run("21710000218", cols, ((tuple(range(6)), 6),), t3_prior, 7)
    assert exact and cands[0].texts == ("217", "1", "0", "0", "0", "0", "218")
    assert len(cands) == 1  # the only split holding the row total without leading zeros
    # a run no split can explain comes back without the identity flag, never raising
    _, exact = split_run("9" * 60, cols, ((tuple(range(6)), 6),), t3_prior, 7)
    assert not exact


def test_glued_short_lines_and_line_layouts_are_not_running_text() -> None:
    assert not looks_glued("规章000行政规范性文件6233440")
    assert not looks_glued("2021年，本机关全年主动公开信息1000条。" * 20)
    assert looks_glued(report_2021().split("\n")[3])


def test_glued_megabyte_line_finishes_in_seconds(tmp_path: Path, rules) -> None:
    body = report_2021().split("\n")[3]
    filler = "本机关坚持以公开为常态，全年开展培训12次，发布解读35篇。" * (1_000_000 // 60)
    text = "标题: 测试\n" + body + filler + "\n"
    assert len(text.encode("utf-8")) > 1_000_000
    t0 = time.perf_counter()
    rec = _tag(tmp_path, text, rules)
    elapsed = time.perf_counter() - t0
    assert rec["cells"]["t3.granted.commercial"]["value"] == "10"
    assert elapsed < 20, elapsed


def test_glued_spaced_legacy_table_with_group_rows_and_short_sections(tmp_path: Path, rules) -> None:
    body = (
        "一、概述 2015年本乡公开信息。二、主动公开情况 通过网站公开。三、依申请公开情况 无。四、收费及减免情况 无。"
        "五、附表 统计指标 单位 统计数 一、主动公开情况 —— —— (一)主动公开政府信息数 条 86 其中:主动公开规范性文件数 条 3 "
        "(二)通过不同渠道和方式公开政府信息的情况 —— —— 1.政府公报公开政府信息数 条 0 2.政府网站公开政府信息数 条 86 "
        "二、依申请公开情况 —— —— (一)收到申请数 件 4 1.当面申请数 件 1 2.网上申请数 件 3 三、行政复议数量 件 0 "
        "单位负责人:某某 填报日期:2016年1月"
    )
    rec = _tag(tmp_path, "标题: 东岭乡人民政府2015年政府信息公开工作年度报告\n" + body + "\n", rules)
    assert [s["title"] for s in rec["sections"]] == ["一、概述", "二、主动公开情况", "三、依申请公开情况", "四、收费及减免情况", "五、附表"]
    got = {k: c["value"] for k, c in rec["cells"].items()}
    assert got == {
        "legacy.(一)主动公开政府信息数": "86",
        "legacy.其中:主动公开规范性文件数": "3",
        "legacy.1.政府公报公开政府信息数": "0",
        "legacy.2.政府网站公开政府信息数": "86",
        "legacy.(一)收到申请数": "4",
        "legacy.1.当面申请数": "1",
        "legacy.2.网上申请数": "3",
        "legacy.三、行政复议数量": "0",
    }


def test_glued_spaced_variants_subtotal_column_no_table4_header_and_missing_section_five(tmp_path: Path, rules) -> None:
    text = report_2021(sep=" ", subtotal=True, t4_header=False)
    text = text.replace("五、存在的主要问题及改进情况", "(一)存在问题").replace("六、其他需要报告的事项", "五、其他需要报告的事项")
    assert "予以公开 1 10 0 0 0 0 10 11" in text  # 小计 10 before 总计 11
    rec = _tag(tmp_path, text, rules)
    got = {k: c["value"] for k, c in rec["cells"].items()}
    for key, value in {**_expected_t3(), **_expected_t4()}.items():
        assert got.get(key) == value, (key, got.get(key), value)
    assert [s["key"] for s in rec["sections"]] == ["s1", "s2", "s3", "s4", "s5", "s6"]
    assert rec["sections"][4]["title"] == "(一)存在问题"
