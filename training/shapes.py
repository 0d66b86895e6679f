"""Shape harness: the same report content in other shapes, scored against the original gold.

ogi is judged on real reports of the families in ``../shared/real`` that arrive in other shapes
(traditional script, CRLF, one line, one cell per line, labels split over lines, page excerpts, site
chrome around the body...). This script derives such variants of every report that has gold (the nine
real reports and the five seeds), runs ogi on each and scores it against the ORIGINAL gold with the
functions ``ogi eval --gold`` uses (``ogi.evaluate.score_gold_report``).

The variants are evaluation-only: they are built at run time under a temporary folder from
``../shared/real`` and ``seeds/``, never written into the repository. Without ``../shared`` only the seeds
are used.

Usage::

    .venv/bin/python training/shapes.py --out reports/shapes --model default --model rules
    .venv/bin/python training/shapes.py --shape oneline_glued --file pingtan-2024   # one pair, verbose

Writes ``metrics.json`` (per model × shape × file: non-zero cell F1, section F1, status and counts) and
``table.md`` (the summary per shape) into ``--out``.

Scoring notes: a shape that glues cells (``oneline_glued``, ``lines_glued``) makes digit splits that the
source alone cannot decide; there every gold cell counts right anywhere in its row (as ``ambiguous`` gold
cells always do). Excerpts are scored against the gold restricted to what they print.
"""

from __future__ import annotations

import argparse
import json
import logging
import random
import re
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "real"
SEEDS = ROOT / "seeds"
GOLDEN = ROOT / "tests" / "golden"

log = logging.getLogger("shapes")

_CELL_SPLIT = re.compile(r"\s*\|\s*|\t+| {2,}")
_NUM = re.compile(r"(?<![\d.])-?\d+(?:\.\d+)?")
_HAN = re.compile(r"[\u4e00-\u9fff]")
_HEADING = re.compile(r"^\s*[一二三四五六七八九十]{1,2}\s*[、.．]\s*\S")


# ---------------------------------------------------------------------------------------------
# Sources: a report with gold, as a file and as lined text
# ---------------------------------------------------------------------------------------------


def _sources() -> list[Any]:
    """GoldReport objects for the real reports (when ../shared is here) and the seeds."""
    from ogi.gold import GoldReport, read_golds

    out: list[Any] = []
    if (SHARED / "gold").is_dir():
        out.extend(read_golds([SHARED / "gold"], SHARED / "raw"))
    else:
        log.warning("%s not found: the real reports are skipped, only the seeds are shaped", SHARED)
    for g in sorted(GOLDEN.glob("*.json")):
        seed = SEEDS / f"{g.stem}.txt"
        if not seed.is_file():
            continue
        d = json.loads(g.read_text(encoding="utf-8"))
        out.append(
            GoldReport(
                id=g.stem[:3] + "-seed",
                path=g,
                raw=seed,
                cells={k: str(c["value"]) for k, c in d["cells"].items()},
                ambiguous=frozenset(k for k, c in d["cells"].items() if c.get("ambiguous")),
                sections=[{"key": s["key"], "title": s.get("title", "")} for s in d["sections"]],
                meta={"template": d.get("template"), "layout": "seed"},
            )
        )
    return out


def _texts(gold: Any) -> tuple[str, str]:
    """(file text, lined text) of a report. The file text is a text file as it is (a PDF or HTML page:
    its reader's rendering); the lined text is what the reader renders (tables as ``a | b | c`` rows),
    so a PDF→Markdown conversion's artefacts (made-up headers 数据1.., dummy tables, detached labels)
    are not carried into shapes that content never arrives in (one line, one cell per line)."""
    from ogi.readers import read

    raw = Path(gold.raw)
    doc = read(raw)
    if raw.suffix.lower() in {".pdf", ".html", ".htm"}:
        return doc.text, doc.text
    data = raw.read_bytes()
    for enc in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(enc)
            break
        except UnicodeDecodeError:
            continue
    else:
        text = data.decode("utf-8", "replace")
    return text, (doc.text if doc.fmt == "markdown" else text)


