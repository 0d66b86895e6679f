"""Analysis-ready output: metadata, numbers in one unit, cross-year and prose checks, the batch report,
the spreadsheets and the Python API. The batch is one invented agency's five consecutive reports, made
by the synthetic generator (``analysis_batch``)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from analysis_batch import build_series
from typer.testing import CliRunner

from ogi.checks import check, cross_year_checks, prose_checks
from ogi.cli.main import app
from ogi.data import Cell, Document
from ogi.decode import parse_number
from ogi.metadata import agency_from_title, annotate
from ogi.readers.text import document_from_text
from ogi.units import number_in_unit

AGENCY = "临川市青峰区民政局"  # invented
BREAK_YEAR = 2022  # its 上年结转 (自然人) is printed 2 above 2021's 结转下年度


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Five reports 2019–2023 of one agency, tagged (JSONL) and checked (HTML, CSV)."""
    root = tmp_path_factory.mktemp("batch")
    truth = build_series(root / "in", AGENCY, first_year=2019, n=5, break_year=BREAK_YEAR)
    runner = CliRunner()
    out = root / "recs.jsonl"
    res = runner.invoke(app, ["tag", str(root / "in"), "--out", str(out), "--no-progress"])
    assert res.exit_code == 0, res.output
    recs = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    res = runner.invoke(app, ["check", str(out), "--html", str(root / "report.html"), "--csv", str(root / "fails.csv")])
    return {"root": root, "truth": truth, "records": recs, "jsonl": out, "check": res}


# ---------------------------------------------------------------------------------------------
# The five-year batch
# ---------------------------------------------------------------------------------------------

def test_batch_agency_title_and_date_found(batch: dict[str, Any]) -> None:
    recs = batch["records"]
    assert [r["year"] for r in recs] == [2019, 2020, 2021, 2022, 2023]
    assert all(r["agency"] == AGENCY for r in recs)
    assert all(AGENCY in r["title"] and str(r["year"]) in r["title"] for r in recs)
    assert all(r["published"].startswith(str(r["year"] + 1)) for r in recs)


def test_batch_cross_year_checks_with_both_sides(batch: dict[str, Any]) -> None:
    cross = cross_year_checks(batch["records"])
    t3 = [c for c in cross if c["name"].startswith("cross_year.t3.carried_over.")]
    assert {(c["previous_year"], c["year"]) for c in t3} == {(2019, 2020), (2020, 2021), (2021, 2022), (2022, 2023)}
    failed = [c for c in cross if c["status"] == "fail"]
    assert failed, "the broken year must fail"
    assert {c["name"] for c in failed} == {"cross_year.t3.carried_over.natural_person", "cross_year.t3.carried_over.total"}
    for c in failed:
        assert c["year"] == BREAK_YEAR and c["id"] == f"{AGENCY}-{BREAK_YEAR}" and c["previous_id"] == f"{AGENCY}-{BREAK_YEAR - 1}"
        assert c["left"] - c["right"] == 2 and not c["ambiguous"]
    prev = {c["name"] for c in cross if c["year"] == 2020 and c["name"].startswith("cross_year.t2.")}
    assert "cross_year.t2.art20_5.licensing.prev_count" in prev  # 2019 → 2020: 上一年项目数量 chain
    assert all(c["status"] == "pass" for c in cross if c["name"].startswith("cross_year.t2."))
    truth = {t["year"]: t for t in batch["truth"]}
    nat = next(c for c in failed if c["name"].endswith("natural_person"))
    assert nat["right"] == truth[BREAK_YEAR - 1]["t3"]["carried_forward"]["natural_person"]


def test_batch_prose_checks_reported(batch: dict[str, Any]) -> None:
    for rec, truth in zip(batch["records"], batch["truth"], strict=True):
        prose = {c["name"]: c for c in rec["checks"] if c["name"].startswith("prose.")}
        received = prose["prose.t3.new_received.total"]
        assert (received["status"], received["left"], received["right"]) == ("pass", truth["received"], truth["received"])
        docs_key = "new_published" if rec["template"] == "2019" else "issued"
        assert prose[f"prose.t2.art20_1.normative_docs.{docs_key}"]["left"] == truth["docs"]


