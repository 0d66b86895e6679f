"""Learned rows and columns (issue 11.3): printed row label / column header → canonical key.

A character n-gram classifier (TF-IDF over 1–3-grams of the squashed, simplified label, a multinomial
logistic regression, temperature-calibrated) trained by ``ogi.training.keymatch`` on variants of the
schema's aliases (paraphrase, abbreviation, dropped/extra words, OCR-like look-alikes, partial
traditional script, 合计/总计, 规范性档案/文件). It does not replace the alias table: ``schema.match_label``
asks it only when no alias matches exactly or is contained in the text, and only for callers that name
the table (``prefix``): that is the "position" the label is read at.

The model ships as ``models/keymatch/`` — ``meta.json`` plus ``weights.npz`` (vocabulary, idf,
int8 coefficients with a scale per label, intercepts, labels; no pickle). Prediction reads the arrays
itself and is plain Python: tagging needs neither numpy nor scikit-learn (their import alone would
cost a worker a few tenths of a second).
The model loads once per process, lazily; predictions are cached per text.
"""

from __future__ import annotations

import ast
import json
import logging
import math
import os
import struct
import zipfile
from array import array
from collections.abc import Callable, Sequence
from functools import lru_cache
from pathlib import Path

from ogi.normalize import squash

logger = logging.getLogger(__name__)

NONE = "NONE"  # the class of text that is no row or column of tables 2–4
NGRAM_RANGE = (1, 3)
BOS, EOS = "^", "$"  # boundary marks: a label's first and last characters are informative

# A classifier-only match scores in [FLOOR, CEIL]: never as high as a contained alias (≥ 0.8 by
# length) would at full certainty, and never ≥ 0.88 / 0.9, the thresholds callers use to take a
# table row for a section heading guard or a bogus Markdown header. A low probability therefore
# gives a low tag score (under the callers' 0.7–0.8 acceptance) and so a low cell confidence.
FLOOR, CEIL = 0.5, 0.87
MAX_LABEL_LEN = 45  # squashed; the longest printed label has 35 characters: longer text is prose


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
    s = squash(text)
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
    """The shipped classifier, held as plain Python arrays (prediction needs neither numpy nor
    scikit-learn: a process that tags reports does not pay for importing them)."""

    def __init__(self, vocab: list[str], idf: Sequence[float], coef_t: Sequence[int], scale: Sequence[float],
                 intercept: Sequence[float], labels: list[str], temperature: float = 1.0,
                 meta: dict | None = None) -> None:
        """``coef_t``: int8 coefficients, feature-major (``n_features × n_labels``, flattened);
        label j's real coefficients are ``coef_t[i * n_labels + j] * scale[j]``."""
        self.index = {g: i for i, g in enumerate(vocab)}
        self.vocab = list(vocab)
        self.idf = [float(x) for x in idf]
        self.labels = list(labels)
        self.n_labels = len(self.labels)
        self.coef_t = array("b", coef_t)
        self.scale = [float(x) for x in scale]
        self.intercept = [float(x) for x in intercept]
        self.label_index = {lab: i for i, lab in enumerate(self.labels)}
        self.temperature = float(temperature)
        self.meta = meta or {}
        self.none = self.label_index.get(NONE, -1)
        self._prefix_cols: dict[str, list[int]] = {}
        self._rows: dict[int, list[tuple[int, int]]] = {}

    @classmethod
    def load(cls, path: Path) -> KeyMatcher:
        """Read ``meta.json`` and ``weights.npz`` of a model directory (no pickle, no numpy)."""
        meta = json.loads((path / "meta.json").read_text(encoding="utf-8"))
        z = read_npz(path / "weights.npz")
        return cls(z["vocab"], z["idf"], z["coef_t"], z["coef_scale"], z["intercept"], z["labels"],
                   float(meta.get("temperature", 1.0)), meta)

    def vector(self, norm: str) -> list[tuple[int, float]]:
        """Sparse TF-IDF vector of a normalised label: (feature index, l2-normalised weight) pairs."""
        counts: dict[int, int] = {}
        index = self.index
        for g in char_ngrams(norm):
            i = index.get(g)
            if i is not None:
                counts[i] = counts.get(i, 0) + 1
        w = [(i, c * self.idf[i]) for i, c in counts.items()]
        norm2 = math.sqrt(sum(x * x for _, x in w)) or 1.0
        return [(i, x / norm2) for i, x in w]

    def logits(self, norm: str) -> list[float]:
        """Uncalibrated class scores of a normalised label."""
        acc = [0.0] * self.n_labels
        for i, x in self.vector(norm):
            for j, q in self._row(i):
                acc[j] += x * q
        return [b + s * a for b, s, a in zip(self.intercept, self.scale, acc, strict=True)]

    def _row(self, i: int) -> list[tuple[int, int]]:
        """The non-zero (label, int8 coefficient) pairs of feature ``i`` (built on first use)."""
        row = self._rows.get(i)
        if row is None:
            n = self.n_labels
            row = [(j, q) for j, q in enumerate(self.coef_t[i * n : (i + 1) * n]) if q]
            self._rows[i] = row
        return row

    def proba_normalized(self, norm: str) -> list[float]:
        """Calibrated class probabilities of a normalised label (all labels, ``NONE`` included)."""
        z = [v / self.temperature for v in self.logits(norm)]
        top = max(z)
        e = [math.exp(v - top) for v in z]
        total = sum(e)
        return [v / total for v in e]

    def _cols(self, prefix: str) -> list[int]:
        if prefix not in self._prefix_cols:
            self._prefix_cols[prefix] = [i for i, lab in enumerate(self.labels) if lab != NONE and lab.startswith(prefix)]
        return self._prefix_cols[prefix]

    def best(self, norm: str, prefix: str = "", proba: Sequence[float] | None = None) -> tuple[str, float, float]:
        """(label, probability, probability of NONE) among the labels under ``prefix`` and NONE
        (``proba``: the label's probabilities when already computed)."""
        p = proba if proba is not None else self.proba_normalized(norm)
        cols = self._cols(prefix)
        if not cols:
            return "", 0.0, 1.0
        pn = p[self.none] if self.none >= 0 else 0.0
        j = max(cols, key=lambda c: p[c])
        total = sum(p[c] for c in cols) + pn
        return self.labels[j], p[j] / total, pn / total


