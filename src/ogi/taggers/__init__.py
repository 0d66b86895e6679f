"""Taggers and how to load one by name or path."""

from __future__ import annotations

import json
import os
from pathlib import Path

from ogi.errors import ModelLoadError
from ogi.taggers.base import Tagger

DEFAULT_MODEL = "default"


def models_dir() -> Path:
    """The directory of shipped models: $OGI_MODELS, else ``models/`` of the source checkout."""
    env = os.environ.get("OGI_MODELS")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[3] / "models"


def resolve_model(spec: str) -> Path | None:
    """A model directory for a name ("default", "crf", "transformer") or a path; None for "rules"."""
    if spec == "rules":
        return None
    p = Path(spec)
    if p.is_dir():
        return p
    named = {"default": DEFAULT_MODEL, "crf": "crf-default", "transformer": "transformer-default"}.get(spec, spec)
    cand = models_dir() / named
    if cand.is_dir():
        return cand
    raise ModelLoadError(
        f"model {spec!r} not found: no directory {p} and none named {named!r} in {models_dir()} "
        f"(available: {', '.join(sorted(d.name for d in models_dir().glob('*') if d.is_dir())) or 'none'}; or use 'rules')"
    )


def load_tagger(spec: str = DEFAULT_MODEL) -> Tagger:
    """Load a tagger: "rules", a shipped model name, or a model directory with ``meta.json``.

    A learned model comes wrapped in the fallback policy; ``NAME:raw`` (e.g. ``crf:raw``) loads it
    without, so ``ogi eval`` can show what the fallback adds.
    """
    from ogi.taggers.rules import RuleTagger

    raw = spec.endswith(":raw")
    if raw:
        spec = spec[: -len(":raw")]
    path = resolve_model(spec)
    if path is None:
        return RuleTagger()
    meta_path = path / "meta.json"
    if not meta_path.is_file():
        raise ModelLoadError(f"{path}: no meta.json; not a model directory")
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
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
        return FallbackTagger(crf, RuleTagger(), threshold=meta.get("fallback_threshold", 0.5))
    if kind == "transformer":
        from ogi.taggers.transformer import TransformerTagger
        from ogi.taggers.fallback import FallbackTagger

        tr = TransformerTagger.load(path)
        if raw or not meta.get("fallback", True):
            return tr
        return FallbackTagger(tr, RuleTagger(), threshold=meta.get("fallback_threshold", 0.5))
    raise ModelLoadError(f"{meta_path}: unknown model type {kind!r} (expected crf, transformer or rules)")
