"""Retraining the shipped CRF from the committed annotations with its config gives its scores."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ogi.training.crf import data_hash, train_crf
from ogi.training.config import CRFConfig

ROOT = Path(__file__).resolve().parents[1]
MODEL = ROOT / "models" / "crf-default"


@pytest.mark.slow
def test_reproduce_shipped_crf_scores(tmp_path: Path) -> None:
    meta = json.loads((MODEL / "meta.json").read_text(encoding="utf-8"))
    files = [ROOT / f for f in meta["training_data"]["files"]]
    assert data_hash(files) == meta["training_data"]["hash"], "committed annotations differ from the shipped model's"
    cfg = CRFConfig(**meta["config"])
    new = train_crf(files, tmp_path / "crf", cfg)
    assert new["labels"] == meta["labels"]
    assert new["fallback_threshold"] == meta["fallback_threshold"]
    for key, value in meta["dev_scores"].items():
        assert new["dev_scores"][key] == pytest.approx(value, abs=1e-9), key
