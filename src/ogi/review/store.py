"""A batch under review: its records, their sources, where each cell was read, and the corrections.

A batch is an ``ogi tag`` JSONL file (each record's ``path`` names its source; relative paths are tried
against the JSONL's folder, then the working directory) or a folder of reports, tagged when the review
starts. Report ids are only ever looked up in the batch's own table, so no request can name a file.

Corrections are stored per report as a list (``edit``, ``move``, ``blank``, ``section``), each with its
time and note, and replayed on the original record and on the pre-filled annotation of the report
whenever one is saved. The output folder holds two files, each rewritten atomically on every save:

* ``records.jsonl``: the corrected record of every reviewed report (``review.corrections`` says what
  changed, when and why; the checks are recomputed);
* ``annotations.jsonl``: the same reports in the training format (``ogi.annotations``, ``split=train``,
  ``source=review``), ready for ``ogi train --data``.
"""

from __future__ import annotations

import bisect
import copy
import json
import logging
import re
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ogi import schema
from ogi.data import Cell, Document, Section

log = logging.getLogger(__name__)

ACTIONS = ("edit", "move", "blank", "section")
LOW_CONFIDENCE = 0.9
MAX_NOTE = 2000
MAX_VALUE = 200


class ReviewError(ValueError):
    """A request the review cannot carry out (unknown report or cell, bad correction): the message says why."""


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def failed_cells(record: dict[str, Any]) -> set[str]:
    """Cell keys touched by a failed check of a record."""
    from ogi.export import check_cells

    out: set[str] = set()
    for c in record.get("checks") or []:
        if c.get("status") == "fail":
            out |= check_cells(str(c.get("name", "")), record.get("template"))
    return out


@dataclass
class Source:
    """A report's source as the review shows it, with the processed ``Document`` behind it.

    ``view`` is the text shown: the raw text for text, PDF and DOCX input (for PDF and DOCX, the
    reader's rendering), the rendered text for HTML (its raw text is markup).
    """

    doc: Document
    view: str
    view_is_raw: bool
    spans: list[tuple[int, int, str]]  # pre-filled annotation spans over doc.raw
    seg_end: dict[int, int] = field(default_factory=dict)  # segment start in doc.text → its end

    def raw_to_view(self, start: int, end: int) -> tuple[int, int]:
        """View offsets of a raw span."""
        if self.view_is_raw:
            return start, end
        offs = self.doc.raw_offsets
        s = bisect.bisect_left(offs, start, 0, len(offs) - 1)
        e = bisect.bisect_left(offs, end, 0, len(offs) - 1)
        return s, max(s, e)

    def text_to_view(self, start: int, end: int) -> tuple[int, int]:
        """View offsets of a span of the normalised ``doc.text``."""
        if self.view_is_raw:
            return self.doc.raw_span(start, end)
        return start, end

    def view_line_range(self, source_line: int) -> tuple[int, int] | None:
        """View offsets of the line(s) that came from a 1-based source line."""
        if self.view_is_raw:
            starts = [0] + [m.end() for m in re.finditer(r"\r\n|\r|\n", self.view)]
            if not 1 <= source_line <= len(starts):
                return None
            s = starts[source_line - 1]
            e = starts[source_line] if source_line < len(starts) else len(self.view)
            return s, len(self.view[s:e].rstrip("\r\n")) + s
        lines = self.view.split("\n")
        pos = 0
        for i, line in enumerate(lines):
            if self.doc.source_line(i) == source_line:
                return pos, pos + len(line)
            pos += len(line) + 1
        return None


@dataclass
class Entry:
    """One report of the batch: the original record, where its source is, and its corrections."""

    id: str
    record: dict[str, Any]
    source_path: Path | None
    corrections: list[dict[str, Any]] = field(default_factory=list)


