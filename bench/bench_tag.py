"""Throughput, peak memory and start-up time of ``ogi tag`` (see bench/README.md).

    python bench/bench_tag.py                       # N=2000 synthetic reports, rules/crf/transformer, jobs 1 and 2
    python bench/bench_tag.py --n 300 --models rules
    python bench/bench_tag.py --corpus DIR          # an existing folder of reports instead
    python bench/bench_tag.py --profile 50          # also cProfile one process over 50 reports

Each run is ``ogi tag FOLDER --out X --model M --jobs J`` as a subprocess, wrapped in a small Python
process that reports ``getrusage(RUSAGE_CHILDREN).ru_maxrss`` (the largest RSS of any single process of
the tree: the main process or one pool worker). Where psutil is installed the sum of RSS over the tree
is also sampled every 20 ms (the pool's total footprint). Results go to a table and bench/results.json.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import platform
import pstats
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]

TARGET_RATE = 100.0  # reports/s with --jobs 2 on a 2-core machine
TARGET_STARTUP = 1.0  # s
TARGET_PEAK_MB = 500.0  # with the default model

# Runs a command and writes its exit code and the children's max RSS (KiB on Linux) as JSON.
_WRAPPER = r"""
import json, resource, subprocess, sys
out, cmd = sys.argv[1], sys.argv[2:]
p = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
ru = resource.getrusage(resource.RUSAGE_CHILDREN)
json.dump({"rc": p.returncode, "maxrss_kb": ru.ru_maxrss, "cpu_s": ru.ru_utime + ru.ru_stime, "stderr": p.stderr.decode("utf-8", "replace")[-4000:]},
          open(out, "w"))
