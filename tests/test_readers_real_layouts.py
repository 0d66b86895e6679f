"""Readers on the layouts real reports arrive in: Markdown conversions, ruled and unruled PDF text
layers, web pages inside layout tables, CSV/TSV/XLSX. Every input is built here from scratch with
invented agencies and numbers; each test asserts the exact cells the pipeline decodes."""

from __future__ import annotations

import zlib
from pathlib import Path

import pytest

from ogi import schema
from ogi.pipeline import tag_path
from ogi.readers import READABLE_SUFFIXES, SUPPORTED_SUFFIXES, read
from ogi.taggers import load_tagger
from template_2021 import T3_LABELS_2021 as LABELS

APPLICANTS = ("natural_person", "commercial", "research", "social_welfare", "legal_service", "other_org")
COLS = APPLICANTS + ("total",)


@pytest.fixture(scope="module")
def tagger():  # noqa: ANN201
    return load_tagger("default")


def table3(natural_only: bool = False) -> dict[str, list[int | None]]:
    """A consistent 2021 table 3 (identities hold); ``natural_only`` leaves the legal-person columns blank."""
    leaves = {k: [0, 0, 0, 0, 0, 0] for k in schema.t3_rows("2021")}
    leaves["new_received"] = [37, 4, 0, 1, 0, 2]
    leaves["carried_over"] = [5, 1, 0, 0, 0, 0]
    leaves["granted"] = [14, 2, 0, 1, 0, 1]
    leaves["partial"] = [3, 0, 0, 0, 0, 0]
    leaves["denied.process_info"] = [2, 0, 0, 0, 0, 0]
    leaves["denied.third_party"] = [1, 0, 0, 0, 0, 0]
    leaves["unavailable.not_held"] = [9, 1, 0, 0, 0, 0]
    leaves["unavailable.needs_creation"] = [2, 0, 0, 0, 0, 1]
    leaves["not_processed.repeat"] = [4, 0, 0, 0, 0, 0]
    leaves["other.overdue_correction"] = [3, 1, 0, 0, 0, 0]
    leaves["other.other"] = [1, 0, 0, 0, 0, 0]
    if natural_only:
        for k in leaves:
            leaves[k] = [leaves[k][0], 0, 0, 0, 0, 0]
    result_rows = [k for k in schema.t3_rows("2021") if k not in ("new_received", "carried_over", "total_processed", "carried_forward")]
    leaves["total_processed"] = [sum(leaves[k][c] for k in result_rows) for c in range(6)]
    leaves["carried_forward"] = [
        leaves["new_received"][c] + leaves["carried_over"][c] - leaves["total_processed"][c] for c in range(6)
    ]
    out: dict[str, list[int | None]] = {}
    for k, v in leaves.items():
        row: list[int | None] = list(v) + [sum(v)]
        if natural_only:
            row = [row[0], None, None, None, None, None, row[6]]
        out[k] = row
    return out


GROUPS = {
    "denied": "（三）不予公开",
    "unavailable": "（四）无法提供",
    "not_processed": "（五）不予处理",
    "other": "（六）其他处理",
}
T4 = [3, 1, 0, 2, 6, 1, 0, 0, 0, 1, 0, 1, 0, 0, 1]


def expected_t3(t3: dict[str, list[int | None]]) -> dict[str, str]:
    return {f"t3.{k}.{c}": str(v) for k, row in t3.items() for c, v in zip(COLS, row, strict=True) if v is not None}


def cells_of(rec: dict, prefix: str) -> dict[str, str]:
    return {k: c["value"] for k, c in rec["cells"].items() if k.startswith(prefix)}


# ----------------------------------------------------------------------------- Markdown


