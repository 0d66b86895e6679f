"""Label Studio, doccano and spaCy exchange: the format each tool documents, and exact round trips.

The Label Studio checks are written from its documentation (task format: ``data`` holds the fields
the config's ``$variables`` name, pre-annotations go in ``predictions`` with ``model_version`` and
``result`` regions ``{id, from_name, to_name, type: "labels", value: {start, end, text, labels}}``;
labeling config: XML of the documented tags). ``tests/tools/label_studio_sdk_check.py`` checks the
same export with Label Studio's own SDK where it is installed.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ogi.annotations import (
    AnnotatedReport,
    Span,
    from_doccano,
    from_label_studio,
    label_groups,
    label_studio_config,
    read_annotations,
    to_doccano,
    to_label_studio,
    write_annotations,
)
from ogi.schema import all_cell_keys, is_valid_span_label

# Tags and attributes of the Label Studio docs (templates/tags) that the generated config may use.
LS_TAGS = {
    "View": {"className", "style", "visibleWhen"},
    "Style": set(),
    "Header": {"value", "size", "underline"},
    "Text": {"name", "value", "granularity", "valueType", "saveTextResult", "encoding", "selectionEnabled", "highlightColor", "showLabels"},
    "Collapse": {"accordion", "bordered"},
    "Panel": {"value"},
    "Filter": {"name", "toName", "minlength", "placeholder", "hotkey", "cleanup"},
    "Labels": {"name", "toName", "choice", "maxUsages", "showInline", "opacity", "fillColor", "strokeColor", "strokeWidth", "value"},
    "Label": {"value", "selected", "maxUsages", "hint", "hotkey", "alias", "showAlias", "aliasStyle", "size", "background", "selectedColor", "granularity"},
}


def _report(rid: str, text: str, spans: list[tuple[str, str]], fmt: str = "text") -> AnnotatedReport:
    out, pos = [], 0
    for piece, label in spans:
        start = text.index(piece, pos)
        out.append(Span(start, start + len(piece), label))
        pos = start + len(piece)
    return AnnotatedReport(rid, text, out, {"template": "2021", "year": 2022, "split": "train", "format": fmt, "source": "test"})


CRLF_TEXT = "三、收到和处理政府信息公开申请情况\r\n一、本年新收政府信息公开申请数量\r\n２７ | 3\r\n四、政府信息公开行政复议、行政诉讼情况\r\n𠀀 行政复议 5"
HTML_TEXT = (
    "<html><head><meta charset=\"gbk\"><title>x</title></head><body>\n<p>三、收到和处理政府信息公开申请情况</p>\n"
    "<table><tr><td>一、本年新收政府信息公开申请数量</td><td>27</td><td>3</td></tr></table>\n"
    "<p>行政复议 A&amp;B 5</p></body></html>"
)


def crlf_report() -> AnnotatedReport:
    return _report("crlf", CRLF_TEXT, [("三、收到和处理政府信息公开申请情况", "SEC.s3"), ("一、本年新收政府信息公开申请数量", "ROW.t3.new_received"),
                                      ("２７", "VAL.t3.new_received.natural_person"), ("3", "VAL.t3.new_received.total"),
                                      ("四、政府信息公开行政复议、行政诉讼情况", "SEC.s4"), ("5", "VAL.t4.review.total")])


def html_report() -> AnnotatedReport:
    return _report("page", HTML_TEXT, [("三、收到和处理政府信息公开申请情况", "SEC.s3"), ("一、本年新收政府信息公开申请数量", "ROW.t3.new_received"),
                                      ("27", "VAL.t3.new_received.natural_person"), ("3", "VAL.t3.new_received.total"),
                                      ("A&amp;B", "HDR"), ("5", "VAL.t4.review.total")], fmt="html")


def _accept(tasks: list[dict]) -> list[dict]:
    """What Label Studio exports after an annotator submits the pre-fills unchanged."""
    for t in tasks:
        t["annotations"] = [{"id": 7, "created_at": "2026-01-01T00:00:00Z", "result": t["predictions"][0]["result"]}]
    return tasks


def test_exchange_config_uses_documented_tags_and_every_label() -> None:
    cfg = label_studio_config(["VAL.legacy.其中:主动公开规范性文件数", "ROW.legacy.其中:主动公开规范性文件数"])
    root = ET.fromstring(cfg)
    names: set[str] = set()
    for el in root.iter():
        assert el.tag in LS_TAGS, el.tag
        assert set(el.attrib) <= LS_TAGS[el.tag], (el.tag, set(el.attrib) - LS_TAGS[el.tag])
        if "name" in el.attrib:
            assert el.attrib["name"] not in names
            names.add(el.attrib["name"])
    texts = [e for e in root.iter("Text")]
    assert len(texts) == 1 and texts[0].attrib["value"] == "$text"
    controls = {e.attrib["name"]: e for e in root.iter("Labels")}
    for f in root.iter("Filter"):
        assert f.attrib["toName"] in controls  # each filter box filters one label panel
    labels = [lab.attrib["value"] for c in controls.values() for lab in c.iter("Label")]
    assert len(labels) == len(set(labels))  # one control per label: results name it unambiguously
    wanted = {f"VAL.{k}" for k in all_cell_keys("2019") + all_cell_keys("2021")}
    assert wanted <= set(labels)
    assert {"VAL.legacy.其中:主动公开规范性文件数", "SEC.s1", "HDR", "UNIT", "COL.t4.review"} <= set(labels)
    assert all(is_valid_span_label(lab) for lab in labels)
    assert max(len(c.findall("Label")) for c in controls.values()) <= 100  # no panel of hundreds
    assert "pre-wrap" in cfg


def test_exchange_label_studio_tasks_are_predictions_in_the_documented_shape() -> None:
    reps = [crlf_report(), html_report()]
    tasks = to_label_studio(reps)
    cfg = ET.fromstring(label_studio_config())
    control_of = {lab.attrib["value"]: c.attrib["name"] for c in cfg.iter("Labels") for lab in c.iter("Label")}
    for t in tasks:
        assert set(t) == {"data", "predictions"}  # no "annotations": the queue does not count them as done
        assert isinstance(t["data"]["text"], str)
        (pred,) = t["predictions"]
        assert pred["model_version"]
        for r in pred["result"]:
            assert r["type"] == "labels" and r["to_name"] == "text"
            (lab,) = r["value"]["labels"]
            assert r["from_name"] == control_of[lab]
            v = r["value"]
            assert t["data"]["text"][v["start"] : v["end"]] == v["text"]
    # the text a person reads: LF line ends, HTML rendered (no markup), the original kept for the way back
    assert "\r" not in tasks[0]["data"]["text"] and tasks[0]["data"]["ogi_raw"] == CRLF_TEXT
    assert "<td>" not in tasks[1]["data"]["text"] and "本年新收" in tasks[1]["data"]["text"]


@pytest.mark.parametrize("utf16", [False, True])
def test_exchange_label_studio_round_trip_crlf_html_astral(tmp_path: Path, utf16: bool) -> None:
    reps = [crlf_report(), html_report()]
    tasks = _accept(to_label_studio(reps, utf16=utf16))
    back = from_label_studio(tasks, utf16=utf16)
    assert back == reps
    path = tmp_path / "export.json"
    path.write_text(json.dumps(tasks, ensure_ascii=False), encoding="utf-8")
    assert from_label_studio(path, utf16=utf16) == reps


def test_exchange_label_studio_reads_the_latest_annotation_and_skips_unlabelled() -> None:
    rep = crlf_report()
    (task,) = to_label_studio([rep])
    result = task["predictions"][0]["result"]
    old = {"id": 1, "created_at": "2026-01-01T10:00:00Z", "result": result}
    fixed = json.loads(json.dumps(result))
    fixed[2]["value"]["labels"] = ["VAL.t3.new_received.commercial"]  # the annotator moved 27
    new = {"id": 2, "created_at": "2026-01-02T10:00:00Z", "updated_at": "2026-01-03T10:00:00Z", "result": fixed}
    cancelled = {"id": 3, "created_at": "2026-02-01T00:00:00Z", "was_cancelled": True, "result": []}
    task["annotations"] = [new, old, cancelled]
    (back,) = from_label_studio([task])
    assert back.gold_cells()["t3.new_received.commercial"] == "27"
    assert "t3.new_received.natural_person" not in back.gold_cells()
    untouched = to_label_studio([rep])[0]
    assert from_label_studio([untouched]) == []
    assert from_label_studio([untouched], use_predictions=True) == [rep]


def test_exchange_label_studio_edited_text_is_refused() -> None:
    from ogi.errors import AnnotationError

    (task,) = _accept(to_label_studio([crlf_report()]))
    task["data"]["text"] = task["data"]["text"].replace("２７", "27 ")
    with pytest.raises(AnnotationError, match="differs"):
        from_label_studio([task])


def test_exchange_doccano_round_trip_crlf_html() -> None:
    reps = [crlf_report(), html_report()]
    recs = to_doccano(reps)
    assert "\r" not in recs[0]["text"] and "<table>" not in recs[1]["text"]
    s, e, lab = recs[0]["label"][2]
    assert recs[0]["text"][s:e] == "２７" and lab == "VAL.t3.new_received.natural_person"
    assert from_doccano(recs) == reps
    # doccano's relation-project export: entities with start_offset / end_offset
    ent = dict(recs[0])
    ent["entities"] = [{"id": i, "start_offset": a, "end_offset": b, "label": c} for i, (a, b, c) in enumerate(ent.pop("label"))]
    assert from_doccano([ent]) == [reps[0]]


def test_exchange_cli_export_import_label_studio_and_doccano(tmp_path: Path) -> None:
    from ogi.cli.main import app

    src = tmp_path / "ann.jsonl"
    write_annotations([crlf_report(), html_report()], src)
    runner = CliRunner()
    res = runner.invoke(app, ["export", str(src), "--to", "label-studio", "--out", str(tmp_path / "ls")])
    assert res.exit_code == 0, res.output
    tasks = json.loads((tmp_path / "ls" / "tasks.json").read_text(encoding="utf-8"))
    ET.fromstring((tmp_path / "ls" / "config.xml").read_text(encoding="utf-8"))
    (tmp_path / "done.json").write_text(json.dumps(_accept(tasks), ensure_ascii=False), encoding="utf-8")
    res = runner.invoke(app, ["import", str(tmp_path / "done.json"), "--from", "label-studio", "--out", str(tmp_path / "back.jsonl"), "--split", "dev"])
    assert res.exit_code == 0, res.output
    back = read_annotations(tmp_path / "back.jsonl")
    assert [r.spans for r in back] == [r.spans for r in read_annotations(src)]
    assert {r.meta["split"] for r in back} == {"dev"}

    res = runner.invoke(app, ["export", str(src), "--to", "doccano", "--out", str(tmp_path / "dc")])
    assert res.exit_code == 0, res.output
    labels = json.loads((tmp_path / "dc" / "labels.json").read_text(encoding="utf-8"))
    assert {"text", "background_color", "text_color"} <= set(labels[0])
    res = runner.invoke(app, ["import", str(tmp_path / "dc" / "tasks.jsonl"), "--from", "doccano", "--out", str(tmp_path / "dc.jsonl")])
    assert res.exit_code == 0, res.output
    assert read_annotations(tmp_path / "dc.jsonl") == read_annotations(src)

    res = runner.invoke(app, ["export", str(src), "--to", "prodigy", "--out", str(tmp_path / "x")])
    assert res.exit_code == 2 and "label-studio" in res.output


def test_exchange_spacy_docbin(tmp_path: Path) -> None:
    pytest.importorskip("spacy")
    from ogi.review.spans import annotations_to_docbin, read_docbin

    reps = [crlf_report(), html_report()]
    assert annotations_to_docbin(reps, tmp_path / "x.spacy") == 2
    docs = read_docbin(tmp_path / "x.spacy")
    for doc, rep in zip(docs, reps):
        assert doc.text == rep.text
        got = [(sp.start_char, sp.end_char, sp.label_) for sp in doc.spans["sc"]]
        assert got == [(s.start, s.end, s.label) for s in rep.spans]
        assert doc.user_data["meta"]["id"] == rep.id


def test_exchange_label_groups_cover_labels_once() -> None:
    groups = label_groups(["ROW.legacy.合计"])
    seen = [lab for _, _, labs in groups for lab in labs]
    assert len(seen) == len(set(seen)) and "ROW.legacy.合计" in seen
