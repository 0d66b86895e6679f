"""The review web app (Flask): an index of the batch, a page per report, corrections saved as training data.

Safe by default: the CLI binds to 127.0.0.1; every write needs the session's token (sent in the
``X-OGI-Token`` header by the page's script: another site cannot read the page, so it cannot get the
token); the ``Host`` header must name this server (no DNS rebinding); report ids are looked up in the
batch, never used as paths; request bodies are at most ``MAX_BODY`` bytes; pages carry a strict CSP.
"""

from __future__ import annotations

import hmac
import logging
import re
import secrets
from typing import Any

from flask import Flask, Response, abort, jsonify, render_template, request, url_for
from jinja2 import DictLoader
from markupsafe import escape

from ogi.review import layout
from ogi.review.assets import CSS, INDEX_HTML, JS, REPORT_HTML
from ogi.review.spans import make_doc, render_view
from ogi.review.store import ReviewBatch, ReviewError, failed_cells

log = logging.getLogger(__name__)

MAX_BODY = 16 * 1024
CONTEXT_LINES = 4
CONTEXT_CHARS = 400
SORT_KEYS = ("id", "status", "template", "year", "agency", "n_failed", "n_ambiguous", "n_low", "n_corrections")


def create_app(batch: ReviewBatch, token: str | None = None, allowed_hosts: set[str] | None = None) -> Flask:
    """The Flask app of a batch. ``allowed_hosts``: accepted ``Host`` headers (None accepts any)."""
    app = Flask(__name__)
    app.jinja_loader = DictLoader({"index.html": INDEX_HTML, "report.html": REPORT_HTML})
    app.config.update(MAX_CONTENT_LENGTH=MAX_BODY, OGI_TOKEN=token or secrets.token_urlsafe(24))
    app.extensions["ogi_batch"] = batch

    @app.before_request
    def _guard() -> None:
        if allowed_hosts is not None and request.host not in allowed_hosts:
            abort(400, description=f"unexpected Host header {request.host!r}")

    @app.after_request
    def _headers(resp: Response) -> Response:
        inline = resp.headers.pop("X-OGI-Inline-Styles", None)  # displaCy's markup styles each element
        style = "'self' 'unsafe-inline'" if inline else "'self'"
        resp.headers["Content-Security-Policy"] = (
            f"default-src 'self'; img-src 'self' data:; style-src {style}; script-src 'self'; frame-ancestors 'none'"
        )
        resp.headers["X-Content-Type-Options"] = "nosniff"
        resp.headers["Referrer-Policy"] = "no-referrer"
        resp.headers["Cache-Control"] = "no-store"
        return resp

    @app.errorhandler(ReviewError)
    def _review_error(exc: ReviewError) -> tuple[Response, int]:
        return jsonify(error=str(exc)), 400 if "no report" not in str(exc) else 404

    @app.get("/static/review.css")
    def css() -> Response:
        return Response(CSS, mimetype="text/css")

    @app.get("/static/review.js")
    def js() -> Response:
        return Response(JS, mimetype="application/javascript")

    @app.get("/")
    def index() -> str:
        rows = [batch.summary(rid) for rid in batch.entries]
        statuses = sorted({r["status"] for r in rows})
        templates = sorted({str(r["template"]) for r in rows})
        q = request.args.get("q", "").strip().lower()
        status = request.args.get("status", "")
        template = request.args.get("template", "")
        problems = request.args.get("problems", "") == "1"
        if q:
            rows = [r for r in rows if q in f"{r['id']} {r['agency']} {r['title']} {' '.join(r['failed'])}".lower()]
        if status:
            rows = [r for r in rows if r["status"] == status]
        if template:
            rows = [r for r in rows if str(r["template"]) == template]
        if problems:
            rows = [r for r in rows if r["n_failed"] or r["n_ambiguous"] or r["n_low"] or r["status"] != "success"]
        sort = request.args.get("sort", "id")
        sort = sort if sort in SORT_KEYS else "id"
        desc = request.args.get("desc", "") == "1"
        rows.sort(key=lambda r: (r[sort] is None, r[sort] if r[sort] is not None else 0), reverse=desc)
        return render_template("index.html", rows=rows, n=len(batch.entries), sort=sort, desc=desc, q=q, status=status,
                               template=template, problems=problems, statuses=statuses, templates=templates,
                               out_dir=str(batch.out_dir), args=dict(request.args))

    @app.get("/r/<rid>")
    def report(rid: str) -> str:
        try:
            entry = batch.get(rid)
        except ReviewError:
            abort(404)
        rec = batch.record(rid)
        src = batch.source(rid)
        cells = rec.get("cells") or {}
        bad = failed_cells(rec)
        corrected = {c.get("key") for c in entry.corrections} | {c.get("to") for c in entry.corrections}
        lines = _view_lines(src) if src is not None else []
        grids = layout.grids(rec)
        labels = {k: layout.cell_label(k) for g in grids for _, keys in g.rows for k in keys if k}
        targets = layout.table_keys(rec)
        all_labels = {**labels, **{t: layout.cell_label(t) for ts in targets.values() for t in ts}}
        return render_template(
            "report.html", rec=rec, rid=rid, grids=grids, cells=cells, bad=bad, corrected=corrected, lines=lines,
            low=batch.low_confidence, token=app.config["OGI_TOKEN"], summary=batch.summary(rid),
            corrections=entry.corrections, section_keys=_section_keys(rec), fmt=src.doc.fmt if src else "",
            targets=targets, labels=all_labels,
            source_ok=src is not None,
        )

    @app.get("/api/r/<rid>/where")
    def where(rid: str) -> Response:
        key = request.args.get("key", "")
        loc = batch.locate(rid, key)
        src = batch.source(rid)
        loc["context"] = ""
        loc["view_line"] = None
        if src is not None and loc["start"] is not None:
            s, e = loc["start"], loc["end"]
            loc["view_line"], loc["line_start"] = _line_pos(src.view, s)
            lo, hi = _context(src.view, s, e, CONTEXT_LINES)
            spans = [(a - lo, b - lo, lab) for a, b, lab in _view_spans(batch, rid) if lo <= a and b <= hi]
            if not any((a, b) == (s - lo, e - lo) for a, b, _ in spans):
                spans = [x for x in spans if x[1] <= s - lo or x[0] >= e - lo] + [(s - lo, e - lo, loc["label"])]
            doc = make_doc(src.view[lo:hi], spans)
            loc["context"] = render_view(doc, focus=(s - lo, e - lo))
            loc["displacy"] = url_for("displacy_view", rid=rid, key=key)
            if src.doc.fmt == "pdf":
                loc["page_image"] = url_for("pdf_page", rid=rid, key=key)
                loc["page_whole"] = url_for("pdf_page", rid=rid, key=key, whole="1")
        return jsonify(loc)

    @app.get("/r/<rid>/page.png")
    def pdf_page(rid: str) -> Response:
        from ogi.review.pdfpage import find_word, page_png

        entry = batch.get(rid)
        src = batch.source(rid)
        if src is None or src.doc.fmt != "pdf" or entry.source_path is None:
            abort(404)
        loc = batch.locate(rid, request.args.get("key", ""))
        if loc["start"] is None:
            abort(404)
        ls = src.view.rfind("\n", 0, loc["start"]) + 1
        le = src.view.find("\n", loc["start"])
        line = src.view[ls : le if le >= 0 else len(src.view)]
        try:
            page, word = find_word(entry.source_path, line, loc["value"])
            band = None if request.args.get("whole") == "1" else 90.0
            png = page_png(entry.source_path, page, word, band)
        except Exception as exc:  # noqa: BLE001 - a PDF pdfplumber reads but cannot draw: the text view stays
            log.warning("no page image for %s: %s", rid, exc)
            abort(404)
        return Response(png, mimetype="image/png")

    def _token_ok() -> bool:
        sent = request.headers.get("X-OGI-Token", "")
        return hmac.compare_digest(sent.encode(), app.config["OGI_TOKEN"].encode())

    @app.post("/api/r/<rid>/undo")
    def undo(rid: str) -> tuple[Response, int]:
        if not _token_ok():
            return jsonify(error="missing or wrong session token"), 403
        return jsonify(undone=batch.undo(rid), summary=batch.summary(rid)), 200

    @app.post("/api/r/<rid>/corrections")
    def correct(rid: str) -> tuple[Response, int]:
        if not _token_ok():
            return jsonify(error="missing or wrong session token"), 403
        batch.get(rid)
        body = request.get_json(silent=True)
        if not isinstance(body, dict):
            return jsonify(error="the body must be a JSON object"), 400
        saved = batch.add_correction(rid, body)
        return jsonify(saved=saved, summary=batch.summary(rid)), 200

    @app.get("/r/<rid>/displacy")
    def displacy_view(rid: str) -> Response:
        """displaCy's own span rendering of the lines around a cell (a page of its own: inline styles)."""
        from ogi.review.spans import render_displacy

        key = request.args.get("key", "")
        loc = batch.locate(rid, key)
        src = batch.source(rid)
        if src is None or loc["start"] is None:
            abort(404)
        lo, hi = _context(src.view, loc["start"], loc["end"], CONTEXT_LINES)
        spans = [(a - lo, b - lo, lab) for a, b, lab in _view_spans(batch, rid) if lo <= a and b <= hi]
        html_page = render_displacy(make_doc(src.view[lo:hi], spans))
        resp = Response(f"<!doctype html><meta charset='utf-8'><title>{escape(key)}</title>{html_page}", mimetype="text/html")
        resp.headers["X-OGI-Inline-Styles"] = "1"
        return resp

    @app.get("/api/r/<rid>/annotation")
    def annotation(rid: str) -> Response:
        return jsonify(batch.annotation(rid).to_json())

    return app