"""


def ogi_command() -> list[str]:
    """The ``ogi`` console script if on PATH, else ``python -m ogi.cli.main``."""
    exe = shutil.which("ogi")
    return [exe] if exe else [sys.executable, "-m", "ogi.cli.main"]


def make_corpus(folder: Path, n: int, seed: int) -> dict[str, int]:
    """Write ``n`` synthetic reports (all layouts; .txt or .html by format) into ``folder``."""
    from ogi.training.synth import generate

    folder.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}
    for rep in generate(n, seed):
        fmt = rep.meta.get("format", "text")
        suffix = ".html" if fmt == "html" else ".txt"
        (folder / f"{rep.id}{suffix}").write_text(rep.text, encoding="utf-8")
        layout = rep.meta.get("layout", fmt)
        counts[layout] = counts.get(layout, 0) + 1
    return counts


def model_available(model: str) -> str | None:
    """None when ``model`` can be loaded here, else why not."""
    from ogi.errors import ModelLoadError
    from ogi.taggers import resolve_model

    try:
        path = resolve_model(model)
    except ModelLoadError as exc:
        return str(exc)
    if path is None:
        return None
    meta_path = path / "meta.json"
    if not meta_path.is_file():
        return f"{path}: no meta.json"
    kind = json.loads(meta_path.read_text(encoding="utf-8")).get("type")
    need = {"crf": "pycrfsuite", "transformer": "torch"}.get(kind or "")
    if need:
        import importlib.util

        if importlib.util.find_spec(need) is None:
            return f"model type {kind} needs {need}, which is not installed"
    return None


class _TreeSampler:
    """Samples the summed RSS of a process tree with psutil (if installed)."""

    def __init__(self, pid: int) -> None:
        self.peak = 0
        self._stop = threading.Event()
        try:
            import psutil
        except ImportError:
            self._thread = None
            return
        self._psutil = psutil
        self._pid = pid
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        ps = self._psutil
        try:
            root = ps.Process(self._pid)
        except ps.Error:
            return
        while not self._stop.is_set():
            total = 0
            try:
                procs = [root, *root.children(recursive=True)]
            except ps.Error:
                break
            for p in procs:
                try:
                    total += p.memory_info().rss
                except ps.Error:
                    pass
            self.peak = max(self.peak, total)
            self._stop.wait(0.02)

    def stop(self) -> float | None:
        self._stop.set()
        if self._thread is None:
            return None
        self._thread.join()
        return self.peak / 2**20


def timed_run(cmd: list[str]) -> dict[str, Any]:
    """Run ``cmd`` through the rusage wrapper; wall time, exit code, peak RSS (single process / tree)."""
    with tempfile.NamedTemporaryFile("r", suffix=".json", delete=False) as tf:
        info_path = tf.name
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", _WRAPPER, info_path, *cmd])
    sampler = _TreeSampler(proc.pid)
    proc.wait()
    wall = time.perf_counter() - t0
    tree_mb = sampler.stop()
    info = json.loads(Path(info_path).read_text())
    os.unlink(info_path)
    kb = info["maxrss_kb"]
    peak_mb = kb / 1024 if sys.platform != "darwin" else kb / 2**20
    return {"seconds": wall, "cpu_s": info["cpu_s"], "rc": info["rc"], "peak_rss_mb": round(peak_mb, 1),
            "peak_tree_rss_mb": None if tree_mb is None else round(tree_mb, 1), "stderr": info["stderr"]}


def startup(ogi: list[str], tiny: Path, model: str, work: Path, repeat: int = 5) -> dict[str, float]:
    """Median wall time of ``ogi tag --help`` and of tagging one tiny file."""
    helps, tags = [], []
    for i in range(repeat):
        t0 = time.perf_counter()
        subprocess.run([*ogi, "tag", "--help"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        helps.append(time.perf_counter() - t0)
        out = work / f"tiny_{i}.jsonl"
        t0 = time.perf_counter()
        subprocess.run([*ogi, "tag", str(tiny), "--out", str(out), "--model", model, "--no-progress"],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        tags.append(time.perf_counter() - t0)
    return {"help_s": round(statistics.median(helps), 3), "tag_one_s": round(statistics.median(tags), 3)}


def profile(folder: Path, model: str, n: int, top: int = 10) -> tuple[str, list[dict[str, Any]]]:
    """cProfile of the pipeline in this process over ``n`` reports; the top entries by cumulative time."""
    from ogi.pipeline import tag_path
    from ogi.taggers import load_tagger

    tagger = load_tagger(model)
    files = sorted(p for p in folder.iterdir() if p.is_file())[:n]
    tag_path(files[0], tagger)  # warm caches (OpenCC, regexes) outside the profile
    pr = cProfile.Profile()
    pr.enable()
    for f in files:
        tag_path(f, tagger)
    pr.disable()
    buf = io.StringIO()
    stats = pstats.Stats(pr, stream=buf).sort_stats("cumulative")
    stats.print_stats(top + 8)
    entries = []
    for (file, line, func), (cc, nc, tt, ct, _) in sorted(stats.stats.items(), key=lambda kv: -kv[1][3]):  # type: ignore[attr-defined]
        if "bench_tag.py" in file or func in ("<module>",) or file == "~":
            continue
        entries.append({"function": f"{Path(file).name}:{line}({func})", "ncalls": nc, "tottime_s": round(tt, 4),
                        "cumtime_s": round(ct, 4), "per_report_ms": round(1000 * ct / len(files), 2)})
        if len(entries) >= top:
            break
    return buf.getvalue(), entries


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=2000, help="synthetic reports to generate (default 2000)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--corpus", type=Path, help="an existing folder of reports (no generation)")
    ap.add_argument("--models", default="rules,crf,transformer", help="comma-separated (default rules,crf,transformer)")
    ap.add_argument("--jobs", default="1,2", help="comma-separated --jobs values (default 1,2)")
    ap.add_argument("--profile", type=int, default=0, metavar="N", help="cProfile one process over N reports")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "results.json")
    ap.add_argument("--keep", action="store_true", help="keep the generated corpus and outputs")
    args = ap.parse_args(argv)

    work = Path(tempfile.mkdtemp(prefix="ogi-bench-"))
    try:
        if args.corpus:
            folder = args.corpus
            layouts: dict[str, int] = {}
        else:
            folder = work / "corpus"
            t0 = time.perf_counter()
            layouts = make_corpus(folder, args.n, args.seed)
            print(f"generated {args.n} synthetic reports in {time.perf_counter() - t0:.1f}s: {layouts}", file=sys.stderr)
        files = [p for p in folder.rglob("*") if p.is_file()]
        n_files = len(files)
        corpus_mb = sum(p.stat().st_size for p in files) / 2**20
        tiny = work / "tiny.txt"
        tiny.write_text("2020年政府信息公开工作年度报告\n一、总体情况\n本年度无。\n", encoding="utf-8")
        ogi = ogi_command()
        results: dict[str, Any] = {
            "machine": {"platform": platform.platform(), "python": platform.python_version(),
                        "cpus": os.cpu_count(), "processor": platform.processor()},
            "corpus": {"path": str(args.corpus) if args.corpus else f"synthetic n={args.n} seed={args.seed}",
                       "reports": n_files, "megabytes": round(corpus_mb, 2), "layouts": layouts},
            "command": ogi,
            "runs": [], "skipped": {}, "startup": {}, "targets": {}, "profile": None,
        }
        models = [m.strip() for m in args.models.split(",") if m.strip()]
        jobs = [int(j) for j in args.jobs.split(",") if j.strip()]
        for model in models:
            why = model_available(model)
            if why:
                results["skipped"][model] = why
                print(f"skip model {model}: {why}", file=sys.stderr)
                continue
            results["startup"][model] = startup(ogi, tiny, model, work)
            for j in jobs:
                out = work / f"out_{model}_{j}.jsonl"
                r = timed_run([*ogi, "tag", str(folder), "--out", str(out), "--model", model, "--jobs", str(j),
                               "--no-progress"])
                status: dict[str, int] = {}
                n_out = 0
                if out.is_file():
                    for line in out.open(encoding="utf-8"):
                        n_out += 1
                        s = json.loads(line)["status"]
                        status[s] = status.get(s, 0) + 1
                run = {"model": model, "jobs": j, "reports": n_out, "seconds": round(r["seconds"], 3),
                       "reports_per_s": round(n_out / r["seconds"], 1) if r["seconds"] else None,
                       "cpu_seconds": round(r["cpu_s"], 3),
                       "reports_per_cpu_s": round(n_out / r["cpu_s"], 1) if r["cpu_s"] else None,
                       "peak_rss_mb": r["peak_rss_mb"], "peak_tree_rss_mb": r["peak_tree_rss_mb"],
                       "rc": r["rc"], "status": status}
                if r["rc"] not in (0, 1) or n_out != n_files:
                    run["error"] = r["stderr"][-1500:]
                results["runs"].append(run)
                print(f"  {model} jobs={j}: {run['reports_per_s']} reports/s, peak {run['peak_rss_mb']} MB", file=sys.stderr)

        # targets: rate with --jobs 2, start-up, memory with the default model (or the first one run)
        by = {(r["model"], r["jobs"]): r for r in results["runs"]}
        default = next((m for m in ("default", "crf", "rules") if any(k[0] == m for k in by)), None)
        if default:
            j2 = by.get((default, 2))
            st = results["startup"].get(default, {})
            peak = max(r["peak_tree_rss_mb"] or r["peak_rss_mb"] for r in results["runs"] if r["model"] == default)
            results["targets"] = {
                "model": default,
                "rate_jobs2": {"value": j2 and j2["reports_per_s"], "target": TARGET_RATE,
                               "ok": bool(j2 and j2["reports_per_s"] >= TARGET_RATE)},
                "startup_tag_one": {"value": st.get("tag_one_s"), "target": TARGET_STARTUP,
                                    "ok": bool(st and st["tag_one_s"] < TARGET_STARTUP)},
                "peak_memory_mb": {"value": peak, "target": TARGET_PEAK_MB, "ok": peak < TARGET_PEAK_MB},
            }
        if args.profile:
            model = default or "rules"
            text, entries = profile(folder, model, args.profile)
            results["profile"] = {"model": model, "reports": min(args.profile, n_files), "top": entries}

        print_table(results)
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        print(f"\nwrote {args.out}")
    finally:
        if args.keep:
            print(f"kept {work}", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)
    return 0


def print_table(results: dict[str, Any]) -> None:
    c = results["corpus"]
    m = results["machine"]
    print(f"\ncorpus: {c['reports']} reports, {c['megabytes']} MB ({c['path']}); {m['cpus']} CPUs, Python {m['python']}")
    print(f"{'model':<12} {'jobs':>4} {'reports':>7} {'seconds':>8} {'reports/s':>10} {'CPU s':>7} {'rep/CPU-s':>9} "
          f"{'peak MB':>8} {'tree MB':>8} {'rc':>3}")
    for r in results["runs"]:
        tree = "-" if r["peak_tree_rss_mb"] is None else f"{r['peak_tree_rss_mb']:.0f}"
        print(f"{r['model']:<12} {r['jobs']:>4} {r['reports']:>7} {r['seconds']:>8.2f} {r['reports_per_s']:>10} "
              f"{r['cpu_seconds']:>7.2f} {r['reports_per_cpu_s']:>9} "
              f"{r['peak_rss_mb']:>8.0f} {tree:>8} {r['rc']:>3}")
        if r.get("error"):
            print(f"    error: {r['error'][-300:]}")
    for model, why in results["skipped"].items():
        print(f"{model:<12} skipped: {why}")
    print("\nstart-up (median of 5):")
    for model, st in results["startup"].items():
        print(f"  {model:<12} ogi tag --help {st['help_s']:.3f}s   tag one tiny file {st['tag_one_s']:.3f}s")
    if results["targets"]:
        t = results["targets"]
        print(f"\ntargets ({t['model']}):")
        for name in ("rate_jobs2", "startup_tag_one", "peak_memory_mb"):
            v = t[name]
            print(f"  {name:<16} {v['value']!s:>8}  target {v['target']:<6} {'OK' if v['ok'] else 'MISSED'}")
    if results["profile"]:
        p = results["profile"]
        print(f"\nprofile ({p['model']}, {p['reports']} reports, one process), top by cumulative time:")
        print(f"  {'cumtime s':>9} {'ms/report':>9} {'tottime s':>9} {'ncalls':>8}  function")
        for e in p["top"]:
            print(f"  {e['cumtime_s']:>9.3f} {e['per_report_ms']:>9.2f} {e['tottime_s']:>9.3f} {e['ncalls']:>8}  {e['function']}")


if __name__ == "__main__":
    sys.exit(main())
