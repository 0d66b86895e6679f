"""Labelled spans as spaCy ``Doc`` objects: the review's "where was this read" view and the DocBin export.

A report's text becomes a ``Doc`` whose tokens are cut at every span boundary (so each span is whole
tokens), at whitespace, and between CJK characters (one token each, as Chinese tokenisers that need no
model do). The spans go into the span group ``"sc"`` (spaCy's SpanCategorizer default), so the same
``Doc`` feeds displaCy's span style, spaCy training (``DocBin``) and the review page's own view, which
keeps the report's line breaks (``white-space: pre-wrap``) that displaCy's template does not.
Building a ``Doc`` this way needs no model and no download (``spacy.blank("zh")`` would want jieba or
pkuseg settings).
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from ogi.errors import OptionalDependencyError

SPANS_KEY = "sc"
_PIECE = re.compile(r"\s+|[\u3400-\u9fff\uf900-\ufaff]|[^\s\u3400-\u9fff\uf900-\ufaff]+")


def _spacy() -> Any:
    try:
        import spacy  # noqa: F401
        from spacy.tokens import Doc, DocBin, Span
        from spacy.vocab import Vocab
    except ImportError as exc:  # pragma: no cover - the review extra installs spaCy
        raise OptionalDependencyError("this needs spaCy: pip install -e '.[review]'") from exc
    return Doc, DocBin, Span, Vocab


def tokenize(text: str, cuts: Iterable[int]) -> list[tuple[int, int]]:
    """Token ``(start, end)`` offsets covering ``text`` exactly, cut at every offset in ``cuts`` too."""
    bounds = sorted({c for c in cuts if 0 < c < len(text)})
    out: list[tuple[int, int]] = []
    pos = 0
    for cut in [*bounds, len(text)]:
        for m in _PIECE.finditer(text, pos, cut):
            out.append((m.start(), m.end()))
        pos = cut
    return out


def make_doc(text: str, spans: Sequence[tuple[int, int, str]], vocab: Any = None, meta: dict[str, Any] | None = None) -> Any:
    """A spaCy ``Doc`` over ``text`` with ``spans`` (char offsets, end exclusive) in ``doc.spans["sc"]``.

    Spans that are empty or out of range are skipped. ``meta`` goes to ``doc.user_data["meta"]``.
    """
    Doc, _, _, Vocab = _spacy()
    good = [(s, e, lab) for s, e, lab in spans if 0 <= s < e <= len(text)]
    toks = tokenize(text, [x for s, e, _ in good for x in (s, e)])
    words = [text[a:b] for a, b in toks]
    doc = Doc(vocab if vocab is not None else Vocab(), words=words, spaces=[False] * len(words))
    group = []
    for s, e, lab in good:
        span = doc.char_span(s, e, label=lab, alignment_mode="strict")
        if span is not None:
            group.append(span)
    doc.spans[SPANS_KEY] = group
    if meta:
        doc.user_data["meta"] = meta
    return doc


def spans_of(doc: Any) -> list[tuple[int, int, str]]:
    """``(start_char, end_char, label)`` of the span group ``sc`` of a ``Doc``."""
    return [(sp.start_char, sp.end_char, sp.label_) for sp in doc.spans.get(SPANS_KEY, [])]


def render_view(doc: Any, focus: tuple[int, int] | None = None, label_names: dict[str, str] | None = None) -> str:
    """HTML of a ``Doc`` with its ``sc`` spans marked, line breaks kept (for ``white-space: pre-wrap``).

    ``focus``: the char span of the cell being inspected, drawn in the strongest colour. Spans may not
    overlap (annotation spans never do); a span's label is shown after it.
    """
    text = doc.text
    marks = sorted(spans_of(doc))
    out: list[str] = []
    pos = 0
    for s, e, lab in marks:
        if s < pos:
            continue
        out.append(html.escape(text[pos:s]))
        kind = lab.split(".", 1)[0].lower()
        cls = f"sp sp-{kind}" + (" sp-focus" if focus and (s, e) == tuple(focus) else "")
        name = (label_names or {}).get(lab, lab)
        out.append(
            f'<span class="{cls}" title="{html.escape(lab)}">{html.escape(text[s:e])}'
            f'<span class="sp-label">{html.escape(name)}</span></span>'
        )
        pos = e
    out.append(html.escape(text[pos:]))
    return "".join(out)


def render_displacy(doc: Any) -> str:
    """displaCy's own span-style HTML of a ``Doc`` (its template collapses line breaks)."""
    from spacy import displacy

    return displacy.render(doc, style="span", options={"spans_key": SPANS_KEY}, page=False)


def annotations_to_docbin(reports: Iterable[Any], out: str | Path) -> int:
    """Write annotated reports (``ogi.annotations.AnnotatedReport``) as a spaCy ``DocBin`` file.

    Each ``Doc`` holds the report's exact text, its spans in ``doc.spans["sc"]`` and its id and meta in
    ``doc.user_data``. Returns the number of documents written (atomically).
    """
    from ogi.output import atomic_open

    _, DocBin, _, Vocab = _spacy()
    vocab = Vocab()
    db = DocBin(store_user_data=True)
    n = 0
    for rep in reports:
        doc = make_doc(rep.text, [(s.start, s.end, s.label) for s in rep.spans], vocab, {"id": rep.id, **rep.meta})
        db.add(doc)
        n += 1
    with atomic_open(out, "wb") as fh:
        fh.write(db.to_bytes())
    return n


def read_docbin(path: str | Path) -> list[Any]:
    """The ``Doc`` objects of a DocBin file written by :func:`annotations_to_docbin`."""
    _, DocBin, _, Vocab = _spacy()
    return list(DocBin().from_bytes(Path(path).read_bytes()).get_docs(Vocab()))