def markdown_conversion() -> str:
    """A PDF-to-Markdown conversion: sub-tables per row group with made-up headers, dummy tables, a
    bogus header mid-table, bare rows of numbers whose labels sit as text debris, table 4 in three."""
    t3 = table3()
    made_up = "| 类别 | 数据1 | 数据2 | 数据3 | 数据4 | 数据5 | 数据6 | 总计 |\n|---|---|---|---|---|---|---|---|\n"

    def row(key: str, label: bool = True) -> str:
        cells = [str(v) for v in t3[key]]
        return "| " + " | ".join(([LABELS[key]] if label else []) + cells) + " |\n"

    bare = {"partial", "denied.law_prohibited", "denied.internal_affairs", "unavailable.unclear", "other.overdue_fee"}
    md = "# 青禾县农业农村局2023年政府信息公开工作年度报告\n\n## 一、总体情况\n\n本局依法做好政府信息公开工作。\n\n"
    md += "## 二、主动公开政府信息情况\n\n### 第二十条第（一）项\n| 信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数 |\n|---|---|---|---|\n"
    md += "| 规章 | 0 | 0 | 0 |\n| 行政规范性文件 | 4 | 2 | 19 |\n\n"
    md += "### 第二十条第（五）项\n| 信息内容 | 本年处理决定数量 |\n|---|---|\n| 行政许可 | 318 |\n\n"
    md += "### 第二十条第（六）项\n| 信息内容 | 本年处理决定数量 |\n|---|---|\n| 行政处罚 | 57 |\n| 行政强制 | 6 |\n\n"
    md += "### 第二十条第（八）项\n| 信息内容 | 本年收费金额（单位：万元） |\n|---|---|\n| 行政事业性收费 | 12.45 |\n\n"
    md += "## 三、收到和处理政府信息公开申请情况\n\n"
    md += "### 申请人情况 (自然人)\n| (数据项目) | 数量 |\n|---|---|\n| - | - |\n\n"
    md += "### 申请人情况 (法人或其他组织)\n| 商业企业 | 科研机构 | 社会公益 | 法律服务机构 | 其他 |\n|---|---|---|---|---|\n| - | - | - | - | - |\n\n"
    order = schema.t3_rows("2021")
    md += "### 一、本年新收政府信息公开申请数量\n" + made_up + row("new_received") + "\n"
    md += "### 二、上年结转政府信息公开申请数量\n" + made_up + row("carried_over") + "\n"
    md += "### 三、本年度办理结果\n\n"
    debris: list[str] = []
    k = order.index("granted")
    md += made_up
    while order[k] != "other.other":
        key = order[k]
        if key in bare:
            debris.append(LABELS[key][:9] + "\n" + LABELS[key][9:] + "\n")
            md += row(key, label=False) + "|---|---|---|---|---|---|---|\n"
        else:
            md += row(key)
        if key in ("denied.admin_query", "unavailable.unclear", "not_processed.confirm_info"):
            md += "\n" + "".join(debris) + "\n" + made_up  # the group's lost labels, then a new sub-table
            debris = []
        k += 1
    md += "\n" + "".join(debris) + "\n"
    md += "| 项目 | 本年新收件数 | 上年结转件数 | 予以公开 | 部分公开 | 不予公开 | 结转下年度 | 总计 |\n|---|---|---|---|---|---|---|---|\n"
    md += row("other.other") + row("total_processed") + row("carried_forward") + "\n"
    md += "## 四、政府信息公开行政复议、行政诉讼情况\n\n"
    for k, title in enumerate(("行政复议", "行政诉讼（未经复议直接起诉）", "行政诉讼（复议后起诉）")):
        md += f"### {title}\n| 结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 |\n|---|---|---|---|---|\n"
        md += "| " + " | ".join(str(v) for v in T4[5 * k : 5 * k + 5]) + " |\n\n"
    md += "## 五、存在的主要问题及改进情况\n\n公开质量有待提高。\n\n## 六、其他需要报告的事项\n\n本年度未收取信息处理费。\n"
    return md


