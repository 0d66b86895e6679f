"""The documents a user reads inside the repository agree with the code."""

from __future__ import annotations

import re
from pathlib import Path

from ogi import schema

ROOT = Path(__file__).resolve().parents[1]
CONTRACT = ROOT / "docs" / "output-contract.md"
SHARED = ROOT.parent / "shared" / "SCHEMA.md"


def test_docs_output_contract_names_every_key_part() -> None:
    """Every section, table-2 item/row/column, table-3 row/column and table-4 group/column the schema
    decodes into is named in the output contract a user reads."""
    text = CONTRACT.read_text(encoding="utf-8")
    parts = set(schema.SECTION_KEYS) | set(schema.T3_COL_KEYS) | set(schema.T4_GROUP_KEYS) | set(schema.T4_COL_KEYS)
    for template in ("2019", "2021"):
        for key in schema.all_cell_keys(template):
            if key.startswith("t3."):
                parts.add(key.split(".", 1)[1].rsplit(".", 1)[0])
            elif key.startswith("t2."):
                _, item, row, col = key.split(".")
                parts |= {item, row, col}
    missing = sorted(p for p in parts if f"`{p}`" not in text and not re.search(rf"`[^`]*\b{re.escape(p)}\b[^`]*`", text))
    assert not missing, f"{CONTRACT.name} does not name: {missing}"


def test_docs_output_contract_in_step_with_shared_schema() -> None:
    """Where the project's shared SCHEMA.md is present (development machines), the copy is identical."""
    if not SHARED.is_file():
        return  # a clean checkout has only the repository's copy; the key test above still runs
    body = CONTRACT.read_text(encoding="utf-8").split("\n", 1)[1]
    assert body == SHARED.read_text(encoding="utf-8"), "docs/output-contract.md drifted from shared/SCHEMA.md"


def test_docs_readme_links_resolve() -> None:
    """Every relative link of the README and the docs points at a file of the repository."""
    for md in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md")), ROOT / "annotations" / "README.md"]:
        for target in re.findall(r"\]\(([^)#:]+)(?:#[^)]*)?\)", md.read_text(encoding="utf-8")):
            path = (md.parent / target).resolve()
            assert path.is_relative_to(ROOT), f"{md.relative_to(ROOT)} links outside the repository: {target}"
            assert path.exists(), f"{md.relative_to(ROOT)} links to missing {target}"


def test_docs_ci_runs_the_readme_test_command() -> None:
    """.ci/run calls the README's test command word for word (a set-up step missing from either fails CI)."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```bash\n(.*?)```", readme, flags=re.S)
    test_cmds = [line for b in blocks for line in b.splitlines() if "pytest" in line]
    assert len(test_cmds) == 1, test_cmds
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert test_cmds[0].strip() in [line.strip() for line in ci]
