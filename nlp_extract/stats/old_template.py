"""The pre-2019 统计表: rows matched to keys by label, one value per row.

The form has a value column (统计数, or the year's beside a 历年累计 column) after an optional
unit column, so a row's value is its first value slot; a blank first slot (empty, ``/``, ``—``, ``无``) means "not
reported" and gives no figure, never a zero.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from ..schema import Check
from .align import SURE_SCORE, align, score_matrix
from .keys import PRE2019_ROWS, RowKey, key_unit
from .labels import canonical
from .model import Figure
from .numbers import NUMBER_RE, cell_unit, in_unit
from .tables import Cell, Row, split_run

_YEAR_THEN_CUMULATIVE = re.compile(r"(?:本年|年度).*累计")  # the header's order: the year's column first
_TIE = 0.02  # label scores this close name two rows alike
_HEADER = re.compile(r"统计指标|统计数|政府信息公开情况统计表|信息公开.{0,6}统计表")


@dataclass(frozen=True)
class OldTable:
    figures: list[Figure]
    matched_rows: int  # rows whose label matched a key beyond doubt: evidence of the template
    has_header: bool
    checks: list[Check] = field(default_factory=list)


def number_span(cell: Cell) -> tuple[int, int]:
    """Offsets of the number inside a value cell (``5件`` -> the ``5``)."""
    m = NUMBER_RE.search(cell.text)
    if m is None:
        return cell.start, cell.end
    text = m.group().rstrip()
    return cell.start + m.start(), cell.start + m.start() + len(text)


def cell_figure(key: str, cell: Cell, unit: str | None) -> Figure | None:
    if cell.kind != "value" or cell.value is None:
        return None
    start, end = number_span(cell)
    value, unit = in_unit(cell.value, cell_unit(cell.text) or unit, key_unit(key))
    return Figure(key, value, unit, False, "table", start, end)


def _cumulative_after(values: Sequence[int]) -> bool:
    """The form's rule for a year's count and the cumulative count after it: never less."""
    return values[1] >= values[0]


def _row_inside(row: Row, key: RowKey) -> RowKey | None:
    """Another row of the form whose whole label lies in this row's label, and not in the label of the
    row it matched: two rows run together (a page break joined them), so the value's row is unknown."""
    label = canonical("".join(row.label_texts))
    own = canonical(key.label)
    return next((k for k, c in _CANONICAL_ROWS if k.label != key.label and c in label and c not in own), None)


_CANONICAL_ROWS = tuple((k, canonical(k.label)) for k in PRE2019_ROWS)


def parse_old(rows: Sequence[Row]) -> OldTable:
    """Figures of the pre-2019 table found among ``rows`` (none if there is no such table)."""
    candidates = [r for r in rows if r.labels and (r.slots or r.units)]
    has_header = any(_HEADER.search("".join(c.text.split())) for r in rows for c in r.labels)
    if not candidates:
        return OldTable([], 0, has_header)
    checks: list[Check] = []
    # a 历年累计 column after the year's: digits of the two run together split where only one cut
    # leaves the cumulative count at least the year's (``728`` is 7 | 28; ``4251516`` has several)
    cumulative = any(_YEAR_THEN_CUMULATIVE.search("".join(r.label_texts)) for r in rows)
    scores = score_matrix(candidates, [k.label for k in PRE2019_ROWS])
    pairs = align(scores)
    figures: list[Figure] = []
    sure = 0
    for i, j in sorted(pairs.items()):
        row, key = candidates[i], PRE2019_ROWS[j]
        sure += scores[i][j] >= SURE_SCORE
        if any(
            other.label != key.label and scores[i][k] >= scores[i][j] - _TIE for k, other in enumerate(PRE2019_ROWS)
        ):
            continue  # the label names two different rows of the form alike (``信函、传真申请数``): neither is sure
        if (other := _row_inside(row, key)) is not None:
            message = f"统计表 row {key.key}: its label also holds the whole label of {other.key}; no value taken"
            span = [[row.labels[0].start, row.labels[-1].end]]
            checks.append(Check("table.rows_run_together", "warning", message, [key.key, other.key], span))
            continue
        first = next((c for c in row.slots if c.kind in ("value", "blank")), None)
        unit = row.units[0].text if row.units else key.unit
        if first is not None and first.run and len(first.text) > 1:
            parts = split_run([first], 2, _cumulative_after) if cumulative else None
            if parts is None:
                message = f"统计表 row {key.key}: digits {first.text} may be several cells run together; no value taken"
                checks.append(Check("table.run_together", "warning", message, [key.key], [[first.start, first.end]]))
                continue
            first = parts[0]
        if first is not None and (fig := cell_figure(key.key, first, unit)) is not None:
            figures.append(fig)
    return OldTable(figures, sure, has_header, checks)
