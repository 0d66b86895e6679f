"""The annotation format: lossless round trips, validation, Label Studio and doccano conversion."""

from __future__ import annotations

import json

import pytest

from ogi.annotations import (
    AnnotatedReport,
    Span,
    from_doccano,
    from_label_studio,
    read_annotations,
    to_doccano,
    to_label_studio,
    validate,
    write_annotations,
)

TRICKY = (
    "二、主动公开政府信息情况\r\n"
    "規章 | ０ | ３１４６ | \r\n"
    "行政许可 &amp; 其他 “三安全一稳定”：增82\r\n"
    "\r\n"
    "三、收到和处理政府信息公开申请情况\n"
    "(七)总计 | ??16? | 1372.16万元 | 𠀀\u2028x\r"
    "四、政府信息公开行政复议、行政诉讼情况"
)


def _find(text: str, sub: str, label: str) -> Span:
    i = text.index(sub)
    return Span(i, i + len(sub), label)


def tricky_report(rid: str = "r1", split: str = "train") -> AnnotatedReport:
    t = TRICKY
    spans = [
        _find(t, "二、主动公开政府信息情况", "SEC.s2"),
        _find(t, "規章", "ROW.t2.regulations"),
        _find(t, "３１４６", "VAL.t2.art20_1.regulations.new_published"),
        _find(t, "行政许可", "ROW.t2.licensing"),
        _find(t, "增82", "VAL.t2.art20_5.licensing.change"),
        _find(t, "三、收到和处理政府信息公开申请情况", "SEC.s3"),
        _find(t, "16", "VAL.t3.total_processed.natural_person"),
        _find(t, "1372.16万元", "VAL.t2.art20_9.procurement.amount"),
        _find(t, "四、政府信息公开行政复议、行政诉讼情况", "SEC.s4"),
    ]
    meta = {"template": "2019", "year": 2019, "layout": "pipe_rows", "script": "simplified",
            "source": "synthetic", "split": split, "format": "text"}
    return AnnotatedReport(rid, t, spans, meta)


def test_round_trip_is_lossless(tmp_path):
    rep = tricky_report()
    path = tmp_path / "a.jsonl"
    write_annotations([rep, tricky_report("r2")], path)
    back = read_annotations(path)
    assert back[0] == rep
    assert back[0].text == TRICKY  # CRLF, lone CR, U+2028, astral char all kept
    # writing again gives identical bytes
    path2 = tmp_path / "b.jsonl"
    write_annotations(back, path2)
    assert path.read_bytes() == path2.read_bytes()
    # one record per line, UTF-8 unescaped
    data = path.read_bytes()
    assert data.count(b"\n") == 2
    assert "規章".encode() in data and "３１４６".encode() in data and b"&amp;" in data
    # no temp files left behind
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.jsonl", "b.jsonl"]


def test_read_directory_and_list(tmp_path):
    write_annotations([tricky_report("a")], tmp_path / "x.jsonl")
    write_annotations([tricky_report("b")], tmp_path / "y.jsonl")
    (tmp_path / "notes.txt").write_text("ignored")
    assert [r.id for r in read_annotations(tmp_path)] == ["a", "b"]
    assert [r.id for r in read_annotations([tmp_path / "y.jsonl", tmp_path / "x.jsonl"])] == ["b", "a"]


def test_gold_cells_and_sections():
    rep = tricky_report()
    cells = rep.gold_cells()
    assert cells["t2.art20_1.regulations.new_published"] == "3146"  # full-width → NFKC
    assert cells["t2.art20_5.licensing.change"] == "增82"
    assert cells["t3.total_processed.natural_person"] == "16"
    assert cells["t2.art20_9.procurement.amount"] == "1372.16万元"
    # lines: CRLF counts once, lone CR ends a line too
    assert rep.gold_sections() == [("s2", 1), ("s3", 5), ("s4", 7)]


def test_valid_report_has_no_problems(tmp_path):
    path = tmp_path / "ok.jsonl"
    write_annotations([tricky_report("a"), tricky_report("b", "train")], path)
    # same text twice within one split is not a leak
    assert validate(path) == []


def _codes(problems):
    return sorted({p.code for p in problems})