def _cells(line: str) -> list[str]:
    """The cells of one rendered line (pipes, tabs or runs of spaces); Markdown separator rows are none."""
    s = line.strip().strip("|").strip()
    if not s or re.fullmatch(r"[\s|:\-]+", s):
        return []
    return [c.strip() for c in _CELL_SPLIT.split(s)]


# ---------------------------------------------------------------------------------------------
# Shapes: text → text (same content); each returns None where it does not apply
# ---------------------------------------------------------------------------------------------


def s2t(text: str) -> str:
    """Traditional script (OpenCC s2t)."""
    import opencc

    return opencc.OpenCC("s2t").convert(text)


def crlf(text: str) -> str:
    """Windows line ends."""
    return text.replace("\r\n", "\n").replace("\n", "\r\n")


def junk(text: str) -> str:
    """Junk '?' and U+FFFD around some numbers (a mis-decoded page)."""
    rnd = random.Random(7)

    def rep(m: re.Match[str]) -> str:
        r = rnd.random()
        if r < 0.25:
            return "?" + m.group(0)
        if r < 0.5:
            return m.group(0) + "\ufffd"
        return m.group(0)

    return _NUM.sub(rep, text)


def fullwidth(text: str) -> str:
    """Full-width digits and punctuation (not markup: HTML tags, Markdown's | - # stay ASCII)."""
    table = {c: chr(c + 0xFEE0) for c in range(0x21, 0x7F) if not chr(c).isalpha() and chr(c) not in "<>/=\"'#|-"}
    return text.translate(table)


def oneline_glued(text: str) -> str:
    """The whole body on one line, every cell glued to the next (crawler text)."""
    return "".join("".join(_cells(line)) for line in text.splitlines())


def oneline_spaced(text: str) -> str:
    """The whole body on one line, cells and lines separated by one space."""
    return " ".join(" ".join(_cells(line)) for line in text.splitlines() if _cells(line))


def lines_glued(text: str) -> str:
    """Lines kept, the cells of each line glued (spaces between cells removed)."""
    return "\n".join("".join(_cells(line)) for line in text.splitlines())


def spaced(text: str) -> str:
    """Spaces inserted between every label and number (and between cells of a row)."""
    out = []
    for line in text.splitlines():
        line = re.sub(r"(?<=[\u4e00-\u9fff）)])(?=-?\d)", " ", line)
        line = re.sub(r"(?<=\d)(?=[\u4e00-\u9fff（(])", " ", line)
        out.append(" ".join(_cells(line)) if "|" in line else line)
    return "\n".join(out)


def cell_per_line(text: str) -> str:
    """One cell per line (a crawler rendering of a Word table); blank cells print nothing."""
    out: list[str] = []
    for line in text.splitlines():
        cs = [c for c in _cells(line) if c]
        out.extend(cs if len(cs) > 1 else [line.strip()])
    return "\n".join(out)


def _table_row_label(cell: str) -> bool:
    return len(cell) >= 6 and len(_HAN.findall(cell)) >= 5 and not _HEADING.match(cell)


def split_label(text: str) -> str | None:
    """One cell per line, and every long row label (before a number) split over two lines."""
    lines = cell_per_line(text).splitlines()
    out: list[str] = []
    n = 0
    for i, line in enumerate(lines):
        nxt = lines[i + 1].strip() if i + 1 < len(lines) else ""
        if _table_row_label(line.strip()) and len(line.strip()) <= 40 and _NUM.fullmatch(nxt):
            s = line.strip()
            k = len(s) // 2
            out.extend([s[:k], s[k:]])
            n += 1
        else:
            out.append(line)
    return "\n".join(out) if n else None


def split_heading(text: str) -> str | None:
    """Section headings split after three characters ('一、总' / '体情况')."""
    out: list[str] = []
    n = 0
    for line in text.splitlines():
        s = line.strip()
        if _HEADING.match(s) and 6 <= len(s) <= 40 and not _NUM.search(s):
            out.extend([s[:3], s[3:]])
            n += 1
        else:
            out.append(line)
    return "\n".join(out) if n else None


