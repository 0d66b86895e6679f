"""Cut a Document's normalised text into segments: the tokens the taggers label.

One pass over the lines handles every layout of DOMAIN.md:

* `` | ``-joined rows (cells split on "|", empty cells counted, trailing empties noted),
* cell-per-line text with or without "|" lines between cells (a "|"-only line is a separator, not a segment),
* space-separated PDF-like rows (split on whitespace; numbering and spaced-out labels rejoined),
* glued cells ("规章000" → "规章", "0", "0", "0"),
* one-character-per-line vertical labels (rejoined),
* prose lines (one segment each), page footers inside tables (kind "noise").
"""

from __future__ import annotations

import itertools
import re

from ogi import glued, schema
from ogi.data import Document, Segment

NUM_RE = re.compile(
    r"^(?:[-+−]|增|减|增加|减少)?\s*\d[\d,]*(?:\.\d+)?\s*(?:万元|元|件|条|个|次|人次|人|%|项|篇)?$"
)
PLACEHOLDER_RE = re.compile(r"^(?:/|／|-|—|——|–|−|一一|无|\\)$")
_FOOTER_RE = re.compile(r"^(?:[-—–]\s*\d{1,3}\s*[-—–]|第\s*\d{1,3}\s*页(?:\s*[,，]?\s*共\s*\d+\s*页)?|\d{1,3}\s*/\s*\d{1,3})$")
_PIPE_ONLY = re.compile(r"^[|\s]+$")
_MD_HEADING = re.compile(r"^#{1,6}[ \t]+(?=\S)")
_HEADING_LINE = re.compile(r"^[一二三四五六七八九十]{1,3}\s*[、.．]\s*\S")
_NUMBERING_TOKEN = re.compile(r"^(?:[一二三四五六七八九十]{1,3}[、.．]|[(（][一二三四五六七八九十\d]{1,3}[)）]|\d{1,2}[.．、])$")
_GLUED = re.compile(r"^(.*[\u4e00-\u9fff)）”\"’])(-?\d[\d.]*(?:万元|元)?)$")
_CJK1 = re.compile(r"^[\u4e00-\u9fff]$")
_SENTENCE = re.compile(r"[。;!]")
_TRAILING_NUMS = re.compile(r"(?:\s+(?:[-+]?\d[\d,.]*|/|—|-))+\s*$")


def is_number(text: str) -> bool:
    """A value-like token: a number (with 增/减 or a unit) or a blank placeholder."""
    return bool(NUM_RE.match(text) or PLACEHOLDER_RE.match(text))


def _kind(text: str) -> str:
    if is_number(text):
        return "num"
    if _FOOTER_RE.match(text):
        return "noise"
    return "text"


def _is_prose(line: str) -> bool:
    """A sentence line rather than a table row or a heading."""
    if _TRAILING_NUMS.search(line) and not _SENTENCE.search(line):
        return False
    if _SENTENCE.search(line) and len(line) > 12:
        return True
    if len(line) > 60:
        return True
    return len(line) > 35 and line.count(",") >= 2 and not line.startswith(("(", "（"))


_CJK_END = re.compile(r"[\u4e00-\u9fff]$")
_PAREN_NUMBERING = re.compile(r"^\([一二三四五六七八九十\d]{1,3}\)")  # "(一)予以公开" starts a new cell


