"""Faults and hostile batches: dead and stuck workers, memory hogs, slow reports, undecodable file
names, dangerous ``--out`` values, two runs on one output, resume from elsewhere, colliding ids, files
a folder scan does not read. Each test reproduces a defect the red-team run found (issue 14)."""

from __future__ import annotations

import json
import os
import shutil
import sys
import threading
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

sys.path.insert(0, str(Path(__file__).resolve().parent))  # fault_work, pickled by name into workers

import fault_work  # noqa: E402

from ogi.batch import OutputLock, TagOptions, assign_ids, partial_path, run_tag  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))


def _app():  # noqa: ANN202
    from ogi.cli.main import app

    return app


def _records(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def _seed_folder(folder: Path, n: int = 3) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for s in SEEDS[:n]:
        shutil.copyfile(s, folder / s.name)
        out.append(folder / s.name)
    return out


def _opts(**kw) -> TagOptions:  # noqa: ANN003
    kw.setdefault("model", "rules")
    kw.setdefault("progress", False)
    return TagOptions(**kw)


# --------------------------------------------------------------------------------------- workers


@pytest.mark.parametrize("jobs", [1, 2])
@pytest.mark.parametrize("fault", ["die", "segv"])
def test_batch_dead_worker_fails_only_its_report(tmp_path: Path, jobs: int, fault: str) -> None:
    """kill -9 (or a segfault) of a worker used to hang ``--jobs N`` forever; now that report fails,
    the worker is replaced and every other report is tagged."""
    seeds = _seed_folder(tmp_path / "in")
    shutil.copyfile(SEEDS[0], tmp_path / "in" / f"00_{fault}.txt")  # sorts first
    out = tmp_path / "out.jsonl"
    t0 = time.monotonic()
    code = run_tag([str(tmp_path / "in")], out, _opts(jobs=jobs, work=fault_work.misbehave, timeout=60))
    assert time.monotonic() - t0 < 60
    assert code == 1
    recs = {Path(r["path"]).name: r for r in _records(out)}
    assert len(recs) == len(seeds) + 1
    bad = recs[f"00_{fault}.txt"]
    assert bad["status"] == "failed"
    assert "worker died" in bad["errors"][0] and ("SIGKILL" in bad["errors"][0] or "SIGSEGV" in bad["errors"][0])
    assert all(recs[s.name]["status"] == "success" for s in seeds)


def test_batch_timeout_fails_the_stuck_report_only(tmp_path: Path) -> None:
    seeds = _seed_folder(tmp_path / "in")
    shutil.copyfile(SEEDS[0], tmp_path / "in" / "0-slow.txt")
    out = tmp_path / "out.jsonl"
    t0 = time.monotonic()
    assert run_tag([str(tmp_path / "in")], out, _opts(jobs=1, work=fault_work.misbehave, timeout=2)) == 1
    assert time.monotonic() - t0 < fault_work.SLOW_SECONDS
    recs = {Path(r["path"]).name: r for r in _records(out)}
    assert "timed out" in recs["0-slow.txt"]["errors"][0]
    assert all(recs[s.name]["status"] == "success" for s in seeds)


def test_batch_memory_limit_fails_the_hog_only(tmp_path: Path) -> None:
    seeds = _seed_folder(tmp_path / "in", 2)
    shutil.copyfile(SEEDS[0], tmp_path / "in" / "00_hog.txt")
    out = tmp_path / "out.jsonl"
    assert run_tag([str(tmp_path / "in")], out, _opts(work=fault_work.misbehave, max_memory_mb=300)) == 1
    recs = {Path(r["path"]).name: r for r in _records(out)}
    assert "memory" in recs["00_hog.txt"]["errors"][0]
    assert all(recs[s.name]["status"] == "success" for s in seeds)


def test_batch_slow_first_report_does_not_hold_back_the_checkpoint(tmp_path: Path) -> None:
    """Records are checkpointed as they finish: while the first (slow) report runs, the others are
    already safe on disk; the final output is still in input order."""
    seeds = _seed_folder(tmp_path / "in")
    shutil.copyfile(SEEDS[0], tmp_path / "in" / "0-slow.txt")
    out = tmp_path / "out.jsonl"
    result: dict[str, int] = {}
    t = threading.Thread(
        target=lambda: result.setdefault("code", run_tag([str(tmp_path / "in")], out,
                                                         _opts(jobs=2, work=fault_work.misbehave, timeout=8))))
    t.start()
    partial = partial_path(out)
    deadline = time.monotonic() + 7
    seen = 0
    while time.monotonic() < deadline and t.is_alive():
        if partial.is_file():
            seen = len(partial.read_text(encoding="utf-8").splitlines())
            if seen == len(seeds):
                break
        time.sleep(0.1)
    assert seen == len(seeds) and t.is_alive(), "finished records waited for the slow first one"
    t.join()
    names = [Path(r["path"]).name for r in _records(out)]
    assert names == sorted(names) and names[0] == "0-slow.txt"
    assert result["code"] == 1


def test_batch_model_that_does_not_load_is_one_error(tmp_path: Path) -> None:
    bad = tmp_path / "model"
    bad.mkdir()
    (bad / "meta.json").write_text('{"type": "crf", "features_version": "nope"}', encoding="utf-8")
    _seed_folder(tmp_path / "in", 1)
    for jobs in ("1", "2"):
        r = CliRunner().invoke(_app(), ["tag", str(tmp_path / "in"), "-m", str(bad), "-j", jobs, "-o",
                                        str(tmp_path / "o.jsonl"), "--no-progress"])
        assert r.exit_code == 2, r.output
        assert "Traceback" not in r.output and "Error:" in r.output
        assert not (tmp_path / "o.jsonl").exists()


# --------------------------------------------------------------------------------------- names and ids


def test_batch_non_utf8_file_name(tmp_path: Path) -> None:
    """A GBK file name (zips from Chinese Windows) used to abort the batch at the checkpoint write and
    abort --resume again; now it gets its record, its id is the name read as GB18030, resume keeps it
    and the CSV/XLSX exports hold it."""
    folder = tmp_path / "in"
    _seed_folder(folder, 2)
    gbk = os.fsencode(str(folder)) + b"/" + "年度报告".encode("gbk") + b".txt"
    shutil.copyfile(SEEDS[0], gbk)
    out = tmp_path / "out.jsonl"
    assert run_tag([str(folder)], out, _opts()) == 0
    recs = _records(out)
    assert len(recs) == 3
    odd = [r for r in recs if r["id"] == "年度报告"]
    assert len(odd) == 1 and os.fsencode(odd[0]["path"]) == gbk  # the path reads back to the same bytes
    before = out.read_bytes()
    assert run_tag([str(folder)], out, _opts(resume=True)) == 0
    assert out.read_bytes() == before  # nothing tagged twice
    for suffix in (".csv", ".xlsx"):
        assert run_tag([str(folder)], tmp_path / f"out{suffix}", _opts()) == 0
    assert "年度报告" in (tmp_path / "out.csv").read_text(encoding="utf-8-sig")


def test_batch_ids_unique_across_folders(tmp_path: Path) -> None:
    for sub in ("a", "b"):
        (tmp_path / sub).mkdir()
        shutil.copyfile(SEEDS[0], tmp_path / sub / "report.txt")
    shutil.copyfile(SEEDS[1], tmp_path / "a" / "report.html")
    out = tmp_path / "out.jsonl"
    run_tag([str(tmp_path / "a"), str(tmp_path / "b")], out, _opts())
    ids = [r["id"] for r in _records(out)]
    assert len(set(ids)) == len(ids) == 3
    assert "b/report" in ids
    assert assign_ids(["x/r.txt", "y/r.txt", "z.txt"]) == ["x/r", "y/r", "z"]


def test_batch_resume_from_another_folder_and_through_a_link(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """--resume used to compare paths as typed: from another cwd or through a symlink every record was
    tagged again and written twice."""
    _seed_folder(tmp_path / "work" / "in")
    (tmp_path / "link").symlink_to(tmp_path / "work")
    out = tmp_path / "out.jsonl"
    monkeypatch.chdir(tmp_path / "work")
    assert run_tag(["in"], out, _opts()) == 0
    before = _records(out)
    monkeypatch.chdir(tmp_path)
    assert run_tag([str(Path("link") / "in")], out, _opts(resume=True)) == 0
    assert _records(out) == before


# --------------------------------------------------------------------------------------- --out


@pytest.mark.parametrize("what", ["input", "input-link", "folder", "/dev/null", "/dev/stdout", "txt"])
def test_batch_refuses_a_dangerous_out(tmp_path: Path, what: str) -> None:
    """--out used to overwrite the input report, replace /dev/null, or fail on a folder only after the
    whole batch; now it is refused before any work, in one line, exit 2."""
    seeds = _seed_folder(tmp_path / "in", 2)
    target = {
        "input": seeds[0],
        "input-link": tmp_path / "link.jsonl",
        "folder": tmp_path / "in",
        "/dev/null": Path("/dev/null"),
        "/dev/stdout": Path("/dev/stdout"),
        "txt": tmp_path / "x.txt",
    }[what]
    if what == "input-link":
        target.symlink_to(seeds[0])
    before = seeds[0].read_bytes()
    r = CliRunner().invoke(_app(), ["tag", str(tmp_path / "in"), "--out", str(target), "-m", "rules", "--no-progress"])
    assert r.exit_code == 2, r.output
    lines = [ln for ln in r.output.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("Error:") and "--out" in lines[0], r.output
    assert seeds[0].read_bytes() == before
    if what == "/dev/null":
        assert Path("/dev/null").is_char_device()


def test_batch_out_in_dev_shm_is_allowed(tmp_path: Path) -> None:
    """/dev/shm is a plain tmpfs: refusing device files must not refuse it."""
    if not Path("/dev/shm").is_dir():
        pytest.skip("no /dev/shm")
    _seed_folder(tmp_path / "in", 1)
    out = Path("/dev/shm") / f"ogi-test-{os.getpid()}-{tmp_path.name}.jsonl"
    try:
        assert run_tag([str(tmp_path / "in")], out, _opts()) == 0
        assert len(_records(out)) == 1
    finally:
        out.unlink(missing_ok=True)


def test_batch_second_run_on_the_same_out_is_refused(tmp_path: Path) -> None:
    """Two runs writing one --out used to interleave and lose records; the second is now refused."""
    _seed_folder(tmp_path / "in", 1)
    out = tmp_path / "out.jsonl"
    with OutputLock(out):
        r = CliRunner().invoke(_app(), ["tag", str(tmp_path / "in"), "-o", str(out), "-m", "rules", "--no-progress"])
    assert r.exit_code == 2 and "another ogi run" in r.output, r.output
    assert run_tag([str(tmp_path / "in")], out, _opts()) == 0  # the lock is gone with its holder
    assert not (tmp_path / ".out.jsonl.lock").exists()


def test_batch_disk_full_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import errno

    import ogi.batch as batch

    _seed_folder(tmp_path / "in", 2)
    out = tmp_path / "out.jsonl"

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(partial_path(out)))

    monkeypatch.setattr(batch.os, "fsync", full)
    r = CliRunner().invoke(_app(), ["tag", str(tmp_path / "in"), "-o", str(out), "-m", "rules", "--no-progress"])
    assert r.exit_code == 2
    assert "No space left on device" in r.output and "--resume" in r.output and "Traceback" not in r.output


# --------------------------------------------------------------------------------------- nothing skipped silently


def test_batch_names_every_file_it_does_not_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Unsupported files, pipes, broken links and unreadable folders used to vanish without a word
    (exit 0); each is now named in the summary with its reason."""
    folder = tmp_path / "in"
    _seed_folder(folder, 1)
    (folder / "scan.png").write_bytes(b"\x89PNG")
    os.mkfifo(folder / "pipe.txt")
    (folder / "gone.txt").symlink_to(tmp_path / "nowhere.txt")
    (folder / "locked").mkdir()
    real_scandir = os.scandir

    def scandir(path):  # noqa: ANN001, ANN202 - as root chmod 000 is not enough: refuse like the kernel would
        if str(path).endswith("locked"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    r = CliRunner().invoke(_app(), ["tag", str(folder), "-o", str(tmp_path / "o.jsonl"), "-m", "rules", "--no-progress"])
    assert r.exit_code == 1, r.output
    out = r.output
    assert "scan.png: unsupported extension .png" in out
    assert "pipe.txt: a named pipe" in out
    assert "gone.txt: broken symbolic link" in out
    assert "locked: unreadable folder (Permission denied)" in out
    assert len(_records(tmp_path / "o.jsonl")) == 1


# --------------------------------------------------------------------------------------- the pool itself


def test_workpool_worker_killed_while_starting_is_replaced(tmp_path: Path) -> None:
    """A kill -9 of a starting worker is not the model's fault: another is started, the run goes on."""
    from ogi.workpool import WorkerPool

    with WorkerPool(1, fault_work.echo, fault_work.die_once_init, (str(tmp_path / "marker"),), timeout=30) as pool:
        got = sorted(r for _, _, r in pool.run(["a", "b", "c"]))
    assert got == ["a", "b", "c"]


def test_workpool_workers_that_always_die_starting_stop_the_run() -> None:
    from ogi.workpool import WorkerInitError, WorkerPool

    t0 = time.monotonic()
    with pytest.raises(WorkerInitError, match="SIGSEGV"), WorkerPool(2, fault_work.echo, fault_work.always_die_init) as pool:
        list(pool.run(["a", "b"]))
    assert time.monotonic() - t0 < 30


def test_batch_killed_leaves_no_worker_behind(tmp_path: Path) -> None:
    """kill -9 of the batch: its workers (children of Python's fork server, which they keep alive)
    exit within seconds instead of finishing a hostile report for nobody."""
    import signal
    import subprocess

    psutil = pytest.importorskip("psutil")
    (tmp_path / "in").mkdir()
    shutil.copyfile(SEEDS[0], tmp_path / "in" / "0-slow.txt")
    code = ("import sys; sys.path.insert(0, %r); import fault_work; from pathlib import Path; "
            "from ogi.batch import run_tag, TagOptions; "
            "run_tag(['in'], Path('o.jsonl'), TagOptions(model='rules', progress=False, work=fault_work.misbehave))"
            % str(Path(__file__).resolve().parent))
    proc = subprocess.Popen([sys.executable, "-c", code], cwd=tmp_path)
    try:
        deadline = time.monotonic() + 30
        kids: list = []
        while time.monotonic() < deadline and len(kids) < 2:  # the fork server and its worker
            time.sleep(0.3)
            kids = psutil.Process(proc.pid).children(recursive=True)
        assert kids, "no worker started"
        time.sleep(1)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        _, alive = psutil.wait_procs(kids, timeout=10)
        assert not alive, [p.cmdline() for p in alive]
    finally:
        if proc.poll() is None:
            proc.kill()


def test_batch_from_a_script_without_main_guard(tmp_path: Path) -> None:
    """Workers start from a fork server, which re-imports the caller's main module: a script without
    ``if __name__ == "__main__"`` ran again in every worker, and a main read from stdin killed them."""
    import subprocess

    _seed_folder(tmp_path / "in", 2)
    script = ("print('SCRIPT-BODY', flush=True)\n"
              "from pathlib import Path\nfrom ogi.batch import run_tag, TagOptions\n"
              "raise SystemExit(run_tag(['in'], Path('o.jsonl'), TagOptions(model='rules', jobs=2, progress=False)))\n")
    (tmp_path / "script.py").write_text(script, encoding="utf-8")
    for argv, stdin in (([sys.executable, "script.py"], None), ([sys.executable, "-"], script)):
        r = subprocess.run(argv, input=stdin, cwd=tmp_path, capture_output=True, text=True, timeout=120, check=False)
        assert r.returncode == 0, r.stderr
        assert r.stdout.count("SCRIPT-BODY") == 1
        assert len(_records(tmp_path / "o.jsonl")) == 2


def test_dask_engine_times_out_a_slow_report(tmp_path: Path) -> None:
    """The Dask engine used to wait in input order with no deadline: a slow first report held every
    record back. Now each task has a deadline and records come as they finish."""
    pytest.importorskip("distributed")
    import random

    from ogi.dask_engine import dask_records

    rng = random.Random(1)
    slow = tmp_path / "0-slow.txt"  # 2 MB of digits and bars: about a minute to tag
    slow.write_text("".join(rng.choice("0123456789 |\n一二三、（）") for _ in range(2_000_000)), encoding="utf-8")
    files = [str(slow)] + [str(p) for p in _seed_folder(tmp_path / "in", 2)]
    t0 = time.monotonic()
    got = list(dask_records(files, "rules", None, timeout=10))
    assert time.monotonic() - t0 < 60
    by_index = dict(got)
    assert sorted(by_index) == [0, 1, 2]
    assert "timed out" in by_index[0]["errors"][0]
    assert by_index[1]["status"] == by_index[2]["status"] == "success"
