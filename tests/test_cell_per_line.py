"""PDF text layers and cell-per-line renderings, built from scratch with invented agencies and numbers.

* a PDF text layer that prints a row's numbers on the line BEFORE its label ("15 4" / "规章"),
  mixed with rows printed label-then-numbers on one line;
* a legacy 统计表 from a PDF text layer: unit and number before the label, and a label wrapped
  around its numbers over three lines ("其中：规范" / "件 37" / "性文件数");
* a cell-per-line rendering (one number a line after its label) keeps its numbers with the label
  before them.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ogi.pipeline import tag_path
from ogi.taggers import load_tagger
from ogi.taggers.base import Tagger

MODELS = ("default", "rules")

_HEAD = [
    "青禾县水务局2023年政府信息公开工作年度报告",
    "",
    "一、总体情况",
    "",
    "2023年，青禾县水务局围绕河湖管护和供水保障，全年主动公开各类信息二百余条，按期答复全部申请。",
    "",
    "二、主动公开政府信息情况",
    "",
]

PDF_NUMBERS_FIRST = _HEAD + [
    "第二十条第（一）项",
    "信息内容 本年制发件数 本年废止件数 现行有效件数",
    "7  0 3",  # numbers first, after the header
    "规章",
    "16   5 61",  # numbers first, after a label that already has its numbers
    "行政规范性文件",
    "第二十条第（五）项",
    "信息内容 本年处理决定数量",
    "行政许可",
    "第二十条第（六）项",
    "信息内容 本年处理决定数量",
    "2911",
    "行政处罚",
    "行政强制 44",  # label then number on one line
    "",
    "三、收到和处理政府信息公开申请情况",
    "",
    "申请人情况",
    "自然人 法人或其他组织 总计",
    "商业企业 科研机构 社会公益组织 法律服务机构 其他",
    "58 2 0 0 1 0 61",
    "一、本年新收政府信息公开申请数量",
    "二、上年结转政府信息公开申请数量 3 0 0 0 0 0 3",
    "三、本年度办理结果",
    "40 1 0 0 0 0 41",
    "（一）予以公开",
    "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
    "21 1 0 0 1 0 23",
    "（七）总计",
    "四、结转下年度继续办理",
    "",
    "四、政府信息公开行政复议、行政诉讼情况",
    "",
    "五、存在的主要问题及改进情况",
    "",
    "部分栏目更新不够及时，下一步将加强审核。",
    "",
    "六、其他需要报告的事项",
    "",
    "无。",
]

PDF_NUMBERS_FIRST_CELLS = {
    "t2.art20_1.regulations.issued": "7",
    "t2.art20_1.regulations.in_force": "3",
    "t2.art20_1.normative_docs.issued": "16",
    "t2.art20_1.normative_docs.repealed": "5",
    "t2.art20_1.normative_docs.in_force": "61",
    "t2.art20_6.penalty.decisions": "2911",
    "t2.art20_6.coercion.decisions": "44",
    "t3.new_received.natural_person": "58",
    "t3.new_received.commercial": "2",
    "t3.new_received.legal_service": "1",
    "t3.new_received.total": "61",
    "t3.carried_over.natural_person": "3",
    "t3.carried_over.total": "3",
    "t3.granted.natural_person": "40",
    "t3.granted.commercial": "1",
    "t3.granted.total": "41",
    "t3.total_processed.natural_person": "21",
    "t3.total_processed.commercial": "1",
    "t3.total_processed.legal_service": "1",
    "t3.total_processed.total": "23",
}

LEGACY_PDF = [
    "桐川市档案局2012年政府信息公开工作年度报告",
    "",
    "一、概述",
    "",
    "本局按照条例要求做好政府信息公开工作，全年未发生信息安全事件。",
    "",
    "二、主动公开政府信息情况",
    "",
    "本年主动公开政府信息若干条，详见附表。",
    "",
    "三、其他需要报告的事项",
    "",
    "附件：政府信息公开情况统计表",
    "项目 单位 统计数",
    "条 318",  # unit and number before the label
    "1、主动公开政府信息数",
    "件 37",  # a label wrapped around its numbers: head / numbers / tail
    "其中：规范",
    "性文件数",
    "件 12",
    "2、受理申请总数",
    "3、收取检索复制费 元 0",
    "5、公开查阅点 个 6 41",  # year and 历年累计 beside the label: the year's is the cell
    "4、被提起诉讼数",  # a whole label left blank: the numbers after it are the next row's
    "人 23",
    "专职工作人员",
]


def _tag(tmp_path: Path, lines: list[str], tagger: Tagger) -> dict:
    path = tmp_path / "report.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return tag_path(path, tagger)


@pytest.fixture(scope="module", params=MODELS)
def tagger(request: pytest.FixtureRequest) -> Tagger:
    return load_tagger(request.param)


def test_decode_numbers_before_label_join_the_following_label(tmp_path: Path, tagger: Tagger) -> None:
    rec = _tag(tmp_path, PDF_NUMBERS_FIRST, tagger)
    assert rec["template"] == "2021"
    nonzero = {k: c["value"] for k, c in rec["cells"].items() if c["value"] != "0"}
    assert nonzero == PDF_NUMBERS_FIRST_CELLS


def test_decode_legacy_unit_first_and_wrapped_label(tmp_path: Path, tagger: Tagger) -> None:
    rec = _tag(tmp_path, LEGACY_PDF, tagger)
    cells = {k: c["value"] for k, c in rec["cells"].items()}
    assert cells.get("legacy.1、主动公开政府信息数") == "318"
    assert cells.get("legacy.其中:规范性文件数") == "37"
    assert cells.get("legacy.2、受理申请总数") == "12"
    assert cells.get("legacy.专职工作人员") == "23"
    assert cells.get("legacy.5、公开查阅点") == "6"
    assert not any("被提起诉讼数" in k for k in cells)


def test_decode_cell_per_line_numbers_stay_after_their_label(tmp_path: Path, tagger: Tagger) -> None:
    lines = _HEAD + [
        "第二十条第（一）项",
        "信息内容",
        "本年制发件数",
        "本年废止件数",
        "现行有效件数",
        "规章",
        "2",
        "1",
        "9",
        "行政规范性文件",
        "6",
        "4",
        "27",
        "第二十条第（五）项",
        "信息内容",
        "本年处理决定数量",
        "行政许可",
        "733",
        "",
        "三、收到和处理政府信息公开申请情况",
        "一、本年新收政府信息公开申请数量",
        "5",
        "1",
        "6",
        "二、上年结转政府信息公开申请数量",
        "2",
        "2",
        "",
        "五、存在的主要问题及改进情况",
        "",
        "部分栏目更新不够及时。",
    ]
    rec = _tag(tmp_path, lines, tagger)
    cells = {k: c["value"] for k, c in rec["cells"].items()}
    assert cells["t2.art20_1.regulations.issued"] == "2"
    assert cells["t2.art20_1.regulations.in_force"] == "9"
    assert cells["t2.art20_1.normative_docs.issued"] == "6"
    assert cells["t2.art20_1.normative_docs.in_force"] == "27"
    assert cells["t2.art20_5.licensing.decisions"] == "733"
    assert cells["t3.new_received.natural_person"] == "5"
    assert cells["t3.new_received.total"] == "6"


def test_segment_label_split_after_its_ordinal_is_no_value(tmp_path: Path, tagger: Tagger) -> None:
    # cell per line: "5" / ".属于三类内部事" / "务信息" is one label, its ordinal no value; "7.属于" /
    # "行政" / "执法案卷" one label although its last piece alone is known
    lines = _HEAD + [
        "第二十条第（五）项",
        "信息内容",
        "本年处理决定数量",
        "行政许可",
        "64",
        "",
        "三、收到和处理政府信息公开申请情况",
        "一、本年新收政府信息公开申请数量",
        "19",
        "2",
        "21",
        "（三）不予公开",
        "4.保护第三方合法权益",
        "3",
        "3",
        "5",
        ".属于三类内部事",
        "务信息",
        "6",
        ".属于",
        "四类过程性信息",
        "7.属于",
        "行政",
        "执法案卷",
        "8",
        "1",
        "9",
        "8.属于行政查询事项",
        "",
        "五、存在的主要问题及改进情况",
        "",
        "部分栏目更新不够及时。",
    ]
    rec = _tag(tmp_path, lines, tagger)
    cells = {k: c["value"] for k, c in rec["cells"].items() if c["value"] != "0"}
    t3 = {k: v for k, v in cells.items() if k.startswith("t3.denied")}
    assert t3 == {
        "t3.denied.third_party.natural_person": "3",
        "t3.denied.third_party.total": "3",
        "t3.denied.enforcement_file.natural_person": "8",
        "t3.denied.enforcement_file.commercial": "1",
        "t3.denied.enforcement_file.total": "9",
    }


LEGACY_CPL = [
    "松屏市统计局2015年政府信息公开工作年度报告",
    "一、概述",
    "本局认真贯彻政府信息公开条例，全年工作平稳有序。",
    "附件：政府信息公开情况统计表",
    "统计指标",
    "计量单位",
    "2015年度",
    "历年累计",
    "1、主动公开信息总数",
    "条",
    "263",
    "7",  # 2637 wrapped: the year within its cumulative total 2911
    "2911",
    "一、依申请公开情况",
    "(1",  # the ordinal split from its label, the label over two more lines
    ")受理申请",
    "总数",
    "件",
    "58",
    "402",
    "2",
    "、",
    "部分公开数",
    "件",
    "17",
    "96",
    "报送日期：2016年1月12日",
]


def test_segment_and_splitnum_legacy_cell_per_line(tmp_path: Path, tagger: Tagger) -> None:
    rec = _tag(tmp_path, LEGACY_CPL, tagger)
    cells = {k: c["value"] for k, c in rec["cells"].items()}
    assert cells == {
        "legacy.1、主动公开信息总数": "2637",
        "legacy.(1)受理申请总数": "58",
        "legacy.2、部分公开数": "17",
    }


def test_splitnum_zero_led_piece_is_a_tail(tmp_path: Path, tagger: Tagger) -> None:
    lines = _HEAD + [
        "第二十条第（五）项",
        "信息内容",
        "本年处理决定数量",
        "行政许可",
        "583",
        "07",  # 58307 wrapped: no cell is printed "07"
        "",
        "三、收到和处理政府信息公开申请情况",
        "一、本年新收政府信息公开申请数量",
        "5",
        "1",
        "6",
        "",
        "五、存在的主要问题及改进情况",
        "",
        "部分栏目更新不够及时。",
    ]
    rec = _tag(tmp_path, lines, tagger)
    assert rec["cells"]["t2.art20_5.licensing.decisions"]["value"] == "58307"


def test_decode_footer_before_a_wrapped_label_is_not_its_row(tmp_path: Path, tagger: Tagger) -> None:
    # a page number before a label wrapped around its numbers ("四、结转下年度" / numbers / "继续办理")
    i = PDF_NUMBERS_FIRST.index("四、结转下年度继续办理")
    lines = PDF_NUMBERS_FIRST[:i] + ["5", "四、结转下年度", "6 0 0 0 0 0 6", "继续办理"] + PDF_NUMBERS_FIRST[i + 1 :]
    rec = _tag(tmp_path, lines, tagger)
    nonzero = {k: c["value"] for k, c in rec["cells"].items() if c["value"] != "0"}
    assert nonzero == {
        **PDF_NUMBERS_FIRST_CELLS,
        "t3.carried_forward.natural_person": "6",
        "t3.carried_forward.total": "6",
    }


def test_splitnum_wrapped_number_and_collapsed_run_in_one_row(tmp_path: Path, tagger: Tagger) -> None:
    # (七)总计: 自然人 37 wrapped ("3" / "7"), two columns of 1 printed once, 总计 39
    lines = _HEAD + [
        "第二十条第（五）项",
        "信息内容",
        "本年处理决定数量",
        "行政许可",
        "64",
        "",
        "三、收到和处理政府信息公开申请情况",
        "一、本年新收政府信息公开申请数量",
        "19",
        "2",
        "21",
        "（七）总计",
        "3",
        "7",
        "1",
        "39",
        "四、结转下年度继续办理",
        "",
        "五、存在的主要问题及改进情况",
        "",
        "部分栏目更新不够及时。",
    ]
    rec = _tag(tmp_path, lines, tagger)
    row = {k.split(".")[-1]: c["value"] for k, c in rec["cells"].items() if k.startswith("t3.total_processed.")}
    assert row["natural_person"] == "37"
    assert row["total"] == "39"
    assert sorted(v for k, v in row.items() if k not in ("natural_person", "total") and v != "0") == ["1", "1"]


def test_decode_change_printed_with_unicode_minus_goes_to_its_column(tmp_path: Path, tagger: Tagger) -> None:
    # 2019 table 2, one cell per line, a blank lost: "−12" (U+2212) can only be 本年增/减
    lines = [
        "青禾县水务局2019年政府信息公开工作年度报告",
        "一、总体情况",
        "2019年，青禾县水务局全年主动公开各类信息二百余条。",
        "二、主动公开政府信息情况",
        "第二十条第（六）项",
        "信息内容",
        "上一年项目数量",
        "本年增/减",
        "处理决定数量",
        "行政处罚",
        "−12",
        "348",
        "三、收到和处理政府信息公开申请情况",
        "一、本年新收政府信息公开申请数量",
        "5",
        "5",
        "四、政府信息公开行政复议、行政诉讼情况",
        "五、存在的主要问题及改进情况",
        "部分栏目更新不够及时。",
    ]
    rec = _tag(tmp_path, lines, tagger)
    cells = {k: c["value"] for k, c in rec["cells"].items() if k.startswith("t2.art20_6.penalty.")}
    assert cells == {"t2.art20_6.penalty.change": "−12", "t2.art20_6.penalty.decisions": "348"}


def test_decode_cell_per_line_t3_with_subtotal_column(tmp_path: Path, tagger: Tagger) -> None:
    # table 3 one cell per line with a 合计 column after the five organisations: eight numbers a row
    lines = _HEAD + [
        "三、收到和处理政府信息公开申请情况",
        "申请人情况",
        "自然人",
        "法人或其他组织",
        "总计",
        "第 3 页",
        "商业企业",
        "科研机构",
        "社会公益组织",
        "法律服务机构",
        "其他",
        "合计",
        "一、本年新收政府信息公开申请数量",
        "41", "2", "0", "0", "1", "0", "3", "44",
        "二、上年结转政府信息公开申请数量",
        "6", "0", "0", "0", "0", "0", "0", "6",
        "五、存在的主要问题及改进情况",
        "部分栏目更新不够及时。",
    ]
    blank_lines = [x for line in lines for x in (line, "")]  # a blank line after every cell, as crawlers print
    rec = _tag(tmp_path, blank_lines, tagger)
    nonzero = {k: c["value"] for k, c in rec["cells"].items() if k.startswith("t3.") and c["value"] != "0"}
    assert nonzero == {
        "t3.new_received.natural_person": "41",
        "t3.new_received.commercial": "2",
        "t3.new_received.legal_service": "1",
        "t3.new_received.total": "44",
        "t3.carried_over.natural_person": "6",
        "t3.carried_over.total": "6",
    }


def test_decode_page_number_after_a_t3_row_is_no_eighth_value(tmp_path: Path) -> None:
    # " | " rows with a page number alone on a line after a row of zeros: not a 合计 column (rules only:
    # the CRF of the default model labels that page number 总计 and the row's own 总计 nothing)
    tagger = load_tagger("rules")
    lines = _HEAD + [
        "三、收到和处理政府信息公开申请情况",
        "| 申请人情况 | 自然人 | 商业企业 | 科研机构 | 社会公益组织 | 法律服务机构 | 其他 | 总计 |",
        "| 一、本年新收政府信息公开申请数量 | 9 | 0 | 0 | 0 | 0 | 0 | 9 |",
        "| 5.属于三类内部事务信息 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |",
        "6",
        "| 6.属于四类过程性信息 | 2 | 0 | 0 | 0 | 0 | 0 | 2 |",
        "五、存在的主要问题及改进情况",
        "部分栏目更新不够及时。",
    ]
    rec = _tag(tmp_path, lines, tagger)
    nonzero = {k: c["value"] for k, c in rec["cells"].items() if k.startswith("t3.") and c["value"] != "0"}
    assert nonzero == {
        "t3.new_received.natural_person": "9",
        "t3.new_received.total": "9",
        "t3.denied.process_info.natural_person": "2",
        "t3.denied.process_info.total": "2",
    }


def test_decode_pipe_rows_with_subtotal_column(tmp_path: Path, tagger: Tagger) -> None:
    # " | " rows with a 合计 column after the five organisations: eight numbers on each row's line
    lines = _HEAD + [
        "三、收到和处理政府信息公开申请情况",
        "| 申请人情况 | 自然人 | 商业企业 | 科研机构 | 社会公益组织 | 法律服务机构 | 其他 | 合计 | 总计 |",
        "| 一、本年新收政府信息公开申请数量 | 41 | 2 | 0 | 0 | 1 | 0 | 3 | 44 |",
        "| 二、上年结转政府信息公开申请数量 | 6 | 0 | 0 | 0 | 0 | 0 | 0 | 6 |",
        "五、存在的主要问题及改进情况",
        "部分栏目更新不够及时。",
    ]
    rec = _tag(tmp_path, lines, tagger)
    nonzero = {k: c["value"] for k, c in rec["cells"].items() if k.startswith("t3.") and c["value"] != "0"}
    assert nonzero == {
        "t3.new_received.natural_person": "41",
        "t3.new_received.commercial": "2",
        "t3.new_received.legal_service": "1",
        "t3.new_received.total": "44",
        "t3.carried_over.natural_person": "6",
        "t3.carried_over.total": "6",
    }
