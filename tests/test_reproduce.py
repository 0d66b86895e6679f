"""Retraining the default model, the CRF trained with real annotations (models/crf-real), from the committed
annotations with its config gives its scores. (models/crf-default was trained on an older synthetic corpus that
is no longer committed; git history has it.) The rule tags are CRF features: a change to the rules needs a
retrain (python training/train_default.py) before this passes again."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ogi.training.crf import data_hash, train_crf
from ogi.training.config import CRFConfig

ROOT = Path(__file__).resolve().parents[1]
MODEL = ROOT / "models" / "crf-real"


@pytest.mark.slow
def test_reproduce_shipped_crf_scores(tmp_path: Path) -> None:
    meta = json.loads((MODEL / "meta.json").read_text(encoding="utf-8"))
    data = meta["training_data"]
    files = [ROOT / f for f in data["files"]]
    # the synthetic train/dev splits and annotations/real.jsonl (training/train_default.py)
    assert any(f.name == "real.jsonl" for f in files)
    assert data_hash(files) == data["hash"], "committed annotations differ from the shipped model's"
    cfg = CRFConfig(**meta["config"])
    new = train_crf(files, tmp_path / "crf", cfg, real_weight=int(data.get("real_weight", 1)))
    assert new["training_data"]["n_real_train"] == data["n_real_train"]
    assert new["labels"] == meta["labels"]
    assert new["fallback_threshold"] == meta["fallback_threshold"]
    for key, value in meta["dev_scores"].items():
        assert new["dev_scores"][key] == pytest.approx(value, abs=1e-9), key
