"""Cell-level gold: the correct values of one report, as a person reads them off the printed tables.

A gold file is JSON (the format is documented in ``docs/gold-format.md``)::

    {"id": "agency-2024", "template": "2021", "layout": "pipe", "script": "simplified",
     "cells": {"t3.new_received.natural_person": "12", ...},      # printed value; blank cells absent
     "ambiguous": ["t3.carried_forward.total"],                  # column not decidable from the text
     "sections": [{"key": "s1", "title": "一、总体情况"}, ...]}

It names the raw report it describes by an explicit ``raw`` path (relative to the gold file) or, without
one, by its file name: ``gold/<name>.json`` describes ``<raw dir>/<name>.<any extension>``.
:func:`read_golds` reads files and folders of them and finds each raw report.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

_WS = re.compile(r"\s+")
# NFKC leaves U+2212 MINUS SIGN alone; reports print changes with it ("−1") and gold writes "-1".
_MINUS = str.maketrans({"\u2212": "-"})
META_FIELDS = ("layout", "template", "script", "year", "excerpt", "source")


class GoldFormatError(ValueError):
    """A gold file that cannot be used: the message names the file and what is wrong."""


def norm_value(value: Any) -> str:
    """A value as gold and prediction are compared: NFKC (full-width → half-width), U+2212 → "-", no whitespace."""
    import unicodedata

    text = unicodedata.normalize("NFKC", str(value if value is not None else "")).translate(_MINUS)
    return _WS.sub("", text)


def norm_title(title: Any) -> str:
    """A section title as compared: NFKC, simplified script, no whitespace."""
    from ogi.normalize import normalize_value

    return _WS.sub("", normalize_value(str(title or "")))


def norm_key(key: str) -> str:
    """A cell key as compared: legacy keys carry printed labels, so they get the value normalisation too."""
    return "legacy." + norm_value(key[7:]) if key.startswith("legacy.") else key


def row_of(key: str) -> str:
    """The row a cell key belongs to: the key without its column (a legacy key is its own row)."""
    if key.startswith("legacy."):
        return key
    return key.rsplit(".", 1)[0]


@dataclass
class GoldReport:
    """The gold of one report: cells (key → printed value), ambiguous keys, sections and meta."""

    id: str
    path: Path
    raw: Path | None
    cells: dict[str, str]
    ambiguous: frozenset[str] = frozenset()
    sections: list[dict[str, Any]] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


def _raw_candidates(folder: Path, names: Iterable[str]) -> list[Path]:
    out: list[Path] = []
    if not folder.is_dir():
        return out
    for name in dict.fromkeys(n for n in names if n):
        out += [p for p in sorted(folder.glob(f"{glob_escape(name)}.*")) if p.is_file() and p.suffix.lower() != ".json"]
        if out:
            break
    return out


def glob_escape(name: str) -> str:
    """``name`` with glob metacharacters escaped (report names may hold brackets)."""
    return re.sub(r"([*?\[])", r"[\1]", name)


def find_raw(gold_path: Path, data: dict[str, Any], raw_dir: Path | None) -> Path:
    """The raw report a gold file describes.

    Order: the gold's own ``raw`` path (relative to the gold file); ``<raw_dir>/<stem>.*``; then, without
    ``raw_dir``, ``raw/`` beside the gold folder and the gold folder itself. ``<stem>`` is the gold file's
    name without ``.json``, then its ``id``.

    Raises:
        GoldFormatError: no raw report, or more than one candidate.
    """
    explicit = data.get("raw")
    if explicit:
        p = Path(str(explicit))
        p = p if p.is_absolute() else gold_path.parent / p
        if not p.is_file():
            raise GoldFormatError(f"{gold_path}: its raw report {explicit!r} does not exist ({p})")
        return p
    names = [gold_path.stem, str(data.get("id") or "")]
    folders = [raw_dir] if raw_dir is not None else [gold_path.parent.parent / "raw", gold_path.parent]
    for folder in folders:
        found = _raw_candidates(Path(folder), names)
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            raise GoldFormatError(
                f"{gold_path}: more than one raw report named {gold_path.stem}.* in {folder}: "
                f"{', '.join(p.name for p in found)}; give the gold a \"raw\" path"
            )
    where = " or ".join(str(f) for f in folders)
    raise GoldFormatError(f"{gold_path}: no raw report {gold_path.stem}.* in {where}; use --raw DIR or a \"raw\" path in the gold")


def read_gold(path: Path, raw_dir: Path | None = None) -> GoldReport:
    """Read and check one gold file and find its raw report.

    Raises:
        GoldFormatError: unreadable JSON, no ``cells`` object, a value that is not a string or number,
            bad ``ambiguous`` or ``sections``, or no raw report.
    """
    from ogi.schema import is_valid_cell_key

    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise GoldFormatError(f"{path}: cannot read: {exc}") from exc
    except json.JSONDecodeError as exc:
        raise GoldFormatError(f"{path}: not valid JSON (line {exc.lineno}: {exc.msg})") from exc
    if not isinstance(data, dict) or not isinstance(data.get("cells"), dict):
        raise GoldFormatError(f"{path}: a gold file is a JSON object with a \"cells\" object (key → printed value)")
    cells: dict[str, str] = {}
    warnings: list[str] = []
    for k, v in data["cells"].items():
        if isinstance(v, bool) or not isinstance(v, (str, int, float)):
            raise GoldFormatError(f"{path}: cell {k!r} has value {v!r}; give the printed value as a string")
        if str(v).strip() == "":
            raise GoldFormatError(f"{path}: cell {k!r} is empty; leave blank cells out of \"cells\"")
        if not is_valid_cell_key(k):
            warnings.append(f"unknown cell key {k!r}")
        cells[norm_key(k)] = str(v)
    amb_raw = data.get("ambiguous", [])
    if not isinstance(amb_raw, list) or not all(isinstance(k, str) for k in amb_raw):
        raise GoldFormatError(f"{path}: \"ambiguous\" must be a list of cell keys")
    ambiguous = frozenset(norm_key(k) for k in amb_raw)
    for k in sorted(ambiguous - set(cells)):
        warnings.append(f"ambiguous key {k!r} is not among the cells")
    sections = data.get("sections", [])
    if not isinstance(sections, list) or not all(isinstance(s, dict) and isinstance(s.get("key"), str) for s in sections):
        raise GoldFormatError(f"{path}: \"sections\" must be a list of objects with a \"key\" (and a \"title\")")
    raw = find_raw(path, data, raw_dir)
    meta = {f: data.get(f) for f in META_FIELDS if f in data}
    for w in warnings:
        log.warning("%s: %s", path, w)
    return GoldReport(
        id=str(data.get("id") or path.stem),
        path=path,
        raw=raw,
        cells=cells,
        ambiguous=ambiguous,
        sections=[{"key": s["key"], "title": str(s.get("title", "")), "line": s.get("line")} for s in sections],
        meta=meta,
        warnings=warnings,
    )


def gold_from_annotation(report: Any, source: Path, raw_dir: Path | None = None) -> GoldReport:
    """The cell gold of an annotated report (``ogi.annotations``): its ``VAL`` spans' text as cells, its
    ``SEC`` spans as sections, ``meta.ambiguous`` (if any) as ambiguous keys; the raw report is
    ``<raw_dir>/<id>.*`` (without ``raw_dir``: beside the annotation file, then ``raw/`` beside its folder).

    Raises:
        GoldFormatError: no raw report for the id.
    """
    meta = dict(report.meta or {})
    cells = {norm_key(k): v for k, v in report.gold_cells().items()}
    sections = [
        {"key": sp.label[4:], "title": report.span_text(sp), "line": report.line_of(sp.start)}
        for sp in sorted(report.spans)
        if sp.label.startswith("SEC.")
    ]
    folders = [raw_dir] if raw_dir is not None else [source.parent, source.parent.parent / "raw"]
    found: list[Path] = []
    for folder in folders:
        found = _raw_candidates(Path(folder), [report.id])
        if found:
            break
    if len(found) != 1:
        why = "no raw report" if not found else "more than one raw report"
        raise GoldFormatError(
            f"{source}: report {report.id!r}: {why} {report.id}.* in {' or '.join(str(f) for f in folders)} "
            "(use --raw DIR, or --data to score the annotation's own text)"
        )
    return GoldReport(
        id=report.id,
        path=source,
        raw=found[0],
        cells=cells,
        ambiguous=frozenset(norm_key(k) for k in meta.get("ambiguous", []) or []),
        sections=sections,
        meta={f: meta.get(f) for f in META_FIELDS if f in meta},
    )


def gold_files(paths: Iterable[Path]) -> list[Path]:
    """Gold files: each file given, and every ``*.json`` (and annotated ``*.jsonl``) of each folder given.

    Raises:
        GoldFormatError: a path that does not exist, or a folder without gold files.
    """
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            found = sorted(q for q in p.iterdir() if q.is_file() and q.suffix in (".json", ".jsonl"))
            if not found:
                raise GoldFormatError(f"{p}: no gold *.json files in this folder")
            out += found
        elif p.is_file():
            out.append(p)
        else:
            raise GoldFormatError(f"{p}: no such gold file or folder")
    return out


def read_golds(paths: Iterable[Path], raw_dir: Path | None = None) -> list[GoldReport]:
    """Read every gold file of ``paths`` (files or folders; ``.jsonl`` annotation files count as gold for
    the reports whose raw file is found); ids must be unique.

    Raises:
        GoldFormatError: the first bad file (one line naming it and what is wrong), or a repeated id.
    """
    golds: list[GoldReport] = []
    for p in gold_files(paths):
        if p.suffix == ".jsonl":  # annotated reports (e.g. the seeds) scored on their raw files
            from ogi.annotations import read_annotations

            try:
                reports = read_annotations(p)
            except (OSError, ValueError, KeyError) as exc:
                raise GoldFormatError(f"{p}: cannot read annotations: {exc}") from exc
            golds += [gold_from_annotation(r, p, raw_dir) for r in reports]
        else:
            golds.append(read_gold(p, raw_dir))
    seen: dict[str, Path] = {}
    for g in golds:
        if g.id in seen:
            raise GoldFormatError(f"{g.path}: id {g.id!r} is also the id of {seen[g.id]}")
        seen[g.id] = g.path
    return golds


# ---------------------------------------------------------------------------------------------
# From a spreadsheet: a CSV of every cell of a template, filled in by a person, to a gold file
# ---------------------------------------------------------------------------------------------

CSV_COLUMNS = ("key", "table", "row", "column", "value", "ambiguous")


def template_rows(template: str) -> list[dict[str, str]]:
    """One row per cell of a 2019 or 2021 template: its key and the printed row and column labels."""
    from ogi.schema import (
        SECTION_KEYS,
        SECTION_TITLES,
        T2_BLOCK_BY_KEY,
        T2_COLUMNS,
        T3_COLUMNS,
        T3_ROW_BY_KEY,
        T4_COLUMNS,
        T4_GROUPS,
        all_cell_keys,
    )

    t3_cols = {c.key: c.label for c in T3_COLUMNS}
    t4_groups = {g.key: g.label for g in T4_GROUPS}
    t4_cols = {c.key: c.label for c in T4_COLUMNS}
    rows = [{"key": k, "table": "章节", "row": SECTION_TITLES.get(k, k), "column": "标题"} for k in SECTION_KEYS]
    for key in all_cell_keys(template):
        parts = key.split(".")
        if parts[0] == "t2":
            block = T2_BLOCK_BY_KEY[parts[1]]
            row = next(r.label for r in block.rows if r.key == parts[2])
            rows.append({"key": key, "table": f"表二 第二十条第（{block.numeral}）项", "row": row, "column": T2_COLUMNS[parts[3]].label})
        elif parts[0] == "t3":
            rows.append({"key": key, "table": "表三", "row": T3_ROW_BY_KEY[".".join(parts[1:-1])].label, "column": t3_cols[parts[-1]]})
        else:
            rows.append({"key": key, "table": "表四", "row": t4_groups[parts[1]], "column": t4_cols[parts[2]]})
    return rows


_SECTION_KEY = re.compile(r"^(s[1-6]|legacy\.\d+)$")


def write_template_csv(template: str, out: Any) -> None:
    """Write the cells of a template as CSV (``key,table,row,column,value,ambiguous``) for a person to fill in."""
    import csv

    w = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n")
    w.writeheader()
    for r in template_rows(template):
        w.writerow({**r, "value": "", "ambiguous": ""})


def gold_from_csv(path: Path, **meta: Any) -> dict[str, Any]:
    """A gold object from a filled-in CSV: rows with an empty ``value`` are blank cells (left out); a
    non-empty ``ambiguous`` (``1``, ``yes``, ``x``) lists the key as ambiguous; a section key (``s1``..``s6``,
    ``legacy.N``) with its printed title as the value is a section. Extra rows may add legacy
    keys (``legacy.<label>``). ``meta``: ``id``, ``template``, ``layout``, ... copied into the gold.

    Raises:
        GoldFormatError: no ``key`` and ``value`` columns, or a key given twice.
    """
    import csv

    with open(path, encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        if not reader.fieldnames or "key" not in reader.fieldnames or "value" not in reader.fieldnames:
            raise GoldFormatError(f"{path}: a gold CSV needs the columns 'key' and 'value' (see docs/gold-format.md)")
        cells: dict[str, str] = {}
        ambiguous: list[str] = []
        sections: list[dict[str, str]] = []
        for i, row in enumerate(reader, start=2):
            key, value = (row.get("key") or "").strip(), (row.get("value") or "").strip()
            if not key or not value:
                continue
            if _SECTION_KEY.match(key):  # a section: the value is its printed title
                sections.append({"key": key, "title": value})
                continue
            if key in cells:
                raise GoldFormatError(f"{path}: line {i}: key {key!r} given twice")
            cells[key] = value
            if (row.get("ambiguous") or "").strip().lower() in ("1", "yes", "y", "x", "true"):
                ambiguous.append(key)
    return {**{k: v for k, v in meta.items() if v is not None}, "cells": cells, "ambiguous": ambiguous, "sections": sections}


def main(argv: list[str] | None = None) -> int:
    """``python -m ogi.gold template 2021 > cells.csv`` and ``python -m ogi.gold from-csv cells.csv --id NAME``."""
    import argparse
    import sys

    ap = argparse.ArgumentParser(prog="python -m ogi.gold", description="Make cell-level gold from a spreadsheet.")
    sub = ap.add_subparsers(dest="cmd", required=True)
    t = sub.add_parser("template", help="print every cell of a template as CSV to fill in")
    t.add_argument("template", choices=("2019", "2021"))
    f = sub.add_parser("from-csv", help="turn a filled-in CSV into gold JSON (printed to stdout)")
    f.add_argument("csv", type=Path)
    f.add_argument("--id", required=True, help="the report's name: gold/<id>.json describes raw/<id>.*")
    f.add_argument("--template", choices=("2019", "2021", "legacy"))
    f.add_argument("--layout")
    f.add_argument("--year", type=int)
    args = ap.parse_args(argv)
    if args.cmd == "template":
        write_template_csv(args.template, sys.stdout)
        return 0
    try:
        gold = gold_from_csv(args.csv, id=args.id, template=args.template, layout=args.layout, year=args.year)
    except (OSError, GoldFormatError) as exc:
        sys.stderr.write(f"error: {exc}\n")
        return 2
    sys.stdout.write(json.dumps(gold, ensure_ascii=False, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
