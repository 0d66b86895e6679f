"""Training the transformer tagger: annotated reports in, a model directory with meta.json out.

``fit`` trains on segmented documents and their gold labels and keeps the epoch with the best dev
segment accuracy; ``train_transformer`` is what ``ogi train --kind transformer`` calls: it reads the
annotation files, trains on the train split, chooses the fallback threshold on dev (as ``train_crf``)
and writes ``model.safetensors``, ``config.json`` and ``meta.json``. Test-split reports are never used.
"""

from __future__ import annotations

import json
import logging
import random
import shutil
import time
from pathlib import Path
from typing import Any

from ogi import __version__, schema
from ogi.data import Document
from ogi.training.crf import _accuracy

log = logging.getLogger(__name__)


def _config(config: Any) -> Any:
    from ogi.training.config import TransformerConfig

    if config is None:
        return TransformerConfig()
    if isinstance(config, TransformerConfig):
        return config
    return TransformerConfig.from_file(Path(config))


def fit(
    train_docs: list[Document],
    y_train: list[list[str]],
    config: Any = None,
    dev_docs: list[Document] | None = None,
    y_dev: list[list[str]] | None = None,
) -> tuple[Any, list[dict[str, float]]]:
    """Train a TransformerTagger; returns it (the best dev epoch's weights) and the per-epoch history.

    Args:
        train_docs: segmented, template-detected documents.
        y_train: one gold tagger label per segment of each training document.
        config: a ``TransformerConfig``, a JSON path, or None for the defaults.
        dev_docs, y_dev: held-out documents; without them the last epoch is kept.
    """
    from ogi.taggers.transformer import (
        FEATURE_KEYS, TransformerTagger, build_network, build_vocab, collate, encode, feature_tokens, featurize,
        require_torch, windows,
    )

    torch = require_torch()
    cfg = _config(config)
    unknown = sorted({lab for ys in y_train for lab in ys} - schema.TAGGER_LABEL_SET)
    if unknown:
        raise ValueError(f"gold labels {unknown} are not tagger labels (schema.TAGGER_LABELS)")
    threads = torch.get_num_threads()
    deterministic = torch.are_deterministic_algorithms_enabled()
    torch.set_num_threads(cfg.threads)
    torch.use_deterministic_algorithms(True)
    torch.manual_seed(cfg.seed)
    try:
        X_train = featurize(train_docs)  # noqa: N806
        chars = build_vocab([ch for d in train_docs for s in d.segments for ch in s.text[: cfg.char_len]], cfg.min_freq)
        fvocab = build_vocab([t for xs in X_train for f in xs for t in feature_tokens(f)], cfg.min_freq)
        labels = list(schema.TAGGER_LABELS)
        arch = {
            "n_chars": len(chars), "n_feats": len(fvocab), "n_keys": len(FEATURE_KEYS), "n_labels": len(labels),
            "char_len": cfg.char_len, "char_dim": cfg.char_dim, "feat_dim": cfg.feat_dim, "hidden": cfg.hidden,
            "layers": cfg.layers, "heads": cfg.heads, "ff": cfg.ff, "dropout": cfg.dropout,
            "window": cfg.window, "stride": cfg.stride,
        }
        model_config = {
            "architecture": arch,
            "label2id": {lab: i for i, lab in enumerate(labels)},
            "id2label": {str(i): lab for i, lab in enumerate(labels)},
            "chars": chars,
            "features": {"keys": list(FEATURE_KEYS), "vocab": fvocab},
        }
        network = build_network(arch)
        tagger = TransformerTagger(network, model_config)
        l2i = tagger.label2id
        items: list[tuple[Any, Any, Any]] = []
        for doc, xs, ys in zip(train_docs, X_train, y_train, strict=True):
            c, f = encode(doc, xs, chars, fvocab, cfg.char_len)
            ct, ft = torch.tensor(c, dtype=torch.long), torch.tensor(f, dtype=torch.long)
            yt = torch.tensor([l2i[lab] for lab in ys], dtype=torch.long)
            for s, e in windows(len(c), cfg.window, cfg.stride):
                items.append((ct[s:e], ft[s:e], yt[s:e]))
        if not items:
            raise ValueError("no training segments: every training document is empty")
        dev_encoded = tagger.encode_docs(dev_docs) if dev_docs else None
        steps_per_epoch = (len(items) + cfg.batch_size - 1) // cfg.batch_size
        total = steps_per_epoch * cfg.epochs
        warm = max(1, int(cfg.warmup * total))
        opt = torch.optim.AdamW(network.parameters(), lr=cfg.lr, weight_decay=cfg.weight_decay)
        def lr_factor(k: int) -> float:  # linear warm-up, then linear decay to zero
            return min((k + 1) / warm, max(0.0, (total - k) / max(1, total - warm)))

        sched = torch.optim.lr_scheduler.LambdaLR(opt, lr_factor)
        loss_fn = torch.nn.CrossEntropyLoss(ignore_index=-100)
        rng = random.Random(cfg.seed)
        history: list[dict[str, float]] = []
        best_acc, best_state = -1.0, None
        for epoch in range(1, cfg.epochs + 1):
            t0 = time.perf_counter()
            network.train()
            order = list(range(len(items)))
            rng.shuffle(order)
            total_loss = 0.0
            for b in range(0, len(order), cfg.batch_size):
                batch = [items[j] for j in order[b : b + cfg.batch_size]]
                ch, fe, mask, y = collate([(c, f) for c, f, _ in batch], [yy for _, _, yy in batch])
                logits = network(ch, fe, mask)
                loss = loss_fn(logits.reshape(-1, logits.shape[-1]), y.reshape(-1))
                opt.zero_grad()
                loss.backward()
                torch.nn.utils.clip_grad_norm_(network.parameters(), 1.0)
                opt.step()
                sched.step()
                total_loss += loss.item() * len(batch)
            seconds = round(time.perf_counter() - t0, 1)
            row = {"epoch": epoch, "loss": round(total_loss / len(items), 5), "seconds": seconds}
            if dev_encoded is not None and y_dev is not None:
                pred = tagger.predict_encoded(dev_encoded)
                acc = _accuracy([[lab for lab, _ in s] for s in pred], y_dev)
                row["dev_segment_accuracy"] = round(acc, 5)
            else:
                acc = float(epoch)  # no dev data: keep the last epoch
            history.append(row)
            log.info("epoch %s", row)
            if acc > best_acc + 1e-9:
                best_acc = acc
                best_state = {k: v.detach().clone() for k, v in network.state_dict().items()}
        if best_state is not None:
            network.load_state_dict(best_state)
        network.eval()
        return tagger, history
    finally:
        torch.set_num_threads(threads)
        torch.use_deterministic_algorithms(deterministic)


