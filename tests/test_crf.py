"""CRF tagger: overfitting round trip and the user's retraining loop (the shared contract: test_tagger_contract.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ogi.annotations import read_annotations, write_annotations
from ogi.cli.main import app
from ogi.taggers.crf import CRFTagger, featurize
from ogi.training.crf import prepare
from ogi.training.config import CRFConfig
from ogi.training.synth import generate

ROOT = Path(__file__).resolve().parents[1]


def test_crf_overfits_saves_loads_same_tags(tmp_path: Path) -> None:
    reports = generate(4, 5)
    docs, ys = prepare(reports)
    X = featurize(docs)
    crf = CRFTagger(c1=0.0, c2=0.001, max_iterations=200).fit(X, ys, tmp_path / "m" / "model.crfsuite")
    pred = [[lab for lab, _ in seq] for seq in crf.predict_features(X)]
    assert pred == ys  # learns its training data exactly
    (tmp_path / "m" / "meta.json").write_text(json.dumps({"type": "crf", "features_version": "1", "config": {}}), encoding="utf-8")
    loaded = CRFTagger.load(tmp_path / "m")
    again = [[t.label for t in tags] for tags in loaded.predict(docs)]
    assert again == ys
    one_by_one = [[t.label for t in loaded.predict([d])[0]] for d in docs]
    assert one_by_one == again


def test_crf_load_names_both_sides_of_a_feature_mismatch(tmp_path: Path) -> None:
    from ogi.errors import ModelLoadError

    (tmp_path / "model.crfsuite").write_bytes(b"")
    (tmp_path / "meta.json").write_text(json.dumps({"type": "crf", "features_version": "0"}), encoding="utf-8")
    with pytest.raises(ModelLoadError, match=r"version '0'.*version '1'"):
        CRFTagger.load(tmp_path)


def test_retraining_loop_as_a_user(tmp_path: Path) -> None:
    """annotate → correct a span → validate → train → eval → tag with the new model (README's loop)."""
    runner = CliRunner()
    train = generate(12, 3)
    for r in train[:10]:
        r.meta["split"] = "train"
    for r in train[10:]:
        r.meta["split"] = "dev"
    write_annotations(train, tmp_path / "synth.jsonl")
    mine = tmp_path / "mine.jsonl"
    res = runner.invoke(app, ["annotate", str(ROOT / "seeds" / "004_9df3e7f9371227a8.txt"), "--out", str(mine), "--split", "train"])
    assert res.exit_code == 0, res.output
    rep = read_annotations(mine)[0]
    # the person corrects one span: the broken header half "组织" belongs to 社会公益组织
    from ogi.annotations import Span

    i = next(i for i, s in enumerate(rep.spans) if rep.text[s.start : s.end] == "社会公益")
    k = next(k for k in range(i + 1, len(rep.spans)) if rep.text[rep.spans[k].start : rep.spans[k].end] == "组织")
    # what the pre-fill said: the broken half as a plain header, or already the column (the rules now join it)
    assert rep.spans[k].label in ("HDR", "COL.t3.social_welfare")
    rep.spans[k] = Span(rep.spans[k].start, rep.spans[k].end, "COL.t3.social_welfare")
    write_annotations([rep], mine)
    assert runner.invoke(app, ["validate", str(tmp_path)]).exit_code == 0
    cfg = tmp_path / "cfg.json"
    cfg.write_text(json.dumps(CRFConfig(max_iterations=40).to_dict()), encoding="utf-8")
    model = tmp_path / "my-crf"
    res = runner.invoke(app, ["train", "--kind", "crf", "--data", str(tmp_path / "synth.jsonl"), "--data", str(mine), "--out", str(model), "--config", str(cfg)])
    assert res.exit_code == 0, res.output
    meta = json.loads((model / "meta.json").read_text(encoding="utf-8"))
    assert meta["training_data"]["n_train"] == 11 and meta["type"] == "crf"
    res = runner.invoke(app, ["eval", "--model", str(model), "--data", str(ROOT / "annotations" / "seeds.jsonl"), "--out", str(tmp_path / "ev")])
    assert res.exit_code == 0, res.output
    assert (tmp_path / "ev" / "report.html").is_file()
    out = tmp_path / "tagged.jsonl"
    res = runner.invoke(app, ["tag", str(ROOT / "seeds" / "003_2494e1b8728ee7a1.txt"), "--model", str(model), "--out", str(out), "--no-progress"])
    assert res.exit_code == 0, res.output
    rec = json.loads(out.read_text(encoding="utf-8"))
    assert rec["cells"]["t3.total_processed.total"]["value"] == "144"