@pytest.mark.parametrize("suffix", [".md", ".txt"])
def test_markdown_conversion_exact_cells(tmp_path: Path, tagger, suffix: str) -> None:  # noqa: ANN001
    f = tmp_path / f"qinghe-2023{suffix}"
    f.write_text(markdown_conversion(), encoding="utf-8")
    doc = read(f)
    assert doc.fmt == "markdown" and doc.meta["grid"] is True
    assert "数据1" not in doc.text and "|---" not in doc.text and "#" not in doc.text
    rec = tag_path(f, tagger)
    assert rec["status"] == "success" and rec["template"] == "2021"
    assert cells_of(rec, "t3.") == expected_t3(table3())
    assert cells_of(rec, "t2.") == {
        "t2.art20_1.regulations.issued": "0", "t2.art20_1.regulations.repealed": "0", "t2.art20_1.regulations.in_force": "0",
        "t2.art20_1.normative_docs.issued": "4", "t2.art20_1.normative_docs.repealed": "2",
        "t2.art20_1.normative_docs.in_force": "19", "t2.art20_5.licensing.decisions": "318",
        "t2.art20_6.penalty.decisions": "57", "t2.art20_6.coercion.decisions": "6", "t2.art20_8.fees.fee_amount": "12.45",
    }
    t4 = {f"t4.{g}.{c}": str(T4[5 * i + j]) for i, g in enumerate(("review", "litigation_direct", "litigation_after_review"))
          for j, c in enumerate(("maintain", "correct", "other", "pending", "total"))}
    assert cells_of(rec, "t4.") == t4
    assert not any(c["ambiguous"] for c in rec["cells"].values())
    assert [s["key"] for s in rec["sections"]] == ["s1", "s2", "s3", "s4", "s5", "s6"]


def test_markdown_offsets_point_into_raw(tmp_path: Path) -> None:
    f = tmp_path / "r.md"
    src = markdown_conversion()
    f.write_text(src, encoding="utf-8")
    doc = read(f)
    i = doc.text.index("行政许可 | 318")
    rs, _ = doc.raw_span(i, i + 4)
    assert doc.raw[rs : rs + 4] == "行政许可"
    j = doc.text.index("318")
    line = doc.text[:j].count("\n")
    assert src.split("\n")[doc.source_line(line) - 1] == "| 行政许可 | 318 |"


def test_markdown_not_detected_in_plain_text(tmp_path: Path) -> None:
    f = tmp_path / "plain.txt"
    f.write_text("一、总体情况\n本年度 | 12 | 3\n行政许可 | 5 | 0\n", encoding="utf-8")
    assert read(f).fmt == "text"


# ----------------------------------------------------------------------------- PDF (hand-written, no font file)


