"""Tables laid out as space-aligned columns, read into grids by the positions of their cells.

``pdftotext -layout`` output and text copied from a monospace view keep a table's columns
only as positions: a blank cell is simply absent, a row-merged label sits on one row of its
span, a spanning header sits over several columns, a long label may wrap onto the next line.
Counting cells per line cannot say which column a value is in; its position can.

A *block* is a run of header lines (labels only) followed by data lines (values, with their
row labels) and the wrapped pieces of those labels.  The header cells give the columns: each
header cell that does not stand over two cells of another header line is a leaf, and leaves
that overlap form one column.  Every value must then overlap exactly one column to the right
of the row labels.  Columns are measured in characters (what ``pdftotext`` aligns by) and in
display width (CJK = 2, what a monospace view aligns by); the measure under which the block
aligns is kept.  A value whose column is ambiguous is placed nowhere: its row keeps its values
in reading order and is not explicit, so the form matchers place it only by count, or report
it (a value in the wrong column is worse than none).

The result is the grid model of :mod:`.grid` (:class:`~.grid.Table`), which the form matchers
already read for markup tables; offsets are those of the text, so ``raw[start:end] == text``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Literal

from ..lines import Line, source_lines
from .grid import GridCell, Table
from .tables import Cell, Row, is_prose, split_line

LineKind = Literal["blank", "data", "label", "stop"]
Measure = Callable[[str], int]

_ALIGNED = re.compile(r"\S {2,}\S")  # a gap of two spaces or more between words: a line that may hold columns
_ATTACH = 2  # the start of a wrapped label lies at most this many lines above its row's values
_ITEM_START = re.compile(
    r"^(?:第[一二三四五六七八九十百]+[条项章节部]|[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[）)]|\d{1,2}\s*[、.．])"
)
_MAX_UNPLACED = 0.2  # a block where more of its values have no sure column is left to the line reader


def _chars(s: str) -> int:
    return len(s)


def _width(s: str) -> int:
    """Display width, ambiguous characters (``—`` ``“``) narrow."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in s)


def _width_cjk(s: str) -> int:
    """Display width, ambiguous characters wide (a CJK font's monospace view)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WFA" else 1 for ch in s)


MEASURES: dict[str, Measure] = {"chars": _chars, "width": _width, "width_cjk": _width_cjk}


@dataclass(frozen=True, slots=True)
class _Line:
    line: Line
    cells: tuple[Cell, ...]
    kind: LineKind


@dataclass(frozen=True)
class ColumnTable:
    """One block read as a grid, and what the grid cannot say.

    ``rows_at``: the text line of each grid row; ``span``: the first and last line of the block
    (wrapped label pieces included); ``unplaced``: grid rows holding a value with no sure column,
    with all their value cells in reading order.
    """

    table: Table
    measure: str
    rows_at: tuple[int, ...]
    span: tuple[int, int]
    unplaced: tuple[tuple[int, tuple[Cell, ...]], ...] = ()

    @property
    def start(self) -> int:
        return self.table.start

    @property
    def end(self) -> int:
        return self.table.end

    @property
    def first_line(self) -> int:
        return self.span[0]

    @property
    def last_line(self) -> int:
        return self.span[1]

    def rows(self) -> list[Row]:
        """The grid's rows (explicit); a row with an unplaced value keeps its values in order, not explicit."""
        loose = dict(self.unplaced)
        out = []
        for row in self.table.rows():
            line = self.rows_at[row.line]
            if row.line in loose:
                values = list(loose[row.line])
                row = replace(row, slots=values, explicit=False)
            out.append(replace(row, line=line, last_line=line))
        return out


def _classify(text: str, line: Line) -> _Line:
    if not line.text.strip():
        return _Line(line, (), "blank")
    style, cells = split_line(text, line)
    if style in ("pipe", "tab", "gap") or is_prose(line, style, cells):
        return _Line(line, (), "stop")
    if not cells:
        return _Line(line, (), "blank")  # debris only (a page number)
    if any(c.kind in ("value", "blank") for c in cells):
        return _Line(line, tuple(cells), "data")
    return _Line(line, tuple(cells), "label")


def _extent(ln: _Line, cell: Cell, m: Measure) -> tuple[int, int]:
    a = m(ln.line.text[: cell.column])
    return a, a + m(cell.text)


