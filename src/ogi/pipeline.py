"""The pipeline: read → segment → detect → tag → decode → check, one Document at a time."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from ogi.checks import check
from ogi.context import detect
from ogi.data import Document
from ogi.decode import decode
from ogi.errors import DocumentLoadError
from ogi.metadata import annotate, record_fields
from ogi.readers import read
from ogi.segment import segment
from ogi.taggers.base import Tagger
from ogi.units import apply_units

log = logging.getLogger(__name__)


def process(doc: Document, tagger: Tagger) -> Document:
    """Run the stages after reading on one document; errors are recorded on it, never raised."""
    try:
        segment(doc)
        detect(doc)
        tagger.tag([doc])
        decode(doc)
        apply_units(doc.cells)  # numbers in one unit per column before the checks read them
        annotate(doc)  # title, agency, published date, spans
        check(doc)
    except Exception as exc:  # an internal defect: keep the batch going, say what happened
        log.exception("internal error on %s", doc.path)
        doc.errors.append(f"internal error: {type(exc).__name__}: {exc}")
    if not doc.sections and not doc.cells and not doc.errors:
        doc.errors.append("no report structure found: no section headings and no table cells")
    elif doc.template == "unknown" and not doc.errors:
        doc.errors.append("template unknown: no template tables, no 统计表 and no report year found")
    doc.determine_status()
    return doc


def failed_record(path: str, reason: str, model: dict[str, str]) -> dict[str, Any]:
    """The record of an input that could not be read."""
    return {
        "id": Path(path).stem,
        "path": path,
        "status": "failed",
        "errors": [reason],
        "template": "unknown",
        "year": None,
        "sections": [],
        "cells": {},
        "checks": [],
        "model": model,
    }


def to_record(doc: Document, model: dict[str, str]) -> dict[str, Any]:
    """The SCHEMA.md output record of a processed document (title, agency, published only when known)."""
    return {
        "id": doc.id,
        "path": doc.path,
        "status": doc.status,
        "errors": list(doc.errors),
        "template": doc.template,
        "year": doc.year,
        **record_fields(doc),
        "sections": [s.to_json() for s in doc.sections],
        "cells": {k: c.to_json() for k, c in doc.cells.items()},
        "checks": [c.to_json() for c in doc.checks],
        "model": model,
    }


def tag_path(path: str | Path, tagger: Tagger) -> dict[str, Any]:
    """Read, process and return the record of one file; bad input gives a failed record."""
    model = tagger.describe()
    try:
        doc = read(path)
    except DocumentLoadError as exc:
        return failed_record(str(path), exc.reason, model)
    except MemoryError:
        return failed_record(str(path), "out of memory while reading", model)
    return to_record(process(doc, tagger), model)
