"""DOCX reader: body paragraphs and tables in document order; each table row one " | " line.

Merged cells are expanded into the layout grid: a horizontally (gridSpan) or vertically (vMerge)
merged cell gives its text at its first (top-left) grid position and empty strings at the others.
A cell's text is its paragraphs joined with "" next to CJK chars ("社会公益\\n组织" → "社会公益组织").
The zip is checked for bombs before anything is inflated. ``raw`` is the rendered text;
``line_map`` holds the 1-based index of the body paragraph / table row each line comes from.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from ogi.data import Document
from ogi.errors import DocumentLoadError
from ogi.readers.html import CELL_SEP, Line, build_document, clean_cell, join_broken

MAX_UNCOMPRESSED = 200 * 1024 * 1024
MAX_RATIO = 200
MAX_MEMBERS = 10_000
MAX_GRID = 1_000_000  # table grid positions per document
MAX_MAIN_PART = 16 * 1024 * 1024  # the required member inflated (word/document.xml); a long real report's
# is under 5 MB, and python-docx holds ~45 bytes per byte of it (30 MB: 1.4 GB and 33 s before tagging)

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def check_zip(path: Path, kind: str = "DOCX", required: str = "word/document.xml") -> None:
    """Refuse a corrupt zip or a zip bomb by its directory alone (nothing is inflated).

    ``kind`` names the format in messages; ``required`` is the member the format cannot lack.
    """
    if not zipfile.is_zipfile(path):
        raise DocumentLoadError(str(path), f"corrupt {kind}: not a zip archive")
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            names = {i.filename for i in infos}
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise DocumentLoadError(str(path), f"corrupt {kind}: {exc}") from exc
    if len(infos) > MAX_MEMBERS:
        raise DocumentLoadError(str(path), f"{kind} zip holds {len(infos)} members (> {MAX_MEMBERS}); refused")
    total = sum(i.file_size for i in infos)
    packed = sum(i.compress_size for i in infos)
    if total > MAX_UNCOMPRESSED:
        raise DocumentLoadError(
            str(path), f"zip bomb suspected: {kind} inflates to {total} bytes (> {MAX_UNCOMPRESSED}); refused"
        )
    for info in infos:
        if info.file_size > 1_000_000 and info.file_size > MAX_RATIO * max(1, info.compress_size):
            raise DocumentLoadError(
                str(path), f"zip bomb suspected: member {info.filename} compression ratio > {MAX_RATIO}; refused"
            )
    if total > 1_000_000 and total > MAX_RATIO * max(1, packed):
        raise DocumentLoadError(str(path), f"zip bomb suspected: compression ratio > {MAX_RATIO}; refused")
    if required not in names:
        raise DocumentLoadError(str(path), f"corrupt {kind}: no {required} in the archive")
    main = next(i.file_size for i in infos if i.filename == required)
    if main > MAX_MAIN_PART:
        raise DocumentLoadError(
            str(path), f"{kind} too large for a report ({required} inflates to {main:,} bytes > {MAX_MAIN_PART:,}); refused"
        )


def _para_text(p) -> str:  # noqa: ANN001 - CT_P
    """Text of a w:p: runs' w:t, tabs as spaces, breaks as newlines."""
    out: list[str] = []
    for el in p.iter():
        tag = el.tag
        if tag == _W + "t":
            out.append(el.text or "")
        elif tag == _W + "tab":
            out.append(" ")
        elif tag in (_W + "br", _W + "cr"):
            out.append("\n")
    return "".join(out)


def _block_texts(container) -> list[str]:  # noqa: ANN001
    """Paragraph texts of a cell (nested tables flattened), in order."""
    parts: list[str] = []
    for child in container:
        tag = child.tag
        if tag == _W + "p":
            parts.extend(_para_text(child).split("\n"))
        elif tag == _W + "tbl":
            for tr in child.iter(_W + "tr"):
                for tc in tr.iter(_W + "tc"):
                    parts.append(" ".join(join_broken(_block_texts(tc)).split()))
        elif tag in (_W + "sdt", _W + "sdtContent", _W + "customXml", _W + "smartTag"):
            parts.extend(_block_texts(child))
    return parts


