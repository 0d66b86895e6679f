"""Spreadsheet reader: ``.csv``, ``.tsv`` and ``.xlsx`` (a report's tables pasted into Excel).

Every sheet row becomes one line. A row with one filled cell is a plain line (a heading, a title, a
paragraph pasted into column A); a row with two or more filled cells is a table row, its cells
joined by " | " with the blank ones kept as empty strings, so a blank cell keeps its column
(``meta["grid"]`` is True). Consecutive table rows form a block, padded to the block's widest
filled column, as an HTML table's rows are; columns empty in the whole sheet are dropped. Sheets
are read in workbook order (a sheet's name is not a line). Numbers stored by Excel print as the
shortest decimal that round-trips ("7730.28", "5" for 5.0); formulas give their cached value.

For CSV/TSV ``raw`` is the decoded file and each cell points at its text in it; ``line_map`` holds
the file line of each row. For XLSX ``raw`` is the rendering and ``line_map`` counts its lines.
"""

from __future__ import annotations

import csv
import datetime as _dt
import io
import math
from pathlib import Path

from ogi.data import Document
from ogi.errors import DocumentLoadError
from ogi.readers.html import CELL_SEP, Line, build_document, clean_cell
from ogi.readers.text import decode_bytes

MAX_CELLS = 2_000_000  # cells read per workbook / file: bounds time and memory
MAX_COLS = 200

_Row = list[tuple[str, int]]  # (cell text, raw offset of the text or -1)


def _fmt(value: object) -> str:
    """A cell value as printed text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if not math.isfinite(value):
            return ""
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if isinstance(value, _dt.datetime):
        return value.date().isoformat() if value.time() == _dt.time() else value.isoformat(sep=" ")
    if isinstance(value, (_dt.date, _dt.time)):
        return value.isoformat()
    return clean_cell(str(value))


def _render(rows: list[tuple[int, int, _Row]]) -> list[Line]:
    """Lines of ``(source line, line start offset, cells)`` rows (see the module docstring)."""
    width = max((len(r) for _, _, r in rows), default=0)
    used = [any(k < len(r) and r[k][0] for _, _, r in rows) for k in range(width)]
    keep = [k for k in range(width) if used[k]]
    trimmed = [(ln, start, [r[k] if k < len(r) else ("", -1) for k in keep]) for ln, start, r in rows]
    lines: list[Line] = []
    k = 0
    while k < len(trimmed):
        ln, start, cells = trimmed[k]
        filled = [c for c in cells if c[0]]
        if len(filled) <= 1:
            if filled:
                text, off = filled[0]
                line = Line(ln)
                line.add(text, list(range(off, off + len(text))) if off >= 0 else max(0, start))
                lines.append(line)
            k += 1
            continue
        block_end = k
        while block_end < len(trimmed) and sum(1 for c in trimmed[block_end][2] if c[0]) >= 2:
            block_end += 1
        bw = max(max(i for i, c in enumerate(r) if c[0]) + 1 for _, _, r in trimmed[k:block_end])
        for ln, start, cells in trimmed[k:block_end]:
            line = Line(ln)
            last = max(0, start)
            for i, (text, off) in enumerate(cells[:bw]):
                if i:
                    line.add(CELL_SEP, last)
                if text:
                    line.add(text, list(range(off, off + len(text))) if off >= 0 else last)
                    last = off + len(text) if off >= 0 else last
            lines.append(line)
        k = block_end
    return lines


def _sniff_delimiter(sample: str, suffix: str) -> str:
    if suffix == ".tsv":
        return "\t"
    head = sample[:20000]
    counts = {d: head.count(d) for d in (",", "\t", ";", "，")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def read_delimited(path: Path, data: bytes | None = None) -> Document:
    """Read a ``.csv`` / ``.tsv`` file (delimiter sniffed for .csv: comma, tab, semicolon)."""
    path = Path(path)
    data = path.read_bytes() if data is None else data
    raw, encoding = decode_bytes(data, str(path))
    delim = _sniff_delimiter(raw, path.suffix.lower())
    line_starts = [0]
    for i, ch in enumerate(raw):
        if ch == "\n":
            line_starts.append(i + 1)
    rows: list[tuple[int, int, _Row]] = []
    reader = csv.reader(io.StringIO(raw, newline=""), delimiter=delim)
    n_cells = 0
    prev_line = 0
    try:
        for record in reader:
            first_line = prev_line + 1
            prev_line = reader.line_num
            start = line_starts[first_line - 1] if first_line - 1 < len(line_starts) else len(raw)
            end = line_starts[prev_line] if prev_line < len(line_starts) else len(raw)
            cursor = start
            cells: _Row = []
            for value in record[:MAX_COLS]:
                text = clean_cell(value)
                off = raw.find(text, cursor, end) if text else -1
                if off >= 0 and raw[off : off + len(text)] == text:
                    cursor = off + len(text)
                else:
                    off = -1
                cells.append((text, off))
            n_cells += len(cells)
            if n_cells > MAX_CELLS:
                raise DocumentLoadError(str(path), f"spreadsheet too large: more than {MAX_CELLS} cells")
            rows.append((first_line, start, cells))
    except csv.Error as exc:
        raise DocumentLoadError(str(path), f"unreadable {path.suffix or 'CSV'} file: {exc}") from exc
    lines = _render(rows)
    if not lines:
        raise DocumentLoadError(str(path), "spreadsheet without any text")
    doc = build_document(lines, raw=raw, path=str(path), doc_id=path.stem, fmt="spreadsheet", grid=True)
    doc.meta["encoding"] = encoding
    return doc


def read_xlsx(path: Path) -> Document:
    """Read an Excel ``.xlsx`` workbook, every sheet in order (see the module docstring)."""
    import openpyxl

    from ogi.readers.docx import check_zip

    path = Path(path)
    check_zip(path, kind="XLSX", required="xl/workbook.xml")
    try:
        wb = openpyxl.load_workbook(str(path), read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds on a broken workbook
        raise DocumentLoadError(str(path), f"corrupt XLSX: {type(exc).__name__}: {exc}") from exc
    lines: list[Line] = []
    n_cells = 0
    n_sheets = len(wb.worksheets)
    try:
        for ws in wb.worksheets:
            rows: list[tuple[int, int, _Row]] = []
            for values in ws.iter_rows(values_only=True):
                cells: _Row = [(_fmt(v), -1) for v in values[:MAX_COLS]]
                n_cells += len(cells)
                if n_cells > MAX_CELLS:
                    raise DocumentLoadError(str(path), f"spreadsheet too large: more than {MAX_CELLS} cells")
                rows.append((0, 0, cells))
            for line in _render(rows):
                line.source_line = len(lines) + 1
                lines.append(line)
    finally:
        wb.close()
    if not lines:
        raise DocumentLoadError(str(path), "XLSX workbook without any text")
    doc = build_document(lines, raw=None, path=str(path), doc_id=path.stem, fmt="spreadsheet", grid=True)
    doc.meta["sheets"] = n_sheets
    return doc
