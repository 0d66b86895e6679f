"""Training the transformer tagger: annotated reports in, a Hugging Face checkpoint plus meta.json out.

The reports flow through ``datasets``: ``build_dataset`` makes a ``Dataset`` with fixed ``Features``
(one row per report: its words, one per segment, and their labels as a ``ClassLabel`` sequence), and
``Dataset.map(tokenize_windows)`` turns each row into windows of sub-token ids with aligned labels
(``align_labels``: the label on a segment's first sub-token, -100 elsewhere). Everything stays in
memory: no cache file is written (nothing under ~/.cache). ``fit`` trains a
``BertForTokenClassification`` — a small BERT from scratch over ogi's own character tokenizer, or a
local pretrained checkpoint (``init_from``) whose tokenizer gets ogi's marker tokens — and keeps the
epoch with the best dev segment accuracy (scored with scikit-learn). ``train_transformer`` is what
``ogi train --kind transformer`` calls: train split to train, dev split for the epoch and the fallback
threshold, test split never used.
"""

from __future__ import annotations

import json
import logging
import shutil
import time
from pathlib import Path
from typing import Any

from ogi import __version__, schema
from ogi.data import Document
from ogi.errors import ModelLoadError

log = logging.getLogger(__name__)


def _config(config: Any) -> Any:
    from ogi.training.config import TransformerConfig

    if config is None:
        return TransformerConfig()
    if isinstance(config, TransformerConfig):
        return config
    return TransformerConfig.from_file(Path(config))


def dataset_features() -> Any:
    """The fixed ``datasets.Features`` of a report row: id, words (one per segment), labels (ClassLabel)."""
    from datasets import ClassLabel, Features, List, Value

    return Features({
        "id": Value("string"),
        "words": List(Value("string")),
        "labels": List(ClassLabel(names=list(schema.TAGGER_LABELS))),
    })


def window_features() -> Any:
    """The fixed ``datasets.Features`` of a training window."""
    from datasets import Features, List, Value

    return Features({
        "input_ids": List(Value("int32")),
        "attention_mask": List(Value("int8")),
        "labels": List(Value("int64")),
    })


def build_dataset(docs: list[Document], ys: list[list[str]], encoding: dict[str, int] | None = None) -> Any:
    """A ``datasets.Dataset`` (in memory) of segmented documents and their gold labels, one row each."""
    from datasets import Dataset

    from ogi.taggers.transformer import require_transformers, words_of

    require_transformers()
    l2i = {lab: i for i, lab in enumerate(schema.TAGGER_LABELS)}
    rows: dict[str, list[Any]] = {"id": [], "words": [], "labels": []}
    for doc, y in zip(docs, ys, strict=True):
        rows["id"].append(doc.id)
        rows["words"].append(words_of(doc, encoding))
        rows["labels"].append([l2i[lab] for lab in y])
    return Dataset.from_dict(rows, features=dataset_features())


def tokenize_windows(batch: dict[str, list[Any]], tokenizer: Any, max_length: int, stride: int) -> dict[str, list[Any]]:
    """``Dataset.map`` function (batched): each report row → windows of ``max_length`` sub-tokens
    ([CLS] … [SEP]) every ``stride``, labels aligned to the first sub-token of each segment."""
    from ogi.taggers.transformer import IGNORE, align_labels, windows

    out: dict[str, list[Any]] = {"input_ids": [], "attention_mask": [], "labels": []}
    todo = [i for i, w in enumerate(batch["words"]) if w]
    if not todo:
        return out
    enc = tokenizer([batch["words"][i] for i in todo], is_split_into_words=True, add_special_tokens=False)
    for k, i in enumerate(todo):
        ids = enc["input_ids"][k]
        labels = align_labels(enc.word_ids(k), batch["labels"][i])
        for s, e in windows(len(ids), max_length - 2, stride):
            out["input_ids"].append([tokenizer.cls_token_id, *ids[s:e], tokenizer.sep_token_id])
            out["attention_mask"].append([1] * (e - s + 2))
            out["labels"].append([IGNORE, *labels[s:e], IGNORE])
    return out


