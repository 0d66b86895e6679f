"""Typed training configs; one JSON file per experiment under ``training/configs/``."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any, ClassVar, TypeVar

C = TypeVar("C", bound="ConfigFile")


class ConfigFile:
    """JSON loading shared by the configs: unknown keys and a config of another model are errors."""

    MODEL: ClassVar[str] = ""

    @classmethod
    def from_file(cls: type[C], path: Path) -> C:
        """Load a JSON config; an optional "model" key must name this config's model."""
        data = json.loads(path.read_text(encoding="utf-8"))
        known = {f.name for f in fields(cls)}  # type: ignore[arg-type]
        unknown = set(data) - known - {"model"}
        if unknown:
            raise ValueError(f"{path}: unknown config keys {sorted(unknown)}; known: {sorted(known)}")
        model = data.pop("model", cls.MODEL)
        if model != cls.MODEL:
            raise ValueError(f"{path}: a config for model {model!r}, not {cls.MODEL!r}")
        return cls(**data)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)  # type: ignore[call-overload]


@dataclass
class CRFConfig(ConfigFile):
    """Settings of a CRF training run.

    Attributes:
        c1: L1 regularisation (sparsity of the feature weights).
        c2: L2 regularisation.
        max_iterations: L-BFGS iterations.
        min_freq: features seen fewer times are dropped.
        thresholds: fallback thresholds tried on the dev data; the best is stored in meta.json.
        seed: seed of any sampling (crfsuite's L-BFGS itself is deterministic).
    """

    MODEL: ClassVar[str] = "crf"

    c1: float = 0.05
    c2: float = 0.01
    max_iterations: int = 120
    min_freq: int = 1
    thresholds: list[float] = field(default_factory=lambda: [0.0, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8])
    seed: int = 0

    def __post_init__(self) -> None:
        if self.c1 < 0 or self.c2 < 0:
            raise ValueError(f"c1 and c2 must be >= 0, got {self.c1}, {self.c2}")
        if self.max_iterations < 1:
            raise ValueError(f"max_iterations must be >= 1, got {self.max_iterations}")
        if any(not 0 <= t <= 1 for t in self.thresholds):
            raise ValueError(f"thresholds must lie in [0, 1], got {self.thresholds}")


@dataclass
class TransformerConfig(ConfigFile):
    """Settings of a transformer tagger training run (``transformers`` token classification over a
    report's segments, a small BERT trained here from scratch or a local checkpoint fine-tuned).

    Attributes:
        hidden: BERT hidden size (from scratch only; ``--init-from`` keeps the checkpoint's sizes).
        layers: encoder layers.
        heads: attention heads (must divide ``hidden``).
        ff: width of the encoder's feed-forward layer (BERT's intermediate size).
        dropout: hidden and attention dropout.
        max_length: sub-tokens per window, [CLS] and [SEP] included; longer reports are cut into
            overlapping windows (at most the model's ``max_position_embeddings``).
        stride: step between window starts, in sub-tokens (``<= max_length - 2``); each segment is
            predicted from the window where its first sub-token is most central.
        text_head: first characters of a label or header kept in its word.
        text_tail: last characters kept (a label longer than head + tail loses its middle).
        prose_chars: first characters of a sentence kept.
        epochs: passes over the training windows; the epoch with the best dev accuracy is kept.
        batch_size: windows per optimiser step.
        lr: peak AdamW learning rate (linear warm-up, then linear decay to zero).
        weight_decay: AdamW weight decay.
        warmup: share of the steps spent warming up.
        min_freq: characters seen fewer times in training map to [UNK] (own tokenizer only).
        thresholds: fallback thresholds tried on the dev data; the best is stored in meta.json.
        seed: seed of initialisation, dropout and shuffling.
        threads: torch CPU threads while training (1: on a busy machine more threads spin and slow it down).
    """

    MODEL: ClassVar[str] = "transformer"

    hidden: int = 64
    layers: int = 2
    heads: int = 4
    ff: int = 256
    dropout: float = 0.1
    max_length: int = 128
    stride: int = 96
    text_head: int = 4
    text_tail: int = 3
    prose_chars: int = 3
    epochs: int = 10
    batch_size: int = 16
    lr: float = 3e-3
    weight_decay: float = 0.01
    warmup: float = 0.05
    min_freq: int = 1
    thresholds: list[float] = field(default_factory=lambda: [0.0, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8])
    seed: int = 0
    threads: int = 1

    def __post_init__(self) -> None:
        sizes = ("hidden", "layers", "heads", "ff", "stride", "epochs", "batch_size", "min_freq", "threads")
        for name in sizes:
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be >= 1, got {getattr(self, name)}")
        for name in ("text_head", "text_tail", "prose_chars"):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} must be >= 0, got {getattr(self, name)}")
        if self.hidden % self.heads:
            raise ValueError(f"heads ({self.heads}) must divide hidden ({self.hidden})")
        if self.max_length < 3:
            raise ValueError(f"max_length must be >= 3 ([CLS], one sub-token, [SEP]), got {self.max_length}")
        if self.stride > self.max_length - 2:
            raise ValueError(f"stride ({self.stride}) must not exceed max_length - 2 ({self.max_length - 2}): segments would be missed")
        if not 0 <= self.dropout < 1:
            raise ValueError(f"dropout must lie in [0, 1), got {self.dropout}")
        if self.lr <= 0:
            raise ValueError(f"lr must be > 0, got {self.lr}")
        if not 0 <= self.warmup < 1:
            raise ValueError(f"warmup must lie in [0, 1), got {self.warmup}")
        if any(not 0 <= t <= 1 for t in self.thresholds):
            raise ValueError(f"thresholds must lie in [0, 1], got {self.thresholds}")

    def encoding(self) -> dict[str, int]:
        """How segments become words and windows (meta.json ``encoding``)."""
        return {"text_head": self.text_head, "text_tail": self.text_tail, "prose_chars": self.prose_chars,
                "max_length": self.max_length, "stride": self.stride}
