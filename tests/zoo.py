"""A layout zoo (issue 13): the national forms as grids, filled at random, rendered in every layout reports use.

Three parts, each pure and deterministic (hypothesis draws the values; everything else is a
function of what was drawn):

* **Forms** -- the pre-2019 统计表 and tables 二、三、四 of the 2019 and 2021 templates as grids of
  cells with their merges (row span, column span), built from :mod:`nlp_extract.stats.keys`
  (the source of truth for keys and labels).  Each value cell is a :class:`Slot` knowing its key,
  its unit and its words in the form.  The 2021 grids equal the official blank form
  (``tests/data/template-2021.docx``; checked by ``tests/test_zoo.py``).
* **Fillings** -- :func:`reports` is a hypothesis strategy: per slot one of blank, ``/``, ``—``,
  ``无``, ``0``, an integer, and for amounts (万元 keys) a decimal, an amount in 元 (``251000元`` ->
  25.1) or in 万元; the expected value of a key is the number in its key's unit, none for blanks.
* **Renderers** -- :data:`LAYOUTS`: a report (title, intro, caption, the table, a closing
  sentence) as ``(bytes, suffix)``: HTML with the official colspan/rowspan, that HTML as text in a
  ``.txt`` and inside a script string, Word with merged cells, PDF by LibreOffice (when
  installed), and the text layouts of scraped reports (pipes, markdown, tabs, one cell per line
  with and without ``|`` lines, ``cell |`` lines, blank-line separated cells, ``pdftotext -layout``
  columns, rows wrapped over two lines).  In text layouts a merged cell's text appears once; the
  slots it covers are empty or absent, as real crawlers leave them.

:func:`score` runs the real pipeline on a written file and compares: every expected value back
under its key with source ``table``, nothing from a blank cell, every statistic grounded.
``tests/test_zoo.py`` runs a few examples per layout x form; ``benchmarks/zoo.py`` the full zoo.
"""

from __future__ import annotations

import html
import io
import os
import shutil
import subprocess
import tempfile
import unicodedata
import zipfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

from nlp_extract.stats import keys as K

# ============================================================================ the forms as grids


@dataclass(frozen=True)
class Slot:
    """A value cell: its key, the key's unit, and its row and column names in the form."""

    key: str
    unit: str | None
    label: str


@dataclass(frozen=True)
class Cell:
    """One cell of a grid at its top-left position; a label (``text``) or a value slot."""

    row: int
    col: int
    text: str = ""
    slot: Slot | None = None
    rowspan: int = 1
    colspan: int = 1


@dataclass(frozen=True)
class Form:
    """One table of a national form: its caption and its cells, in reading order."""

    name: str  # "pre2019", "2019.二", ...
    template: str  # "pre2019" | "2019" | "2021"
    caption: str
    cells: tuple[Cell, ...]

    @property
    def n_rows(self) -> int:
        return max(c.row + c.rowspan for c in self.cells)

    @property
    def n_cols(self) -> int:
        return max(c.col + c.colspan for c in self.cells)

    @property
    def slots(self) -> tuple[Slot, ...]:
        return tuple(c.slot for c in self.cells if c.slot is not None)

    def rows(self) -> list[list[Cell]]:
        """Cells by the row they start in (an HTML ``<tr>``), left to right."""
        out: list[list[Cell]] = [[] for _ in range(self.n_rows)]
        for c in self.cells:
            out[c.row].append(c)
        return [sorted(r, key=lambda c: c.col) for r in out]

    def owner(self) -> list[list[Cell]]:
        """Grid position -> the cell covering it."""
        grid: list[list[Cell | None]] = [[None] * self.n_cols for _ in range(self.n_rows)]
        for c in self.cells:
            for r in range(c.row, c.row + c.rowspan):
                for k in range(c.col, c.col + c.colspan):
                    if grid[r][k] is not None:
                        raise ValueError(f"{self.name}: cells overlap at ({r}, {k})")
                    grid[r][k] = c
        if any(x is None for row in grid for x in row):
            raise ValueError(f"{self.name}: grid has holes")
        return [[x for x in row if x is not None] for row in grid]


class _Builder:
    """Cells added row by row, left to right, skipping positions a cell above still covers."""

    def __init__(self) -> None:
        self.cells: list[Cell] = []
        self.row = -1
        self.col = 0
        self.covered: set[tuple[int, int]] = set()

    def tr(self) -> _Builder:
        self.row += 1
        self.col = 0
        return self

    def td(self, text: str = "", slot: Slot | None = None, rowspan: int = 1, colspan: int = 1) -> _Builder:
        while (self.row, self.col) in self.covered:
            self.col += 1
        self.cells.append(Cell(self.row, self.col, text, slot, rowspan, colspan))
        for r in range(self.row, self.row + rowspan):
            for k in range(self.col, self.col + colspan):
                self.covered.add((r, k))
        self.col += colspan
        return self