def _quiet_map(ds: Any, fn: Any, **kwargs: Any) -> Any:
    """``ds.map(fn, **kwargs)`` without datasets' progress bar (ogi's stderr is for its own lines)."""
    import datasets

    was = datasets.is_progress_bar_enabled()
    datasets.disable_progress_bars()
    try:
        return ds.map(fn, **kwargs)
    finally:
        if was:
            datasets.enable_progress_bars()


def segment_scores(pred: list[list[str]], gold: list[list[str]]) -> dict[str, float]:
    """Segment accuracy and micro F1 over the labels other than O (scikit-learn)."""
    from sklearn.metrics import accuracy_score, f1_score

    p = [lab for seq in pred for lab in seq]
    g = [lab for seq in gold for lab in seq]
    if not g:
        return {"segment_accuracy": 0.0, "segment_f1": 0.0}
    labels = sorted(set(g) - {"O"})
    f1 = f1_score(g, p, labels=labels, average="micro", zero_division=0) if labels else 1.0
    return {"segment_accuracy": round(float(accuracy_score(g, p)), 5), "segment_f1": round(float(f1), 5)}


def _from_scratch(cfg: Any, words: list[list[str]]) -> tuple[Any, Any]:
    from transformers import BertConfig, BertForTokenClassification

    from ogi.taggers.transformer import build_tokenizer

    tokenizer = build_tokenizer([w for ws in words for w in ws], cfg.min_freq)
    labels = list(schema.TAGGER_LABELS)
    bert = BertConfig(
        vocab_size=len(tokenizer), hidden_size=cfg.hidden, num_hidden_layers=cfg.layers,
        num_attention_heads=cfg.heads, intermediate_size=cfg.ff, hidden_dropout_prob=cfg.dropout,
        attention_probs_dropout_prob=cfg.dropout, max_position_embeddings=cfg.max_length,
        pad_token_id=tokenizer.pad_token_id, num_labels=len(labels),
        id2label=dict(enumerate(labels)), label2id={lab: i for i, lab in enumerate(labels)},
    )
    return BertForTokenClassification(bert), tokenizer


def _from_checkpoint(path: Path) -> tuple[Any, Any]:
    """A local pretrained checkpoint with a fresh token-classification head over the tagger labels."""
    from transformers import AutoConfig, AutoModelForTokenClassification, AutoTokenizer

    from ogi.taggers.integrity import check_architecture
    from ogi.taggers.transformer import add_markers

    path = Path(path)
    if not (path / "config.json").is_file():
        raise ModelLoadError(f"{path}: --init-from needs a local checkpoint folder with config.json (save_pretrained)")
    labels = list(schema.TAGGER_LABELS)
    try:
        raw = json.loads((path / "config.json").read_text(encoding="utf-8"))
        check_architecture({**raw, "id2label": {"0": "O"}}, str(path / "config.json"))
        config = AutoConfig.from_pretrained(
            path, local_files_only=True, num_labels=len(labels),
            id2label=dict(enumerate(labels)), label2id={lab: i for i, lab in enumerate(labels)},
        )
        tokenizer = AutoTokenizer.from_pretrained(path, local_files_only=True)
        model = AutoModelForTokenClassification.from_pretrained(
            path, config=config, local_files_only=True, ignore_mismatched_sizes=True
        )
    except (OSError, ValueError, KeyError, json.JSONDecodeError) as exc:
        raise ModelLoadError(f"{path}: cannot load the checkpoint to fine-tune: {str(exc).splitlines()[0]}") from exc
    if not getattr(tokenizer, "is_fast", False):
        raise ModelLoadError(f"{path}: the checkpoint's tokenizer is not a fast tokenizer (tokenizer.json); word_ids() needs one")
    if add_markers(tokenizer):
        model.resize_token_embeddings(len(tokenizer))
    return model, tokenizer


