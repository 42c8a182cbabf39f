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

import itertools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Literal

from ..lines import Line, source_lines
from .numbers import Number, is_not_reported, parse_cell

CellKind = Literal["label", "value", "blank", "unit", "gap"]
LineStyle = Literal["pipe", "tab", "layout", "single", "gap", "prose"]

UNITS = frozenset({"条", "件", "个", "人", "次", "篇", "人次", "万元", "元", "项", "期", "场", "名", "家", "份"})
_HAS_WORD = re.compile(r"[\u3400-\u9fffA-Za-z]")
_SENTENCE_END = re.compile(r"[。！？!?]")
_COUNTED = re.compile(r"\d\s*(?:余|多)?\s*[件条次个篇人名项场期起]\s*[，；、,;]|^[件条次个篇]\s*[，；、,;]")
_NUMBER_RUN = re.compile(r"^-?\d[\d,.]*(?:\s+-?\d[\d,.]*)+$")
_TRAILING_NUMBERS = re.compile(r"^(?P<label>.*[\u3400-\u9fff）)])\s+(?P<nums>\d[\d,.]*(?:\s+\d[\d,.]*)*)$")


@dataclass(frozen=True, slots=True)
class Cell:
    """A cell's stripped text, its offsets in the analysis text, kind and (for values) number."""

    text: str
    start: int
    end: int
    kind: CellKind
    value: Number | None = None
    column: int = 0  # character column of the cell in its line (for layout tables)
    run: bool = False  # digits written against the cell before them: maybe several cells run together


Split = tuple[LineStyle, list[Cell]]
"""How a line was split, and its cells (``split_line``)."""


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


def _cell_spans(line: Line, sep: str) -> list[tuple[int, int]]:
    """Where the cells of a pipe or tab row lie, empty ones included.

    A bar with nothing before it, or one opening a line that also ends with a bar, is a
    border, unless the line is one of a run of ``cell |`` lines (then it closes an empty
    cell); `` | 5 | 0`` (no closing bar) starts with an empty cell.  Tabs that only indent a
    line are no cells; leading tabs of a row (a tab later in the line) are its empty cells.
    """
    body = line.text
    if sep == "\t":
        rest = body.lstrip()
        if "\t" not in rest.rstrip():
            offset = len(body) - len(rest)
            return _split_positions(Line(line.index, line.start + offset, line.end, rest), sep)
        offset = len(body) - len(body.lstrip(" \u3000"))
        return _split_positions(Line(line.index, line.start + offset, line.end, body[offset:]), sep)
    stripped = body.strip()
    spans = _split_positions(line, sep)
    if not line.cell_bars and (not body[: body.index(sep)] or (stripped.startswith(sep) and stripped.endswith(sep))):
        spans = spans[1:]
    if not body[body.rindex(sep) + 1 :].strip():
        spans = spans[:-1]
    return spans


def _mark_cell_bars(lines: Sequence[Line]) -> list[Line]:
    """Lines of ``cell |`` runs marked: consecutive bar lines that all end with a bar, some opening with a cell."""
    out = list(lines)
    i = 0
    while i < len(out):
        j = i
        while j < len(out) and "|" in out[j].text and out[j].text.replace("|", "").strip():
            j += 1
        run = [ln.text.strip() for ln in out[i:j]]
        if j - i >= 2 and all(t.endswith("|") for t in run) and any(not t.startswith("|") for t in run):
            out[i:j] = [replace(ln, cell_bars=True) for ln in out[i:j]]
        i = max(j, i + 1)
    return out


def _numbers_in(text: str, a: int, b: int, line_start: int) -> list[Cell]:
    """``3001 53``: numbers that share a layout cell because the columns were narrow."""
    cells = []
    for m in re.finditer(r"\S+", text[a:b]):
        c = _cell(text, a + m.start(), a + m.end(), line_start)
        if c is not None:
            cells.append(c)
    return cells


_RULE_LINE = re.compile(r"^\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?$")  # a markdown header rule


