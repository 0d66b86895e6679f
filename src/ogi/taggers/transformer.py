"""The transformer tagger: Hugging Face ``transformers`` token classification over a report's segments.

A report is a sequence of *words*, one per segment; ``segment_word`` writes each as a marker token
(the rule label, and whether the segment starts a line) followed by a short body: a number's shape
(none for a plain count, ``[#0]`` zero, ``[#u]`` with a unit …), a label's first and last characters,
a sentence's first characters. A tokenizer (ours: a character-level ``tokenizers`` WordLevel model
saved as a ``PreTrainedTokenizerFast``; or a pretrained Chinese checkpoint's, see ``--init-from``)
cuts the words into sub-tokens (a value also gets its place in its row, ``[v2/7]``); the segment's label sits on its first sub-token (``align_labels``:
the other sub-tokens get -100). A ``BertForTokenClassification`` reads overlapping windows of
sub-tokens; each segment keeps the prediction of the window where its first sub-token is most
central, so nothing is truncated.

A model directory is a Hugging Face checkpoint (``config.json`` with ``id2label``/``label2id``,
``model.safetensors``, ``tokenizer.json``, ``tokenizer_config.json``), so
``AutoModelForTokenClassification.from_pretrained(path)`` opens it, plus ogi's ``meta.json`` (checked
first: type, feature version, the size and SHA-256 of every file, the encoding settings). Loading
never downloads (``local_files_only``). torch and transformers are imported lazily: the core of ogi
never needs them.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, ClassVar

from ogi import schema
from ogi.data import Document, Segment, Tag
from ogi.errors import ModelLoadError, OptionalDependencyError
from ogi.features import FEATURES_VERSION
from ogi.taggers.base import Tagger

MODEL_FILE = "model.safetensors"
CONFIG_FILE = "config.json"
TOKENIZER_FILES = ("tokenizer.json", "tokenizer_config.json")
PAD, UNK, CLS, SEP, MASK = "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"
IGNORE = -100  # the label id a loss and a metric skip (not a segment's first sub-token, padding)

# A number's shape, one token: no digit (— / 无), zero, signed (增减, -), with a unit, decimal; a plain
# count has none (its marker alone: most segments are counts, and every sub-token costs time).
NUM_SHAPES: tuple[str, ...] = ("[#-]", "[#0]", "[#±]", "[#u]", "[#.]")

# How a segment's body is cut (meta.json "encoding" records the values a model was trained with).
DEFAULT_ENCODING: dict[str, int] = {"text_head": 4, "text_tail": 3, "prose_chars": 3, "max_length": 128, "stride": 96}

_INSTALL_HINT = (
    "the transformer tagger needs the 'transformer' extra: pip install 'ogi[transformer]' "
    "(torch==2.13.0 CPU, transformers, datasets)"
)


def require_torch() -> Any:
    """Import torch, or raise OptionalDependencyError saying how to install it."""
    try:
        import torch
    except ImportError as exc:  # also raised when sys.modules["torch"] is None
        raise OptionalDependencyError(_INSTALL_HINT) from exc
    return torch


def require_transformers() -> Any:
    """Import transformers (and torch), offline; or raise OptionalDependencyError naming the extra."""
    require_torch()
    # never reach a hub: every model and tokenizer ogi opens is a local folder
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")  # pool workers fork after the parent tokenized
    try:
        import transformers
    except ImportError as exc:
        raise OptionalDependencyError(_INSTALL_HINT) from exc
    transformers.logging.set_verbosity_error()
    transformers.utils.logging.disable_progress_bar()  # "Loading weights" bars do not belong on ogi's stderr
    return transformers


# ---------------------------------------------------------------------------------------------
# Segments as words
# ---------------------------------------------------------------------------------------------

def head_token(label: str, new_line: bool) -> str:
    """The marker token that opens a segment's word: its rule label and whether it starts a line."""
    return f"[{'L' if new_line else 'C'}:{label}]"


MAX_ROW = 16  # a value's place in its run of values is written up to this


def place_token(index: int, count: int) -> str:
    """A value's place in its run of consecutive values (the row's numbers): ``[v2/7]``."""
    count = min(count, MAX_ROW)
    return f"[v{min(index, count - 1)}/{count}]"


TEMPLATES = ("2019", "2021", "legacy", "unknown")
TABLES = ("", "t2", "t3", "t4")


