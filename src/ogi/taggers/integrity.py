"""Model files checked before a C library or an allocator sees them.

crfsuite's model reader trusts its file: a truncated or altered ``model.crfsuite`` segfaults the
process or spins (26 of 40 corrupt variants did). So a model directory's ``meta.json`` records each
weight file's size and SHA-256 (``"files"``), written at training time, checked at load; the crfsuite
header (magic, declared size, chunk offsets) is checked too, which also covers models trained before
checksums were recorded. A transformer config asking for a huge network is refused before any
tensor is allocated.
"""

from __future__ import annotations

import hashlib
import json
import logging
import struct
from pathlib import Path
from typing import Any

from ogi.errors import ModelLoadError

log = logging.getLogger(__name__)

MAX_MODEL_BYTES = 2 * 1024**3  # no shipped or trainable model comes near this
MAX_PARAMETERS = 400_000_000  # transformer parameters (1.6 GB of float32): room for a fine-tuned bert-base-chinese (~0.1 G)
MAX_DIM = 100_000  # any single architecture size (vocabulary, width, window)
CRF_MAGIC = b"lCRF"
_CRF_HEADER = struct.Struct("<4sI4sIIIIIIIII")  # magic, size, type, version, #feat, #labels, #attrs, 5 offsets


def file_record(path: Path) -> dict[str, Any]:
    """``{"size": bytes, "sha256": hex}`` of a model file, for ``meta.json["files"]``."""
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return {"size": path.stat().st_size, "sha256": h.hexdigest()}


def read_meta(model_dir: Path) -> dict[str, Any]:
    """``meta.json`` of a model directory as a dict.

    Raises:
        ModelLoadError: missing, not JSON, or not an object.
    """
    meta_path = model_dir / "meta.json"
    if not meta_path.is_file():
        raise ModelLoadError(f"{model_dir}: no meta.json; not a model directory")
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ModelLoadError(f"{meta_path}: not valid JSON ({exc}); restore the model folder or retrain") from exc
    if not isinstance(meta, dict):
        raise ModelLoadError(f"{meta_path}: not a JSON object; restore the model folder or retrain")
    return meta


def check_files(model_dir: Path, meta: dict[str, Any], names: list[str]) -> None:
    """Each named file exists, is a regular file of sane size, and matches the size and SHA-256
    recorded in ``meta["files"]`` where there is a record.

    Raises:
        ModelLoadError: naming the file and what is wrong.
    """
    recorded = meta.get("files") if isinstance(meta.get("files"), dict) else {}
    for name in names:
        p = model_dir / name
        if not p.is_file():
            raise ModelLoadError(f"{p}: missing; the model folder is incomplete (restore it or retrain)")
        size = p.stat().st_size
        if size == 0 or size > MAX_MODEL_BYTES:
            raise ModelLoadError(f"{p}: {size} bytes is not a plausible model file; restore it or retrain")
        want = recorded.get(name)
        if not isinstance(want, dict):
            log.info("%s: no checksum recorded in meta.json; checking its structure only", p)
            continue
        if want.get("size") is not None and int(want["size"]) != size:
            raise ModelLoadError(
                f"{p}: {size} bytes, meta.json records {want['size']}: the file is truncated or replaced; restore it or retrain"
            )
        if want.get("sha256") and file_record(p)["sha256"] != want["sha256"]:
            raise ModelLoadError(f"{p}: SHA-256 differs from meta.json: the file is corrupt or altered; restore it or retrain")


def check_crfsuite(path: Path) -> None:
    """The crfsuite header is whole and consistent: magic ``lCRF``, the declared size equal to the file
    size, type ``FOMC``, chunk offsets inside the file, counts that fit the file.

    Raises:
        ModelLoadError: the file is not a crfsuite model or is cut short.
    """
    size = path.stat().st_size
    with path.open("rb") as fh:
        head = fh.read(_CRF_HEADER.size)
    if len(head) < _CRF_HEADER.size:
        raise ModelLoadError(f"{path}: {size} bytes, shorter than a crfsuite header; restore it or retrain")
    magic, declared, kind, _version, n_feat, n_labels, n_attrs, *offsets = _CRF_HEADER.unpack(head)
    if magic != CRF_MAGIC or kind != b"FOMC":
        raise ModelLoadError(f"{path}: not a crfsuite model (header {head[:4]!r}); restore it or retrain")
    if declared != size:
        raise ModelLoadError(f"{path}: header declares {declared} bytes, the file has {size}: truncated or padded; restore it or retrain")
    if any(not (_CRF_HEADER.size <= off < size) for off in offsets):
        raise ModelLoadError(f"{path}: a chunk offset points outside the file; the model is corrupt (restore it or retrain)")
    if n_feat * 20 > size or n_labels > size or n_attrs > size:  # a feature takes 20 bytes on disk
        raise ModelLoadError(f"{path}: header counts do not fit the file size; the model is corrupt (restore it or retrain)")


def check_architecture(config: Any, where: str) -> None:
    """A transformer checkpoint's ``config.json`` (BERT-style sizes) asks for a network of sane size;
    checked before allocation.

    Raises:
        ModelLoadError: a size that is missing, not a positive integer, or too large; no labels.
    """
    if not isinstance(config, dict):
        raise ModelLoadError(f"{where}: must be a JSON object; restore the model folder or retrain")
    sizes = ("vocab_size", "hidden_size", "num_hidden_layers", "num_attention_heads", "intermediate_size",
             "max_position_embeddings")
    dims: dict[str, int] = {}
    for k in sizes:
        v = config.get(k)
        if isinstance(v, bool) or not isinstance(v, int) or not 0 < v <= MAX_DIM:
            raise ModelLoadError(f"{where}: {k}={v!r} is not an integer in 1..{MAX_DIM}; restore or retrain")
        dims[k] = v
    if dims["hidden_size"] % dims["num_attention_heads"]:
        raise ModelLoadError(
            f"{where}: hidden_size={dims['hidden_size']} is not divisible by num_attention_heads={dims['num_attention_heads']}"
        )
    labels = config.get("id2label")
    if not isinstance(labels, dict) or not labels or len(labels) > MAX_DIM:
        raise ModelLoadError(f"{where}: 'id2label' must map label ids to labels; restore or retrain")
    h = dims["hidden_size"]
    params = (
        (dims["vocab_size"] + dims["max_position_embeddings"]) * h
        + dims["num_hidden_layers"] * (4 * h * h + 2 * h * dims["intermediate_size"])
        + h * len(labels)
    )
    if params > MAX_PARAMETERS:
        raise ModelLoadError(
            f"{where}: the architecture asks for about {params:,} parameters (> {MAX_PARAMETERS:,}); refused before allocation"
        )
