"""Report metadata (SCHEMA.md optional fields): title, issuing agency, publication date, and the ``span``
of every cell and section heading.

Where each comes from, in order of trust:

* ``title``: the page's metadata block ("标题: …", "名称 | … |", a site suffix "-某某局" dropped), else the
  first heading-like line of the body that names a 政府信息公开工作年度报告 (a title wrapped over two or
  three lines is joined; in a one-line report the title is found inside the line).
* ``agency``: the metadata block's 发布机构, else the body before (or after) the year in the title
  ("平潭综合实验区2019年…报告" → 平潭综合实验区; "2024年上海市科委政府信息公开…" → 上海市科委), else the
  signature (an organisation name on the line before the closing date), else the block's 单位.
* ``published``: the block's 发布时间 / 发布日期 / 公开日期, else the closing date of the signature, else a
  date printed on its own line under the title. Written as ISO ``YYYY-MM-DD``.

``span`` is ``[start, end)`` in ``Document.raw`` (the reader's text: a text file's decoded content, an
HTML page's decoded source, a PDF's or DOCX's extracted text), found from the normalised text through
``Document.raw_offsets``; ``Document.raw[start:end]`` is the printed value or heading as it appears in
the source (full-width digits and traditional script included).
"""

from __future__ import annotations

import logging
import re
from functools import lru_cache
from typing import Any

from ogi.data import Document

log = logging.getLogger(__name__)

_HEAD_CHARS = 4000  # the title and metadata block sit at the top; a one-line report is searched this far
_YEAR = r"(?:19|20)\d{2}"
# The report words after the year: 政府信息公开工作年度报告, 信息公开年度报告, 政务公开工作年度报告, 政府信息公开年报 …
_REPORT_TAIL = r"(?:政府|政务)?(?:信息)?公开(?:工作)?(?:年度)?(?:报告|年报)"
_TITLE_IN_TEXT = re.compile(
    rf"(?P<title>[^\s:：,，。;；|“”《》()]{{0,40}}?{_YEAR}\s*年\s*度?[^\s:：,，。;；|“”《》]{{0,30}}?{_REPORT_TAIL})"
)
_TITLE_PARTS = re.compile(rf"^(?:关于)?(?P<pre>.*?)(?P<year>{_YEAR})年度?(?P<mid>.*?){_REPORT_TAIL}$")
_ORG_SUFFIX = re.compile(
    r"(?:人民政府|政府|办公室|办公厅|局|委员会|委|厅|署|办事处|街道|管委会|管理委员会|中心|院|所|会|公司|乡|镇|区|县|市|省|处|队|站|部)$"
)
# Labels of a page's metadata block ("标题: …", "发布机构 | … |"); a label starts a line or a table cell, so
# 填报日期 / 报送日期 / 填报单位 (a 统计表's footer) are not taken for 日期 / 单位.
_TITLE_LABELS = ("标题", "题名", "文章标题", "名称")
_AGENCY_LABELS = ("发布机构", "发文机关", "发布单位", "所属机构", "发文单位")
_DATE_LABELS = ("发布时间", "发布日期", "公开日期", "成文日期", "日期")
_FIELD_LABELS = (*_TITLE_LABELS, *_AGENCY_LABELS, *_DATE_LABELS, "单位")
_FIELD = re.compile(
    rf"(?:^|(?<=[|\s【]))(?P<label>{'|'.join(sorted(_FIELD_LABELS, key=len, reverse=True))})\s*[】]?\s*[:：|]\s*(?P<value>[^|\n]*)",
    re.MULTILINE,
)
# Words of a sentence that names the report without naming its body ("现发布本机关2015年度…报告").
_NOT_A_TITLE = re.compile(r"本机关|本单位|本局|本委|本办|现发布|现将|现予|根据|按照|以下|关于印发")
_ISO_DATE = re.compile(rf"({_YEAR})\s*[-/.年]\s*(\d{{1,2}})\s*[-/.月]\s*(\d{{1,2}})")
_CN_DATE_LINE = re.compile(rf"^[(（]?\s*({_YEAR})\s*年\s*(\d{{1,2}})\s*月\s*(\d{{1,2}})\s*日\s*[)）]?$")
_TAIL_SIGNATURE = re.compile(
    rf"(?P<org>[\u4e00-\u9fff()（）]{{2,30}}?)\s*(?P<y>{_YEAR})\s*年\s*(?P<m>\d{{1,2}})\s*月\s*(?P<d>\d{{1,2}})\s*日\s*$"
)
_JUNK_PREFIX = re.compile(r"^[#*>\s]+")  # Markdown heading marks and quote marks before a title