class ReviewBatch:
    """The reports of a batch, their corrections and the output files (thread-safe saves)."""

    def __init__(self, records: list[dict[str, Any]], base: Path, out_dir: Path, model: str = "default",
                 low_confidence: float = LOW_CONFIDENCE) -> None:
        self.out_dir = out_dir
        self.model = model
        self.low_confidence = low_confidence
        self.entries: dict[str, Entry] = {}
        for rec in records:
            rid = str(rec.get("id") or "")
            if not rid or rid in self.entries:
                log.warning("skipping a record with a missing or repeated id %r", rid)
                continue
            self.entries[rid] = Entry(rid, rec, _resolve(rec.get("path"), base))
        self._lock = threading.Lock()
        self._sources: dict[str, Source] = {}
        self._summaries: dict[str, tuple[int, dict[str, Any]]] = {}
        self._tagger: Any = None
        self._load_saved()

    # ---------------------------------------------------------------- loading

    @classmethod
    def open(cls, spec: str | Path, out_dir: Path | None = None, model: str = "default",
             low_confidence: float = LOW_CONFIDENCE) -> ReviewBatch:
        """A batch from an ``ogi tag`` JSONL file or a folder of reports (tagged now with ``model``)."""
        p = Path(spec)
        if p.is_dir():
            from ogi.batch import expand_paths
            from ogi.pipeline import tag_path
            from ogi.taggers import load_tagger

            files, _ = expand_paths([str(p)])
            if not files:
                raise ReviewError(f"{p}: no report files (.txt, .html, .pdf, .docx) in this folder")
            tagger = load_tagger(model)
            records = [tag_path(f, tagger) for f in files]
            batch = cls(records, Path.cwd(), out_dir or p.with_name(p.name.rstrip("/") + ".review"), model, low_confidence)
            batch._tagger = tagger
            return batch
        if not p.is_file():
            raise ReviewError(f"{p}: no such file or folder")
        records = []
        for n, line in enumerate(p.read_text(encoding="utf-8-sig").splitlines(), 1):
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ReviewError(f"{p}: line {n} is not JSON ({exc.msg}); expected `ogi tag` JSONL records") from None
            if not isinstance(rec, dict) or "id" not in rec:
                raise ReviewError(f"{p}: line {n} is not an `ogi tag` record (no id)")
            records.append(rec)
        return cls(records, p.parent, out_dir or p.with_suffix(".review"), model, low_confidence)

    def _load_saved(self) -> None:
        """Take up the corrections of an earlier session from ``records.jsonl`` in the output folder."""
        path = self.out_dir / "records.jsonl"
        if not path.is_file():
            return
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            rec = json.loads(line)
            entry = self.entries.get(str(rec.get("id")))
            if entry is not None:
                entry.corrections = list((rec.get("review") or {}).get("corrections") or [])

    def get(self, rid: str) -> Entry:
        """The entry of a report id of this batch (nothing else: ids are never paths)."""
        entry = self.entries.get(rid)
        if entry is None:
            raise ReviewError(f"no report {rid!r} in this batch")
        return entry

    def tagger(self) -> Any:
        """The tagger that pre-fills annotations (loaded once)."""
        if self._tagger is None:
            from ogi.taggers import load_tagger

            self._tagger = load_tagger(self.model)
        return self._tagger

    def source(self, rid: str) -> Source | None:
        """The report's source read and processed again (cached), or None when it cannot be read."""
        if rid in self._sources:
            return self._sources[rid]
        entry = self.get(rid)
        if entry.source_path is None:
            return None
        from ogi.errors import DocumentLoadError
        from ogi.pipeline import process
        from ogi.readers import read

        try:
            doc = read(entry.source_path)
        except DocumentLoadError as exc:
            log.warning("cannot read the source of %s: %s", rid, exc)
            return None
        process(doc, self.tagger())
        spans = _prefill_spans(doc)
        html_view = doc.fmt == "html"
        src = Source(doc, doc.text if html_view else doc.raw, not html_view, spans,
                     {seg.start: seg.end for seg in doc.segments})
        self._sources[rid] = src
        return src

    # ---------------------------------------------------------------- views

    def record(self, rid: str) -> dict[str, Any]:
        """The report's record with its corrections applied."""
        entry = self.get(rid)
        return apply_corrections(entry.record, entry.corrections)

    def summary(self, rid: str) -> dict[str, Any]:
        """The index row of a report (cached until its next correction: the index reads every row)."""
        entry = self.get(rid)
        stamp = len(entry.corrections)
        cached = self._summaries.get(rid)
        if cached is not None and cached[0] == stamp:
            return dict(cached[1])
        row = self._summary(rid)
        self._summaries[rid] = (stamp, row)
        return dict(row)

    def _summary(self, rid: str) -> dict[str, Any]:
        entry = self.get(rid)
        rec = self.record(rid) if entry.corrections else entry.record
        cells = rec.get("cells") or {}
        failed = [c.get("name", "") for c in rec.get("checks") or [] if c.get("status") == "fail"]
        return {
            "id": rid,
            "status": rec.get("status", ""),
            "template": rec.get("template", ""),
            "year": rec.get("year"),
            "agency": rec.get("agency") or "",
            "title": rec.get("title") or "",
            "n_cells": len(cells),
            "failed": failed,
            "n_failed": len(failed),
            "n_ambiguous": sum(1 for c in cells.values() if c.get("ambiguous")),
            "n_low": sum(1 for c in cells.values() if float(c.get("confidence", 1.0)) < self.low_confidence),
            "n_corrections": len(self.get(rid).corrections),
            "errors": rec.get("errors") or [],
        }

    def locate(self, rid: str, key: str) -> dict[str, Any]:
        """Where a cell (``key``) or a section (``sec:<index>``) was read: view offsets, line and how known."""
        rec = self.record(rid)
        src = self.source(rid)
        if key.startswith("sec:"):
            secs = rec.get("sections") or []
            try:
                item = secs[int(key[4:])]
            except (ValueError, IndexError):
                raise ReviewError(f"no section {key!r} in report {rid!r}") from None
            value, line = str(item.get("title", "")), int(item.get("line") or 0)
            label = f"SEC.{item.get('key')}"
        else:
            item = (rec.get("cells") or {}).get(key)
            if item is None:
                raise ReviewError(f"no cell {key!r} in report {rid!r}")
            value, line = str(item.get("value", "")), int(item.get("line") or 0)
            label = f"VAL.{key}"
        out: dict[str, Any] = {"key": key, "value": value, "line": line, "label": label, "start": None, "end": None, "how": "none"}
        if src is None:
            return out
        found = _locate(src, key, item, value, line)
        if found:
            out["start"], out["end"], out["how"] = found
        return out

    # ---------------------------------------------------------------- corrections

    def add_correction(self, rid: str, corr: dict[str, Any]) -> dict[str, Any]:
        """Check a correction against the report, record it with its time, and save the output files."""
        entry = self.get(rid)
        clean = validate_correction(self.record(rid), corr)
        clean["time"] = _now()
        with self._lock:
            entry.corrections.append(clean)
            try:
                self._save()
            except Exception:
                entry.corrections.pop()
                raise
        return clean

    def undo(self, rid: str) -> dict[str, Any]:
        """Take back the report's last correction and save; returns it."""
        entry = self.get(rid)
        with self._lock:
            if not entry.corrections:
                raise ReviewError(f"report {rid!r} has no correction to undo")
            last = entry.corrections.pop()
            try:
                self._save()
            except Exception:
                entry.corrections.append(last)
                raise
        return last

    def annotation(self, rid: str) -> Any:
        """The report in the training format: pre-filled spans with its corrections applied."""
        from ogi.annotations import AnnotatedReport, Span

        entry = self.get(rid)
        src = self.source(rid)
        if src is None:
            raise ReviewError(f"report {rid!r}: its source {entry.record.get('path')!r} cannot be read, so no annotation")
        spans = apply_to_spans(src, entry.record, entry.corrections)
        rec = self.record(rid)
        meta = {
            "template": rec.get("template"),
            "year": rec.get("year"),
            "layout": "unknown",
            "script": "simplified",
            "source": "review",
            "split": "train",
            "format": "html" if src.doc.fmt == "html" else "text",
            "path": entry.record.get("path"),
            "reviewed_at": entry.corrections[-1]["time"] if entry.corrections else None,
            "corrections": len(entry.corrections),
            "prefilled_by": self.tagger().describe().get("name"),
        }
        return AnnotatedReport(rid, src.doc.raw, [Span(s, e, lab) for s, e, lab in sorted(spans)], meta)

    def _save(self) -> None:
        from ogi.annotations import dumps_jsonl, write_bytes_atomic

        reviewed = [e for e in self.entries.values() if e.corrections]
        records, anns = [], []
        for e in reviewed:
            rec = self.record(e.id)
            rec["review"] = {"corrections": e.corrections, "reviewed_at": e.corrections[-1]["time"]}
            records.append(rec)
            if self.source(e.id) is not None:
                anns.append(self.annotation(e.id).to_json())
        self.out_dir.mkdir(parents=True, exist_ok=True)
        write_bytes_atomic(self.out_dir / "records.jsonl", dumps_jsonl(records))
        write_bytes_atomic(self.out_dir / "annotations.jsonl", dumps_jsonl(anns))


