"""``ogi eval``: score models on annotated reports or cell-level gold; print the headline metrics, write metrics.json + report.html."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from ogi.report_html import fmt as _f
from ogi.report_html import pct as _pct


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


def print_gold_summary(result: dict[str, Any]) -> None:
    """Rich tables for cell-level gold: one row per model, then one row per file (non-0 / cell / section F1)."""
    from rich.console import Console
    from rich.table import Table

    console = Console()
    models = result["models"]
    for spec, why in result.get("skipped", {}).items():
        console.print(f"[yellow]skipped {spec}:[/yellow] {why}")
    for g in result.get("gold", []):
        for w in g.get("warnings", []):
            console.print(f"[yellow]{g['gold']}:[/yellow] {w}")
    console.print(f"{result['n_reports']} reports with cell gold")
    if not models:
        return
    t = Table(title="ogi eval (cell gold)")
    for h in ("model", "cell F1", "non-0 F1", "sect. F1", "blanks kept", "gold amb. right", "failed"):
        t.add_column(h, justify="left" if h == "model" else "right", no_wrap=h == "model")
    for spec, m in models.items():
        b, a = m["blanks"], m["gold_ambiguous"]
        t.add_row(
            spec, _f(m["cells"]["f1"]), _f(m["cells_nonzero"]["f1"]), _f(m["sections"]["f1"]),
            f"{b['kept']}/{b['count']}", f"{a['right_in_column'] + a['right_in_row']}/{a['count']}", _f(m["failed"]),
        )
    console.print(t)
    ft = Table(title="per file (Δ: against the first model)")
    ft.add_column("file", no_wrap=True)
    ft.add_column("metric", no_wrap=True)
    specs = list(models)
    for spec in specs:
        ft.add_column(spec, justify="right")
    per = {spec: {r["id"]: r for r in m["reports"]} for spec, m in models.items()}
    for g in result.get("gold", []):
        for i, (label, key) in enumerate((("non-0 F1", "nonzero_cell_f1"), ("cell F1", "cell_f1"), ("sect. F1", "section_f1"))):
            vals = [per[spec].get(g["id"], {}).get(key) for spec in specs]
            cells = [_f(v) for v in vals]
            for j in range(1, len(vals)):
                if vals[j] is not None and vals[0] is not None and abs(vals[j] - vals[0]) >= 0.0005:
                    cells[j] += f" ({vals[j] - vals[0]:+.3f})"
            ft.add_row(g["id"] if i == 0 else "", label, *cells, end_section=i == 2)
    console.print(ft)


def _command_line(model: list[str], data: list[Path], gold: list[Path], raw: Path | None, out: Path | None, split: str) -> str:
    """The ``ogi eval`` command that reproduces a run (written into metrics.json and report.html)."""
    import shlex

    parts = ["ogi", "eval"]
    for m in model:
        parts += ["--model", m]
    for p in gold:
        parts += ["--gold", str(p)]
    if raw is not None:
        parts += ["--raw", str(raw)]
    for p in data:
        parts += ["--data", str(p)]
    if data and split != "test":
        parts += ["--split", split]
    if out is not None:
        parts += ["--out", str(out)]
    return shlex.join(parts)


def command(
    model: Annotated[list[str], typer.Option("--model", "-m", help="rules, crf, transformer, default or a model directory; repeat to compare (the first is the baseline of the Δ columns).")] = ["rules"],  # noqa: B006
    data: Annotated[list[Path] | None, typer.Option("--data", "-d", help="Annotated JSONL file(s) or folders of *.jsonl.")] = None,
    gold: Annotated[list[Path] | None, typer.Option("--gold", "-g", help="Cell-level gold: JSON file(s) or folders of *.json (docs/gold-format.md).")] = None,
    raw: Annotated[Path | None, typer.Option("--raw", help="Folder of the raw reports the gold files name (default: raw/ beside the gold folder).")] = None,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Folder for metrics.json and report.html.")] = None,
    split: Annotated[str, typer.Option("--split", help="With --data: which reports to score by meta.split: test, dev, train or all.")] = "test",
) -> None:
    """Score models on annotated reports (--data) or on reports with cell-level gold (--gold)."""
    data, gold = list(data or []), list(gold or [])
    if bool(data) == bool(gold):
        typer.echo("error: give either --data ANNOTATIONS.jsonl or --gold GOLD_DIR (not both, not neither)", err=True)
        raise typer.Exit(2)
    if gold:
        _gold_command(model, gold, raw, out, _command_line(model, [], gold, raw, out, split))
        return
    if raw is not None:
        typer.echo("error: --raw goes with --gold", err=True)
        raise typer.Exit(2)
    _data_command(model, data, out, split, _command_line(model, data, [], None, out, split))


def _gold_command(model: list[str], gold: list[Path], raw: Path | None, out: Path | None, cmd: str) -> None:
    """``ogi eval --gold``: raw reports with cell-level gold."""
    from ogi.evaluate import evaluate_gold
    from ogi.gold import GoldFormatError, read_golds

    if raw is not None and not raw.is_dir():
        typer.echo(f"error: --raw {raw}: no such folder", err=True)
        raise typer.Exit(2)
    try:
        golds = read_golds(gold, raw)
    except GoldFormatError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from exc
    result = evaluate_gold(model, golds, out, command=cmd)
    print_gold_summary(result)
    if out is not None:
        typer.echo(f"wrote {out / 'metrics.json'} and {out / 'report.html'}")
    if not result["models"]:
        typer.echo("error: no model could be loaded", err=True)
        raise typer.Exit(1)


def _data_command(model: list[str], data: list[Path], out: Path | None, split: str, cmd: str) -> None:
    """``ogi eval --data``: annotated reports."""
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
    result = evaluate(model, data, out, split=split, reports=reports, command=cmd)
    print_summary(result)
    if out is not None:
        typer.echo(f"wrote {out / 'metrics.json'} and {out / 'report.html'}")
    if not result["models"]:
        typer.echo("error: no model could be loaded", err=True)
        raise typer.Exit(1)
