"""Reports in HTML, DOCX and PDF decode to the same canonical cells as their text."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from ogi.pipeline import tag_path
from ogi.schema import T3_COL_KEYS, T4_CELL_COLS, t3_rows
from ogi.taggers import load_tagger

ROOT = Path(__file__).resolve().parents[1]
FIX = ROOT / "tests" / "fixtures"
_spec = importlib.util.spec_from_file_location("make_fixtures", FIX / "make_fixtures.py")
mf = importlib.util.module_from_spec(_spec)  # the hand-written fixture data
_spec.loader.exec_module(mf)


def expected_2021_html() -> dict[str, str]:
    """Every printed cell of report_2021.html, from the data the fixture was written from."""
    exp = {
        "t2.art20_1.regulations.issued": "0",
        "t2.art20_1.regulations.repealed": "0",
        "t2.art20_1.regulations.in_force": "5",
        "t2.art20_1.normative_docs.issued": "3",
        "t2.art20_1.normative_docs.repealed": "1",
        "t2.art20_1.normative_docs.in_force": "27",
        "t2.art20_5.licensing.decisions": "1520",
        "t2.art20_6.penalty.decisions": "86",
        "t2.art20_8.fees.fee_amount": "12.5",
    }
    t4 = ["1", "1", "0", "1", "3", "2", "0", "0", "1", "3", "", "", "", "", "0"]  # as in make_fixtures.py
    exp.update({f"t4.{c}": val for c, val in zip(T4_CELL_COLS, t4, strict=True) if val})
    v = mf.t3_values_2021()
    rows = dict(zip(t3_rows("2021"), [v["new"], v["carried"], v["granted"], v["partial"], *v["denied"], *v["unavailable"], *v["not_processed"], *v["other"], v["total"], v["forward"]], strict=True))
    for row, cells in rows.items():
        for col, val in zip(T3_COL_KEYS, cells, strict=True):
            if val != "":
                exp[f"t3.{row}.{col}"] = val
    return exp


@pytest.fixture(scope="module", params=["default", "rules"])
def tagger(request):  # noqa: ANN001, ANN201
    return load_tagger(request.param)


def test_html_2021_rowspan_colspan_decodes_to_template_keys(tagger) -> None:  # noqa: ANN001
    rec = tag_path(FIX / "report_2021.html", tagger)
    assert rec["status"] == "success" and rec["template"] == "2021" and rec["year"] == 2021
    assert [s["key"] for s in rec["sections"]] == ["s1", "s2", "s3", "s4", "s5", "s6"]
    got = {k: c["value"] for k, c in rec["cells"].items()}
    exp = expected_2021_html()
    assert got == exp, {k: (exp.get(k), got.get(k)) for k in set(exp) | set(got) if exp.get(k) != got.get(k)}
    assert not any(c["ambiguous"] for c in rec["cells"].values())


def test_html_gbk_same_cells_as_utf8() -> None:
    t = load_tagger("rules")
    a = tag_path(FIX / "report_2021.html", t)
    b = tag_path(FIX / "report_2021_gbk.html", t)
    assert {k: c["value"] for k, c in a["cells"].items()} == {k: c["value"] for k, c in b["cells"].items()}


@pytest.mark.parametrize("name", ["report_seed004.docx", "report_seed004.pdf"])
def test_docx_pdf_decode_like_text(name: str, tagger) -> None:  # noqa: ANN001
    text = tag_path(ROOT / "seeds" / "004_9df3e7f9371227a8.txt", tagger)
    other = tag_path(FIX / name, tagger)
    assert other["status"] == "success", other["errors"]
    want = {k: c["value"] for k, c in text["cells"].items()}
    got = {k: c["value"] for k, c in other["cells"].items()}
    assert got == want, {k: (want.get(k), got.get(k)) for k in set(want) | set(got) if want.get(k) != got.get(k)}