def cell_per_line_blanks(text: str) -> str:
    """One cell per line, a blank cell printed as an empty line (crawlers that keep every table cell)."""
    out: list[str] = []
    for line in text.splitlines():
        cs = _cells(line)
        out.extend(cs if len(cs) > 1 else [line.strip()])
    return "\n".join(out)


def collapsed(text: str) -> str:
    """One cell per line with runs of identical consecutive lines printed once (a row of zeros as "0")."""
    out: list[str] = []
    for line in cell_per_line(text).splitlines():
        if not out or line.strip() != out[-1].strip() or not line.strip():
            out.append(line)
    return "\n".join(out)


_ITEM = re.compile(r"^第二十条第\s*[(（]([一五六八九])[)）]\s*项$")


def split_item(text: str) -> str | None:
    """One cell per line, each table-2 item header in pieces ("第二十条第" / "（" / "一" / "）" / "项")."""
    out: list[str] = []
    n = 0
    for line in cell_per_line(text).splitlines():
        m = _ITEM.match(line.strip())
        if m:
            out += ["第二十条第", "（", m.group(1), "）", "项"]
            n += 1
        else:
            out.append(line)
    return "\n".join(out) if n else None


def unicode_minus(text: str) -> str | None:
    """Negative numbers printed with U+2212 MINUS SIGN."""
    body, n = re.subn(r"(?<![\d\w])-(?=\d)", "\u2212", text)
    return body if n else None


def heading_glued(text: str) -> str | None:
    """Each section heading glued to the line after it (no separator: "四、…情况行政复议 …")."""
    lines = text.splitlines()
    out: list[str] = []
    n = 0
    i = 0
    while i < len(lines):
        s = lines[i].strip()
        j = i + 1
        while j < len(lines) and not lines[j].strip():
            j += 1
        if _HEADING.match(s) and 6 <= len(s) <= 40 and not _NUM.search(s) and j < len(lines) and "|" not in lines[j]:
            out.append(s + lines[j].strip())
            n += 1
            i = j + 1
            continue
        out.append(lines[i])
        i += 1
    return "\n".join(out) if n else None


def heading_typo(text: str) -> str | None:
    """One character left out of each section heading's title (a typo or an OCR drop)."""
    out: list[str] = []
    n = 0
    for line in text.splitlines():
        s = line.strip()
        if _HEADING.match(s) and 8 <= len(s) <= 40 and not _NUM.search(s):
            k = len(s) // 2 + 1
            out.append(s[:k] + s[k + 1 :])
            n += 1
        else:
            out.append(line)
    return "\n".join(out) if n else None


JUNK_LINES = ["翻译", "搜索", "复制", "分享到：", "打印本页", "关闭窗口"]


def site_junk(text: str) -> str:
    """Site junk lines after the body (translation / search / copy buttons)."""
    return text.rstrip("\n") + "\n\n" + "\n".join(JUNK_LINES) + "\n"


def chrome(text: str) -> str:
    """A metadata box of site chrome before the body."""
    first = next((ln.strip() for ln in text.splitlines() if ln.strip()), "")
    box = [
        "首页 > 政务公开 > 政府信息公开年报",
        "索引号：",
        "000000000/2025-00001",
        "分类：",
        "政务公开",
        "发布机构：",
        "办公室",
        "标题：",
        first[:60],
        "发文日期：",
        "2025-01-20",
        "有效性：",
        "有效",
        "字体：【大 中 小】",
        "",
    ]
    return "\n".join(box) + "\n" + text


