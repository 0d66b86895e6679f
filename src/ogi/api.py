"""The Python API: tag one report or a batch, get SCHEMA.md records.

    >>> import ogi
    >>> rec = ogi.tag("report.txt")                    # a path (str or Path), or the report's text
    >>> rec["agency"], rec["cells"]["t3.new_received.total"]["number"]

``tag`` and ``tag_many`` load a model once per name and keep it for the process. Records are plain
dicts (JSON-ready), typed as ``Record`` for editors and type checkers.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypedDict

if TYPE_CHECKING:
    from ogi.taggers.base import Tagger

# A str at most this long, on one line, naming an existing file or ending in a report suffix (.txt,
# .html, .pdf …), is a path; anything else is the report's text.
_MAX_PATH = 4096
_REPORT_SUFFIXES = frozenset({".txt", ".text", ".md", ".html", ".htm", ".shtml", ".xhtml", ".pdf", ".docx", ".doc", ".wps"})


class CellRecord(TypedDict, total=False):
    """A cell of a record (SCHEMA.md): ``number`` in its column's unit (amounts in 万元), ``span`` in the reader's text."""

    value: str
    number: int | float | None
    line: int
    confidence: float
    source: str
    ambiguous: bool
    span: list[int]


class Record(TypedDict, total=False):
    """One report as ``ogi tag`` writes it (SCHEMA.md); title, agency, published only when found."""

    id: str
    path: str
    status: str
    errors: list[str]
    template: str
    year: int | None
    title: str
    agency: str
    published: str
    sections: list[dict[str, Any]]
    cells: dict[str, CellRecord]
    checks: list[dict[str, Any]]
    model: dict[str, str]


@lru_cache(maxsize=4)
def _tagger(model: str) -> Tagger:
    from ogi.taggers import load_tagger

    return load_tagger(model)


def _is_path(source: str | Path) -> bool:
    if isinstance(source, Path):
        return True
    if len(source) > _MAX_PATH or "\n" in source:
        return False
    p = Path(source)
    return p.suffix.lower() in _REPORT_SUFFIXES or p.is_file()


def tag(source: str | Path, model: str = "default", *, doc_id: str | None = None) -> Record:
    """Tag one report and return its record.

    Args:
        source: a file path (``Path``, or a one-line ``str`` naming an existing file or ending in a
            report suffix: .txt, .html, .pdf, .docx …), or the report's text itself (any other ``str``).
        model: ``default``, ``crf``, ``rules``, ``transformer`` or a model directory (as ``ogi tag --model``).
        doc_id: the record's ``id`` for text input (default: ``text_`` + a hash of the text); a file's id
            is its name without the suffix.

    Returns:
        The SCHEMA.md record. Bad input (a missing, empty or unreadable file) gives a ``failed`` record
        whose ``errors`` say why; nothing is raised for it.

    Raises:
        ogi.errors.ModelLoadError: the model cannot be found or loaded.
    """
    from ogi.pipeline import process, tag_path, to_record

    tagger = _tagger(model)
    if _is_path(source):
        return tag_path(source, tagger)  # type: ignore[return-value]
    from ogi.readers.text import document_from_text

    text = str(source)
    rid = doc_id or "text_" + hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]
    doc = document_from_text(text, "<text>", rid)
    return to_record(process(doc, tagger), tagger.describe())  # type: ignore[return-value]


def tag_many(sources: Iterable[str | Path], model: str = "default") -> Iterator[Record]:
    """Tag reports one after another, yielding each record as it is done (in input order).

    ``sources`` are paths or texts as for :func:`tag`; a folder is not expanded here (use
    ``Path(folder).glob("*.txt")`` or ``ogi tag FOLDER``). The model is loaded once.
    """
    for source in sources:
        yield tag(source, model)


def cross_year(records: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """The cross-year checks of a batch of records (see :func:`ogi.checks.cross_year_checks`)."""
    from ogi.checks import cross_year_checks

    return cross_year_checks(records)


def read_records(path: str | Path) -> list[Record]:
    """The records of an ``ogi tag`` JSONL file."""
    from ogi.audit import load_records

    return load_records(Path(path))  # type: ignore[return-value]