def split_line(text: str, line: Line) -> tuple[LineStyle, list[Cell]]:
    """Cells of one line, and how the line was split.

    A sentence of prose (no bar or tab, a word, a sentence end or a counted figure) is not
    cut up: whatever its cells, :func:`is_prose` holds for it and no reader takes its cells,
    so it is one cell of its whole text, style ``prose`` (most lines of a report, read fast).
    """
    body = line.text
    stripped = body.strip()
    if "|" not in body and "\t" not in body and _HAS_WORD.search(body) and _is_sentence(stripped):
        at = line.start + body.index(stripped)
        return "prose", [Cell(stripped, at, at + len(stripped), "label", None, at - line.start)]
    style, cells = _split_line(text, line)
    if line.glued:
        cells = [replace(c, run=True) if c.kind == "value" and len(c.text) > 1 else c for c in cells]
    return style, cells


def _split_line(text: str, line: Line) -> tuple[LineStyle, list[Cell]]:
    body = line.text
    stripped = body.strip()
    if _RULE_LINE.match(stripped):
        return "single", []
    if "|" in body:
        if not stripped.replace("|", "").strip():
            n = stripped.count("|")
            a = line.start + body.index("|")
            return "gap", [Cell("|" * n, a, a + len(stripped), "gap", None, a - line.start)]
        cells = []
        for a, b in _cell_spans(line, "|"):
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
        cells = []
        for a, b in _cell_spans(line, "\t"):
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
    if style == "prose":
        return True
    if style in ("pipe", "tab", "gap") and len(cells) != 1:
        return False
    text = line.text.strip()
    if _is_sentence(text):
        return True
    return len(cells) == 1 and len("".join(text.split())) > 90


def _is_sentence(stripped: str) -> bool:
    """A sentence end, or a counted figure and a comma (``共3件，``): prose."""
    return bool(_SENTENCE_END.search(stripped) or _COUNTED.search(stripped))


def _is_separator(line: Line) -> bool:
    return line.text.strip() in ("|", "｜")


def _is_bare_cell(line: Line) -> bool:
    """A cell line with no bar of its own (``cell |`` lines are another layout, where a lone bar is a cell)."""
    return bool(line.text.strip()) and "|" not in line.text and "｜" not in line.text


def separated_runs(lines: Sequence[Line]) -> list[tuple[int, int]]:
    """Index ranges of lines where lone ``|`` lines separate cells written one per line.

    The run starts at the cell before its first separator and ends at the cell after its
    last one.  The layout is the text's when some run has two separators or more; a text
    without one keeps its lone bars as merged-cell noise.
    """
    runs: list[tuple[int, int, int]] = []
    i, n = 0, len(lines)
    while i < n:
        if not _is_separator(lines[i]) or i == 0 or not _is_bare_cell(lines[i - 1]):
            i += 1
            continue
        start, j, seps = i - 1, i, 0
        while j < n and (
            _is_separator(lines[j])
            or (j + 1 < n and _is_separator(lines[j + 1]) and (_is_bare_cell(lines[j]) or not lines[j].text.strip()))
        ):
            seps += _is_separator(lines[j])
            j += 1
        end = j + 1 if j < n and _is_bare_cell(lines[j]) and not _SENTENCE_END.search(lines[j].text) else j
        runs.append((start, end, seps))
        i = max(end, i + 1)
    return [(a, b) for a, b, _ in runs] if any(seps >= 2 for _, _, seps in runs) else []


def _separated_rows(text: str, lines: Sequence[Line]) -> list[Row]:
    """Rows of a run of one-cell lines with lone ``|`` lines between cells.

    Two separators in a row hold an empty cell; two cell lines with no separator between
    them end a row; a label after a value opens the next row, as in any layout.
    """
    rows: list[Row] = []
    cells: list[Cell] = []
    after_separator = True

    def close() -> None:
        if cells:
            rows.extend(_rows_of(cells))
        cells.clear()

    for line in lines:
        if _is_separator(line):
            if after_separator and cells:
                at = line.start + line.text.index(line.text.strip())
                cells.append(Cell("", at, at, "blank", None, 0))
            after_separator = True
            continue
        if not line.text.strip():
            if not after_separator:  # a cell, then an empty line before a bar: a row that opens with an empty cell
                close()
                cells.append(Cell("", line.start, line.start, "blank", None, 0))
            continue
        if not after_separator:
            close()
        cell = _cell(text, line.start, line.end, line.start)
        at = line.start + len(line.text) - len(line.text.lstrip())
        cells.append(cell or Cell("", at, at, "blank", None, 0))
        after_separator = False
    close()
    return rows


