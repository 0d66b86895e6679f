"""The synthetic layout generator: determinism, coverage, exact spans, identities, validity."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

from ogi.annotations import read_annotations, validate, validate_reports
from ogi.normalize import normalize
from ogi.schema import T3_APPLICANT_COLS, T3_LEAF_ROWS, is_valid_span_label, t3_rows
from ogi.training.card import corpus_card
from ogi.training.synth import (
    FAMILIES,
    HELD_OUT_FAMILIES,
    LAYOUTS,
    OCR_SWAPS,
    TEMPLATES,
    generate,
    main,
)


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
    assert all(r.meta["format"] == ("html" if r.meta["layout"].startswith("html") else "text") for r in corpus)


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
            assert 5 <= n <= 12 and keys == [f"legacy.{i}" for i in range(1, n + 1)], (r.id, keys)
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
        if "t3.other.total" in cells:  # （六）其他处理 printed as one row, in a 2021 report too
            tpl = "2019"
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
        if r.meta["template"] != "legacy" or r.meta["format"] == "html":
            continue
        printed: dict[str, str] = {}  # a label split over lines or wrapped: its pieces in order
        for s in sorted(r.spans):
            if s.label.startswith("ROW.legacy."):
                printed[s.label] = printed.get(s.label, "") + normalize(r.text[s.start : s.end])[0]
        for label, text in printed.items():
            seen += 1
            assert label == "ROW.legacy." + "".join(text.split()), (r.id, label, text)
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


# ---------------------------------------------------------------------------------------------
# Honest splits: nothing of the seeds or the nine real reports in the generator (issue 11.2)
# ---------------------------------------------------------------------------------------------

_CJK_BREAK = re.compile(r"[^\u4e00-\u9fff]+")
_N = 12  # a copied title or sentence shows as a shared run of 12 Chinese characters


def _windows(text: str) -> set[str]:
    """Every 12-character stretch of an unbroken run of Chinese characters (normalised, simplified)."""
    runs = [r for r in _CJK_BREAK.split(normalize(text)[0]) if len(r) >= _N]
    return {r[i : i + _N] for r in runs for i in range(len(r) - _N + 1)}


def _read_source(path: Path) -> str:
    if path.suffix == ".pdf":
        pdfplumber = pytest.importorskip("pdfplumber")
        with pdfplumber.open(path) as pdf:
            return "\n".join(page.extract_text() or "" for page in pdf.pages)
    text = path.read_text(encoding="utf-8", errors="replace")
    if path.suffix in (".html", ".htm"):
        text = html.unescape(re.sub(r"<[^>]+>", "\n", text))
    return text


def _furniture() -> list[str]:
    """The vocabulary the generator may use: runs of Chinese in DOMAIN.md, SCHEMA.md (or its copy in
    docs/output-contract.md, for a clone without ../shared) and ogi.schema."""
    import ogi.schema

    text = Path(ogi.schema.__file__).read_text(encoding="utf-8")
    for doc in (SHARED / "DOMAIN.md", SHARED / "SCHEMA.md", ROOT / "docs" / "output-contract.md"):
        if doc.exists():
            text += doc.read_text(encoding="utf-8")
    pieces = {normalize(p)[0] for p in re.findall(r"[\u4e00-\u9fff]+", text)}
    return sorted(pieces, key=len, reverse=True)


def _is_furniture(w: str, pieces: list[str]) -> bool:
    """True when ``w`` is made of schema/DOMAIN vocabulary: inside one piece, or the tail of one,
    whole pieces, then the head of one (labels printed one after another)."""
    if any(w in p for p in pieces):
        return True
    todo = sorted({k for p in pieces for k in range(1, min(len(p), len(w)) + 1) if w[:k] == p[-k:]})
    seen = set(todo)
    while todo:
        i = todo.pop()
        if i == len(w):
            return True
        for p in pieces:
            if p.startswith(w[i:]):
                return True
            if w.startswith(p, i) and i + len(p) not in seen:
                seen.add(i + len(p))
                todo.append(i + len(p))
    return False


SHARED = ROOT.parent / "shared"
_SOURCES = sorted((ROOT / "seeds").glob("*.txt")) + sorted((SHARED / "real" / "raw").glob("*"))


@pytest.mark.skipif(not _SOURCES, reason="seeds and real reports not present")
def test_synth_copies_no_seed_or_real_sentence():
    """No 12-character run of a seed's or real report's text appears in generated text, unless it is
    the national form's wording (printed by 3+ of the 14 independent reports) or schema/DOMAIN vocabulary."""
    from collections import Counter

    counts: Counter = Counter()
    where: dict[str, str] = {}
    for path in _SOURCES:
        ws = _windows(_read_source(path))
        counts.update(ws)
        for w in ws:
            where.setdefault(w, path.name)
    private = {w for w, n in counts.items() if n < 3}
    pieces = _furniture()
    copied = {}
    for r in generate(150, 21) + generate(60, 22, families=FAMILIES, force=HELD_OUT_FAMILIES):
        for w in _windows(r.text) & private:
            if not _is_furniture(w, pieces):
                copied[w] = (where[w], r.id)
    assert not copied, sorted(copied.items())[:10]