SHAPES: dict[str, Callable[[str], str | None]] = {
    "s2t": s2t,
    "crlf": crlf,
    "junk": junk,
    "fullwidth": fullwidth,
    "oneline_glued": oneline_glued,
    "oneline_spaced": oneline_spaced,
    "lines_glued": lines_glued,
    "spaced": spaced,
    "cell_per_line": cell_per_line,
    "split_label": split_label,
    "split_heading": split_heading,
    "cell_per_line_blanks": cell_per_line_blanks,
    "collapsed": collapsed,
    "split_item": split_item,
    "unicode_minus": unicode_minus,
    "heading_glued": heading_glued,
    "heading_typo": heading_typo,
    "site_junk": site_junk,
    "chrome": chrome,
}
# shapes of the file as it is (a Markdown conversion stays Markdown); the others reshape its rendering
FILE_SHAPES = {
    "s2t",
    "crlf",
    "junk",
    "fullwidth",
    "unicode_minus",
    "split_heading",
    "heading_glued",
    "heading_typo",
    "site_junk",
    "chrome",
}
ROW_LEVEL = {
    "oneline_glued",
    "lines_glued",
    "collapsed",
    "oneline_excerpt",
}  # shapes whose digit splits the text alone cannot decide


# ---------------------------------------------------------------------------------------------
# Excerpts: part of the report, scored on the gold of that part
# ---------------------------------------------------------------------------------------------


def _find_title(text: str, title: str, start: int = 0) -> int:
    """Offset in ``text`` where a section title is printed (spaces in the text ignored), or -1."""
    t = re.sub(r"\s+", "", title)
    if len(t) < 3:
        return -1
    head = t[: min(len(t), 8)]
    pat = r"\s*".join(re.escape(ch) for ch in head)
    m = re.compile(pat).search(text, start)
    return m.start() if m else -1


def excerpts(gold: Any, text: str) -> list[tuple[str, str, Any]]:
    """(shape, text, gold) for the page excerpts: sections 三–四, and table 3 alone."""
    titles = {s["key"]: s.get("title") or "" for s in gold.sections}
    if not all(k in titles for k in ("s3", "s4", "s5")):
        return []
    a = _find_title(text, titles["s3"])
    b = _find_title(text, titles["s4"], max(a, 0) + 1)
    c = _find_title(text, titles["s5"], max(b, 0) + 1)
    if min(a, b, c) < 0 or not a < b < c:
        return []
    out: list[tuple[str, str, Any]] = []
    cells = {k: v for k, v in gold.cells.items() if k.startswith(("t3.", "t4."))}
    if cells:
        g34 = replace(
            gold,
            cells=cells,
            ambiguous=frozenset(k for k in gold.ambiguous if k in cells),
            sections=[s for s in gold.sections if s["key"] in ("s3", "s4")],
        )
        out.append(("excerpt_s3_s4", text[a:c], g34))
    eol = text.find("\n", a)
    t3 = {k: v for k, v in gold.cells.items() if k.startswith("t3.")}
    if t3 and 0 < eol < b:
        g3 = replace(gold, cells=t3, ambiguous=frozenset(k for k in gold.ambiguous if k in t3), sections=[])
        out.append(("excerpt_t3", text[eol + 1 : b], g3))
    return out


# ---------------------------------------------------------------------------------------------
# Scoring
# ---------------------------------------------------------------------------------------------


def _score(gold: Any, path: Path, tagger: Any, source: str, row_level: bool) -> dict[str, Any]:
    from ogi.evaluate import prf, score_gold_report

    g = replace(gold, raw=path)
    if row_level:
        g = replace(g, ambiguous=frozenset(g.cells))
    t0 = time.perf_counter()
    s = score_gold_report(g, tagger, source)
    nz = prf(*s.nz)
    sec = prf(*s.sec)
    return {
        "status": s.status,
        "nz_f1": round(nz["f1"], 4),
        "sec_f1": round(sec["f1"], 4),
        "sec_title_f1": round(prf(*s.sec_title)["f1"], 4),
        "nz": s.nz,
        "sec": s.sec,
        "seconds": round(time.perf_counter() - t0, 3),
        "misses": [list(m) for m in s.misses[:8]],
        "sec_misses": s.sec_misses[:6],
        "errors": s.errors[:3],
    }