def _overlap(x: tuple[int, int], y: tuple[int, int]) -> bool:
    return x[0] < y[1] and y[0] < x[1]


def _columns(header: Sequence[_Line], m: Measure) -> list[tuple[int, int]]:
    """Column extents from the header: its leaf cells (none stands over two cells of another line),
    merged where they overlap."""
    boxes = [[_extent(ln, c, m) for c in ln.cells] for ln in header]
    leaves = []
    for i, line_boxes in enumerate(boxes):
        for box in line_boxes:
            spans = any(sum(_overlap(box, other) for other in others) >= 2 for j, others in enumerate(boxes) if j != i)
            if not spans:
                leaves.append(box)
    columns: list[list[int]] = []
    for a, b in sorted(leaves):
        if columns and a < columns[-1][1]:
            columns[-1][1] = max(columns[-1][1], b)
        else:
            columns.append([a, b])
    return [(a, b) for a, b in columns]


def _header_like(ln: _Line, left: int) -> bool:
    """A header line: several cells, or one cell set in from the left edge of the table (a spanning header)."""
    return ln.kind == "label" and (len(ln.cells) > 1 or ln.cells[0].column > left)


@dataclass(frozen=True)
class _Reading:
    """One block under one measure."""

    measure: str
    columns: list[tuple[int, int]]
    first_value: int  # index of the first value column
    body: list[int]  # line indices of data lines and attached label lines
    attach: dict[int, int]  # label line -> the data line it belongs to
    placed: dict[tuple[int, int], int]  # (line, cell index) -> value column
    unplaced: set[int]  # data lines with a value that has no sure column
    n_values: int
    n_unplaced: int
    n_aligned: int  # cells lined up with another cell of their column (see _aligned)


def _read(lines: Sequence[_Line], header: Sequence[int], first: int, name: str) -> _Reading | None:
    """The block whose header lines are ``header`` and whose first data line is ``first``, under one measure."""
    m = MEASURES[name]
    columns = _columns([lines[i] for i in header], m)
    if not columns:
        return None
    # the body: data lines, and label lines that stay clear of the columns values were seen in
    body: list[int] = []
    value_columns: set[int] = set()
    j = first
    while j < len(lines):
        ln = lines[j]
        if ln.kind == "stop":
            break
        if ln.kind == "label":
            boxes = [_extent(ln, c, m) for c in ln.cells]
            if any(_overlap(b, columns[k]) for b in boxes for k in value_columns):
                break  # a new header over the values' columns: the next block
            body.append(j)
        elif ln.kind == "data":
            body.append(j)
            for c in ln.cells:
                if c.kind in ("value", "blank"):
                    box = _extent(ln, c, m)
                    value_columns.update(k for k, col in enumerate(columns) if _overlap(box, col))
        j += 1
    data = [i for i in body if lines[i].kind == "data"]
    attach = {}
    for i in body:
        if lines[i].kind != "label":
            continue
        near = sorted((abs(d - i), -d, d) for d in data if _may_attach(lines[i], i, d))  # ties: the row below
        if near:
            attach[i] = near[0][2]
    last = max([*data, *attach], default=first)
    body = [i for i in body if i <= last]
    # row labels (and units) mark the label columns; values stand in the columns right of them
    label_columns = {
        k
        for i in body
        if lines[i].kind == "data" or i in attach
        for c in lines[i].cells
        if c.kind in ("label", "unit")
        for k, col in enumerate(columns)
        if _overlap(_extent(lines[i], c, m), col)
    }
    first_value = max(label_columns, default=-1) + 1
    if first_value >= len(columns):
        return None
    placed: dict[tuple[int, int], int] = {}
    unplaced: set[int] = set()
    n_values = n_unplaced = 0
    for i in data:
        ln = lines[i]
        taken: dict[int, list[int]] = {}
        for k, c in enumerate(ln.cells):
            if c.kind not in ("value", "blank"):
                continue
            n_values += 1
            box = _extent(ln, c, m)
            under = [n for n, col in enumerate(columns) if _overlap(box, col)]
            if len(under) == 1 and under[0] >= first_value:
                taken.setdefault(under[0], []).append(k)
            else:
                n_unplaced += 1
                unplaced.add(i)
        for col, ks in taken.items():
            if len(ks) == 1:
                placed[(i, ks[0])] = col
            else:
                n_unplaced += len(ks)
                unplaced.add(i)
    n_aligned = _aligned(lines, header, placed, columns, m)
    return _Reading(name, columns, first_value, body, attach, placed, unplaced, n_values, n_unplaced, n_aligned)