def test_synth_number_pools_hold_no_real_numbers():
    """The generator's number literals are round or small: no value of a seed or real report sits in a pool."""
    import ast

    from ogi.training import synth

    tree = ast.parse(Path(synth.__file__).read_text(encoding="utf-8"))
    lits = [n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, int | float)
            and not isinstance(n.value, bool)]
    odd = [v for v in lits if abs(v) >= 100 and not (float(v).is_integer() and int(v) % 10 == 0)
           and not 1990 <= v <= 2035]  # years are the report's own
    assert not odd, odd
    strings = [n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)]
    assert not [s for s in strings if re.fullmatch(r"\d{3,}(\.\d+)?(万元|元)?", s) and s not in ("2019", "2021")]


def test_synth_no_seed_quirks():
    reps = generate(120, 4, families=FAMILIES)
    text = "".join(r.text for r in reps)
    for quirk in ("行政查询事务", "其他要求", "本机关不掌握相关执法信息"):
        assert quirk not in text


# ---------------------------------------------------------------------------------------------
# Augmentation families (issue 11.5)
# ---------------------------------------------------------------------------------------------

def test_synth_families_selectable():
    train = generate(80, 5, families=[f for f in FAMILIES if f not in HELD_OUT_FAMILIES])
    assert all(not set(r.meta["families"]) & set(HELD_OUT_FAMILIES) for r in train)
    assert {f for r in train for f in r.meta["families"]} == set(FAMILIES) - set(HELD_OUT_FAMILIES)
    held = generate(40, 6, force=HELD_OUT_FAMILIES)
    assert all(set(r.meta["families"]) & set(HELD_OUT_FAMILIES) for r in held)
    none = generate(30, 7, families=[])
    assert all(r.meta["families"] == [] and r.meta["script"] == "simplified" for r in none)
    with pytest.raises(ValueError, match="unknown family"):
        generate(1, 1, families=["nope"])


def test_synth_families_only_where_they_apply():
    from ogi.training.synth import FAMILY_LAYOUTS

    reps = generate(60, 19)
    for r in reps:
        for f in r.meta["families"]:
            assert f not in FAMILY_LAYOUTS or r.meta["layout"] in FAMILY_LAYOUTS[f], (r.id, f)
    widths = generate(15, 20, force=["widths"])
    assert all("widths" in r.meta["families"] and r.meta["layout"] in FAMILY_LAYOUTS["widths"] for r in widths)


def test_synth_family_effects():
    def spans_text(r, prefix):
        return [r.text[s.start : s.end] for s in r.spans if s.label.startswith(prefix)]

    ocr = generate(30, 8, families=["ocr"], force=["ocr"], layouts=["pipe_rows"])
    labels = "".join(t for r in ocr for t in spans_text(r, ("ROW.", "COL.", "BLK.")))
    assert any(v in labels for v in OCR_SWAPS.values())
    heji = generate(20, 9, families=["heji"], force=["heji"], layouts=["pipe_rows_kept"])
    tot = [t for r in heji for t in spans_text(r, "COL.t3.total") + spans_text(r, "ROW.t3.total_processed")]
    assert tot and all("总计" not in t and "合计" in t for t in tot)
    dang = generate(20, 10, families=["guifan_dangan"], force=["guifan_dangan"], layouts=["html"])
    docs = [t for r in dang for t in spans_text(r, "ROW.t2.normative_docs")]
    assert docs and all("规范性档案" in t for t in docs)
    nohdr = generate(30, 11, families=["no_header"], force=["no_header"], layouts=["pipe_rows"])
    assert any(not any(s.label.startswith("COL.t3.") for s in r.spans)
               for r in nohdr if r.meta["template"] != "legacy")
    wrap = generate(30, 12, families=["wrap_labels"], force=["wrap_labels"], layouts=["pdf_space"])
    split_labels = []
    for r in wrap:
        rows: dict[str, list] = {}
        for s in sorted(r.spans):
            if s.label.startswith("ROW.t3."):
                rows.setdefault(s.label, []).append(s)
        for pieces in rows.values():
            if len(pieces) == 2 and any(x.label.startswith("VAL.t3.") and pieces[0].end <= x.start < pieces[1].start
                                        for x in r.spans):
                split_labels.append(r)
    assert split_labels  # label head / its numbers / label tail
    trad = generate(10, 13, families=["traditional"], force=["traditional"])
    assert all(r.meta["script"] == "traditional" for r in trad)


# ---------------------------------------------------------------------------------------------
# Layout families (issue 10.11)
# ---------------------------------------------------------------------------------------------

def _one(layout: str, tpl: str = "2021", seed: int = 3, **kw):
    reps = generate(12, seed, layouts=[layout], **kw)
    return [r for r in reps if r.meta["template"] == tpl]


