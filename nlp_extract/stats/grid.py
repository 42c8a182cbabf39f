"""Tables as grids of cells: what a source with real table structure gives.

A :class:`Table` holds its cells with their row, column, row span and column span, and
each cell's offsets into the analysis text.  Markup tables found *inside* a text — a
page's ``<table>`` source kept in a ``.txt`` file, or a script string holding it — are
read here into grids, so their values keep exact offsets into the text (lxml would give
the structure but not where each cell's text lies).

For matching against the forms a grid becomes rows of the one row model
(:class:`~nlp_extract.stats.tables.Row`): a label appears once, in the row where it starts;
a value (or blank) cell merged down over several rows is a slot of each of them, as the file
readers fill every grid slot a merged cell covers; and every row is *explicit* — empty cells
are visible, so positions are exact.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from dataclasses import dataclass

from .tables import Cell, Row, classify_cell, grid_rows

_TABLE = re.compile(r"<table\b.*?</table\s*>", re.I | re.S)
_TAG = re.compile(r"<\s*(/?)\s*([a-z][a-z0-9]*)\b((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>", re.I)
_SPAN = re.compile(r"""\b(rowspan|colspan)\s*=\s*\\?["']?\s*(\d+)""", re.I)
_ENTITY = re.compile(r"&(?:#\d+|#x[0-9a-f]+|[a-z]+);", re.I)
_BREAKS = re.compile(r"\\[nrt]")  # ``\n`` written out inside a script string
_MAX_SPAN = 200


@dataclass(frozen=True, slots=True)
class GridCell:
    """One cell: its place and span in the grid, its visible text and where that text lies."""

    row: int
    column: int
    row_span: int
    column_span: int
    text: str
    start: int
    end: int


@dataclass(frozen=True)
class Table:
    """A grid of cells with the span of the text it was read from."""

    cells: tuple[GridCell, ...]
    start: int
    end: int

    @property
    def n_rows(self) -> int:
        return max((c.row + c.row_span for c in self.cells), default=0)

    def rows(self) -> list[Row]:
        """The grid as explicit rows of cells (labels, then value slots), each cell once."""
        rows = []
        for r in range(self.n_rows):
            if not any(c.row == r for c in self.cells):
                continue
            # a value or blank merged down from a row above is this row's slot too (the readers of HTML,
            # Word and PDF files fill every grid slot a merged cell covers): the slots after it keep their columns
            cells = sorted(
                (c for c in self.cells if c.row == r or (c.row < r < c.row + c.row_span and _typed(c).kind != "label")),
                key=lambda c: c.column,
            )
            rows.append((r, [_typed(c) for c in cells]))
        return grid_rows(rows)


def _typed(cell: GridCell) -> Cell:
    kind, value = classify_cell(cell.text)
    if not cell.text:
        return Cell("", cell.start, cell.start, "blank", None, cell.column)
    return Cell(cell.text, cell.start, cell.end, kind or "blank", value, cell.column)


def markup_tables(text: str) -> list[Table]:
    """Every ``<table>…</table>`` written out in the text, as a grid with offsets into it."""
    return [t for m in _TABLE.finditer(text) if (t := _read_markup(text, m.start(), m.end())) is not None]


def _read_markup(text: str, start: int, end: int) -> Table | None:
    """One markup table: ``tr`` opens a row, ``td``/``th`` a cell; other tags are skipped.

    A nested table's cells belong to the cell that holds it (its text joins that cell's text).
    """
    filled: set[tuple[int, int]] = set()
    cells: list[GridCell] = []
    r = -1
    depth = 0
    open_cell: tuple[int, int, int, int, int] | None = None  # row, column, rowspan, colspan, where its content starts
    pieces: list[tuple[int, int]] = []

    def close_cell() -> None:
        nonlocal open_cell, pieces
        if open_cell is not None:
            row, col, rs, cs, at = open_cell
            cells.append(_cell(text, row, col, rs, cs, pieces or [(at, at)]))
        open_cell, pieces = None, []

    pos = start
    for m in _TAG.finditer(text, start, end):
        if open_cell is not None and m.start() > pos:
            pieces.append((pos, m.start()))
        pos = m.end()
        closing, name = m.group(1) == "/", m.group(2).lower()
        if name == "table":
            depth += -1 if closing else 1
            continue
        if depth != 1:
            continue
        if name == "tr" and not closing:
            close_cell()
            r += 1
        elif name in ("td", "th") and not closing:
            close_cell()
            r = max(r, 0)
            spans = {k.lower(): min(int(v), _MAX_SPAN) for k, v in _SPAN.findall(m.group(3))}
            c = 0
            while (r, c) in filled:
                c += 1
            rs, cs = max(1, spans.get("rowspan", 1)), max(1, spans.get("colspan", 1))
            filled.update((r + i, c + j) for i in range(rs) for j in range(cs))
            open_cell = (r, c, rs, cs, m.end())
        elif name in ("td", "th", "tr") and closing:
            close_cell()
    close_cell()
    return Table(tuple(cells), start, end) if cells else None


def _visible(text: str, a: int, b: int) -> Iterator[tuple[int, int]]:
    """Runs of visible characters in ``text[a:b]``: entities, written-out ``\\n`` and spaces split them."""
    pos = a
    for m in re.finditer(rf"{_ENTITY.pattern}|{_BREAKS.pattern}|\s+", text[a:b], re.I):
        if a + m.start() > pos:
            yield pos, a + m.start()
        pos = a + m.end()
    if b > pos:
        yield pos, b


def _cell(text: str, row: int, col: int, rs: int, cs: int, pieces: list[tuple[int, int]]) -> GridCell:
    """A cell whose offsets cover its visible text; ``text`` is that text exactly when it is one run.

    A cell whose words are split by tags or entities keeps their joined text (a label, matched by
    its words); a value is always one run of digits, so its offsets ground it exactly.
    """
    runs = [run for a, b in pieces for run in _visible(text, a, b)]
    if not runs:
        at = pieces[0][0]
        return GridCell(row, col, rs, cs, "", at, at)
    joined = "".join(html.unescape(text[a:b]) for a, b in runs)
    if len(runs) == 1:
        a, b = runs[0]
        return GridCell(row, col, rs, cs, text[a:b], a, b)
    return GridCell(row, col, rs, cs, joined, runs[0][0], runs[-1][1])
