"""The arithmetic decoder's placement of values from rows that lost their blank cells."""

from __future__ import annotations

import itertools
import random

from ogi import decode, schema
from ogi.data import Segment, Tag


def _group(table: str, values: list[str]) -> decode.RowGroup:
    return decode.RowGroup(table, "", values=[(Segment(v, 0, len(v), 0, "num"), Tag("O", 0.9, "rules")) for v in values])


def _full_t4_score(combo: tuple[int, ...], numbers: list[float]) -> float:
    """Score of one whole assignment: the sum of the group terms of the groups it fills."""
    score = 0.0
    for gi, g in enumerate(schema.T4_GROUP_KEYS):
        cells = {schema.T4_COL_KEYS[i - gi * 5]: numbers[j] for j, i in enumerate(combo) if gi * 5 <= i < gi * 5 + 5}
        if cells:
            score += decode._t4_group_score(g, cells)
    return score - 1e-6 * sum(combo)


def test_decode_t4_groupwise_enumeration_equals_full_enumeration() -> None:
    rng = random.Random(3)
    for _ in range(150):
        values = [str(rng.choice([0, 0, 1, 2, 3, 5, 8])) for _ in range(rng.randint(1, 9))]
        numbers = [float(v) for v in values]
        fast_score, _ = decode._t4_candidates(_group("t4", values), numbers, 1)[0]
        best = max(_full_t4_score(c, numbers) for c in itertools.combinations(range(15), len(values)))
        assert abs(fast_score - best) < 1e-6, values


def test_decode_pair_goes_to_natural_person_and_total() -> None:
    cands, ambiguous = decode.candidates(_group("t3", ["20", "20"]), schema.T3_COL_KEYS, grid=False)
    assert ambiguous and cands[0][1] == (0, 6)


def test_decode_full_row_is_placed_in_order_and_not_ambiguous() -> None:
    cands, ambiguous = decode.candidates(_group("t3", ["1", "0", "0", "0", "0", "0", "1"]), schema.T3_COL_KEYS, grid=False)
    assert not ambiguous and cands == [(0.0, tuple(range(7)))]
