"""The transformer tagger: overfitting IO (train → exact tags → save → load → same tags), batch equals
one-by-one, scores in [0, 1], empty input, windows, meta checks, and the core without torch."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

_NO_TORCH = "import sys; sys.modules['torch'] = None; "


def _run(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=ROOT)


# -- without torch (these run whether or not torch is installed) --------------------------------

def test_transformer_core_imports_without_torch() -> None:
    r = _run(_NO_TORCH + "import ogi.pipeline, ogi.taggers.crf, ogi.taggers.transformer, ogi.train_transformer; "
             "from ogi.taggers import load_tagger; print(type(load_tagger('rules')).__name__)")
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "RuleTagger"


def test_transformer_without_torch_names_the_extra() -> None:
    r = _run(_NO_TORCH + "from ogi.taggers.transformer import require_torch\n"
             "from ogi.errors import OptionalDependencyError\n"
             "try:\n    require_torch()\nexcept OptionalDependencyError as e:\n    print(e)\n")
    assert r.returncode == 0, r.stderr
    assert "pip install 'ogi[transformer]'" in r.stdout


def test_transformer_windows_cover_every_segment() -> None:
    from ogi.taggers.transformer import central_window, windows

    assert windows(0, 8, 6) == []
    assert windows(5, 8, 6) == [(0, 5)]
    for n in (9, 17, 30, 100):
        wins = windows(n, 8, 6)
        assert wins[0][0] == 0 and wins[-1][1] == n
        assert all(e - s == 8 for s, e in wins)
        pick = central_window(wins, n)
        for i in range(n):
            s, e = wins[pick[i]]
            assert s <= i < e
            # no other window holds i further from its edges
            assert all(min(i - s2, e2 - 1 - i) <= min(i - s, e - 1 - i) for s2, e2 in wins if s2 <= i < e2)


# -- with torch --------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory):
    pytest.importorskip("torch")
    from ogi.training.crf import prepare
    from ogi.training.transformer import fit
    from ogi.training.config import TransformerConfig
    from ogi.training.synth import generate

    docs, ys = prepare(generate(3, 5))
    # window < the longest report: prediction goes through overlapping windows
    cfg = TransformerConfig(hidden=32, layers=1, heads=2, ff=64, char_dim=16, feat_dim=8, epochs=80, batch_size=2,
                            lr=5e-3, dropout=0.0, window=64, stride=48, threads=1)
    tagger, history = fit(docs, ys, cfg)
    path = tmp_path_factory.mktemp("model") / "tiny"
    tagger.save(path)
    return docs, ys, tagger, path, history


def test_transformer_overfits_and_round_trips(tiny) -> None:
    from ogi.taggers.transformer import TransformerTagger

    docs, ys, tagger, path, history = tiny
    assert max(len(d.segments) for d in docs) > 64
    pred = tagger.predict(docs)
    assert [[t.label for t in seq] for seq in pred] == ys
    assert all(t.source == "transformer" for seq in pred for t in seq)
    loaded = TransformerTagger.load(path)
    again = loaded.predict(docs)
    assert [[t.label for t in seq] for seq in again] == ys
    for a, b in zip(pred, again):
        assert [t.score for t in a] == pytest.approx([t.score for t in b], abs=1e-5)


def test_transformer_batch_equals_one_by_one(tiny) -> None:
    docs, _, tagger, _, _ = tiny
    batch = tagger.predict(docs)
    for doc, seq in zip(docs, batch):
        one = tagger.predict([doc])[0]
        assert [t.label for t in one] == [t.label for t in seq]
        assert [t.score for t in one] == pytest.approx([t.score for t in seq], abs=1e-5)


def test_transformer_scores_in_unit_interval(tiny) -> None:
    docs, _, tagger, _, _ = tiny
    scores = [t.score for seq in tagger.predict(docs) for t in seq]
    assert scores and all(0.0 <= s <= 1.0 for s in scores)


def test_transformer_empty_document(tiny) -> None:
    from ogi.context import detect
    from ogi.readers.text import document_from_text
    from ogi.segment import segment

    docs, _, tagger, _, _ = tiny
    empty = document_from_text("", "empty.txt", "empty")
    segment(empty)
    detect(empty)
    assert tagger.predict([]) == []
    assert tagger.predict([empty]) == [[]]
    out = tagger.predict([empty, docs[2]])
    assert out[0] == [] and len(out[1]) == len(docs[2].segments)


def test_transformer_load_checks_meta(tiny, tmp_path: Path) -> None:
    import shutil

    from ogi.errors import ModelLoadError
    from ogi.features import FEATURES_VERSION
    from ogi.taggers.transformer import TransformerTagger

    _, _, _, path, _ = tiny
    bad = tmp_path / "bad"
    shutil.copytree(path, bad)
    meta = json.loads((bad / "meta.json").read_text(encoding="utf-8"))
    (bad / "meta.json").write_text(json.dumps({**meta, "features_version": "0-old"}), encoding="utf-8")
    with pytest.raises(ModelLoadError) as exc:
        TransformerTagger.load(bad)
    assert "'0-old'" in str(exc.value) and repr(FEATURES_VERSION) in str(exc.value)
    (bad / "meta.json").write_text(json.dumps({**meta, "type": "crf"}), encoding="utf-8")
    with pytest.raises(ModelLoadError, match="'crf'.*'transformer'"):
        TransformerTagger.load(bad)
    (bad / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
    (bad / "model.safetensors").unlink()
    with pytest.raises(ModelLoadError, match="model.safetensors"):
        TransformerTagger.load(bad)


def test_transformer_load_tagger_wraps_in_fallback(tiny) -> None:
    from ogi.taggers import load_tagger
    from ogi.taggers.fallback import FallbackTagger
    from ogi.taggers.transformer import TransformerTagger

    docs, _, _, path, _ = tiny
    tagger = load_tagger(str(path))
    assert isinstance(tagger, FallbackTagger) and isinstance(tagger.primary, TransformerTagger)
    assert [len(s) for s in tagger.predict(docs)] == [len(d.segments) for d in docs]


def test_transformer_train_writes_model_dir(tmp_path: Path) -> None:
    pytest.importorskip("torch")
    from ogi.annotations import dumps_jsonl
    from ogi.taggers import load_tagger
    from ogi.training.transformer import train_transformer
    from ogi.training.config import TransformerConfig
    from ogi.training.synth import generate

    reports = generate(3, 7)
    for r, split in zip(reports, ("train", "train", "dev")):
        r.meta["split"] = split
    data = tmp_path / "data.jsonl"
    data.write_bytes(dumps_jsonl(r.to_json() for r in reports))
    cfg = TransformerConfig(hidden=32, layers=1, heads=2, ff=64, char_dim=16, feat_dim=8, epochs=2, threads=1)
    meta = train_transformer([data], tmp_path / "m", cfg)
    written = json.loads((tmp_path / "m" / "meta.json").read_text(encoding="utf-8"))
    assert written["type"] == "transformer" and written["fallback"] is True
    assert {"torch", "safetensors"} <= set(written["libraries"])
    assert "transformer_segment_accuracy" in written["dev_scores"]
    assert written["fallback_threshold"] in cfg.thresholds
    assert meta["training_seconds"] >= 0
    assert not (tmp_path / ".m.staging").exists()
    config = json.loads((tmp_path / "m" / "config.json").read_text(encoding="utf-8"))
    assert set(config["label2id"]) == set(config["id2label"].values())
    load_tagger(str(tmp_path / "m"))


def test_transformer_config_checks() -> None:
    from ogi.training.config import TransformerConfig

    with pytest.raises(ValueError, match="stride"):
        TransformerConfig(window=8, stride=9)
    with pytest.raises(ValueError, match="heads"):
        TransformerConfig(hidden=30, heads=4)
    default = TransformerConfig.from_file(ROOT / "training" / "configs" / "transformer-default.json")
    assert default == TransformerConfig()


def test_transformer_shipped_model_loads() -> None:
    pytest.importorskip("torch")
    path = ROOT / "models" / "transformer-default"
    if not (path / "meta.json").is_file():
        pytest.skip("no shipped transformer model")
    from ogi.taggers.transformer import TransformerTagger

    meta = json.loads((path / "meta.json").read_text(encoding="utf-8"))
    assert meta["type"] == "transformer" and "training_seconds" in meta
    assert sum(f.stat().st_size for f in path.iterdir()) < 6_000_000
    TransformerTagger.load(path)