def _rows_of(cells: Sequence[Cell]) -> list[Row]:
    """Explicit rows from cells in reading order: a label after a value or blank opens a new row.

    A row's slots are the cells after its last label (before it they are empty corner or
    group cells); a row of values alone keeps every cell, leading empty ones included.
    """
    groups: list[list[Cell]] = [[]]
    for c in cells:
        if c.kind == "label" and groups[-1] and groups[-1][-1].kind != "label":
            groups.append([])
        groups[-1].append(c)
    rows: list[Row] = []
    for group in groups:
        last_label = max((i for i, c in enumerate(group) if c.kind == "label"), default=-1)
        row = Row(labels=[c for c in group if c.kind == "label"], explicit=True)
        for c in group[last_label + 1 :]:
            (row.units if c.kind == "unit" else row.slots).append(c)
        if row.labels or row.values:
            rows.append(row)
    return rows


_Token = tuple[Literal["cell", "empty", "blank"], Cell | None]


def _one_cell_token(line: Line, split: Split) -> _Token | None:
    """A line of a one-cell-per-line table: a cell (``x`` or ``x |``), an empty cell (a lone ``|``
    among ``x |`` lines), a blank line; None for anything else (prose, rows of several cells)."""
    stripped = line.text.strip()
    if not stripped:
        return "blank", None
    if stripped in ("|", "｜"):
        at = line.start + line.text.index(stripped)
        return "empty", Cell("", at, at, "blank", None, 0)
    style, cells = split
    if len(cells) != 1 or is_prose(line, style, cells) or (style == "pipe" and not stripped.endswith("|")):
        return None
    return ("cell", cells[0]) if style in ("single", "pipe") else None


