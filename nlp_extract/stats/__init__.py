"""Statistics of the national templates: tables in any text layout, prose figures, checks.

``extract_statistics(text)`` reads the *analysis* text (``normalise(raw).text``) and
returns one :class:`Figure` per key — the table's value where the table gives one, else
the prose's — with offsets into that text, the consistency checks, and the template
generation the tables show.

Stages: :mod:`.grid` reads ``<table>`` markup kept in a text and :mod:`.columns` blocks of
space-aligned columns (``pdftotext -layout``) as grids, where positions say which column a
value is in; :mod:`.tables` reads every other table row in any layout (:func:`read_tables`
runs the three once, and the pipeline gives the result to structure too, so that no table row
becomes a heading or narrative); :mod:`.old_template` matches rows of the pre-2019 统计表 by
label; :mod:`.new_template` reads tables 二、三、四 of the 2019/2021 templates positionally
under their headers; :mod:`.prose` maps numbers in sentences to keys; :mod:`.checks` checks
sums and table against prose.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from ..lines import Line, source_lines
from ..schema import Check, Template
from .checks import sum_checks, table_vs_text
from .columns import column_tables
from .grid import markup_tables
from .keys import FORM_ANCHORS
from .model import Figure, StatsResult, warning
from .new_template import NewTables, parse_new
from .old_template import OldTable, parse_old
from .prose import Family, ProseFigure, find_prose, pick
from .tables import Row, read_rows

__all__ = ["Extraction", "Figure", "StatsResult", "Tables", "extract_all", "extract_statistics", "read_tables"]

_LAST_OLD_KEYS = ("training.attendees", "training.sessions", "meetings.total")
_NEW_MARKERS = re.compile(r"第二十条第|收到和处理政府信息公开申请情况|政府信息公开行政复议、行政诉讼情况")
_YEAR = re.compile(r"(20\d{2})\s*年")
_PERIOD_YEAR = re.compile(r"统计(?:期限|时限|期间).{0,6}?(20\d{2})\s*年")


@dataclass(frozen=True)
class Extraction:
    """Everything found before one figure per key is chosen (for evaluation and checks)."""

    table: list[Figure]
    prose: list[ProseFigure]
    template: Template | None
    family: Family
    checks: list[Check]


def decide_template(old: OldTable, new: NewTables) -> Template | None:
    """Pre-2019 from its rows or caption, where no 2019/2021 table header decided the generation."""
    if old.matched_rows >= 3 or (old.has_header and not new.seen):
        return "pre2019"
    return None


def family_of(template: Template | None, text: str) -> Family:
    """Old or new wording of the request keys: the template if known, else the report's year."""
    if template is not None:
        return "old" if template == "pre2019" else "new"
    if _NEW_MARKERS.search(text):
        return "new"
    m = _PERIOD_YEAR.search(text) or _YEAR.search(text[:300])
    return "new" if m and int(m.group(1)) >= 2019 else "old"


@dataclass(frozen=True)
class Tables:
    """Every table row of a text, in text order, and the spans of the tables read whole as grids."""

    rows: list[Row]
    grids: list[tuple[int, int]]

    @property
    def spans(self) -> list[tuple[int, int]]:
        """Where the tables lie: rows with cells or a unit, and grids.  Prose figures are not read there, and
        structure takes no heading or paragraph from there."""
        rows = [(r.start, r.end) for r in self.rows if r.units or any(c.kind in ("value", "blank") for c in r.slots)]
        return sorted([*rows, *self.grids])


def _truncation(text: str, template: Template | None, table: list[Figure], new: NewTables) -> list[Check]:
    """A table that runs into the end of the text without its last rows: what is there, plus this check."""
    if not table:
        return []
    last = max(table, key=lambda f: f.end)
    tail = text[last.end :].strip()
    if len(tail) > 60 or "。" in tail:
        return []
    if template == "pre2019" and last.key in _LAST_OLD_KEYS:
        return []
    if template != "pre2019" and new.reached_table4:
        return []
    return [
        warning("table.truncated", f"the text ends inside the table after {last.key}; later rows are missing", [last])
    ]


def read_tables(text: str, source: Sequence[Line] | None = None) -> Tables:
    """Rows of every table in the text, in text order, and the spans of tables read as grids.

    Markup tables (``<table>`` source in the text) and blocks of space-aligned columns are read
    as grids; the rest of the text is read line by line with those spans blanked out, so each
    row comes from one reader only.
    """
    grids = markup_tables(text)
    masked = _blanked(text, [(t.start, t.end) for t in grids])
    # one pass over the lines, for both readers (the caller's, unless markup was blanked out)
    lines = source if source is not None and not grids else source_lines(masked)
    aligned = column_tables(masked, lines)
    spans = [(t.start, t.end) for t in grids] + [(t.start, t.end) for t in aligned]
    if not spans:
        return Tables(read_rows(text, lines, anchors=FORM_ANCHORS), [])
    rows: list[Row] = []
    pos = 0
    for t in aligned:  # whole lines: the text on either side is read apart (a block ends any row)
        rows += read_rows(masked, lines[pos : t.first_line], anchors=FORM_ANCHORS) + t.rows()
        pos = t.last_line + 1
    rows += read_rows(masked, lines[pos:], anchors=FORM_ANCHORS) + [row for t in grids for row in t.rows()]
    return Tables(sorted(rows, key=lambda r: r.start), sorted(spans))


def _blanked(text: str, spans: list[tuple[int, int]]) -> str:
    """The text with these spans turned to spaces (line breaks kept, so lines keep their numbers)."""
    out, pos = [], 0
    for a, b in sorted(spans):
        a = max(a, pos)  # spans may nest (a table inside a table's cell)
        if a < b:
            out += [text[pos:a], re.sub(r"[^\n]", " ", text[a:b])]
            pos = b
    return "".join([*out, text[pos:]])


def extract_all(text: str, tables: Tables | None = None) -> Extraction:
    """Table figures and every prose figure, before one figure per key is chosen.

    ``tables``: the text's :func:`read_tables`, when the caller has them already."""
    tables = tables if tables is not None else read_tables(text)
    rows = tables.rows
    new = parse_new(rows)
    # headers of the 2019/2021 tables decide the generation; only without them is the pre-2019 form looked for
    old = parse_old(rows) if new.template is None else None
    template = new.template if old is None else decide_template(old, new)
    if old is None or (template != "pre2019" and new.seen):
        table, checks = new.figures, list(new.checks)
    else:
        table, checks = old.figures, list(old.checks)
    if new.seen and template != "pre2019" and not new.figures and not new.checks:
        checks.append(Check("table.empty", "warning", "the tables are present but every cell is blank"))
    family = family_of(template, text)
    prose = find_prose(text, family, tables.spans)
    checks += _truncation(text, template, table, new)
    return Extraction(table, prose, template, family, checks)


def extract_statistics(text: str, tables: Tables | None = None) -> StatsResult:
    """One figure per key (the table's wins over prose), the checks, and the template seen.

    ``tables``: the text's :func:`read_tables`, when the caller has them already (the pipeline
    reads them once for structure and statistics)."""
    found = extract_all(text, tables)
    in_table = {f.key for f in found.table}
    text_figures = [f for f in pick(found.prose) if f.key not in in_table]
    figures = sorted([*found.table, *text_figures], key=lambda f: (f.start, f.key))
    yearly = [p.figure for p in found.prose if not p.cumulative]
    checks = [
        *found.checks,
        *sum_checks(figures, found.family),
        *table_vs_text(found.table, yearly),
    ]
    return StatsResult(figures, checks, found.template)
