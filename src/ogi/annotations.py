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

import hashlib
import json
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ogi.normalize import normalize, normalize_value
from ogi.schema import is_valid_span_label

PathLike = str | os.PathLike

SPLITS = ("train", "dev", "test")
_NEWLINE = re.compile(r"\r\n|\r|\n")


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
                out[s.label[4:]] = normalize_value(self.span_text(s))
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


def to_label_studio(reports: Iterable[AnnotatedReport], *, utf16: bool = False) -> list[dict[str, Any]]:
    """Label Studio tasks (``data.text`` + one annotation of ``labels`` results).

    ``utf16=True`` writes offsets in UTF-16 code units (what the browser front end counts) instead of
    Python code points; the two differ only for characters outside the BMP.
    """
    tasks = []
    for rep in reports:
        fwd = _utf16_index(rep.text)[0] if utf16 else None
        result = []
        for k, s in enumerate(sorted(rep.spans)):
            start, end = (fwd[s.start], fwd[s.end]) if fwd else (s.start, s.end)
            result.append({
                "id": f"{rep.id}_{k}",
                "from_name": "label",
                "to_name": "text",
                "type": "labels",
                "value": {"start": start, "end": end, "text": rep.text[s.start : s.end], "labels": [s.label]},
            })
        tasks.append({"data": {"text": rep.text, "id": rep.id, "meta": rep.meta}, "annotations": [{"result": result}]})
    return tasks


def from_label_studio(tasks: Any, *, utf16: bool = False) -> list[AnnotatedReport]:
    """Reports from Label Studio tasks (a list, or a path to a JSON export / JSONL file).

    The first annotation of each task is taken (``completions`` of old exports too); results other
    than ``labels`` are ignored; a result with several labels gives one span per label.
    """
    out = []
    for n, task in enumerate(_load_json_or_jsonl(tasks)):
        data = task.get("data") or {}
        text = data.get("text", "")
        inv = _utf16_index(text)[1] if utf16 else None
        anns = task.get("annotations") or task.get("completions") or [{}]
        spans = []
        for res in anns[0].get("result") or []:
            if res.get("type", "labels") != "labels":
                continue
            v = res.get("value") or {}
            start, end = int(v["start"]), int(v["end"])
            if inv is not None:
                start, end = inv[start], inv[end]
            spans += [Span(start, end, lab) for lab in v.get("labels") or []]
        rid = str(data.get("id") or task.get("id") or f"ls_{n}")
        out.append(AnnotatedReport(rid, text, sorted(spans), dict(data.get("meta") or {})))
    return out


def to_doccano(reports: Iterable[AnnotatedReport]) -> list[dict[str, Any]]:
    """doccano sequence-labelling records: ``{"id", "text", "label": [[start, end, label], ...], "meta"}``."""
    return [
        {"id": r.id, "text": r.text, "label": [[s.start, s.end, s.label] for s in sorted(r.spans)], "meta": r.meta}
        for r in reports
    ]


def from_doccano(records: Any) -> list[AnnotatedReport]:
    """Reports from doccano records (a list, or a path to a JSONL export). ``entities`` is read too."""
    out = []
    for n, rec in enumerate(_load_json_or_jsonl(records)):
        spans = []
        for item in rec.get("label") or []:
            if isinstance(item, dict):
                spans.append(Span(int(item["start_offset"]), int(item["end_offset"]), str(item["label"])))
            else:
                spans.append(Span(int(item[0]), int(item[1]), str(item[2])))
        for ent in rec.get("entities") or []:
            spans.append(Span(int(ent["start_offset"]), int(ent["end_offset"]), str(ent["label"])))
        meta = rec.get("meta") if isinstance(rec.get("meta"), dict) else {}
        out.append(AnnotatedReport(str(rec.get("id", f"doccano_{n}")), rec["text"], sorted(spans), dict(meta)))
    return out
