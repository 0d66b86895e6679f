"""Markdown reader: pipe tables and ``#`` headings rendered as the plain rows the segmenter reads.

PDF-to-Markdown tools produce Markdown that is structurally noisy in recurring ways; the reader
undoes them before segmentation so the rest of the pipeline sees a clean " | "-row rendering:

* ``#`` heading markers, horizontal rules, code fences and table separator rows (``|---|``) are
  dropped, and inline markup (``**bold**``, escapes, links, ``<br>`` in a cell, entities) removed;
* a pipe row becomes its cells joined by " | ", outer pipes removed, interior empty cells kept (so
  ``meta["grid"]`` is True: a blank cell keeps its column); empty cells past a table's widest
  content column are trimmed, a leading cell holding only a numbering ("三、") is dropped;
* made-up header rows (类别 | 数据1 | … | 数据6) and bogus headers whose cells are table-3 row
  labels (项目 | 本年新收件数 | 上年结转件数 | 予以公开 …) are dropped; a "header" holding numbers is
  a data row (converters make the first row of every small table a header);
* dummy tables (every body cell "-" or empty) are dropped whole;
* an HTML ``<table>`` written into the Markdown is rendered as the HTML reader renders tables;
* labels detached from bare rows of numbers: table-3 rows printed as numbers only get their label
  back by order, between the rows whose labels survived (the template fixes the row order), when the
  number of bare rows equals the number of rows missing there; the label debris those rows left as
  text lines inside the table is then dropped.

``raw`` is the decoded source and every rendered char points at its place in it (an inserted label
points at the start of its row); ``line_map`` gives the source line of each rendered line.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path

from ogi import schema
from ogi.data import Document
from ogi.errors import DocumentLoadError
from ogi.readers.html import CELL_SEP, Line, build_document, is_cjk, render_fragment
from ogi.readers.text import decode_bytes

_HEADING = re.compile(r"^ {0,3}(#{1,6})[ \t]+(\S.*?)[ \t]*(?:#+[ \t]*)?$")
_SEP_CELL = re.compile(r"^\s*:?-{3,}:?\s*$")
_RULE = re.compile(r"^ {0,3}(?:(?:-[ \t]*){3,}|(?:\*[ \t]*){3,}|(?:_[ \t]*){3,})$")
_NUMBER = re.compile(r"^[-+]?\s*\d[\d,]*(?:\.\d+)?\s*(?:万元|元|件|条|个|次|人次|人|%|项|篇)?$")
_PLACEHOLDER = {"-", "—", "－", "–", "——", "/", "／", "\\", "无", "−"}
_GENERIC_HEADER = re.compile(
    r"^[(（]?(?:(?:数据|列|栏|字段|值|column|col|field)\s*\d+|类别|项目|名称|分类|数据项目|指标|内容|数量|序号|事项|类型|数值)[)）]?$",
    re.I,
)
_NUMBERING_ONLY = re.compile(r"^(?:[一二三四五六七八九十]{1,3}\s*[、.．]|[(（][一二三四五六七八九十\d]{1,3}[)）]|\d{1,2}\s*[.．、])$")
_SENTENCE = re.compile(r"[。；;！!？?]")
_FENCE = re.compile(r"^\s{0,3}(?:```|~~~)")
_HTML_TABLE_START = re.compile(r"^\s*<table[\s>]", re.I)
_HTML_TABLE = re.compile(r"<table[\s>].*?</td>", re.I | re.S)
MAX_HTML_TABLE_LINES = 100_000
MIN_T3_VALUES = 5  # a table-3 row holds at least this many numbers (7 applicant columns in print)


def _is_number(text: str) -> bool:
    # junk a mis-decoded page puts around numbers ("?12", "0\ufffd") is dropped by normalisation later
    return bool(_NUMBER.match(text.strip("?\ufffd？")))


def _is_blankish(text: str) -> bool:
    return not text or text in _PLACEHOLDER


_INLINE = re.compile(
    r"\\(?P<esc>[\\`*_{}\[\]()#+\-.!|~<>])"
    r"|(?P<br><br\s*/?>)"
    r"|(?P<img>!\[[^\]]*\]\([^)]*\))"
    r"|\[(?P<link>[^\]]+)\]\([^)]*\)"
    r"|(?P<mark>\*\*|__|~~|`)"
    r"|(?P<ent>&(?:[a-zA-Z]{2,8}|#\d{1,6}|#x[0-9a-fA-F]{1,5});)",
    re.I,
)
_INLINE_TRIGGER = re.compile(r"[\\*_~`\[!<&]")
_LINE_PREFIX = re.compile(r"^\s{0,3}(?:>\s?)+|^\s{0,3}[-*+]\s+(?=\D)")


def _inline(s: str, base: int) -> tuple[str, list[int]]:
    """Markdown inline markup removed (emphasis, code ticks, escapes, links, images, <br>, entities),
    with the raw offset of every kept char."""
    import html as _html

    if not _INLINE_TRIGGER.search(s):
        return s, list(range(base, base + len(s)))
    chars: list[str] = []
    offs: list[int] = []
    pos = 0
    for m in _INLINE.finditer(s):
        chars.extend(s[pos : m.start()])
        offs.extend(range(base + pos, base + m.start()))
        pos = m.end()
        if m.group("esc"):
            chars.append(m.group("esc"))
            offs.append(base + m.start("esc"))
        elif m.group("br"):
            chars.append(" ")  # a line break inside a cell: joined below, "" next to CJK
            offs.append(base + m.start())
        elif m.group("link"):
            chars.extend(m.group("link"))
            offs.extend(range(base + m.start("link"), base + m.end("link")))
        elif m.group("ent"):
            text = _html.unescape(m.group("ent")).replace("\u00a0", " ")
            chars.extend(text)
            offs.extend([base + m.start()] * len(text))
    chars.extend(s[pos:])
    offs.extend(range(base + pos, base + len(s)))
    # a space the markup left between two CJK chars is no space
    keep = [
        not (c == " " and 0 < k < len(chars) - 1 and is_cjk(chars[k - 1]) and is_cjk(chars[k + 1]))
        for k, c in enumerate(chars)
    ]
    return "".join(c for c, ok in zip(chars, keep) if ok), [o for o, ok in zip(offs, keep) if ok]


def _stripped(text: str, offs: list[int]) -> tuple[str, list[int]]:
    a = len(text) - len(text.lstrip())
    b = len(text.rstrip())
    return text[a:b], offs[a:b]


@dataclass(slots=True)
class _Cell:
    text: str
    start: int  # raw offset of the first char of the stripped cell text
    offs: list[int] | None = None  # raw offset of every char of ``text``; None: contiguous from start

    @property
    def offsets(self) -> list[int]:
        if self.offs is not None and len(self.offs) == len(self.text):
            return self.offs
        return list(range(self.start, self.start + len(self.text)))


@dataclass
class _Item:
    """One rendered line: a text line, a heading or a table row (``cells`` set)."""

    source_line: int
    start: int  # raw offset of the line
    text: str = ""
    offs: list[int] = field(default_factory=list)  # raw offset of every char of ``text``
    cells: list[_Cell] | None = None
    label: str = ""  # a table-3 label re-attached by order (inserted before the cells)
    drop: bool = False
    meta: dict = field(default_factory=dict)
    rendered: Line | None = None  # a line already rendered (a row of an HTML table in the Markdown)

    @property
    def values(self) -> list[str]:
        return [c.text for c in self.cells or [] if _is_number(c.text)]

    @property
    def labels(self) -> list[str]:
        return [c.text for c in self.cells or [] if c.text and not _is_number(c.text) and not _is_blankish(c.text)]


def _split_row(line: str, start: int) -> list[_Cell]:
    """Cells of a pipe row (escaped "\\|" stays inside a cell), outer pipes removed."""
    cuts = [m.start() for m in re.finditer(r"(?<!\\)\|", line)]
    bounds = [-1] + cuts + [len(line)]
    parts: list[tuple[int, int]] = [(bounds[k] + 1, bounds[k + 1]) for k in range(len(bounds) - 1)]
    if parts and not line[parts[0][0] : parts[0][1]].strip():
        parts = parts[1:]  # before the leading pipe
    if parts and not line[parts[-1][0] : parts[-1][1]].strip() and line.rstrip().endswith("|"):
        parts = parts[:-1]  # after the trailing pipe
    cells: list[_Cell] = []
    plain = not _INLINE_TRIGGER.search(line)
    for a, b in parts:
        if plain:  # no markup: the cell is a contiguous slice of the line
            seg = line[a:b]
            inner = seg.strip()
            cells.append(_Cell(inner, start + a + len(seg) - len(seg.lstrip())))
            continue
        text, offs = _stripped(*_inline(line[a:b].replace("\\|", " /"), start + a))
        cells.append(_Cell(text, offs[0] if offs else start + a, offs))
    return cells


def _is_sep_row(line: str) -> bool:
    if "|" not in line:
        return False
    parts = [p for p in line.strip().strip("|").split("|")]
    return bool(parts) and all(_SEP_CELL.match(p) for p in parts)


def _is_pipe_row(line: str) -> bool:
    s = line.strip()
    return s.startswith("|") and s.count("|") >= 2


def looks_like_markdown(text: str) -> bool:
    """True when text holds a Markdown pipe table (a separator row), two ``#`` headings, or an HTML
    ``<table>`` among plain lines (converters that write tables as HTML)."""
    if _HTML_TABLE.search(text[:5_000_000]):
        return True
    seps = headings = 0
    for line in text.splitlines():
        if "-" in line and _is_sep_row(line) and line.count("|") >= 1 and line.count("-") >= 3:
            seps += 1
            if seps >= 1 and line.strip().count("|") >= 2:
                return True
        elif _HEADING.match(line):
            headings += 1
            if headings >= 2:
                return True
    return False


def mostly_markup(text: str) -> bool:
    """True when most non-empty lines outside ``<table>`` blocks are HTML tags (a fragment of a page)."""
    depth = tagged = plain = 0
    for line in text.splitlines()[:20000]:
        low = line.strip().lower()
        opened = low.count("<table") - low.count("</table")
        if depth > 0 or low.startswith("<table"):
            depth = max(0, depth + opened)
            continue
        if not low:
            continue
        if low.startswith("<"):
            tagged += 1
        else:
            plain += 1
    return tagged > plain


def _header_kind(cells: list[_Cell]) -> str:
    """'data' (holds numbers), 'generic' (made-up names), 'bogus' (table-3 row labels) or 'real'."""
    texts = [c.text for c in cells if c.text]
    if not texts:
        return "generic"
    if len(texts) >= 3 and all(t.isdigit() for t in texts):
        nums = [int(t) for t in texts]
        if nums[0] in (0, 1) and nums == list(range(nums[0], nums[0] + len(nums))):
            return "generic"  # column numbers a converter (or pandas) wrote as the header: 0 1 2 …
    if any(_is_number(t) for t in texts):
        return "data"
    generic = sum(1 for t in texts if _GENERIC_HEADER.match(re.sub(r"\s+", "", t)) or _is_blankish(t))
    if generic >= max(1, len(texts) - 1) and generic >= len(texts) / 2:
        return "generic"
    row_like = 0
    for t in texts:
        lab, score = schema.match_label(t, "ROW.t3")
        if score >= 0.88 and lab not in ("ROW.t3.total_processed", "ROW.t3.other.other", "ROW.t3.other"):
            row_like += 1
    if row_like >= 2:
        return "bogus"
    return "real"


def _table_items(block: list[tuple[int, int, str]]) -> list[_Item]:
    """Rendered rows of one block of consecutive pipe lines: (source line, raw start, text) each."""
    rows: list[tuple[int, int, str, bool]] = []  # line, start, text, is_header
    for k, (ln, start, text) in enumerate(block):
        if _is_sep_row(text):
            continue
        is_header = k + 1 < len(block) and _is_sep_row(block[k + 1][2])
        rows.append((ln, start, text, is_header))
    # split the block into tables at header rows (a new header starts a new table)
    tables: list[list[tuple[int, int, list[_Cell], bool]]] = []
    for ln, start, text, is_header in rows:
        cells = _split_row(text, start)
        kind = _header_kind(cells) if is_header else "data"
        if kind != "data" or not tables:
            tables.append([])
        tables[-1].append((ln, start, cells, kind != "data"))
    items: list[_Item] = []
    for table in tables:
        body = [r for r in table if not r[3]]
        if body and all(all(_is_blankish(c.text) for c in r[2]) for r in body):
            continue  # a dummy table of "-" cells
        for ln, start, cells, is_header in table:
            if is_header and _header_kind(cells) in ("generic", "bogus"):
                continue
            if len(cells) > 1 and _NUMBERING_ONLY.match(cells[0].text) and cells[1].text and not _is_number(cells[1].text):
                cells = cells[1:]  # "三、 | （一）予以公开 | 9 …": the group numbering alone
            if all(_is_blankish(c.text) for c in cells) and not any(c.text for c in cells):
                continue
            items.append(_Item(ln, start, cells=cells, meta={"header": is_header}))
    # trim empty cells past the widest content column of the block
    width = max((max((i for i, c in enumerate(it.cells or []) if c.text), default=-1) + 1 for it in items), default=0)
    for it in items:
        if it.cells and len(it.cells) > width:
            it.cells = it.cells[:width]
    return items


def _parse(raw: str) -> list[_Item]:
    items: list[_Item] = []
    lines = raw.split("\n")
    starts: list[int] = []
    pos = 0
    for line in lines:
        starts.append(pos)
        pos += len(line) + 1
    k = 0
    while k < len(lines):
        line = lines[k].rstrip("\r")
        if _HTML_TABLE_START.match(line):
            # an HTML table inside the Markdown (some converters write tables so): up to its end tag
            depth, j = 0, k
            while j < len(lines) and j - k < MAX_HTML_TABLE_LINES:
                low = lines[j].lower()
                depth += low.count("<table") - low.count("</table")
                j += 1
                if depth <= 0:
                    break
            fragment = "\n".join(lines[k:j])
            rendered = render_fragment(fragment)
            if rendered:
                for ln in rendered:
                    ln.offsets = [starts[k] + o for o in ln.offsets]
                    ln.source_line = k + ln.source_line
                    items.append(_Item(ln.source_line, starts[k], rendered=ln))
                k = j
                continue
        if _is_pipe_row(line) or (
            "|" in line and k + 1 < len(lines) and _is_sep_row(lines[k + 1]) and not _is_sep_row(line)
        ):
            block: list[tuple[int, int, str]] = []
            while k < len(lines):
                cur = lines[k].rstrip("\r")
                if not (_is_pipe_row(cur) or _is_sep_row(cur) or (block and "|" in cur and cur.strip())):
                    break
                block.append((k + 1, starts[k], cur))
                k += 1
            items.extend(_table_items(block))
            continue
        if _is_sep_row(line) or _RULE.match(line):
            k += 1
            continue
        if _FENCE.match(line):
            k += 1
            continue
        m = _HEADING.match(line)
        if m:
            text, offs = _inline(m.group(2), starts[k] + m.start(2))
            items.append(_Item(k + 1, starts[k], text=text, offs=offs, meta={"heading": True}))
        else:
            p = _LINE_PREFIX.match(line)
            cut = p.end() if p else 0
            text, offs = _inline(line[cut:], starts[k] + cut)
            items.append(_Item(k + 1, starts[k], text=text, offs=offs))
        k += 1
    return items


def _t3_anchor(item: _Item) -> str:
    """The table-3 row key a labelled row of numbers carries, or ''."""
    labels = item.labels
    if not labels or len(item.values) < MIN_T3_VALUES:
        return ""
    lab, score = schema.match_label(labels[-1], "ROW.t3")
    return lab[len("ROW.t3.") :] if score >= 0.8 else ""


def _label_text(key: str, template: str) -> str:
    """A printed label for a table-3 row key, with its usual numbering ("2.其他法律行政法规禁止公开")."""
    row = next(r for r in schema.T3_ROWS if r.key == key)
    alias = row.aliases[0]
    fixed = {
        "new_received": "一、",
        "carried_over": "二、",
        "granted": "（一）",
        "partial": "（二）",
        "other": "（六）",
        "total_processed": "（七）",
        "carried_forward": "四、",
    }
    if key in fixed:
        return fixed[key] + alias
    group = key.split(".")[0]
    siblings = [k for k in schema.t3_rows(template) if k.startswith(group + ".")]
    return f"{siblings.index(key) + 1}.{alias}"


def _lis(seq: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Longest strictly increasing subsequence by the second element of (item index, row index)
    pairs, O(n log n)."""
    tails: list[int] = []  # tails[k]: index in seq of the smallest tail of an increasing run of length k+1
    prev: list[int] = [-1] * len(seq)
    for j, (_, v) in enumerate(seq):
        k = _bisect_tails(seq, tails, v)
        if k > 0:
            prev[j] = tails[k - 1]
        if k == len(tails):
            tails.append(j)
        else:
            tails[k] = j
    out: list[tuple[int, int]] = []
    j = tails[-1] if tails else -1
    while j >= 0:
        out.append(seq[j])
        j = prev[j]
    return out[::-1]