# ---------------------------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------------------------

def _resolve(path: Any, base: Path) -> Path | None:
    if not path:
        return None
    p = Path(str(path))
    for cand in ([p] if p.is_absolute() else [base / p, Path.cwd() / p]):
        if cand.is_file():
            return cand
    return None


def _prefill_spans(doc: Document) -> list[tuple[int, int, str]]:
    try:
        from ogi.training.prefill import spans_from_tags
    except ImportError:  # before the training package move
        from ogi.annotate import spans_from_tags  # type: ignore[no-redef]
    return spans_from_tags(doc)


def _norm(value: str) -> str:
    from ogi.normalize import normalize_value

    return normalize_value(value)


def _locate(src: Source, key: str, item: dict[str, Any], value: str, line: int) -> tuple[int, int, str] | None:
    """View offsets of a cell or section: its ``span`` if the record has one, the re-read cell, the line."""
    raw = src.doc.raw
    span = item.get("span")
    if isinstance(span, (list, tuple)) and len(span) == 2:
        s, e = int(span[0]), int(span[1])
        if 0 <= s < e <= len(raw) and _norm(raw[s:e]) in (_norm(value), value):
            return (*src.raw_to_view(s, e), "span")
    if not key.startswith("sec:"):
        cell = src.doc.cells.get(key)
        if cell is not None and cell.value == value and cell.offset in src.seg_end:
            vs, ve = src.text_to_view(cell.offset, src.seg_end[cell.offset])
            i = src.view.find(value, vs, ve)  # the segment may hold junk around the value ("0?")
            return (i, i + len(value), "reread") if i >= 0 else (vs, ve, "reread")
    rng = src.view_line_range(line) if line else None
    if rng is None:
        return None
    s, e = rng
    text = src.view[s:e]
    if value:
        for cand in (value, _norm(value)):
            i = text.find(cand)
            if i >= 0 and cand:
                return s + i, s + i + len(cand), "line"
    return s, e, "line"