def test_synth_oneline_glued_body_is_one_line():
    for r in _one("oneline_glued") + _one("oneline_spaced"):
        body = max(r.text.splitlines(), key=len)
        vals = [s for s in r.spans if s.label.startswith("VAL.")]
        assert vals and all(body in r.text and r.text.index(body) <= s.start < r.text.index(body) + len(body) for s in vals)
    glued = [r for r in _one("oneline_glued", "2019")]
    adjacent = sum(1 for r in glued for a, b in zip(sorted(r.spans), sorted(r.spans)[1:])
                   if a.end == b.start and a.label.startswith("VAL.") and b.label.startswith("VAL."))
    assert adjacent > 50  # cells glued with no separator
    texts = [r.text[s.start : s.end] for r in glued for s in r.spans if s.label.endswith(".change")]
    assert any(t.startswith(("-", "减")) for t in texts)  # negatives glued too


def test_synth_markdown_conversion():
    reps = generate(40, 14, layouts=["md_conversion"])
    text = "\n".join(r.text for r in reps)
    assert "|---|" in text and ("数据1" in text or "列1" in text or "字段1" in text)
    assert "| - | - |" in text  # dummy tables
    # labels detached from bare rows of numbers: a ROW.t3 span outside any pipe row
    detached = [r for r in reps for s in r.spans if s.label.startswith("ROW.t3.")
                and not r.text[r.text.rfind("\n", 0, s.start) + 1 : s.start].startswith("|")]
    assert detached
    renumbered = [r for r in reps if any(s.label == "SEC.s2" and r.text[s.start] == "一" for s in r.spans)]
    assert renumbered  # tables renumbered 一..三 after a narrative


def test_synth_pdf_text_numbers_before_labels():
    reps = generate(30, 15, layouts=["pdf_text"])
    before = 0
    for r in reps:
        spans = sorted(r.spans)
        for i, s in enumerate(spans):
            if s.label.startswith("ROW.t3.") and i and spans[i - 1].label.startswith("VAL.t3.") \
                    and spans[i - 1].label.split(".")[2] == s.label.split(".")[2]:
                before += 1
    assert before > 10


def test_synth_cell_per_line_split():
    reps = generate(40, 16, layouts=["cell_per_line_split"])
    split_nums = [(r, s) for r in reps for s in r.spans if s.label.startswith("VAL.") and "\n" in r.text[s.start : s.end]]
    assert split_nums
    r, s = split_nums[0]
    assert r.gold_cells()[s.label[4:]] == "".join(r.text[s.start : s.end].split())
    blk = [r.text[s.start : s.end] for r in reps for s in r.spans if s.label == "BLK.art20_1"]
    assert any(t.count("\n") >= 4 for t in blk)  # "第二十条第" / "（" / "一" / "）" / "项", one span
    assert any(r.meta.get("ambiguous") for r in reps)  # collapsed runs of identical lines
    assert any("\r\n" in r.text for r in reps)


def test_synth_web_page_metadata_box_and_blank_columns():
    reps = generate(30, 17, layouts=["html_web"])
    for r in reps:
        first_sec = min(s.start for s in r.spans if s.label.startswith("SEC."))
        assert r.text.find("<table") < first_sec  # site chrome table first
    blank = [r for r in reps if r.meta["template"] != "legacy" and not any(
        k.startswith("t3.") and k.endswith(".commercial") for k in r.gold_cells())]
    assert blank


def test_synth_legacy_cumulative_and_no_table():
    reps = [r for r in generate(80, 18, layouts=["pipe_rows_kept"]) if r.meta["template"] == "legacy"]
    cum = [r for r in reps if "历年累计" in r.text]
    assert cum and all(any(s.label.startswith("VAL.legacy.") for s in r.spans) for r in cum)
    for r in cum:  # the cumulative column is not a cell: one value span per row label
        rows = [s for s in r.spans if s.label.startswith("ROW.legacy.")]
        vals = [s for s in r.spans if s.label.startswith("VAL.legacy.")]
        assert len(vals) <= len(rows)
    assert any(not any(s.label.startswith("VAL.") for s in r.spans) for r in reps)  # sections, no table


def test_corpus_card_counts_families(corpus):
    card = corpus_card(corpus)
    assert "| augmentation family |" in card
    for fam in FAMILIES:
        assert f"| {fam} |" in card


def test_synth_paraphrase_never_prints_another_familys_variant():
    """Schema aliases that are OCR look-alikes, 合计 or 规范性档案 stay with their own family."""
    reps = generate(60, 23, families=["paraphrase"], force=["paraphrase"])
    labels = "".join(r.text[s.start : s.end] for r in reps for s in r.spans if s.label.startswith(("ROW.", "COL.")))
    assert "规范性档案" not in labels and "合计" not in labels
    assert not any(ch in labels for ch in "幵釆夏曰末刀")
