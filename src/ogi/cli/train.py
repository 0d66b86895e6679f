"""``ogi train``: train a tagger on annotated reports and write a model directory."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer


def command(
    data: Annotated[list[Path], typer.Option("--data", "-d", help="Annotation JSONL files or folders (split=train used, split=dev for the threshold; split=test never).")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Model directory to write, e.g. models/my-crf.")],
    kind: Annotated[str, typer.Option("--kind", "-k", help="What to train: crf or transformer (--model names a trained model elsewhere).")] = "crf",
    config: Annotated[Optional[Path], typer.Option("--config", "-c", help="JSON config (default: training/configs/<kind>-default.json).")] = None,
) -> None:
    """Train and write ``out`` with meta.json (labels, versions, data hash, config, dev scores)."""
    if kind == "crf":
        from ogi.training.crf import train_crf
        from ogi.training.config import CRFConfig

        cfg = CRFConfig.from_file(config) if config else CRFConfig()
        meta = train_crf(list(data), out, cfg)
    elif kind == "transformer":
        from ogi.training.transformer import train_transformer

        meta = train_transformer(list(data), out, config)
    else:
        raise typer.BadParameter(f"unknown kind {kind!r}: use crf or transformer")
    typer.echo(f"wrote {out} in {meta['training_seconds']} s; dev scores: {meta.get('dev_scores')}")