def validate_correction(record: dict[str, Any], corr: Any) -> dict[str, Any]:
    """A correction checked against a record; raises ReviewError naming what is wrong."""
    if not isinstance(corr, dict):
        raise ReviewError("a correction is a JSON object")
    action = corr.get("action")
    note = str(corr.get("note") or "")[:MAX_NOTE]
    cells = record.get("cells") or {}
    tpl = str(record.get("template") or "")
    if action == "section":
        secs = record.get("sections") or []
        try:
            index = int(corr.get("index"))
        except (TypeError, ValueError):
            raise ReviewError("a section correction needs the section's index") from None
        if not 0 <= index < len(secs):
            raise ReviewError(f"no section {index}")
        to = str(corr.get("to") or "")
        if to and not (to in schema.SECTION_KEYS or re.fullmatch(r"legacy\.\d+", to)):
            raise ReviewError(f"unknown section key {to!r} (s1..s6, legacy.N, or empty for 'not a heading')")
        return {"action": "section", "index": index, "from": secs[index].get("key"), "to": to, "note": note}
    key = str(corr.get("key") or "")
    if action not in ACTIONS:
        raise ReviewError(f"unknown action {action!r}; one of {', '.join(ACTIONS)}")
    if not schema.is_valid_cell_key(key):
        raise ReviewError(f"unknown cell key {key!r}")
    if action in ("move", "blank") and key not in cells:
        raise ReviewError(f"cell {key!r} has no value to {action}")
    if action == "edit":
        value = _norm(str(corr.get("value") or ""))
        if not value or len(value) > MAX_VALUE:
            raise ReviewError("an edit needs a value of 1 to 200 characters (use 'blank' to clear a cell)")
        return {"action": "edit", "key": key, "from": (cells.get(key) or {}).get("value"), "value": value, "note": note}
    if action == "move":
        to = str(corr.get("to") or "")
        if not schema.is_valid_cell_key(to) or to == key:
            raise ReviewError(f"cannot move {key!r} to {to!r}")
        if tpl in ("2019", "2021") and not to.startswith("legacy.") and to not in schema.all_cell_keys(tpl):
            raise ReviewError(f"{to!r} is not a cell of the {tpl} template")
        return {"action": "move", "key": key, "to": to, "from": cells[key].get("value"), "note": note}
    return {"action": "blank", "key": key, "from": cells[key].get("value"), "note": note}


