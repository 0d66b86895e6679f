"""Taggers and how to load one by name or path."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from ogi.errors import ModelLoadError
from ogi.taggers.base import Tagger

DEFAULT_MODEL = "default"


SHIPPED = {"default": DEFAULT_MODEL, "crf": "crf-default", "transformer": "transformer-default"}


@dataclass(frozen=True)
class ModelSpec:
    """A parsed ``--model`` value: the one way every command names a model.

    Grammar: ``rules`` | a shipped name (``default``, ``crf``, ``transformer`` or a folder name under
    :func:`models_dir`) | a model directory; any of these followed by ``:raw`` loads a learned model
    without the rule fallback (``crf:raw``), so ``ogi eval`` can show what the fallback adds.
    """

    text: str
    name: str
    raw: bool

    @classmethod
    def parse(cls, spec: str) -> "ModelSpec":
        """Split off ``:raw``; the name is checked when the model is resolved."""
        raw = spec.endswith(":raw")
        name = spec[: -len(":raw")] if raw else spec
        if not name:
            raise ModelLoadError(f"empty model name in {spec!r}: use rules, default, crf, transformer or a model directory")
        return cls(spec, name, raw)


def models_dir() -> Path:
    """The directory of shipped models: $OGI_MODELS, else the models installed with the package."""
    env = os.environ.get("OGI_MODELS")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[1] / "models"


def resolve_model(spec: str | ModelSpec) -> Path | None:
    """The model directory a spec names (``:raw`` allowed), or None for "rules".

    Raises:
        ModelLoadError: no such directory and no shipped model of that name (the message lists them).
    """
    ms = spec if isinstance(spec, ModelSpec) else ModelSpec.parse(spec)
    if ms.name == "rules":
        return None
    p = Path(ms.name)
    if p.is_dir():
        return p
    named = SHIPPED.get(ms.name, ms.name)
    cand = models_dir() / named
    if cand.is_dir():
        return cand
    available = ", ".join(sorted(d.name for d in models_dir().glob("*") if d.is_dir())) or "none"
    raise ModelLoadError(
        f"model {ms.text!r} not found: no directory {p} and none named {named!r} in {models_dir()} "
        f"(available: {available}; or use 'rules'; add ':raw' to load a learned model without the rule fallback)"
    )


def load_tagger(spec: str = DEFAULT_MODEL) -> Tagger:
    """Load a tagger: "rules", a shipped model name, or a model directory with ``meta.json``.

    A learned model comes wrapped in the fallback policy; ``NAME:raw`` (e.g. ``crf:raw``) loads it
    without, so ``ogi eval`` can show what the fallback adds.
    """
    from ogi.taggers.rules import RuleTagger

    ms = ModelSpec.parse(spec)
    raw, spec = ms.raw, ms.name
    path = resolve_model(ms)
    if path is None:
        return RuleTagger()
    meta_path = path / "meta.json"
    if not meta_path.is_file():
        raise ModelLoadError(f"{path}: no meta.json; not a model directory")
    from ogi.taggers.integrity import read_meta

    meta = read_meta(path)  # invalid JSON is a ModelLoadError naming the file, not a traceback
    kind = meta.get("type")
    if kind == "alias":  # models/default names the shipped model it stands for
        target = meta.get("target", "")
        if not target or target == spec:
            raise ModelLoadError(f"{meta_path}: an alias needs a 'target' model name other than itself")
        return load_tagger(target + (":raw" if raw else ""))
    if kind == "rules":
        return RuleTagger()
    if kind == "crf":
        from ogi.taggers.crf import CRFTagger
        from ogi.taggers.fallback import FallbackTagger

        crf = CRFTagger.load(path)
        if raw or not meta.get("fallback", True):
            return crf
        return FallbackTagger(crf, threshold=meta.get("fallback_threshold", 0.5))
    if kind == "transformer":
        from ogi.taggers.transformer import TransformerTagger
        from ogi.taggers.fallback import FallbackTagger

        tr = TransformerTagger.load(path)
        if raw or not meta.get("fallback", True):
            return tr
        return FallbackTagger(tr, threshold=meta.get("fallback_threshold", 0.5))
    raise ModelLoadError(f"{meta_path}: unknown model type {kind!r} (expected crf, transformer or rules)")