# --- pre-2019 统计表 --------------------------------------------------------------------------

# the form's group rows, which carry no value, before the row of the key they introduce
_PRE2019_GROUPS = {
    "proactive.total": "一、主动公开情况",
    "proactive.channels.gazette": "（三）通过不同渠道和方式公开政府信息的情况",
    "response.hotspots": "二、回应解读情况",
    "response.press_conferences": "（二）通过不同渠道和方式回应解读的情况",
    "requests.received": "三、依申请公开情况",
    "capacity.offices": "八、机构建设和保障经费情况",
    "meetings.total": "九、政府信息公开会议和培训情况",
}


def _pre2019() -> Form:
    b = _Builder()
    b.tr().td("统计指标").td("单位").td("统计数")
    for row in K.PRE2019_ROWS:
        if row.key in _PRE2019_GROUPS:
            b.tr().td(_PRE2019_GROUPS[row.key]).td().td()
        b.tr().td(row.label).td(row.unit or "").td(slot=Slot(row.key, row.unit, row.label))
    return Form("pre2019", "pre2019", "政府信息公开情况统计表", tuple(b.cells))


# --- table 二 --------------------------------------------------------------------------------

_ARTICLE_ITEM = {
    "rules": "（一）",
    "licensing": "（五）",
    "penalties": "（六）",
    "fees": "（八）",
    "procurement": "（九）",
}
# the official header of each column in each template (one of the spellings keys.COLUMNS lists)
_HEADER = {
    "2019": {
        "issued": "本年新制作数量",
        "published": "本年新公开数量",
        "in_force": "对外公开总数量",
        "prior": "上一年项目数量",
        "change": "本年增/减",
        "decisions": "处理决定数量",
        "projects": "采购项目数量",
        "amount": "采购总金额",
    },
    "2021": {
        "issued": "本年制发件数",
        "repealed": "本年废止件数",
        "in_force": "现行有效件数",
        "decisions": "本年处理决定数量",
        "amount": "本年收费金额（单位：万元）",
    },
}
_TABLE2_WIDTH = 4


def _table2(template: str) -> Form:
    b = _Builder()
    for lay in (lay for lay in K.TABLE2_LAYOUTS if lay.template == template):
        headers = [_HEADER[template][c] for c in lay.columns]
        assert all(h in K.COLUMN_BY_NAME[c].headers for h, c in zip(headers, lay.columns, strict=True))
        last = _TABLE2_WIDTH - len(lay.columns)  # the last column spans what is left of the grid
        b.tr().td(f"第二十条第{_ARTICLE_ITEM[lay.items[0][0]]}项", colspan=_TABLE2_WIDTH)
        b.tr().td("信息内容")
        for i, h in enumerate(headers):
            b.td(h, colspan=last if i == len(headers) - 1 else 1)
        for item, labels in lay.items:
            label = labels[-1] if template == "2021" else labels[0]
            b.tr().td(label)
            for i, (col, h) in enumerate(zip(lay.columns, headers, strict=True)):
                key = K.table2_key(item, col)
                b.td(
                    slot=Slot(key, K.COLUMN_BY_NAME[col].unit, f"{label} · {h}"),
                    colspan=last if i == len(headers) - 1 else 1,
                )
    return Form(f"{template}.二", template, "二、主动公开政府信息情况", tuple(b.cells))


# --- table 三 --------------------------------------------------------------------------------

_TABLE3_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
_TABLE3_GROUPS = {
    "refused": "（三）不予公开",
    "unable": "（四）无法提供",
    "not_processed": "（五）不予处理",
    "other": "（六）其他处理",
}
_TABLE3_RESULTS = "三、本年度办理结果"


def _table3(template: str) -> Form:
    rows = K.TABLE3_ROWS[template]
    applicants = K.APPLICANTS
    orgs = applicants[1:-1]
    b = _Builder()
    b.tr().td(_TABLE3_NOTE, rowspan=3, colspan=3).td("申请人情况", colspan=len(applicants))
    b.tr().td(applicants[0][1], rowspan=2).td("法人或其他组织", colspan=len(orgs)).td(applicants[-1][1], rowspan=2)
    b.tr()
    for _, name in orgs:
        b.td(name)
    results = [r for r in rows if r.key not in ("new", "carried_in", "carried_out")]
    group_size: dict[str, int] = {}
    for r in results:
        if "." in r.key:
            group_size[r.key.split(".")[0]] = group_size.get(r.key.split(".")[0], 0) + 1
    seen_groups: set[str] = set()
    for r in rows:
        group = r.key.split(".")[0] if "." in r.key else None
        b.tr()
        if r.key in ("new", "carried_in", "carried_out"):
            b.td(r.label, colspan=3)
            words = r.label
        else:
            if r is results[0]:
                b.td(_TABLE3_RESULTS, rowspan=len(results))
            if group is None:
                b.td(r.label, colspan=2)
                words = r.label
            else:
                if group not in seen_groups:
                    seen_groups.add(group)
                    b.td(_TABLE3_GROUPS[group], rowspan=group_size[group])
                b.td(r.label)
                words = f"{_TABLE3_GROUPS[group]} {r.label}"
        for code, name in applicants:
            b.td(slot=Slot(K.table3_key(r.key, code), None, f"{words} · {name}"))
    return Form(f"{template}.三", template, "三、收到和处理政府信息公开申请情况", tuple(b.cells))


