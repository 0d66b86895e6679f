"""Typed training configs; one JSON file per experiment under ``training/configs/``."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path


@dataclass
class CRFConfig:
    """Settings of a CRF training run.

    Attributes:
        c1: L1 regularisation (sparsity of the feature weights).
        c2: L2 regularisation.
        max_iterations: L-BFGS iterations.
        min_freq: features seen fewer times are dropped.
        thresholds: fallback thresholds tried on the dev data; the best is stored in meta.json.
        seed: seed of any sampling (crfsuite's L-BFGS itself is deterministic).
    """

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

    @classmethod
    def from_file(cls, path: Path) -> CRFConfig:
        """Load a JSON config; unknown keys are an error naming them."""
        data = json.loads(path.read_text(encoding="utf-8"))
        known = set(cls.__dataclass_fields__)
        unknown = set(data) - known - {"model"}
        if unknown:
            raise ValueError(f"{path}: unknown config keys {sorted(unknown)}; known: {sorted(known)}")
        data.pop("model", None)
        return cls(**data)

    def to_dict(self) -> dict:
        return asdict(self)
