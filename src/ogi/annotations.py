"""The annotated-corpus format: one reader/writer, validation, Label Studio and doccano conversion.

Format (JSONL, one report per line, UTF-8, ``ensure_ascii=False``)::

    {"id": "synth_2019_000001",
     "text": "<the exact raw text: CRLF, full-width digits, junk and all>",
     "spans": [{"start": 0, "end": 6, "label": "SEC.s1"}, ...],
     "meta": {"template": "2019", "year": 2019, "layout": "pipe_rows", "script": "simplified",
              "source": "synthetic", "split": "train", "format": "text"}}

``start``/``end`` are Python ``str`` indices into ``text`` (end exclusive). Labels are the annotation
labels of :mod:`ogi.schema` (its module docstring); text outside every span is ``O``.
"""

from __future__ import annotations

import bisect
import hashlib
import json
import logging
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ogi.errors import AnnotationError
from ogi.normalize import normalize, normalize_value
from ogi.schema import is_valid_span_label

PathLike = str | os.PathLike
log = logging.getLogger(__name__)

SPLITS = ("train", "dev", "test")
_NEWLINE = re.compile(r"\r\n|\r|\n")
_LINE_BREAK = re.compile(r"[ \t]*(?:\r\n|\r|\n)[ \t]*")


@dataclass(frozen=True, order=True)
class Span:
    """A labelled stretch ``text[start:end]`` of a report."""

    start: int
    end: int
    label: str

    def to_json(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "label": self.label}


@dataclass
class AnnotatedReport:
    """One annotated report: the exact raw text, its spans and its metadata."""

    id: str
    text: str
    spans: list[Span] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)

    def span_text(self, span: Span) -> str:
        return self.text[span.start : span.end]

    def line_of(self, offset: int) -> int:
        """1-based line of a char offset (CRLF, CR and LF all end a line)."""
        return len(_NEWLINE.findall(self.text, 0, offset)) + 1

    def gold_cells(self) -> dict[str, str]:
        """``{cell key: normalised value}`` for every ``VAL.<key>`` span (the last one wins on repeats)."""
        out: dict[str, str] = {}
        for s in sorted(self.spans):
            if s.label.startswith("VAL."):
                # a number broken over lines ("1" / "62") is one value: drop the line break
                out[s.label[4:]] = normalize_value(_LINE_BREAK.sub("", self.span_text(s)))
        return out

    def gold_sections(self) -> list[tuple[str, int]]:
        """``[(section key, 1-based line)]`` for every ``SEC.<key>`` span, in text order."""
        return [(s.label[4:], self.line_of(s.start)) for s in sorted(self.spans) if s.label.startswith("SEC.")]

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "text": self.text,
            "spans": [s.to_json() for s in sorted(self.spans)],
            "meta": self.meta,
        }

    @classmethod
    def from_json(cls, obj: dict[str, Any]) -> AnnotatedReport:
        spans = [Span(int(s["start"]), int(s["end"]), str(s["label"])) for s in obj.get("spans") or []]
        return cls(str(obj["id"]), obj["text"], spans, dict(obj.get("meta") or {}))


# ---------------------------------------------------------------------------------------------
# Reading and writing
# ---------------------------------------------------------------------------------------------

def _expand(paths: PathLike | Iterable[PathLike]) -> list[Path]:
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    out: list[Path] = []
    for p in paths:
        p = Path(p)
        if p.is_dir():
            out += sorted(p.glob("*.jsonl"))
        else:
            out.append(p)
    return out


def _iter_jsonl(path: Path) -> Iterator[tuple[int, Any]]:
    """``(1-based line, parsed object)`` of a JSONL file read as bytes (no newline translation)."""
    data = path.read_bytes()
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    for n, line in enumerate(data.split(b"\n"), 1):
        if line.strip():
            yield n, json.loads(line.decode("utf-8"))


def read_annotations(path_or_paths: PathLike | Iterable[PathLike]) -> list[AnnotatedReport]:
    """Read reports from a JSONL file, a directory of ``*.jsonl`` files, or a list of either."""
    return [AnnotatedReport.from_json(obj) for p in _expand(path_or_paths) for _, obj in _iter_jsonl(p)]


def dumps_jsonl(records: Iterable[dict[str, Any]]) -> bytes:
    """JSONL bytes: one compact ``ensure_ascii=False`` object a line (newlines in strings are escaped)."""
    return b"".join(json.dumps(r, ensure_ascii=False).encode("utf-8") + b"\n" for r in records)


