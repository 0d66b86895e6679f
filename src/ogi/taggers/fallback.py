"""The fallback policy, in one place: a learned tagger, with the rules where it is unsure or ungrammatical."""

from __future__ import annotations

from typing import ClassVar

from ogi import schema
from ogi.data import Document, Segment, Tag
from ogi.taggers.base import Tagger
from ogi.taggers.rules import RuleTagger, shared_rules


def breaks_grammar(label: str, seg: Segment) -> bool:
    """True when a label cannot stand on this segment: a value label on text, a heading on a number,
    a section heading whose printed numeral is not its own."""
    if label.startswith("VAL."):
        return seg.kind != "num"
    if label.startswith(("ROW.", "COL.", "BLK.", "SEC.")):
        if seg.kind in ("num", "prose"):
            return True
        if label.startswith("SEC.s"):
            n, _ = schema.section_numeral(seg.text)
            return n != int(label[5])
    return False


class FallbackTagger(Tagger):
    """Per segment: the primary tagger's label, unless its score is under ``threshold`` or the label
    breaks the grammar; then the rule label wins and the tag's source says "rules"."""

    name: ClassVar[str] = "fallback"

    def __init__(self, primary: Tagger, rules: RuleTagger | None = None, threshold: float = 0.5) -> None:
        self.primary = primary
        self.rules = rules or shared_rules()
        self.threshold = threshold

    def predict(self, docs: list[Document]) -> list[list[Tag]]:
        out = []
        for doc, ptags in zip(docs, self.primary.predict(docs), strict=True):
            rtags = self.rules.predict_one(doc)
            out.append(self.combine(doc, ptags, rtags))
        return out

    def combine(self, doc: Document, ptags: list[Tag], rtags: list[Tag]) -> list[Tag]:
        """Choose per segment between the primary tags and the rule tags."""
        out = []
        for seg, p, r in zip(doc.segments, ptags, rtags, strict=True):
            if (p.score < self.threshold and r.label != p.label) or breaks_grammar(p.label, seg):
                out.append(r)
            else:
                out.append(p)
        return out

    def describe(self) -> dict[str, str]:
        d = self.primary.describe()
        return {"name": d["name"], "version": d["version"]}