def _split_space_tokens(body: str, base: int) -> list[tuple[str, int, int]]:
    """Whitespace-split a tabular line into (text, start, end) cells, rejoining what the spaces broke."""
    toks = [(m.group(), base + m.start(), base + m.end()) for m in re.finditer(r"\S+", body)]
    merged: list[tuple[str, int, int]] = []
    for tok in toks:
        if merged:
            prev = merged[-1]
            join = False
            if _NUMBERING_TOKEN.match(prev[0]) and not is_number(tok[0]):
                join = True  # "十四、 其他…" / "(一) 予以公开"
            elif _CJK1.match(tok[0]) and re.fullmatch(r"[\u4e00-\u9fff]+", prev[0]) and (len(prev[0]) == 1 or _spaced(prev)):
                join = True  # "统 计 指 标"
            elif prev[0] in ("增", "减") and is_number(tok[0]) and tok[0][0].isdigit():
                join = True  # a 2019 change printed "增 82": the sign word belongs to its number
            elif tok[0] in ("元", "万元") and is_number(prev[0]) and prev[0][-1].isdigit():
                join = True  # an amount printed "2146.5 元" is one cell, as "2146.5元" is
            elif prev[0].count("(") > prev[0].count(")") and not is_number(tok[0]) and len(prev[0]) + len(tok[0]) <= 60:
                join = True  # a label broken inside its parentheses ("…(不包括政府网站 工作人员数)")
            elif tok[0].startswith("(") and not _PAREN_NUMBERING.match(tok[0]) and _CJK_END.search(prev[0]) and not is_number(prev[0]) and len(prev[0]) + len(tok[0]) <= 60:
                join = True  # a label and its parenthetical ("部分公开 (区分处理的, …)") are one cell
            if join:
                merged[-1] = (prev[0] + tok[0], prev[1], tok[2])
                continue
        merged.append(tok)
    return merged


def _spaced(tok: tuple[str, int, int]) -> bool:
    # a token built by joining single chars spans more characters than its text
    return tok[2] - tok[1] > len(tok[0])


def _unglue(text: str, start: int) -> list[tuple[str, int, int]]:
    """Split a label glued to its values ("规章000" → 规章 0 0 0, "行政许可502" → 行政许可 502)."""
    m = _GLUED.match(text)
    if not m or len(m.group(1)) < 2 or re.search(r"(19|20)\d\d$", text) or text.endswith("年"):
        return [(text, start, start + len(text))]
    label, digits = m.group(1), m.group(2)
    if label[-1] in "增减":  # "行政许可增1" → 行政许可 | 增1
        label, digits = label[:-1], label[-1] + digits
    out = [(label, start, start + len(label))]
    pos = start + len(label)
    if digits[0] not in "增减" and set(digits) == {"0"} and 1 < len(digits) <= 7:  # "规章000": three zeros
        out += [("0", pos + i, pos + i + 1) for i in range(len(digits))]
    else:
        out.append((digits, pos, pos + len(digits)))
    return out


INLINE_MIN_LINE = 400  # a line this long that holds numbered headings is a whole body on one line
_INLINE_HEAD = re.compile(r"(?:^|(?<=[\s。;!?])|(?<=报告))([一二三四五六七八九十]{1,3})[、.．]")
_TITLE_END = re.compile(r"[\s。;!?,:]")
_TITLE_WORD_END = re.compile(r"情况|建设|关切|打算|事项|措施|概述|概况|不足|问题|诉讼|保障|管理|工作")


def inline_headings(line: str) -> list[tuple[int, int]]:
    """(start, end) in ``line`` of the numbered headings inside running text ("… 一、概述 推进…").

    A heading starts at the text's start or after a space or a sentence end, its numerals run
    一, 二, 三 … in order (a numeral out of turn is a list item or a table row), and its title ends at
    the next space or punctuation within 40 characters; a title holding digits is a table row with
    its values glued on ("四、结转下年度继续办理1000001").
    """
    out: list[tuple[int, int]] = []
    expected = 1
    for m in _INLINE_HEAD.finditer(line):
        if schema.cn_to_int(m.group(1)) != expected:
            continue
        end_m = _TITLE_END.search(line, m.end(), m.end() + 41)
        end = end_m.start() if end_m else min(len(line), m.end() + 40)
        title = line[m.end() : end]
        if len(title) > 16 or not end_m or re.search(r"\d", title):
            # a title glued to the text after it ("四、政策解读与回应关切组织业务骨干…"): it ends at the
            # last word that ends titles within its first 16 characters
            ends = list(_TITLE_WORD_END.finditer(title[:16]))
            if ends:
                end = m.end() + ends[-1].end()
                title = line[m.end() : end]
            elif not end_m:
                continue
        if len(title) < 2 or re.search(r"\d", title):
            continue
        out.append((m.start(), end))
        expected += 1
    return out if len(out) >= 2 else []


