"""Tables 二、三、四 of the 2019 and 2021 templates, read positionally under their headers.

Rows are found by label (the item names of table 二, the outcome rows of table 三);
values are read by *position* under the header.  Position is trusted only when it is
certain: the row shows exactly as many slots as the header has columns, or it comes
from one pipe/tab line where empty cells are visible.  Otherwise the row gives no value
and a check says why — a value in the wrong column would be worse than none.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from ..schema import Check, Template
from .align import align, score_matrix
from .keys import (
    APPLICANTS,
    COLUMN_BY_NAME,
    TABLE2_ITEMS,
    TABLE2_LAYOUTS,
    TABLE3_ROWS,
    TABLE4_KEYS,
    Layout,
    RowKey,
    table2_key,
    table3_key,
)
from .labels import canonical, label_index, similarities, similarity, squeeze
from .model import Figure
from .old_template import cell_figure
from .tables import Cell, Row, split_run

_GROUP = re.compile(r"第二十条第[（(]?([一二三四五六七八九十]+)[）)]?项")
_GROUP_ITEMS = {"一": ("rules", "normative_docs"), "五": ("licensing", "other_services"), "六": ("penalties",)}
_GROUP_ITEMS |= {"八": ("fees",), "九": ("procurement",)}
_TABLE3_START = re.compile(r"申请人情况|本年新收|勾稽关系|自然人")
_TABLE4_WORDS = "行政复议诉讼结果维持纠正其他尚未审结总计经直接起后"
_TABLE4_START = re.compile(r"行政复议")


@dataclass
class NewTables:
    figures: list[Figure] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)
    template: Template | None = None
    seen: bool = False  # any table of the new templates is present (even with every cell blank)
    reached_table4: bool = False  # the last table's header is there: the tables were not cut short


# --- table 二 ----------------------------------------------------------------------------


@lru_cache(maxsize=8192)
def _fits_any(cell: str, headers: tuple[str, ...]) -> bool:
    """Whether a header cell (possibly cut short, ``本年新``) names one of these headers."""
    c = canonical(cell)
    if len(c) < 2:
        return False
    if any((h := canonical(s)).startswith(c) or c.startswith(h) for s in headers):
        return True
    return bool((similarities(cell, label_index(headers)) >= 0.75).any())


def _header_fits(cell: str, column: str) -> bool:
    return _fits_any(cell, COLUMN_BY_NAME[column].headers)


_ALL_HEADERS = tuple(h for column in COLUMN_BY_NAME.values() for h in column.headers)


def is_header_cell(cell: str) -> bool:
    return _fits_any(cell, _ALL_HEADERS)


def _dedup(cells: Sequence[str]) -> list[str]:
    """Consecutive repeats collapsed: a merged header cell that a reader copied into each column."""
    return [c for i, c in enumerate(cells) if i == 0 or c != cells[i - 1]]


Placement = tuple[Layout, tuple[int, ...]]
"""A layout and how many header cells each of its columns spans (2+ where a reader repeated a merged cell)."""


def _spans(cells: Sequence[str]) -> tuple[int, ...]:
    """Runs of equal consecutive cells: a merged header cell that a reader copied into each column."""
    runs: list[int] = []
    for i, c in enumerate(cells):
        if i and c == cells[i - 1]:
            runs[-1] += 1
        else:
            runs.append(1)
    return tuple(runs)


def resolve_layouts(header: Sequence[str], group: str | None) -> list[Placement]:
    """Layouts of table 二 whose columns the header names, position by position.

    Headers cut short (``本年新 | 本年新``) fit by prefix; repeated merged cells fit once.
    """
    items = _GROUP_ITEMS.get(group or "", ())
    found: list[Placement] = []
    runs = _spans(header)
    collapsed = [header[sum(runs[:i])] for i in range(len(runs))]
    for lay in TABLE2_LAYOUTS:
        if items and lay.items[0][0] not in items:
            continue
        for cells, spans in ((list(header), (1,) * len(header)), (collapsed, runs)):
            if len(cells) == len(lay.columns) and all(
                _header_fits(h, c) for h, c in zip(cells, lay.columns, strict=True)
            ):
                found.append((lay, spans))
                break
    return found


_ITEM_NAMES = tuple(name for _, names in TABLE2_ITEMS for name in names)
_ITEM_OF_NAME = tuple(item for item, names in TABLE2_ITEMS for _ in names)


@lru_cache(maxsize=4096)
def _item_of(label: str) -> str | None:
    """The item whose name is most like the label (the first on a tie), if like enough."""
    sims = similarities(label, label_index(_ITEM_NAMES))
    k = int(np.argmax(sims))
    return _ITEM_OF_NAME[k] if sims[k] >= 0.8 else None


@dataclass
class _Table2State:
    group: str | None = None
    layouts: list[Placement] = field(default_factory=list)


Sums = Callable[[Sequence[int]], bool]


def _row_sum(values: Sequence[int]) -> bool:
    """Table 三's rule: 总计 is the sum of the applicant columns."""
    return sum(values[:-1]) == values[-1]


