"""A batch of one agency's consecutive annual reports, built with the synthetic generator.

The generator draws every report's numbers independently; here its value makers are wrapped so that
year after year the numbers chain as real reports' do: this year's 上年结转 is last year's 结转下年度,
and (2019 template) this year's 上一年项目数量 is last year's plus its 本年增/减. The narrative gets a
sentence stating the requests received and the 规范性文件 published. ``break_year`` prints one
上年结转 off by 2 (with the year's own identity kept) so a cross-year check fails there.
"""

from __future__ import annotations

from pathlib import Path
from random import Random
from typing import Any

from ogi import schema
from ogi.training import synth
from ogi.units import number_in_unit


def _chain_t3(vals: dict[str, dict[str, int]], tpl: str, prev_fwd: dict[str, int] | None, bump: int) -> None:
    """Make table 3 consistent with itself and with last year's 结转下年度 (in place)."""
    leaves = schema.T3_LEAF_ROWS[tpl]
    for c in schema.T3_APPLICANT_COLS:
        vals["total_processed"][c] = sum(vals[r][c] for r in leaves)
        carried = (prev_fwd or {}).get(c, vals["carried_over"][c]) + (bump if c == "natural_person" else 0)
        vals["carried_over"][c] = carried
        new = vals["total_processed"][c] + vals["carried_forward"][c] - carried
        if new < 0:
            new, vals["carried_forward"][c] = 0, carried - vals["total_processed"][c]
        vals["new_received"][c] = new
    for r in vals:
        vals[r]["total"] = sum(vals[r][c] for c in schema.T3_APPLICANT_COLS)


def build_series(folder: Path, org: str, first_year: int = 2019, n: int = 5, layout: str = "pipe_rows_kept",
                 seed: int = 11, break_year: int | None = None) -> list[dict[str, Any]]:
    """Write ``n`` reports of ``org`` for consecutive years into ``folder``; returns what each states.

    Each report is ``synth.generate_one`` with no augmentation family; its value makers and its item
    builder are wrapped (chained numbers; this agency and year; two narrative sentences).
    """
    orig_t3, orig_t2, orig_t4, orig_items = synth.t3_values, synth.t2_values, synth.t4_values, synth.build_items
    state: dict[str, Any] = {"fwd": None, "t2": None}
    truth: list[dict[str, Any]] = []
    folder.mkdir(parents=True, exist_ok=True)
    try:
        for year in range(first_year, first_year + n):
            tpl = "2019" if year < 2021 else "2021"
            got: dict[str, Any] = {}

            def t3_values(*args: Any, **kwargs: Any) -> dict[str, dict[str, int]]:
                vals = orig_t3(*args, **kwargs)
                _chain_t3(vals, tpl, state["fwd"], 2 if year == break_year else 0)  # noqa: B023
                got["t3"] = vals  # noqa: B023
                return vals

            def t2_values(*args: Any, **kwargs: Any) -> dict[str, str]:
                vals = orig_t2(*args, **kwargs)
                prev = state["t2"]
                if tpl == "2019" and prev is not None and prev["template"] == "2019":  # noqa: B023
                    for key in list(vals):
                        if key.endswith(".prev_count"):
                            base = key[: -len(".prev_count")]
                            last = int(prev[key])  # the generator prints counts as plain digits
                            change = int(number_in_unit(base + ".change", prev[base + ".change"], 0) or 0)
                            vals[key] = str(last + change)
                for key in list(vals):  # a count cannot fall below 0: next year's 上一年项目数量 stays a count
                    if key.endswith(".prev_count"):
                        base = key[: -len(".prev_count")]
                        if int(vals[key]) + int(number_in_unit(base + ".change", vals[base + ".change"], 0) or 0) < 0:
                            vals[base + ".change"] = "0"
                got["t2"] = {**vals, "template": tpl}  # noqa: B023
                return vals

            def build_items(rng: Random, style: Any, t: str, _year: int, _org: str) -> list[Any]:
                style.org, style.date = org, f"{year + 1}-03-15"  # noqa: B023
                items = orig_items(rng, style, tpl, year, org)  # noqa: B023
                verb = "主动公开" if tpl == "2019" else "制发"  # noqa: B023
                docs_key = "t2.art20_1.normative_docs." + ("new_published" if tpl == "2019" else "issued")  # noqa: B023
                got["received"] = got["t3"]["new_received"]["total"]  # noqa: B023
                got["docs"] = int(got["t2"][docs_key])  # noqa: B023
                at = next(i for i, it in enumerate(items) if it[0] == "heading" and it[2] == "SEC.s2")
                items.insert(at + 1, ("para", f"{year}年，本机关{verb}规范性文件{got['docs']}件。"))  # noqa: B023
                at = next(i for i, it in enumerate(items) if it[0] == "heading" and it[2] == "SEC.s3")
                items.insert(at + 1, ("para", f"{year}年，本机关共收到政府信息公开申请{got['received']}件。"))  # noqa: B023
                return items

            def t4_values(*args: Any, **kwargs: Any) -> dict[str, dict[str, int]]:
                vals = orig_t4(*args, **kwargs)
                for group in vals.values():  # the generator breaks a sum now and then; this batch's tables hold
                    group["total"] = sum(v for k, v in group.items() if k != "total")
                return vals

            synth.t3_values, synth.t2_values, synth.t4_values, synth.build_items = t3_values, t2_values, t4_values, build_items
            rng = Random(seed * 1000 + year)
            try:
                report = synth.generate_one(rng, f"{org}-{year}", template=tpl, layout=layout, families=())
            except TypeError:  # a generator without augmentation families
                report = synth.generate_one(rng, f"{org}-{year}", template=tpl, layout=layout)
            path = folder / f"{org}-{year}.txt"
            path.write_text(report.text, encoding="utf-8")
            truth.append({"path": path, "year": year, "template": tpl, "received": got["received"], "docs": got["docs"],
                          "t3": got["t3"], "t2": got["t2"]})
            state["fwd"] = {c: got["t3"]["carried_forward"][c] for c in schema.T3_APPLICANT_COLS}
            state["t2"] = got["t2"]
    finally:
        synth.t3_values, synth.t2_values, synth.t4_values, synth.build_items = orig_t3, orig_t2, orig_t4, orig_items
    return truth