def _cut_at(line: str, base: int, heads: list[tuple[int, int]]) -> list[tuple[str, int, int, bool]]:
    """Cut a line into (text, start, end, is_heading) pieces around the given heading spans."""
    out: list[tuple[str, int, int, bool]] = []
    pos = 0
    for hs, he in heads + [(len(line), len(line))]:
        chunk = line[pos:hs]
        if chunk.strip():
            lead = len(chunk) - len(chunk.lstrip())
            t = chunk.strip()
            out.append((t, base + pos + lead, base + pos + lead + len(t), False))
        if he > hs:
            out.append((line[hs:he], base + hs, base + he, True))
        pos = he
    return out


_HEADING_START = re.compile(r"^[一二三四五六七八九十]{1,3}[、.．]")
_LABEL_MAX = 40  # longer lines are prose, never a piece of a split label
_BLOCK_PREFIX = re.compile(r"第?二十条第?[(（]?$|第?二十条第?[(（][一五六八九]?[)）]?$|第?二十条第?[一五六八九][)）]?$")


def _known(text: str, keyword: bool = True) -> float:
    """How well a short text matches a known heading or label of the templates (0–1); with
    ``keyword`` a section keyword under its own numeral counts as known ("六、其他需要说明的事项")."""
    n, title = schema.section_numeral(text)
    score = schema.section_title_similarity(title)[1] if n is not None else 0.0
    key = schema.match_section(title) if n is not None and keyword else ""
    if key and int(key[1]) == n:
        score = max(score, 0.95)  # "六、其他需要说明的事项": a section keyword under its own numeral
    if text.startswith(("第二十条", "二十条")) and schema.match_block(text):
        return 1.0
    return max(score, schema.match_label(text)[1], schema.full_label_similarity(text))


_LEGACY_UNITS = {"件", "条", "次", "个", "人", "人次", "万元", "元", "篇", "项", "家", "期", "场", "份", "——", "—", "-", "/"}
_LABEL_END = set("数次量额况人个件费元率")
_LEGACY_HEADS = ("统计指标", "指标名称", "指标", "计量单位", "历年累计")
_LEGACY_HEADER_CELL = re.compile(r"^(?:统计指标|指标名称|指标|单位|计量单位|统计数|(?:历年)?累计(?:数)?|[(（]?(?:19|20)\d\d年?度?[)）]?)$")
_CUMULATIVE = re.compile(r"^(?:历年)?累计(?:数)?$")


def _legacy_label_continues(first: str, nxt: str) -> bool:
    """In a legacy 统计表 printed one cell per line, whether ``nxt`` is the rest of the label ``first``
    ("（一）主动公开政府信息" / "数"): not a unit, a number or a new numbered row, and either very short or
    completing a label that did not end like one."""
    if nxt in _LEGACY_UNITS or first in _LEGACY_UNITS or is_number(nxt) or is_number(first):
        return False
    if _LEGACY_HEADER_CELL.match(nxt) or _LEGACY_HEADER_CELL.match(first):
        return False  # the table's header cells (统计指标 / 单位 / 统计数 / 2016年度 / 历年累计)
    if re.match(r"^(?:[(（]?[一二三四五六七八九十\d]{1,2}[)）、.．]|其中|合计|总计)", nxt):
        return False
    if nxt[0] in ":：" or first.endswith(("其中", ":", "：")) or len(first) == 1:  # "其中" / ":按期办结数", "其" / "中:…"
        return True
    if len(nxt) <= 3 or nxt[0] in "(（":  # "…数" / "（含移动端）"
        return True
    return first[-1] not in _LABEL_END and nxt[-1] in _LABEL_END and len(nxt) <= 8


def _piece_ok(t: str) -> bool:
    return bool(t) and len(t) <= _LABEL_MAX and "|" not in t and not re.search(r"[。;!?]", t)