def _parse_number(value: str) -> float | int | None:
    from ogi.decode import parse_number

    return parse_number(value)


def apply_corrections(record: dict[str, Any], corrections: list[dict[str, Any]]) -> dict[str, Any]:
    """A copy of ``record`` with ``corrections`` applied in order and its checks recomputed."""
    rec = copy.deepcopy(record)
    if not corrections:
        return rec
    cells: dict[str, dict[str, Any]] = rec.setdefault("cells", {})
    secs: list[dict[str, Any]] = rec.setdefault("sections", [])
    for c in corrections:
        a = c["action"]
        if a == "edit":
            old = cells.get(c["key"]) or {}
            cells[c["key"]] = {**old, "value": c["value"], "number": _parse_number(c["value"]), "line": old.get("line"),
                               "confidence": 1.0, "source": "review", "ambiguous": False}
        elif a == "move" and c["key"] in cells:
            cell = cells.pop(c["key"])
            cells[c["to"]] = {**cell, "confidence": 1.0, "source": "review", "ambiguous": False}
        elif a == "blank":
            cells.pop(c["key"], None)
        elif a == "section" and c["index"] < len(secs):
            secs[c["index"]] = {**secs[c["index"]], "key": c["to"] or None, "confidence": 1.0, "source": "review"}
    rec["sections"] = [s for s in secs if s.get("key")] if any(not s.get("key") for s in secs) else secs
    rec["checks"] = _recheck(rec)
    return rec


def _recheck(rec: dict[str, Any]) -> list[dict[str, Any]]:
    """The checks of a corrected record (the printed values as corrected)."""
    from ogi.checks import check

    doc = Document(id=str(rec.get("id")), path=str(rec.get("path")), raw="", text="", raw_offsets=[0], line_map=[1])
    doc.template = str(rec.get("template") or "unknown")
    doc.year = rec.get("year")
    doc.cells = {k: Cell(k, str(v.get("value", "")), v.get("number"), int(v.get("line") or 0), float(v.get("confidence", 1.0)),
                         str(v.get("source", ""))) for k, v in (rec.get("cells") or {}).items()}
    doc.sections = [Section(str(s["key"]), str(s.get("title", "")), int(s.get("line") or 0), 1.0)
                    for s in rec.get("sections") or [] if s.get("key")]
    return [c.to_json() for c in check(doc).checks]