# --- table 四 --------------------------------------------------------------------------------

_RESULT_LABEL = {
    "upheld": "结果维持",
    "corrected": "结果纠正",
    "other": "其他结果",
    "pending": "尚未审结",
    "total": "总计",
}
_TABLE4_GROUPS = {
    "review": "行政复议",
    "litigation.direct": "未经复议直接起诉",
    "litigation.after_review": "复议后起诉",
}


def _table4(template: str) -> Form:
    n = len(K.RESULTS)
    b = _Builder()
    b.tr().td("行政复议", colspan=n).td("行政诉讼", colspan=2 * n)
    b.tr()
    for result in K.RESULTS:
        b.td(_RESULT_LABEL[result], rowspan=2)
    b.td(_TABLE4_GROUPS["litigation.direct"], colspan=n).td(_TABLE4_GROUPS["litigation.after_review"], colspan=n)
    b.tr()
    for _ in range(2):
        for result in K.RESULTS:
            b.td(_RESULT_LABEL[result])
    b.tr()
    for key in K.TABLE4_KEYS:
        group, result = key.rsplit(".", 1)
        b.td(slot=Slot(key, None, f"{_TABLE4_GROUPS[group]} · {_RESULT_LABEL[result]}"))
    return Form(f"{template}.四", template, "四、政府信息公开行政复议、行政诉讼情况", tuple(b.cells))


FORMS: dict[str, Form] = {
    f.name: f
    for f in (
        _pre2019(),
        _table2("2019"),
        _table3("2019"),
        _table4("2019"),
        _table2("2021"),
        _table3("2021"),
        _table4("2021"),
    )
}


def form_keys(form: Form) -> set[str]:
    """The keys the keys module gives this form (what its slots must be, each exactly once)."""
    if form.template == "pre2019":
        return {r.key for r in K.PRE2019_ROWS}
    table = form.name.split(".")[1]
    if table == "二":
        return {
            K.table2_key(item, col)
            for lay in K.TABLE2_LAYOUTS
            if lay.template == form.template
            for item, _ in lay.items
            for col in lay.columns
        }
    if table == "三":
        return {K.table3_key(r.key, a) for r in K.TABLE3_ROWS[form.template] for a, _ in K.APPLICANTS}
    return set(K.TABLE4_KEYS)


# ============================================================================ fillings


@dataclass(frozen=True)
class Entry:
    """What a value cell holds: its text, and the value expected from it (None: no value)."""

    text: str
    value: int | float | None


@dataclass(frozen=True)
class Filled:
    form: Form
    entries: Mapping[str, Entry]  # by key

    def text(self, cell: Cell) -> str:
        return self.entries[cell.slot.key].text if cell.slot is not None else cell.text

    @property
    def expected(self) -> dict[str, int | float]:
        return {k: e.value for k, e in self.entries.items() if e.value is not None}

    @property
    def blank(self) -> set[str]:
        return {k for k, e in self.entries.items() if e.value is None}


@dataclass(frozen=True)
class Report:
    organization: str
    year: int
    tables: tuple[Filled, ...]

    @property
    def template(self) -> str:
        return self.tables[0].form.template


BLANKS = ("", "/", "—", "无")
ORGANIZATIONS = (
    "城关区人民政府",
    "河西镇人民政府",
    "市交通运输局",
    "县市场监督管理局",
    "新华街道办事处",
    "开发区管理委员会",
)
YEARS = {"pre2019": (2009, 2018), "2019": (2019, 2020), "2021": (2021, 2024)}


def _wan(n: int, places: int) -> Entry:
    """n / 10**places written with exactly that many decimals."""
    d = Decimal(n).scaleb(-places)
    return Entry(f"{d:.{places}f}", float(d))


def entries(slot: Slot) -> st.SearchStrategy[Entry]:
    """Per slot one of: blank, ``/``, ``—``, ``无``, 0, an integer; for amounts also decimals and 元/万元 amounts."""
    blank = st.sampled_from(BLANKS).map(lambda t: Entry(t, None))
    zero = st.just(Entry("0", 0))
    small = st.integers(1, 99).map(lambda n: Entry(str(n), n))
    large = st.integers(100, 99999).map(lambda n: Entry(str(n), n))
    choices = [blank, zero, small, large]
    if slot.unit == "万元":
        decimal = st.builds(_wan, st.integers(1, 999999), st.integers(1, 2))
        yuan = st.integers(1, 99_999_999).map(lambda n: Entry(f"{n}元", float(Decimal(n) / 10000)))
        wan = st.one_of(decimal, small).map(lambda e: Entry(f"{e.text}万元", e.value))
        choices += [decimal, yuan, wan]
    return st.one_of(*choices)


