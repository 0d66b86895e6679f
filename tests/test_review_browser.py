"""`ogi review` in a real headless Chromium: open the index, open seed 003, correct a cell, save, reload,
see the correction, then `ogi train` on the saved corrections.

Needs Debian's ``chromium`` and ``chromium-driver`` and the ``selenium`` package. Without them the test
is skipped, unless ``OGI_REQUIRE_BROWSER=1`` (CI sets it): then it fails, so CI never passes by
skipping it. ``OGI_SCREENSHOTS=DIR`` also saves screenshots of the index and the report page at 1400 and
800 px wide.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "seeds" / "003_2494e1b8728ee7a1.txt"
KEY = "t3.new_received.natural_person"
REQUIRED = os.environ.get("OGI_REQUIRE_BROWSER") == "1"


def _missing(reason: str) -> None:
    if REQUIRED:
        pytest.fail(f"OGI_REQUIRE_BROWSER=1 but {reason}")
    pytest.skip(reason)


def _find(*names: str) -> str | None:
    for n in names:
        found = shutil.which(n)
        if found:
            return found
    return None


@pytest.fixture()
def driver():
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        _missing("selenium is not installed (pip install -e '.[review,test]')")
    browser = _find("chromium", "chromium-browser", "google-chrome")
    chromedriver = _find("chromedriver")
    if not browser or not chromedriver:
        _missing("chromium and chromium-driver are not installed (apt-get install -y chromium chromium-driver)")
    profile = tempfile.mkdtemp(prefix="ogi-chromium-")
    opts = webdriver.ChromeOptions()
    opts.binary_location = browser
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage", f"--user-data-dir={profile}", "--window-size=1400,1000"):
        opts.add_argument(flag)
    drv = webdriver.Chrome(service=Service(executable_path=chromedriver), options=opts)
    drv.set_page_load_timeout(60)
    try:
        yield drv
    finally:
        drv.quit()
        shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture()
def server(tmp_path: Path):
    pytest.importorskip("flask") if not REQUIRED else None
    from ogi.pipeline import tag_path
    from ogi.review.server import make_server
    from ogi.review.store import ReviewBatch
    from ogi.taggers import load_tagger

    records = tmp_path / "batch.jsonl"
    rec = tag_path(SEED, load_tagger("default"))
    records.write_text(json.dumps(rec, ensure_ascii=False) + "\n", encoding="utf-8")
    batch = ReviewBatch.open(records, tmp_path / "review")
    srv = make_server(batch, "127.0.0.1", 0)
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    try:
        yield f"http://127.0.0.1:{srv.server_port}", batch
    finally:
        srv.shutdown()
        srv.server_close()


def _shot(drv, name: str, width: int) -> None:
    out = os.environ.get("OGI_SCREENSHOTS")
    if not out:
        return
    Path(out).mkdir(parents=True, exist_ok=True)
    drv.set_window_size(width, 1000)
    drv.save_screenshot(str(Path(out) / f"{name}-{width}.png"))


def test_review_browser_correct_reload_train(driver, server, tmp_path: Path) -> None:
    from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    base, batch = server
    # the page reloads after a save: an element found just before may be gone when it is read
    wait = WebDriverWait(driver, 30, ignored_exceptions=(NoSuchElementException, StaleElementReferenceException))
    rid = next(iter(batch.entries))
    assert rid.startswith("003_")

    # 1. the index lists the report with its problems, and links to it
    driver.get(base + "/")
    row = wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, f'tr[data-id="{rid}"]')))
    assert "2019" in row.text and "success" in row.text
    _shot(driver, "index", 1400)
    _shot(driver, "index", 800)
    driver.set_window_size(1400, 1000)
    row.find_element(By.LINK_TEXT, rid).click()

    # 2. the report page: tables laid out like the template; a click shows where the cell was read
    cell_sel = f'td.cell[data-key="{KEY}"]'
    td = wait.until(ec.element_to_be_clickable((By.CSS_SELECTOR, cell_sel)))
    old = td.text
    assert old == batch.record(rid)["cells"][KEY]["value"]
    td.click()
    focus = wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, "#context .sp-focus")))
    assert focus.text.startswith(old)
    mark = wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, "pre#src mark.read")))
    assert mark.text == old  # the printed characters are marked in the source itself
    _shot(driver, "report", 1400)
    _shot(driver, "report", 800)
    driver.set_window_size(1400, 1000)

    # 3. correct it, save, and the page reloads with the corrected value
    new = str(int(old) + 1)
    box = driver.find_element(By.ID, "value")
    box.clear()
    box.send_keys(new)
    driver.find_element(By.ID, "note").send_keys("browser test")
    driver.find_element(By.ID, "save-value").click()
    wait.until(lambda d: d.find_element(By.CSS_SELECTOR, cell_sel).text == new)
    driver.refresh()
    td = wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, cell_sel)))
    assert td.text == new
    assert "corrected" in td.get_attribute("class")

    # 4. the saved corrections: a corrected record and annotations in the training format
    out = batch.out_dir
    saved = [json.loads(x) for x in (out / "records.jsonl").read_text(encoding="utf-8").splitlines()]
    assert saved[0]["cells"][KEY]["value"] == new
    corr = saved[0]["review"]["corrections"][0]
    assert corr["note"] == "browser test" and corr["time"]
    from ogi.annotations import read_annotations, validate

    assert validate(out / "annotations.jsonl") == []
    (ann,) = read_annotations(out / "annotations.jsonl")
    assert ann.meta["split"] == "train" and ann.meta["source"] == "review"

    # 5. `ogi train` takes them as they are (a tiny CRF: 5 iterations)
    cfg = tmp_path / "tiny.json"
    cfg.write_text(json.dumps({"model": "crf", "max_iterations": 5}), encoding="utf-8")
    model_dir = tmp_path / "model"
    ogi = [sys.executable, "-m", "ogi.cli.main"]
    helptext = subprocess.run([*ogi, "train", "--help"], check=False, capture_output=True, text=True, timeout=60).stdout
    kind = ["--kind", "crf"] if "--kind" in helptext else ["--model", "crf"]
    proc = subprocess.run(
        [*ogi, "train", *kind, "--config", str(cfg), "--data", str(out / "annotations.jsonl"), "--out", str(model_dir)],
        check=False, capture_output=True, text=True, timeout=600,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    meta = json.loads((model_dir / "meta.json").read_text(encoding="utf-8"))
    assert meta["training_data"]["n_train"] == 1