def _cell_text(tc) -> str:  # noqa: ANN001
    return clean_cell(join_broken(_block_texts(tc)))


def _tc_span(tc) -> tuple[int, str | None]:  # noqa: ANN001
    tcpr = tc.find(_W + "tcPr")
    span, vmerge = 1, None
    if tcpr is not None:
        gs = tcpr.find(_W + "gridSpan")
        if gs is not None:
            try:
                span = max(1, min(1000, int(gs.get(_W + "val") or 1)))
            except ValueError:
                span = 1
        vm = tcpr.find(_W + "vMerge")
        if vm is not None:
            vmerge = vm.get(_W + "val") or "continue"
    return span, vmerge


def _int_child(el, name: str) -> int:  # noqa: ANN001
    if el is None:
        return 0
    child = el.find(_W + name)
    if child is None:
        return 0
    try:
        return max(0, min(1000, int(child.get(_W + "val") or 0)))
    except ValueError:
        return 0


def _table_rows(tbl, budget: list[int]) -> list[list[str]]:  # noqa: ANN001
    """The grid rows of a w:tbl: every layout position present, merged text once (top-left)."""
    rows: list[list[str]] = []
    for tr in tbl.iterchildren(_W + "tr"):
        trpr = tr.find(_W + "trPr")
        cells: list[str] = [""] * _int_child(trpr, "gridBefore")
        for tc in tr.iterchildren(_W + "tc"):
            span, vmerge = _tc_span(tc)
            text = "" if vmerge == "continue" else _cell_text(tc)
            cells.append(text)
            cells.extend([""] * (span - 1))
        cells.extend([""] * _int_child(trpr, "gridAfter"))
        budget[0] -= len(cells)
        if budget[0] < 0:
            raise DocumentLoadError("", f"tables hold more than {MAX_GRID} cells")
        rows.append(cells)
    grid = tbl.find(_W + "tblGrid")
    width = len(grid.findall(_W + "gridCol")) if grid is not None else 0
    width = max([width] + [len(r) for r in rows])
    return [r + [""] * (width - len(r)) for r in rows]


def _iter_body(body):  # noqa: ANN001, ANN202
    for child in body:
        if child.tag in (_W + "p", _W + "tbl"):
            yield child
        elif child.tag in (_W + "sdt", _W + "sdtContent", _W + "customXml"):
            yield from _iter_body(child)


def read_docx(path: Path) -> Document:
    """Read a Word .docx report (see the module docstring)."""
    import docx

    path = Path(path)
    check_zip(path)
    try:
        word = docx.Document(str(path))
        body = word.element.body
    except Exception as exc:  # noqa: BLE001 - python-docx raises many kinds on a broken package
        raise DocumentLoadError(str(path), f"corrupt DOCX: {type(exc).__name__}: {exc}") from exc
    lines: list[Line] = []
    index = 0
    budget = [MAX_GRID]

    from ogi.readers.text import MAX_TEXT_CHARS

    n_chars = [0]

    def emit(text: str, source_line: int) -> None:
        n_chars[0] += len(text) + 1
        if n_chars[0] > MAX_TEXT_CHARS:  # checked while reading: tagging costs ~0.2 GB per million chars
            raise DocumentLoadError(str(path), f"text too long for a report (> {MAX_TEXT_CHARS:,} characters); split the file")
        line = Line(source_line)
        line.add(text, 0)
        lines.append(line)

    try:
        for block in _iter_body(body):
            if block.tag == _W + "p":
                index += 1
                for part in _para_text(block).split("\n"):
                    text = " ".join(part.replace("\u3000", " ").split()) if part.strip() else ""
                    if text:
                        emit(part.strip(" \t\u00a0\u3000"), index)
            else:
                for cells in _table_rows(block, budget):
                    index += 1
                    emit(CELL_SEP.join(cells), index)
    except DocumentLoadError as exc:
        raise DocumentLoadError(str(path), exc.reason) from exc
    if not lines:
        raise DocumentLoadError(str(path), "DOCX without any text")
    doc = build_document(lines, raw=None, path=str(path), doc_id=path.stem, fmt="docx", grid=True)
    return doc