def _iso(y: str, m: str, d: str) -> str | None:
    mi, di = int(m), int(d)
    if not (1 <= mi <= 12 and 1 <= di <= 31):
        return None
    return f"{int(y):04d}-{mi:02d}-{di:02d}"


def _squeeze(text: str) -> str:
    """Spaces removed (PDF text puts them between CJK characters and digits), Markdown marks dropped."""
    return re.sub(r"\s+", "", _JUNK_PREFIX.sub("", text))




@lru_cache(maxsize=8)  # find_title and find_agency_and_date read the same head
def _fields(head: str) -> dict[str, str]:
    """The first non-empty value of each labelled field of a page's metadata block."""
    out: dict[str, str] = {}
    if not any(label in head for label in _FIELD_LABELS):
        return out
    for m in _FIELD.finditer(head):
        value = m.group("value").strip()
        if value and m.group("label") not in out:
            out[m.group("label")] = value
    return out


def _clean_title(title: str) -> str | None:
    """A metadata title without the site's suffix ("…年度报告-沭阳县发改局" → "…年度报告")."""
    title = _squeeze(title)
    m = re.match(rf"^(.*?{_REPORT_TAIL})(?:[-_|–—].*)?$", title)
    return m.group(1) if m else None


def is_org_name(text: str) -> bool:
    """True for a short line that reads as the name of an issuing body (平潭综合实验区管委会办公室)."""
    s = _squeeze(text)
    return 2 <= len(s) <= 30 and bool(_ORG_SUFFIX.search(s)) and not re.search(r"\d|[,，。:：;；、]", s)


def agency_from_title(title: str) -> str | None:
    """The issuing body a title names: the text before the year, else between the year and the report words."""
    m = _TITLE_PARTS.match(_squeeze(title))
    if not m:
        return None
    for part in (m.group("pre"), m.group("mid")):
        part = re.sub(r"^(?:关于)|(?:关于|的|度)$", "", part)
        if len(part) >= 2 and not re.search(r"\d", part) and not _NOT_A_TITLE.search(part):
            return part
    return None


def find_title(doc: Document) -> str | None:
    """The report's printed title (see the module docstring for where it is looked for)."""
    head = doc.text[:_HEAD_CHARS]
    fields = _fields(head)
    for label in _TITLE_LABELS:
        if label in fields:
            t = _clean_title(fields[label])
            if t:
                return t
    lines = [ln for ln in head.split("\n")[:40]]
    for i, line in enumerate(lines):
        s = _squeeze(line)
        if not s or len(s) > 80 or _FIELD.search(line):
            continue
        if re.search(_REPORT_TAIL + "$", s) and re.search(_YEAR, s) and not _NOT_A_TITLE.search(s):
            # a title that starts at the year may have its agency on the line above (PDF title pages)
            prev = _squeeze(lines[i - 1]) if i > 0 else ""
            if re.match(_YEAR, s) and is_org_name(prev):
                s = prev + s
            return s
        nxt = _squeeze(lines[i + 1]) if i + 1 < len(lines) else ""
        if re.search(_YEAR, s) and re.fullmatch(r"(?:工作)?(?:年度)?(?:报告|年报)", nxt) and re.search(r"公开(?:工作)?$", s):
            return s + nxt  # "2024年上海市科委政府信息公开工作" / "年度报告"
    # a one-line report: the title inside the line, looked for just before each 报告 / 年报 (a regex over
    # the whole head backtracks for milliseconds on long lines)
    for end in re.finditer(r"报告|年报", head):
        m = _TITLE_IN_TEXT.search(head, max(0, end.start() - 90), end.end())
        if m and m.end() == end.end() and not _NOT_A_TITLE.search(m.group("title")):
            return _squeeze(m.group("title"))
    return None


def _date_lines(lines: list[str]) -> list[tuple[int, str]]:
    out = []
    for i, line in enumerate(lines):
        m = _CN_DATE_LINE.match(line.strip())
        if m:
            iso = _iso(*m.groups())
            if iso:
                out.append((i, iso))
    return out