def _bisect_tails(seq: list[tuple[int, int]], tails: list[int], v: int) -> int:
    lo, hi = 0, len(tails)
    while lo < hi:
        mid = (lo + hi) // 2
        if seq[tails[mid]][1] < v:
            lo = mid + 1
        else:
            hi = mid
    return lo


def _regions(anchors: list[tuple[int, str]]) -> list[list[tuple[int, str]]]:
    """Anchors split where a new table 3 begins (its first row again, or a row already seen)."""
    regions: list[list[tuple[int, str]]] = []
    seen: set[str] = set()
    for i, key in anchors:
        if not regions or key in seen:
            regions.append([])
            seen = set()
        regions[-1].append((i, key))
        seen.add(key)
    return regions


def _reattach_labels(items: list[_Item]) -> int:
    """Give bare table-3 rows of numbers their labels by order; returns how many were re-attached.

    Each table 3 of the document (a region of anchors, see ``_regions``) is done on its own: the
    rows whose labels survived are matched to the template's row order (the longest run in order,
    under the 2021 or the 2019 order, whichever keeps more), and the bare rows between two of them
    get the rows missing there when their count equals the number missing.
    """
    rows = [i for i, it in enumerate(items) if it.cells is not None and not it.meta.get("header")]
    anchors = [(i, k) for i in rows if (k := _t3_anchor(items[i]))]
    headings = [0]
    for it in items:
        headings.append(headings[-1] + (1 if it.meta.get("heading") else 0))
    n_done = _label_whole_runs(items, rows, headings)
    region_list = _regions(anchors)
    for r, region in enumerate(region_list):
        lower = region_list[r - 1][-1][0] if r else -1
        upper = region_list[r + 1][0][0] if r + 1 < len(region_list) else len(items)
        n_done += _reattach_region(items, rows, region, headings, lower, upper)
    return n_done