def _group_sums(values: Sequence[int]) -> bool:
    """Table 四's rule: in each group of five, 总计 is the sum of the four results."""
    return all(sum(values[i : i + 4]) == values[i + 4] for i in range(0, len(values), 5))


def _place(slots: Sequence[Cell], n: int, explicit: bool, sums: Sums | None = None) -> list[Cell | None] | None:
    """Slots by column when their positions are certain, else None.

    A run of digits that stands for a whole row (a crawler dropped the separators) is split
    only where the split is certain: ``n`` digits, or one split that the form's ``sums`` accept.
    """
    values = [c for c in slots if c.kind == "value"]
    if any(c.run for c in values):
        if not all(c.run or len(c.text) == 1 for c in values) or len(values) != len(slots):
            return None
        parts = split_run(values, n, sums)
        return list(parts) if parts is not None else None
    if len(slots) == n and not any(c.kind == "gap" for c in slots):
        return list(slots)  # every cell shown, "not reported" marks (``/``, ``—``, ``无``) included
    trimmed = list(slots)
    while trimmed and trimmed[-1].kind in ("blank", "gap"):
        trimmed.pop()
    if any(c.kind == "gap" for c in trimmed):
        return None
    if len(trimmed) == n or (explicit and len(trimmed) <= n):
        return [*trimmed, *([None] * (n - len(trimmed)))]
    return None


def _place_spans(slots: Sequence[Cell], spans: tuple[int, ...], explicit: bool) -> list[Cell | None] | None:
    """Slots by column under a header whose merged cells were repeated: each run must agree."""
    plain = _place(slots, len(spans), explicit)
    if plain is not None or all(n == 1 for n in spans):
        return plain
    raw = _place(slots, sum(spans), explicit)
    if raw is None:
        return None
    out: list[Cell | None] = []
    pos = 0
    for n in spans:
        group = [c for c in raw[pos : pos + n] if c is not None and c.kind == "value"]
        if len({c.value for c in group}) > 1:
            return None
        out.append(group[0] if group else None)
        pos += n
    return out


def _table2_row(
    row: Row, item: str, state: _Table2State, template: Template | None
) -> tuple[list[Figure], list[Check]]:
    """Values of one row of table 二; a column that the possible layouts disagree on gets none."""
    placements = [p for p in state.layouts if any(i == item for i, _ in p[0].items)]
    if not placements:  # no usable header: any layout of this item, narrowed by the template if known
        layouts = [lay for lay in TABLE2_LAYOUTS if any(i == item for i, _ in lay.items)]
        if template in ("2019", "2021"):
            layouts = [lay for lay in layouts if lay.template == template] or layouts
        placements = [(lay, (1,) * len(lay.columns)) for lay in layouts]
    values = [c for c in row.slots if c.kind == "value"]
    if not values:
        return [], []
    options = []
    for lay, spans in placements:
        placed = _place_spans(row.slots, spans, row.explicit)
        if placed is not None:
            options.append((lay, placed))
    figures: list[Figure] = []
    placed_cells: set[int] = set()
    width = max((len(lay.columns) for lay, _ in options), default=0)
    for pos in range(width):
        names = {lay.columns[pos] if pos < len(lay.columns) else None for lay, _ in options}
        cells = {id(p[pos]) if pos < len(p) else None for _, p in options}
        if len(names) != 1 or None in names or len(cells) != 1:
            continue
        lay, placed = options[0]
        cell = placed[pos]
        column = COLUMN_BY_NAME[lay.columns[pos]]
        if cell is not None and (fig := cell_figure(table2_key(item, column.name), cell, column.unit)) is not None:
            figures.append(fig)
            placed_cells.update(id(c) for c in row.slots if c.kind == "value" and c.value == cell.value)
    left = [c for c in values if id(c) not in placed_cells]
    checks = []
    if left:
        keys = sorted({table2_key(item, col) for lay, _ in placements for col in lay.columns})
        shown = ", ".join(c.text for c in left)
        checks.append(
            Check(
                "table.unplaced",
                "warning",
                f"table 二 row {item}: value(s) {shown} cannot be placed in a column with confidence",
                keys,
                [[c.start, c.end] for c in left],
            )
        )
    return figures, checks


