"""One CLI error path: every user mistake is one line naming what is wrong and what to do, exit 2,
never a traceback (issue 14: these printed tracebacks, trained on bad data or said "ok")."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

ROOT = Path(__file__).resolve().parents[1]
SEEDS = str(ROOT / "seeds")


def _run(args: list[str]):  # noqa: ANN202
    from ogi.cli.main import app

    return CliRunner().invoke(app, args)


def _one_line_error(result, *words: str) -> None:  # noqa: ANN001
    assert result.exit_code == 2, (result.exit_code, result.output)
    assert "Traceback" not in result.output and not isinstance(result.exception, (ValueError, TypeError, KeyError))
    lines = [ln for ln in result.output.splitlines() if ln.strip() and not ln.startswith(("WARNING", "INFO"))]
    assert len(lines) == 1 and lines[0].lower().startswith("error:"), result.output
    for w in words:
        assert w in lines[0], (w, lines[0])


@pytest.fixture()
def files(tmp_path: Path) -> dict[str, Path]:
    (tmp_path / "empty.jsonl").write_bytes(b"")
    (tmp_path / "nojsonl").mkdir()
    (tmp_path / "nojsonl" / "a.txt").write_text("x", encoding="utf-8")
    (tmp_path / "bad.jsonl").write_text(
        '{"id": "x", "text": "abc", "spans": [{"start": 0, "end": 99, "label": "NOPE"}], "split": "train"}\n',
        encoding="utf-8")
    return {k: tmp_path / k for k in ("empty.jsonl", "nojsonl", "bad.jsonl", "missing.jsonl")} | {"dir": tmp_path}


@pytest.mark.parametrize(("args", "words"), [
    (["tag", SEEDS, "--out", "{dir}/x.txt"], ["--out", ".txt", ".jsonl"]),
    (["tag", SEEDS, "-j", "0"], ["--jobs"]),
    (["tag", SEEDS, "--engine", "spark"], ["--engine", "spark"]),
    (["tag", SEEDS, "-m", "no-such-model"], ["no-such-model"]),
    (["check", "{missing.jsonl}"], ["missing.jsonl"]),
    (["train", "--data", "{empty.jsonl}", "--out", "{dir}/m"], ["empty"]),
    (["train", "--data", "{missing.jsonl}", "--out", "{dir}/m"], ["missing.jsonl"]),
    (["train", "--data", "{bad.jsonl}", "--out", "{dir}/m"], ["NOPE", "ogi validate"]),
    (["train", "--data", "{nojsonl}", "--out", "{dir}/m"], [".jsonl"]),
    (["validate", "{empty.jsonl}"], ["empty"]),
    (["validate", "{nojsonl}"], ["no .jsonl"]),
    (["validate", "{missing.jsonl}"], ["missing.jsonl"]),
])
def test_cli_user_mistake_is_one_line(files: dict[str, Path], args: list[str], words: list[str]) -> None:
    argv = []
    for a in args:
        for k, v in files.items():
            a = a.replace("{" + k + "}", str(v))
        argv.append(a)
    _one_line_error(_run(argv), *words)
    assert not (files["dir"] / "m").exists()  # nothing trained on bad data


def test_cli_read_only_output_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import ogi.batch as batch

    def read_only(path, *a, **kw):  # noqa: ANN001, ANN002, ANN003, ANN202
        raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(path))

    monkeypatch.setattr(batch, "atomic_open", read_only)
    _one_line_error(_run(["tag", SEEDS, "-o", str(tmp_path / "o.jsonl"), "-m", "rules", "--no-progress"]),
                    "Read-only file system", "write somewhere else")