def fillings(form: Form) -> st.SearchStrategy[Filled]:
    return st.fixed_dictionaries({s.key: entries(s) for s in form.slots}).map(lambda e: Filled(form, e))


def reports(*forms: Form) -> st.SearchStrategy[Report]:
    """A report holding the given tables (all of one template), each filled at random."""
    lo, hi = YEARS[forms[0].template]
    return st.builds(
        Report, st.sampled_from(ORGANIZATIONS), st.integers(lo, hi), st.tuples(*(fillings(f) for f in forms))
    )


# every kind of cell, in turn: a fixed filling that the few examples of the test command always include
SHOWCASE_COUNTS = (
    Entry("0", 0),
    Entry("17", 17),
    Entry("", None),
    Entry("2048", 2048),
    Entry("/", None),
    Entry("5", 5),
    Entry("—", None),
    Entry("31", 31),
    Entry("无", None),
    Entry("100", 100),
)
SHOWCASE_AMOUNTS = (
    Entry("251000元", 25.1),
    Entry("25.1万元", 25.1),
    Entry("3.25", 3.25),
    Entry("1000元", 0.1),
    Entry("", None),
    Entry("0.5万元", 0.5),
    Entry("12", 12),
    Entry("/", None),
    Entry("0", 0),
)


def showcase(form: Form, shift: int = 0) -> Report:
    """The form with every kind of count cell in turn, and amounts starting at kind ``shift``."""
    entries: dict[str, Entry] = {}
    counts = amounts = 0
    for s in form.slots:
        if s.unit == "万元":
            entries[s.key] = SHOWCASE_AMOUNTS[(amounts + shift) % len(SHOWCASE_AMOUNTS)]
            amounts += 1
        else:
            entries[s.key] = SHOWCASE_COUNTS[(counts + shift) % len(SHOWCASE_COUNTS)]
            counts += 1
    return Report(ORGANIZATIONS[shift % len(ORGANIZATIONS)], YEARS[form.template][1], (Filled(form, entries),))


# ============================================================================ renderers

Rendered = tuple[bytes, str]  # file content, suffix


def title(report: Report) -> str:
    return f"{report.organization}{report.year}年政府信息公开工作年度报告"


def intro(report: Report) -> str:
    return (
        f"本报告根据《中华人民共和国政府信息公开条例》要求，由{report.organization}办公室编制。"
        f"本报告所列数据的统计期限自{report.year}年1月1日起至{report.year}年12月31日止。"
    )


def closing(report: Report) -> list[str]:
    if report.template == "pre2019":
        return ["三、存在的不足和改进措施", "我单位政府信息公开工作仍存在公开内容不够全面等问题，下一步将进一步加强。"]
    return ["五、存在的主要问题及改进情况", "我单位政府信息公开工作仍存在公开内容不够全面等问题，下一步将进一步加强。"]


def _text_report(report: Report, table_lines: Callable[[Filled], list[str]]) -> Rendered:
    lines = [title(report), intro(report)]
    for t in report.tables:
        lines.append(t.form.caption)
        lines += table_lines(t)
    lines += closing(report)
    return ("\n".join(lines) + "\n").encode("utf-8"), ".txt"


# --- HTML ------------------------------------------------------------------------------------


def html_table(t: Filled, sep: str = "") -> str:
    """The table with the official colspan/rowspan; ``sep`` between rows."""
    rows = []
    for row in t.form.rows():
        tds = []
        for c in row:
            span = (f' rowspan="{c.rowspan}"' if c.rowspan > 1 else "") + (
                f' colspan="{c.colspan}"' if c.colspan > 1 else ""
            )
            tds.append(f"<td{span}>{html.escape(t.text(c), quote=False)}</td>")
        rows.append("<tr>" + "".join(tds) + "</tr>")
    return '<table border="1" cellspacing="0" cellpadding="0"><tbody>' + sep.join(rows) + "</tbody></table>"


def render_html(report: Report) -> Rendered:
    body = [f"<p>{html.escape(x)}</p>" for x in (intro(report),)]
    for t in report.tables:
        body.append(f"<p><strong>{html.escape(t.form.caption)}</strong></p>")
        body.append(html_table(t, "\n"))
    body += [f"<p>{html.escape(x)}</p>" for x in closing(report)]
    page = (
        '<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>'
        + html.escape(title(report))
        + '</title></head>\n<body><div class="article"><h1>'
        + html.escape(title(report))
        + "</h1>\n"
        + "\n".join(body)
        + "\n</div></body></html>\n"
    )
    return page.encode("utf-8"), ".html"


