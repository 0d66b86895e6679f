"""Readers for HTML, DOCX and PDF, and the refusal of bad inputs (fixtures: tests/fixtures/make_fixtures.py)."""

from __future__ import annotations

import time
import tracemalloc
from pathlib import Path

import pytest

from ogi.errors import DocumentLoadError, UnsupportedFormatError
from ogi.readers import read
from ogi.readers.html import read_html

FIX = Path(__file__).parent / "fixtures"
BAD = FIX / "bad"
SEP = " | "


def lines_of(doc) -> list[str]:  # noqa: ANN001
    return doc.text.split("\n")


def row_with(doc, label: str) -> list[str]:  # noqa: ANN001
    hits = [line for line in lines_of(doc) if label in line and SEP in line]
    assert hits, f"no table row holding {label!r}"
    return hits[0].split(SEP)


def numbers(cells: list[str]) -> list[str]:
    return [c for c in cells if c.replace("-", "").replace(".", "").isdigit()]


# ----------------------------------------------------------------------------- HTML


@pytest.fixture(scope="module")
def html_doc():  # noqa: ANN201
    return read(FIX / "report_2021.html")


def test_html_basic_fields(html_doc) -> None:  # noqa: ANN001
    assert html_doc.fmt == "html"
    assert html_doc.id == "report_2021"
    assert html_doc.meta["grid"] is True
    assert len(html_doc.line_map) == len(lines_of(html_doc))
    assert len(html_doc.raw_offsets) == len(html_doc.text) + 1
    assert html_doc.raw.startswith("<!DOCTYPE html>")
    text = html_doc.text
    assert "不是正文" not in text  # script dropped
    assert "隐藏的文字" not in text  # display:none dropped
    assert "td {" not in text  # style dropped
    assert "全面推进政务公开工作" in text  # inline <b> kept in its paragraph
    assert "(一)主动公开。全年主动公开政府信息1234条。" in lines_of(html_doc)  # <br> splits lines
    assert "下一步将加强培训&督查。" in text  # entity decoded


