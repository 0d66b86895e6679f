"""The CRF tagger: a scikit-learn-style estimator over segment features (crfsuite).

``fit`` trains with sklearn-crfsuite and writes crfsuite's own model file (no pickle); ``load``
opens that file with pycrfsuite's Tagger. ``predict_marginals`` gives each segment's label
probability, used as the tag score.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

from ogi.data import Document, Tag
from ogi.errors import ModelLoadError
from ogi.features import FEATURES_VERSION, doc_features
from ogi.taggers.base import Tagger
from ogi.taggers.rules import shared_rules

MODEL_FILE = "model.crfsuite"


def featurize(docs: list[Document]) -> list[list[dict[str, Any]]]:
    """X: for each (segmented, template-detected) document, one feature dict per segment."""
    rules = shared_rules()
    out = []
    for doc in docs:
        tags, states = rules.predict_with_state(doc)
        out.append(doc_features(doc, tags, states))
    return out


class CRFTagger(Tagger):
    """Linear-chain CRF over segments.

    Args:
        c1, c2: L1 and L2 regularisation.
        max_iterations: L-BFGS iterations.
        min_freq: drop features seen fewer times.
    """

    name: ClassVar[str] = "crf"

    def __init__(self, c1: float = 0.05, c2: float = 0.01, max_iterations: int = 150, min_freq: int = 1) -> None:
        self.c1 = c1
        self.c2 = c2
        self.max_iterations = max_iterations
        self.min_freq = min_freq
        self.version = "0"
        self.model_path_: Path | None = None
        self._tagger: Any = None

    # -- training ------------------------------------------------------------------------------
    def fit(self, X: list[list[dict[str, Any]]], y: list[list[str]], model_path: Path) -> CRFTagger:  # noqa: N803
        """Train on X (feature dicts per segment) and y (labels); writes ``model_path``; returns self."""
        import sklearn_crfsuite

        model_path.parent.mkdir(parents=True, exist_ok=True)
        crf = sklearn_crfsuite.CRF(
            algorithm="lbfgs",
            c1=self.c1,
            c2=self.c2,
            max_iterations=self.max_iterations,
            min_freq=self.min_freq,
            all_possible_transitions=False,
            model_filename=str(model_path),
            verbose=False,
        )
        crf.fit(X, y)
        self.model_path_ = model_path
        self._tagger = None
        return self

    # -- loading -------------------------------------------------------------------------------
    @classmethod
    def load(cls, path: Path) -> CRFTagger:
        """Open a model directory written by ``ogi train --kind crf``; checks meta.json first."""
        from ogi.taggers.integrity import check_crfsuite, check_files, read_meta

        model_file = path / MODEL_FILE
        if not (path / "meta.json").is_file() or not model_file.is_file():
            raise ModelLoadError(f"{path}: a CRF model needs meta.json and {MODEL_FILE}")
        meta = read_meta(path)
        if meta.get("features_version") != FEATURES_VERSION:
            raise ModelLoadError(
                f"{path}: trained with features version {meta.get('features_version')!r}, this ogi computes "
                f"version {FEATURES_VERSION!r}; retrain with `ogi train --kind crf`"
            )
        # crfsuite's reader trusts the file (a corrupt one segfaults): size, checksum and header first
        check_files(path, meta, [MODEL_FILE])
        check_crfsuite(model_file)
        cfg = meta.get("config", {})
        tagger = cls(cfg.get("c1", 0.05), cfg.get("c2", 0.01), cfg.get("max_iterations", 150))
        tagger.model_path_ = model_file
        tagger.version = str(meta.get("version", "0"))
        tagger.model_name = meta.get("name", path.name)
        return tagger

    def _crfsuite(self) -> Any:
        if self.model_path_ is None:
            raise ModelLoadError("CRFTagger used before fit() or load()")
        if self._tagger is None:
            import pycrfsuite

            t = pycrfsuite.Tagger()
            t.open(str(self.model_path_))
            self._tagger = t
        return self._tagger

    def __getstate__(self) -> dict[str, Any]:  # worker processes reopen the model file
        state = self.__dict__.copy()
        state["_tagger"] = None
        return state

    # -- prediction ----------------------------------------------------------------------------
    def predict_features(self, X: list[list[dict[str, Any]]]) -> list[list[tuple[str, float]]]:  # noqa: N803
        """(label, marginal probability) per segment of each document."""
        t = self._crfsuite()
        out = []
        for xseq in X:
            if not xseq:
                out.append([])
                continue
            t.set(xseq)
            labels = t.tag()
            out.append([(lab, t.marginal(lab, i)) for i, lab in enumerate(labels)])
        return out

    def predict(self, docs: list[Document]) -> list[list[Tag]]:
        X = featurize(docs)
        return [[Tag(lab, float(p), "crf") for lab, p in seq] for seq in self.predict_features(X)]

    def describe(self) -> dict[str, str]:
        return {"name": getattr(self, "model_name", "crf"), "version": self.version}