def render_html_boxed(report: Report) -> Rendered:
    """An older CMS page: the whole article inside a cell of a page-layout table (tables nested in it)."""
    page = render_html(report)[0].decode("utf-8")
    page = page.replace('<div class="article">', '<table width="100%"><tr><td><div class="article">')
    page = page.replace("</div></body>", "</div></td></tr></table></body>")
    return page.encode("utf-8"), ".html"


def render_html_in_txt(report: Report) -> Rendered:
    """The ``<table>`` markup kept as text in a ``.txt`` (one line per table)."""
    return _text_report(report, lambda t: [html_table(t)])


def render_html_in_script(report: Report) -> Rendered:
    """The markup inside a page script's string literal, as a crawler that kept the script writes it."""
    return _text_report(report, lambda t: [f"var html = '{html_table(t)}';", "document.write(html);"])


# --- Word and PDF ----------------------------------------------------------------------------


def docx_bytes(report: Report) -> bytes:
    """A Word file: paragraphs, and each table with real merges (python-docx ``cell.merge``)."""
    import docx
    from docx.table import _Cell

    document = docx.Document()
    document.add_paragraph(title(report))
    document.add_paragraph(intro(report))
    for t in report.tables:
        document.add_paragraph(t.form.caption)
        form = t.form
        table = document.add_table(rows=form.n_rows, cols=form.n_cols)
        table.style = "Table Grid"
        # the <w:tc> of every grid position before any merge: table.cell() walks the whole table per call
        tcs = [list(tr.tc_lst) for tr in table._tbl.tr_lst]
        for c in form.cells:
            cell = _Cell(tcs[c.row][c.col], table)
            if c.rowspan > 1 or c.colspan > 1:
                cell = cell.merge(_Cell(tcs[c.row + c.rowspan - 1][c.col + c.colspan - 1], table))
            cell.text = t.text(c)
    for x in closing(report):
        document.add_paragraph(x)
    buf = io.BytesIO()
    document.save(buf)
    return _fixed_times(buf.getvalue())


def _fixed_times(data: bytes) -> bytes:
    """Every zip entry dated 1980-01-01 (python-docx stamps the clock): same report, same bytes."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, (1980, 1, 1, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(entry, src.read(info.filename))
    return out.getvalue()


def render_docx(report: Report) -> Rendered:
    return docx_bytes(report), ".docx"


def render_docx_boxed(report: Report) -> Rendered:
    """The Word file with the whole report inside one cell of a box table (its tables nested in it)."""
    import docx
    from docx.oxml.ns import qn

    document = docx.Document(io.BytesIO(docx_bytes(report)))
    body = document.element.body
    content = [c for c in body.iterchildren() if c.tag != qn("w:sectPr")]
    cell = document.add_table(rows=1, cols=1)._tbl.tr_lst[0].tc_lst[0]
    last = cell.p_lst[-1]  # a Word cell ends with a paragraph
    for child in content:
        last.addprevious(child)
    buf = io.BytesIO()
    document.save(buf)
    return _fixed_times(buf.getvalue()), ".docx"


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def render_pdf(report: Report) -> Rendered:
    """LibreOffice's PDF of the Word file (``soffice --headless --convert-to pdf``)."""
    office = soffice()
    if office is None:
        raise RuntimeError("LibreOffice (soffice) is not installed")
    with tempfile.TemporaryDirectory(prefix="zoo_lo_") as tmp:
        src = Path(tmp) / "report.docx"
        src.write_bytes(docx_bytes(report))
        profile = Path(tmp) / "profile"
        cmd = [office, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
               "--convert-to", "pdf", "--outdir", tmp, str(src)]  # fmt: skip
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=300, check=False)
        out = Path(tmp) / "report.pdf"
        if not out.is_file():
            raise RuntimeError("LibreOffice made no PDF")
        return out.read_bytes(), ".pdf"


# --- text layouts ----------------------------------------------------------------------------


def grid_texts(t: Filled) -> list[list[str]]:
    """Every grid position: a cell's text at its top-left, empty where a merge covers it."""
    out = [[""] * t.form.n_cols for _ in range(t.form.n_rows)]
    for c in t.form.cells:
        out[c.row][c.col] = t.text(c)
    return out


def word_rows(t: Filled) -> list[list[str]]:
    """Cells as Word has them (``<w:tc>``): a column merge is one cell, a row merge an empty cell below."""
    rows: list[list[str]] = []
    owner = t.form.owner()
    for r, line in enumerate(owner):
        row = []
        k = 0
        while k < len(line):
            c = line[k]
            row.append(t.text(c) if c.row == r else "")
            k += c.colspan
        rows.append(row)
    return rows


