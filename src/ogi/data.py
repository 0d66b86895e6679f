"""All data types of the pipeline: a ``Document`` goes through read → segment → tag → decode → check.

Shapes:
    Document.text: the normalised text the segmenter cuts (NFKC, simplified script, junk removed).
    Document.raw_offsets: for each char of ``text`` (and one past the end) its offset in ``raw``.
    Document.line_map: for each 0-based line of ``text`` the 1-based line of the source file.
    Document.raw: the reader's text, the text every ``span`` indexes: a text file's decoded content
        (BOM removed, line ends as in the file), an HTML page's decoded source, a PDF's or DOCX's
        extracted text as the reader rendered it.
    Document.segments: list[Segment] in reading order; Document.tags: one Tag per segment.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(slots=True)
class Segment:
    """A token the taggers label: a heading, a row label, a header cell, a value or a run of prose.

    Attributes:
        text: the segment text (normalised).
        start, end: char offsets in ``Document.text``.
        line: 0-based line index in ``Document.text``.
        kind: coarse shape: "num" (a number or placeholder), "text" (a short label), "prose" (a sentence).
        cell: index of the cell within its line (0 for whole-line segments).
        n_cells: number of cells the line holds (empties included where the layout keeps them).
        sep: how the line was cut: "pipe", "space", "tab", "line" (whole line), "glued".
        empty_before: the number of explicit empty cells just before this one on its line.
        blank_before: True when a blank line precedes this segment's line.
        trailing_empties: empty cells at the end of the line, dropped from ``n_cells`` (" | 7 | 7 | ||||").
    """

    text: str
    start: int
    end: int
    line: int
    kind: str = "text"
    cell: int = 0
    n_cells: int = 1
    sep: str = "line"
    empty_before: int = 0
    blank_before: bool = False
    trailing_empties: int = 0


@dataclass(slots=True)
class Tag:
    """A label for one segment with its score in [0, 1] and the tagger it came from."""

    label: str
    score: float
    source: str


@dataclass(slots=True)
class Cell:
    """A decoded table cell under its canonical key (SCHEMA.md)."""

    key: str
    value: str
    number: float | int | None
    line: int
    confidence: float
    source: str
    ambiguous: bool = False
    offset: int = -1  # start of the value in Document.text (not part of the output record)
    span: tuple[int, int] | None = None  # [start, end) of the printed value in Document.raw (SCHEMA.md)

    def to_json(self) -> dict[str, Any]:
        """The SCHEMA.md form of the cell (``span`` only when known)."""
        out: dict[str, Any] = {
            "value": self.value,
            "number": self.number,
            "line": self.line,
            "confidence": round(self.confidence, 4),
            "source": self.source,
            "ambiguous": self.ambiguous,
        }
        if self.span is not None:
            out["span"] = [self.span[0], self.span[1]]
        return out


@dataclass(slots=True)
class Section:
    """A section heading under its canonical key."""

    key: str
    title: str
    line: int
    confidence: float
    span: tuple[int, int] | None = None  # [start, end) of the printed heading in Document.raw (SCHEMA.md)

    def to_json(self) -> dict[str, Any]:
        """The SCHEMA.md form of the section (``span`` only when known)."""
        out: dict[str, Any] = {"key": self.key, "title": self.title, "line": self.line, "confidence": round(self.confidence, 4)}
        if self.span is not None:
            out["span"] = [self.span[0], self.span[1]]
        return out


@dataclass(slots=True)
class Check:
    """One arithmetic or structural check (勾稽关系) with both sides."""

    name: str
    status: str  # pass | fail | not_assessable
    left: Any = None
    right: Any = None
    detail: str = ""

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name, "status": self.status, "left": self.left, "right": self.right}
        if self.detail:
            out["detail"] = self.detail
        return out


@dataclass
class Document:
    """One report through the pipeline; each stage fills its part and may add errors."""

    id: str
    path: str
    raw: str
    text: str
    raw_offsets: list[int]
    line_map: list[int]
    fmt: str = "text"  # text | html | pdf | docx
    segments: list[Segment] = field(default_factory=list)
    tags: list[Tag] = field(default_factory=list)
    template: str = "unknown"
    year: int | None = None
    sections: list[Section] = field(default_factory=list)
    cells: dict[str, Cell] = field(default_factory=dict)
    checks: list[Check] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    status: str = "success"
    meta: dict[str, Any] = field(default_factory=dict)

    def source_line(self, line_index: int) -> int:
        """1-based source line of a 0-based line of ``text``."""
        if 0 <= line_index < len(self.line_map):
            return self.line_map[line_index]
        return self.line_map[-1] if self.line_map else 1

    def raw_span(self, start: int, end: int) -> tuple[int, int]:
        """Offsets in ``raw`` of a span of ``text``."""
        return self.raw_offsets[start], self.raw_offsets[end]

    def determine_status(self) -> str:
        """success with no errors, partial when something was decoded despite errors, failed otherwise."""
        if not self.errors:
            self.status = "success"
        elif self.cells or self.sections:
            self.status = "partial"
        else:
            self.status = "failed"
        return self.status
