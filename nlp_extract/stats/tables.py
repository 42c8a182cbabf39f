"""Tables as they arrive in text, read into rows of cells with exact offsets.

One reader serves every layout seen in the wild, because each layout only changes how a
*line* splits into cells:

* pipe rows (``行政处罚 | 0 | 0 |``) and one cell per line ending ``|`` (seed 004);
* tab-indented one cell per line (seed 001) and tab-separated rows;
* cells separated by blank lines (one cell per paragraph);
* ``pdftotext -layout`` lines, where cells are separated by runs of spaces;
* merged-cell noise: lines of bare pipes (``||||``) that stand for an unknown number of
  empty cells.

Rows are then assembled the same way for all: label cells open a row, value cells
(numbers, "not reported" marks, units) fill it, and the next label after a value opens
the next row.  A line holding both labels and values is a complete row; label-only lines
just before it are the wrapped start of its label (PDF layout).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Literal

from .numbers import Number, is_not_reported, parse_cell

CellKind = Literal["label", "value", "blank", "unit", "gap"]
LineStyle = Literal["pipe", "tab", "layout", "single", "gap"]

UNITS = frozenset({"条", "件", "个", "人", "次", "篇", "人次", "万元", "元", "项", "期", "场", "名", "家", "份"})
_HAS_WORD = re.compile(r"[\u3400-\u9fffA-Za-z]")
_SENTENCE_END = re.compile(r"[。！？!?]")
_COUNTED = re.compile(r"\d\s*(?:余|多)?\s*[件条次个篇人名项场期起]\s*[，；、,;]|^[件条次个篇]\s*[，；、,;]")
_NUMBER_RUN = re.compile(r"^-?\d[\d,.]*(?:\s+-?\d[\d,.]*)+$")
_TRAILING_NUMBERS = re.compile(r"^(?P<label>.*[\u3400-\u9fff）)])\s+(?P<nums>\d[\d,.]*(?:\s+\d[\d,.]*)*)$")


@dataclass(frozen=True)
class Cell:
    """A cell's stripped text, its offsets in the analysis text, kind and (for values) number."""

    text: str
    start: int
    end: int
    kind: CellKind
    value: Number | None = None
    column: int = 0  # character column of the cell in its line (for layout tables)


@dataclass
class Row:
    """Label cells, then the value slots in order (values, blanks, gaps), and the unit if given."""

    labels: list[Cell] = field(default_factory=list)
    slots: list[Cell] = field(default_factory=list)
    units: list[Cell] = field(default_factory=list)
    explicit: bool = False  # one pipe/tab line: empty cells are visible, positions are exact
    line: int = 0
    last_line: int = 0

    @property
    def label_texts(self) -> list[str]:
        return [c.text for c in self.labels]

    @property
    def values(self) -> list[Cell]:
        return [c for c in self.slots if c.kind == "value"]

    @property
    def has_gap(self) -> bool:
        return any(c.kind == "gap" for c in self.slots)

    @property
    def start(self) -> int:
        cells = self.labels + self.slots + self.units
        return min(c.start for c in cells) if cells else 0

    @property
    def end(self) -> int:
        cells = self.labels + self.slots + self.units
        return max(c.end for c in cells) if cells else 0

    def trimmed_slots(self) -> list[Cell]:
        """Slots without trailing blanks and gaps: what positional reading can use."""
        slots = list(self.slots)
        while slots and slots[-1].kind in ("blank", "gap"):
            slots.pop()
        return slots


@dataclass(frozen=True)
class Line:
    index: int
    start: int
    end: int
    text: str


def iter_lines(text: str) -> Iterator[Line]:
    pos = 0
    for i, raw in enumerate(text.split("\n")):
        yield Line(i, pos, pos + len(raw), raw)
        pos += len(raw) + 1


def classify_cell(text: str) -> tuple[CellKind | None, Number | None]:
    """What a stripped cell is: a value, a not-reported blank, a unit, a label, or nothing (None)."""
    if is_not_reported(text):
        return "blank", None
    if text in UNITS:
        return "unit", None
    value = parse_cell(text)
    if value is not None:
        return "value", value
    if _HAS_WORD.search(text):
        return "label", None
    return None, None


def _cell(text: str, a: int, b: int, line_start: int) -> Cell | None:
    """The cell of ``text[a:b]`` (stripped), or None for debris such as page numbers."""
    piece = text[a:b]
    lead = len(piece) - len(piece.lstrip())
    stripped = piece.strip()
    kind, value = classify_cell(stripped)
    if kind is None:
        return None
    s = a + lead
    return Cell(stripped, s, s + len(stripped), kind, value, s - line_start)


def _split_positions(line: Line, sep: str) -> list[tuple[int, int]]:
    spans, pos = [], line.start
    for piece in line.text.split(sep):
        spans.append((pos, pos + len(piece)))
        pos += len(piece) + len(sep)
    return spans