def test_html_rowspan_colspan_grid(html_doc) -> None:  # noqa: ANN001
    table3 = [line for line in lines_of(html_doc) if line.count(SEP) == 9]
    assert len(table3) == 3 + 2 + 22 + 1  # header rows, two rows, 22 result rows, 结转
    # the first result row: the rowspan label in its top-left slot, the colspan label, an empty slot
    assert row_with(html_doc, "(一)予以公开") == ["三、本年度办理结果", "(一)予以公开", "", "10", "1", "0", "0", "0", "1", "12"]
    # rows covered by the 三、本年度办理结果 and (三)不予公开 rowspans hold empty slots
    assert row_with(html_doc, "2.其他法律行政法规禁止公开")[:3] == ["", "", "2.其他法律行政法规禁止公开"]
    assert row_with(html_doc, "1.属于国家秘密")[:3] == ["", "(三)不予公开", "1.属于国家秘密"]
    # header rows: colspan 申请人情况 / 法人或其他组织 once, rowspan 自然人 / 总计 once
    head = [line.split(SEP) for line in table3[:3]]
    assert head[0][3] == "申请人情况" and head[0][4:] == [""] * 6
    assert head[1][3:] == ["自然人", "法人或其他组织", "", "", "", "", "总计"]
    assert head[2][3:] == ["", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", ""]
    # the 2021 (六)其他处理 sub-rows
    assert row_with(html_doc, "行政机关不再处理其政府信息公开申请")[1] == "(六)其他处理"
    assert row_with(html_doc, "3.其他")[:3] == ["", "", "3.其他"]


def test_html_blank_cells_kept(html_doc) -> None:  # noqa: ANN001
    assert row_with(html_doc, "一、本年新收") == ["一、本年新收政府信息公开申请数量", "", "", "25", "3", "", "1", "", "2", "31"]
    assert row_with(html_doc, "8.属于行政查询事项")[3:] == ["0", "", "", "", "", "", "0"]
    assert row_with(html_doc, "行政强制") == ["行政强制", "", "", ""]  # an &nbsp; cell is blank
    table4 = [line.split(SEP) for line in lines_of(html_doc) if line.count(SEP) == 14]
    assert len(table4) == 4
    assert table4[0] == ["行政复议", "", "", "", "", "行政诉讼"] + [""] * 9
    assert table4[3] == ["1", "1", "0", "1", "3", "2", "0", "0", "1", "3", "", "", "", "", "0"]


def test_html_line_map_and_offsets(html_doc) -> None:  # noqa: ANN001
    src_lines = html_doc.raw.split("\n")
    lines = lines_of(html_doc)
    for i, line in enumerate(lines):
        if "2.其他法律行政法规禁止公开" in line or line.startswith("本年度未收取"):
            assert line.split(SEP)[-1 if SEP not in line else 2].strip() in src_lines[html_doc.line_map[i] - 1]
    k = html_doc.text.index("1520")
    a, b = html_doc.raw_span(k, k + 4)
    assert html_doc.raw[a:b] == "1520"
    k = html_doc.text.index("信息内容")
    assert html_doc.raw[html_doc.raw_offsets[k] : html_doc.raw_offsets[k] + 4] == "信息内容"


def test_html_gbk_same_text(html_doc) -> None:  # noqa: ANN001
    gbk = read(FIX / "report_2021_gbk.html")
    assert gbk.meta["encoding"] == "gb18030"
    assert gbk.text == html_doc.text
    assert gbk.line_map == html_doc.line_map


def test_html_meta_http_equiv(tmp_path: Path) -> None:
    page = '<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312"></head><body><p>规章</p></body></html>'
    f = tmp_path / "x.htm"
    f.write_bytes(page.encode("gbk"))
    assert read(f).text == "规章"


def test_html_nested_table_flattened(tmp_path: Path) -> None:
    f = tmp_path / "n.html"
    f.write_text(
        "<table><tr><td>外</td><td><table><tr><td>内1</td><td>内2</td></tr></table></td><td>&nbsp;</td></tr></table>",
        encoding="utf-8",
    )
    assert read(f).text == "外 | 内1内2 | "


def test_html_unparseable(tmp_path: Path) -> None:
    f = tmp_path / "blank.html"
    f.write_text("   \n  ", encoding="utf-8")
    with pytest.raises(DocumentLoadError, match="blank.html"):
        read_html(f)
    f2 = tmp_path / "nothing.html"
    f2.write_text("<html><head><title>t</title></head><body><script>x</script></body></html>", encoding="utf-8")
    with pytest.raises(DocumentLoadError, match="nothing.html"):
        read(f2)


# ----------------------------------------------------------------------------- DOCX


@pytest.fixture(scope="module")
def docx_doc():  # noqa: ANN201
    return read(FIX / "report_seed004.docx")


def test_docx_rows(docx_doc) -> None:  # noqa: ANN001
    assert docx_doc.fmt == "docx" and docx_doc.meta["grid"] is True and docx_doc.id == "report_seed004"
    assert docx_doc.raw == docx_doc.text or len(docx_doc.raw_offsets) == len(docx_doc.text) + 1
    cells = row_with(docx_doc, "一、本年新收政府信息公开申请数量")
    assert cells == ["一、本年新收政府信息公开申请数量", "", "", "16", "0", "0", "0", "0", "0", "16"]
    assert numbers(cells) == ["16", "0", "0", "0", "0", "0", "16"]
    assert row_with(docx_doc, "(一)予以公开")[:3] == ["三、本年度办理结果", "(一)予以公开", ""]
    assert row_with(docx_doc, "2.其他法律行政法规禁止公开")[:3] == ["", "", "2.其他法律行政法规禁止公开"]
    assert row_with(docx_doc, "政府集中采购") == ["政府集中采购", "51", "236773.9469", ""]
    table4 = [line.split(SEP) for line in lines_of(docx_doc) if line.count(SEP) == 14]
    assert table4[-1] == "2 1 2 0 5 34 1 34 9 78 3 0 0 0 3".split()


def test_docx_merged_headers_once(docx_doc) -> None:  # noqa: ANN001
    text = docx_doc.text
    assert text.count("申请人情况") == 1
    assert text.count("法人或其他组织") == 1
    assert text.count("三、本年度办理结果") == 1
    assert text.count("(三)不予公开") == 1
    assert "社会公益组织" in text and "法律服务机构" in text  # two-paragraph header cells joined with ""
    assert text.count("行政复议 |") == 1 and text.count("未经复议直接起诉") == 1


def test_docx_document_order_and_line_map(docx_doc) -> None:  # noqa: ANN001
    lines = lines_of(docx_doc)
    order = [lines.index(s) for s in ("二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况", "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况")]
    assert order == sorted(order)
    assert lines.index("二、主动公开政府信息情况") < lines.index("规章 | 0 | 0 | 0") < order[1]
    assert docx_doc.line_map == sorted(docx_doc.line_map) and len(docx_doc.line_map) == len(lines)


def test_docx_official_template() -> None:
    doc = read(Path("/work/shared/corpus/template-2021-blank.docx")) if Path("/work/shared/corpus/template-2021-blank.docx").exists() else None
    if doc is None:
        pytest.skip("template not available")
    assert row_with(doc, "3.其他")[:3] == ["", "", "3.其他"]
    assert row_with(doc, "(六)其他处理")[1] == "(六)其他处理"


# ----------------------------------------------------------------------------- PDF


@pytest.fixture(scope="module")
def pdf_doc():  # noqa: ANN201
    return read(FIX / "report_seed004.pdf")


def test_pdf_table3_matches_docx(pdf_doc, docx_doc) -> None:  # noqa: ANN001
    assert pdf_doc.fmt == "pdf" and pdf_doc.meta["grid"] is False
    labels = ["一、本年新收政府信息公开申请数量", "二、上年结转政府信息公开申请数量", "(一)予以公开", "(二)部分公开",
              "1.属于国家秘密", "4.保护第三方合法权益", "7.属于行政执法案卷", "1.本机关不掌握相关政府信息",
              "5.要求行政机关确认或重新出具已获取信息", "(六)其他处理", "(七)总计", "四、结转下年度继续办理"]
    for label in labels:
        pdf_cells = row_with(pdf_doc, label)
        docx_cells = row_with(docx_doc, label)
        assert numbers(pdf_cells) == numbers(docx_cells), label
        assert [c for c in docx_cells if c] == pdf_cells[-len([c for c in docx_cells if c]):], label
    assert row_with(pdf_doc, "行政许可") == ["行政许可", "502", "-81", "427"]
    assert row_with(pdf_doc, "结果维持")[:5] == ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
    assert "2 | 1 | 2 | 0 | 5 | 34 | 1 | 34 | 9 | 78 | 3 | 0 | 0 | 0 | 3" in lines_of(pdf_doc)


def test_pdf_furniture_removed(pdf_doc) -> None:  # noqa: ANN001
    assert pdf_doc.meta["pages"] >= 2
    assert not any("页" in line and "第" in line and len(line) < 10 for line in lines_of(pdf_doc))
    # the running header repeats on every page at the same y; the title in the body stays once
    assert pdf_doc.text.count("涧西区人民政府2019年政府信息公开工作年度报告") == 1


def test_pdf_vertical_label_rejoined(pdf_doc) -> None:  # noqa: ANN001
    assert row_with(pdf_doc, "(一)予以公开")[:2] == ["三、本年度办理结果", "(一)予以公开"]
    assert not any(line.split(SEP)[0] in set("本年度办理结果") for line in lines_of(pdf_doc))
    assert row_with(pdf_doc, "(二)部分公开")[0].startswith("(二)部分公开")


def test_pdf_line_map(pdf_doc) -> None:  # noqa: ANN001
    assert pdf_doc.line_map == list(range(1, len(lines_of(pdf_doc)) + 1))
    assert pdf_doc.raw == "\n".join(lines_of(pdf_doc)) or len(pdf_doc.raw_offsets) == len(pdf_doc.text) + 1


def test_pdf_without_text_layer(tmp_path: Path) -> None:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.rect(20, 20, 100, 50, style="F")
    f = tmp_path / "scan.pdf"
    pdf.output(str(f))
    with pytest.raises(DocumentLoadError, match="OCR") as exc:
        read(f)
    assert "scan.pdf" in str(exc.value)


# ----------------------------------------------------------------------------- bad inputs

FAILING = ["empty.txt", "binary.bin", "undecodable.txt", "corrupt.pdf", "corrupt.docx", "zipbomb.docx"]


@pytest.mark.parametrize("name", FAILING)
def test_bad_inputs_refused(name: str) -> None:
    with pytest.raises(DocumentLoadError) as exc:
        read(BAD / name)
    assert name in str(exc.value)
    assert exc.value.path.endswith(name)


def test_zip_bomb_refused_quickly() -> None:
    assert (BAD / "zipbomb.docx").stat().st_size < 1_000_000
    tracemalloc.start()
    t0 = time.perf_counter()
    with pytest.raises(DocumentLoadError, match="zip bomb"):
        read(BAD / "zipbomb.docx")
    elapsed = time.perf_counter() - t0
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert elapsed < 2.0
    assert peak < 20_000_000  # nothing was inflated


def test_malformed_html_reads() -> None:
    doc = read(BAD / "malformed.html")
    lines = lines_of(doc)
    assert "二、主动公开政府信息情况" in lines
    assert "规章 | 3" in lines and "规范性文件 | 5" in lines
    assert "最后一段" in lines


def test_not_a_report_reads() -> None:
    doc = read(BAD / "not_a_report.txt")
    assert "气象台" in doc.text


def test_doc_unsupported(tmp_path: Path) -> None:
    f = tmp_path / "old.doc"
    f.write_bytes(b"\xd0\xcf\x11\xe0" + b"\x00" * 100)
    with pytest.raises(UnsupportedFormatError, match="libreoffice"):
        read(f)
