"""Learned rows and columns (issue 11.3): printed row label / column header → canonical key.

A character n-gram classifier (TF-IDF over 1–3-grams of the squashed, simplified label, a multinomial
logistic regression, temperature-calibrated) trained by ``ogi.training.keymatch`` on variants of the
schema's aliases (paraphrase, abbreviation, dropped/extra words, OCR-like look-alikes, partial
traditional script, 合计/总计, 规范性档案/文件). It does not replace the alias table: ``schema.match_label``
asks it only when no alias matches exactly or is contained in the text, and only for callers that name
the table (``prefix``): that is the "position" the label is read at.

The model ships as ``models/keymatch/`` — ``meta.json`` plus ``weights.npz`` (vocabulary, idf,
coefficients, intercepts, labels; no pickle). Prediction is numpy only and needs no scikit-learn.
The model loads once per process, lazily; predictions are cached per text.
"""

from __future__ import annotations

import json
import logging
import os
from functools import lru_cache
from pathlib import Path

import numpy as np

logger = logging.getLogger(__name__)

NONE = "NONE"  # the class of text that is no row or column of tables 2–4
NGRAM_RANGE = (1, 3)
BOS, EOS = "^", "$"  # boundary marks: a label's first and last characters are informative

# A classifier-only match scores in [FLOOR, CEIL]: never as high as a contained alias (≥ 0.8 by
# length) would at full certainty, and never ≥ 0.88 / 0.9, the thresholds callers use to take a
# table row for a section heading guard or a bogus Markdown header. A low probability therefore
# gives a low tag score (under the callers' 0.7–0.8 acceptance) and so a low cell confidence.
FLOOR, CEIL = 0.5, 0.87


def model_dir() -> Path:
    """Directory of the shipped key matcher ($OGI_KEYMATCH, else models/keymatch in the package)."""
    env = os.environ.get("OGI_KEYMATCH")
    if env:
        return Path(env)
    return Path(__file__).resolve().parent / "models" / "keymatch"


@lru_cache(maxsize=1)
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


@lru_cache(maxsize=65536)
def normalize_label(text: str) -> str:
    """The text the classifier reads: numbering, spaces and punctuation removed, simplified script."""
    from ogi import schema

    s = schema.squash(text)
    return _t2s().convert(s) if s else s


def char_ngrams(text: str) -> list[str]:
    """Character 1–3-grams of a normalised label with boundary marks (the training analyzer too)."""
    s = BOS + text + EOS
    out: list[str] = []
    lo, hi = NGRAM_RANGE
    for n in range(lo, hi + 1):
        out += [s[i : i + n] for i in range(len(s) - n + 1) if s[i : i + n] not in (BOS, EOS)]
    return out