def write_bytes_atomic(path: PathLike, data: bytes) -> None:
    """Write a file atomically (``ogi.output.atomic_open``: a temporary file beside it, then a rename)."""
    from ogi.output import atomic_open

    with atomic_open(path, "wb") as fh:
        fh.write(data)


def write_annotations(reports: Iterable[AnnotatedReport], path: PathLike) -> None:
    """Write reports as JSONL, atomically."""
    write_bytes_atomic(path, dumps_jsonl(r.to_json() for r in reports))


# ---------------------------------------------------------------------------------------------
# Validation
# ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Problem:
    """A defect of an annotation file: where, which report, what (``code`` is machine-readable)."""

    file: str
    report_id: str
    message: str
    code: str = ""

    def __str__(self) -> str:
        return f"{self.file}: {self.report_id}: {self.message}"


def text_fingerprint(text: str) -> str:
    """Hash of a text after normalisation and removal of all whitespace (for split-leak detection)."""
    norm = re.sub(r"\s+", "", normalize(text)[0])
    return hashlib.sha1(norm.encode("utf-8")).hexdigest()


def validate_report(report: AnnotatedReport, file: str = "") -> list[Problem]:
    """Problems of one report in isolation."""
    out: list[Problem] = []

    def add(code: str, msg: str) -> None:
        out.append(Problem(file, report.id, msg, code))

    if not isinstance(report.text, str) or not report.text.strip():
        add("empty_document", "empty document")
        return out
    n = len(report.text)
    good: list[Span] = []
    for s in report.spans:
        if not is_valid_span_label(s.label):
            add("unknown_label", f"unknown label {s.label!r} at {s.start}-{s.end}")
        if s.start < 0 or s.end > n or s.start > s.end:
            add("bad_range", f"span {s.start}-{s.end} {s.label} out of range or inverted (text length {n})")
            continue
        if not report.text[s.start : s.end].strip():
            add("empty_span", f"span {s.start}-{s.end} {s.label} is empty or whitespace only")
            continue
        good.append(s)
    good.sort()
    for a, b in zip(good, good[1:]):
        if b.start < a.end:
            add("overlap", f"spans overlap: {a.start}-{a.end} {a.label} and {b.start}-{b.end} {b.label}")
    split = report.meta.get("split")
    if split is not None and split not in SPLITS:
        add("bad_split", f"unknown split {split!r}")
    return out


def validate_reports(items: Iterable[tuple[str, AnnotatedReport]]) -> list[Problem]:
    """Problems of ``(file, report)`` pairs: per report, duplicate ids and texts shared across splits."""
    out: list[Problem] = []
    seen_ids: dict[str, str] = {}
    by_hash: dict[str, list[tuple[str, str, str]]] = {}
    for file, rep in items:
        out += validate_report(rep, file)
        if rep.id in seen_ids:
            out.append(Problem(file, rep.id, f"duplicate id (first in {seen_ids[rep.id]})", "duplicate_id"))
        else:
            seen_ids[rep.id] = file
        if isinstance(rep.text, str) and rep.text.strip():
            split = str(rep.meta.get("split") or "")
            by_hash.setdefault(text_fingerprint(rep.text), []).append((split, file, rep.id))
    for entries in by_hash.values():
        splits = sorted({s for s, _, _ in entries if s})
        if len(splits) > 1:
            names = ", ".join(f"{rid} ({s})" for s, _, rid in entries)
            for split, file, rid in entries:
                out.append(Problem(file, rid, f"same text in splits {'/'.join(splits)}: {names}", "split_overlap"))
    return out


def validate(paths: PathLike | Iterable[PathLike]) -> list[Problem]:
    """Validate annotation files (or directories of ``*.jsonl``); returns every problem found.

    Checks: unparsable lines, unknown labels, out-of-range or inverted spans, empty or whitespace-only
    span text, overlapping spans, empty documents, duplicate ids, and the same (normalised) text in
    two splits (train/test, dev/test or train/dev).
    """
    items: list[tuple[str, AnnotatedReport]] = []
    problems: list[Problem] = []
    for p in _expand(paths):
        try:
            for n, obj in _iter_jsonl(p):
                try:
                    items.append((str(p), AnnotatedReport.from_json(obj)))
                except (KeyError, TypeError, ValueError) as exc:
                    rid = str(obj.get("id", f"line {n}")) if isinstance(obj, dict) else f"line {n}"
                    problems.append(Problem(str(p), rid, f"line {n}: malformed record: {exc!r}", "malformed"))
        except (OSError, ValueError) as exc:
            problems.append(Problem(str(p), "", f"unreadable: {exc}", "unreadable"))
    return problems + validate_reports(items)