def html_rows(t: Filled) -> list[list[str]]:
    """Cells as HTML has them (``<td>``): a merged cell once, nothing where it reaches."""
    return [[t.text(c) for c in row] for row in t.form.rows()]


def pipes_grid(t: Filled) -> list[str]:
    """``a | b | c`` with every grid position, merged-over ones empty."""
    return [" | ".join(row) for row in grid_texts(t)]


def pipes_word(t: Filled) -> list[str]:
    """``a | b | c |`` per Word cell, row-merged ones empty (``| | 2.其他法律…``), as in tests/data/43_*."""
    return [" | ".join(row) + " |" for row in word_rows(t)]


def markdown(t: Filled) -> list[str]:
    rows = grid_texts(t)
    line = ["| " + " | ".join(r) + " |" for r in rows]
    return [line[0], "|" + "---|" * t.form.n_cols, *line[1:]]


def tabs(t: Filled) -> list[str]:
    """Rows as a browser copies a table: its ``<td>`` cells joined by tabs, spans ignored."""
    return ["\t".join(row) for row in html_rows(t)]


def _cells(t: Filled) -> list[str]:
    return [x for row in html_rows(t) for x in row]


def cell_per_line(t: Filled) -> list[str]:
    """One ``<td>`` per line (an empty cell an empty line), no row marks."""
    return _cells(t)


def lone_pipes(t: Filled) -> list[str]:
    """One cell per line and a lone ``|`` line between cells (none on the cell's own line)."""
    out: list[str] = []
    for i, x in enumerate(_cells(t)):
        if i:
            out.append("|")
        out.append(x)
    return out


def cell_bar(t: Filled) -> list[str]:
    """``cell |`` lines, an empty cell a bare ``|`` (examples/004_*)."""
    return [f"{x} |" if x else "|" for x in _cells(t)]


def blank_lines(t: Filled) -> list[str]:
    """Cells separated by blank lines (tests/data/08_*); an empty cell is one more empty line."""
    out: list[str] = []
    for x in _cells(t):
        out += [x, ""]
    return out


def width(s: str) -> int:
    """Display width: CJK and full-width characters take two columns (as pdftotext lays them out)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WFA" else 1 for ch in s)


def chars(s: str) -> int:
    """Width in characters: what ``pdftotext -layout`` really aligns by (tests/data/huaian_*.pdftotext-layout.txt)."""
    return len(s)


GAP = 4


def _column_widths(
    cells: Sequence[tuple[Cell, Sequence[str]]], n_cols: int, measure: Callable[[str], int]
) -> list[int]:
    """Widths that fit every cell's text (a spanning cell widens the last column it spans)."""
    widths = [1] * n_cols
    for c, parts in sorted(cells, key=lambda x: x[0].colspan):
        need = max((measure(p) for p in parts), default=0)
        have = sum(widths[c.col : c.col + c.colspan]) + GAP * (c.colspan - 1)
        if need > have:
            widths[c.col + c.colspan - 1] += need - have
    return widths