def test_check_cli_counts_reports_and_writes_the_batch_report(batch: dict[str, Any]) -> None:
    res = batch["check"]
    assert res.exit_code == 1
    assert "batch: 5 reports, " in res.output  # the break year at least; the generator may add breaks of its own
    assert "cross_year: 2 failed check(s) in 1 report(s)" in res.output
    assert f"vs {AGENCY}-{BREAK_YEAR - 1}" in res.output
    page = (batch["root"] / "report.html").read_text(encoding="utf-8")
    assert page.count("<svg") >= 2 and "Requests received" in page and AGENCY in page
    assert "Cross-year checks" in page and "prose.t3.new_received.total" in page
    fails = (batch["root"] / "fails.csv").read_text(encoding="utf-8-sig")
    assert "previous_id" in fails.splitlines()[0] and f"{AGENCY}-{BREAK_YEAR - 1}" in fails


def test_csv_loads_in_pandas_with_numeric_dtypes(batch: dict[str, Any]) -> None:
    pd = pytest.importorskip("pandas")
    out = batch["root"] / "recs.csv"
    res = CliRunner().invoke(app, ["export", str(batch["jsonl"]), "--out", str(out)])
    assert res.exit_code == 0, res.output
    df = pd.read_csv(out)
    assert list(df["agency"]) == [AGENCY] * 5
    for key in ("t3.new_received.total", "t3.carried_over.natural_person", "t4.review.total", "t2.art20_5.licensing.decisions"):
        assert pd.api.types.is_numeric_dtype(df[key]), key
    assert list(df["t3.new_received.total"]) == [t["received"] for t in batch["truth"]]
    cells = pd.read_csv(out.with_name("recs.cells.csv"))
    assert {"value", "number", "confidence", "ambiguous", "span_start"} <= set(cells.columns)
    assert pd.api.types.is_numeric_dtype(cells["confidence"]) and cells["ambiguous"].dtype == bool
    zh = batch["root"] / "recs_zh.csv"
    assert CliRunner().invoke(app, ["export", str(batch["jsonl"]), "--out", str(zh), "--headers", "zh"]).exit_code == 0
    zdf = pd.read_csv(zh)
    assert "机关" in zdf.columns and "表三·一、本年新收政府信息公开申请数量·总计" in zdf.columns
    assert list(zdf["表三·一、本年新收政府信息公开申请数量·总计"]) == list(df["t3.new_received.total"])


def test_xlsx_keeps_frozen_header_widths_and_numbers(batch: dict[str, Any]) -> None:
    import openpyxl

    out = batch["root"] / "recs.xlsx"
    assert CliRunner().invoke(app, ["export", str(batch["jsonl"]), "--out", str(out)]).exit_code == 0
    wb = openpyxl.load_workbook(out)
    for name in ("reports", "t3", "cells", "checks"):
        ws = wb[name]
        assert ws.freeze_panes == "B2", name
        assert ws.column_dimensions["A"].width >= 8
    t3 = {(r[0].value, r[1].value): r for r in wb["t3"].iter_rows(min_row=2)}
    first = batch["records"][0]
    assert t3[(first["id"], "new_received")][8].value == batch["truth"][0]["received"]  # a number, not text
    header = [c.value for c in wb["cells"][1]]
    assert header[:4] == ["id", "key", "value", "number"]
    cross = [[c.value for c in r] for r in wb["cross_year"].iter_rows(min_row=2)]
    assert any(r[1] == f"{AGENCY}-{BREAK_YEAR - 1}" and r[6] == "fail" for r in cross)


def test_spans_point_at_the_printed_text(batch: dict[str, Any]) -> None:
    from ogi.normalize import normalize_value

    for rec in batch["records"]:
        raw = Path(rec["path"]).read_bytes().decode("utf-8")  # line ends as in the file (no newline translation)
        spanned = [c for c in rec["cells"].values() if "span" in c]
        assert len(spanned) == len(rec["cells"])
        for c in spanned:
            assert normalize_value(raw[c["span"][0] : c["span"][1]]) == c["value"]
        for s in rec["sections"]:
            assert s["title"] in normalize_value(raw[s["span"][0] : s["span"][1]]) or raw[s["span"][0] : s["span"][1]]


