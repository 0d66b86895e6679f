"""``ogi review``: a local web app to check a batch against its sources and correct it."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer


def command(
    batch: Annotated[str, typer.Argument(help="`ogi tag` records (.jsonl), or a folder of reports (tagged now).")],
    port: Annotated[int, typer.Option("--port", "-p", help="Port to listen on (0: any free port).")] = 8765,
    host: Annotated[str, typer.Option("--host", help="Address to bind; keep 127.0.0.1 unless you mean to share the batch.")] = "127.0.0.1",
    no_browser: Annotated[bool, typer.Option("--no-browser", help="Do not open a browser.")] = False,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Folder for records.jsonl and annotations.jsonl (default: BATCH.review/ beside the batch).")] = None,
    model: Annotated[str, typer.Option("--model", "-m", help="Tagger that tags a folder and pre-fills the annotations.")] = "default",
    low_confidence: Annotated[float, typer.Option("--low-confidence", help="Cells below this confidence are flagged.")] = 0.9,
) -> None:
    """Serve the review app until Ctrl-C; each correction is saved when it is made."""
    import logging
    import webbrowser

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no line per request

    try:
        from ogi.review.server import LOOPBACK, make_server, url_of
        from ogi.review.store import ReviewBatch, ReviewError
    except ImportError as exc:
        typer.echo(f"ogi review needs the review extra ({exc.name} missing): pip install -e '.[review]'", err=True)
        raise typer.Exit(2) from None
    try:
        rb = ReviewBatch.open(batch, out, model=model, low_confidence=low_confidence)
        srv = make_server(rb, host, port)
    except (ReviewError, OSError) as exc:
        typer.echo(f"ogi review: {exc}", err=True)
        raise typer.Exit(2) from None
    url = url_of(srv, host)
    typer.echo(f"ogi review: {len(rb.entries)} reports at {url}; corrections go to {rb.out_dir}/; Ctrl-C stops", err=True)
    if host not in LOOPBACK:
        typer.echo(f"warning: bound to {host}: anyone who can reach it can read this batch", err=True)
    if not no_browser:
        webbrowser.open(url)
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        srv.server_close()