def split_label_lines(lines: list[str], li: int, legacy_table: bool = False) -> int:
    """How many lines after ``lines[li]`` continue a label, heading or item header that a cell-per-line
    rendering split ("一、总" / "体情况", "第二十条第" / "（" / "一" / "）" / "项"); 0 when none.

    Consecutive lines only (a blank or "|" line between two lines separates cells). A table-2 item
    header is joined while its pieces stay a prefix of "第二十条第（X）项"; other lines are joined when
    the join is a known heading or label (score ≥ 0.9) and the first line alone is not a whole one (< 0.95).
    """
    first = lines[li].strip()
    if first.count("(") > first.count(")") and _piece_ok(first):
        # a label wrapped inside its parenthetical ("部分公开 (区分处理的, " / "只计这一情形, 不计其他情形)"):
        # spaces inside are the label's own; join up to the line that closes it when that is a known label
        acc = first
        for k in range(1, 4):
            t = lines[li + k].strip() if li + k < len(lines) else ""
            if not _piece_ok(t) or is_number(t):
                break
            acc += t
            if acc.count("(") <= acc.count(")"):
                if _known(re.sub(r"\s+", "", acc)) >= 0.9:
                    return k
                break
    if re.fullmatch(r"[(（]?\d{1,2}", first):
        # a row label split right after its ordinal ("5" / ".属于三类内部事" / "务信息", "(1" / ")受理申请",
        # "2" / "、" / "部分公开数"): the digit is no value; the rest may go on over more lines
        j = li + 1
        nxt = lines[j].strip() if j < len(lines) else ""
        if nxt in ("、", ".", "．", ")", "）") and j + 1 < len(lines):
            j += 1
            nxt = nxt + lines[j].strip()
        closes = first[0] in "(（" and nxt[:1] in ")）"
        if re.match(r"^[、.．)）][\u4e00-\u9fff]", nxt) and (closes or nxt[:1] in "、.．" and first.isdigit()):
            return j - li + split_label_lines(lines, j, legacy_table)
    if not first or len(first) > _LABEL_MAX or "|" in first or is_number(first) or re.search(r"\s", first):
        return 0

    def usable(k: int) -> str:
        # a whole line that is one cell: no "|" and no spaces (a spaced line is a row of cells)
        if k >= len(lines):
            return ""
        t = lines[k].strip()
        return "" if not t or "|" in t or len(t) > _LABEL_MAX or re.search(r"\s", t) else t

    if re.fullmatch(r"[一二三四五六七八九十]{1,3}", first) and re.match(r"^[、.．]\S", lines[li + 1].strip() if li + 1 < len(lines) else ""):
        return 1  # a heading split right after its numeral ("一" / "、概况")
    if len(first) <= 2 and not first.isdigit():
        # one character per line with brackets among them ("（" / "三" / "）" / "不" / "予" …): a run of
        # pure CJK characters is left to the vertical-label rule
        run = 0
        while run < 30 and li + run + 1 < len(lines):
            t = lines[li + run + 1].strip()
            if not t or len(t) > 2 or re.search(r"[\d|]", t):
                break
            run += 1
        pieces = "".join(lines[li + j].strip() for j in range(run + 1))
        if run >= 2 and re.search(r"[()（）、.．:]", pieces):
            return run
    if "二十条" in first and not _block_match(first):
        acc = first
        for k in range(li + 1, min(li + 6, len(lines))):
            t = usable(k)
            if not t or len(t) > 6:
                return 0
            acc += t
            if _block_match(acc):
                return k - li
            if not _BLOCK_PREFIX.search(acc):
                return 0
        return 0

    def continues(t: str) -> bool:
        return bool(t) and t not in _LEGACY_UNITS and not is_number(t) and not _NUMBERING_TOKEN.match(t) and not re.match(
            r"^[(（]?[一二三四五六七八九十\d]{1,2}[)）、.．]|^[(（]\d{1,2}$", t
        )  # "(1" alone: the next label's ordinal split from it

    nxt = usable(li + 1)
    if re.search(r"[。;!?]", first + nxt) or not continues(nxt):
        return 0  # sentences are not pieces of a label; a number or a numbered line starts a new cell
    if legacy_table:
        acc, k = first, 0
        while k < 3 and _legacy_label_continues(acc, nxt) and not re.search(r"[。;!?]", nxt):
            acc, k = acc + nxt, k + 1
            nxt = usable(li + k + 1)
            if not continues(nxt):
                break
        return k
    if _known(first, keyword=False) >= 0.95:
        return 0  # already a whole known label ("二、主动公开政府信息" is not: its title is cut)
    # a label may be split over up to four lines: take the longest join that becomes a known label
    best_k, best, acc = 0, _known(first) + 0.02, first  # a join must know more than its first line
    # an ordinal with a word or two ("7.属于" / "行政" / "执法案卷") is no label alone: its tail may be known
    numbered_head = bool(re.fullmatch(r"\d{0,2}[.、．][\u4e00-\u9fff]{1,4}", first)) and _known(first) < 0.5
    for k in range(1, 4):
        t = usable(li + k)
        if not continues(t) or re.search(r"[。;!?]", t):
            break
        acc += t
        sc = _known(acc)
        if sc >= 0.9 and sc > best and (sc > _known(t) + 0.05 or numbered_head):  # a longer join must do better
            best_k, best = k, sc
    if not best_k and _HEADING_START.match(first):
        # a free-form (legacy) heading wrapped mid-title ("七、保障措" / "施落实情况", "十、" / "重点领域公开
        # 情况"): a short heading line, then a short line without digits or punctuation, then not a cell
        title = _HEADING_START.sub("", first)
        after = lines[li + 2].strip() if li + 2 < len(lines) else ""
        if (
            len(title) <= 8
            and not re.search(r"[,:、()]", title)
            and 2 <= len(nxt) <= 12
            and not re.search(r"[\d,:、()]", nxt)
            and (not after or len(after) > 12 or bool(_HEADING_START.match(after)))
            and _known(first) < 0.5
        ):
            return 1
    return best_k