_NPY_TYPES = {"|i1": "b", "<f4": "f", "<f8": "d", "<i8": "q"}


def read_npz(path: Path) -> dict[str, list]:
    """The arrays of an ``.npz`` as flat Python lists, read without numpy (and so without pickle):
    int8 / float32 / float64 / int64 and fixed-width unicode arrays, C order."""
    out: dict[str, list] = {}
    with zipfile.ZipFile(path) as zf:
        for name in zf.namelist():
            data = zf.read(name)
            if data[:6] != b"\x93NUMPY":
                raise ValueError(f"{path}: {name} is not a .npy array")
            if data[6] == 1:
                hlen, off = struct.unpack("<H", data[8:10])[0], 10
            else:
                hlen, off = struct.unpack("<I", data[8:12])[0], 12
            header = ast.literal_eval(data[off : off + hlen].decode("latin1"))
            body = data[off + hlen :]
            descr = header["descr"]
            if header.get("fortran_order"):
                raise ValueError(f"{path}: {name} is in Fortran order")
            if descr.startswith("<U"):
                width = int(descr[2:])
                text = body.decode("utf-32-le")
                out[name[:-4]] = [text[k : k + width].rstrip("\x00") for k in range(0, len(text), width)]
            elif descr in _NPY_TYPES:
                arr = array(_NPY_TYPES[descr])
                arr.frombytes(body)
                out[name[:-4]] = arr.tolist() if descr != "|i1" else arr
            else:
                raise ValueError(f"{path}: {name} has an unsupported type {descr}")
    return out


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


_ON_CHANGE: list[Callable[[], None]] = []


def on_model_change(clear: Callable[[], None]) -> None:
    """Register a cache to clear when ``set_model`` swaps the matcher (``schema.match_label`` caches results)."""
    _ON_CHANGE.append(clear)


def set_model(model: KeyMatcher | None) -> None:
    """Use another key matcher in this process (tests, measurements); clears the prediction cache."""
    global _MODEL, _FAILED
    _MODEL, _FAILED = model, model is None
    predict.cache_clear()
    _proba.cache_clear()
    for clear in _ON_CHANGE:
        clear()


@lru_cache(maxsize=65536)
def predict(text: str, prefix: str = "") -> tuple[str, float, float]:
    """Best canonical key for printed label text under ``prefix``: (label, probability, P(NONE)).

    ``("", 0.0, 1.0)`` when the model is missing or the text is empty.
    """
    m = get_model()
    norm = normalize_label(text)
    if m is None or not norm or len(norm) > MAX_LABEL_LEN:
        return "", 0.0, 1.0
    return m.best(norm, prefix, _proba(norm))


@lru_cache(maxsize=65536)
def _proba(norm: str) -> tuple[float, ...]:
    """The shipped model's probabilities of a normalised label, computed once for every prefix."""
    m = get_model()
    return tuple(m.proba_normalized(norm)) if m is not None else ()


def score(prob: float) -> float:
    """The tag score a classifier-only match of probability ``prob`` carries (FLOOR..CEIL)."""
    return FLOOR + (CEIL - FLOOR) * prob


def match(text: str, prefix: str) -> tuple[str, float]:
    """Classifier match as ``(label, score)`` on ``match_label``'s scale, ``("", 0.0)`` for NONE."""
    lab, p, pn = predict(text, prefix)
    if not lab or pn >= p:
        return "", 0.0
    return lab, score(p)