def apply_to_spans(src: Source, record: dict[str, Any], corrections: list[dict[str, Any]]) -> list[tuple[int, int, str]]:
    """The annotation spans of a reviewed report (over ``doc.raw``): the pre-filled spans, every value
    where the record read it, then the corrections.

    A record cell with a ``span`` whose text is its value is labelled there (the record may come from
    another model than the one that pre-fills). edit: the new value is looked up in the source near the
    old span (same line first) and labelled there; a value not printed near the cell drops the old span
    (the corrected record keeps the value). move: the span is relabelled. blank: the span goes. section:
    the heading's span is relabelled or dropped.
    """
    raw = src.doc.raw
    spans = {(s, e): lab for s, e, lab in src.spans}
    where = {lab: pos for pos, lab in spans.items() if lab.startswith("VAL.")}  # a value label is unique
    sec_lines = [int(s.get("line") or 0) for s in record.get("sections") or []]

    def drop_at(pos: tuple[int, int]) -> None:
        lab = spans.pop(pos, None)
        if lab is not None and where.get(lab) == pos:
            del where[lab]

    def drop(label: str) -> tuple[int, int] | None:
        pos = where.get(label)
        if pos is not None:
            drop_at(pos)
        return pos

    def put(pos: tuple[int, int], label: str) -> None:
        if label.startswith("VAL."):
            drop(label)
        for other in [p for p in spans if p[0] < pos[1] and pos[0] < p[1]]:  # spans never overlap
            drop_at(other)
        spans[pos] = label
        if label.startswith("VAL."):
            where[label] = pos

    for key, cell in (record.get("cells") or {}).items():
        sp = cell.get("span")
        if not (isinstance(sp, (list, tuple)) and len(sp) == 2):
            continue
        s, e = int(sp[0]), int(sp[1])
        if 0 <= s < e <= len(raw) and _norm(raw[s:e]) == _norm(str(cell.get("value", ""))) and spans.get((s, e)) != f"VAL.{key}":
            put((s, e), f"VAL.{key}")

    for c in corrections:
        a = c["action"]
        if a == "section":
            line = sec_lines[c["index"]] if c["index"] < len(sec_lines) else 0
            cands = sorted(p for p, lab in spans.items() if lab.startswith("SEC.") and _line_of(raw, p[0]) == line)
            if cands:
                drop_at(cands[0])
                if c["to"]:
                    put(cands[0], f"SEC.{c['to']}")
            continue
        label = f"VAL.{c['key']}"
        if a == "blank":
            drop(label)
        elif a == "move":
            pos = drop(label)
            if pos is not None:
                put(pos, f"VAL.{c['to']}")
        elif a == "edit":
            old = drop(label)
            cell = (record.get("cells") or {}).get(c["key"]) or {}
            pos = _find_value(src, c["value"], old, int(cell.get("line") or 0))
            if pos is not None:
                put(pos, label)
    return sorted((s, e, lab) for (s, e), lab in spans.items())


def _line_of(text: str, offset: int) -> int:
    return len(re.findall(r"\r\n|\r|\n", text[:offset])) + 1


def _find_value(src: Source, value: str, near: tuple[int, int] | None, line: int) -> tuple[int, int] | None:
    """Raw offsets of the printed ``value`` near a cell: on the old span's line (or the cell's line) first,
    then within 200 characters. Searched in the normalised text (full-width digits, traditional script),
    mapped back to the raw text."""
    doc = src.doc
    text = doc.text
    if near is not None:
        anchor = bisect.bisect_left(doc.raw_offsets, near[0], 0, len(doc.raw_offsets) - 1)
    elif line:
        rng = None
        for i in range(len(doc.line_map)):
            if doc.source_line(i) == line:
                rng = i
                break
        if rng is None:
            return None
        anchor = 0
        for _ in range(rng):
            anchor = text.index("\n", anchor) + 1
    else:
        return None
    ls = text.rfind("\n", 0, anchor) + 1
    le = text.find("\n", anchor)
    le = len(text) if le < 0 else le
    for lo, hi in ((ls, le), (max(0, anchor - 200), min(len(text), anchor + 200))):
        best: tuple[int, int] | None = None
        for m in re.finditer(re.escape(value), text[lo:hi]):
            s = lo + m.start()
            if best is None or abs(s - anchor) < best[0]:
                best = (abs(s - anchor), s)
        if best is not None:
            return doc.raw_span(best[1], best[1] + len(value))
    return None
