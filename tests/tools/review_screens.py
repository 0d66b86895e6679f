"""Screenshots of `ogi review` in headless Chromium: the index and report pages at 1400 and 800 px.

    .venv/bin/python tests/tools/review_screens.py OUT_DIR [REPORT ...]

Tags the five seeds (plus any REPORT given, e.g. a PDF), serves them, and saves index-<w>.png,
report-<w>.png (seed 003 with a table-3 cell selected), ambiguous-<w>.png (the first report with an
ambiguous cell, that cell selected) and, for a PDF, pdf-<w>.png with its page image.
"""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage")


def main(out: str, extra: list[str]) -> None:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    from ogi.pipeline import tag_path
    from ogi.review.server import make_server
    from ogi.review.store import ReviewBatch
    from ogi.taggers import load_tagger

    work = Path(tempfile.mkdtemp(prefix="ogi-screens-"))
    tagger = load_tagger("default")
    recs = [tag_path(p, tagger) for p in [*sorted((ROOT / "seeds").glob("*.txt")), *map(Path, extra)]]
    (work / "batch.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in recs), encoding="utf-8")
    batch = ReviewBatch.open(work / "batch.jsonl", work / "review")
    srv = make_server(batch, "127.0.0.1", 0)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{srv.server_port}"
    opts = webdriver.ChromeOptions()
    opts.binary_location = shutil.which("chromium") or "chromium"
    for f in (*FLAGS, f"--user-data-dir={work / 'profile'}"):
        opts.add_argument(f)
    drv = webdriver.Chrome(service=Service(executable_path=shutil.which("chromedriver")), options=opts)
    Path(out).mkdir(parents=True, exist_ok=True)
    try:
        wait = WebDriverWait(drv, 60)
        pages = [("index", "/", None), ("report", f"/r/{recs[3]['id']}#cell=t3.granted.natural_person", "#context .sp-focus")]
        amb = [(r["id"], k) for r in recs for k, c in r["cells"].items() if c.get("ambiguous")]
        if amb:
            pages.append(("ambiguous", f"/r/{amb[0][0]}#cell={amb[0][1]}", "#context .sp-focus"))
        pdfs = [r for r in recs[5:] if str(r.get("path", "")).endswith(".pdf")]
        if pdfs:
            pages.append(("pdf", f"/r/{pdfs[0]['id']}#cell=t3.new_received.natural_person", "#page-link:not([hidden])"))
        for name, url, ready in pages:
            for width in (1400, 800):
                drv.set_window_size(width, 1000)
                drv.get(base + url)
                if ready:
                    wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, ready)))
                    wait.until(lambda d: d.execute_script(
                        "const i = document.getElementById('page-img'); return !i || !i.getAttribute('src') || i.complete;"))
                    time.sleep(0.5)  # the scroll settles
                drv.save_screenshot(str(Path(out) / f"{name}-{width}.png"))
    finally:
        drv.quit()
        srv.shutdown()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