# ---------------------------------------------------------------------------------------------
# Label Studio and doccano
# ---------------------------------------------------------------------------------------------
#
# What the tools get: the text a person should read. A text report goes with its line ends made LF
# (Label Studio's front end and doccano count a CRLF as one character, which shifted every later
# offset), an HTML report as its rendered text (not the markup), both with the original in
# ``data.ogi_raw`` so that importing maps the offsets back exactly. Pre-filled spans are
# ``predictions`` (a Label Studio task with ``annotations`` counts as done); importing takes the
# latest non-cancelled annotation of each task. The labeling config groups the labels into panels
# with a filter box each, so several hundred labels stay usable.

LS_MODEL_VERSION = "ogi-prefill"
_LS_TEXT = "text"


def _utf16_index(text: str) -> tuple[list[int], dict[int, int]]:
    """Python index → UTF-16 code-unit index (list), and its inverse (dict)."""
    fwd = [0] * (len(text) + 1)
    pos = 0
    for i, ch in enumerate(text):
        fwd[i] = pos
        pos += 2 if ord(ch) > 0xFFFF else 1
    fwd[len(text)] = pos
    return fwd, {u: i for i, u in enumerate(fwd)}


def _load_json_or_jsonl(src: Any) -> list[dict[str, Any]]:
    if isinstance(src, (str, os.PathLike)):
        data = Path(src).read_bytes().decode("utf-8-sig")
        stripped = data.lstrip()
        if stripped.startswith("["):
            return json.loads(data)
        return [json.loads(line) for line in data.split("\n") if line.strip()]
    return list(src)


@dataclass
class _View:
    """The text shown in an annotation tool and the map back to the report's raw text.

    ``to_raw[i]``: raw offset of shown char ``i`` (one entry past the end: ``len(raw)``).
    """

    shown: str
    to_raw: list[int]
    raw: str

    def raw_span(self, start: int, end: int) -> tuple[int, int]:
        """Raw offsets of a shown span (an HTML entity at the end is taken whole)."""
        if start >= end:
            return self.to_raw[start], self.to_raw[start]
        rs, re_ = self.to_raw[start], self.to_raw[end - 1] + 1
        if self.raw[re_ - 1 : re_] == "&":
            semi = self.raw.find(";", re_, re_ + 12)
            re_ = semi + 1 if semi >= 0 else re_
        return rs, re_

    def shown_span(self, start: int, end: int) -> tuple[int, int]:
        """Shown offsets of a raw span."""
        n = len(self.shown)
        s = bisect.bisect_left(self.to_raw, start, 0, n)
        e = bisect.bisect_left(self.to_raw, end, 0, n)
        return s, max(s, e)


def _lf_view(raw: str) -> _View:
    parts: list[str] = []
    idx: list[int] = []
    i = 0
    while i < len(raw):
        ch = raw[i]
        if ch == "\r":
            parts.append("\n")
            idx.append(i)
            i += 2 if raw[i + 1 : i + 2] == "\n" else 1
            continue
        parts.append(ch)
        idx.append(i)
        i += 1
    idx.append(len(raw))
    return _View("".join(parts), idx, raw)


def _html_view(raw: str, rid: str) -> _View | None:
    from ogi.errors import DocumentLoadError
    from ogi.readers.html import read_html

    try:  # the BOM makes the reader decode UTF-8 whatever charset the page's <meta> claims
        doc = read_html(Path(f"{rid}.html"), b"\xef\xbb\xbf" + raw.encode("utf-8"))
    except DocumentLoadError:
        return None
    if doc.raw != raw:
        return None
    offs = list(doc.raw_offsets[: len(doc.text)]) + [len(raw)]
    return _View(doc.text, offs, raw)


def tool_view(rep: AnnotatedReport) -> _View:
    """What an annotation tool shows of a report: rendered text for HTML, LF line ends for text."""
    if rep.meta.get("format") == "html":
        view = _html_view(rep.text, rep.id)
        if view is not None:
            return view
    return _lf_view(rep.text)


