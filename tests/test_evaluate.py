"""The evaluation harness on a tiny hand-made annotated set whose right answers are known."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

from ogi.annotations import AnnotatedReport, Span, write_annotations
from ogi.evaluate import evaluate, prf, select_reports

T3_COLS = ("natural_person", "commercial", "research", "social_welfare", "legal_service", "other_org", "total")
T4_GROUPS = ("review", "litigation_direct", "litigation_after_review")
T4_COLS = ("maintain", "correct", "other", "pending", "total")


class Builder:
    """Text assembled piece by piece, with a span for each labelled piece."""

    def __init__(self) -> None:
        self.text = ""
        self.spans: list[Span] = []

    def add(self, piece: str, label: str | None = None) -> None:
        if label:
            self.spans.append(Span(len(self.text), len(self.text) + len(piece), label))
        self.text += piece

    def report(self, rid: str, **meta: str) -> AnnotatedReport:
        base = {"template": "2019", "year": 2020, "script": "simplified", "source": "test", "split": "test", "format": "text"}
        return AnnotatedReport(rid, self.text, self.spans, {**base, **meta})


def _sections_head(b: Builder, sep: str) -> None:
    b.add("某某区人民政府2019年政府信息公开工作年度报告" + sep)
    b.add("一、总体情况", "SEC.s1")
    b.add(sep + "本年度我区认真贯彻落实《中华人民共和国政府信息公开条例》，扎实推进政务公开工作。" + sep)
    b.add("二、主动公开政府信息情况", "SEC.s2")
    b.add(sep + "全年主动公开政府信息一千余条。" + sep)


def _sections_tail(b: Builder, sep: str) -> None:
    b.add("五、存在的主要问题及改进情况", "SEC.s5")
    b.add(sep + "公开内容还不够全面，下一步将加强培训。" + sep)
    b.add("六、其他需要报告的事项", "SEC.s6")
    b.add(sep + "无。" + sep)


T4_VALUES = {
    "review": ("3", "1", "0", "1", "5"),
    "litigation_direct": ("2", "0", "0", "0", "2"),
    "litigation_after_review": ("1", "0", "0", "0", "1"),
}


def cell_per_line_report() -> AnnotatedReport:
    """Sections and a complete table 4, one cell per line with blank lines between."""
    sep = "\n\n"
    b = Builder()
    _sections_head(b, sep)
    b.add("四、政府信息公开行政复议、行政诉讼情况", "SEC.s4")
    b.add(sep)
    b.add("行政复议", "COL.t4.review")
    b.add(sep)
    b.add("行政诉讼", "HDR")
    b.add(sep)
    for c, lab in zip(("结果维持", "结果纠正", "其他结果", "尚未审结", "总计"), T4_COLS):
        b.add(c, f"COL.t4.{lab}")
        b.add(sep)
    b.add("未经复议直接起诉", "COL.t4.litigation_direct")
    b.add(sep)
    for c, lab in zip(("结果维持", "结果纠正", "其他结果", "尚未审结", "总计"), T4_COLS):
        b.add(c, f"COL.t4.{lab}")
        b.add(sep)
    b.add("复议后起诉", "COL.t4.litigation_after_review")
    b.add(sep)
    for c, lab in zip(("结果维持", "结果纠正", "其他结果", "尚未审结", "总计"), T4_COLS):
        b.add(c, f"COL.t4.{lab}")
        b.add(sep)
    for g in T4_GROUPS:
        for col, v in zip(T4_COLS, T4_VALUES[g]):
            b.add(v, f"VAL.t4.{g}.{col}")
            b.add(sep)
    _sections_tail(b, sep)
    return b.report("hand_cell_per_line", layout="cell_per_line")


T3_VALUES = {
    "new_received": ("10", "2", "0", "0", "1", "0", "13"),
    "carried_over": ("1", "0", "0", "0", "0", "0", "1"),
    "granted": ("6", "1", "0", "0", "1", "0", "8"),
}


def pipe_rows_report() -> AnnotatedReport:
    """Sections and three full rows of table 3, each row one line of " | "-joined cells."""
    sep = "\n"
    b = Builder()
    _sections_head(b, sep)
    b.add("三、收到和处理政府信息公开申请情况", "SEC.s3")
    b.add(sep)
    b.add("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", "HDR")
    b.add(" | ")
    b.add("申请人情况", "HDR")
    b.add(" | " + sep)
    b.add("自然人", "COL.t3.natural_person")
    b.add(" | ")
    b.add("法人或其他组织", "HDR")
    b.add(" | ")
    b.add("总计", "COL.t3.total")
    b.add(" |" + sep)
    for i, (c, lab) in enumerate(zip(("商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"), T3_COLS[1:6])):
        b.add(c, f"COL.t3.{lab}")
        b.add(" | " if i < 4 else " |" + sep)
    labels = {
        "new_received": "一、本年新收政府信息公开申请数量",
        "carried_over": "二、上年结转政府信息公开申请数量",
        "granted": "（一）予以公开",
    }
    for row, vals in T3_VALUES.items():
        if row == "granted":
            b.add("三、本年度办理结果", "HDR")
            b.add(" | ")
        b.add(labels[row], f"ROW.t3.{row}")
        for col, v in zip(T3_COLS, vals):
            b.add(" | ")
            b.add(v, f"VAL.t3.{row}.{col}")
        b.add(" |" + sep)
    b.add("四、政府信息公开行政复议、行政诉讼情况", "SEC.s4")
    b.add(sep + "本年度未发生行政复议、行政诉讼。" + sep)
    _sections_tail(b, sep)
    return b.report("hand_pipe_rows", layout="pipe_rows", script="simplified")


@pytest.fixture()
def data(tmp_path):
    path = tmp_path / "gold.jsonl"
    write_annotations([cell_per_line_report(), pipe_rows_report()], path)
    return path


def test_gold_is_what_we_built():
    a, b = cell_per_line_report(), pipe_rows_report()
    assert a.gold_cells()["t4.review.total"] == "5"
    assert len(a.gold_cells()) == 15 and len(b.gold_cells()) == 21
    assert [k for k, _ in a.gold_sections()] == ["s1", "s2", "s4", "s5", "s6"]


def test_prf_edge_cases():
    assert prf(0, 0, 0)["f1"] == 1.0
    assert prf(0, 1, 0)["f1"] == 0.0
    assert prf(3, 1, 1)["precision"] == pytest.approx(0.75)


def test_rules_perfect_on_simple_reports(data, tmp_path):
    res = evaluate(["rules"], [data], tmp_path / "out")
    assert res["n_reports"] == 2
    m = res["models"]["rules"]
    assert m["cells"]["f1"] == pytest.approx(1.0), m["worst_reports"]
    assert m["cells"]["tp"] == 36
    assert m["cells_nonzero"]["tp"] == sum(v != "0" for vals in [*T3_VALUES.values(), *T4_VALUES.values()] for v in vals)
    assert m["sections"]["f1"] == pytest.approx(1.0)
    assert m["exact_match"] == 1.0
    assert m["fallback_rate"] == 0.0
    assert set(m["by"]["layout"]) == {"cell_per_line", "pipe_rows"}
    assert m["by"]["layout"]["pipe_rows"]["cells"]["tp"] == 21
    assert m["by"]["template"]["2019"]["n_reports"] == 2
    assert set(m["cells_by_table"]) == {"t3", "t4"}
    html = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    assert "rules" in html and "<svg" in html and "cell_per_line" in html
    metrics = json.loads((tmp_path / "out" / "metrics.json").read_text(encoding="utf-8"))
    assert metrics["models"]["rules"]["cells"]["tp"] == 36


def test_corrupted_gold_value_drops_recall_by_one_cell(tmp_path):
    good, other = cell_per_line_report(), pipe_rows_report()
    # change the gold text of one value: t4.review.maintain "3" → "4" in the text itself would also change
    # the prediction, so edit the annotation instead: move the VAL span of t4.review.maintain onto another cell's key
    spans = [Span(s.start, s.end, "VAL.t4.review.other") if s.label == "VAL.t4.review.maintain" else s for s in good.spans]
    spans = [s for s in spans if not (s.label == "VAL.t4.review.other" and good.text[s.start : s.end] == "0")]
    bad = AnnotatedReport(good.id, good.text, spans, good.meta)
    path = tmp_path / "bad.jsonl"
    write_annotations([bad, other], path)
    m = evaluate(["rules"], [path], None)["models"]["rules"]
    n = 36 - 1  # gold now has 35 cells: one key mislabelled (and the displaced key removed)
    # prediction unchanged (36 right cells); gold t4.review.other = "3" is now missed, and the predicted
    # t4.review.maintain = "3" and t4.review.other = "0" are false positives
    assert m["cells"]["tp"] == n - 1
    assert m["cells"]["fn"] == 1
    assert m["cells"]["recall"] == pytest.approx((n - 1) / n)
    assert m["cells"]["fp"] == 2
    assert m["exact_match"] == 0.5
    worst = m["worst_reports"][0]
    assert worst["id"] == "hand_cell_per_line"
    miss = next(x for x in worst["misses"] if x["key"] == "t4.review.other")
    assert (miss["gold"], miss["pred"]) == ("3", "0")
    # the miss says where the predicted cell is printed: its line and the text around it
    assert miss["where"]["span"] == "0" and miss["where"]["line"] >= 1


def test_corrupted_value_in_pipe_rows(tmp_path):
    good = pipe_rows_report()
    # gold says 7 natural persons were granted; the text says 6 → one cell wrong: recall drops by exactly 1/21
    i = next(s for s in good.spans if s.label == "VAL.t3.granted.natural_person")
    text = good.text[: i.start] + "7" + good.text[i.end :]
    bad_gold = AnnotatedReport(good.id, text, good.spans, good.meta)
    base = evaluate(["rules"], [], None, reports=[good])["models"]["rules"]["cells"]
    gold_only = bad_gold.gold_cells()
    assert gold_only["t3.granted.natural_person"] == "7"
    # score the original text's prediction against the corrupted gold by evaluating the original text with the
    # corrupted annotation: same spans, the gold value read from the changed text
    from ogi.evaluate import ReportScore, score_cells
    from ogi.pipeline import process
    from ogi.taggers import load_tagger
    from ogi.training.align import document_from_annotation

    doc = process(document_from_annotation(good), load_tagger("rules"))
    sc = ReportScore(good.id, {})
    score_cells(sc, gold_only, doc.cells)
    tp, fp, fn = sc.cells
    assert base["recall"] == pytest.approx(1.0)
    assert tp / (tp + fn) == pytest.approx(1.0 - 1 / 21)
    assert (fp, fn) == (1, 1)


def test_split_filter(data):
    from ogi.annotations import read_annotations

    reps = read_annotations(data)
    reps[0].meta["split"] = "train"
    assert len(select_reports(reps, "test")) == 1
    assert len(select_reports(reps, "all")) == 2
    res = evaluate(["rules"], [data], None, split="all", reports=reps)
    assert res["n_reports"] == 2


def test_missing_model_is_skipped(data):
    res = evaluate(["rules", str(data.parent / "no_such_model")], [data], None)
    assert "rules" in res["models"]
    assert list(res["skipped"]) == [str(data.parent / "no_such_model")]


def test_cli_eval(data, tmp_path):
    import typer
    from typer.testing import CliRunner

    from ogi.cli import eval as eval_cmd

    app = typer.Typer()
    app.command()(eval_cmd.command)
    out = tmp_path / "rep"
    res = CliRunner().invoke(app, ["--model", "rules", "--data", str(data), "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert "rules" in res.output
    assert (out / "report.html").is_file() and (out / "metrics.json").is_file()
    res = CliRunner().invoke(app, ["--model", "rules", "--data", str(data), "--split", "dev"])
    assert res.exit_code == 2
