"""Serving the review app: a threaded WSGI server (werkzeug's) bound to one address."""

from __future__ import annotations

import secrets
from typing import Any

from ogi.review.app import create_app
from ogi.review.store import ReviewBatch

LOOPBACK = ("127.0.0.1", "localhost", "::1")


def allowed_hosts(host: str, port: int) -> set[str] | None:
    """Host headers a server on ``host:port`` accepts: the loopback names (or ``host``); None when bound to all."""
    if host in ("0.0.0.0", "::", ""):
        return None
    names = {"localhost", "127.0.0.1", "[::1]"} if host in LOOPBACK else {host}
    return {f"{n}:{port}" for n in names}


def make_server(batch: ReviewBatch, host: str = "127.0.0.1", port: int = 8765) -> Any:
    """A werkzeug threaded server for the batch with a fresh session token (``port`` 0: any free port)."""
    from werkzeug.serving import make_server as _make

    token = secrets.token_urlsafe(24)
    srv = _make(host, port, create_app(batch, token, None), threaded=True)
    # the Host check needs the real port, known only once the socket is bound
    srv.app = create_app(batch, token, allowed_hosts(host, srv.server_port))
    return srv


def url_of(srv: Any, host: str) -> str:
    """The address to open in a browser."""
    shown = "127.0.0.1" if host in ("0.0.0.0", "", "::") else host
    return f"http://{shown}:{srv.server_port}/"