# ---------------------------------------------------------------------------------------------
# Metadata, units, checks on small documents
# ---------------------------------------------------------------------------------------------

def test_metadata_from_a_page_block_of_a_one_line_report() -> None:
    body = "当前位置：首页 信息公开年报 东岭县交通运输局2021年度政府信息公开工作年度报告 根据条例规定编制本报告。一、总体情况 本年度……"
    raw = ("标题: 东岭县交通运输局2021年度政府信息公开工作年度报告\n发布时间: 2022-01-28 09:30\n文号: \n"
           "发布机构: 东岭县交通运输局办公室\n==== 正文 ====\n" + body + "\n")
    doc = annotate(document_from_text(raw, "x.txt", "x"))
    assert doc.meta["title"] == "东岭县交通运输局2021年度政府信息公开工作年度报告"
    assert doc.meta["agency"] == "东岭县交通运输局办公室"
    assert doc.meta["published"] == "2022-01-28"
    doc = annotate(document_from_text(body + " 东岭县交通运输局 2022年2月3日", "y.txt", "y"))  # no block: title and tail
    assert doc.meta["agency"] == "东岭县交通运输局" and doc.meta["published"] == "2022-02-03"
    other = "题名：西塘镇人民政府2023年度政府信息公开工作年度报告\n发布单位：西塘镇人民政府\n日期：2024-02-05\n正文\n……\n填报日期：2024年1月3日\n"
    doc = annotate(document_from_text(other, "w.txt", "w"))
    assert (doc.meta["agency"], doc.meta["published"]) == ("西塘镇人民政府", "2024-02-05")
    doc = annotate(document_from_text("现发布本机关2016年度政府信息公开工作年度报告，表中数字截至年末。一、概述……", "v.txt", "v"))
    assert "agency" not in doc.meta and "title" not in doc.meta  # a sentence naming no body is not a title


def test_metadata_title_wrapped_and_signature() -> None:
    raw = "2020年北湾市林业局政府信息公开工作\n年度报告\n一、总体情况\n……\n六、其他需要报告的事项\n无。\n北湾市林业局\n2021年3月9日\n"
    doc = annotate(document_from_text(raw, "z.txt", "z"))
    assert doc.meta["title"] == "2020年北湾市林业局政府信息公开工作年度报告"
    assert doc.meta["agency"] == "北湾市林业局" and doc.meta["published"] == "2021-03-09"
    assert agency_from_title("南峰镇人民政府2019年政府信息公开工作年度报告") == "南峰镇人民政府"


def test_units_amounts_in_wan_yuan_and_signed_change() -> None:
    fee = "t2.art20_8.fees.fee_amount"
    assert number_in_unit(fee, "251000元", 251000) == 25.1
    assert number_in_unit(fee, "1372.16万元", 1372.16) == 1372.16
    assert number_in_unit(fee, "3.5", 3.5) == 3.5
    assert number_in_unit("t2.art20_9.procurement.amount", "1.2亿元", 1.2) == 12000
    change = "t2.art20_5.licensing.change"
    assert [number_in_unit(change, v, parse_number(v)) for v in ("增82", "减5", "-3", "+7", "−4", "0")] == [82, -5, -3, 7, -4, 0]
    assert number_in_unit("t3.granted.total", "20", 20) == 20
    assert number_in_unit("t3.granted.total", "/", None) is None


def _doc(text: str, cells: dict[str, str], template: str = "2021", ambiguous: tuple[str, ...] = ()) -> Document:
    doc = Document(id="d", path="d.txt", raw=text, text=text, raw_offsets=list(range(len(text) + 1)), line_map=[1], template=template)
    doc.cells = {k: Cell(k, v, parse_number(v), 1, 1.0, "rules", k in ambiguous) for k, v in cells.items()}
    return doc


def test_prose_checks_pass_fail_and_blank() -> None:
    text = "本年度共收到政府信息公开申请 21 件，办理 19 件。全年制发行政规范性文件6件。"
    doc = _doc(text, {"t3.new_received.total": "21", "t3.total_processed.total": "18", "t2.art20_1.normative_docs.repealed": "1"})
    got = {c.name: c for c in prose_checks(doc)}
    assert (got["prose.t3.new_received.total"].status, got["prose.t3.new_received.total"].left) == ("pass", 21)
    fail = got["prose.t3.total_processed.total"]
    assert (fail.status, fail.left, fail.right) == ("fail", 19, 18)
    blank = got["prose.t2.art20_1.normative_docs.issued"]  # the table printed no 制发 cell: read as 0, flagged
    assert blank.status == "fail" and "blank read as 0" in blank.detail