def _pdf(pages: list[str]) -> bytes:
    """A minimal PDF: each page's content stream as given; text in a Type0 font whose string bytes
    are UTF-16BE code points mapped to Unicode by a ToUnicode CMap (no font file is needed)."""
    cmap = (
        "/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CMapName /U def /CMapType 2 def "
        "1 begincodespacerange <0000> <FFFF> endcodespacerange 1 beginbfrange <0000> <FFFF> <0000> endbfrange "
        "endcmap CMapName currentdict /CMap defineresource pop end end"
    ).encode()
    objs: list[bytes] = []
    n = len(pages)
    kids = " ".join(f"{6 + 2 * i} 0 R" for i in range(n))
    objs.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    objs.append(f"<< /Type /Pages /Kids [{kids}] /Count {n} >>".encode())
    objs.append(b"<< /Type /Font /Subtype /Type0 /BaseFont /Sim /Encoding /Identity-H /DescendantFonts [4 0 R] /ToUnicode 5 0 R >>")
    objs.append(
        b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /Sim /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) "
        b"/Supplement 0 >> /DW 1000 /FontDescriptor << /Type /FontDescriptor /FontName /Sim /Flags 4 "
        b"/FontBBox [0 -200 1000 900] /ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 700 /StemV 80 >> >>"
    )
    z = zlib.compress(cmap)
    objs.append(f"<< /Length {len(z)} /Filter /FlateDecode >>\nstream\n".encode() + z + b"\nendstream")
    for i, content in enumerate(pages):
        body = content.encode("latin-1")
        objs.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >> "
            f"/Contents {7 + 2 * i} 0 R >>".encode()
        )
        objs.append(f"<< /Length {len(body)} >>\nstream\n".encode() + body + b"\nendstream")
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for k, obj in enumerate(objs):
        offsets.append(len(out))
        out += f"{k + 1} 0 obj\n".encode() + obj + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objs) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer\n<< /Size {len(objs) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


class _Page:
    """Content-stream builder; y grows downwards from the top of an A4 page (as pdfplumber reports)."""

    def __init__(self) -> None:
        self.ops: list[str] = []

    def text(self, x: float, top: float, s: str, size: float = 10) -> None:
        hexs = s.encode("utf-16-be").hex().upper()
        baseline = 842 - top - size * 0.88
        self.ops.append(f"BT /F1 {size} Tf {x:.2f} {baseline:.2f} Td <{hexs}> Tj ET")

    def rect(self, x0: float, top: float, x1: float, bottom: float) -> None:
        self.ops.append(f"0.5 w {x0:.2f} {842 - bottom:.2f} {x1 - x0:.2f} {bottom - top:.2f} re S")

    @property
    def content(self) -> str:
        return "\n".join(self.ops)


def _t3_pdf_rows(t3: dict[str, list[int | None]]) -> list[tuple[str, str, list[int | None]]]:
    """(group label, row label, values) in print order; the group label only on a group's first row."""
    rows = []
    for key in schema.t3_rows("2021"):
        group = key.split(".")[0] if "." in key else ""
        first = group and key == next(k for k in schema.t3_rows("2021") if k.startswith(group + "."))
        rows.append((GROUPS.get(group, "") if first else "", LABELS[key], t3[key]))
    return rows


def ruled_pdf(t3: dict[str, list[int | None]]) -> bytes:
    """Narrative and table 3 with every cell bordered (a Word/WPS export); blank cells print nothing."""
    pages = [_Page(), _Page()]
    p = pages[0]
    p.text(60, 60, "白石镇人民政府2023年政府信息公开工作年度报告", 14)
    p.text(60, 100, "一、总体情况")
    p.text(60, 120, "本镇依法推进政府信息公开。")
    p.text(60, 150, "三、收到和处理政府信息公开申请情况")
    xs = [40, 90, 160, 300, 335, 370, 405, 440, 475, 510, 545]  # group | label | 7 values
    top = 180.0
    h = 20.0
    p.rect(xs[0], top, xs[3], top + 2 * h)
    p.text(xs[0] + 4, top + 5, "（本列数据的勾稽关系为：第一项加第二项之和）", 6)
    p.rect(xs[3], top, xs[-1], top + h)
    p.text(xs[3] + 60, top + 5, "申请人情况")
    for j, name in enumerate(("自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计")):
        p.rect(xs[3 + j], top + h, xs[4 + j], top + 2 * h)
        p.text(xs[3 + j] + 1, top + h + 7, name, 5)
    y = top + 2 * h
    page = p
    for group, label, values in _t3_pdf_rows(t3):
        if y + h > 800:
            page = pages[1]
            y = 60.0
        if group:
            page.rect(xs[0], y, xs[1], y + h)
            page.text(xs[0] + 2, y + 6, group, 7)
        else:
            page.rect(xs[0], y, xs[1], y + h)
        page.rect(xs[1], y, xs[3], y + h)
        page.text(xs[1] + 2, y + 6, label[:22], 7)
        for j, v in enumerate(values):
            page.rect(xs[3 + j], y, xs[4 + j], y + h)
            if v is not None:
                page.text(xs[3 + j] + 6, y + 5, str(v), 10)
        y += h
    page.text(60, y + 30, "四、政府信息公开行政复议、行政诉讼情况")
    page.text(60, y + 60, "五、存在的主要问题及改进情况")
    page.text(60, y + 80, "公开工作有待加强。")
    page.text(60, y + 110, "六、其他需要报告的事项")
    page.text(60, y + 130, "无。")
    page.text(290, 815, "- 1 -", 9)
    return _pdf([pg.content for pg in pages])


def test_ruled_pdf_blank_cells_keep_their_column(tmp_path: Path, tagger) -> None:  # noqa: ANN001
    t3 = table3(natural_only=True)
    f = tmp_path / "baishi-2023.pdf"
    f.write_bytes(ruled_pdf(t3))
    doc = read(f)
    assert doc.meta["ruled_rows"] >= 25 and doc.meta["grid"] is True
    rec = tag_path(f, tagger)
    got = cells_of(rec, "t3.")
    assert got == expected_t3(t3)  # every printed cell placed, no blank emitted (as "0" or otherwise)
    assert not any(c["ambiguous"] for c in rec["cells"].values())


def test_unruled_pdf_wrapped_labels_and_offset_numbers(tmp_path: Path) -> None:
    """No borders: a label wrapped over two lines with its numbers between them, one wrapped over
    three lines around them, and numbers in a larger font whose tops lie above their label's."""
    p = _Page()
    xs = [300 + 40 * k for k in range(7)]
    p.text(40, 100, "（二）部分公开（区分处理的，只计")  # two label lines, numbers centred between
    for j, v in enumerate([3, 0, 0, 0, 0, 0, 3]):
        p.text(xs[j], 108, str(v), 12)
    p.text(40, 118, "这一情形，不计其他情形）")
    p.text(40, 140, "1.属于国家秘密")  # numbers 4 pt higher (a taller digit font)
    for j, v in enumerate([2, 0, 0, 0, 0, 0, 2]):
        p.text(xs[j], 136.5, str(v), 13)
    p.text(40, 170, "5.要求行政机关确认或")  # three lines, the middle one shares the numbers' row
    p.text(40, 184, "重新出具已获取")
    for j, v in enumerate([7, 1, 0, 0, 0, 0, 8]):
        p.text(xs[j], 183, str(v), 12)
    p.text(46, 198, "信息")
    f = tmp_path / "unruled.pdf"
    f.write_bytes(_pdf([p.content]))
    doc = read(f)
    lines = doc.text.split("\n")
    assert doc.meta["grid"] is False
    assert "(二)部分公开(区分处理的,只计这一情形,不计其他情形) | 3 | 0 | 0 | 0 | 0 | 0 | 3" in lines
    assert "1.属于国家秘密 | 2 | 0 | 0 | 0 | 0 | 0 | 2" in lines
    assert "5.要求行政机关确认或重新出具已获取信息 | 7 | 1 | 0 | 0 | 0 | 0 | 8" in lines
    assert len(lines) == 3


# ----------------------------------------------------------------------------- web pages


def test_html_layout_table_keeps_report_tables(tmp_path: Path, tagger) -> None:  # noqa: ANN001
    """Site chrome: a metadata box first, the whole report inside a layout table's cell; the
    legal-person columns blank in every row stay blank."""
    t3 = table3(natural_only=True)
    rows = []
    for group, label, values in _t3_pdf_rows(t3):
        tds = "".join(f"<td>{'' if v is None else v}</td>" for v in values)
        rows.append(f"<tr><td>{group}</td><td>{label}</td>{tds}</tr>")
    html = (
        "<html><head><meta charset='utf-8'></head><body>"
        "<table class='meta'><tr><td>名称</td><td>松溪区民政局2023年政府信息公开工作年度报告</td></tr>"
        "<tr><td>索引号</td><td>11-2024-0003</td><td>发布日期</td><td>2024-01-20</td></tr></table>"
        "<table width='100%'><tr><td class='nav'>首页 政务公开</td><td>"
        "<p>一、总体情况</p><p>本局依法公开。</p><p>三、收到和处理政府信息公开申请情况</p>"
        "<table border='1'><tr><td colspan='2'>（本列数据的勾稽关系为：第一项加第二项之和）</td>"
        "<td>自然人</td><td>商业企业</td><td>科研机构</td><td>社会公益组织</td><td>法律服务机构</td><td>其他</td><td>总计</td></tr>"
        + "".join(rows)
        + "</table><p>四、政府信息公开行政复议、行政诉讼情况</p></td></tr></table></body></html>"
    )
    f = tmp_path / "songxi.html"
    f.write_text(html, encoding="utf-8")
    rec = tag_path(f, tagger)
    assert cells_of(rec, "t3.") == expected_t3(t3)
    assert not any(c["ambiguous"] for c in rec["cells"].values())


# ----------------------------------------------------------------------------- spreadsheets


def sheet_rows(t3: dict[str, list[int | None]]) -> list[list[object]]:
    rows: list[list[object]] = [
        ["榆林乡人民政府2023年政府信息公开工作年度报告"],
        ["一、总体情况"],
        ["本乡依法推进政府信息公开。"],
        ["二、主动公开政府信息情况"],
        ["第二十条第（五）项"],
        ["信息内容", "本年处理决定数量"],
        ["行政许可", 42],
        ["第二十条第（八）项"],
        ["信息内容", "本年收费金额（单位：万元）"],
        ["行政事业性收费", 3.75],
        ["三、收到和处理政府信息公开申请情况"],
        ["", "", "自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"],
    ]
    for group, label, values in _t3_pdf_rows(t3):
        rows.append([group, label, *[("" if v is None else v) for v in values]])
    rows.append(["四、政府信息公开行政复议、行政诉讼情况"])
    return rows


def test_csv_report(tmp_path: Path, tagger) -> None:  # noqa: ANN001
    import csv

    t3 = table3(natural_only=True)
    f = tmp_path / "yulin.csv"
    with f.open("w", encoding="gb18030", newline="") as fh:
        csv.writer(fh).writerows(sheet_rows(t3))
    doc = read(f)
    assert doc.fmt == "spreadsheet" and doc.meta["grid"] is True
    i = doc.text.index("行政许可")
    rs, _ = doc.raw_span(i, i + 4)
    assert doc.raw[rs : rs + 4] == "行政许可"
    rec = tag_path(f, tagger)
    assert cells_of(rec, "t3.") == expected_t3(t3)
    assert cells_of(rec, "t2.") == {"t2.art20_5.licensing.decisions": "42", "t2.art20_8.fees.fee_amount": "3.75"}


def test_tsv_and_xlsx_report(tmp_path: Path, tagger) -> None:  # noqa: ANN001
    import openpyxl

    t3 = table3()
    rows = sheet_rows(t3)
    tsv = tmp_path / "yulin.tsv"
    tsv.write_text("\n".join("\t".join(str(c) for c in r) for r in rows) + "\n", encoding="utf-8")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["（从 Word 粘贴）"])
    for r in rows:
        ws.append([None, *r])  # pasted from column B: an empty first column
    xlsx = tmp_path / "yulin.xlsx"
    wb.save(xlsx)
    for f in (tsv, xlsx):
        rec = tag_path(f, tagger)
        assert rec["status"] == "success", f
        assert cells_of(rec, "t3.") == expected_t3(t3), f
        assert cells_of(rec, "t2.")["t2.art20_8.fees.fee_amount"] == "3.75"