def variants(gold: Any, tmp: Path) -> list[tuple[str, Path, Any]]:
    """(shape, file, gold) for every shape of one report; files written under ``tmp``."""
    raw = Path(gold.raw)
    file_text, text = _texts(gold)
    out: list[tuple[str, Path, Any]] = [("original", raw, gold)]
    suffix = ".txt"
    if raw.suffix.lower() in {".pdf", ".html", ".htm"}:
        p = tmp / f"{gold.id}.rendered.txt"
        p.write_text(text, encoding="utf-8")
        out.append(("rendered_text", p, gold))
    if raw.suffix.lower() in {".html", ".htm"}:  # the page itself in traditional script / with CRLF
        html = raw.read_bytes().decode("utf-8", "replace")
        for name, fn in (("html_s2t", s2t), ("html_crlf", crlf)):
            p = tmp / f"{gold.id}.{name}.html"
            p.write_text(fn(html), encoding="utf-8", newline="")
            out.append((name, p, gold))
    for name, fn in SHAPES.items():
        body = fn(file_text if name in FILE_SHAPES else text)
        if body is None:
            continue
        p = tmp / f"{gold.id}.{name}{suffix}"
        p.write_text(body, encoding="utf-8", newline="")
        out.append((name, p, gold))
    for name, body, g in excerpts(gold, text):
        p = tmp / f"{gold.id}.{name}{suffix}"
        p.write_text(body, encoding="utf-8")
        out.append((name, p, g))
        if name == "excerpt_s3_s4":  # the same excerpt as a crawler's one glued line
            p = tmp / f"{gold.id}.oneline_excerpt{suffix}"
            p.write_text(oneline_glued(body), encoding="utf-8")
            out.append(("oneline_excerpt", p, g))
    return out


def _table(results: dict[str, Any], models: list[str], files: list[str]) -> str:
    """Markdown: per shape, the number of files it applies to, each model's mean non-zero cell F1 /
    section F1 over them, and the files below 0.95."""
    shapes: list[str] = []
    for m in models:
        for f in files:
            for s in results[m].get(f, {}):
                if s not in shapes:
                    shapes.append(s)
    head = (
        "| shape | files | "
        + " | ".join(f"{m} nzF1 | {m} secF1" for m in models)
        + " | weak files ("
        + models[0]
        + ", nzF1/secF1 < 0.95) |"
    )
    lines = [head, "|" + "---|" * (3 + 2 * len(models))]
    for s in shapes:
        row = [s, str(sum(1 for f in files if s in results[models[0]].get(f, {})))]
        weak: list[str] = []
        for mi, m in enumerate(models):
            vals = [results[m][f][s] for f in files if s in results[m].get(f, {})]
            nz = sum(v["nz_f1"] for v in vals) / len(vals) if vals else 0.0
            sec = sum(v["sec_f1"] for v in vals) / len(vals) if vals else 0.0
            row += [f"{nz:.3f}", f"{sec:.3f}"]
            if mi == 0:
                weak = [
                    f"{f} {results[m][f][s]['nz_f1']:.2f}/{results[m][f][s]['sec_f1']:.2f}"
                    + ("" if results[m][f][s]["status"] != "failed" else " FAILED")
                    for f in files
                    if s in results[m].get(f, {})
                    and (
                        results[m][f][s]["nz_f1"] < 0.95
                        or results[m][f][s]["sec_f1"] < 0.95
                        or results[m][f][s]["status"] == "failed"
                    )
                ]
        lines.append("| " + " | ".join(row) + " | " + ", ".join(weak) + " |")
    return "\n".join(lines) + "\n"