def _numbers_in(text: str, a: int, b: int, line_start: int) -> list[Cell]:
    """``3001 53``: numbers that share a layout cell because the columns were narrow."""
    cells = []
    for m in re.finditer(r"\S+", text[a:b]):
        c = _cell(text, a + m.start(), a + m.end(), line_start)
        if c is not None:
            cells.append(c)
    return cells


def split_line(text: str, line: Line) -> tuple[LineStyle, list[Cell]]:
    """Cells of one line, and how the line was split."""
    body = line.text
    stripped = body.strip()
    if "|" in body:
        if not stripped.replace("|", "").strip():
            n = stripped.count("|")
            a = line.start + body.index("|")
            return "gap", [Cell("|" * n, a, a + len(stripped), "gap", None, a - line.start)]
        spans = _split_positions(line, "|")
        if not body[: body.index("|")].strip():
            spans = spans[1:]
        if not body[body.rindex("|") + 1 :].strip():
            spans = spans[:-1]
        cells = []
        for a, b in spans:
            piece = text[a:b].strip()
            if not piece:
                cells.append(Cell("", a, a, "blank", None, a - line.start))
            elif (c := _cell(text, a, b, line.start)) is not None:
                cells.append(c)
        return "pipe", cells
    if "\t" in body:
        if not stripped:
            a = line.start
            return "tab", [Cell("", a, a, "blank", None, 0)]
        offset = len(body) - len(body.lstrip())
        inner = Line(line.index, line.start + offset, line.end, body[offset:])
        cells = []
        for a, b in _split_positions(inner, "\t"):
            if not text[a:b].strip():
                cells.append(Cell("", a, a, "blank", None, a - line.start))
            elif (c := _cell(text, a, b, line.start)) is not None:
                cells.append(c)
        return "tab", cells
    if not stripped:
        return "single", []
    pieces = [(m.start(), m.end()) for m in re.finditer(r"\S+(?: \S+)*", body)]
    cells = []
    for a, b in pieces:
        a, b = line.start + a, line.start + b
        piece = text[a:b]
        if _NUMBER_RUN.match(piece):
            cells.extend(_numbers_in(text, a, b, line.start))
        elif m := _TRAILING_NUMBERS.match(piece):
            cut = a + m.start("nums")
            label = _cell(text, a, a + len(m.group("label")), line.start)
            cells.extend([label] if label else [])
            cells.extend(_numbers_in(text, cut, b, line.start))
        elif (c := _cell(text, a, b, line.start)) is not None:
            cells.append(c)
    return ("layout" if len(cells) > 1 else "single"), cells


def is_prose(line: Line, style: LineStyle, cells: Sequence[Cell]) -> bool:
    """A narrative line: it ends rows and never holds table cells."""
    if style in ("pipe", "tab", "gap") and len(cells) != 1:
        return False
    text = line.text.strip()
    if _SENTENCE_END.search(text) or _COUNTED.search(text):  # a counted figure and a comma: a sentence
        return True
    return len(cells) == 1 and len("".join(text.split())) > 90


def read_rows(text: str, lines: Sequence[Line] | None = None) -> list[Row]:
    """Every table row of the text, in order (see the module docstring for the rules)."""
    rows: list[Row] = []
    current: Row | None = None

    def close() -> None:
        nonlocal current
        if current is not None and (current.labels or current.slots):
            rows.append(current)
        current = None

    for line in lines if lines is not None else iter_lines(text):
        style, cells = split_line(text, line)
        if not cells:
            continue
        if is_prose(line, style, cells):
            close()
            continue
        labels = [c for c in cells if c.kind == "label"]
        last_label = max((i for i, c in enumerate(cells) if c.kind == "label"), default=-1)
        # cells before or between labels are the spans of row-group labels (``| | 2.其他…``), not values
        others = [c for i, c in enumerate(cells) if c.kind != "label" and (i > last_label or len(cells) == 1)]
        if len(cells) > 1 and style != "gap":
            explicit = style in ("pipe", "tab")
            if labels and others:
                # a complete row; label-only lines just before it are its wrapped label
                if current is not None and not current.slots and not current.units:
                    row, current = current, None
                else:
                    close()
                    row = Row(line=line.index)
                row.explicit = explicit and not row.labels
                row.labels += labels
                _fill(row, others)
                row.last_line = line.index
                rows.append(row)
                continue
            if not labels:  # values only: the numbers of a label that wrapped above them
                if current is None or current.slots or current.units:
                    close()
                    current = Row(line=line.index)
                _fill(current, others)
                current.last_line = line.index
                close()
                continue
            close()
            rows.append(Row(labels=labels, explicit=explicit, line=line.index, last_line=line.index))
            continue
        for cell in cells:
            if cell.kind == "label":
                if current is None or current.slots or current.units:
                    close()
                    current = Row(line=line.index)
                current.labels.append(cell)
            else:
                if current is None:
                    current = Row(line=line.index)
                _fill(current, [cell])
            current.last_line = line.index
    close()
    return rows


def _fill(row: Row, cells: Sequence[Cell]) -> None:
    for c in cells:
        (row.units if c.kind == "unit" else row.slots).append(c)
