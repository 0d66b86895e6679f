"""The review app through Flask's test client: index, report page, where a cell was read, corrections
(edit, move, blank, section) saved as a corrected record and a training annotation, and the guards
(session token, Host header, ids that are not paths, bounded bodies)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

pytest.importorskip("flask")

from ogi.annotations import read_annotations, validate
from ogi.review.app import MAX_BODY, create_app
from ogi.review.store import ReviewBatch

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
TOKEN = "t0ken"
HOST = "127.0.0.1:5555"


@pytest.fixture(scope="module")
def records_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from ogi.pipeline import tag_path
    from ogi.taggers import load_tagger

    tagger = load_tagger("default")
    path = tmp_path_factory.mktemp("batch") / "batch.jsonl"
    recs = [tag_path(p, tagger) for p in sorted(SEEDS.glob("*.txt"))]
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in recs), encoding="utf-8")
    return path


@pytest.fixture()
def batch(records_file: Path, tmp_path: Path) -> ReviewBatch:
    return ReviewBatch.open(records_file, tmp_path / "out")


@pytest.fixture()
def client(batch: ReviewBatch):
    app = create_app(batch, TOKEN, {HOST})
    return app.test_client()


def _rid(batch: ReviewBatch, prefix: str) -> str:
    return next(r for r in batch.entries if r.startswith(prefix))


def _get(client, url: str):
    return client.get(url, headers={"Host": HOST})


def _post(client, rid: str, body: object, token: str = TOKEN):
    return client.post(f"/api/r/{rid}/corrections", json=body, headers={"Host": HOST, "X-OGI-Token": token})


def test_review_index_lists_sorts_and_filters(client, batch: ReviewBatch) -> None:
    page = _get(client, "/").get_data(as_text=True)
    assert all(f'data-id="{rid}"' in page for rid in batch.entries)
    page = _get(client, "/?sort=n_failed&desc=1").get_data(as_text=True)
    order = [rid for rid in sorted(batch.entries, key=page.index)]
    failed = [batch.summary(r)["n_failed"] for r in order]
    assert failed == sorted(failed, reverse=True)
    page = _get(client, "/?template=legacy").get_data(as_text=True)
    assert page.count("<tr data-id=") == 1 and _rid(batch, "002") in page
    page = _get(client, "/?q=identity.natural_person").get_data(as_text=True)
    assert _rid(batch, "003") in page and _rid(batch, "002") not in page
    page = _get(client, "/?problems=1").get_data(as_text=True)
    assert _rid(batch, "002") not in page and _rid(batch, "000") in page  # 000 has ambiguous cells


def test_review_report_page_lays_out_the_template_and_flags_cells(client, batch: ReviewBatch) -> None:
    rid = _rid(batch, "000")
    resp = _get(client, f"/r/{rid}")
    page = resp.get_data(as_text=True)
    assert resp.status_code == 200
    assert "表三 收到和处理政府信息公开申请情况" in page and "表四" in page and "第二十条第（五）项" in page
    rec = batch.record(rid)
    amb = [k for k, c in rec["cells"].items() if c["ambiguous"]]
    assert amb and all(f'data-key="{k}"' in page for k in amb)
    assert page.count(" amb") >= len(amb)
    assert " fail" in page  # 000 fails table-3 identities
    assert resp.headers["Content-Security-Policy"].startswith("default-src 'self'")
    legacy = _get(client, f"/r/{_rid(batch, '002')}").get_data(as_text=True)
    assert "政府信息公开情况统计表" in legacy and "表三" not in legacy


def test_review_where_marks_the_span_in_the_source(client, batch: ReviewBatch) -> None:
    rid = _rid(batch, "003")
    key = "t3.new_received.natural_person"
    loc = _get(client, f"/api/r/{rid}/where?key={key}").get_json()
    value = batch.record(rid)["cells"][key]["value"]
    src = batch.source(rid)
    assert src is not None and src.view[loc["start"] : loc["end"]] == value
    assert f'sp-focus" title="VAL.{key}">{value}<' in loc["context"]
    assert "ROW.t3.new_received" in loc["context"]  # its row label is marked too
    assert _get(client, f"/api/r/{rid}/where?key=t3.nope.total").status_code == 400


def test_review_writes_need_the_token_host_and_small_bodies(client, batch: ReviewBatch) -> None:
    rid = _rid(batch, "003")
    body = {"action": "blank", "key": "t3.new_received.natural_person"}
    assert _post(client, rid, body, token="").status_code == 403
    assert _post(client, rid, body, token="wrong").status_code == 403
    assert client.get("/", headers={"Host": "evil.example:5555"}).status_code == 400
    big = {"action": "edit", "key": "t3.new_received.natural_person", "value": "1", "note": "x" * (MAX_BODY + 10)}
    assert _post(client, rid, big).status_code == 413
    assert _get(client, "/r/..%2F..%2Fetc%2Fpasswd").status_code == 404
    assert _post(client, "..", body).status_code == 404
    assert _post(client, rid, {"action": "edit", "key": "../../x", "value": "1"}).status_code == 400
    assert _post(client, rid, {"action": "move", "key": "t3.new_received.natural_person", "to": "t3.other.overdue_fee.total"}).status_code == 400
    assert not (batch.out_dir / "records.jsonl").exists()  # nothing refused was written
    assert _post(client, rid, body).status_code == 200


def test_review_corrections_become_record_and_annotation(client, batch: ReviewBatch, records_file: Path) -> None:
    rid = _rid(batch, "003")
    before = batch.record(rid)
    src = batch.source(rid)
    assert src is not None
    pre = {lab: (s, e) for s, e, lab in src.spans}
    moved = "t3.granted.natural_person"
    assert _post(client, rid, {"action": "move", "key": moved, "to": "t3.granted.commercial", "note": "column slipped"}).status_code == 200
    assert _post(client, rid, {"action": "blank", "key": "t3.partial.total"}).status_code == 200
    sec = next(i for i, s in enumerate(before["sections"]) if s["key"] == "s6")
    assert _post(client, rid, {"action": "section", "index": sec, "to": "s5"}).status_code == 200
    edit_key = "t3.new_received.total"
    assert _post(client, rid, {"action": "edit", "key": edit_key, "value": "４２", "note": "typo"}).status_code == 200

    rec = batch.record(rid)
    assert rec["cells"]["t3.granted.commercial"]["value"] == before["cells"][moved]["value"]
    assert moved not in rec["cells"] and "t3.partial.total" not in rec["cells"]
    assert rec["cells"][edit_key]["value"] == "42" and rec["cells"][edit_key]["number"] == 42
    assert [s["key"] for s in rec["sections"]].count("s5") == 2
    assert rec["checks"] != before["checks"]  # recomputed on the corrected values

    out = batch.out_dir
    saved = [json.loads(x) for x in (out / "records.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in saved] == [rid]
    corr = saved[0]["review"]["corrections"]
    assert [c["action"] for c in corr] == ["move", "blank", "section", "edit"]
    assert corr[0]["note"] == "column slipped" and all(c["time"] for c in corr)
    assert validate(out / "annotations.jsonl") == []
    (ann,) = read_annotations(out / "annotations.jsonl")
    labels = {s.label: (s.start, s.end) for s in ann.spans}
    assert labels["VAL.t3.granted.commercial"] == pre[f"VAL.{moved}"]  # the same printed text, relabelled
    assert f"VAL.{moved}" not in labels and "VAL.t3.partial.total" not in labels
    assert [s.label for s in ann.spans if (s.start, s.end) == pre["SEC.s6"]] == ["SEC.s5"]  # the heading relabelled
    assert [s.label for s in ann.spans if (s.start, s.end) == pre["SEC.s5"]] == ["SEC.s5"]  # the other s5 stays
    assert "SEC.s6" not in labels
    assert ann.meta["split"] == "train" and ann.meta["corrections"] == 4
    assert ann.text == src.doc.raw

    # a new session on the same output folder takes the corrections up again
    again = ReviewBatch.open(records_file, out)
    assert again.record(rid)["cells"] == rec["cells"]
    page = create_app(again, TOKEN, {HOST}).test_client().get(f"/r/{rid}", headers={"Host": HOST}).get_data(as_text=True)
    assert 'data-key="t3.granted.commercial"' in page and "column slipped" in page


def test_review_edit_labels_the_printed_value_when_it_is_there(batch: ReviewBatch) -> None:
    rid = _rid(batch, "003")
    src = batch.source(rid)
    assert src is not None
    key = "t3.carried_over.total"
    printed = batch.record(rid)["cells"]["t3.new_received.total"]["value"]
    batch.add_correction(rid, {"action": "edit", "key": key, "value": printed})
    ann = batch.annotation(rid)
    (span,) = [s for s in ann.spans if s.label == f"VAL.{key}"]
    assert ann.text[span.start : span.end] == printed
    assert validate(batch.out_dir / "annotations.jsonl") == []


def test_review_folder_is_tagged_on_the_fly(tmp_path: Path) -> None:
    folder = tmp_path / "reports"
    folder.mkdir()
    shutil.copy(SEEDS / "003_2494e1b8728ee7a1.txt", folder)
    rb = ReviewBatch.open(folder)
    assert list(rb.entries) == ["003_2494e1b8728ee7a1"]
    assert rb.out_dir == tmp_path / "reports.review"
    assert rb.summary("003_2494e1b8728ee7a1")["template"] == "2019"


def test_review_bad_batch_is_one_clear_line(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from ogi.cli.main import app

    bad = tmp_path / "bad.jsonl"
    bad.write_text("not json\n", encoding="utf-8")
    res = CliRunner().invoke(app, ["review", str(bad), "--no-browser"])
    assert res.exit_code == 2
    assert "bad.jsonl: line 1 is not JSON" in res.output and "Traceback" not in res.output


def test_review_pdf_page_image_marks_the_value(tmp_path: Path) -> None:
    fpdf = pytest.importorskip("fpdf")
    from ogi.review.pdfpage import find_word, page_png

    pdf = fpdf.FPDF()
    pdf.set_font("Helvetica", size=12)
    for rows in ([("alpha", "7", "9"), ("beta", "3", "7")], [("gamma", "7", "4"), ("delta", "5", "5")]):
        pdf.add_page()
        for y, row in enumerate(rows):
            for x, word in enumerate(row):
                pdf.text(20 + 40 * x, 30 + 15 * y, word)
    path = tmp_path / "t.pdf"
    pdf.output(str(path))
    page, word = find_word(path, "gamma | 7 | 4", "7")
    assert page == 1 and word is not None and word["text"] == "7"
    page, word = find_word(path, "beta | 3 | 7", "7")
    assert page == 0 and word is not None and float(word["top"]) > 30  # the 7 on beta's row, not alpha's
    png = page_png(path, 0, word)
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 1000


def test_review_displacy_view_of_a_cell(client, batch: ReviewBatch) -> None:
    rid = _rid(batch, "003")
    key = "t3.new_received.natural_person"
    loc = _get(client, f"/api/r/{rid}/where?key={key}").get_json()
    resp = _get(client, loc["displacy"])
    page = resp.get_data(as_text=True)
    assert resp.status_code == 200 and 'class="spans"' in page and f"VAL.{key}" in page
    assert "'unsafe-inline'" in resp.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in _get(client, f"/r/{rid}").headers["Content-Security-Policy"]


def test_review_report_without_readable_source_still_takes_corrections(tmp_path: Path, records_file: Path) -> None:
    rec = json.loads(records_file.read_text(encoding="utf-8").splitlines()[3])
    rec["path"] = "gone/elsewhere.txt"
    batch_file = tmp_path / "moved.jsonl"
    batch_file.write_text(json.dumps(rec, ensure_ascii=False) + "\n", encoding="utf-8")
    rb = ReviewBatch.open(batch_file, tmp_path / "out")
    client = create_app(rb, TOKEN, {HOST}).test_client()
    page = _get(client, f"/r/{rec['id']}").get_data(as_text=True)
    assert "cannot be read here" in page and 'data-key="t3.new_received.total"' in page
    assert _post(client, rec["id"], {"action": "blank", "key": "t3.new_received.total"}).status_code == 200
    saved = json.loads((tmp_path / "out" / "records.jsonl").read_text(encoding="utf-8"))
    assert "t3.new_received.total" not in saved["cells"]
    assert (tmp_path / "out" / "annotations.jsonl").read_text(encoding="utf-8") == ""  # no text, no annotation


def test_review_locates_cells_of_records_without_span(tmp_path: Path, records_file: Path) -> None:
    rec = json.loads(records_file.read_text(encoding="utf-8").splitlines()[3])
    for cell in rec["cells"].values():
        cell.pop("span", None)
    # as if read by another model: not what a re-read gives, so only its line is known
    rec["cells"]["t3.new_received.total"]["value"] = rec["cells"]["t3.new_received.total"]["value"][:-1]
    batch_file = tmp_path / "old.jsonl"
    batch_file.write_text(json.dumps(rec, ensure_ascii=False) + "\n", encoding="utf-8")
    rb = ReviewBatch.open(batch_file, tmp_path / "out")
    src = rb.source(rec["id"])
    assert src is not None
    hows = set()
    for key, cell in rec["cells"].items():
        loc = rb.locate(rec["id"], key)
        hows.add(loc["how"])
        assert loc["how"] in ("reread", "line")
        assert src.view[loc["start"] : loc["end"]] == cell["value"], key
    assert hows == {"reread", "line"}


def test_review_undo_takes_back_the_last_correction(client, batch: ReviewBatch) -> None:
    rid = _rid(batch, "003")
    key = "t3.new_received.natural_person"
    before = batch.record(rid)["cells"][key]
    assert _post(client, rid, {"action": "blank", "key": key}).status_code == 200
    undo = f"/api/r/{rid}/undo"
    assert client.post(undo, headers={"Host": HOST}).status_code == 403
    resp = client.post(undo, headers={"Host": HOST, "X-OGI-Token": TOKEN})
    assert resp.status_code == 200 and resp.get_json()["undone"]["action"] == "blank"
    assert batch.record(rid)["cells"][key] == before
    assert (batch.out_dir / "records.jsonl").read_text(encoding="utf-8") == ""  # nothing reviewed any more
    assert client.post(undo, headers={"Host": HOST, "X-OGI-Token": TOKEN}).status_code == 400


def test_review_annotation_follows_the_record_where_it_read_a_value(batch: ReviewBatch) -> None:
    rid = _rid(batch, "003")
    entry = batch.get(rid)
    src = batch.source(rid)
    assert src is not None
    a, b = "t3.granted.natural_person", "t3.granted.commercial"
    cells = entry.record["cells"]
    # a record from another model that read these two values the other way round
    cells[a]["span"], cells[b]["span"] = cells[b]["span"], cells[a]["span"]
    cells[a]["value"], cells[b]["value"] = cells[b]["value"], cells[a]["value"]
    batch.add_correction(rid, {"action": "blank", "key": "t3.partial.total"})
    spans = {s.label: (s.start, s.end) for s in batch.annotation(rid).spans}
    assert spans[f"VAL.{a}"] == tuple(cells[a]["span"]) and spans[f"VAL.{b}"] == tuple(cells[b]["span"])
    assert validate(batch.out_dir / "annotations.jsonl") == []
