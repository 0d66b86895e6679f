"""One contract every tagger keeps (flair's ``BaseModelTest``): rules, CRF, transformer and the fallback.

Each concrete class names how to build its tagger; the tests come from ``TaggerContract``.
"""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from ogi.context import detect
from ogi.data import Document
from ogi.readers.text import document_from_text
from ogi.segment import segment
from ogi.taggers import load_tagger
from ogi.taggers.base import Tagger

SEEDS = Path(__file__).resolve().parents[1] / "seeds"
SOURCES = {"rules", "crf", "transformer"}


def _doc(name: str) -> Document:
    path = SEEDS / name
    return detect(segment(document_from_text(path.read_text(encoding="utf-8"), str(path), path.stem)))


@pytest.fixture(scope="module")
def docs() -> list[Document]:
    """Two real layouts (space-separated PDF-like rows; cell-per-line with "|" lines) and an empty document."""
    empty = detect(segment(document_from_text("", "empty.txt", "empty")))
    return [_doc("004_9df3e7f9371227a8.txt"), _doc("003_2494e1b8728ee7a1.txt"), empty]


@pytest.fixture(scope="class")
def tagger(request: pytest.FixtureRequest) -> Tagger:
    """The tagger a contract class names by its ``spec``."""
    if request.cls.needs_torch:
        pytest.importorskip("torch")  # the transformer is an extra; CI installs it
    return load_tagger(request.cls.spec)


class TaggerContract:
    """The tests every tagger must pass; subclasses set ``spec`` (a ``--model`` value) and ``sources``."""

    spec: str = ""
    sources: set[str] = SOURCES
    needs_torch = False

    def test_contract_one_tag_per_segment(self, tagger: Tagger, docs: list[Document]) -> None:
        out = tagger.predict(docs)
        assert [len(t) for t in out] == [len(d.segments) for d in docs]
        assert out[-1] == []  # the empty document

    def test_contract_scores_and_sources(self, tagger: Tagger, docs: list[Document]) -> None:
        tags = [t for seq in tagger.predict(docs) for t in seq]
        assert tags and all(0.0 <= t.score <= 1.0 for t in tags)
        assert {t.source for t in tags} <= self.sources
        assert any(t.label.startswith("SEC.") for t in tags) and any(t.label.startswith("VAL.t3.") for t in tags)

    def test_contract_batch_equals_one_by_one(self, tagger: Tagger, docs: list[Document]) -> None:
        batch = tagger.predict(docs)
        for doc, seq in zip(docs, batch, strict=True):
            one = tagger.predict([doc])[0]
            assert [t.label for t in one] == [t.label for t in seq]
            assert [t.score for t in one] == pytest.approx([t.score for t in seq], abs=1e-5)

    def test_contract_predict_is_pure(self, tagger: Tagger, docs: list[Document]) -> None:
        before = copy.deepcopy(docs)
        tagger.predict(docs)
        for a, b in zip(before, docs, strict=True):
            assert (a.template, a.year, a.meta, a.tags, a.segments) == (b.template, b.year, b.meta, b.tags, b.segments)

    def test_contract_tag_sets_predictions(self, tagger: Tagger, docs: list[Document]) -> None:
        fresh = copy.deepcopy(docs)
        tagger.tag(fresh)
        assert [d.tags for d in fresh] == tagger.predict(docs)

    def test_contract_describe(self, tagger: Tagger) -> None:
        d = tagger.describe()
        assert set(d) >= {"name", "version"} and d["name"] and isinstance(d["version"], str)


class TestRulesContract(TaggerContract):
    spec = "rules"
    sources = {"rules"}


class TestCRFContract(TaggerContract):
    spec = "crf:raw"
    sources = {"crf"}


class TestFallbackCRFContract(TaggerContract):
    spec = "default"


class TestTransformerContract(TaggerContract):
    spec = "transformer:raw"
    sources = {"transformer"}
    needs_torch = True


class TestFallbackTransformerContract(TestTransformerContract):
    spec = "transformer"
    sources = SOURCES