def test_bad_xlsx_is_one_clear_error(tmp_path: Path, tagger) -> None:  # noqa: ANN001
    f = tmp_path / "broken.xlsx"
    f.write_bytes(b"PK\x03\x04 not really a workbook")
    rec = tag_path(f, tagger)
    assert rec["status"] == "failed" and "XLSX" in rec["errors"][0] and "\n" not in rec["errors"][0]


def test_suffix_table_is_the_one_list() -> None:
    assert {".md", ".markdown", ".csv", ".tsv", ".xlsx", ".pdf", ".docx", ".html", ".txt"} <= READABLE_SUFFIXES
    assert {".doc", ".wps", ".xls"} <= SUPPORTED_SUFFIXES - READABLE_SUFFIXES


@pytest.mark.parametrize("suffix", [".md", ".txt"])
def test_markdown_with_html_table(tmp_path: Path, tagger, suffix: str) -> None:  # noqa: ANN001
    """Converters that write tables as HTML inside the Markdown: the table keeps its grid."""
    t3 = table3(natural_only=True)
    trs = "".join(
        f"<tr><td>{group}</td><td>{label}</td>" + "".join(f"<td>{'' if v is None else v}</td>" for v in values) + "</tr>"
        for group, label, values in _t3_pdf_rows(t3)
    )
    head = "<tr><td colspan='2'></td><td>自然人</td><td>商业企业</td><td>科研机构</td><td>社会公益组织</td><td>法律服务机构</td><td>其他</td><td>总计</td></tr>"
    text = (
        "# 东川街道2023年政府信息公开工作年度报告\n\n## 一、总体情况\n\n依法公开。\n\n"
        "## 三、收到和处理政府信息公开申请情况\n\n<table>" + head + trs + "</table>\n\n"
        "## 四、政府信息公开行政复议、行政诉讼情况\n"
    )
    f = tmp_path / f"dongchuan{suffix}"
    f.write_text(text, encoding="utf-8")
    doc = read(f)
    assert doc.fmt == "markdown" and "<td>" not in doc.text
    rec = tag_path(f, tagger)
    assert cells_of(rec, "t3.") == expected_t3(t3)
    assert not any(c["ambiguous"] for c in rec["cells"].values())