def parse_table2(rows: Sequence[Row], template: Template | None) -> tuple[list[Figure], list[Check], list[Layout], int]:
    """Figures of table 二, the layouts its headers named, and the index of its last row."""
    state = _Table2State()
    figures: list[Figure] = []
    checks: list[Check] = []
    named: list[Layout] = []
    last = -1
    for index, row in enumerate(rows):
        item = None
        header: list[str] = []
        for cell in row.labels:
            text = squeeze(cell.text)
            if m := _GROUP.search(text):
                state = _Table2State(group=m.group(1))
                last = index
            elif canonical(text) == "信息内容":
                header = []
            elif is_header_cell(text):
                header.append(text)
            elif (found := _item_of(text)) is not None:
                item = found
        if header:
            state.layouts = resolve_layouts(header, state.group)
            named.extend(lay for lay, _ in state.layouts)
            last = index
        if item is not None:
            last = index
            figs, cks = _table2_row(row, item, state, template)
            figures += figs
            checks += cks
    return figures, checks, named, last


# --- table 三 ----------------------------------------------------------------------------


def _table3_template(rows: Sequence[Row], hint: Template | None) -> tuple[Template, bool]:
    """2021 has three （六）其他处理 rows, 2019 one: the rows decide (and say so), else table 二's header."""
    only_2021 = [r.label for r in TABLE3_ROWS["2021"] if r.key in ("other.no_amend", "other.unpaid")]
    for row in rows:
        joined = "".join(row.label_texts)
        if any(similarity(joined, lab) >= 0.6 for lab in only_2021):
            return "2021", True
        if any(similarity(c.text, lab) >= 0.75 for c in row.labels for lab in only_2021):
            return "2021", True
    single = [i for i, r in enumerate(rows) if any(canonical(c.text) == "其他处理" for c in r.labels)]
    if (
        single
        and single[-1] + 1 < len(rows)
        and similarity("".join(rows[single[-1] + 1].label_texts), "（七）总计") > 0.6
    ):
        return "2019", True
    return (hint if hint in ("2019", "2021") else "2019"), False


def parse_table3(rows: Sequence[Row], hint: Template | None) -> tuple[list[Figure], list[Check], Template | None, int]:
    """Figures of table 三, the template its rows prove (None if they prove none), its last row."""
    start = next((i for i, r in enumerate(rows) if any(_TABLE3_START.search(squeeze(c.text)) for c in r.labels)), None)
    if start is None:
        return [], [], None, -1
    body = [r for r in rows[start:] if r.labels and any(c.kind in ("value", "blank") for c in r.slots)]
    stop = next((i for i, r in enumerate(body) if _is_table4_start(r)), len(body))
    body = body[:stop]
    if not body:
        return [], [], None, start
    template, decisive = _table3_template(body, hint)
    spec: tuple[RowKey, ...] = TABLE3_ROWS[template]
    pairs = align(score_matrix(body, [r.label for r in spec]))
    figures: list[Figure] = []
    checks: list[Check] = []
    n = len(APPLICANTS)
    full = [r for r in body if not r.explicit and len(r.slots) == n and len(r.values) == n]
    for i, j in sorted(pairs.items()):
        row, key = body[i], spec[j]
        placed = _place(row.slots, n, row.explicit, _row_sum) or _place_by_position(row, full)
        values = row.values
        if placed is None:
            if (total := _total_by_sum(values)) is not None:
                placed = [*([None] * (n - 1)), total]
                values = values[:-1]
            if values:
                checks.append(
                    Check(
                        "table.unplaced",
                        "warning",
                        f"table 三 row {key.key}: {len(values)} value(s) ({', '.join(c.text for c in values)}) "
                        f"for {n} applicant columns cannot be placed with confidence",
                        [table3_key(key.key, a) for a, _ in APPLICANTS],
                        [[c.start, c.end] for c in values],
                    )
                )
            if placed is None:
                continue
        for (applicant, _), cell in zip(APPLICANTS, placed, strict=True):
            if cell is not None and (fig := cell_figure(table3_key(key.key, applicant), cell, None)) is not None:
                figures.append(fig)
    last_row = max((rows.index(body[i]) for i in pairs), default=start)
    return figures, checks, (template if decisive else None), last_row