def _block_match(text: str) -> bool:
    """Whether text is (or holds) a whole 第二十条第（X）项 item header."""
    return bool(schema.match_block(text))


_GLUED_HEAD = re.compile(r"[一二三四五六][、.．]")


def _heading_length(text: str) -> int:
    """Length of the template section heading that ``text`` starts with ("四、政府信息公开行政复议、
    行政诉讼情况行政复议…" → 19), the title being the prefix closest to a section title (≥ 0.9); 0 if none."""
    m = _GLUED_HEAD.match(text)
    if not m:
        return 0
    best, best_len = 0.0, 0
    title = text[m.end() :]
    if not schema.match_section(title[:40]):
        return 0  # no section keyword at all (a table row "一、本年新收…"): not a section heading
    # only prefixes whose length lets the ratio reach 0.9 against some title variant
    lengths = sorted({n for n in range(4, min(len(title), 32) + 1) if any(0.8 * v <= n <= 1.25 * v for v in schema.SECTION_TITLE_LENGTHS)})
    for n in lengths:
        sim = schema.section_title_similarity(title[:n])[1]
        if sim > best:  # the shortest prefix of the best score: a trailing "(" or ":" is not title
            best, best_len = sim, n
    return m.end() + best_len if best >= 0.9 else 0


_TITLE_TAIL = re.compile(r"[\u4e00-\u9fff]{1,4}")


def glued_heading_cuts(line: str) -> list[int]:
    """Offsets where a line must be cut around a template section heading glued to other cells: before a
    heading that follows a row ("… 0 0 0四、政府信息公开行政复议、行政诉讼情况") and after a heading that
    the table's first cells follow ("四、政府信息公开行政复议、行政诉讼情况 行政复议 行政诉讼"); [] when none."""
    cuts: list[int] = []
    for m in _GLUED_HEAD.finditer(line):
        start = m.start()
        if start > 0 and not re.search(r"[\d\s)）|。]$", line[:start]):
            continue  # mid-word ("第四、…") or after a label: not a heading that follows a row
        if schema.cn_to_int(m.group()[0]) is None:
            continue
        n = _heading_length(line[start:])
        if not n:
            continue
        if start > 0:
            cuts.append(start)
        rest_raw = line[start + n :]
        rest = rest_raw.strip()
        # what follows the heading is cut off (table cells, a block header, a subheading, "无。") unless it is
        # a title's own short tail glued on ("一、总体公开情况" + "说明"): a few CJK characters, unspaced,
        # that are no known label
        tail = rest_raw[:1] not in (" ", "\t", "|") and _TITLE_TAIL.fullmatch(rest) and schema.match_label(rest)[1] < 0.9
        if len(rest) >= 2 and not tail:
            cuts.append(start + n)
        break
    return cuts


