"""ogi: structure Chinese open-government-information annual reports into canonical data.

    import ogi
    rec = ogi.tag("report.txt")          # one SCHEMA.md record (a dict)
    for rec in ogi.tag_many(paths): ...  # a batch, one record at a time

``import ogi`` is cheap: the API (``ogi.api``) and the models load on first use.
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
__version__ = "0.1.0"
__all__ = ["Record", "__version__", "cross_year", "read_records", "tag", "tag_many"]

if TYPE_CHECKING:
    from typing import Any

    from ogi.api import Record, cross_year, read_records, tag, tag_many


def __getattr__(name: str) -> Any:
    """Load the API on first use of one of its names (keeps ``import ogi`` free of model code)."""
    if name in ("tag", "tag_many", "cross_year", "read_records", "Record", "CellRecord"):
        from ogi import api

        return getattr(api, name)
    raise AttributeError(f"module 'ogi' has no attribute {name!r}")