def _aligned(
    lines: Sequence[_Line],
    header: Sequence[int],
    placed: dict[tuple[int, int], int],
    columns: Sequence[tuple[int, int]],
    m: Measure,
) -> int:
    """Cells that line up with another cell of their column: values, and header cells of different
    lines, each counted in the way that holds most for them (left edges, right edges or centres).

    Under the measure a block was laid out by, its cells line up; under another, each line's
    shift differs with the wide characters before it, and what lines up does so by chance.
    """
    heads: dict[int, list[tuple[int, tuple[int, int]]]] = {}
    for i in header:
        for c in lines[i].cells:
            box = _extent(lines[i], c, m)
            under = [k for k, col in enumerate(columns) if _overlap(box, col)]
            if len(under) == 1:
                heads.setdefault(under[0], []).append((i, box))
    values = {key: _extent(lines[key[0]], lines[key[0]].cells[key[1]], m) for key in placed}
    members: dict[int, list[tuple[int, tuple[int, int]]]] = {k: list(v) for k, v in heads.items()}
    for key, k in placed.items():
        members.setdefault(k, []).append((key[0], values[key]))
    modes: list[Callable[[tuple[int, int], tuple[int, int]], bool]] = [
        lambda v, o: v[0] == o[0],
        lambda v, o: v[1] == o[1],
        lambda v, o: abs(v[0] + v[1] - o[0] - o[1]) <= 1,
    ]

    def count(cells: Sequence[tuple[int, int, tuple[int, int]]]) -> int:
        """Cells (column, line, box) lined up with a cell of their column on another line, in the best mode."""
        return max(
            sum(any(j != i and lines_up(box, o) for j, o in members[k]) for k, i, box in cells) for lines_up in modes
        )

    head_cells = [(k, i, box) for k, v in heads.items() for i, box in v]
    value_cells = [(k, key[0], values[key]) for key, k in placed.items()]
    return count(value_cells) + count(head_cells)


def _may_attach(piece: _Line, i: int, data: int) -> bool:
    """Whether label line ``i`` may be a wrapped piece of the row on line ``data``.

    A label's start may stand a line or two above its values (a PDF centres them); its end
    stands right under the values and never opens a new item (``五、`` ``（二）`` ``第二十条``).
    """
    if data > i:
        return data - i <= _ATTACH
    return i - data == 1 and not _ITEM_START.match(piece.cells[0].text)


def _best(readings: Sequence[_Reading]) -> _Reading | None:
    """The measure under which the block aligns best: fewest values without a sure column, then
    most values lined up.  Where another measure does as well but places a value elsewhere, that
    value's row is unplaced (the block could be read either way)."""
    if not readings:
        return None
    best = min(readings, key=lambda r: (r.n_unplaced, -r.n_aligned))
    for other in readings:
        if other is best or (other.n_unplaced, other.n_aligned) != (best.n_unplaced, best.n_aligned):
            continue
        if other.body != best.body:  # as good, and not even over the same lines: no reading
            return replace(best, n_unplaced=best.n_values)
        differ = {
            i
            for (i, k), col in best.placed.items()
            if (i, k) not in other.placed or other.placed[(i, k)] - other.first_value != col - best.first_value
        }
        moved = sum(1 for (i, _k) in best.placed if i in differ)
        best = replace(best, unplaced=best.unplaced | differ, n_unplaced=best.n_unplaced + moved)
    return best


def _joined(pieces: Sequence[tuple[int, Cell]]) -> GridCell | None:
    """One label cell from its wrapped pieces, top to bottom (offsets from the first piece to the last)."""
    if not pieces:
        return None
    cells = [c for _, c in sorted(pieces, key=lambda p: p[1].start)]
    return GridCell(0, 0, 1, 1, "".join(c.text for c in cells), cells[0].start, cells[-1].end)


