"""``ogi train``: train a tagger on annotated reports and write a model directory."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ogi.errors import UsageError


def command(
    data: Annotated[list[Path], typer.Option("--data", "-d", help="Annotation JSONL files or folders (split=train used, split=dev for the threshold; split=test never).")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Model directory to write, e.g. models/my-crf.")],
    kind: Annotated[str, typer.Option("--kind", "-k", help="What to train: crf or transformer (--model names a trained model elsewhere).")] = "crf",
    config: Annotated[Path | None, typer.Option("--config", "-c", help="JSON config (default: training/configs/<kind>-default.json).")] = None,
    init_from: Annotated[Path | None, typer.Option("--init-from", help="transformer only: fine-tune this local pretrained checkpoint folder (save_pretrained: config.json, weights, a fast tokenizer) instead of training a small BERT from scratch; nothing is downloaded.")] = None,
) -> None:
    """Train and write the model directory OUT with meta.json (labels, versions, data hash, config, dev scores)."""
    if init_from is not None and kind != "transformer":
        raise UsageError(f"--init-from fine-tunes a transformer checkpoint; it does not apply to --kind {kind}")
    _check_data(list(data))
    try:
        meta = _train(kind, list(data), out, config, init_from)
    except ValueError as exc:  # the trainers' data and config complaints: the user's to fix
        raise UsageError(f"{exc}; fix the data or config, then train again") from exc
    typer.echo(f"wrote {out} in {meta['training_seconds']} s; dev scores: {meta.get('dev_scores')}")


def _check_data(data: list[Path]) -> None:
    """Refuse missing or empty data and invalid annotations before any training (it used to train on
    them, or fail with a traceback)."""
    from ogi.annotations import validate
    from ogi.cli.validate import input_problem

    problem = input_problem(data)
    if problem:
        raise UsageError(f"{problem}; --data takes annotation JSONL files (ogi annotate writes them)")
    problems = validate(data)
    if problems:
        raise UsageError(
            f"{len(problems)} problem(s) in the annotations (first: {problems[0]}); "
            f"run `ogi validate {' '.join(str(p) for p in data)}` to list them, fix them, then train again"
        )


def _train(kind: str, data: list[Path], out: Path, config: Path | None, init_from: Path | None = None) -> dict:
    if kind == "crf":
        from ogi.training.config import CRFConfig
        from ogi.training.crf import train_crf

        cfg = CRFConfig.from_file(config) if config else CRFConfig()
        return train_crf(data, out, cfg)
    if kind == "transformer":
        from ogi.training.transformer import train_transformer

        return train_transformer(data, out, config, init_from=init_from)
    raise UsageError(f"--kind {kind!r}: use crf or transformer")
