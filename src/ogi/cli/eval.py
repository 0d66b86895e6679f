"""``ogi eval``: score models on annotated reports; print the headline metrics, write metrics.json + report.html."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Optional

import typer


def _f(x: Any) -> str:
    return "—" if x is None else (f"{x:.3f}" if isinstance(x, float) else str(x))


def _pct(x: float | None) -> str:
    return "—" if x is None else f"{100 * x:.1f}%"


def print_summary(result: dict[str, Any]) -> None:
    """Rich tables: one row per model, then per layout (and template, script) cell/section F1."""
    from rich.console import Console
    from rich.table import Table

    console = Console()
    models = result["models"]
    for spec, why in result.get("skipped", {}).items():
        console.print(f"[yellow]skipped {spec}:[/yellow] {why}")
    console.print(f"{result['n_reports']} of {result.get('n_read', result['n_reports'])} reports (split {result.get('split')})")
    if not models:
        return
    t = Table(title="ogi eval")
    for h in ("model", "cell F1", "non-0 F1", "sect. F1", "seg. acc", "exact", "fallbk", "rep/s"):
        t.add_column(h, justify="left" if h == "model" else "right", no_wrap=h == "model", min_width=15 if h == "model" else None)
    for spec, m in models.items():
        t.add_row(
            spec, _f(m["cells"]["f1"]), _f(m["cells_nonzero"]["f1"]), _f(m["sections"]["f1"]),
            _f(m["segment_accuracy"]), _pct(m["exact_match"]), _pct(m["fallback_rate"]),
            "—" if m["reports_per_s"] is None else f"{m['reports_per_s']:.1f}",
        )
    console.print(t)
    for spec, m in models.items():
        c, amb, non = m["cells"], m["ambiguous_cells"], m["non_ambiguous_cells"]
        console.print(
            f"{spec}: cells P {_f(c['precision'])} R {_f(c['recall'])} (tp {c['tp']} fp {c['fp']} fn {c['fn']}); "
            f"section key-only F1 {_f(m['sections_key_only']['f1'])}; segment acc. non-O {_f(m['segment_accuracy_non_o'])}; "
            f"ambiguous cells {amb['count']} acc. {_f(amb['accuracy'])} (tagger alone: "
            f"{_f(m.get('ambiguous_cells_tagger_only', {}).get('accuracy'))}), others {non['count']} acc. {_f(non['accuracy'])}; "
            f"failed {m['failed']}"
        )
    for by in ("layout", "template", "script"):
        cats = sorted({c for m in models.values() for c in m["by"][by]})
        bt = Table(title=f"by {by}: n · cell F1 / non-0 F1 / sect. F1 / exact")
        bt.add_column(by)
        for spec in models:
            bt.add_column(spec, justify="right")
        for cat in cats:
            row = [cat]
            for m in models.values():
                h = m["by"][by].get(cat)
                row.append(
                    "—" if h is None else
                    f"{h['n_reports']} · {_f(h['cells']['f1'])} / {_f(h['cells_nonzero']['f1'])} / {_f(h['sections']['f1'])} / {_pct(h['exact_match'])}"
                )
            bt.add_row(*row)
        console.print(bt)


def command(
    data: Annotated[list[Path], typer.Option("--data", "-d", help="Annotated JSONL file(s) or folders of *.jsonl.")],
    model: Annotated[list[str], typer.Option("--model", "-m", help="rules, crf, transformer, default or a model directory; repeat to compare.")] = ["rules"],  # noqa: B006
    out: Annotated[Optional[Path], typer.Option("--out", "-o", help="Folder for metrics.json and report.html.")] = None,
    split: Annotated[str, typer.Option("--split", help="Which reports to score by meta.split: test, dev, train or all.")] = "test",
) -> None:
    """Score models on annotated reports: cells, sections, segment labels, by layout/template/script."""
    from ogi.annotations import read_annotations
    from ogi.evaluate import evaluate

    missing = [str(p) for p in data if not p.exists()]
    if missing:
        typer.echo(f"error: no such file or folder: {', '.join(missing)}", err=True)
        raise typer.Exit(2)
    try:
        reports = read_annotations(data)
    except (OSError, ValueError, KeyError) as exc:
        typer.echo(f"error: cannot read annotations: {exc}", err=True)
        raise typer.Exit(2) from exc
    from ogi.evaluate import select_reports

    if not select_reports(reports, split):
        splits = sorted({str((r.meta or {}).get("split")) for r in reports})
        typer.echo(
            f"error: none of the {len(reports)} reports has split {split!r} (splits present: {', '.join(splits) or 'none'}); "
            "use --split all to score every report",
            err=True,
        )
        raise typer.Exit(2)
    result = evaluate(model, data, out, split=split, reports=reports)
    print_summary(result)
    if out is not None:
        typer.echo(f"wrote {out / 'metrics.json'} and {out / 'report.html'}")
    if not result["models"]:
        typer.echo("error: no model could be loaded", err=True)
        raise typer.Exit(1)