def _layout(t: Filled, wrap: bool, measure: Callable[[str], int] = width) -> list[str]:
    """Space-aligned columns as ``pdftotext -layout`` writes them: a row-merged label on its middle row.

    Columns are padded to ``measure`` (display width, or characters as pdftotext really
    counts).  With ``wrap``, each label column is half as wide as its longest label (at least
    :data:`WRAP` columns) and longer labels break over two lines, as a narrow cell of a PDF
    breaks them; values stay on the row's first line.
    """
    form = t.form
    room: dict[int, int] = {}
    for c in form.cells:
        if c.slot is None and c.colspan == 1:
            room[c.col] = max(room.get(c.col, WRAP), (measure(c.text) + 1) // 2)
    pieces: list[tuple[Cell, list[str]]] = []
    for c in form.cells:
        text = t.text(c)
        limit = (
            room.get(c.col, WRAP) if c.colspan == 1 else sum(room.get(k, WRAP) for k in range(c.col, c.col + c.colspan))
        )
        if wrap and c.slot is None and measure(text) > limit:
            cut = max(i for i in range(1, len(text)) if measure(text[:i]) <= limit)
            pieces.append((c, [text[:cut], text[cut:]]))
        else:
            pieces.append((c, [text]))
    widths = _column_widths(pieces, form.n_cols, measure)
    starts = [sum(widths[:k]) + GAP * k for k in range(form.n_cols)]
    height = [max((len(p) for c, p in pieces if c.row == r and c.rowspan == 1), default=1) for r in range(form.n_rows)]
    first = [sum(height[:r]) for r in range(form.n_rows)]
    lines: list[dict[int, str]] = [{} for _ in range(sum(height))]
    for c, parts in pieces:
        row = c.row + (c.rowspan - 1) // 2  # vertically centred, as in a PDF
        for i, p in enumerate(parts):
            if p:
                lines[first[row] + i][starts[c.col]] = p
    out = []
    for i, line in enumerate(lines):
        text = ""
        for start in sorted(line):
            text += " " * max(GAP if text else 0, start - measure(text))  # never run two cells together
            text += line[start]
        out.append(text.rstrip())
        if i + 1 in first or i + 1 == len(lines):
            out.append("")  # pdftotext leaves a blank line between table rows
    return out


def layout(t: Filled) -> list[str]:
    """Columns padded by display width (CJK = 2), as a monospace view lines them up."""
    return _layout(t, False)


def pdftotext(t: Filled) -> list[str]:
    """Columns padded by character count, as ``pdftotext -layout`` output really is."""
    return _layout(t, False, chars)


WRAP = 16  # display columns a label column keeps at least


def wrapped(t: Filled) -> list[str]:
    """Long labels broken over two lines (values on the first), columns padded by display width."""
    return _layout(t, True)


# --- the zoo ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Layout:
    name: str
    render: Callable[[Report], Rendered]
    available: Callable[[], str | None] = lambda: None  # None, or why it cannot run here


def _text_layout(table_lines: Callable[[Filled], list[str]]) -> Callable[[Report], Rendered]:
    def render(report: Report) -> Rendered:
        return _text_report(report, table_lines)

    return render


def office_missing() -> str | None:
    """Why LibreOffice cannot make a PDF of a Chinese report here, or None.

    Without a CJK font its PDFs map every ideograph to one substitute glyph: no text to read.
    """
    if not soffice():
        return "LibreOffice (soffice) is not installed"
    fonts = shutil.which("fc-list")
    listed = subprocess.run([fonts, ":lang=zh"], capture_output=True, text=True, check=False).stdout if fonts else ""
    return None if listed.strip() else "no CJK font for LibreOffice (fc-list :lang=zh lists none)"


LAYOUTS: dict[str, Layout] = {
    lay.name: lay
    for lay in (
        Layout("html", render_html),
        Layout("html_boxed", render_html_boxed),
        Layout("html_in_txt", render_html_in_txt),
        Layout("html_in_script", render_html_in_script),
        Layout("docx", render_docx),
        Layout("docx_boxed", render_docx_boxed),
        Layout("pdf", render_pdf, office_missing),
        Layout("pipes_grid", _text_layout(pipes_grid)),
        Layout("pipes_word", _text_layout(pipes_word)),
        Layout("markdown", _text_layout(markdown)),
        Layout("tabs", _text_layout(tabs)),
        Layout("cell_per_line", _text_layout(cell_per_line)),
        Layout("lone_pipes", _text_layout(lone_pipes)),
        Layout("cell_bar", _text_layout(cell_bar)),
        Layout("blank_lines", _text_layout(blank_lines)),
        Layout("layout", _text_layout(layout)),
        Layout("pdftotext", _text_layout(pdftotext)),
        Layout("wrapped", _text_layout(wrapped)),
    )
}


# ============================================================================ the check


KINDS = ("wrong", "blank", "ungrounded", "stray", "missing")  # failure kinds, the worst first


@dataclass
class Score:
    """One layout x form: counts over the examples run, and failures by kind, in words.

    Kinds: ``wrong`` a value, key, unit or text that the cell does not hold; ``blank`` a value
    from a blank cell; ``ungrounded`` ``raw[start:end] != text``; ``stray`` a section or narrative
    span made of table cells (counted on the report's first table); ``missing`` a value not found.
    """

    examples: int = 0
    expected: int = 0  # values the cells hold
    recovered: int = 0  # of those, back exactly under their key from the table
    table_stats: int = 0  # statistics with source "table" for this form's keys (or none)
    correct: int = 0  # of those, a value the form holds under that key
    stats: int = 0  # every statistic of the report
    grounded: int = 0
    counts: dict[str, int] = field(default_factory=dict)  # failures by kind
    examples_of: dict[str, list[str]] = field(default_factory=dict)  # the first few of each kind

    def fail(self, kind: str, message: str, keep: int = 20) -> None:
        self.counts[kind] = self.counts.get(kind, 0) + 1
        shown = self.examples_of.setdefault(kind, [])
        if len(shown) < keep:
            shown.append(message)

    def add(self, other: Score, keep: int = 20) -> None:
        for name in ("examples", "expected", "recovered", "table_stats", "correct", "stats", "grounded"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for kind, n in other.counts.items():
            self.counts[kind] = self.counts.get(kind, 0) + n
            shown = self.examples_of.setdefault(kind, [])
            shown += other.examples_of.get(kind, [])[: max(0, keep - len(shown))]

    @property
    def failures(self) -> list[str]:
        """Failure messages, the worst kinds first."""
        return [m for kind in KINDS for m in self.examples_of.get(kind, [])]

    @property
    def recall(self) -> float:
        return self.recovered / self.expected if self.expected else 1.0

    @property
    def precision(self) -> float:
        return self.correct / self.table_stats if self.table_stats else 1.0

    @property
    def grounding(self) -> float:
        return self.grounded / self.stats if self.stats else 1.0

    @property
    def perfect(self) -> bool:
        return (
            self.recovered == self.expected
            and self.correct == self.table_stats
            and self.grounded == self.stats
            and not self.counts.get("stray")
        )


def _same(a: float, b: float) -> bool:
    return a == b and type(a) is not bool


def score(result: Any, report: Report) -> dict[str, Score]:
    """Compare an extraction (``nlp_extract.Result``) with what the report's tables hold, per form.

    A table statistic whose key no rendered form has is counted against the first table.
    """
    raw = result.source.text
    scores = {t.form.name: Score(examples=1) for t in report.tables}
    owner = {s.key: t for t in report.tables for s in t.form.slots}
    cell_text = {k: e.text for t in report.tables for k, e in t.entries.items()}
    by_key: dict[str, list[Any]] = {}
    for s in result.stats:
        by_key.setdefault(s.key, []).append(s)
    for s in result.stats:
        t = owner.get(s.key, report.tables[0])
        sc = scores[t.form.name]
        sc.stats += 1
        if raw[s.start : s.end] == s.text:
            sc.grounded += 1
        else:
            sc.fail(
                "ungrounded", f"{s.key}: not grounded: raw[{s.start}:{s.end}]={raw[s.start : s.end]!r} != {s.text!r}"
            )
        if s.source != "table":
            continue
        sc.table_stats += 1
        if s.key not in owner:
            sc.fail("wrong", f"{s.key}: not a key of {t.form.name}, got {s.value!r} from {s.text!r}")
            continue
        entry = t.entries[s.key]
        label = next(x.label for x in t.form.slots if x.key == s.key)
        if entry.value is None:
            sc.fail("blank", f"{s.key} [{label}]: cell is blank ({entry.text!r}), got {s.value!r} from {s.text!r}")
        elif not _same(s.value, entry.value):
            sc.fail(
                "wrong",
                f"{s.key} [{label}]: expected {entry.value!r} from {entry.text!r}, got {s.value!r} from {s.text!r}",
            )
        elif not s.text or not (s.text in cell_text[s.key] or cell_text[s.key] in s.text):
            sc.fail("wrong", f"{s.key} [{label}]: value {s.value!r} read from {s.text!r}, not the cell {entry.text!r}")
        elif entry.text.endswith("万元") or entry.text.endswith("元"):
            if s.unit != "万元":
                sc.fail("wrong", f"{s.key} [{label}]: unit {s.unit!r}, expected '万元' for {entry.text!r}")
            else:
                sc.correct += 1
        else:
            sc.correct += 1
    for t in report.tables:
        sc = scores[t.form.name]
        for slot in t.form.slots:
            entry = t.entries[slot.key]
            if entry.value is None:
                continue
            sc.expected += 1
            got = [s for s in by_key.get(slot.key, []) if s.source == "table"]
            if any(_same(s.value, entry.value) for s in got):
                sc.recovered += 1
            elif not got:
                other = by_key.get(slot.key)
                how = f"only a {other[0].source} value {other[0].value!r}" if other else "nothing"
                sc.fail(
                    "missing", f"{slot.key} [{slot.label}]: expected {entry.value!r} from {entry.text!r}, got {how}"
                )
    _score_narrative(result, report, scores[report.tables[0].form.name])
    return scores


def _score_narrative(result: Any, report: Report, sc: Score) -> None:
    """The tables give no section and no narrative span: sections are the report's own headings
    (its closing section, and captions that are the template's section titles), spans lie in its prose."""
    headings = {closing(report)[0], *(t.form.caption for t in report.tables)}
    prose = [title(report), intro(report), *closing(report)]
    for s in result.sections:
        if s.title.strip() not in headings:
            sc.fail("stray", f"a section from the tables: {s.title.strip()!r}")
    for p in result.spans:
        if not any(p.text.strip() in text for text in prose):
            sc.fail("stray", f"a {p.label} span from the tables: {p.text.strip()!r}")


def write(report: Report, layout: Layout, directory: Path, stem: str = "report") -> Path:
    data, suffix = layout.render(report)
    path = directory / f"{stem}{suffix}"
    path.write_bytes(data)
    return path


def run(extractor: Any, report: Report, layout: Layout, directory: Path) -> dict[str, Score]:
    """Render, write, extract with the real pipeline (``Extractor.extract_file``), score."""
    path = write(report, layout, directory, f"{layout.name}-{os.getpid()}")
    try:
        return score(extractor.extract_file(path), report)
    finally:
        path.unlink(missing_ok=True)