def _restore(data: dict[str, Any], shown: str, rid: str) -> _View:
    raw = data.get("ogi_raw")
    if not isinstance(raw, str):
        return _View(shown, list(range(len(shown) + 1)), shown)
    meta = data.get("meta") if isinstance(data.get("meta"), dict) else {}
    view = _html_view(raw, rid) if meta.get("format") == "html" else _lf_view(raw)
    if view is None or view.shown != shown:
        raise AnnotationError(f"task {rid}: the text differs from the one exported (edited in the tool?); cannot map offsets")
    return view


def label_groups(extra: Iterable[str] = ()) -> list[tuple[str, str, list[str]]]:
    """The labeling config's panels: ``(control name, heading, labels)``; every label of the schema once.

    ``extra``: labels seen in the data that the schema does not enumerate (legacy rows and values,
    legacy sections past 20), put in the legacy panel.
    """
    from ogi import schema

    keys = list(dict.fromkeys(schema.all_cell_keys("2019") + schema.all_cell_keys("2021")))
    t3_groups = [
        ("t3v_new", "表三 值: 新收 / 结转", ("new_received", "carried_over")),
        ("t3v_granted", "表三 值: 予以公开 / 部分公开", ("granted", "partial")),
        ("t3v_denied", "表三 值: （三）不予公开", ("denied.",)),
        ("t3v_unavailable", "表三 值: （四）无法提供", ("unavailable.",)),
        ("t3v_not_processed", "表三 值: （五）不予处理", ("not_processed.",)),
        ("t3v_other", "表三 值: （六）其他处理", ("other",)),
        ("t3v_total", "表三 值: 总计 / 结转下年度", ("total_processed", "carried_forward")),
    ]
    groups: list[tuple[str, str, list[str]]] = [
        ("sec", "章节 sections", [f"SEC.{k}" for k in schema.SECTION_KEYS] + [f"SEC.legacy.{n}" for n in range(1, 21)]),
        ("furniture", "表头 headers and units", ["HDR", "UNIT"]),
        ("t2", "表二 blocks, rows, columns", [f"BLK.{b.key}" for b in schema.T2_BLOCKS]
         + [f"ROW.t2.{r.key}" for b in schema.T2_BLOCKS for r in b.rows] + [f"COL.t2.{k}" for k in schema.T2_COLUMNS]),
        ("t2v", "表二 值 values", [f"VAL.{k}" for k in keys if k.startswith("t2.")]),
        ("t3", "表三 rows and columns", [f"ROW.t3.{k}" for k in schema.T3_ROW_KEYS] + [f"COL.t3.{k}" for k in schema.T3_COL_KEYS]),
    ]
    t3_keys = [k for k in keys if k.startswith("t3.")]
    for name, head, prefixes in t3_groups:
        mine = [k for k in t3_keys if any(k[3:] == p or k[3:].startswith(p + ".") or (p.endswith(".") and k[3:].startswith(p))
                                          for p in prefixes)]
        t3_keys = [k for k in t3_keys if k not in mine]
        groups.append((name, head, [f"VAL.{k}" for k in mine]))
    if t3_keys:
        groups.append(("t3v_rest", "表三 值: others", [f"VAL.{k}" for k in t3_keys]))
    groups.append(("t4", "表四 复议、诉讼", [f"COL.t4.{g}" for g in schema.T4_GROUP_KEYS] + [f"COL.t4.{c}" for c in schema.T4_COL_KEYS]
                   + [f"VAL.{k}" for k in keys if k.startswith("t4.")]))
    known = {lab for _, _, labs in groups for lab in labs}
    legacy = sorted({lab for lab in extra if lab not in known and lab != "O"})
    groups.append(("legacy", "统计表 legacy rows and values", legacy))
    return [g for g in groups if g[2]]


def _label_hint(label: str) -> str:
    from ogi import schema

    kind, _, rest = label.partition(".")
    if kind == "VAL" and not rest.startswith("legacy."):
        try:
            from ogi.review.layout import cell_label
        except ImportError:  # the review extra is not installed: the key says enough
            return rest
        return cell_label(rest)
    if kind == "SEC" and rest in schema.SECTION_TITLES:
        return schema.SECTION_TITLES[rest]
    return rest


_PALETTE = {"SEC": "#e57373", "HDR": "#b0bec5", "UNIT": "#b0bec5", "BLK": "#ffb74d", "ROW": "#ba68c8", "COL": "#ffd54f", "VAL": "#81c784"}


