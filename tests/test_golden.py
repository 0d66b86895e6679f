"""Golden records (docling's groundtruth idea): the whole ``ogi tag`` record of each seed, default model.

A change of behaviour shows as a diff of tests/golden/*.json; after reviewing it, accept it with
``pytest tests/test_golden.py --regen`` (the regenerated tests fail once, so the flag cannot be left on).
Volatile fields (the input path) are left out.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ogi.pipeline import tag_path
from ogi.taggers import load_tagger

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "tests" / "golden"
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))


@pytest.fixture(scope="module")
def tagger():  # noqa: ANN201 - a Tagger
    return load_tagger("default")


def _stable(record: dict) -> dict:
    return {k: v for k, v in record.items() if k != "path"}


@pytest.mark.parametrize("seed", SEEDS, ids=[p.stem for p in SEEDS])
def test_golden_seed_record(seed: Path, tagger, regen: bool) -> None:  # noqa: ANN001
    got = _stable(tag_path(seed, tagger))
    path = GOLDEN / f"{seed.stem}.json"
    if regen:
        GOLDEN.mkdir(exist_ok=True)
        path.write_text(json.dumps(got, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        pytest.fail(f"regenerated {path.relative_to(ROOT)}; review the diff and rerun without --regen")
    assert path.is_file(), f"no golden file {path.relative_to(ROOT)}: run pytest {Path(__file__).name} --regen"
    want = json.loads(path.read_text(encoding="utf-8"))
    assert got == want