def _label_whole_runs(items: list[_Item], rows: list[int], headings: list[int]) -> int:
    """A run of bare rows of numbers as long as a whole table 3 (23 rows: the 2019 order, （六）
    one row; 25: the 2021 order), no label, heading or text line among them, is that table."""
    n_done = 0
    run: list[int] = []

    def flush() -> None:
        nonlocal n_done
        template = {len(schema.t3_rows("2019")): "2019", len(schema.t3_rows("2021")): "2021"}.get(len(run))
        if template and len({len(items[i].values) for i in run}) == 1:
            for i, key in zip(run, schema.t3_rows(template), strict=True):
                items[i].label = _label_text(key, template)
            n_done += len(run)
        run.clear()

    prev = -1
    for i in rows:
        it = items[i]
        bare = not it.labels and len(it.values) >= MIN_T3_VALUES and len(it.values) == len(it.cells or [])
        between = range(prev + 1, i)
        clean_gap = all(items[j].cells is None and not items[j].text.strip() for j in between)
        if bare and (not run or (clean_gap and headings[i] == headings[prev + 1])):
            run.append(i)
        else:
            flush()
            if bare:
                run.append(i)
        prev = i
    flush()
    return n_done


def _reattach_region(
    items: list[_Item], rows: list[int], region: list[tuple[int, str]], headings: list[int], lower: int, upper: int
) -> int:
    best_chain: list[tuple[int, int]] = []
    best_template = "2021"
    for template in ("2021", "2019"):
        order = schema.t3_rows(template)
        index = {k: n for n, k in enumerate(order)}
        chain = _lis([(i, index[k]) for i, k in region if k in index])
        if len(chain) > len(best_chain):
            best_chain, best_template = chain, template
    if len(best_chain) < 2:
        return 0
    order = schema.t3_rows(best_template)
    widths = sorted(len(items[i].values) for i, _ in best_chain)
    width = widths[len(widths) // 2]
    first, last = best_chain[0][0], best_chain[-1][0]
    n_done = 0
    # consecutive anchors, plus the table's ends (before the first / after the last anchor)
    bounds: list[tuple[int | None, int, int | None, int]] = []
    if best_chain[0][1] > 0:
        bounds.append((None, -1, first, best_chain[0][1]))
    bounds += [(a, ka, b, kb) for (a, ka), (b, kb) in pairwise(best_chain)]
    if best_chain[-1][1] < len(order) - 1:
        bounds.append((last, best_chain[-1][1], None, len(order)))
    for a, ka, b, kb in bounds:
        lo = a if a is not None else lower
        hi = b if b is not None else upper
        bare = [
            i
            for i in rows[bisect_right(rows, lo) : bisect_left(rows, hi)]
            if not items[i].labels and len(items[i].values) == width
        ]
        if a is None:  # only the bare rows after the last heading before the first anchor
            bare = [i for i in bare if headings[hi] == headings[i]]
        if b is None:  # only the bare rows before the next heading
            bare = [i for i in bare if headings[i + 1] == headings[lo + 1]]
        missing = order[ka + 1 : kb]
        if not bare or len(bare) != len(missing):
            continue
        for i, key in zip(bare, missing, strict=True):
            items[i].label = _label_text(key, best_template)
            n_done += 1
        first = min(first, bare[0])
        last = max(last, bare[-1])
    if n_done:
        # the labels the bare rows lost sit as short text lines inside the table: now redundant
        for j in range(first + 1, last):
            it = items[j]
            if it.cells is None and it.rendered is None and not it.meta.get("heading"):
                t = it.text.strip()
                short = len(t) <= 30 and not _SENTENCE.search(t) and not schema.section_numeral(t)[0]
                if t and (short or _is_number(t)):
                    it.drop = True
    return n_done


def render(raw: str) -> list[Line]:
    """The rendered lines of a Markdown text (see the module docstring)."""
    items = _parse(raw)
    _reattach_labels(items)
    out: list[Line] = []
    for it in items:
        if it.drop:
            continue
        line = Line(it.source_line)
        if it.rendered is not None:
            out.append(it.rendered)
            continue
        if it.cells is None:
            text = it.text.rstrip("\r")
            offs = it.offs[: len(text)] if len(it.offs) >= len(text) else list(range(it.start, it.start + len(text)))
            line.add(text, offs)
        else:
            cells = it.cells
            if it.label:
                line.add(it.label, it.start)
                if cells:
                    line.add(CELL_SEP, it.start)
            last = it.start
            for k, c in enumerate(cells):
                if k:
                    line.add(CELL_SEP, last)
                offs = c.offsets
                line.add(c.text, offs)
                if c.text:
                    last = offs[-1] + 1
        out.append(line)
    return out


def read_markdown(path: Path, data: bytes | None = None, raw: str | None = None, encoding: str = "") -> Document:
    """Read a Markdown report (a ``.md`` file, or text a reader found to be Markdown)."""
    path = Path(path)
    if raw is None:
        data = path.read_bytes() if data is None else data
        raw, encoding = decode_bytes(data, str(path))
    lines = render(raw)
    if not any(line.chars for line in lines):
        raise DocumentLoadError(str(path), "Markdown file without any text")
    # a blank line keeps its place (the segmenter reads blank lines as breaks), so keep empty lines
    doc = build_document(lines, raw=raw, path=str(path), doc_id=path.stem, fmt="markdown", grid=True)
    if encoding:
        doc.meta["encoding"] = encoding
    doc.meta["markdown"] = True
    return doc