def train_transformer(data: list[Path], out: Path, config: Any = None, name: str | None = None) -> dict[str, Any]:
    """Train the transformer on the train split of ``data``, choose the epoch and the fallback threshold
    on dev, write ``out``; returns the meta dict written to ``out/meta.json``.

    Args:
        data: annotation JSONL files or folders.
        out: the model directory to write (replaced whole once training succeeded).
        config: a JSON config path (``training/configs/transformer-default.json``), a
            ``TransformerConfig``, or None for the defaults.
    """
    from ogi.features import FEATURES_VERSION
    from ogi.training.crf import _library_versions, choose_threshold, data_hash, prepare, read_splits

    cfg = _config(config)
    parts = read_splits(data)
    t0 = time.perf_counter()
    train_docs, y_train = prepare(parts["train"])
    dev_docs, y_dev = prepare(parts["dev"]) if parts["dev"] else ([], [])
    tagger, history = fit(train_docs, y_train, cfg, dev_docs or None, y_dev or None)
    t_fit = time.perf_counter() - t0
    dev_scores: dict[str, Any] = {}
    threshold = 0.5
    if dev_docs:
        pdev = tagger.predict_features(dev_docs)
        dev_scores["transformer_segment_accuracy"] = _accuracy([[lab for lab, _ in s] for s in pdev], y_dev)
        threshold, scores = choose_threshold(tagger, "transformer", dev_docs, y_dev, pdev, cfg.thresholds)
        dev_scores.update(scores)
    libraries = _library_versions()
    from importlib.metadata import PackageNotFoundError, version

    for pkg in ("torch", "safetensors"):
        try:
            libraries[pkg] = version(pkg)
        except PackageNotFoundError:
            libraries[pkg] = "missing"
    best_epoch = max(history, key=lambda r: r.get("dev_segment_accuracy", r["epoch"]))["epoch"] if history else 0
    tagger.model_name = name or out.name
    tagger.version = __version__
    meta = {
        "name": tagger.model_name,
        "type": "transformer",
        "version": __version__,
        "labels": list(schema.TAGGER_LABELS),
        "features_version": FEATURES_VERSION,
        "libraries": libraries,
        "training_data": {
            "files": [str(p) for p in data], "hash": data_hash(data),
            "n_train": len(parts["train"]), "n_dev": len(parts["dev"]),
        },
        "config": cfg.to_dict(),
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