def context_token(template: str, table: str, section: int) -> str:
    """Where the rules' state machine is at a line start: template, table and section (``[2019|t3|3]``).
    A window of sub-tokens rarely reaches back to the section heading; this carries it."""
    template = template if template in TEMPLATES else "unknown"
    table = table if table in TABLES else ""
    return f"[{template}|{table}|{min(max(section, 0), 6)}]"


def marker_tokens() -> list[str]:
    """Every marker, shape, place and context token; each tokenizer ogi uses gets them as added
    (unsplittable) tokens."""
    return (
        [head_token(lab, nl) for lab in schema.TAGGER_LABELS for nl in (True, False)]
        + list(NUM_SHAPES)
        + [place_token(i, k) for k in range(1, MAX_ROW + 1) for i in range(k)]
        + [context_token(tp, tb, s) for tp in TEMPLATES for tb in TABLES for s in range(7)]
    )


def num_shape(text: str) -> str:
    """One of ``NUM_SHAPES`` for a number segment's text, or "" for a plain count."""
    digits = [c for c in text if c.isdigit()]
    if not digits:
        return "[#-]"
    if all(c == "0" for c in digits) and "." not in text:
        return "[#0]"
    if text[0] in "+-−增减":
        return "[#±]"
    if any("\u4e00" <= c <= "\u9fff" for c in text):
        return "[#u]"
    if "." in text:
        return "[#.]"
    return ""


def segment_body(seg: Segment, encoding: dict[str, int] | None = None) -> str:
    """The text after a segment's marker: a number's shape, a label's first and last characters,
    a sentence's first characters (whitespace removed)."""
    enc = encoding or DEFAULT_ENCODING
    if seg.kind == "num":
        return num_shape(seg.text)
    text = "".join(seg.text.split())
    if seg.kind in ("prose", "noise"):
        return text[: enc["prose_chars"]]
    head, tail = enc["text_head"], enc["text_tail"]
    return text if len(text) <= head + tail else text[:head] + text[-tail:]


def doc_words(
    doc: Document, rule_tags: list[Tag], encoding: dict[str, int] | None = None,
    states: list[tuple[str, int]] | None = None,
) -> list[str]:
    """One word per segment: ``head_token``, at a line start the ``context_token`` (from the rules'
    ``states``), then ``segment_body``, and for a value its ``place_token`` (which column a value is
    in is most of what the rules get wrong)."""
    segs = doc.segments
    template = doc.template
    words = []
    prev_line = -1
    i, n = 0, len(segs)
    while i < n:
        j = i + 1
        if segs[i].kind == "num":
            while j < n and segs[j].kind == "num":
                j += 1
        for k in range(i, j):
            seg = segs[k]
            new_line = seg.line != prev_line
            word = head_token(rule_tags[k].label, new_line)
            if new_line and states is not None:
                word += context_token(template, *states[k])
            word += segment_body(seg, encoding)
            if seg.kind == "num":
                word += place_token(k - i, j - i)
            words.append(word)
            prev_line = seg.line
        i = j
    return words


def rule_tags_of(doc: Document) -> tuple[list[Tag], list[tuple[str, int]]]:
    """The rule tags of a document and the rules' (table, section) after each segment (the shared
    rule tagger caches them for the fallback)."""
    from ogi.taggers.rules import shared_rules

    return shared_rules().predict_with_state(doc)


def words_of(doc: Document, encoding: dict[str, int] | None = None) -> list[str]:
    """``doc_words`` with the rules' tags and states."""
    tags, states = rule_tags_of(doc)
    return doc_words(doc, tags, encoding, states)


def align_labels(word_ids: list[int | None], labels: list[int]) -> list[int]:
    """Per sub-token label id: the word's label on its first sub-token, ``IGNORE`` (-100) on the others
    and on special tokens (``word_ids`` None)."""
    out = []
    prev: int | None = None
    for w in word_ids:
        out.append(IGNORE if w is None or w == prev else labels[w])
        prev = w
    return out


def first_positions(word_ids: list[int | None], n_words: int) -> list[int]:
    """The index of each word's first sub-token (every word has one: its marker token)."""
    pos = [-1] * n_words
    for i, w in enumerate(word_ids):
        if w is not None and pos[w] < 0:
            pos[w] = i
    if any(p < 0 for p in pos):
        raise ValueError("a segment got no sub-token; the tokenizer lacks ogi's marker tokens")
    return pos