# a label with its digits glued on, ending its line ("行政规范性文件6233440"); one regex over the whole text
# (this runs on every report), line lengths checked on the matches only
_GLUED_END = re.compile(r"[\u4e00-\u9fff)）][-−]?\d[\d.,]*(?:万元|元)?[ \t]*$", re.MULTILINE)
_SPACED_END = re.compile(r"[\u4e00-\u9fff)）][ \t]*(?:\|[ \t]*)?[-+]?\d[\d.,]*(?:[ \t]*\|?[ \t]+[-+]?\d[\d.,]*)+[ \t]*\|?[ \t]*$", re.MULTILINE)
MIN_GLUED_LINES = 4


def lined_glued(text: str, grid: bool = False) -> bool:
    """True for a report whose table rows are each on a line of their own with the cells glued to the
    label ("规章000" / "行政规范性文件6233440"): a text layer or crawler that dropped the cell spaces but
    kept the line ends. Such rows need the running-text splitter's arithmetic (``ogi.glued``); a report
    whose rows mostly print spaced cells is read line by line as before."""
    if grid or len(text) < glued.MIN_LINE:
        return False

    def short(m: re.Match[str]) -> bool:  # a table row's line, not the end of a paragraph
        return m.end() - text.rfind("\n", 0, m.start()) <= 80

    n_glued = sum(1 for m in _GLUED_END.finditer(text) if short(m) and not set(m.group().strip()[-7:]) <= {"0"})
    if n_glued < MIN_GLUED_LINES:
        return False
    return n_glued > 2 * sum(1 for m in _SPACED_END.finditer(text) if short(m))


def _segment_lined_glued(doc: Document) -> list[Segment]:
    """Segments of a lined report with glued rows: the text read as one running line (each newline
    read as a space, so offsets stay those of ``doc.text``), each segment then given its real line."""
    import bisect

    text = doc.text
    segs = glued.segment_line(doc, text.replace("\n", " "), 0, 0)
    starts = [0] + [i + 1 for i, ch in enumerate(text) if ch == "\n"]
    for seg in segs:
        seg.line = bisect.bisect_right(starts, seg.start) - 1
    return segs