def test_markdown_inline_markup_removed(tmp_path: Path) -> None:
    f = tmp_path / "m.md"
    f.write_text(
        "## **一、总体情况**\n\n> 本局依法公开，详见[网站](http://example.invalid)。\n\n"
        "| 信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数 |\n| --- | --- | --- | --- |\n"
        "| **规章** | 0 | 0 | 0 |\n| 行政规范<br>性文件 | 3 | 1 | 9 |\n\n```\n- 2 -\n```\n",
        encoding="utf-8",
    )
    lines = read(f).text.split("\n")
    assert "一、总体情况" in lines and "本局依法公开,详见网站。" in lines
    assert "规章 | 0 | 0 | 0" in lines and "行政规范性文件 | 3 | 1 | 9" in lines
    assert "- 2 -" in lines and "```" not in lines


def test_unruled_pdf_vertical_label_not_glued(tmp_path: Path) -> None:
    """A group label printed one char per line, one char right beside the next column's text."""
    p = _Page()
    label = "三、本年度办理结果"
    for k, ch in enumerate(label):
        p.text(20, 100 + 14 * k, ch)
    p.text(38, 100 + 14 * 5, "（三）不予公开")  # 8 pt right of the vertical "办": one word to pdfplumber's eye
    for k, (name, v) in enumerate((("1.属于国家秘密", 2), ("2.重复申请", 1))):
        p.text(140, 100 + 30 * k, name)
        p.text(400, 100 + 30 * k, str(v))
    f = tmp_path / "vertical.pdf"
    f.write_bytes(_pdf([p.content]))
    cells = [c for line in read(f).text.split("\n") for c in line.split(" | ")]
    assert label in cells and "(三)不予公开" in cells


