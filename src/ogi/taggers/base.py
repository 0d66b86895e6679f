"""The interface every tagger shares (rules, CRF, transformer, fallback)."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import ClassVar

from ogi.data import Document, Tag


class Tagger(ABC):
    """Labels segments. ``predict`` is pure; ``tag`` stores the result on the documents.

    Subclasses set ``name`` (the ``source`` of their tags) and implement ``predict``.
    """

    name: ClassVar[str] = "tagger"
    version: str = "0"

    @abstractmethod
    def predict(self, docs: list[Document]) -> list[list[Tag]]:
        """One list of tags per document, one tag per segment, scores in [0, 1]."""

    def tag(self, docs: list[Document]) -> list[Document]:
        """Predict and set ``doc.tags`` for each document."""
        for doc, tags in zip(docs, self.predict(docs), strict=True):
            doc.tags = tags
        return docs

    def describe(self) -> dict[str, str]:
        """Name and version for the output record's ``model`` field."""
        return {"name": self.name, "version": self.version}