def segment(doc: Document) -> Document:
    """Fill ``doc.segments`` from ``doc.text``; returns the same document."""
    segs: list[Segment] = []
    text = doc.text
    grid = bool(doc.meta.get("grid"))  # a reader's grid keeps every cell, a leading empty one too
    if lined_glued(text, grid) and glued.looks_glued(text.replace("\n", " ")):
        doc.segments = _segment_lined_glued(doc)
        return doc
    pos = 0
    blank_before = True
    lines = text.split("\n")
    vertical: list[tuple[str, int, int, int]] = []  # pending one-char lines: (char, start, end, line)

    def flush_vertical() -> None:
        nonlocal blank_before
        if not vertical:
            return
        if len(vertical) == 1:
            ch, s, e, ln = vertical[0]
            segs.append(Segment(ch, s, e, ln, _kind(ch), blank_before=blank_before))
        else:
            s, e, ln = vertical[0][1], vertical[-1][2], vertical[0][3]
            segs.append(Segment("".join(v[0] for v in vertical), s, e, ln, "text", sep="vertical", blank_before=blank_before))
        vertical.clear()
        blank_before = False

    skip = 0  # lines already joined into a label split over lines
    legacy_table = False
    cum_col = -1  # cell index of a " | " legacy 统计表's 历年累计 column, while its rows go on
    for li, line in enumerate(lines):
        lstart = pos
        pos += len(line) + 1
        if skip:
            skip -= 1
            continue
        stripped = line.strip()
        if not stripped:
            flush_vertical()
            blank_before = True
            continue
        if _PIPE_ONLY.match(stripped):
            flush_vertical()
            continue
        lead = len(line) - len(line.lstrip())
        md = _MD_HEADING.match(stripped)
        if md and "|" not in stripped:  # a Markdown heading "## 一、总体情况": the marks are not text
            lead += md.end()
            stripped = stripped[md.end() :]
        body_start = lstart + lead
        if glued.looks_glued(stripped):  # a whole body on one line, its table cells glued (ogi.glued)
            flush_vertical()
            segs += glued.segment_line(doc, stripped, body_start, li)
            blank_before = False
            continue
        if len(stripped) <= 30 and not re.search(r"[。;,]", stripped) and ("统计表" in stripped or stripped.startswith("附表") or stripped.replace(" ", "") in _LEGACY_HEADS):
            legacy_table = True  # from here on, lines may be rows of a legacy 统计表
        n_join = split_label_lines(lines, li, legacy_table)
        if grid and n_join and not _HEADING_LINE.match("".join(t.strip() for t in lines[li : li + n_join + 1])):
            n_join = 0  # a reader's grid keeps its cells whole: only a narrative heading split over lines joins
        if n_join:
            flush_vertical()
            joined, end = stripped, body_start + len(stripped)
            nxt = pos
            for k in range(1, n_join + 1):
                part = lines[li + k]
                joined += part.strip()
                end = nxt + len(part) - len(part.lstrip()) + len(part.strip())
                nxt += len(part) + 1
            segs.append(Segment(joined, body_start, end, li, "text", sep="joined", blank_before=blank_before))
            blank_before = False
            skip = n_join
            continue
        if len(stripped) > 120 and "|" not in stripped and _HEADING_LINE.match(stripped):
            n_head = _heading_length(stripped)
            rest = stripped[n_head:] if n_head else ""
            if rest.strip() and _is_prose(rest.strip()):
                # a template heading glued to the paragraph after it ("一、总体情况2019年，本局…"): the
                # heading is a segment of its own, the paragraph prose
                flush_vertical()
                segs.append(Segment(stripped[:n_head], body_start, body_start + n_head, li, "text", blank_before=blank_before))
                r0 = body_start + n_head + len(rest) - len(rest.lstrip())
                segs.append(Segment(rest.strip(), r0, r0 + len(rest.strip()), li, "prose"))
                blank_before = False
                continue
        cuts = glued_heading_cuts(stripped) if "|" not in stripped and len(stripped) <= 120 else []
        if cuts:
            # a section heading glued to a table row or to the table's first header cells: the heading
            # is a segment of its own, the text before and after it rows of cells
            flush_vertical()
            bounds = [0, *cuts, len(stripped)]
            for a, b in itertools.pairwise(bounds):
                piece = stripped[a:b]
                lead_p = len(piece) - len(piece.lstrip())
                piece = piece.strip()
                if not piece:
                    continue
                base = body_start + a + lead_p
                if a in cuts and _HEADING_LINE.match(piece):
                    toks = [(piece, base, base + len(piece))]
                else:
                    toks = []
                    for t, s0, e0 in _split_space_tokens(piece, base):
                        toks += _unglue(t, s0) if not is_number(t) else [(t, s0, e0)]
                sep_p = "line" if len(toks) == 1 else "space"
                for ci, (t, s0, e0) in enumerate(toks):
                    segs.append(Segment(t, s0, e0, li, _kind(t), cell=ci, n_cells=len(toks), sep=sep_p, blank_before=blank_before))
                    blank_before = False
            continue
        if _CJK1.match(stripped):
            # a run of single CJK characters on consecutive lines is a vertical label
            vertical.append((stripped, body_start, body_start + 1, li))
            continue
        flush_vertical()
        cells: list[tuple[str, int, int, int]] = []  # text, start, end, cell index
        tail_heading: tuple[str, int, int] | None = None  # a heading glued after a pipe row's last cell
        n_cells = 1
        sep = "line"
        trailing = 0
        if "|" in stripped:
            sep = "pipe"
            parts = line.split("|")
            offs = lstart
            raw_cells: list[tuple[str, int, int]] = []
            for part in parts:
                inner = part.strip()
                s = offs + (len(part) - len(part.lstrip()))
                raw_cells.append((inner, s, s + len(inner)))
                offs += len(part) + 1
            # a leading empty cell before the first "|" of a line like "| a | b" is not a cell
            if raw_cells and not raw_cells[0][0] and line.lstrip().startswith("|") and not grid:
                raw_cells = raw_cells[1:]
            while raw_cells and not raw_cells[-1][0]:
                raw_cells.pop()
                trailing += 1
            if len(raw_cells) > 1 and _HEADING_LINE.match(raw_cells[-1][0]) and not grid:
                t_last = raw_cells[-1][0]
                n_head = _heading_length(t_last)
                if n_head and len(t_last) - n_head <= 1:
                    # the next section's heading glued after a row's last "|" ("…办理 | ||||四、政府…情况"):
                    # a line of its own, after the row
                    tail_heading = raw_cells.pop()
                    while raw_cells and not raw_cells[-1][0]:
                        raw_cells.pop()
                        trailing += 1
            n_cells = len(raw_cells)
            heads = [i for i, c in enumerate(raw_cells) if _CUMULATIVE.match(c[0].replace(" ", ""))]
            if heads and legacy_table:
                cum_col = heads[0]  # a legacy 统计表's 历年累计 column: its numbers are not cells
            for ci, (t, s, e) in enumerate(raw_cells):
                if t:
                    cells.append((t, s, e, ci))
        elif _HEADING_LINE.match(stripped) and len(stripped) <= 40 and not _TRAILING_NUMS.search(stripped):
            cells = [(stripped, body_start, body_start + len(stripped), 0)]
        elif _is_prose(stripped) or _FOOTER_RE.match(stripped):
            # only a line that is most of the document: a whole body whose newlines were lost, not a
            # long paragraph of a lined report listing "一、…。二、…" inline
            body_line = len(stripped) >= max(INLINE_MIN_LINE, len(text) // 2)
            heads = inline_headings(stripped) if body_line else []
            if heads:
                # running text with its headings inline (a page whose newlines were lost): each
                # heading becomes a segment of its own, the text between them prose
                for t, s, e, is_head in _cut_at(stripped, body_start, heads):
                    kind = "text" if is_head else ("prose" if len(t) > 40 else _kind(t))
                    segs.append(Segment(t, s, e, li, kind, blank_before=blank_before))
                    blank_before = False
                continue
            cells = [(stripped, body_start, body_start + len(stripped), 0)]
        else:
            toks = _split_space_tokens(stripped, body_start)
            expanded: list[tuple[str, int, int]] = []
            for t, s, e in toks:
                expanded += _unglue(t, s) if not is_number(t) else [(t, s, e)]
            if len(expanded) > 1:
                sep = "space" if len(toks) > 1 else "glued"
            n_cells = len(expanded)
            cells = [(t, s, e, ci) for ci, (t, s, e) in enumerate(expanded)]
        if sep != "pipe":
            cum_col = -1
        prev_ci = -1
        for t, s, e, ci in cells:
            segs.append(
                Segment(
                    t,
                    s,
                    e,
                    li,
                    "noise" if ci == cum_col and ci > 0 and is_number(t) else _kind(t) if sep != "line" or len(t) <= 40 else "prose",
                    cell=ci,
                    n_cells=n_cells,
                    sep=sep,
                    empty_before=ci - prev_ci - 1,
                    blank_before=blank_before,
                    trailing_empties=trailing,
                )
            )
            prev_ci = ci
            blank_before = False
        if cells and sep == "line" and segs[-1].kind == "text" and _is_prose(stripped):
            segs[-1].kind = "prose"
        if tail_heading is not None:
            segs.append(Segment(tail_heading[0], tail_heading[1], tail_heading[2], li, "text"))
            tail_heading = None
    flush_vertical()
    doc.segments = segs
    return doc