def test_failed_check_names_ambiguous_and_blank_cells() -> None:
    doc = _doc("", {"t3.new_received.total": "5", "t3.total_processed.total": "4"}, ambiguous=("t3.total_processed.total",))
    c = {c.name: c for c in check(doc).checks}["t3.identity.total"]
    assert c.status == "fail"
    assert "ambiguous: t3.total_processed.total" in c.detail and "blank read as 0: t3.carried_forward.total" in c.detail


def test_cross_year_not_assessable_and_agency_from_title() -> None:
    def rec(rid: str, year: int, cells: dict[str, Any], agency: str) -> dict[str, Any]:
        return {"id": rid, "status": "success", "year": year, "template": "2021", "agency": agency,
                "title": f"西河县人民政府{year}年政府信息公开工作年度报告", "cells": cells, "checks": []}

    def cell(n: Any) -> dict[str, Any]:
        return {"value": str(n), "number": n, "ambiguous": False}

    a = rec("a", 2021, {"t3.carried_forward.total": cell(3)}, "西河县人民政府办公室")
    b = rec("b", 2022, {"t3.carried_over.total": cell(3), "t3.new_received.total": cell(9)}, "西河县人民政府")
    out = {c["name"]: c for c in cross_year_checks([b, a])}  # the 发布机构 differs; the title's body matches
    assert out["cross_year.t3.carried_over.total"]["status"] == "pass"
    assert (out["cross_year.t3.carried_over.total"]["id"], out["cross_year.t3.carried_over.total"]["previous_id"]) == ("b", "a")
    c = rec("c", 2023, {"t3.carried_over.total": {"value": "/", "number": None}}, "西河县人民政府")
    assert cross_year_checks([b, c])[0]["status"] == "not_assessable"


def test_cross_year_same_agency_with_and_without_its_city() -> None:
    from ogi.checks import same_agency

    names = same_agency({"青岚区人民政府", "丰港市青岚区人民政府", "城东镇人民政府", "甲市城东镇人民政府", "乙县城东镇人民政府"})
    assert names["青岚区人民政府"] == "丰港市青岚区人民政府"
    assert names["城东镇人民政府"] == "城东镇人民政府"  # two places would complete it: left alone


def test_audit_counts_reports_not_failures() -> None:
    from ogi.audit import audit_summary

    fails = [{"name": f"t3.identity.{c}", "status": "fail", "left": 1, "right": 2} for c in ("total", "natural_person", "commercial")]
    recs = [{"id": i, "template": "2019", "year": 2019, "cells": {}, "checks": fails} for i in ("r1", "r2")]
    text, n = audit_summary(recs)
    assert n == 2 and "t3.identity: 6 failed check(s) in 2 report(s)" in text


# ---------------------------------------------------------------------------------------------
# The Python API and the CLI's version
# ---------------------------------------------------------------------------------------------

def test_api_tag_path_and_text(batch: dict[str, Any]) -> None:
    import ogi

    path = batch["truth"][0]["path"]
    rec = ogi.tag(path)
    assert rec["agency"] == AGENCY and rec["cells"] == batch["records"][0]["cells"]
    from_text = ogi.tag(Path(path).read_text(encoding="utf-8"), doc_id="t")
    assert from_text["id"] == "t" and from_text["cells"].keys() == rec["cells"].keys()
    assert [r["year"] for r in ogi.tag_many([t["path"] for t in batch["truth"][:2]])] == [2019, 2020]
    assert ogi.tag("missing-report.txt")["status"] == "failed"


def test_api_import_is_lazy_and_version_prints() -> None:
    code = "import sys, ogi; assert 'ogi.pipeline' not in sys.modules and 'typing' not in sys.modules, sorted(sys.modules)"
    subprocess.run([sys.executable, "-c", code], check=True)
    res = CliRunner().invoke(app, ["--version"])
    assert res.exit_code == 0 and res.output.strip().startswith("ogi ")