@pytest.mark.parametrize(
    ("mutate", "code"),
    [
        (lambda r: r.spans.append(Span(0, 2, "VAL.t3.bogus.natural_person")), "unknown_label"),
        (lambda r: r.spans.append(Span(0, 2, "NOPE")), "unknown_label"),
        (lambda r: r.spans.append(Span(1, 4, "HDR")), "overlap"),
        (lambda r: r.spans.append(Span(len(r.text) - 2, len(r.text) + 5, "HDR")), "bad_range"),
        (lambda r: r.spans.append(Span(20, 18, "HDR")), "bad_range"),
        (lambda r: r.spans.append(Span(-1, 1, "HDR")), "bad_range"),
        (lambda r: r.spans.append(Span(r.text.index("\r\n\r\n"), r.text.index("\r\n\r\n") + 4, "HDR")), "empty_span"),
        (lambda r: r.spans.append(Span(5, 5, "HDR")), "empty_span"),
    ],
)
def test_validate_detects_span_problems(tmp_path, mutate, code):
    rep = tricky_report()
    mutate(rep)
    path = tmp_path / "bad.jsonl"
    write_annotations([rep], path)
    problems = validate(path)
    assert code in _codes(problems), problems
    assert all(p.report_id == "r1" and p.file == str(path) for p in problems)


def test_validate_empty_document_and_duplicates(tmp_path):
    path = tmp_path / "bad.jsonl"
    write_annotations([AnnotatedReport("e", "  \r\n ", [], {"split": "train"}), tricky_report("d"), tricky_report("d")], path)
    codes = _codes(validate(path))
    assert "empty_document" in codes and "duplicate_id" in codes


@pytest.mark.parametrize(("a", "b"), [("train", "test"), ("dev", "test"), ("train", "dev")])
def test_validate_split_overlap_across_files(tmp_path, a, b):
    r1 = tricky_report("x", a)
    # the same text modulo normalisation (full-width, spacing, traditional script) is still a leak
    r2 = AnnotatedReport("y", r1.text.replace("３１４６", "3146").replace(" | ", "|"), [], {"split": b})
    write_annotations([r1], tmp_path / "a.jsonl")
    write_annotations([r2], tmp_path / "b.jsonl")
    problems = validate(tmp_path)
    assert [p.code for p in problems] == ["split_overlap", "split_overlap"]
    assert {p.report_id for p in problems} == {"x", "y"}


def test_validate_malformed_line(tmp_path):
    path = tmp_path / "m.jsonl"
    path.write_bytes(json.dumps({"text": "x"}).encode() + b"\n")
    assert _codes(validate(path)) == ["malformed"]


def test_label_studio_round_trip(tmp_path):
    reps = [tricky_report("a"), tricky_report("b")]
    for utf16 in (False, True):
        tasks = to_label_studio(reps, utf16=utf16)
        res = tasks[0]["predictions"][0]["result"][0]
        assert res["type"] == "labels" and res["from_name"] == "sec" and res["to_name"] == "text"
        assert {"start", "end", "text", "labels"} <= set(res["value"])
        for t in tasks:  # what an annotator who accepts the pre-fills submits
            t["annotations"] = [{"id": 1, "result": t["predictions"][0]["result"]}]
        assert from_label_studio(tasks, utf16=utf16) == reps
        path = tmp_path / "ls.json"
        path.write_bytes(json.dumps(tasks, ensure_ascii=False).encode())
        assert from_label_studio(path, utf16=utf16) == reps
    # the astral char shifts UTF-16 offsets of the spans after it
    last16 = to_label_studio(reps, utf16=True)[0]["predictions"][0]["result"][-1]["value"]
    last = to_label_studio(reps)[0]["predictions"][0]["result"][-1]["value"]
    assert last16["start"] == last["start"] + 1


def test_doccano_round_trip(tmp_path):
    reps = [tricky_report("a"), tricky_report("b")]
    recs = to_doccano(reps)
    assert recs[0]["label"][0] == [0, len("二、主动公开政府信息情况"), "SEC.s2"]
    assert from_doccano(recs) == reps
    path = tmp_path / "d.jsonl"
    path.write_bytes(b"".join(json.dumps(r, ensure_ascii=False).encode() + b"\n" for r in recs))
    assert from_doccano(path) == reps