def _place_by_position(row: Row, full: Sequence[Row]) -> list[Cell | None] | None:
    """A layout row with blank cells (PDF text): each value goes to the column it stands under.

    Columns are where the nearest complete row has its numbers; a value that is not clearly
    under one column, or two values under one, place nothing.
    """
    if row.explicit or row.has_gap or not row.values or not full:
        return None
    ref = min(full, key=lambda r: abs(r.line - row.line))
    centres = [c.column + len(c.text) / 2 for c in ref.slots]
    gaps = [b - a for a, b in itertools.pairwise(centres)]
    tolerance = 0.4 * min(gaps) if gaps else 0
    placed: list[Cell | None] = [None] * len(centres)
    for cell in row.values:
        centre = cell.column + len(cell.text) / 2
        k = min(range(len(centres)), key=lambda i: abs(centres[i] - centre))
        if abs(centres[k] - centre) > tolerance or placed[k] is not None:
            return None
        placed[k] = cell
    return placed


def _total_by_sum(values: Sequence[Cell]) -> Cell | None:
    """The 总计 cell of a row whose empty cells lost their places: the last value, if it sums the others.

    The table's own rule (总计 = the applicant columns) identifies it; the other values stay unplaced.
    """
    if len(values) < 2:
        return None
    *parts, last = values
    total = sum(c.value or 0 for c in parts)
    return last if last.value is not None and abs(total - last.value) < 1e-9 else None


# --- table 四 ----------------------------------------------------------------------------


def _is_header4(text: str) -> bool:
    core = squeeze(text)
    return bool(core) and all(ch in _TABLE4_WORDS for ch in core)


def _is_table4_start(row: Row) -> bool:
    labels = [squeeze(c.text) for c in row.labels]
    return any(_TABLE4_START.search(t) and _is_header4(t) for t in labels) and (
        sum(_is_header4(t) for t in labels) >= 2 or not row.slots
    )


def parse_table4(rows: Sequence[Row]) -> tuple[list[Figure], list[Check], int]:
    start = next((i for i, r in enumerate(rows) if _is_table4_start(r)), None)
    if start is None:
        return [], [], -1
    slots: list[Cell] = []
    explicit_rows = []
    last = start
    for index in range(start, len(rows)):
        row = rows[index]
        if index > start and any(not _is_header4(c.text) for c in row.labels):
            break
        if row.slots:
            slots += row.slots
            explicit_rows.append(row.explicit)
            last = index
        if sum(c.kind in ("value", "blank") for c in slots) >= len(TABLE4_KEYS):
            break
    explicit = len(explicit_rows) == 1 and explicit_rows[0]
    placed = _place(slots, len(TABLE4_KEYS), explicit, _group_sums)
    values = [c for c in slots if c.kind == "value"]
    if placed is None:
        if not values:
            return [], [], last
        check = Check(
            "table.unplaced",
            "warning",
            f"table 四: {len(values)} value(s) for {len(TABLE4_KEYS)} cells cannot be placed with confidence",
            list(TABLE4_KEYS),
            [[c.start, c.end] for c in values],
        )
        return [], [check], last
    figures = [f for k, c in zip(TABLE4_KEYS, placed, strict=True) if c and (f := cell_figure(k, c, None))]
    return figures, [], last


# --- all three ---------------------------------------------------------------------------------


def parse_new(rows: Sequence[Row]) -> NewTables:
    """Tables 二、三、四 and the template generation their headers show."""
    out = NewTables()
    figs2, checks2, layouts, last2 = parse_table2(rows, None)
    templates = {lay.template for lay in layouts}
    hint: Template | None = "2021" if templates == {"2021"} else "2019" if templates == {"2019"} else None
    if hint is not None:  # re-read with the template known, so headerless rows can be placed
        figs2, checks2, _, last2 = parse_table2(rows, hint)
    figs3, checks3, template3, last3 = parse_table3(rows, hint)
    figs4, checks4, last4 = parse_table4(rows)
    out.figures = figs2 + figs3 + figs4
    out.checks = checks2 + checks3 + checks4
    out.template = hint or template3
    out.seen = max(last2, last3, last4) >= 0
    out.reached_table4 = last4 >= 0
    return out