def fit(
    train_docs: list[Document],
    y_train: list[list[str]],
    config: Any = None,
    dev_docs: list[Document] | None = None,
    y_dev: list[list[str]] | None = None,
    init_from: Path | None = None,
) -> tuple[Any, list[dict[str, float]]]:
    """Train a TransformerTagger; returns it (the best dev epoch's weights) and the per-epoch history.

    Args:
        train_docs: segmented, template-detected documents.
        y_train: one gold tagger label per segment of each training document.
        config: a ``TransformerConfig``, a JSON path, or None for the defaults.
        dev_docs, y_dev: held-out documents; without them the last epoch is kept.
        init_from: a local pretrained checkpoint to fine-tune (its sizes and tokenizer are kept);
            None trains a small BERT from scratch.
    """
    from ogi.taggers.transformer import TransformerTagger, require_torch, require_transformers

    torch = require_torch()
    require_transformers()
    from transformers import DataCollatorForTokenClassification, get_linear_schedule_with_warmup

    cfg = _config(config)
    unknown = sorted({lab for ys in y_train for lab in ys} - schema.TAGGER_LABEL_SET)
    if unknown:
        raise ValueError(f"gold labels {unknown} are not tagger labels (schema.TAGGER_LABELS)")
    threads = torch.get_num_threads()
    torch.set_num_threads(cfg.threads)
    torch.manual_seed(cfg.seed)
    try:
        encoding = cfg.encoding()
        train_ds = build_dataset(train_docs, y_train, encoding)
        if init_from is None:
            model, tokenizer = _from_scratch(cfg, train_ds["words"])
        else:
            model, tokenizer = _from_checkpoint(Path(init_from))
        max_length = min(cfg.max_length, int(model.config.max_position_embeddings))
        stride = min(cfg.stride, max_length - 2)
        encoding.update(max_length=max_length, stride=stride)
        windows_ds = _quiet_map(
            train_ds, tokenize_windows, batched=True, remove_columns=train_ds.column_names,
            features=window_features(), keep_in_memory=True,
            fn_kwargs={"tokenizer": tokenizer, "max_length": max_length, "stride": stride},
        )
        if len(windows_ds) == 0:
            raise ValueError("no training segments: every training document is empty")
        tagger = TransformerTagger(model, tokenizer, encoding, threads=cfg.threads)
        dev_encoded = tagger.encode_docs(dev_docs) if dev_docs else None
        collator = DataCollatorForTokenClassification(tokenizer, label_pad_token_id=-100, return_tensors="pt")
        gen = torch.Generator().manual_seed(cfg.seed)
        loader = torch.utils.data.DataLoader(
            windows_ds, batch_size=cfg.batch_size, shuffle=True, generator=gen, collate_fn=collator
        )
        total = len(loader) * cfg.epochs
        opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr, weight_decay=cfg.weight_decay)
        sched = get_linear_schedule_with_warmup(opt, max(1, int(cfg.warmup * total)), total)
        history: list[dict[str, float]] = []
        best_acc, best_state = -1.0, None
        for epoch in range(1, cfg.epochs + 1):
            t0 = time.perf_counter()
            model.train()
            total_loss, n = 0.0, 0
            for batch in loader:
                loss = model(**batch).loss  # cross-entropy over the positions whose label is not -100
                opt.zero_grad()
                loss.backward()
                torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
                opt.step()
                sched.step()
                total_loss += loss.item() * len(batch["input_ids"])
                n += len(batch["input_ids"])
            row: dict[str, float] = {"epoch": epoch, "loss": round(total_loss / max(n, 1), 5),
                                     "seconds": round(time.perf_counter() - t0, 1)}
            if dev_encoded is not None and y_dev is not None:
                pred = tagger.predict_encoded(dev_encoded)
                scores = segment_scores([[lab for lab, _ in s] for s in pred], y_dev)
                row["dev_segment_accuracy"] = scores["segment_accuracy"]
                row["dev_segment_f1"] = scores["segment_f1"]
                acc = scores["segment_accuracy"]
            else:
                acc = float(epoch)  # no dev data: keep the last epoch
            history.append(row)
            log.info("epoch %s", row)
            if acc > best_acc + 1e-9:
                best_acc = acc
                best_state = {k: v.detach().clone() for k, v in model.state_dict().items()}
        if best_state is not None:
            model.load_state_dict(best_state)
        model.eval()
        tagger.threads = 1
        return tagger, history
    finally:
        torch.set_num_threads(threads)