def _section_keys(rec: dict[str, Any]) -> list[str]:
    if rec.get("template") == "legacy":
        n = max(len(rec.get("sections") or []) + 3, 8)
        return [f"legacy.{i}" for i in range(1, n + 1)]
    return ["s1", "s2", "s3", "s4", "s5", "s6"]


def _view_lines(src: Any) -> list[tuple[int, str]]:
    """(shown line number, text) of the view: source lines for raw views, rendered lines for HTML."""
    lines = re.split(r"\r\n|\r|\n", src.view) if src.view_is_raw else src.view.split("\n")
    return [(i + 1, t) for i, t in enumerate(lines)]


_BREAK = re.compile(r"\r\n|\r|\n")


def _line_pos(view: str, offset: int) -> tuple[int, int]:
    """(1-based line, offset where it starts) of a view offset, counting line breaks as the page does."""
    n, start = 1, 0
    for m in _BREAK.finditer(view, 0, offset):
        n, start = n + 1, m.end()
    return n, start


def _context(view: str, s: int, e: int, n: int, reach: int = CONTEXT_CHARS) -> tuple[int, int]:
    """The window shown around a span: ``n`` lines either side, at most ``reach`` characters each way
    (a report that arrives as one line has no lines to count)."""
    lo = s
    for _ in range(n + 1):
        lo = view.rfind("\n", 0, max(lo - 1, 0)) + 1 if lo > 0 else 0
    hi = e
    for _ in range(n):
        nxt = view.find("\n", hi + 1)
        hi = len(view) if nxt < 0 else nxt
    return max(lo, s - reach), min(max(hi, e), len(view), e + reach)


def _view_spans(batch: ReviewBatch, rid: str) -> list[tuple[int, int, str]]:
    """The report's annotation spans (with corrections) in view offsets."""
    from ogi.review.store import apply_to_spans

    src = batch.source(rid)
    if src is None:
        return []
    entry = batch.get(rid)
    out = []
    for s, e, lab in apply_to_spans(src, entry.record, entry.corrections):
        vs, ve = src.raw_to_view(s, e)
        if ve > vs:
            out.append((vs, ve, lab))
    return out