class KeyMatcher:
    """The shipped classifier: numpy arrays read from ``weights.npz`` (``allow_pickle=False``)."""

    def __init__(self, vocab: list[str], idf: np.ndarray, coef: np.ndarray, intercept: np.ndarray,
                 labels: list[str], temperature: float = 1.0, meta: dict | None = None) -> None:
        self.index = {g: i for i, g in enumerate(vocab)}
        self.idf = idf.astype(np.float64)
        self.coef = coef.astype(np.float64)  # (n_labels, n_features)
        self.intercept = intercept.astype(np.float64)
        self.labels = list(labels)
        self.label_index = {lab: i for i, lab in enumerate(self.labels)}
        self.temperature = float(temperature)
        self.meta = meta or {}
        self.none = self.label_index.get(NONE, -1)
        self._prefix_cols: dict[str, np.ndarray] = {}

    @classmethod
    def load(cls, path: Path) -> KeyMatcher:
        """Read ``meta.json`` and ``weights.npz`` of a model directory."""
        meta = json.loads((path / "meta.json").read_text(encoding="utf-8"))
        with np.load(path / "weights.npz", allow_pickle=False) as z:
            scale = z.get("coef_scale", None)
            coef = z["coef"].astype(np.float64)
            if scale is not None:  # int8-quantised coefficients, one scale per label
                coef = coef * scale[:, None]
            return cls([str(v) for v in z["vocab"]], z["idf"], coef, z["intercept"],
                       [str(x) for x in z["labels"]], float(meta.get("temperature", 1.0)), meta)

    def vector(self, norm: str) -> tuple[np.ndarray, np.ndarray]:
        """Sparse TF-IDF vector of a normalised label: (feature indices, l2-normalised weights)."""
        counts: dict[int, int] = {}
        for g in char_ngrams(norm):
            i = self.index.get(g)
            if i is not None:
                counts[i] = counts.get(i, 0) + 1
        if not counts:
            return np.zeros(0, dtype=np.int64), np.zeros(0)
        idx = np.fromiter(counts.keys(), dtype=np.int64, count=len(counts))
        w = np.fromiter(counts.values(), dtype=np.float64, count=len(counts)) * self.idf[idx]
        return idx, w / np.linalg.norm(w)

    def proba_normalized(self, norm: str) -> np.ndarray:
        """Calibrated class probabilities of a normalised label (all labels, ``NONE`` included)."""
        idx, w = self.vector(norm)
        logits = self.intercept + (self.coef[:, idx] @ w if len(idx) else 0.0)
        z = logits / self.temperature
        z = np.exp(z - z.max())
        return z / z.sum()

    def _cols(self, prefix: str) -> np.ndarray:
        if prefix not in self._prefix_cols:
            self._prefix_cols[prefix] = np.array(
                [i for i, lab in enumerate(self.labels) if lab != NONE and lab.startswith(prefix)], dtype=np.int64)
        return self._prefix_cols[prefix]

    def best(self, norm: str, prefix: str = "") -> tuple[str, float, float]:
        """(label, probability, probability of NONE) among the labels under ``prefix`` and NONE."""
        p = self.proba_normalized(norm)
        cols = self._cols(prefix)
        if not len(cols):
            return "", 0.0, 1.0
        pn = p[self.none] if self.none >= 0 else 0.0
        sub = p[cols]
        total = sub.sum() + pn
        j = int(sub.argmax())
        return self.labels[cols[j]], float(sub[j] / total), float(pn / total)


_MODEL: KeyMatcher | None = None
_FAILED = False


def get_model() -> KeyMatcher | None:
    """The process's key matcher, loaded on first use; None (logged once) when it cannot be read."""
    global _MODEL, _FAILED
    if _MODEL is None and not _FAILED:
        path = model_dir()
        try:
            _MODEL = KeyMatcher.load(path)
        except (OSError, ValueError, KeyError) as exc:
            _FAILED = True
            logger.warning("%s: key matcher not loaded (%s); alias matching only", path, exc)
    return _MODEL


def set_model(model: KeyMatcher | None) -> None:
    """Use another key matcher in this process (tests, measurements); clears the prediction cache."""
    global _MODEL, _FAILED
    from ogi import schema

    _MODEL, _FAILED = model, model is None
    predict.cache_clear()
    schema.match_label.cache_clear()


@lru_cache(maxsize=65536)
def predict(text: str, prefix: str = "") -> tuple[str, float, float]:
    """Best canonical key for printed label text under ``prefix``: (label, probability, P(NONE)).

    ``("", 0.0, 1.0)`` when the model is missing or the text is empty.
    """
    m = get_model()
    norm = normalize_label(text)
    if m is None or not norm:
        return "", 0.0, 1.0
    return m.best(norm, prefix)


def score(prob: float) -> float:
    """The tag score a classifier-only match of probability ``prob`` carries (FLOOR..CEIL)."""
    return FLOOR + (CEIL - FLOOR) * prob


def match(text: str, prefix: str) -> tuple[str, float]:
    """Classifier match as ``(label, score)`` on ``match_label``'s scale, ``("", 0.0)`` for NONE."""
    lab, p, pn = predict(text, prefix)
    if not lab or pn >= p:
        return "", 0.0
    return lab, score(p)