def windows(n: int, size: int, stride: int) -> list[tuple[int, int]]:
    """[start, end) windows covering ``range(n)``: starts every ``stride``, the last one ends at ``n``."""
    if n <= 0:
        return []
    if n <= size:
        return [(0, n)]
    starts = list(range(0, n - size, stride)) + [n - size]
    return [(s, s + size) for s in starts]


def best_window(wins: list[tuple[int, int]], pos: int) -> int:
    """The index of the window holding ``pos`` furthest from its edges (the first such window on a tie)."""
    best, depth = -1, -1
    for w, (s, e) in enumerate(wins):
        if s <= pos < e and min(pos - s, e - 1 - pos) > depth:
            best, depth = w, min(pos - s, e - 1 - pos)
    return best


def build_tokenizer(words: list[str], min_freq: int = 1) -> Any:
    """A character-level ``PreTrainedTokenizerFast`` over the characters of ``words`` seen at least
    ``min_freq`` times (marker and shape tokens excluded), with BERT's special tokens and ogi's
    marker tokens added."""
    require_transformers()
    from tokenizers import Regex, Tokenizer, models, pre_tokenizers, processors
    from transformers import PreTrainedTokenizerFast

    counts: dict[str, int] = {}
    markers = marker_tokens()
    for w in words:
        body = w[w.index("]") + 1 :] if w.startswith("[") and "]" in w else w
        for t in markers if "[" in body else ():  # shape, place and context tokens are not characters
            body = body.replace(t, "")
        for ch in body:
            counts[ch] = counts.get(ch, 0) + 1
    chars = {ch for ch, c in counts.items() if c >= min_freq}
    specials = [PAD, UNK, CLS, SEP, MASK]
    vocab = {t: i for i, t in enumerate(specials + sorted(chars))}
    tok = Tokenizer(models.WordLevel(vocab=vocab, unk_token=UNK))
    tok.pre_tokenizer = pre_tokenizers.Split(Regex("."), behavior="isolated")  # one token per character
    tok.post_processor = processors.TemplateProcessing(
        single=f"{CLS} $A {SEP}", pair=f"{CLS} $A {SEP} $B {SEP}", special_tokens=[(CLS, vocab[CLS]), (SEP, vocab[SEP])]
    )
    fast = PreTrainedTokenizerFast(
        tokenizer_object=tok, unk_token=UNK, pad_token=PAD, cls_token=CLS, sep_token=SEP, mask_token=MASK,
        model_max_length=DEFAULT_ENCODING["max_length"],
    )
    add_markers(fast)
    return fast


def add_markers(tokenizer: Any) -> int:
    """Add ogi's marker tokens to a tokenizer (kept whole, never lower-cased); returns how many were new."""
    from tokenizers import AddedToken

    have = tokenizer.get_vocab()
    new = [AddedToken(t, normalized=False, single_word=False) for t in marker_tokens() if t not in have]
    return tokenizer.add_tokens(new) if new else 0


# ---------------------------------------------------------------------------------------------
# The tagger
# ---------------------------------------------------------------------------------------------

Encoded = tuple[list[int], list[int]]  # (sub-token ids of the whole report, first sub-token of each segment)