def label_studio_config(extra_labels: Iterable[str] = ()) -> str:
    """A Label Studio labeling config for the ogi labels.

    One ``<Labels>`` control per panel (sections, headers, table 2, table-3 row groups, table 4,
    legacy), each in a collapsible ``<Panel>`` with a ``<Filter>`` box; every label has a hint with its
    Chinese name. The text keeps its line breaks (``white-space: pre-wrap``).
    """
    from xml.sax.saxutils import quoteattr

    out = [
        "<View>",
        "  <Style>.ogi-text, .ogi-text .lsf-htx-richtext, .ogi-text .htx-richtext { white-space: pre-wrap; }</Style>",
        '  <Header value="政府信息公开工作年度报告: select a stretch of text, then its label"/>',
        '  <View className="ogi-text" style="white-space: pre-wrap; max-height: 70vh; overflow-y: auto">',
        f'    <Text name="{_LS_TEXT}" value="$text" granularity="symbol"/>',
        "  </View>",
        "  <Collapse>",
    ]
    for name, head, labels in label_groups(extra_labels):
        out.append(f"    <Panel value={quoteattr(head)}>")
        out.append(f'      <Filter name="filter_{name}" toName="{name}" minlength="0" placeholder="filter labels"/>')
        out.append(f'      <Labels name="{name}" toName="{_LS_TEXT}" showInline="true">')
        for lab in labels:
            color = _PALETTE.get(lab.split(".", 1)[0], "#90a4ae")
            out.append(f"        <Label value={quoteattr(lab)} hint={quoteattr(_label_hint(lab))} background=\"{color}\"/>")
        out.append("      </Labels>")
        out.append("    </Panel>")
    out += ["  </Collapse>", "</View>"]
    return "\n".join(out) + "\n"


def to_label_studio(reports: Iterable[AnnotatedReport], *, utf16: bool = False) -> list[dict[str, Any]]:
    """Label Studio tasks: ``data.text`` to read, the pre-filled spans as ``predictions``.

    Each result names the control of its label's panel (:func:`label_groups`). ``utf16=True`` writes
    offsets in UTF-16 code units instead of Python code points (they differ only for characters
    outside the BMP).
    """
    reports = list(reports)
    control = {lab: name for name, _, labs in label_groups({s.label for r in reports for s in r.spans}) for lab in labs}
    tasks = []
    for rep in reports:
        view = tool_view(rep)
        fwd = _utf16_index(view.shown)[0] if utf16 else None
        result = []
        for k, s in enumerate(sorted(rep.spans)):
            vs, ve = view.shown_span(s.start, s.end)
            start, end = (fwd[vs], fwd[ve]) if fwd else (vs, ve)
            result.append({
                "id": f"{rep.id}_{k}",
                "from_name": control.get(s.label, "legacy"),
                "to_name": _LS_TEXT,
                "type": "labels",
                "origin": "prediction",
                "value": {"start": start, "end": end, "text": view.shown[vs:ve], "labels": [s.label]},
            })
        data: dict[str, Any] = {"text": view.shown, "id": rep.id, "meta": rep.meta}
        if view.shown != rep.text:
            data["ogi_raw"] = rep.text
        tasks.append({
            "data": data,
            "predictions": [{"model_version": str(rep.meta.get("prefilled_by") or LS_MODEL_VERSION), "result": result}],
        })
    return tasks