def compare_table(before: dict[str, Any], after: dict[str, Any], models: list[str]) -> str:
    """Markdown: per shape, each model's mean non-zero cell F1 and section F1 before → after, over the
    files both runs scored."""
    shapes: list[str] = []
    for f in after[models[0]]:
        for sh in after[models[0]][f]:
            if sh not in shapes:
                shapes.append(sh)
    head = (
        "| shape | files | " + " | ".join(f"{m} nzF1 before → after | {m} secF1 before → after" for m in models) + " |"
    )
    lines = [head, "|" + "---|" * (2 + 2 * len(models))]
    for sh in shapes:
        files = [
            f for f in after[models[0]] if sh in after[models[0]][f] and sh in before.get(models[0], {}).get(f, {})
        ]
        row = [sh, str(len(files))]
        for m in models:
            for metric in ("nz_f1", "sec_f1"):
                b = [before[m][f][sh][metric] for f in files if sh in before.get(m, {}).get(f, {})]
                a = [after[m][f][sh][metric] for f in files if sh in after.get(m, {}).get(f, {})]
                mb = sum(b) / len(b) if b else float("nan")
                ma = sum(a) / len(a) if a else float("nan")
                row.append(f"{mb:.3f} → **{ma:.3f}**" if ma - mb > 0.0005 else f"{mb:.3f} → {ma:.3f}")
        lines.append("| " + " | ".join(row) + " |")
    return "\n".join(lines) + "\n"


def _public(results: dict[str, Any]) -> dict[str, Any]:
    """Results without the misses (gold values of the real reports stay out of the repository)."""
    return {
        m: {
            f: {sh: {k: v for k, v in r.items() if k not in ("misses", "sec_misses")} for sh, r in per.items()}
            for f, per in files.items()
        }
        for m, files in results.items()
    }


def main(argv: list[str] | None = None) -> int:
    """Run the shape harness; returns the exit status."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", type=Path, default=None, help="folder for metrics.json and table.md")
    ap.add_argument("--model", action="append", default=None, help="model(s) to run (default: default and rules)")
    ap.add_argument("--shape", action="append", default=None, help="only these shapes")
    ap.add_argument("--file", action="append", default=None, help="only these report ids")
    ap.add_argument("-v", "--verbose", action="store_true", help="print the misses of each weak pair")
    ap.add_argument(
        "--before", type=Path, default=None, help="metrics.json of an earlier run: write compare.md (before → after)"
    )
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    from ogi.evaluate import primary_source
    from ogi.taggers import load_tagger

    models = args.model or ["default", "rules"]
    golds = [g for g in _sources() if not args.file or g.id in args.file]
    results: dict[str, Any] = {m: {} for m in models}
    with tempfile.TemporaryDirectory(prefix="ogi-shapes-") as td:
        tmp = Path(td)
        work = [(g, v) for g in golds for v in variants(g, tmp) if not args.shape or v[0] in args.shape]
        for m in models:
            tagger = load_tagger(m)
            source = primary_source(tagger)
            for g, (shape, path, gv) in work:
                r = _score(gv, path, tagger, source, shape in ROW_LEVEL)
                results[m].setdefault(g.id, {})[shape] = r
                if args.verbose and (r["nz_f1"] < 0.95 or r["sec_f1"] < 0.95):
                    print(
                        f"[{m}] {shape:16s} {g.id:22s} {r['status']:8s} nz={r['nz_f1']:.3f} {r['nz']} sec={r['sec_f1']:.3f} {r['sec']}"
                    )
                    for miss in r["misses"]:
                        print("     cell", miss)
                    for miss in r["sec_misses"]:
                        print("     sec ", {k: miss.get(k) for k in ("key", "gold", "pred")})
    files = [g.id for g in golds]
    table = _table(results, models, files)
    print(table)
    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)
        (args.out / "metrics.json").write_text(
            json.dumps(_public(results), ensure_ascii=False, indent=1, sort_keys=True), encoding="utf-8"
        )
        (args.out / "table.md").write_text(table, encoding="utf-8")
        if args.before:
            before = json.loads(args.before.read_text(encoding="utf-8"))
            cmp_md = compare_table(before, results, models)
            (args.out / "compare.md").write_text(cmp_md, encoding="utf-8")
            print(cmp_md)
    return 0


if __name__ == "__main__":
    sys.exit(main())
