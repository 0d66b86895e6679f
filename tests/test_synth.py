"""The synthetic layout generator: determinism, coverage, exact spans, identities, validity."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

from ogi.annotations import read_annotations, validate, validate_reports  # noqa: E402
from ogi.normalize import normalize  # noqa: E402
from ogi.schema import T3_APPLICANT_COLS, T3_LEAF_ROWS, is_valid_span_label, t3_rows  # noqa: E402
from ogi.training.card import corpus_card  # noqa: E402
from ogi.training.synth import LAYOUTS, TEMPLATES, generate, main  # noqa: E402


@pytest.fixture(scope="module")
def corpus():
    return generate(200, 1)


def _num(v: str | None) -> int:
    try:
        return int(v) if v is not None else 0
    except ValueError:
        return 0  # placeholders "/" "—"


def test_same_seed_same_bytes(tmp_path):
    a, b, c = tmp_path / "a.jsonl", tmp_path / "b.jsonl", tmp_path / "c.jsonl"
    assert main(["--count", "30", "--seed", "7", "--out", str(a)]) == 0
    main(["--count", "30", "--seed", "7", "--out", str(b)])
    main(["--count", "30", "--seed", "8", "--out", str(c)])
    assert a.read_bytes() == b.read_bytes()
    assert a.read_bytes() != c.read_bytes()
    assert len(read_annotations(a)) == 30


def test_every_layout_and_template(corpus):
    assert {r.meta["layout"] for r in corpus} == set(LAYOUTS)
    assert {r.meta["template"] for r in corpus} == set(TEMPLATES)
    pairs = {(r.meta["template"], r.meta["layout"]) for r in corpus}
    assert len(pairs) == len(LAYOUTS) * len(TEMPLATES)
    assert {r.meta["script"] for r in corpus} == {"simplified", "traditional"}
    assert all(r.meta["format"] == ("html" if r.meta["layout"] == "html" else "text") for r in corpus)


def test_spans_valid_and_exact(corpus):
    for r in corpus:
        assert r.spans, r.id
        for s in r.spans:
            assert is_valid_span_label(s.label), (r.id, s.label)
            t = r.text[s.start : s.end]
            assert t and t == t.strip(), (r.id, s, t)
            assert "?" not in t, (r.id, s, t)  # junk stays outside the spans
    assert validate_reports([("mem", r) for r in corpus]) == []


def test_sections_per_template(corpus):
    for r in corpus:
        keys = [k for k, _ in r.gold_sections()]
        if r.meta["template"] == "legacy":
            n = len(keys)
            assert 7 <= n <= 14 and keys == [f"legacy.{i}" for i in range(1, n + 1)], (r.id, keys)
        else:
            assert keys == ["s1", "s2", "s3", "s4", "s5", "s6"], (r.id, keys)
        lines = [line for line, in [(ln,) for _, ln in r.gold_sections()]]
        assert lines == sorted(lines)


def test_value_spans_hold_values(corpus):
    for r in corpus:
        for key, v in r.gold_cells().items():
            assert v, (r.id, key)
            if key.startswith("t3.") or key.startswith("t4."):
                assert v in ("/", "—") or v.isdigit(), (r.id, key, v)


def test_table3_identities_mostly_hold(corpus):
    ok = total = 0
    for r in corpus:
        tpl = r.meta["template"]
        if tpl == "legacy":
            continue
        cells = r.gold_cells()
        total += 1
        good = True
        for c in T3_APPLICANT_COLS + ("total",):
            g = {row: _num(cells.get(f"t3.{row}.{c}")) for row in t3_rows(tpl)}
            if g["new_received"] + g["carried_over"] != g["total_processed"] + g["carried_forward"]:
                good = False
            if sum(g[row] for row in T3_LEAF_ROWS[tpl]) != g["total_processed"]:
                good = False
        for row in t3_rows(tpl):
            if sum(_num(cells.get(f"t3.{row}.{c}")) for c in T3_APPLICANT_COLS) != _num(cells.get(f"t3.{row}.total")):
                good = False
        ok += good
    assert total > 100
    assert 0.75 <= ok / total < 1.0, (ok, total)


def test_legacy_table_keys_match_printed_labels(corpus):
    seen = 0
    for r in corpus:
        if r.meta["template"] != "legacy":
            continue
        for s in r.spans:
            if s.label.startswith("ROW.legacy."):
                seen += 1
                printed = normalize(r.text[s.start : s.end])[0]
                if r.meta["layout"] != "html":
                    assert s.label == "ROW.legacy." + "".join(printed.split()), (r.id, s.label, printed)
    assert seen > 0


def test_traditional_reports_are_converted(corpus):
    trad = [r for r in corpus if r.meta["script"] == "traditional"]
    assert trad and all("統計" in r.text or "處理" in r.text or "總計" in r.text or "情況" in r.text for r in trad)


def test_drop_blank_rate():
    reps = generate(40, 3, drop_blank_rate=1.0)
    keep = generate(40, 3, drop_blank_rate=0.0)
    def zeros(rs):
        return sum(1 for r in rs for k, v in r.gold_cells().items() if k.startswith(("t3.", "t4.")) and v == "0")
    assert zeros(reps) == 0
    assert zeros(keep) > 1000


def test_validate_on_written_file(tmp_path, corpus):
    from ogi.annotations import write_annotations

    path = tmp_path / "synth.jsonl"
    write_annotations(corpus, path)
    assert validate(path) == []
    assert read_annotations(path) == corpus


def test_corpus_card(corpus):
    card = corpus_card(corpus)
    assert "| layout |" in card and "| pdf_space |" in card and "| legacy |" in card
    assert f"Reports: {len(corpus)}" in card