def _row_labels(lines: Sequence[_Line], i: int, pieces: Sequence[tuple[int, Cell]], m: Measure) -> list[GridCell]:
    """A row's label cells, left to right: wrapped pieces join the label they stand under (or over)."""
    ln = lines[i]
    groups: list[list[tuple[int, Cell]]] = [[(i, c)] for c in ln.cells if c.kind in ("label", "unit")]
    for piece_line, piece in pieces:
        box = _extent(lines[piece_line], piece, m)
        home = next((g for g in groups if any(_overlap(box, _extent(lines[pl], pc, m)) for pl, pc in g)), None)
        if home is None:
            groups.append([(piece_line, piece)])
        else:
            home.append((piece_line, piece))
    groups.sort(key=lambda g: min(_extent(lines[pl], pc, m)[0] for pl, pc in g))
    return [j for g in groups if (j := _joined(g)) is not None]


def _grid(lines: Sequence[_Line], header: Sequence[int], r: _Reading) -> ColumnTable:
    """The grid of a block: header lines as rows, each data line a row with its wrapped label pieces."""
    m = MEASURES[r.measure]
    n_values = len(r.columns) - r.first_value
    pieces_of: dict[int, list[tuple[int, Cell]]] = {}
    for label_line, data_line in r.attach.items():
        pieces_of.setdefault(data_line, []).extend((label_line, c) for c in lines[label_line].cells)
    rows = [i for i in r.body if not (lines[i].kind == "label" and i in r.attach)]
    labels_of = {i: _row_labels(lines, i, pieces_of.get(i, []), m) for i in rows}
    n_labels = max([len(lines[i].cells) for i in header] + [len(g) for g in labels_of.values()])
    cells: list[GridCell] = []
    rows_at: list[int] = []
    unplaced: list[tuple[int, tuple[Cell, ...]]] = []

    def value_column(box: tuple[int, int]) -> tuple[int, int] | None:
        under = [k for k in range(r.first_value, len(r.columns)) if _overlap(box, r.columns[k])]
        return (under[0] - r.first_value, len(under)) if under else None

    for i in header:
        row = len(rows_at)
        rows_at.append(i)
        rank = 0
        for c in lines[i].cells:
            at = value_column(_extent(lines[i], c, m))
            if at is None:
                cells.append(GridCell(row, rank, 1, 1, c.text, c.start, c.end))
                rank += 1
            else:
                cells.append(GridCell(row, n_labels + at[0], 1, at[1], c.text, c.start, c.end))
    for i in rows:
        ln = lines[i]
        row = len(rows_at)
        rows_at.append(i)
        cells += [replace(g, row=row, column=rank) for rank, g in enumerate(labels_of[i])]
        if ln.kind != "data":
            continue
        filled = {r.placed[(i, k)] - r.first_value: c for k, c in enumerate(ln.cells) if (i, k) in r.placed}
        if i in r.unplaced:
            unplaced.append((row, tuple(c for c in ln.cells if c.kind in ("value", "blank"))))
        for k in range(n_values):
            value = filled.get(k)
            if value is not None:
                cells.append(GridCell(row, n_labels + k, 1, 1, value.text, value.start, value.end))
            else:
                cells.append(GridCell(row, n_labels + k, 1, 1, "", ln.line.end, ln.line.end))
    start = lines[header[0]].line.start
    end = lines[r.body[-1]].line.end
    span = (header[0], r.body[-1])
    return ColumnTable(Table(tuple(cells), start, end), r.measure, tuple(rows_at), span, tuple(unplaced))


def column_tables(text: str, source: Sequence[Line] | None = None) -> list[ColumnTable]:
    """Every block of space-aligned columns in the text that aligns under some measure, as a grid.

    ``source``: the text's source lines, when the caller has them already."""
    if len(_ALIGNED.findall(text)) < 2:
        return []
    lines = [_classify(text, line) for line in (source if source is not None else source_lines(text))]
    out: list[ColumnTable] = []
    i = 0
    while i < len(lines):
        if lines[i].kind != "data":
            i += 1
            continue
        left = min(c.column for c in lines[i].cells)
        header: list[int] = []
        j = i - 1
        floor = out[-1].last_line if out else -1
        while j > floor and lines[j].kind in ("blank", "label"):
            if lines[j].kind == "label":
                if not _header_like(lines[j], left):
                    break
                header.insert(0, j)
            j -= 1
        if not header:
            i += 1
            continue
        readings = [r for name in MEASURES if (r := _read(lines, header, i, name)) is not None]
        best = _best(readings)
        if best is None or best.n_unplaced > _MAX_UNPLACED * best.n_values:
            i += 1
            continue
        out.append(_grid(lines, header, best))
        i = best.body[-1] + 1
    return out