class TransformerTagger(Tagger):
    """Segment labels from a ``BertForTokenClassification`` (or any token-classification model);
    a segment's score is the softmax probability of its label at its first sub-token.

    Args:
        model: a ``transformers`` token-classification model whose ``config.id2label`` are tagger labels.
        tokenizer: its fast tokenizer, holding ogi's marker tokens.
        encoding: ``DEFAULT_ENCODING``'s keys (how segments become words, window length and stride).
        batch_size: windows per forward pass at prediction.
        threads: torch threads while predicting (1: a small model gains nothing from more, and
            ``--jobs N`` runs N processes).
    """

    name: ClassVar[str] = "transformer"

    def __init__(
        self, model: Any, tokenizer: Any, encoding: dict[str, int] | None = None, batch_size: int = 16, threads: int = 1
    ) -> None:
        self.model = model
        self.tokenizer = tokenizer
        self.encoding = {**DEFAULT_ENCODING, **(encoding or {})}
        self.batch_size = batch_size
        self.threads = threads
        self.version = "0"
        self.model_name = "transformer"
        self.id2label: dict[int, str] = {int(k): v for k, v in model.config.id2label.items()}
        self.label2id: dict[str, int] = {v: k for k, v in self.id2label.items()}
        self.window = min(self.encoding["max_length"], int(model.config.max_position_embeddings)) - 2
        self.stride = min(self.encoding["stride"], self.window)

    # -- saving and loading --------------------------------------------------------------------
    def save(self, path: Path, meta: dict[str, Any] | None = None) -> None:
        """``save_pretrained`` of the model (safetensors) and the tokenizer, then meta.json (``meta``
        plus the fields loading checks: type, labels, encoding, each file's size and SHA-256)."""
        from ogi.taggers.integrity import file_record

        path.mkdir(parents=True, exist_ok=True)
        self.model.save_pretrained(path, safe_serialization=True)
        self.tokenizer.save_pretrained(path)
        for extra in ("special_tokens_map.json", "added_tokens.json", "vocab.txt", "generation_config.json"):
            (path / extra).unlink(missing_ok=True)  # tokenizer.json and tokenizer_config.json hold it all
        full = {
            "name": self.model_name, "type": "transformer", "version": self.version,
            "features_version": FEATURES_VERSION, "labels": [self.id2label[i] for i in range(len(self.id2label))],
            "encoding": self.encoding,
        }
        full.update(meta or {})
        full["files"] = {name: file_record(path / name) for name in (CONFIG_FILE, MODEL_FILE, *TOKENIZER_FILES)}
        (path / "meta.json").write_text(json.dumps(full, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> TransformerTagger:
        """Open a model directory written by ``ogi train --kind transformer``; meta.json and every
        file's size and checksum are checked before torch or transformers read anything."""
        path = Path(path)
        meta_path = path / "meta.json"
        if not meta_path.is_file():
            raise ModelLoadError(f"{path}: no meta.json; not a model directory")
        from ogi.taggers.integrity import read_meta

        meta = read_meta(path)
        if meta.get("type") != "transformer":
            raise ModelLoadError(
                f"{path}: meta.json says type {meta.get('type')!r}, TransformerTagger needs 'transformer'"
            )
        if meta.get("features_version") != FEATURES_VERSION:
            raise ModelLoadError(
                f"{path}: trained with features version {meta.get('features_version')!r}, this ogi computes "
                f"version {FEATURES_VERSION!r}; retrain with `ogi train --kind transformer`"
            )
        needed = (CONFIG_FILE, MODEL_FILE, *TOKENIZER_FILES)
        missing = [f for f in needed if not (path / f).is_file()]
        if missing:
            raise ModelLoadError(
                f"{path}: a transformer model needs meta.json, {', '.join(needed)}; missing {', '.join(missing)}"
            )
        config = _check_before_allocation(path, meta)
        labels = [config["id2label"][k] for k in sorted(config["id2label"], key=int)]
        unknown = sorted(set(labels) - schema.TAGGER_LABEL_SET)
        if unknown:
            raise ModelLoadError(
                f"{path}: labels {unknown} are not in this ogi's label set (schema.TAGGER_LABELS); retrain"
            )
        require_transformers()
        from transformers import AutoModelForTokenClassification, AutoTokenizer

        try:
            tokenizer = AutoTokenizer.from_pretrained(path, local_files_only=True)
            model = AutoModelForTokenClassification.from_pretrained(path, local_files_only=True)
        except (OSError, ValueError, KeyError, RuntimeError) as exc:
            raise ModelLoadError(f"{path}: cannot load the transformer checkpoint: {str(exc).splitlines()[0]}") from exc
        model.eval()
        enc = meta.get("encoding") if isinstance(meta.get("encoding"), dict) else {}
        tagger = cls(model, tokenizer, {k: int(v) for k, v in enc.items() if k in DEFAULT_ENCODING})
        tagger.version = str(meta.get("version", "0"))
        tagger.model_name = meta.get("name", path.name)
        return tagger

    # -- prediction ----------------------------------------------------------------------------
    def words(self, docs: list[Document]) -> list[list[str]]:
        """The words (one per segment) of each document."""
        return [words_of(d, self.encoding) for d in docs]

    def encode_words(self, words: list[list[str]]) -> list[Encoded]:
        """Sub-token ids (no special tokens) and each segment's first sub-token, per document."""
        todo = [i for i, w in enumerate(words) if w]
        out: list[Encoded] = [([], []) for _ in words]
        if not todo:
            return out
        batch = self.tokenizer([words[i] for i in todo], is_split_into_words=True, add_special_tokens=False)
        for k, i in enumerate(todo):
            out[i] = (batch["input_ids"][k], first_positions(batch.word_ids(k), len(words[i])))
        return out

    def encode_docs(self, docs: list[Document]) -> list[Encoded]:
        """``encode_words`` of ``words``."""
        return self.encode_words(self.words(docs))

    def predict_encoded(self, encoded: list[Encoded]) -> list[list[tuple[str, float]]]:
        """(label, probability) per segment of each encoded document, windows batched across documents.

        Each segment is read in the window where its first sub-token is most central; a window no
        segment needs is not run.
        """
        torch = require_torch()
        cls_id, sep_id = self.tokenizer.cls_token_id, self.tokenizer.sep_token_id
        pad_id = self.tokenizer.pad_token_id
        # (doc, start, end) -> [(segment, position in the window)]
        jobs: dict[tuple[int, int, int], list[tuple[int, int]]] = {}
        for d, (ids, firsts) in enumerate(encoded):
            wins = windows(len(ids), self.window, self.stride)
            for j, pos in enumerate(firsts):
                s, e = wins[best_window(wins, pos)]
                jobs.setdefault((d, s, e), []).append((j, pos - s + 1))  # +1: the [CLS] token
        out: list[list[tuple[str, float]]] = [[("O", 0.0)] * len(firsts) for _, firsts in encoded]
        # longest first: windows of similar length share a batch, so little padding
        order = sorted(jobs, key=lambda job: -(job[2] - job[1]))
        threads = torch.get_num_threads()
        was_training = self.model.training
        self.model.eval()
        torch.set_num_threads(self.threads)
        try:
            with torch.inference_mode():
                for b in range(0, len(order), self.batch_size):
                    batch = order[b : b + self.batch_size]
                    length = max(e - s for _, s, e in batch) + 2
                    input_ids = torch.full((len(batch), length), pad_id, dtype=torch.long)
                    mask = torch.zeros((len(batch), length), dtype=torch.long)
                    for k, (d, s, e) in enumerate(batch):
                        input_ids[k, : e - s + 2] = torch.as_tensor([cls_id, *encoded[d][0][s:e], sep_id])
                        mask[k, : e - s + 2] = 1
                    logits = self.model(input_ids=input_ids, attention_mask=mask).logits
                    rows = [k for k, job in enumerate(batch) for _ in jobs[job]]
                    cols = [i for job in batch for _, i in jobs[job]]
                    p, lab = torch.softmax(logits[rows, cols].float(), -1).max(-1)
                    segs = [(job[0], j) for job in batch for j, _ in jobs[job]]
                    for (d, j), li, pi in zip(segs, lab.tolist(), p.tolist(), strict=True):
                        out[d][j] = (self.id2label[li], min(1.0, max(0.0, pi)))
        finally:
            torch.set_num_threads(threads)
            self.model.train(was_training)
        return out

    def predict_features(self, docs: list[Document]) -> list[list[tuple[str, float]]]:
        """(label, probability) per segment of each document."""
        return self.predict_encoded(self.encode_docs(docs))

    def predict(self, docs: list[Document]) -> list[list[Tag]]:
        return [[Tag(lab, p, "transformer") for lab, p in seq] for seq in self.predict_features(docs)]

    def describe(self) -> dict[str, str]:
        return {"name": self.model_name, "version": self.version}


def _check_before_allocation(path: Path, meta: dict[str, Any]) -> dict[str, Any]:
    """Every file's size and checksum (meta.json ``files``) and a sane ``config.json``, before torch
    allocates anything (a config can ask for a 4 GB embedding); returns the config."""
    from ogi.taggers.integrity import check_architecture, check_files

    check_files(path, meta, [CONFIG_FILE, MODEL_FILE, *TOKENIZER_FILES])
    try:
        config = json.loads((path / CONFIG_FILE).read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ModelLoadError(f"{path / CONFIG_FILE}: not valid JSON ({exc}); restore the model folder or retrain") from exc
    check_architecture(config, str(path / CONFIG_FILE))
    return config