def _library_versions_transformer() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    from ogi.training.crf import _library_versions

    out = _library_versions()
    for pkg in ("torch", "transformers", "tokenizers", "datasets", "safetensors", "scikit-learn"):
        try:
            out[pkg] = version(pkg)
        except PackageNotFoundError:
            out[pkg] = "missing"
    return out


def train_transformer(
    data: list[Path], out: Path, config: Any = None, name: str | None = None, init_from: Path | None = None
) -> dict[str, Any]:
    """Train the transformer on the train split of ``data``, choose the epoch and the fallback threshold
    on dev, write ``out``; returns the meta dict written to ``out/meta.json``.

    Args:
        data: annotation JSONL files or folders.
        out: the model directory to write (replaced whole once training succeeded).
        config: a JSON config path (``training/configs/transformer-default.json``), a
            ``TransformerConfig``, or None for the defaults.
        name: the model's name in meta.json and in tagged records (default: ``out``'s folder name).
        init_from: a local pretrained checkpoint folder to fine-tune instead of training from scratch.
    """
    from ogi.features import FEATURES_VERSION
    from ogi.training.crf import choose_threshold, data_hash, prepare, read_splits

    cfg = _config(config)
    if init_from is not None and not Path(init_from).is_dir():
        raise ModelLoadError(f"{init_from}: --init-from needs a local checkpoint folder (none there)")
    parts = read_splits(data)
    t0 = time.perf_counter()
    train_docs, y_train = prepare(parts["train"])
    dev_docs, y_dev = prepare(parts["dev"]) if parts["dev"] else ([], [])
    tagger, history = fit(train_docs, y_train, cfg, dev_docs or None, y_dev or None, init_from)
    t_fit = time.perf_counter() - t0
    dev_scores: dict[str, Any] = {}
    threshold = 0.5
    if dev_docs:
        pdev = tagger.predict_features(dev_docs)
        scores = segment_scores([[lab for lab, _ in s] for s in pdev], y_dev)
        dev_scores["transformer_segment_accuracy"] = scores["segment_accuracy"]
        dev_scores["transformer_segment_f1"] = scores["segment_f1"]
        threshold, th_scores = choose_threshold(tagger, "transformer", dev_docs, y_dev, pdev, cfg.thresholds)
        dev_scores.update(th_scores)
    best_epoch = max(history, key=lambda r: r.get("dev_segment_accuracy", r["epoch"]))["epoch"] if history else 0
    tagger.model_name = name or out.name
    tagger.version = __version__
    meta = {
        "name": tagger.model_name,
        "type": "transformer",
        "version": __version__,
        "labels": list(schema.TAGGER_LABELS),
        "features_version": FEATURES_VERSION,
        "libraries": _library_versions_transformer(),
        "init_from": str(init_from) if init_from is not None else None,
        "training_data": {
            "files": [str(p) for p in data], "hash": data_hash(data),
            "n_train": len(parts["train"]), "n_dev": len(parts["dev"]),
        },
        "config": cfg.to_dict(),
        "parameters": sum(p.numel() for p in tagger.model.parameters()),
        "fallback": True,
        "fallback_threshold": threshold,
        "dev_scores": dev_scores,
        "best_epoch": best_epoch,
        "history": history,
        "training_seconds": round(time.perf_counter() - t0, 1),
        "fit_seconds": round(t_fit, 1),
    }
    staging = out.parent / f".{out.name}.staging"
    if staging.exists():
        shutil.rmtree(staging)
    tagger.save(staging, meta)
    if out.exists():
        shutil.rmtree(out)
    staging.rename(out)
    log.info("wrote %s: %s", out, json.dumps(dev_scores))
    return meta
