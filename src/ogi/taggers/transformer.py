"""The transformer tagger: a small encoder over a report's segments, trained here from scratch.

Each segment becomes one vector: its first ``char_len`` characters embedded and mean/max-pooled,
concatenated with embeddings of categorical features taken from the CRF's feature dicts (the rule
label, the table and section the rules think it is in, the value's place in its row, alias matches
…). A transformer encoder reads the sequence of segment vectors and a linear head scores
``schema.TAGGER_LABELS``. Long reports are cut into overlapping windows; each segment keeps the
prediction of the window where it is most central, so nothing is truncated.

A model directory holds ``meta.json`` (checked first), ``config.json`` (architecture, label maps,
character and feature vocabularies) and ``model.safetensors`` (weights; no pickle).
torch is imported lazily: the core of ogi never needs it.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any, ClassVar

from ogi import schema
from ogi.data import Document, Tag
from ogi.errors import ModelLoadError, OptionalDependencyError
from ogi.features import FEATURES_VERSION
from ogi.taggers.base import Tagger

MODEL_FILE = "model.safetensors"
CONFIG_FILE = "config.json"
PAD, UNK = 0, 1  # ids shared by the character and the feature vocabularies

# Categorical features of ogi.features.doc_features that the model embeds, one slot each.
FEATURE_KEYS: tuple[str, ...] = (
    "kind", "rule", "rule_grp", "tpl", "table", "sec", "sep", "cell", "ncells", "gap", "blank",
    "vidx", "rowk", "vidx_rowk", "table_vidx", "last_in_row", "eq_first",
    "numshape", "zero", "decimal", "signed", "unit",
    "len", "numbering", "secnum", "seckey", "seckey_match", "block", "kw", "suf2", "suf3",
    "alias.ROW.t2", "alias.ROW.t3", "alias.COL.t2", "alias.COL.t3", "alias.COL.t4",
    "-1:same_line", "1:same_line", "-1:rule", "1:rule",
)

_INSTALL_HINT = (
    "the transformer tagger needs the 'transformer' extra: pip install 'ogi[transformer]' (torch==2.13.0 CPU)"
)
Ids = list[list[int]]  # one row of ids per segment


def require_torch() -> Any:
    """Import torch, or raise OptionalDependencyError saying how to install it."""
    try:
        import torch
    except ImportError as exc:  # also raised when sys.modules["torch"] is None
        raise OptionalDependencyError(_INSTALL_HINT) from exc
    return torch


# ---------------------------------------------------------------------------------------------
# Pure helpers: features, vocabularies, windows
# ---------------------------------------------------------------------------------------------

def featurize(docs: list[Document]) -> list[list[dict[str, Any]]]:
    """For each (segmented, template-detected) document, one feature dict per segment (as the CRF)."""
    from ogi.taggers.crf import featurize as crf_featurize

    return crf_featurize(docs)


def feature_tokens(f: dict[str, Any]) -> list[str]:
    """The "key=value" token of each of ``FEATURE_KEYS`` (``""`` where the segment lacks the key)."""
    out = []
    for k in FEATURE_KEYS:
        v = f.get(k)
        out.append("" if v is None else f"{k}={v}")
    return out


def build_vocab(items: list[str], min_freq: int = 1) -> dict[str, int]:
    """A vocabulary of items seen at least ``min_freq`` times: ids from 2 (0 padding, 1 unknown), sorted."""
    counts: dict[str, int] = {}
    for it in items:
        if it:
            counts[it] = counts.get(it, 0) + 1
    vocab = {"<pad>": PAD, "<unk>": UNK}
    for it in sorted(k for k, c in counts.items() if c >= min_freq):
        vocab[it] = len(vocab)
    return vocab


def encode(
    doc: Document, feats: list[dict[str, Any]], chars: dict[str, int], fvocab: dict[str, int], char_len: int
) -> tuple[Ids, Ids]:
    """Ids of one document: (char ids [n_segments][char_len], feature ids [n_segments][len(FEATURE_KEYS)]).

    Character ids are padded with 0; a missing feature is 0, an unseen value 1.
    """
    cids, fids = [], []
    for seg, f in zip(doc.segments, feats, strict=True):
        row = [chars.get(ch, UNK) for ch in seg.text[:char_len]]
        cids.append(row + [PAD] * (char_len - len(row)))
        fids.append([fvocab.get(t, UNK) if t else PAD for t in feature_tokens(f)])
    return cids, fids


def windows(n: int, size: int, stride: int) -> list[tuple[int, int]]:
    """[start, end) windows covering ``range(n)``: starts every ``stride``, the last one ends at ``n``."""
    if n <= 0:
        return []
    if n <= size:
        return [(0, n)]
    starts = list(range(0, n - size, stride)) + [n - size]
    return [(s, s + size) for s in starts]


def central_window(wins: list[tuple[int, int]], n: int) -> list[int]:
    """For each position in ``range(n)`` the index of the window where it lies furthest from an edge."""
    best = [-1] * n
    depth = [-1] * n
    for w, (s, e) in enumerate(wins):
        for i in range(s, e):
            d = min(i - s, e - 1 - i)
            if d > depth[i]:
                best[i], depth[i] = w, d
    return best


# ---------------------------------------------------------------------------------------------
# The network
# ---------------------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def _network_class() -> type:
    torch = require_torch()
    nn = torch.nn

    class SegmentTransformer(nn.Module):
        """chars [B, L, C], feats [B, L, K], mask [B, L] (True = a real segment) → logits [B, L, labels]."""

        def __init__(self, arch: dict[str, int | float]) -> None:
            super().__init__()
            n_keys = int(arch["n_keys"])
            self.char_emb = nn.Embedding(int(arch["n_chars"]), int(arch["char_dim"]), padding_idx=PAD)
            self.feat_emb = nn.Embedding(int(arch["n_feats"]), int(arch["feat_dim"]), padding_idx=PAD)
            self.pos_emb = nn.Embedding(int(arch["window"]), int(arch["hidden"]))
            self.proj = nn.Linear(2 * int(arch["char_dim"]) + n_keys * int(arch["feat_dim"]), int(arch["hidden"]))
            self.drop = nn.Dropout(float(arch["dropout"]))
            layer = nn.TransformerEncoderLayer(
                int(arch["hidden"]), int(arch["heads"]), int(arch["ff"]), float(arch["dropout"]),
                batch_first=True, norm_first=True,
            )
            self.encoder = nn.TransformerEncoder(layer, int(arch["layers"]), enable_nested_tensor=False)
            self.norm = nn.LayerNorm(int(arch["hidden"]))
            self.head = nn.Linear(int(arch["hidden"]), int(arch["n_labels"]))

        def forward(self, chars: Any, feats: Any, mask: Any) -> Any:
            ce = self.char_emb(chars)  # B, L, C, D
            present = (chars != PAD).unsqueeze(-1)
            n = present.sum(2).clamp(min=1)
            mean = (ce * present).sum(2) / n
            mx = ce.masked_fill(~present, -1e4).max(2).values
            mx = torch.where(present.any(2), mx, torch.zeros_like(mx))
            fe = self.feat_emb(feats).flatten(2)  # B, L, K * F
            pos = torch.arange(chars.shape[1], device=chars.device)
            x = self.proj(torch.cat([mean, mx, fe], -1)) + self.pos_emb(pos)
            x = self.encoder(self.drop(x), src_key_padding_mask=~mask)
            return self.head(self.norm(x))

    return SegmentTransformer


def build_network(arch: dict[str, int | float]) -> Any:
    """A freshly initialised network for an architecture dict (config.json's "architecture")."""
    return _network_class()(arch)


def collate(items: list[tuple[Any, Any]], labels: list[Any] | None = None) -> tuple[Any, ...]:
    """Pad windows to one batch: chars [B, L, C], feats [B, L, K], mask [B, L], labels [B, L] (-100 on padding)."""
    torch = require_torch()
    b = len(items)
    length = max(len(c) for c, _ in items)
    c_len = len(items[0][0][0])
    k = len(items[0][1][0])
    chars = torch.zeros((b, length, c_len), dtype=torch.long)
    feats = torch.zeros((b, length, k), dtype=torch.long)
    mask = torch.zeros((b, length), dtype=torch.bool)
    y = torch.full((b, length), -100, dtype=torch.long)
    for i, (c, f) in enumerate(items):
        n = len(c)
        chars[i, :n] = torch.as_tensor(c, dtype=torch.long)
        feats[i, :n] = torch.as_tensor(f, dtype=torch.long)
        mask[i, :n] = True
        if labels is not None:
            y[i, :n] = torch.as_tensor(labels[i], dtype=torch.long)
    return chars, feats, mask, y


# ---------------------------------------------------------------------------------------------
# The tagger
# ---------------------------------------------------------------------------------------------

class TransformerTagger(Tagger):
    """Segment labels from a small transformer encoder; scores are the softmax probability of the label.

    Args:
        network: the torch module (``build_network``).
        config: the model's config.json dict (architecture, label maps, vocabularies).
        batch_size: windows per forward pass at prediction.
    """

    name: ClassVar[str] = "transformer"

    def __init__(self, network: Any, config: dict[str, Any], batch_size: int = 32) -> None:
        self.network = network
        self.config = config
        self.batch_size = batch_size
        self.version = "0"
        self.model_name = "transformer"
        self.id2label: dict[int, str] = {int(k): v for k, v in config["id2label"].items()}
        self.label2id: dict[str, int] = dict(config["label2id"])
        self.chars: dict[str, int] = config["chars"]
        self.fvocab: dict[str, int] = config["features"]["vocab"]
        arch = config["architecture"]
        self.char_len = int(arch["char_len"])
        self.window = int(arch["window"])
        self.stride = int(arch["stride"])

    # -- saving and loading --------------------------------------------------------------------
    def save(self, path: Path, meta: dict[str, Any] | None = None) -> None:
        """Write config.json, model.safetensors and meta.json (``meta`` plus the fields loading checks)."""
        from safetensors.torch import save_file

        path.mkdir(parents=True, exist_ok=True)
        (path / CONFIG_FILE).write_text(json.dumps(self.config, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        state = {k: v.detach().contiguous() for k, v in self.network.state_dict().items()}
        save_file(state, str(path / MODEL_FILE), metadata={"format": "pt"})
        full = {
            "name": self.model_name, "type": "transformer", "version": self.version,
            "features_version": FEATURES_VERSION, "labels": [self.id2label[i] for i in range(len(self.id2label))],
        }
        full.update(meta or {})
        from ogi.taggers.integrity import file_record  # checked at load, before any allocation

        full["files"] = {name: file_record(path / name) for name in (CONFIG_FILE, MODEL_FILE)}
        (path / "meta.json").write_text(json.dumps(full, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> TransformerTagger:
        """Open a model directory written by ``ogi train --kind transformer``; checks meta.json first."""
        path = Path(path)
        meta_path = path / "meta.json"
        if not meta_path.is_file():
            raise ModelLoadError(f"{path}: no meta.json; not a model directory")
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        if meta.get("type") != "transformer":
            raise ModelLoadError(
                f"{path}: meta.json says type {meta.get('type')!r}, TransformerTagger needs 'transformer'"
            )
        if meta.get("features_version") != FEATURES_VERSION:
            raise ModelLoadError(
                f"{path}: trained with features version {meta.get('features_version')!r}, this ogi computes "
                f"version {FEATURES_VERSION!r}; retrain with `ogi train --kind transformer`"
            )
        missing = [f for f in (CONFIG_FILE, MODEL_FILE) if not (path / f).is_file()]
        if missing:
            raise ModelLoadError(
                f"{path}: a transformer model needs meta.json, {CONFIG_FILE} and {MODEL_FILE}; "
                f"missing {', '.join(missing)}"
            )
        require_torch()
        from safetensors.torch import load_file

        config = json.loads((path / CONFIG_FILE).read_text(encoding="utf-8"))
        _check_before_allocation(path, meta, config)
        unknown = sorted(set(config["label2id"]) - schema.TAGGER_LABEL_SET)
        if unknown:
            raise ModelLoadError(
                f"{path}: labels {unknown} are not in this ogi's label set (schema.TAGGER_LABELS); retrain"
            )
        network = build_network(config["architecture"])
        state = load_file(str(path / MODEL_FILE))
        try:
            network.load_state_dict(state)
        except RuntimeError as exc:
            raise ModelLoadError(f"{path}: {MODEL_FILE} does not fit {CONFIG_FILE}'s architecture: {exc}") from exc
        network.eval()
        tagger = cls(network, config)
        tagger.version = str(meta.get("version", "0"))
        tagger.model_name = meta.get("name", path.name)
        return tagger

    # -- prediction ----------------------------------------------------------------------------
    def encode_docs(
        self, docs: list[Document], feats: list[list[dict[str, Any]]] | None = None
    ) -> list[tuple[Ids, Ids]]:
        """Ids of each document (see ``encode``); computes the features unless given."""
        feats = featurize(docs) if feats is None else feats
        return [encode(d, f, self.chars, self.fvocab, self.char_len) for d, f in zip(docs, feats, strict=True)]

    def predict_encoded(self, encoded: list[tuple[Ids, Ids]]) -> list[list[tuple[str, float]]]:
        """(label, probability) per segment of each encoded document, windows batched across documents."""
        torch = require_torch()
        jobs: list[tuple[int, int, int]] = []  # (doc, start, end)
        wins_of: list[list[tuple[int, int]]] = []
        for d, (c, _) in enumerate(encoded):
            wins = windows(len(c), self.window, self.stride)
            wins_of.append(wins)
            jobs += [(d, s, e) for s, e in wins]
        results: dict[tuple[int, int], tuple[list[int], list[float]]] = {}
        # longest first: windows of similar length share a batch, so little padding
        order = sorted(range(len(jobs)), key=lambda j: -(jobs[j][2] - jobs[j][1]))
        was_training = self.network.training
        self.network.eval()
        try:
            with torch.inference_mode():
                for b in range(0, len(order), self.batch_size):
                    batch = [jobs[j] for j in order[b : b + self.batch_size]]
                    items = [(encoded[d][0][s:e], encoded[d][1][s:e]) for d, s, e in batch]
                    chars, feats, mask, _ = collate(items)
                    probs = torch.softmax(self.network(chars, feats, mask).float(), -1)
                    p, ids = probs.max(-1)
                    for k, (d, s, e) in enumerate(batch):
                        results[(d, s)] = (ids[k, : e - s].tolist(), p[k, : e - s].tolist())
        finally:
            self.network.train(was_training)
        out: list[list[tuple[str, float]]] = []
        for d, (c, _) in enumerate(encoded):
            n = len(c)
            wins = wins_of[d]
            pick = central_window(wins, n)
            seq = []
            for i in range(n):
                s = wins[pick[i]][0]
                ids, ps = results[(d, s)]
                seq.append((self.id2label[ids[i - s]], min(1.0, max(0.0, float(ps[i - s])))))
            out.append(seq)
        return out

    def predict_features(
        self, docs: list[Document], feats: list[list[dict[str, Any]]] | None = None
    ) -> list[list[tuple[str, float]]]:
        """(label, probability) per segment of each document."""
        return self.predict_encoded(self.encode_docs(docs, feats))

    def predict(self, docs: list[Document]) -> list[list[Tag]]:
        return [[Tag(lab, p, "transformer") for lab, p in seq] for seq in self.predict_features(docs)]

    def describe(self) -> dict[str, str]:
        return {"name": self.model_name, "version": self.version}


def _check_before_allocation(path: Path, meta: dict[str, Any], config: Any) -> None:
    """Weight file size and checksum (meta.json ``files``) and a sane architecture, before any tensor
    is allocated (a config can ask for a 4 GB embedding)."""
    from ogi.taggers.integrity import check_architecture, check_files

    check_files(path, meta, [CONFIG_FILE, MODEL_FILE])
    check_architecture(config.get("architecture") if isinstance(config, dict) else None, str(path / CONFIG_FILE))