def test_unruled_pdf_numbers_printed_before_labels(tmp_path: Path) -> None:
    """Every row's numbers a line's height above their label (beyond any row tolerance)."""
    p = _Page()
    rows = [("1.属于国家秘密", [4, 0, 0, 0, 0, 0, 4]), ("2.其他法律行政法规禁止公开", [0] * 7), ("4.保护第三方合法权益", [1, 0, 0, 0, 0, 1, 2])]
    for k, (label, values) in enumerate(rows):
        y = 100 + 30 * k
        for j, v in enumerate(values):
            p.text(300 + 40 * j, y, str(v))
        p.text(40, y + 12, label)
    f = tmp_path / "before.pdf"
    f.write_bytes(_pdf([p.content]))
    lines = read(f).text.split("\n")
    assert lines == [" | ".join([label] + [str(v) for v in values]) for label, values in rows]


def test_markdown_numbered_column_header_dropped(tmp_path: Path) -> None:
    f = tmp_path / "n.md"
    f.write_text("| 0 | 1 | 2 | 3 |\n|---|---|---|---|\n| 规章 | 0 | 0 | 0 |\n| 行政规范性文件 | 3 | 1 | 9 |\n", encoding="utf-8")
    assert read(f).text.strip().split("\n") == ["规章 | 0 | 0 | 0", "行政规范性文件 | 3 | 1 | 9"]


def test_markdown_table3_without_any_label(tmp_path: Path, tagger) -> None:  # noqa: ANN001
    """Every label lost: the 25 bare rows of a 2021 table 3 are its rows in template order."""
    t3 = table3()
    body = "".join("| " + " | ".join(str(v) for v in t3[k]) + " |\n" for k in schema.t3_rows("2021"))
    md = (
        "# 北岭区统计局2023年政府信息公开工作年度报告\n\n## 一、总体情况\n\n依法公开。\n\n"
        "## 三、收到和处理政府信息公开申请情况\n\n| 数据1 | 数据2 | 数据3 | 数据4 | 数据5 | 数据6 | 数据7 |\n"
        "|---|---|---|---|---|---|---|\n" + body + "\n## 四、政府信息公开行政复议、行政诉讼情况\n\n本年度无。\n"
    )
    f = tmp_path / "beiling.md"
    f.write_text(md, encoding="utf-8")
    rec = tag_path(f, tagger)
    assert cells_of(rec, "t3.") == expected_t3(t3)