def find_agency_and_date(doc: Document, title: str | None) -> tuple[str | None, str | None]:
    """The issuing body and the publication date (ISO), each None when not printed."""
    head = doc.text[:_HEAD_CHARS]
    fields = _fields(head)
    agency: str | None = None
    published: str | None = None
    for label in _AGENCY_LABELS:
        v = fields.get(label, "").split()
        if v and is_org_name(v[0]):
            agency = v[0]
            break
    for label in _DATE_LABELS:
        m = _ISO_DATE.search(fields.get(label, ""))
        if m and _iso(*m.groups()):
            published = _iso(*m.groups())
            break
    if agency is None and title:
        agency = agency_from_title(title)
    lines = [ln for ln in doc.text.rstrip().split("\n")]
    tail = [ln for ln in lines[-12:] if ln.strip()]
    dates = _date_lines(tail)
    sig_org: str | None = None
    sig_date: str | None = None
    if dates:
        i, sig_date = dates[-1]
        if i > 0 and is_org_name(tail[i - 1]):
            sig_org = _squeeze(tail[i - 1])
    else:
        m = _TAIL_SIGNATURE.search(doc.text.rstrip()[-80:])  # a one-line report: "…事项 某某局 2020年1月20日"
        if m:
            # the body's last words run into the name: cut after the last word that ends a sentence of prose
            org = re.split(r"事项|情况|工作|要求|监督", m.group("org"))[-1]
            sig_org = org if is_org_name(org) else None
            sig_date = _iso(m.group("y"), m.group("m"), m.group("d"))
    if agency is None:
        agency = sig_org
    if agency is None and fields.get("单位") and is_org_name(fields["单位"]):
        agency = _squeeze(fields["单位"])
    if published is None:
        published = sig_date
    if published is None:
        top = [ln for ln in head.split("\n")[:12]]
        near_title = _date_lines(top)
        if near_title:
            published = near_title[0][1]
    if published and doc.year and int(published[:4]) < doc.year:
        published = None  # a date before the reporting year is not the report's publication
    return agency, published


def _raw_span(doc: Document, start: int, end: int) -> tuple[int, int] | None:
    if not (0 <= start <= end < len(doc.raw_offsets)):
        return None
    rs, re_ = doc.raw_span(start, end)
    return (rs, re_) if rs <= re_ else None


def add_spans(doc: Document) -> None:
    """Set ``span`` on every cell (from its value's offset) and section heading (found in reading order)."""
    text = doc.text
    for cell in doc.cells.values():
        if cell.offset < 0 or not cell.value:
            continue
        # the cell's value is its segment's text stripped: look for it at (or just after) the segment start
        at = text.find(cell.value, cell.offset, cell.offset + len(cell.value) + 16)
        if at < 0:
            continue
        cell.span = _raw_span(doc, at, at + len(cell.value))
    # decode makes one section per SEC-tagged segment, in order: the segment gives the exact offsets
    heads = [seg for seg, tag in zip(doc.segments, doc.tags) if tag.label.startswith("SEC.")]
    if len(heads) == len(doc.sections):
        for sec, seg in zip(doc.sections, heads):
            lead = len(seg.text) - len(seg.text.lstrip())
            sec.span = _raw_span(doc, seg.start + lead, seg.start + len(seg.text.rstrip()))
        return
    pos = 0
    for sec in doc.sections:  # fallback: the titles in reading order
        needle = sec.title.strip()
        at = text.find(needle, pos) if needle else -1
        if at < 0:
            continue
        sec.span = _raw_span(doc, at, at + len(needle))
        pos = at + len(needle)


def annotate(doc: Document) -> Document:
    """Fill ``doc.meta`` title/agency/published and the spans of cells and sections; never raises on odd text."""
    try:
        title = find_title(doc)
        agency, published = find_agency_and_date(doc, title)
    except Exception:
        log.exception("metadata extraction failed on %s", doc.path)
        title = agency = published = None
    for key, value in (("title", title), ("agency", agency), ("published", published)):
        if value:
            doc.meta[key] = value
    add_spans(doc)
    return doc


def record_fields(doc: Document) -> dict[str, Any]:
    """The optional SCHEMA.md record fields known for ``doc`` (title, agency, published)."""
    return {k: doc.meta[k] for k in ("title", "agency", "published") if doc.meta.get(k)}