def _shown_empties(text: str, lines: Sequence[Line], tokens: Sequence[_Token]) -> list[Row] | None:
    """Rows of a one-cell-per-line run when it shows its empty cells, else None.

    Empty cells show as lone ``|`` lines among ``x |`` lines, or as extra blank lines where
    cells are separated by a fixed number of blank lines (the usual gap of the run).  The run counts as
    showing them only when an empty cell stands between two values, or beside a label where it
    cannot be spacing (a lone bar; a blank line where other labels have none): blank lines
    around labels may be mere spacing, and a table whose crawler dropped its empty cells must not have its
    values pushed into the wrong columns.
    """
    piped = any(t == "cell" and "|" in lines[i].text for i, (t, _) in enumerate(tokens))
    cells: list[Cell] = []
    gaps: list[int] = []
    blank_run = 0
    for (kind, cell), _line in zip(tokens, lines, strict=True):
        if kind == "blank":
            blank_run += 1
        elif kind == "empty" and piped and cell is not None:
            cells.append(cell)
        elif kind == "cell" and cell is not None:
            if cells:
                gaps.append(blank_run)
            cells.append(cell)
            blank_run = 0
    if not piped:
        if not gaps:
            return None
        k = max(set(gaps), key=lambda g: (gaps.count(g), -g))  # the usual separation
        between_values = [g for g, a, b in zip(gaps, cells, cells[1:], strict=False) if "label" not in (a.kind, b.kind)]
        if any(g > k and (g - k) % (k + 1) for g in between_values):
            return None  # spacing that no count of empty cells explains (labels may have spacing of their own)
        # beside a label, a blank line is an empty cell only where other labels have none (not spacing)
        after = {g for g, a, b in zip(gaps, cells, cells[1:], strict=False) if a.kind == "label" != b.kind}
        before = {g for g, a, b in zip(gaps, cells, cells[1:], strict=False) if a.kind != "label" == b.kind}
        beside_labels = len(after) > 1 or len(before) > 1
        filled: list[Cell] = cells[:1]
        for g, cell in zip(gaps, cells[1:], strict=True):
            filled += [Cell("", cell.start, cell.start, "blank", None, 0)] * (max(0, g - k) // (k + 1))
            filled.append(cell)
        cells = filled
    else:
        beside_labels = True  # a lone bar among ``x |`` lines is an empty cell wherever it stands
    shown = any(
        c.kind == "blank"
        and not c.text
        and (
            (cells[i - 1].kind != "label" and cells[i + 1].kind != "label")
            or (beside_labels and "label" in (cells[i - 1].kind, cells[i + 1].kind))
        )
        for i, c in enumerate(cells[1:-1], start=1)
    )
    return _rows_of(cells) if shown else None


def _one_cell_runs(text: str, lines: Sequence[Line], splits: Sequence[Split]) -> list[tuple[int, int, list[Row]]]:
    """Runs of one-cell lines that show their empty cells, with their rows (explicit)."""
    tokens = [_one_cell_token(line, split) for line, split in zip(lines, splits, strict=True)]
    out: list[tuple[int, int, list[Row]]] = []
    i = 0
    while i < len(tokens):
        if tokens[i] is None:
            i += 1
            continue
        j = i
        while j < len(tokens) and tokens[j] is not None:
            j += 1
        run = [t for t in tokens[i:j] if t is not None]
        if sum(kind == "cell" for kind, _ in run) >= 4 and (rows := _shown_empties(text, lines[i:j], run)):
            out.append((i, j, rows))
        i = j
    return out


_INLINE_MIN = 300  # a line this long may be a whole report that lost its line breaks
_SENTENCE_PIECE = re.compile(r"[^。！？!?]*[。！？!?]+|[^。！？!?]+$")
_TOKEN = re.compile(r"\d+(?:\.\d+)?|[^\s\d]+")
_SECTION_HEAD = re.compile(r"[一二三四五六七八九十]+、")
_NUMBER_TOKEN = re.compile(r"\d+(?:\.\d+)?")
_GLUED_UNIT = re.compile(r"(?<=[数量额])(?:人次|万元|条|件|个|次|项|元)$")  # a count's label, then its unit
_ENUM_HEAD = re.compile(r"^[.．、][^\s\d.．、]")


def inline_lines(line: Line, anchors: re.Pattern[str] | None = None) -> list[Line]:
    """A long line cut into sentences, and the stretches between sentences that hold many numbers
    (a table flattened into the line) into one piece per cell: words, and numbers.

    The crawler dropped the separators there, so a number of several digits standing alone
    between words may be several cells run together: it is marked *glued*.  An item number
    that ran onto the digits before its label (``00000002.其他…``) goes back to the label, and
    words that ran together are cut where a label of the forms (``anchors``) begins.
    """
    out: list[Line] = []
    for m in _SENTENCE_PIECE.finditer(line.text):
        piece, at = m.group(), line.start + m.start()
        cut = _table_end(piece) if len(re.findall(r"\d+", piece)) >= 6 else 0
        if cut < len(piece):
            out.append(Line(line.index, at + cut, at + len(piece), piece[cut:]))  # a sentence
        if cut > 0:
            out += _cells_of(line.index, piece[:cut], at, anchors)
    return sorted(out, key=lambda ln: ln.start)


def _cells_of(index: int, piece: str, at: int, anchors: re.Pattern[str] | None) -> list[Line]:
    tokens = [[t.start(), t.end()] for t in _TOKEN.finditer(piece)]
    for k in range(len(tokens) - 1):
        (a, b), (c, _) = tokens[k], tokens[k + 1]
        if piece[a:b].isdigit() and b == c and _ENUM_HEAD.match(piece[c : c + 2]):
            tokens[k][1] = tokens[k + 1][0] = b - 1  # ``…0002.其他``: the ``2`` is the next label's number
    cells: list[tuple[int, int]] = []
    for k, (a, b) in enumerate(tokens):
        if a >= b:
            continue
        cuts = [a, *(x.start() for x in anchors.finditer(piece, a, b) if x.start() > a), b] if anchors else [a, b]
        if k + 1 < len(tokens) and tokens[k + 1][0] == b and (unit := _GLUED_UNIT.search(piece, a, b)):
            cuts.insert(-1, unit.start())  # ``…信息数条425``: the unit column's cell ran onto the label
        cells += [(x, y) for x, y in itertools.pairwise(cuts) if x < y]
    # numbers side by side form a group; a group with a number of several digits may be runs
    # of cells (``230 000023`` for 23|0|0|0|0|0|23), single digits alone are cells as written
    number = [bool(_NUMBER_TOKEN.fullmatch(piece, a, b)) for a, b in cells]
    out = []
    k = 0
    while k < len(cells):
        j = k + 1
        while number[k] and j < len(cells) and number[j]:
            j += 1
        glued = number[k] and any(y - x > 1 for x, y in cells[k:j])
        out += [Line(index, at + a, at + b, piece[a:b], glued=glued) for a, b in cells[k:j]]
        k = j
    return out


def _table_end(piece: str) -> int:
    """Where a flattened table in ``piece`` ends: at the space or section number (``五、``) before
    the first clause mark outside brackets (table cells have none; the sentence after the table does)."""
    depth = 0
    for i, ch in enumerate(piece):
        depth += (ch in "（(") - (ch in "）)")
        if depth <= 0 and ch in "，,；;。！？!?":
            heads = [m.start() for m in _SECTION_HEAD.finditer(piece, 0, i)]
            return max(piece.rfind(" ", 0, i), piece.rfind("\u3000", 0, i), *heads, 0)
    return len(piece)


def read_rows(text: str, lines: Sequence[Line] | None = None, anchors: re.Pattern[str] | None = None) -> list[Row]:
    """Every table row of the text, in order (see the module docstring for the rules).

    ``anchors`` matches labels of the forms, to cut words that a flattened table ran together.
    """
    all_lines = [
        piece
        for line in (lines if lines is not None else source_lines(text))
        for piece in (inline_lines(line, anchors) if len(line.text) > _INLINE_MIN else (line,))
    ]
    all_lines = _mark_cell_bars(all_lines)
    splits = [split_line(text, line) for line in all_lines]  # once per line, whichever reader reads it
    rows: list[Row] = []
    pos = 0
    for a, b in separated_runs(all_lines):
        rows += _read_plain(text, all_lines[pos:a], splits[pos:a])
        rows += _separated_rows(text, all_lines[a:b])
        pos = b
    return rows + _read_plain(text, all_lines[pos:], splits[pos:])


def _read_plain(text: str, lines: Sequence[Line], splits: Sequence[Split]) -> list[Row]:
    """Rows of lines without separator lines: grids and one-cell runs that show their empty cells, then the rest."""
    runs = sorted(_grid_runs(text, lines) + _one_cell_runs(text, lines, splits), key=lambda r: r[0])
    rows: list[Row] = []
    pos = 0
    for a, b, run_rows in runs:
        if a < pos:
            continue
        rows += _read_line_rows(lines[pos:a], splits[pos:a])
        rows += run_rows
        pos = b
    return rows + _read_line_rows(lines[pos:], splits[pos:])


def grid_rows(grid: Sequence[tuple[int, Sequence[Cell]]]) -> list[Row]:
    """Rows of a grid, given as (line, cells) with each cell's ``column`` its grid column.

    Labels stand left of values in every form: the value columns are those right of every
    label that stands left of a value in its row.  An empty cell left of them is a merged
    label's span, never a blank.  A row with no value, no unit and no written not-reported mark
    (``/``, ``—``, ``无``) has no slots: its empty cells are spans of header cells.  One with a mark
    or a unit is a row of the table whose figures were not reported (it still anchors the form).
    """
    last_label = max(
        (
            c.column
            for _, cells in grid
            if (first_value := min((x.column for x in cells if x.kind == "value"), default=None)) is not None
            for c in cells
            if c.kind == "label" and c.column < first_value
        ),
        default=-1,
    )
    rows = []
    for line, cells in grid:
        row = Row(labels=[c for c in cells if c.kind == "label"], explicit=True, line=line, last_line=line)
        if any(c.kind in ("value", "unit") or (c.kind == "blank" and c.text) for c in cells):
            _fill(row, [c for c in cells if c.kind != "label" and c.column > last_label])
        if row.labels or row.values:
            rows.append(row)
    return rows


def _grid_spans(line: Line) -> list[tuple[int, int]] | None:
    """Every cell span of a pipe or tab row, edges included (a border is decided by its run)."""
    body = line.text
    sep = "|" if "|" in body else "\t" if "\t" in body.strip() else None
    if sep is None or not body.replace(sep, "").strip() or _RULE_LINE.match(body.strip()):
        return None
    if sep == "\t":
        return _cell_spans(line, sep)
    return _split_positions(line, sep)


def _grid_runs(text: str, lines: Sequence[Line]) -> list[tuple[int, int, list[Row]]]:
    """Runs of pipe or tab rows that all have the same number of cells (3 or more): a full grid,
    where every cell has its column.  An edge column empty in every row is a border; markdown
    rule lines inside the run are skipped."""
    out: list[tuple[int, int, list[Row]]] = []
    i = 0
    while i < len(lines):
        first = _grid_spans(lines[i])
        if first is None or len(first) < 3:
            i += 1
            continue
        grid = [(lines[i], first)]
        j = i + 1
        while j < len(lines):
            if _RULE_LINE.match(lines[j].text.strip()):
                j += 1
                continue
            spans = _grid_spans(lines[j])
            if spans is None or len(spans) != len(first):
                break
            grid.append((lines[j], spans))
            j += 1
        if len(grid) >= 2:
            out.append((i, j, grid_rows(_grid_cells(text, grid))))
        i = max(j, i + 1)
    return out


def _grid_cells(text: str, grid: Sequence[tuple[Line, list[tuple[int, int]]]]) -> list[tuple[int, list[Cell]]]:
    """Cells of a run of rows at their columns, border columns left out: the last column when
    empty in every row, the first when also every row opens with its bar (`` | x`` or a
    ``cell |`` run opens with an empty cell)."""
    width = len(grid[0][1])
    empty = [all(not text[spans[k][0] : spans[k][1]].strip() for _, spans in grid) for k in range(width)]
    border = all(line.text.startswith("|") and not line.cell_bars for line, _ in grid)
    first = 1 if empty[0] and border else 0
    last = width - 1 if empty[-1] else width
    rows = []
    for line, spans in grid:
        cells = []
        for k in range(first, last):
            a, b = spans[k]
            cell = _cell(text, a, b, line.start) if text[a:b].strip() else None
            cells.append(replace(cell, column=k) if cell else Cell("", a, a, "blank", None, k))
        rows.append((line.index, cells))
    return rows


def _read_line_rows(lines: Sequence[Line], splits: Sequence[Split]) -> list[Row]:
    """Rows of lines that are each a row, a cell, or a wrapped part of one (every layout but separated runs)."""
    rows: list[Row] = []
    current: Row | None = None

    def close() -> None:
        nonlocal current
        if current is not None and (current.labels or current.slots):
            rows.append(current)
        current = None

    for line, (style, cells) in zip(lines, splits, strict=True):
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
                    current = Row(explicit=explicit, line=line.index)  # a whole row of values on one line
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


def split_run(cells: Sequence[Cell], n: int, valid: Callable[[Sequence[int]], bool] | None = None) -> list[Cell] | None:
    """The ``n`` cells that runs of digits stand for, when only one split is possible.

    The runs' digits are read as one string that must be cut where the runs end (a space the
    crawler kept is a real boundary).  A split is possible when no part but ``0`` starts with a
    zero and ``valid`` (the form's own sums) accepts the parts; with no rule, only ``n`` digits
    in all are certain.
    """
    if n == 1 and len(cells) == 1:
        return [replace(cells[0], run=False)]  # one column: the run is its value, whatever its length
    digits = "".join(c.text for c in cells)
    ends = set(itertools.accumulate(len(c.text) for c in cells))
    if not digits.isdigit() or not 1 <= n <= len(digits) <= 24 or (valid is None and len(digits) != n):
        return None
    found: list[list[int]] = []

    def parts_from(pos: int, left: int, cuts: list[int]) -> None:
        if len(found) > 1:
            return
        if left == 1:
            piece = digits[pos:]
            cut = [*cuts, len(digits)]
            values = [int(digits[a:b]) for a, b in itertools.pairwise([0, *cut])]
            if (piece == "0" or not piece.startswith("0")) and ends <= set(cut) and (valid is None or valid(values)):
                found.append(cut)
            return
        for end in range(pos + 1, len(digits) - left + 2):
            piece = digits[pos:end]
            if piece != "0" and piece.startswith("0"):
                break
            parts_from(end, left - 1, [*cuts, end])
            if end in ends:
                break  # a part never runs over a kept boundary

    parts_from(0, n, [])
    if len(found) != 1:
        return None
    starts = dict(zip(itertools.accumulate([0, *(len(c.text) for c in cells)]), cells, strict=False))
    out, owner = [], cells[0]
    for a, b in itertools.pairwise([0, *found[0]]):
        owner = starts.get(a, owner)
        at = owner.start + a - next(k for k, c in starts.items() if c is owner)
        out.append(Cell(digits[a:b], at, at + b - a, "value", int(digits[a:b]), owner.column))
    return out
