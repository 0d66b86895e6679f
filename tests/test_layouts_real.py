"""Real-report layout families, each built from scratch with invented agencies and numbers.

* cell-per-line crawler renderings of Word tables: headings and table-2 item headers split over
  lines, a number split across two lines (settled by the arithmetic), runs of identical consecutive
  lines collapsed into one, "+1"/"−1" changes, amounts with 元, CRLF line ends, site junk at the end;
* a lined legacy 统计表 with 计量单位 and 历年累计 columns (only the year column is a cell);
* a report with sections and no table (success, zero cells);
* a template part renumbered 一..三 after a narrative numbered 一..六.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ogi.data import Segment, Tag
from ogi.decode import RowGroup
from ogi.pipeline import tag_path
from ogi.schema import T3_COL_KEYS
from ogi.taggers import load_tagger
from ogi.taggers.base import Tagger

MODELS = ("default", "rules")

# Table 3 of an invented county bureau (2021 template); every identity holds.
T3 = [
    ("一、本年新收政府信息公开申请数量", "162 3 0 0 1 0 166"),
    ("二、上年结转政府信息公开申请数量", "4 0 0 0 0 0 4"),
    ("三、本年度办理结果", ""),
    ("（一）予以公开", "70 1 0 0 0 0 71"),
    ("（二）部分公开（区分处理的，只计这一情形，不计其他情形）", "12 0 0 0 0 0 12"),
    ("（三）不予公开", ""),
    ("1.属于国家秘密", "0 0 0 0 0 0 0"),
    ("2.其他法律行政法规禁止公开", "0 0 0 0 0 0 0"),
    ("3.危及“三安全一稳定”", "0 0 0 0 0 0 0"),
    ("4.保护第三方合法权益", "2 0 0 0 0 0 2"),
    ("5.属于三类内部事务信息", "0 0 0 0 0 0 0"),
    ("6.属于四类过程性信息", "1 0 0 0 0 0 1"),
    ("7.属于行政执法案卷", "0 0 0 0 0 0 0"),
    ("8.属于行政查询事项", "0 0 0 0 0 0 0"),
    ("（四）无法提供", ""),
    ("1.本机关不掌握相关政府信息", "45 1 0 0 1 0 47"),
    ("2.没有现成信息需要另行制作", "3 0 0 0 0 0 3"),
    ("3.补正后申请内容仍不明确", "5 0 0 0 0 0 5"),
    ("（五）不予处理", ""),
    ("1.信访举报投诉类申请", "6 0 0 0 0 0 6"),
    ("2.重复申请", "8 1 0 0 0 0 9"),
    ("3.要求提供公开出版物", "0 0 0 0 0 0 0"),
    ("4.无正当理由大量反复申请", "0 0 0 0 0 0 0"),
    ("5.要求行政机关确认或重新出具已获取信息", "0 0 0 0 0 0 0"),
    ("（六）其他处理", ""),
    ("1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", "7 0 0 0 0 0 7"),
    ("2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", "0 0 0 0 0 0 0"),
    ("3.其他", "4 0 0 0 0 0 4"),
    ("（七）总计", "163 3 0 0 1 0 167"),
    ("四、结转下年度继续办理", "3 0 0 0 0 0 3"),
]
T3_KEYS = [
    "new_received",
    "carried_over",
    "",
    "granted",
    "partial",
    "",
    "denied.state_secret",
    "denied.law_prohibited",
    "denied.three_safety",
    "denied.third_party",
    "denied.internal_affairs",
    "denied.process_info",
    "denied.enforcement_file",
    "denied.admin_query",
    "",
    "unavailable.not_held",
    "unavailable.needs_creation",
    "unavailable.unclear",
    "",
    "not_processed.petition",
    "not_processed.repeat",
    "not_processed.publication",
    "not_processed.massive_repeat",
    "not_processed.confirm_info",
    "",
    "other.overdue_correction",
    "other.overdue_fee",
    "other.other",
    "total_processed",
    "carried_forward",
]


def _collapse(lines: list[str]) -> list[str]:
    """Runs of identical consecutive lines printed once, as the crawler does."""
    out: list[str] = []
    for line in lines:
        if not out or out[-1] != line:
            out.append(line)
    return out


def cell_per_line_2021() -> str:
    """A 2021-template report as a crawler renders a Word page: one cell per line."""
    lines = [
        "临江县交通运输局2022年政府信息公开工作年度报告",
        "发布时间：2023-01-20",
        "一、总",  # a heading split over two lines
        "体情况",
        "2022年，临江县交通运输局认真落实政府信息公开条例，全年主动公开各类信息三百余条，办理依申请公开事项一百余件。",
        "二、主动公开政府信息情况",
        "第二十条第",  # the table-2 item header split over five lines
        "（",
        "一",
        "）",
        "项",
        "信息内容",
        "本年制发件数",
        "本年废止件数",
        "现行有效件数",
        "规章",
        "0",
        "0",
        "0",
        "行政规范性文件",
        "5",
        "2",
        "38",
        "第二十条第",
        "（",
        "五",
        "）",
        "项",
        "信息内容",
        "本年处理决定数量",
        "行政许可",
        "1",
        "208",  # 1208 split over two lines: one column, two numbers
        "第二十条第",
        "（",
        "六",
        "）",
        "项",
        "信息内容",
        "本年处理决定数量",
        "行政处罚",
        "56",
        "行政强制",
        "0",
        "第二十条第",
        "（",
        "八",
        "）",
        "项",
        "信息内容",
        "本年收费金额（单位：万元）",
        "行政事业性收费",
        "0",
        "三、收到和处理政府信息公开申请情况",
        "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）",
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
    wrapped = {  # row labels a narrow Word column wrapped over two or three lines
        "（二）部分公开（区分处理的，只计这一情形，不计其他情形）": [
            "（二）部分公开（区分处理的，只",
            "计这一情形，不计其他情形）",
        ],
        "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请": [
            "1.申请人无正当理由逾",
            "期不补正、行政机关不再处理其政府信",
            "息公开申请",
        ],
        "5.属于三类内部事务信息": ["5.属于三类内部事务信", "息"],
        "（一）予以公开": list("（一）予以公开"),  # one character per line
    }
    for label, values in T3:
        lines += wrapped.get(label, [label])
        vals = values.split()
        if label.startswith("一、本年新收"):
            vals = ["1", "62"] + vals[1:]  # 162 printed over two lines
        if label.startswith("2.没有现成信息"):
            vals = ["3", "3"]  # blank cells left out: 自然人 3 and 总计 3, then printed once by the collapse
        lines += vals
    lines[-1] += "四、政府信息公开行政复议、行政诉讼情况"  # the heading glued to the last cell of table 3
    lines += [
        "行政复议",
        "行政诉讼",
        "结果维持",
        "结果纠正",
        "其他结果",
        "尚未审结",
        "总计",
        "未经复议直接起诉",
        "复议后起诉",
        "结果维持",
        "结果纠正",
        "其他结果",
        "尚未审结",
        "总计",
        "结果维持",
        "结果纠正",
        "其他结果",
        "尚未审结",
        "总计",
        "2",
        "1",
        "0",
        "0",
        "3",
        "1",
        "0",
        "0",
        "0",
        "1",
        "0",
        "0",
        "0",
        "0",
        "0",
        "五、存在的主要问题及改进情况",
        "一是公开内容还不够全面，二是解读形式较为单一。下一步，本局将加强培训，提升公开质量。",
        "六、其他需要报告的事项",
        "本年度未收取信息处理费。",
        "翻译",
        "搜索",
        "复制",
    ]
    return "\r\n".join(_collapse(lines)) + "\r\n"


def expected_2021() -> dict[str, str]:
    """Non-zero cells of the report above (zeros whose column the collapse hid are checked apart)."""
    exp = {
        "t2.art20_1.normative_docs.issued": "5",
        "t2.art20_1.normative_docs.repealed": "2",
        "t2.art20_1.normative_docs.in_force": "38",
        "t2.art20_5.licensing.decisions": "1208",
        "t2.art20_6.penalty.decisions": "56",
        "t4.review.maintain": "2",
        "t4.review.correct": "1",
        "t4.review.total": "3",
        "t4.litigation_direct.maintain": "1",
        "t4.litigation_direct.total": "1",
    }
    for key, (_, values) in zip(T3_KEYS, T3, strict=True):
        if not key:
            continue
        for col, v in zip(T3_COL_KEYS, values.split(), strict=True):
            if v != "0":
                exp[f"t3.{key}.{col}"] = v
    return exp


def _row(key: str) -> str:
    return key.rsplit(".", 1)[0] if not key.startswith("t4.") else ".".join(key.split(".")[:2])


def assert_cells(rec: dict, expected: dict[str, str]) -> None:
    """Every expected non-zero cell is predicted: at its key, or, where the layout hid its column
    (the cell is marked ambiguous), with its value somewhere in its row; no other non-zero cell."""
    cells = rec["cells"]
    got = {k: c["value"] for k, c in cells.items() if c["value"] != "0"}
    exact = {k: v for k, v in got.items() if not cells[k]["ambiguous"]}
    loose = sorted((_row(k), v) for k, v in got.items() if cells[k]["ambiguous"])
    missing = {k: v for k, v in expected.items() if exact.get(k) != v}
    assert {k: v for k, v in exact.items() if expected.get(k) != v} == {}
    assert sorted((_row(k), v) for k, v in missing.items()) == loose


@pytest.fixture(scope="module", params=MODELS)
def tagger(request: pytest.FixtureRequest) -> Tagger:
    return load_tagger(request.param)


def _write(tmp_path: Path, name: str, text: str) -> Path:
    p = tmp_path / name
    p.write_bytes(text.encode("utf-8"))
    return p


def test_layouts_cell_per_line_sections_and_cells(tmp_path: Path, tagger: Tagger) -> None:
    rec = tag_path(_write(tmp_path, "cpl.txt", cell_per_line_2021()), tagger)
    assert rec["status"] == "success", rec["errors"]
    assert rec["template"] == "2021"
    assert [s["key"] for s in rec["sections"]] == ["s1", "s2", "s3", "s4", "s5", "s6"]
    assert rec["sections"][0]["title"] == "一、总体情况"
    assert_cells(rec, expected_2021())


def test_layouts_cell_per_line_split_number_by_arithmetic(tmp_path: Path, tagger: Tagger) -> None:
    rec = tag_path(_write(tmp_path, "cpl.txt", cell_per_line_2021()), tagger)
    cells = rec["cells"]
    assert cells["t3.new_received.natural_person"]["value"] == "162"
    assert cells["t3.new_received.total"]["value"] == "166"
    assert cells["t2.art20_5.licensing.decisions"]["value"] == "1208"


def test_layouts_cell_per_line_collapsed_value_run_is_doubled(tmp_path: Path, tagger: Tagger) -> None:
    rec = tag_path(_write(tmp_path, "cpl.txt", cell_per_line_2021()), tagger)
    row = {k: c for k, c in rec["cells"].items() if k.startswith("t3.unavailable.needs_creation.")}
    # one printed "3" that no column alone makes add up: 自然人 3 = 总计 3
    assert sorted(c["value"] for c in row.values()) == ["3", "3"]
    assert all(c["ambiguous"] for c in row.values())
    assert row["t3.unavailable.needs_creation.total"]["value"] == "3"


def test_layouts_cell_per_line_collapsed_zero_run_is_ambiguous(tmp_path: Path, tagger: Tagger) -> None:
    rec = tag_path(_write(tmp_path, "cpl.txt", cell_per_line_2021()), tagger)
    cells = rec["cells"]
    # "规章 0 0 0" printed as one "0": one zero, its column undecidable
    regs = {k: c for k, c in cells.items() if k.startswith("t2.art20_1.regulations.")}
    assert [c["value"] for c in regs.values()] == ["0"]
    assert all(c["ambiguous"] for c in regs.values())
    # a table-3 row of zeros printed as one "0"
    secret = {k: c for k, c in cells.items() if k.startswith("t3.denied.state_secret.")}
    assert [c["value"] for c in secret.values()] == ["0"]
    assert all(c["ambiguous"] for c in secret.values())


def cell_per_line_2019() -> str:
    """A 2019-template report, one cell per line: changes printed "+1" / "−1", an amount with 元."""
    lines = [
        "白石镇人民政府2020年政府信息公开工作年度报告",
        "一、总体情况",
        "2020年，白石镇人民政府扎实推进政务公开，全年主动公开政府信息一百余条。",
        "二、主动公开政府信息情况",
        "第二十条第",
        "（",
        "一",
        "）",
        "项",
        "信息内容",
        "本年新制作数量",
        "本年新公开数量",
        "对外公开总数量",
        "规章",
        "0",
        "0",
        "0",
        "规范性文件",
        "4",
        "3",
        "41",
        "第二十条第（五）项",
        "信息内容",
        "上一年项目数量",
        "本年增/减",
        "处理决定数量",
        "行政许可",
        "26",
        "+1",
        "1530",
        "其他对外管理服务事项",
        "12",
        "−1",
        "40",
        "第二十条第（六）项",
        "信息内容",
        "上一年项目数量",
        "本年增/减",
        "处理决定数量",
        "行政处罚",
        "8",
        "+2",
        "95",
        "行政强制",
        "5",
        "0",
        "17",
        "第二十条第（八）项",
        "信息内容",
        "上一年项目数量",
        "本年增/减",
        "行政事业性收费",
        "6",
        "−1",
        "第二十条第（九）项",
        "信息内容",
        "采购项目数量",
        "采购总金额",
        "政府集中采购",
        "14",
        "251000元",
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
    rows = [r for r in T3 if "逾期" not in r[0] and r[0] != "3.其他"]  # 2019: no sub-rows under （六）
    for label, values in rows:
        if label == "（六）其他处理":
            values = "11 0 0 0 0 0 11"  # 2019: one row (7 + 0 + 4 of the 2021 sub-rows)
        lines.append(label)
        lines += values.split()
    lines += [
        "四、政府信息公开行政复议、行政诉讼情况",
        "行政复议",
        "行政诉讼",
        "结果维持",
        "结果纠正",
        "其他结果",
        "尚未审结",
        "总计",
        "未经复议直接起诉",
        "复议后起诉",
        "结果维持",
        "结果纠正",
        "其他结果",
        "尚未审结",
        "总计",
        "结果维持",
        "结果纠正",
        "其他结果",
        "尚未审结",
        "总计",
        "1",
        "0",
        "0",
        "1",
        "2",
        "0",
        "0",
        "0",
        "0",
        "0",
        "0",
        "0",
        "0",
        "0",
        "0",
        "五、存在的主要问题及改进情况",
        "公开栏目更新不够及时。下一步将加强日常维护。",
        "六、其他需要报告的事项",
        "无。",
        "翻译",
        "搜索",
        "复制",
    ]
    return "\r\n".join(_collapse(lines)) + "\r\n"


def test_layouts_cell_per_line_2019_signed_changes_and_amount(tmp_path: Path, tagger: Tagger) -> None:
    rec = tag_path(_write(tmp_path, "cpl2019.txt", cell_per_line_2019()), tagger)
    assert rec["status"] == "success", rec["errors"]
    assert rec["template"] == "2019"
    assert [s["key"] for s in rec["sections"]] == ["s1", "s2", "s3", "s4", "s5", "s6"]
    cells = {k: (c["value"], c["number"]) for k, c in rec["cells"].items()}
    assert cells["t2.art20_5.licensing.change"] == ("+1", 1)
    assert cells["t2.art20_5.other_services.change"] == ("−1", -1)  # printed text kept (NFKC keeps U+2212)
    assert cells["t2.art20_8.fees.change"] == ("−1", -1)
    assert cells["t2.art20_9.procurement.amount"][0] == "251000元"
    assert cells["t2.art20_1.normative_docs.total_published"] == ("41", 41)
    assert cells["t3.other.total"] == ("11", 11)
    # "1 0 0 1 2" with its zero run collapsed: the two 1s belong to 行政复议, their columns undecidable
    assert cells["t4.review.total"] == ("2", 2)
    ones = [k for k, c in rec["cells"].items() if k.startswith("t4.review.") and c["value"] == "1"]
    assert len(ones) == 2 and all(rec["cells"][k]["ambiguous"] for k in ones)


# An invented legacy 统计表: (label lines, unit, year value, cumulative); "" is a blank cell.
LEGACY_ROWS = [
    (["一、主动公开情况"], "", "", ""),
    (["（一）主动公开政府信息", "数"], "条", "318", "4120"),  # label split over two lines
    (["其中：主动公开规范性文件数"], "件", "7", "96"),
    (["（二）通过不同渠道公开政府信息数"], "条", "", ""),
    (["1.政府网站公开政府信息数"], "条", "290", "3875"),
    (["2.政务微信公开政府信息数"], "条", "0", "1"),  # a year column of 0 beside a cumulative 1
    (["二、依申请公开情况"], "", "", ""),
    (["（一）收到申请数"], "件", "12", "140"),
    (["1.当面申请数"], "件", "", ""),
    (["2.网络申请数"], "件", "12", "133"),
    (["（二）申请答复数"], "件", "11", "139"),
    (["三、行政复议数量"], "件", "", "2"),  # blank year cell: no value
    (["四、依申请公开信息收取的费用"], "万元", "0", "0"),
    (["五、专门机构数"], "个", "1", "1"),
    (["六、网上政务服务平台访问人次", "（含移动端）"], "人次", "5620", "20877"),  # an extra row
]
LEGACY_EXPECTED = {
    "legacy.(一)主动公开政府信息数": "318",
    "legacy.其中:主动公开规范性文件数": "7",
    "legacy.1.政府网站公开政府信息数": "290",
    "legacy.2.政务微信公开政府信息数": "0",
    "legacy.(一)收到申请数": "12",
    "legacy.2.网络申请数": "12",
    "legacy.(二)申请答复数": "11",
    "legacy.四、依申请公开信息收取的费用": "0",
    "legacy.五、专门机构数": "1",
    "legacy.六、网上政务服务平台访问人次(含移动端)": "5620",
}
LEGACY_HEAD = [
    "丰源县农业农村局2016年政府信息公开工作年度报告",
    "一、概述",
    "2016年，我局认真贯彻政府信息公开条例，全年主动公开政府信息318条。",
    "二、主动公开政府信息情况",
    "全年通过局网站公开信息290条，公开规范性文件7件。",
    "三、依申请公开情况",
    "全年收到申请12件，均按期答复。",
    "四、存在的主要问题和改进措施",
    "公开内容还不够丰富，下一步将加强。",
    "附件：政府信息公开情况统计表",
]


def legacy_cell_per_line() -> str:
    """The 统计表 one cell per line (blank cells absent), 10 blank rows at the end, CRLF."""
    lines = list(LEGACY_HEAD) + ["指标名称", "计量单位", "2015年度", "历年累计"]  # the year printed wrong
    for label, unit, value, cum in LEGACY_ROWS:
        lines += label + [x for x in (unit, value, cum) if x]
        if label == ["三、行政复议数量"]:
            lines.pop()  # one-cell-per-line cannot show which column a lone number was in: keep it simple
            lines += ["0", "2"]
    lines += [""] * 10
    return "\r\n".join(lines) + "\r\n"


def legacy_pipe_rows() -> str:
    """The 统计表 as " | " rows with 计量单位 and 历年累计 columns; blank cells kept in place."""
    lines = list(LEGACY_HEAD) + ["指标名称 | 计量单位 | 2015年度 | 历年累计"]
    for label, unit, value, cum in LEGACY_ROWS:
        lines.append(" | ".join(["".join(label), unit, value, cum]))
    lines += [" |  |  | "] * 10
    return "\n".join(lines) + "\n"


def test_layouts_legacy_cell_per_line_year_column_only(tmp_path: Path, tagger: Tagger) -> None:
    rec = tag_path(_write(tmp_path, "legacy.txt", legacy_cell_per_line()), tagger)
    assert rec["status"] == "success", rec["errors"]
    assert rec["template"] == "legacy"
    assert rec["year"] == 2016
    assert [s["key"] for s in rec["sections"]] == ["legacy.1", "legacy.2", "legacy.3", "legacy.4"]
    got = {k: c["value"] for k, c in rec["cells"].items()}
    assert got == {**LEGACY_EXPECTED, "legacy.三、行政复议数量": "0"}


def test_layouts_legacy_pipe_rows_skip_cumulative(tmp_path: Path, tagger: Tagger) -> None:
    rec = tag_path(_write(tmp_path, "legacy.txt", legacy_pipe_rows()), tagger)
    assert rec["status"] == "success", rec["errors"]
    assert rec["template"] == "legacy"
    got = {k: c["value"] for k, c in rec["cells"].items()}
    assert got == LEGACY_EXPECTED


def renumbered_report() -> str:
    """A narrative numbered 一..六 (only 一 a template section), then the template tables renumbered
    一..三, the 四 heading missing (its first subheading follows table 4), a typo in a heading, a
    heading glued to the last row of table 3; rows space-separated."""
    lines = [
        "2023年青禾区科学技术局政府信息公开工作年度报告",
        "一、总体情况",
        "本局认真落实条例，全年公开各类信息二百余条。",
        "二、工作机制保障",
        "本局设立政务公开工作小组，统筹推进公开工作。",
        "三、主动公开工作情况",
        "全年通过网站发布信息二百余条，其中行政规范性文件3件。",
        "四、政府信息公开申请情况",
        "全年收到申请21件，均已办结。",
        "五、政府信息管理",
        "及时更新公开指南。",
        "六、政府信息公开平台建设",
        "网站运行平稳。",
        "一、主动公开政府信息情况",
        "第二十条第（一）项",
        "信息内容 本年制发件数 本年废止件数 现行有效件数",
        "规章 0 0 0",
        "行政规范性文件 3 1 27",
        "第二十条第（五）项",
        "信息内容 本年处理决定数量",
        "行政许可 64",
        "第二十条第（六）项",
        "信息内容 本年处理决定数量",
        "行政处罚 0",
        "行政强制 0",
        "第二十条第（八）项",
        "信息内容 本年收费金额（单位：万元）",
        "行政事业性收费 0",
        "二、收到和处理政府信息公开申请惰况",  # typo: 惰况
        "申请人情况",
        "自然人 商业企业 科研机构 社会公益组织 法律服务机构 其他 总计",
    ]
    rows = {
        "一、本年新收政府信息公开申请数量": "19 2 0 0 0 0 21",
        "二、上年结转政府信息公开申请数量": "1 0 0 0 0 0 1",
        "（一）予以公开": "9 1 0 0 0 0 10",
        "（二）部分公开（区分处理的，只计这一情形，不计其他情形）": "2 0 0 0 0 0 2",
        "1.本机关不掌握相关政府信息": "6 1 0 0 0 0 7",
        "3.其他": "2 0 0 0 0 0 2",
        "（七）总计": "19 2 0 0 0 0 21",
    }
    for label, values in rows.items():
        lines.append(f"{label} {values}")
    lines += [
        "四、结转下年度继续办理 1 0 0 0 0 0 1 三、政府信息公开行政复议、行政诉讼情况",  # heading glued to the row
        "行政复议 行政诉讼",
        "结果维持 结果纠正 其他结果 尚未审结 总计",
        "1 0 0 0 1 0 0 0 0 0 0 0 0 0 0",
        "（一）主要问题",
        "公开栏目设置有待优化。",
        "（二）改进情况",
        "下一步将调整栏目。",
        "五、其他需要报告的事项",
        "本年度未收取信息处理费。",
    ]
    return "\n".join(lines) + "\n"


def test_layouts_sections_renumbered_after_narrative(tmp_path: Path, tagger: Tagger) -> None:
    rec = tag_path(_write(tmp_path, "renumbered.txt", renumbered_report()), tagger)
    assert rec["status"] == "success", rec["errors"]
    got = [(s["key"], s["title"]) for s in rec["sections"]]
    assert got == [
        ("s1", "一、总体情况"),
        ("s2", "一、主动公开政府信息情况"),
        ("s3", "二、收到和处理政府信息公开申请惰况"),
        ("s4", "三、政府信息公开行政复议、行政诉讼情况"),
        ("s5", "(一)主要问题"),  # titles are normalised (NFKC)
        ("s6", "五、其他需要报告的事项"),
    ]
    cells = {k: c["value"] for k, c in rec["cells"].items()}
    assert cells["t2.art20_1.normative_docs.in_force"] == "27"
    assert cells["t2.art20_5.licensing.decisions"] == "64"
    assert cells["t3.new_received.total"] == "21"
    assert cells["t3.carried_forward.natural_person"] == "1"
    assert cells["t3.carried_forward.total"] == "1"
    assert cells["t4.review.maintain"] == "1"
    assert cells["t4.review.total"] == "1"


def sections_only_report() -> str:
    """A legacy report with numbered sections and no table at all (its prose full of numbers)."""
    lines = [
        "北岭县统计局2014年政府信息公开工作年度报告",
        "本报告所列数据的统计期限自2014年1月1日起至2014年12月31日止。",
        "一、概述",
        "2014年，我局主动公开政府信息56条，接受咨询320人次。",
        "1、加强组织领导",
        "成立了信息公开领导小组。",
        "二、主动公开政府信息情况",
        "（一）公开的主要内容",
        "全年新增主动公开信息56条，其中统计公报4条。",
        "三、依申请公开政府信息情况",
        "全年未收到政府信息公开申请，无上年结转的申请，予以公开0件。",  # template words in prose only
        "四、行政复议和行政诉讼情况",
        "全年行政复议0件，行政诉讼0件。",
        "五、存在的问题及改进措施",
        "公开内容仍需丰富。",
    ]
    return "\n".join(lines) + "\n"


def test_layouts_sections_and_no_table_is_success(tmp_path: Path, tagger: Tagger) -> None:
    rec = tag_path(_write(tmp_path, "notable.txt", sections_only_report()), tagger)
    assert rec["status"] == "success", rec["errors"]
    assert rec["template"] == "legacy"
    assert rec["cells"] == {}
    assert [s["key"] for s in rec["sections"]] == [f"legacy.{i}" for i in range(1, 6)]
    assert rec["sections"][3]["title"] == "四、行政复议和行政诉讼情况"


def test_layouts_sections_and_no_table_on_one_line(tmp_path: Path, tagger: Tagger) -> None:
    # a body whose newlines were lost
    body = " ".join(sections_only_report().splitlines()[1:]) + " " + "下一步，本局将继续做好政府信息公开工作。" * 12
    text = sections_only_report().splitlines()[0] + "\n" + body + "\n"
    rec = tag_path(_write(tmp_path, "oneline.txt", text), tagger)
    assert rec["status"] == "success", rec["errors"]
    assert rec["cells"] == {}
    assert [s["key"] for s in rec["sections"]] == [f"legacy.{i}" for i in range(1, 6)]


def test_layouts_legacy_table_headed_only_by_its_columns(tmp_path: Path, tagger: Tagger) -> None:
    """No "统计表" title: the table starts at "附表" and a header "指标 / 计量单位 / …"; "其中" split off."""
    text = legacy_cell_per_line().replace("附件：政府信息公开情况统计表", "附表").replace("指标名称", "指标")
    text = text.replace("其中：主动公开规范性文件数", "其中\r\n：主动公开规范性文\r\n件数")
    rec = tag_path(_write(tmp_path, "legacy2.txt", text), tagger)
    assert rec["status"] == "success", rec["errors"]
    got = {k: c["value"] for k, c in rec["cells"].items()}
    assert got == {**LEGACY_EXPECTED, "legacy.三、行政复议数量": "0"}


def _group(table: str, texts: list[str], first_line: int = 10) -> RowGroup:
    """A decoder row of bare values, one per consecutive line (a cell-per-line rendering)."""
    g = RowGroup(table, "" if table == "t4" else "granted")
    for i, t in enumerate(texts):
        g.values.append(
            (Segment(t, i * 10, i * 10 + len(t), first_line + i, "num"), Tag(f"VAL.{table}.x", 0.9, "rules"))
        )
    return g


def test_splitnum_table4_wrapped_number_rejoined_by_group_totals() -> None:
    from ogi.splitnum import merge_split_numbers

    # 行政复议 12 3 0 0 15 | 直接起诉 1 0 0 0 1 | 复议后起诉 0 0 0 0 0, with 15 wrapped as "1" / "5"
    g = _group("t4", ["12", "3", "0", "0", "1", "5", "1", "0", "0", "0", "1", "0", "0", "0", "0", "0"])
    assert merge_split_numbers(g, 15)
    assert [s.text for s, _ in g.values] == [
        "12",
        "3",
        "0",
        "0",
        "15",
        "1",
        "0",
        "0",
        "0",
        "1",
        "0",
        "0",
        "0",
        "0",
        "0",
    ]


def test_splitnum_table3_join_only_when_the_row_needs_it() -> None:
    from ogi.splitnum import merge_split_numbers

    g = _group("t3", ["1", "62", "3", "0", "1", "0", "166"])  # 162 3 0 1 0 166 after a zero run collapsed
    assert merge_split_numbers(g, 7)
    assert [s.text for s, _ in g.values] == ["162", "3", "0", "1", "0", "166"]
    ok = _group("t3", ["16", "2", "18"])  # adds up as printed: 16 + 2 = 18, nothing to join
    assert not merge_split_numbers(ok, 7)
    spaced = _group("t3", ["1", "62", "163"])
    spaced.values[1][0].line += 1  # a blank line between the pieces: two cells, not a wrapped number
    assert not merge_split_numbers(spaced, 7)
    assert [s.text for s, _ in spaced.values] == ["1", "62", "163"]