def _latest(annotations: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The latest non-cancelled annotation (by ``updated_at``, then ``created_at``, then ``id``)."""
    live = [a for a in annotations if isinstance(a, dict) and not a.get("was_cancelled")]
    if not live:
        return None
    return max(enumerate(live), key=lambda ia: (str(ia[1].get("updated_at") or ia[1].get("created_at") or ""),
                                                 _num(ia[1].get("id")), ia[0]))[1]


def _num(x: Any) -> float:
    try:
        return float(x)
    except (TypeError, ValueError):
        return -1.0


def from_label_studio(tasks: Any, *, utf16: bool = False, use_predictions: bool = False) -> list[AnnotatedReport]:
    """Reports from Label Studio tasks (a list, or a path to a JSON export / JSONL file).

    The latest non-cancelled annotation of each task is read (``completions`` of old exports too);
    tasks nobody annotated are left out, unless ``use_predictions`` (then their latest prediction is
    taken). Results other than ``labels`` are ignored; a result with several labels gives one span per
    label. Offsets are mapped back to the report's raw text (CRLF, HTML source).
    """
    out = []
    for n, task in enumerate(_load_json_or_jsonl(tasks)):
        data = task.get("data") or {}
        shown = data.get(_LS_TEXT, "")
        rid = str(data.get("id") or task.get("id") or f"ls_{n}")
        ann = _latest(list(task.get("annotations") or task.get("completions") or []))
        if ann is None and use_predictions and task.get("predictions"):
            ann = task["predictions"][-1]
        if ann is None:
            log.info("task %s has no annotation: left out", rid)
            continue
        view = _restore(data, shown, rid)
        inv = _utf16_index(shown)[1] if utf16 else None
        spans = []
        for res in ann.get("result") or []:
            if res.get("type", "labels") != "labels":
                continue
            v = res.get("value") or {}
            start, end = int(v["start"]), int(v["end"])
            if inv is not None:
                start, end = inv[start], inv[end]
            if not 0 <= start <= end <= len(shown):
                raise AnnotationError(f"task {rid}: span {start}-{end} outside its text ({len(shown)} chars)")
            rs, re_ = view.raw_span(start, end)
            spans += [Span(rs, re_, lab) for lab in v.get("labels") or []]
        out.append(AnnotatedReport(rid, view.raw, sorted(spans), dict(data.get("meta") or {})))
    return out


def export_label_studio(reports: Iterable[AnnotatedReport], folder: PathLike, *, utf16: bool = False) -> tuple[Path, Path]:
    """Write ``tasks.json`` and ``config.xml`` (the labeling config) into ``folder``; returns both paths."""
    reports = list(reports)
    folder = Path(folder)
    tasks = to_label_studio(reports, utf16=utf16)
    config = label_studio_config({s.label for r in reports for s in r.spans})
    write_bytes_atomic(folder / "tasks.json", json.dumps(tasks, ensure_ascii=False, indent=1).encode("utf-8"))
    write_bytes_atomic(folder / "config.xml", config.encode("utf-8"))
    return folder / "tasks.json", folder / "config.xml"


def to_doccano(reports: Iterable[AnnotatedReport]) -> list[dict[str, Any]]:
    """doccano sequence-labelling records: ``{"id", "text", "label": [[start, end, label], ...], "meta"}``.

    As for Label Studio, the text is what a person reads (LF line ends, HTML rendered) and
    ``ogi_raw`` keeps the original when the two differ.
    """
    out = []
    for r in reports:
        view = tool_view(r)
        rec: dict[str, Any] = {"id": r.id, "text": view.shown,
                               "label": [[*view.shown_span(s.start, s.end), s.label] for s in sorted(r.spans)], "meta": r.meta}
        if view.shown != r.text:
            rec["ogi_raw"] = r.text
        out.append(rec)
    return out


def from_doccano(records: Any) -> list[AnnotatedReport]:
    """Reports from doccano records (a list, or a path to a JSONL export). ``entities`` is read too."""
    out = []
    for n, rec in enumerate(_load_json_or_jsonl(records)):
        rid = str(rec.get("id", f"doccano_{n}"))
        meta = rec.get("meta") if isinstance(rec.get("meta"), dict) else {}
        view = _restore({"ogi_raw": rec.get("ogi_raw"), "meta": meta}, rec["text"], rid)
        raw_spans = []
        for item in rec.get("label") or []:
            if isinstance(item, dict):
                raw_spans.append((int(item["start_offset"]), int(item["end_offset"]), str(item["label"])))
            else:
                raw_spans.append((int(item[0]), int(item[1]), str(item[2])))
        for ent in rec.get("entities") or []:
            raw_spans.append((int(ent["start_offset"]), int(ent["end_offset"]), str(ent["label"])))
        spans = [Span(*view.raw_span(s, e), lab) for s, e, lab in raw_spans]
        out.append(AnnotatedReport(rid, view.raw, sorted(spans), dict(meta)))
    return out


def export_doccano(reports: Iterable[AnnotatedReport], folder: PathLike) -> tuple[Path, Path]:
    """Write ``tasks.jsonl`` and ``labels.json`` (doccano's label import: text, colours) into ``folder``."""
    reports = list(reports)
    folder = Path(folder)
    labels = [{"text": lab, "background_color": _PALETTE.get(lab.split(".", 1)[0], "#90a4ae"), "text_color": "#000000"}
              for _, _, labs in label_groups({s.label for r in reports for s in r.spans}) for lab in labs]
    write_bytes_atomic(folder / "tasks.jsonl", dumps_jsonl(to_doccano(reports)))
    write_bytes_atomic(folder / "labels.json", json.dumps(labels, ensure_ascii=False, indent=1).encode("utf-8"))
    return folder / "tasks.jsonl", folder / "labels.json"
