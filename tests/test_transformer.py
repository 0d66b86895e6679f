"""The transformer tagger on the Hugging Face stack: sub-token alignment, windows, overfitting IO
(train → exact tags → save_pretrained → from_pretrained → same tags), batch equals one-by-one, scores in
[0, 1], empty input, meta and checksum checks, datasets in memory, fine-tuning a tiny local checkpoint
offline (--init-from), the shipped model opening with AutoModelForTokenClassification, and the core
without torch or transformers."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

_NO_TORCH = "import sys; sys.modules['torch'] = None; "
_NO_TRANSFORMERS = "import sys; sys.modules['transformers'] = None; sys.modules['datasets'] = None; "


def _run(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=ROOT)


# -- without torch / transformers (these run whether or not the extra is installed) ---------------

@pytest.mark.parametrize("block", [_NO_TORCH, _NO_TRANSFORMERS])
def test_transformer_core_imports_without_the_extra(block: str) -> None:
    r = _run(block + "import ogi.pipeline, ogi.taggers.crf, ogi.taggers.transformer, ogi.training.transformer; "
             "from ogi.taggers import load_tagger; print(type(load_tagger('rules')).__name__)")
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "RuleTagger"


@pytest.mark.parametrize("block", [_NO_TORCH, _NO_TRANSFORMERS])
def test_transformer_without_the_extra_names_it(block: str) -> None:
    r = _run(block + "from ogi.taggers.transformer import require_transformers\n"
             "from ogi.errors import OptionalDependencyError\n"
             "try:\n    require_transformers()\nexcept OptionalDependencyError as e:\n    print(e)\n")
    assert r.returncode == 0, r.stderr
    assert "pip install 'ogi[transformer]'" in r.stdout


def test_transformer_align_labels_first_subtoken_only() -> None:
    from ogi.taggers.transformer import IGNORE, align_labels, first_positions

    word_ids = [None, 0, 0, 1, 2, 2, 2, None]
    assert align_labels(word_ids, [5, 6, 7]) == [IGNORE, 5, IGNORE, 6, 7, IGNORE, IGNORE, IGNORE]
    assert IGNORE == -100
    assert first_positions(word_ids, 3) == [1, 3, 4]
    assert align_labels([], []) == []
    with pytest.raises(ValueError, match="marker"):
        first_positions([None, 0, None], 2)  # word 1 got no sub-token


def test_transformer_words_mark_rule_label_line_start_and_shape() -> None:
    from ogi.data import Segment
    from ogi.taggers.transformer import head_token, marker_tokens, num_shape, segment_body

    assert head_token("ROW.t3.granted", True) == "[L:ROW.t3.granted]"
    assert [num_shape(t) for t in ("—", "0", "-3", "增2", "1.5万元", "2.5", "17")] == [
        "[#-]", "[#0]", "[#±]", "[#±]", "[#u]", "[#.]", ""]
    text = Segment("（三）不予公开的理由合计", 0, 12, 0, kind="text")
    assert segment_body(text) == "（三）不" + "由合计"
    assert segment_body(Segment("本机关全年共收到申请", 0, 10, 0, kind="prose")) == "本机关"
    assert len(set(marker_tokens())) == len(marker_tokens())


def test_transformer_windows_cover_every_segment() -> None:
    from ogi.taggers.transformer import best_window, windows

    assert windows(0, 8, 6) == []
    assert windows(5, 8, 6) == [(0, 5)]
    for n in (9, 17, 30, 100):
        wins = windows(n, 8, 6)
        assert wins[0][0] == 0 and wins[-1][1] == n
        assert all(e - s == 8 for s, e in wins)
        for i in range(n):
            s, e = wins[best_window(wins, i)]
            assert s <= i < e
            # no other window holds i further from its edges
            assert all(min(i - s2, e2 - 1 - i) <= min(i - s, e - 1 - i) for s2, e2 in wins if s2 <= i < e2)


# -- with torch and transformers -------------------------------------------------------------------

def _tiny_config(**kw):  # noqa: ANN202
    from ogi.training.config import TransformerConfig

    base = dict(hidden=32, layers=1, heads=2, ff=64, epochs=30, batch_size=4, lr=5e-3, dropout=0.0,
                max_length=64, stride=48, threads=1)
    return TransformerConfig(**{**base, **kw})


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory):
    pytest.importorskip("transformers")
    from ogi.training.crf import prepare
    from ogi.training.synth import generate
    from ogi.training.transformer import fit

    docs, ys = prepare(generate(3, 5))
    # max_length < the longest report: prediction goes through overlapping windows
    tagger, history = fit(docs, ys, _tiny_config())
    path = tmp_path_factory.mktemp("model") / "tiny"
    tagger.save(path)
    return docs, ys, tagger, path, history


def test_transformer_overfits_and_round_trips(tiny) -> None:
    from ogi.taggers.transformer import TransformerTagger

    docs, ys, tagger, path, history = tiny
    assert max(len(e[0]) for e in tagger.encode_docs(docs)) > 64
    pred = tagger.predict(docs)
    assert [[t.label for t in seq] for seq in pred] == ys
    assert all(t.source == "transformer" for seq in pred for t in seq)
    loaded = TransformerTagger.load(path)
    again = loaded.predict(docs)
    assert [[t.label for t in seq] for seq in again] == ys
    for a, b in zip(pred, again):
        assert [t.score for t in a] == pytest.approx([t.score for t in b], abs=1e-5)


def test_transformer_dir_is_a_hugging_face_checkpoint(tiny) -> None:
    from transformers import AutoModelForTokenClassification, AutoTokenizer

    from ogi import schema

    _, _, _, path, _ = tiny
    assert {"config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json", "meta.json"} <= {
        p.name for p in path.iterdir()}
    assert not list(path.glob("*.bin"))  # safetensors only, no pickle
    model = AutoModelForTokenClassification.from_pretrained(path, local_files_only=True)
    assert type(model).__name__ == "BertForTokenClassification"
    assert [model.config.id2label[i] for i in range(len(schema.TAGGER_LABELS))] == list(schema.TAGGER_LABELS)
    assert model.config.label2id["O"] == 0
    tok = AutoTokenizer.from_pretrained(path, local_files_only=True)
    enc = tok(["[L:ROW.t3.granted]予以公开", "[C:VAL.t3.granted.total][#0]"], is_split_into_words=True)
    assert enc.word_ids()[:2] == [None, 0] and enc.word_ids()[-1] is None
    assert tok.convert_ids_to_tokens(enc["input_ids"][1]) == "[L:ROW.t3.granted]"  # a marker stays whole


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


def test_transformer_load_checks_meta_and_files(tiny, tmp_path: Path) -> None:
    from ogi.errors import ModelLoadError
    from ogi.features import FEATURES_VERSION
    from ogi.taggers.transformer import TransformerTagger

    _, _, _, path, _ = tiny
    bad = tmp_path / "bad"
    shutil.copytree(path, bad)
    meta = json.loads((bad / "meta.json").read_text(encoding="utf-8"))
    assert set(meta["files"]) == {"config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json"}
    (bad / "meta.json").write_text(json.dumps({**meta, "features_version": "0-old"}), encoding="utf-8")
    with pytest.raises(ModelLoadError) as exc:
        TransformerTagger.load(bad)
    assert "'0-old'" in str(exc.value) and repr(FEATURES_VERSION) in str(exc.value)
    (bad / "meta.json").write_text(json.dumps({**meta, "type": "crf"}), encoding="utf-8")
    with pytest.raises(ModelLoadError, match="'crf'.*'transformer'"):
        TransformerTagger.load(bad)
    (bad / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
    tok = bad / "tokenizer.json"
    tok.write_text(tok.read_text(encoding="utf-8").replace("[UNK]", "[UNX]", 1), encoding="utf-8")
    with pytest.raises(ModelLoadError, match="tokenizer.json"):
        TransformerTagger.load(bad)
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


def test_transformer_dataset_has_fixed_features_in_memory() -> None:
    pytest.importorskip("datasets")
    from datasets import ClassLabel

    from ogi import schema
    from ogi.training.crf import prepare
    from ogi.training.synth import generate
    from ogi.training.transformer import build_dataset, tokenize_windows, window_features
    from ogi.taggers.transformer import IGNORE, build_tokenizer

    docs, ys = prepare(generate(2, 11))
    ds = build_dataset(docs, ys)
    assert ds.cache_files == []  # in memory: nothing written under ~/.cache
    assert ds.features["labels"].feature == ClassLabel(names=list(schema.TAGGER_LABELS))
    assert [len(w) for w in ds["words"]] == [len(d.segments) for d in docs]
    assert ds.features["labels"].feature.int2str(ds["labels"][0]) == ys[0]
    tok = build_tokenizer([w for ws in ds["words"] for w in ws])
    wins = ds.map(tokenize_windows, batched=True, remove_columns=ds.column_names, features=window_features(),
                  fn_kwargs={"tokenizer": tok, "max_length": 40, "stride": 30}, keep_in_memory=True)
    assert wins.cache_files == []
    assert all(len(ids) <= 40 and ids[0] == tok.cls_token_id and ids[-1] == tok.sep_token_id for ids in wins["input_ids"])
    # every segment's label is seen, on its first sub-token, in some window
    seen = sum(1 for labs in wins["labels"] for lab in labs if lab != IGNORE)
    assert seen >= sum(len(y) for y in ys)


def _train_data(tmp_path: Path, n: int = 3, seed: int = 7) -> Path:
    from ogi.annotations import dumps_jsonl
    from ogi.training.synth import generate

    reports = generate(n, seed)
    for r, split in zip(reports, ("train", "train", "dev")):
        r.meta["split"] = split
    data = tmp_path / "data.jsonl"
    data.write_bytes(dumps_jsonl(r.to_json() for r in reports))
    return data


def test_transformer_train_writes_model_dir(tmp_path: Path) -> None:
    pytest.importorskip("transformers")
    from ogi.taggers import load_tagger
    from ogi.training.transformer import train_transformer

    cfg = _tiny_config(epochs=2)
    meta = train_transformer([_train_data(tmp_path)], tmp_path / "m", cfg)
    written = json.loads((tmp_path / "m" / "meta.json").read_text(encoding="utf-8"))
    assert written["type"] == "transformer" and written["fallback"] is True and written["init_from"] is None
    assert {"torch", "transformers", "datasets", "tokenizers"} <= set(written["libraries"])
    assert {"transformer_segment_accuracy", "transformer_segment_f1"} <= set(written["dev_scores"])
    assert written["fallback_threshold"] in cfg.thresholds
    assert written["encoding"]["max_length"] == 64
    assert meta["training_seconds"] >= 0
    assert not (tmp_path / ".m.staging").exists()
    config = json.loads((tmp_path / "m" / "config.json").read_text(encoding="utf-8"))
    assert set(config["label2id"]) == set(config["id2label"].values())
    load_tagger(str(tmp_path / "m"))


def _tiny_checkpoint(path: Path) -> None:
    """A random 'pretrained Chinese BERT': a WordPiece vocabulary of characters, saved as a user has one."""
    from transformers import BertConfig, BertForMaskedLM, BertTokenizerFast

    chars = sorted(set("一二三四五六七八九十本机关年度政府信息公开申请予以部分不收到处理情况总计合其他数件元万"))
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *chars, *"0123456789"]
    path.mkdir()
    (path / "vocab.txt").write_text("\n".join(vocab) + "\n", encoding="utf-8")
    tok = BertTokenizerFast(vocab_file=str(path / "vocab.txt"), tokenize_chinese_chars=True)
    tok.save_pretrained(path)
    cfg = BertConfig(vocab_size=len(vocab), hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                     intermediate_size=64, max_position_embeddings=96)
    BertForMaskedLM(cfg).save_pretrained(path)


def test_transformer_init_from_fine_tunes_a_local_checkpoint_offline(tmp_path: Path, monkeypatch) -> None:
    pytest.importorskip("transformers")
    from typer.testing import CliRunner

    from ogi.cli.main import app
    from ogi.taggers import load_tagger

    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))  # any stray cache lands here, not in ~/.cache
    ckpt = tmp_path / "pretrained"
    _tiny_checkpoint(ckpt)
    cfg = tmp_path / "cfg.json"
    cfg.write_text(json.dumps({"model": "transformer", "epochs": 1, "max_length": 256, "stride": 64,
                               "batch_size": 4, "threads": 1}), encoding="utf-8")
    out = tmp_path / "fine"
    r = CliRunner().invoke(app, ["train", "--kind", "transformer", "--data", str(_train_data(tmp_path)),
                                 "--out", str(out), "--config", str(cfg), "--init-from", str(ckpt)])
    assert r.exit_code == 0, r.output
    meta = json.loads((out / "meta.json").read_text(encoding="utf-8"))
    config = json.loads((out / "config.json").read_text(encoding="utf-8"))
    assert meta["init_from"] == str(ckpt)
    assert config["hidden_size"] == 32 and config["max_position_embeddings"] == 96  # the checkpoint's sizes
    assert meta["encoding"]["max_length"] == 96  # windows fit its position embeddings
    assert config["vocab_size"] > 50  # ogi's marker tokens were added and the embeddings resized
    tagger = load_tagger(str(out) + ":raw")
    assert tagger.tokenizer.convert_tokens_to_ids("[L:O]") != tagger.tokenizer.unk_token_id
    from ogi.training.crf import prepare
    from ogi.training.synth import generate

    docs, _ = prepare(generate(1, 3))
    assert [len(s) for s in tagger.predict(docs)] == [len(d.segments) for d in docs]
    assert not (tmp_path / "hf").exists() or not any((tmp_path / "hf").rglob("*.arrow"))


def test_transformer_init_from_mistakes_are_one_line(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from ogi.cli.main import app

    data = str(_train_data(tmp_path))
    for args, word in (
        (["--kind", "crf", "--init-from", str(tmp_path)], "--init-from"),
        (["--kind", "transformer", "--init-from", str(tmp_path / "nope")], "nope"),
        (["--kind", "transformer", "--init-from", str(tmp_path)], "config.json"),
    ):
        r = CliRunner().invoke(app, ["train", "--data", data, "--out", str(tmp_path / "o"), *args])
        lines = [ln for ln in r.output.splitlines() if ln.strip() and not ln.startswith(("WARNING", "INFO"))]
        assert r.exit_code == 2 and len(lines) == 1 and lines[0].startswith("Error:") and word in lines[0], r.output


def test_transformer_config_checks() -> None:
    from ogi.training.config import TransformerConfig

    with pytest.raises(ValueError, match="stride"):
        TransformerConfig(max_length=10, stride=9)
    with pytest.raises(ValueError, match="heads"):
        TransformerConfig(hidden=30, heads=4)
    default = TransformerConfig.from_file(ROOT / "training" / "configs" / "transformer-default.json")
    assert default == TransformerConfig()


def test_transformer_shipped_model_loads(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("transformers")
    from transformers import AutoModelForTokenClassification

    from ogi.taggers.transformer import TransformerTagger

    path = ROOT / "models" / "transformer-default"
    meta = json.loads((path / "meta.json").read_text(encoding="utf-8"))
    assert meta["type"] == "transformer" and "training_seconds" in meta
    assert sum(f.stat().st_size for f in path.iterdir()) < 6_000_000
    monkeypatch.chdir(ROOT)
    model = AutoModelForTokenClassification.from_pretrained("models/transformer-default", local_files_only=True)
    assert model.config.id2label[0] == "O" and model.num_labels == len(meta["labels"])
    TransformerTagger.load(path)
