"""Format parity: the same report as .txt, .html (UTF-8 and GBK), .docx and .pdf must give the same result.

    python benchmarks/format_parity.py [--formats html,html-gbk,docx,pdf,pdf-plain] [--keep DIR] [--json OUT]
                                       [REPORT.txt ...]

Target of issue 6: "the same report as .txt, .html, .docx and .pdf gives the same statistics,
and the same span labels on >= 95% of the narrative characters."

For every real report (``examples/*.txt``, ``tests/data/*.txt`` — 2,000-character cuts of
corpus reports, kept as reports of their own — and, when present, ``../shared/corpus/reports/*.txt``)
the script builds the report in the other formats the way users find them:

* ``html``: a government-CMS-like page — header, navigation, breadcrumb, title bar, share bar,
  previous/next links, related links and footer, scripts — around a ``<div class="TRS_Editor">``
  that holds one ``<p>`` per line (body text indented with ``&#12288;&#12288;`` inside styled
  ``<span>``s, headings as ``<p><strong>``) and the statistics tables as real ``<table>``
  elements with ``rowspan``/``colspan``;
* ``html-gbk``: the same page encoded in GBK with ``<meta charset="gbk">`` (characters GBK lacks
  as ``&#NNNN;``);
* ``docx``: python-docx, one paragraph per line in the layout of an official document
  (justified, first-line indent of two characters), tables as ruled Word tables with merged
  cells, a page-number field in the footer;
* ``pdf``: that .docx converted by LibreOffice (``soffice --headless --convert-to pdf``);
* ``pdf-plain``: LibreOffice's PDF of the same .docx with python-docx's default layout
  (left-aligned, no indent), as a web page pasted into Word gives: lines then end short of the
  margin wherever a line break is not allowed (``求,2012`` moves to the next line as a whole).

The PDF formats need LibreOffice (Debian: ``libreoffice-writer-nogui`` and a CJK font such as
``fonts-wqy-zenhei``); without it they are reported as not built.

Tables arrive in the .txt flattened in many ways (pipe rows, one cell per line ending ``|``,
tab-indented cells in blank-line-separated blocks, one cell per paragraph); they are turned
back into a grid where the layout allows it: rows from the source's own row separators, or
else from the label/value rhythm of the cells (a run of labels, then its values); merged
cells are rebuilt as a real page has them (a caption ``第二十条第（一）项`` spans the table;
``三、本年度办理结果`` spans the rows of its items, placed by the level of the items'
numbering).  Lines of a table region that do not form a grid stay paragraphs.

Each file is run through ``Extractor.extract_file`` (the public API) and compared with the
.txt result:

* statistics: the set of ``(key, value)`` pairs; per format the share of reports whose set is
  identical, and the micro precision/recall of the format's pairs against the txt's;
* span labels: the two texts are aligned character by character (``difflib.SequenceMatcher``
  over the texts with all white space removed); for the narrative characters of the .txt (the
  non-blank characters of its ``paragraph`` lines) the label of the span that covers them
  (``measure``/``shortcoming``/``plan`` or none) is compared with the label at the aligned
  character of the other format; a character missing from the other format counts as a
  disagreement.  Reported: agreement on the txt's labelled characters and on all its
  narrative characters (micro), and how many reports reach 95%.
"""

from __future__ import annotations

import argparse
import bisect
import contextlib
import difflib
import html
import itertools
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run from a checkout without installing

from nlp_extract.errors import InputError  # noqa: E402
from nlp_extract.normalise import normalise  # noqa: E402
from nlp_extract.pipeline import Doc, Extractor, make_doc  # noqa: E402
from nlp_extract.readers import read_document  # noqa: E402
from nlp_extract.structure import analyse  # noqa: E402

SOURCES = (ROOT / "examples", ROOT / "tests" / "data", ROOT.parent / "shared" / "corpus" / "reports")
FORMATS = ("html", "html-gbk", "docx", "pdf", "pdf-plain", "html-in-txt", "html-in-script")
TARGET = 0.95
SUFFIX = {
    "html": ".html",
    "html-gbk": ".gbk.html",
    "docx": ".docx",
    "docx-plain": ".plain.docx",
    "html-in-txt": ".markup.txt",
    "html-in-script": ".script.txt",
}
PDF_FROM = {"pdf": "docx", "pdf-plain": "docx-plain"}  # each PDF is LibreOffice's rendering of that .docx

# ----------------------------------------------------------------------------- the report as blocks


@dataclass
class Cell:
    """A table cell placed in the grid: top-left slot, spans, text."""

    row: int
    col: int
    text: str
    rowspan: int = 1
    colspan: int = 1


@dataclass
class Table:
    """A grid of ``n_rows`` x ``width`` slots, every slot covered by exactly one cell."""

    cells: list[Cell]
    n_rows: int
    width: int
    form: str | None = None  # the national form it is ("2021.三"), when built from one

    def rows(self) -> list[list[Cell]]:
        """Cells that start in each row, left to right (the HTML order)."""
        out: list[list[Cell]] = [[] for _ in range(self.n_rows)]
        for c in self.cells:
            out[c.row].append(c)
        return [sorted(r, key=lambda c: c.col) for r in out]


Block = str | Table  # a paragraph (one line of the report) or a table


_VALUE = re.compile(
    r"^(?:[-+]?\d[\d,，]*(?:\.\d+)?\s*(?:%|万元|元|件|条|个|人次|人|次|篇|项)?|[/／—\-－–~～]+|无|"
    r"条|件|个|人次|人|次|篇|万元|元|项|期|场|名|家|份)$"
)
_HEADER = re.compile(
    r"^(?:第二十条.*|信\s*息\s*内\s*容|统\s*计\s*指\s*标|单\s*位|统\s*计\s*数|.*勾稽.*|申请人情况|"
    r"自\s*然\s*人|法\s*人\s*或\s*其\s*他\s*组\s*织|总\s*计|商\s*业(?:\s*企\s*业)?|企\s*业|科\s*研(?:\s*机\s*构)?|机\s*构|"
    r"社\s*会\s*公\s*益\s*组\s*织|法\s*律\s*服\s*务\s*机\s*构|其\s*他|本年.{0,12}|.{0,10}数\s*量|.{0,8}件\s*数|"
    r".{0,6}金\s*额.{0,12}|上一年.{0,8}|行政复议|行政诉讼|结果维持|结果纠正|其他结果|尚未审结|未经复议直接起诉|"
    r"复议后起诉|现行有效.*|填报单位.*|.*统计表|[（(]\s*\d{4}\s*年度?\s*[)）])$"
)
_ROW_START = re.compile(r"^(?:第二十条|信\s*息\s*内\s*容|统\s*计\s*指\s*标|.*勾稽|自\s*然\s*人|商\s*业|行政复议)")
_STATS_TABLE = re.compile(r"信\s*息\s*内\s*容|勾稽|统\s*计\s*指\s*标|第二十条|申请人情况")
_CAPTION = re.compile(r"^(?:第二十条.*|.*统计表|[（(]\s*\d{4}\s*年度?\s*[)）])$")
_LEVELS = (
    (re.compile(r"^[一二三四五六七八九十]{1,3}\s*[、.．]"), 0),
    (re.compile(r"^[（(]\s*[一二三四五六七八九十]{1,3}\s*[)）]"), 1),
    (re.compile(r"^[（(]?\s*\d{1,2}\s*[、.．)）]"), 2),
)
_MARKDOWN_RULE = re.compile(r"^[\s|:-]*-{3,}[\s|:-]*$")


def _is_value(text: str) -> bool:
    return not text.strip(" \t\u3000\xa0") or bool(_VALUE.match(text.strip(" \t\u3000\xa0")))


def _level(label: str) -> int:
    return next((lvl for pat, lvl in _LEVELS if pat.match(label)), 0)


def report_blocks(raw: str, region: Callable[[int, int], list[Block] | None] | None = None) -> list[Block]:
    """The report as paragraphs and tables: table regions of the txt rebuilt as grids where possible.

    ``region(i, j)``, when given, may supply the blocks of the table region of lines ``i:j`` itself
    (None: rebuild it from its lines).
    """
    lines = raw.split("\n")
    kinds = line_kinds(raw)
    # a short line the structure step left out between table lines ("商业" between header cells) is a cell too
    for k, kind in enumerate(kinds):
        if kind == "paragraph" and _short(lines[k]) and _more_table(kinds, k + 1) and _more_table(kinds, k, -1):
            kinds[k] = "table"
    blocks: list[Block] = []
    i = 0
    while i < len(lines):
        if kinds[i] == "table" and not _prose(lines[i]):
            j = i
            while j < len(lines) and (
                (kinds[j] == "table" and not _prose(lines[j])) or (kinds[j] == "blank" and _more_table(kinds, j))
            ):
                j += 1
            given = region(i, j) if region is not None else None
            blocks.extend(given if given is not None else _table_blocks(lines[i:j]))
            i = j
            continue
        text = lines[i].strip()
        if text:
            blocks.append(text)
        i += 1
    return blocks


def line_kinds(raw: str) -> list[str]:
    """The structure step's kind of each line of ``raw`` (a line it cut into pieces: ``table`` if any piece is)."""
    text = normalise(raw).text
    if text.count("\n") != raw.count("\n"):  # normalisation never removes a newline; be safe all the same
        text = raw
    starts = [0] + [m.end() for m in re.finditer("\n", text)]
    pieces: list[list[str]] = [[] for _ in starts]
    for ln in analyse(text):
        pieces[bisect.bisect_right(starts, ln.start) - 1].append(ln.kind)
    kinds = []
    for ks in pieces:
        real = [k for k in ks if k != "blank"]
        kinds.append("table" if "table" in real else real[0] if real else "blank")
    return kinds


def _prose(line: str) -> bool:
    """A long narrative line that the structure step put in a table region (a layout table's cell)."""
    text = line.strip().strip("|").strip()
    return len(text) > 80 and bool(re.search(r"[。！？；]", text))


def _short(line: str) -> bool:
    text = line.strip()
    return 0 < len(text) <= 20 and not re.search(r"[。！？；，,：:]", text)


def _more_table(kinds: Sequence[str], j: int, step: int = 1) -> bool:
    """The next non-blank line from ``j`` on (``step=-1``: before ``j``) is a table line."""
    k = j if step > 0 else j - 1
    while 0 <= k < len(kinds) and kinds[k] == "blank":
        k += step
    return 0 <= k < len(kinds) and kinds[k] == "table"


@dataclass
class _Token:
    kind: str  # "cell", "row", "bars", "blank"
    cells: list[str] = field(default_factory=list)
    line: str = ""


def _tokens(lines: Sequence[str]) -> list[_Token]:
    out = []
    for line in lines:
        s = line.strip(" \r\n\u3000\xa0")
        if not s.strip():
            # a tab-indented empty line inside a block of tab-indented cells is an empty cell
            out.append(_Token("cell", [""], line) if "\t" in line else _Token("blank", [], line))
            continue
        s = s.strip()
        if not s.strip("|｜ \t"):
            out.append(_Token("bars", [], line))
        elif "|" in s:
            parts = [p.strip(" \t\u3000\xa0") for p in s.split("|")]
            if s.startswith("|"):
                parts = parts[1:]
            if s.endswith("|"):
                parts = parts[:-1]
            if len(parts) == 1:
                out.append(_Token("cell", parts, line))
            else:
                out.append(_Token("row", parts, line))
        elif "\t" in s:
            out.append(_Token("row", [p.strip() for p in s.split("\t")], line))
        else:
            out.append(_Token("cell", [s], line))
    return out


def _groups(tokens: Sequence[_Token], sep: str) -> list[list[str]]:
    groups: list[list[str]] = [[]]
    for t in tokens:
        if t.kind == sep:
            if groups[-1]:
                groups.append([])
        elif t.kind == "cell":
            groups[-1].append(t.cells[0])
        elif t.kind == "bars":
            groups[-1].append("")
    return [g for g in groups if g]


def _table_blocks(lines: Sequence[str]) -> list[Block]:
    """One table region of the txt -> a grid (or its lines as paragraphs when no grid can be found)."""
    tokens = [t for t in _tokens(lines) if not _MARKDOWN_RULE.match(t.line)]
    while tokens and tokens[0].kind in ("blank", "bars"):
        tokens.pop(0)
    while tokens and tokens[-1].kind in ("blank", "bars"):
        tokens.pop()
    if not tokens:
        return []
    logical: list[tuple[str, list[str], list[str]]]  # (kind, labels, values); kind header | data | plain
    if any(t.kind == "row" for t in tokens):
        rows = [t.cells for t in tokens if t.kind == "row" or (t.kind == "cell" and t.cells[0])]
        if not any(_STATS_TABLE.search(c) for row in rows for c in row):  # a metadata box (索引号 | …): as it is
            return [_grid([("plain", row, []) for row in rows])]
        # a statistics table: leading empty cells stand for label cells merged from the row above (rowspan)
        logical = []
        for row in rows:
            k = 0
            while k < len(row) - 1 and not row[k]:
                k += 1
            logical.extend(_label_value_rows(row[k:], wrapped=False))
        return [_grid(logical, explicit=True)]
    blank_groups = _groups(tokens, "blank")
    bar_groups = _groups(tokens, "bars")
    bar_lines = [k for k, t in enumerate(tokens) if t.kind == "bars"]
    if len(blank_groups) > 1 and any(len(g) >= 2 for g in blank_groups):
        groups = blank_groups  # seed 001: one row per blank-line-separated block
    elif (
        len(bar_lines) >= 2
        and all(b - a > 1 for a, b in itertools.pairwise(bar_lines))
        and max(len(g) for g in bar_groups) <= 12
    ):
        groups = [[c for c in g if c] for g in _groups([t for t in tokens if t.kind != "blank"], "bars")]
    else:  # one cell per line: rows from the label/value rhythm (bare bars are empty cells)
        groups = [[c for t in tokens if t.kind in ("cell", "bars") for c in (t.cells or [""])]]
    logical = [row for g in groups for row in _label_value_rows(g)]
    if sum(len(v) for kind, _, v in logical if kind == "data") < 2:  # no values at all: not a grid
        return [c for t in tokens if t.kind == "cell" for c in t.cells if c]
    return [_grid(logical)]


def _label_value_rows(cells: Sequence[str], wrapped: bool = True) -> list[tuple[str, list[str], list[str]]]:
    """Runs of labels, each followed by its values; leading header cells become header rows.

    ``wrapped``: label lines without an outline number continue the label before them (one cell
    per line); in a pipe row every cell is its own.
    """
    out: list[tuple[str, list[str], list[str]]] = []
    i = 0
    while i < len(cells):
        labels: list[str] = []
        while i < len(cells) and not _is_value(cells[i]):
            labels.append(cells[i])
            i += 1
        values: list[str] = []
        while i < len(cells) and _is_value(cells[i]):
            values.append(cells[i].strip(" \t\u3000\xa0"))
            i += 1
        while values and not values[-1]:
            values.pop()  # trailing empty cells: the grid pads rows to its width anyway
        head = 0
        while head < len(labels) and _HEADER.match(labels[head]):
            head += 1
        if head == len(labels) and labels and values:
            head -= 1  # the last label is the row's own label
        header, row = labels[:head], (_join_wrapped(labels[head:]) if wrapped else labels[head:])
        current: list[str] = []
        for h in header:
            if current and (_ROW_START.match(h) or _CAPTION.match(current[-1])):
                out.append(("header", current, []))
                current = []
            current.append(h)
        if current:
            out.append(("header", current, []))
        if row or values:
            if not row:
                row = [""]
            if len(row) > 3:  # more labels than a template has label columns: all but the last stand alone
                out.extend(("header", [x], []) for x in row[:-3])
                row = row[-3:]
            out.append(("data", row, values))
    return out


def _join_wrapped(labels: Sequence[str]) -> list[str]:
    """Label lines that continue the previous one (no outline number of their own) are one cell."""
    out: list[str] = []
    for lab in labels:
        if out and not any(p.match(lab) for p, _ in _LEVELS) and not lab.startswith("其中"):
            out[-1] += "\n" + lab
        else:
            out.append(lab)
    return out


def _grid(logical: Sequence[tuple[str, list[str], list[str]]], explicit: bool = False) -> Table:
    """Place logical rows in a grid: captions span the width, label cells span down by outline level.

    ``explicit``: the source gave every value cell (pipe rows); otherwise a table-3 row with fewer
    than seven values lost its empty cells, and its last value is the total.
    """
    logical = list(logical)
    t3 = _table3_header(logical)
    if t3 is not None and t3 + 3 < len(logical):
        kind, extra, _ = logical[t3 + 3]
        if kind == "header" and len(extra) <= 5 and all(len(c) <= 2 for c in extra):  # "企业 | 机构": wrapped
            h3 = _five(logical[t3 + 2][1])
            h3 = [c + ("\n" + extra[k] if k < len(extra) else "") for k, c in enumerate(h3)]
            logical[t3 + 2 : t3 + 4] = [("header", h3, [])]
    data = [(lab, val) for kind, lab, val in logical if kind == "data"]
    # label columns: the most labels a row has, or more where a row's first label is a deeper outline
    # level than the row's label count shows ("（三）不予公开 | 1.属于国家秘密" sits under "三、本年度办理结果")
    depth = max([len(lab) for lab, _ in data] + [_level(lab[0]) + len(lab) for lab, _ in data if len(lab) > 1] + [1])
    n_values = max((len(val) for _, val in data), default=0)
    if t3 is not None:
        n_values = max(n_values, 7)
    heads = [len(lab) for k, (kind, lab, _) in enumerate(logical) if kind != "data" and not (t3 and t3 <= k < t3 + 3)]
    width = max([depth + n_values, *heads, 1])
    cells: list[Cell] = []
    owner: dict[tuple[int, int], Cell] = {}

    def place(cell: Cell) -> None:
        cells.append(cell)
        for r in range(cell.row, cell.row + cell.rowspan):
            for c in range(cell.col, cell.col + cell.colspan):
                owner[(r, c)] = cell

    r = 0
    for k, (kind, labels, values) in enumerate(logical):
        if t3 is not None and t3 <= k < t3 + 3:
            _place_table3_header(place, r, k - t3, labels, depth)
        elif kind == "plain":
            texts = list(labels)
            if len(texts) > 1 and texts[0] and not any(texts[1:]):
                place(Cell(r, 0, texts[0], colspan=width))  # a caption row: "第二十条第（一）项 | |||"
            else:
                for c, t in enumerate(texts):
                    place(Cell(r, c, t))
                if len(texts) == 1:
                    owner_cell = cells[-1]
                    owner_cell.colspan = width
                else:
                    for c in range(len(texts), width):
                        place(Cell(r, c, ""))
        elif kind == "header":
            for c, t in enumerate(labels):
                last = c == len(labels) - 1
                place(Cell(r, c, t, colspan=width - c if last else 1))
        else:
            n = len(labels)
            start = min(_level(labels[0]), depth - n) if n < depth else 0
            above = [owner.get((r - 1, c)) for c in range(start)]
            if start and all(
                a is not None and a.col + a.colspan <= start and a.row + a.rowspan == r and a.col < depth for a in above
            ):
                for a in {id(a): a for a in above if a is not None}.values():
                    a.rowspan += 1
                    for c in range(a.col, a.col + a.colspan):
                        owner[(r, c)] = a
            else:
                start = 0
            for k, t in enumerate(labels):
                col = start + k
                span = depth - col if k == n - 1 else 1
                place(Cell(r, col, t, colspan=span))
            if t3 is not None and not explicit and 0 < len(values) < 7:
                # the scraper dropped the empty cells: the last value is the total
                values = [*values[:-1], *[""] * (7 - len(values)), values[-1]]
            for j in range(n_values):
                place(Cell(r, depth + j, values[j] if j < len(values) else ""))
            for c in range(depth + n_values, width):
                place(Cell(r, c, ""))
        r += 1
    return Table(cells, r, width)


def _table3_header(logical: Sequence[tuple[str, list[str], list[str]]]) -> int | None:
    """Index of the three header rows of the 2019/2021 table 3 (勾稽… 申请人情况 / 自然人 … / 商业企业 …)."""
    for k in range(len(logical) - 2):
        (k1, h1, _), (k2, h2, _), (k3, h3, _) = logical[k : k + 3]
        if (k1, k2, k3) != ("header", "header", "header") or not any("勾稽" in c for c in h1):
            continue
        if len(h2) == 3 and re.match(r"自\s*然\s*人", h2[0]) and len(_five(h3)) == 5:
            return k
    return None


def _five(cells: Sequence[str]) -> list[str]:
    """The five 法人或其他组织 columns; cells a line wrap split ("商业", "企业") joined back."""
    out = list(cells)
    while len(out) > 5:
        k = next((k for k in range(len(out) - 1) if len(out[k]) <= 2 and len(out[k + 1]) <= 2), None)
        if k is None:
            break
        out[k : k + 2] = [out[k] + "\n" + out[k + 1]]
    return out


def _place_table3_header(place: Any, r: int, which: int, labels: Sequence[str], depth: int) -> None:
    """The header of table 3 as the national template draws it (rowspans and colspans included)."""
    if which == 0:
        place(Cell(r, 0, labels[0], rowspan=3, colspan=depth))
        rest = list(labels[1:]) or [""]
        for j, t in enumerate(rest):
            place(Cell(r, depth + j, t, colspan=7 - j if j == len(rest) - 1 else 1))
    elif which == 1:
        place(Cell(r, depth, labels[0], rowspan=2))
        place(Cell(r, depth + 1, labels[1], colspan=5))
        place(Cell(r, depth + 6, labels[2], rowspan=2))
    else:
        for j, t in enumerate(_five(labels)):
            place(Cell(r, depth + 1 + j, t))


def report_title(blocks: Sequence[Block]) -> str:
    for b in blocks[:10]:
        if isinstance(b, str) and len(b) < 80 and re.search(r"报告|報告|年报|年報", b):
            return b.strip("| ")
    return "政府信息公开工作年度报告"


# ----------------------------------------------------------------------------- HTML


_PAGE = """<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta http-equiv="X-UA-Compatible" content="IE=edge">
<meta charset="{charset}">
<title>{title}_政务公开_人民政府门户网站</title>
<link rel="stylesheet" href="/css/style.css">
<script src="/js/jquery.min.js"></script>
<style>.TRS_Editor p {{ text-indent: 2em; line-height: 1.8; }}</style>
</head>
<body>
<div class="header">
  <div class="top"><span>今天是：<script>document.write(new Date().toLocaleDateString());</script></span>
    <a href="/">无障碍浏览</a> <a href="/">长者模式</a> <a href="/">English</a></div>
  <div class="search"><input type="text" value="请输入关键字"><button>搜索</button></div>
</div>
<div class="nav"><ul>
  <li><a href="/">首页</a></li><li><a href="/zwgk/">政务公开</a></li><li><a href="/zwfw/">政务服务</a></li>
  <li><a href="/hdjl/">互动交流</a></li><li><a href="/zjxx/">走进本地</a></li>
</ul></div>
<div class="position">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a> &gt;
  <a href="/zwgk/ndbg/">政府信息公开年度报告</a></div>
<div class="main">
  <div class="article">
    <h1 class="title">{title}</h1>
    <div class="info">信息来源：本网 【字体：<a href="#">大</a> <a href="#">中</a> <a href="#">小</a>】
      <a href="javascript:window.print()">【打印】</a></div>
    <div class="TRS_Editor">
{body}
    </div>
    <div class="share bdsharebuttonbox">分享到：<a href="#">微信</a> <a href="#">微博</a> <a href="#">QQ空间</a></div>
    <div class="pre-next"><p>上一篇：<a href="#">关于做好政务公开工作的通知</a></p>
      <p>下一篇：<a href="#">政府信息公开指南</a></p></div>
  </div>
  <div class="related"><h3>相关链接</h3><ul><li><a href="#">政府信息公开目录</a></li>
    <li><a href="#">依申请公开</a></li></ul></div>
</div>
<div class="footer">
  <p><a href="#">网站地图</a> | <a href="#">联系我们</a> | <a href="#">隐私声明</a></p>
  <p>主办单位：人民政府办公室 版权所有 网站标识码：1100000000 ICP备00000000号</p>
</div>
<script>var _hmt = _hmt || [];</script>
</body>
</html>
"""


def table_html(table: Table, sep: str = "\n") -> str:
    """The table as a CMS editor writes it: ``rowspan``/``colspan``, a cell's lines as ``<p>``; ``sep`` between rows."""
    rows = []
    for row in table.rows():
        tds = []
        for c in row:
            span = (f' rowspan="{c.rowspan}"' if c.rowspan > 1 else "") + (
                f' colspan="{c.colspan}"' if c.colspan > 1 else ""
            )
            paras = "".join(f'<p align="center">{html.escape(t)}</p>' for t in c.text.split("\n"))
            tds.append(f'<td{span} valign="center">{paras}</td>')
        rows.append("<tr>" + "".join(tds) + "</tr>")
    body = sep.join(rows)
    head = '<table border="1" cellspacing="0" cellpadding="0" width="100%">'
    return f"{head}{sep}<tbody>{sep}{body}{sep}</tbody>{sep}</table>"


_HEADING_LINE = re.compile(
    r"^(?:[一二三四五六七八九十]{1,3}[、.．]|[（(][一二三四五六七八九十\d]{1,2}[)）]|第[一二三四五六七八九十]+[部分章])"
)


def _is_heading_line(text: str) -> bool:
    return len(text) <= 40 and bool(_HEADING_LINE.match(text)) and not re.search(r"[。；]", text[:-1])


def paragraph_html(text: str) -> str:
    """A CMS editor's paragraph: indented body text in styled spans, headings in bold."""
    if _is_heading_line(text):
        return f'<p style="text-indent: 2em;"><strong><span>{html.escape(text)}</span></strong></p>'
    return (
        '<p style="text-indent: 2em; line-height: 2em;"><span style="font-family: 仿宋_GB2312; font-size: 16pt;">'
        f"&#12288;&#12288;{html.escape(text)}</span></p>"
    )


def build_html(blocks: Sequence[Block], *, charset: str = "utf-8") -> bytes:
    """A CMS page around the report; ``charset="gbk"`` encodes it in GBK (unmappable characters as &#NN;)."""
    parts = []
    for b in blocks:
        parts.append(table_html(b) if isinstance(b, Table) else paragraph_html(b))
    page = _PAGE.format(charset=charset, title=html.escape(report_title(blocks)), body="\n".join(parts))
    return page.encode("gbk" if charset == "gbk" else "utf-8", errors="xmlcharrefreplace")


def build_markup_text(blocks: Sequence[Block], *, script: bool = False) -> bytes:
    """A .txt as a crawler that kept the page source writes it: one line per paragraph, each table's markup.

    ``script``: the markup sits in a page script's string literal (``var html = '<table>…';``), as
    pages that draw their tables with ``document.write`` have it; otherwise one line of ``<table>`` source.
    """
    lines = []
    for b in blocks:
        if isinstance(b, str):
            lines.append(b)
        elif script:
            lines += [f"var html = '{table_html(b, sep='')}';", "document.write(html);"]
        else:
            lines.append(table_html(b, sep=""))
    return ("\n".join(lines) + "\n").encode("utf-8")


# ----------------------------------------------------------------------------- DOCX and PDF


def build_docx(blocks: Sequence[Block], path: Path, *, official: bool = True) -> None:
    """One Word paragraph per line, each table a Word table ("Table Grid": ruled) with its merges.

    ``official``: the layout of an official document (两端对齐, first-line indent of two characters);
    otherwise python-docx's defaults (left-aligned, no indent), as a page pasted into Word gets.
    Either way the footer carries a page number "- N -" (a field), as official documents do.
    """
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls, qn
    from docx.shared import Pt

    document = docx.Document()
    normal = document.styles["Normal"]
    normal.font.name = "SimSun"
    normal.font.size = Pt(10.5)
    rpr = normal.element.get_or_add_rPr()
    rpr.get_or_add_rFonts().set(qn("w:eastAsia"), "SimSun")
    footer = document.sections[0].footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.add_run("- ")
    footer._p.append(parse_xml(f'<w:fldSimple {nsdecls("w")} w:instr="PAGE"><w:r><w:t>1</w:t></w:r></w:fldSimple>'))
    footer.add_run(" -")
    for b in blocks:
        if isinstance(b, str):
            para = document.add_paragraph(b)
            if official:
                para.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
                if not _is_heading_line(b):
                    para.paragraph_format.first_line_indent = Pt(21)
            continue
        add_word_table(document, b)
    document.save(str(path))


def add_word_table(document: Any, b: Table) -> None:
    """A ruled Word table ("Table Grid") with the grid's merges: ``w:gridSpan`` across, ``w:vMerge`` down."""
    from docx.table import _Cell

    t = document.add_table(rows=b.n_rows, cols=b.width)
    t.style = document.styles["Table Grid"]
    tcs = [list(tr.tc_lst) for tr in t._tbl.tr_lst]  # every grid position's <w:tc> before any merge
    for c in b.cells:
        cell = _Cell(tcs[c.row][c.col], t)
        if c.rowspan > 1 or c.colspan > 1:
            cell = cell.merge(_Cell(tcs[c.row + c.rowspan - 1][c.col + c.colspan - 1], t))
        lines = c.text.split("\n")
        cell.text = lines[0]
        for extra in lines[1:]:
            cell.add_paragraph(extra)


def build_files(blocks: Sequence[Block], stem: Path, formats: Iterable[str]) -> dict[str, Path]:
    """Write the report in every non-PDF format the requested formats need; returns the paths by format."""
    need = set(formats) | {PDF_FROM[f] for f in formats if f in PDF_FROM}
    out: dict[str, Path] = {}
    for fmt in ("html", "html-gbk", "docx", "docx-plain", "html-in-txt", "html-in-script"):
        if fmt not in need:
            continue
        out[fmt] = Path(str(stem) + SUFFIX[fmt])
        if fmt in ("html", "html-gbk"):
            out[fmt].write_bytes(build_html(blocks, charset="gbk" if fmt == "html-gbk" else "utf-8"))
        elif fmt.startswith("html-in"):
            out[fmt].write_bytes(build_markup_text(blocks, script=fmt == "html-in-script"))
        else:
            build_docx(blocks, out[fmt], official=fmt == "docx")
    return out


def add_pdfs(built: Iterable[dict[str, Path]], formats: Iterable[str], outdir: Path) -> None:
    """Convert the .docx files the PDF formats need, in one LibreOffice run, and record the PDFs made."""
    built = list(built)
    wanted = [(b, pdf, b[src]) for b in built for pdf, src in PDF_FROM.items() if pdf in formats and src in b]
    made = build_pdfs([d for _, _, d in wanted], outdir)
    for b, pdf, docx_path in wanted:
        if docx_path in made:
            b[pdf] = made[docx_path]


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def build_pdfs(docx_paths: Sequence[Path], outdir: Path, timeout: float = 600.0) -> dict[Path, Path]:
    """Convert .docx files to PDF with LibreOffice in one run; returns the PDFs made, keyed by source."""
    office = soffice()
    if office is None or not docx_paths:
        return {}
    outdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="parity_lo_") as profile:
        cmd = [office, f"-env:UserInstallation={Path(profile).as_uri()}", "--headless", "--norestore",
               "--convert-to", "pdf", "--outdir", str(outdir), *map(str, docx_paths)]  # fmt: skip
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(OSError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    out = {}
    for p in docx_paths:
        pdf = outdir / (p.stem + ".pdf")
        if pdf.is_file():
            out[p] = pdf
    return out


# ----------------------------------------------------------------------------- comparison


@dataclass
class Extracted:
    doc: Doc
    labels: list[str | None]  # per raw character
    pairs: set[tuple[str, float]]


def extract(extractor: Extractor, path: Path) -> Extracted:
    """What ``Extractor.extract_file`` does, keeping the Doc (for the txt's narrative lines)."""
    document = read_document(path)
    doc = extractor.run(make_doc(document.text, path=str(path), encoding=document.encoding, fmt=document.format))
    labels: list[str | None] = [None] * len(doc.source.text)
    for s in doc.spans:
        labels[s.start : s.end] = [s.label] * (s.end - s.start)
    pairs = {(s.key, round(float(s.value), 6)) for s in doc.stats}
    return Extracted(doc, labels, pairs)


def narrative_mask(doc: Doc) -> list[bool]:
    """Raw characters of the txt's paragraph lines (not headings, tables, chrome or titles), non-blank."""
    raw = doc.source.text
    mask = [False] * len(raw)
    for ln in doc.lines:
        if ln.kind == "paragraph" and ln.end > ln.start:
            a, b = doc.norm.to_raw(ln.start, ln.end)
            for k in range(a, b):
                mask[k] = not raw[k].isspace()
    return mask


@dataclass
class Comparison:
    report: str
    fmt: str
    error: str | None = None
    txt_pairs: int = 0
    fmt_pairs: int = 0
    table_pairs: int = 0  # the format's statistics read from tables
    common_pairs: int = 0
    missing: list[tuple[str, float]] = field(default_factory=list)
    extra: list[tuple[str, float]] = field(default_factory=list)
    narrative: int = 0
    narrative_same: int = 0
    labelled: int = 0
    labelled_same: int = 0
    aligned: int = 0

    @property
    def stats_identical(self) -> bool:
        return self.error is None and not self.missing and not self.extra

    @property
    def agreement(self) -> float:
        return self.narrative_same / self.narrative if self.narrative else 1.0

    @property
    def labelled_agreement(self) -> float:
        return self.labelled_same / self.labelled if self.labelled else 1.0


def _visible(text: str) -> tuple[str, list[int]]:
    idx = [k for k, ch in enumerate(text) if not ch.isspace()]
    return "".join(text[k] for k in idx), idx


def compare(report: str, fmt: str, base: Extracted, other: Extracted | None, error: str | None = None) -> Comparison:
    cmp = Comparison(report, fmt, error)
    mask = narrative_mask(base.doc)
    cmp.narrative = sum(mask)
    cmp.labelled = sum(1 for k, m in enumerate(mask) if m and base.labels[k] is not None)
    cmp.txt_pairs = len(base.pairs)
    if other is None:
        cmp.missing = sorted(base.pairs)
        return cmp
    cmp.fmt_pairs = len(other.pairs)
    cmp.table_pairs = sum(1 for s in other.doc.stats if s.source == "table")
    cmp.common_pairs = len(base.pairs & other.pairs)
    cmp.missing = sorted(base.pairs - other.pairs)
    cmp.extra = sorted(other.pairs - base.pairs)
    a, ia = _visible(base.doc.source.text)
    b, ib = _visible(other.doc.source.text)
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for block in matcher.get_matching_blocks():
        for k in range(block.size):
            i, j = ia[block.a + k], ib[block.b + k]
            if not mask[i]:
                continue
            cmp.aligned += 1
            if base.labels[i] == other.labels[j]:
                cmp.narrative_same += 1
                if base.labels[i] is not None:
                    cmp.labelled_same += 1
    return cmp


def parity(
    txt: Path, formats: Iterable[str], workdir: Path, extractor: Extractor, base: Extracted | None = None
) -> list[Comparison]:
    """Build ``txt`` in each format under ``workdir``, extract each, compare with the txt."""
    formats = list(formats)
    base = base or extract(extractor, txt)
    built = build_files(report_blocks(base.doc.source.text), workdir / txt.stem, formats)
    add_pdfs([built], formats, workdir / "pdf")
    return [compare_file(txt.name, fmt, base, built.get(fmt), extractor) for fmt in formats]


def compare_file(name: str, fmt: str, base: Extracted, path: Path | None, extractor: Extractor) -> Comparison:
    if path is None:
        return compare(name, fmt, base, None, "not built (no converter)")
    try:
        other = extract(extractor, path)
    except InputError as e:
        return compare(name, fmt, base, None, str(e))
    return compare(name, fmt, base, other)


# ----------------------------------------------------------------------------- report


def default_reports() -> list[Path]:
    return [p for d in SOURCES if d.is_dir() for p in sorted(d.glob("*.txt")) if "pdftotext" not in p.name]


def summarise(results: Sequence[Comparison], fmt: str, subset: str = "all") -> dict[str, Any]:
    rs = [c for c in results if c.fmt == fmt]
    n = len(rs)
    txt_pairs = sum(c.txt_pairs for c in rs)
    fmt_pairs = sum(c.fmt_pairs for c in rs)
    common = sum(c.common_pairs for c in rs)
    narrative = sum(c.narrative for c in rs)
    labelled = sum(c.labelled for c in rs)
    return {
        "format": fmt,
        "subset": subset,
        "reports": n,
        "errors": sum(1 for c in rs if c.error),
        "stats_identical": sum(c.stats_identical for c in rs) / n if n else 0.0,
        "stats_precision": common / fmt_pairs if fmt_pairs else 1.0,
        "stats_recall": common / txt_pairs if txt_pairs else 1.0,
        "pairs_txt": txt_pairs,
        "pairs_fmt": fmt_pairs,
        "label_agreement_labelled": sum(c.labelled_same for c in rs) / labelled if labelled else 1.0,
        "label_agreement_narrative": sum(c.narrative_same for c in rs) / narrative if narrative else 1.0,
        "aligned_narrative": sum(c.aligned for c in rs) / narrative if narrative else 1.0,
        "reports_at_target": sum(1 for c in rs if c.agreement >= TARGET),
        "min_agreement": min((c.agreement for c in rs), default=1.0),
    }


def print_table(rows: Sequence[dict[str, Any]]) -> None:
    head = (
        f"{'format':14} {'subset':12} {'reports':>7} {'err':>3} {'stats =':>8} {'stats P':>8} {'stats R':>8} "
        f"{'pairs':>11} {'lab(lbl)':>8} {'lab(all)':>8} {'aligned':>8} {'>=95%':>7} {'min':>6}"
    )
    print(head)
    print("-" * len(head))
    for r in rows:
        print(
            f"{r['format']:14} {r['subset']:12} {r['reports']:7d} {r['errors']:3d} {r['stats_identical']:8.1%} "
            f"{r['stats_precision']:8.1%} {r['stats_recall']:8.1%} {r['pairs_fmt']:5d}/{r['pairs_txt']:<5d} "
            f"{r['label_agreement_labelled']:8.1%} {r['label_agreement_narrative']:8.1%} "
            f"{r['aligned_narrative']:8.1%} {r['reports_at_target']:3d}/{r['reports']:<3d} {r['min_agreement']:6.1%}"
        )


def print_failures(results: Sequence[Comparison]) -> None:
    bad = [c for c in results if c.error or not c.stats_identical or c.agreement < TARGET]
    if not bad:
        print("\nno failures")
        return
    print("\nfailures (stats differ, label agreement < 95%, or no output):")
    for c in sorted(bad, key=lambda c: (c.fmt, c.report)):
        parts = []
        if c.error:
            parts.append(f"error: {c.error}")
        if c.missing and not c.error:
            parts.append(f"missing {len(c.missing)}: {_pairs(c.missing)}")
        if c.extra:
            parts.append(f"extra {len(c.extra)}: {_pairs(c.extra)}")
        if c.agreement < TARGET:
            parts.append(f"labels {c.agreement:.1%} (labelled {c.labelled_agreement:.1%}, {c.narrative} chars)")
        print(f"  {c.fmt:14} {c.report:50} " + "; ".join(parts))


def _pairs(pairs: Sequence[tuple[str, float]], limit: int = 4) -> str:
    shown = ", ".join(f"{k}={v:g}" for k, v in pairs[:limit])
    return shown + (" …" if len(pairs) > limit else "")


# ----------------------------------------------------------------------------- one complete report, every format

COMPLETE = ROOT / "tests" / "data" / "huaian_city_2024.pdf"  # a real report: PDF with ruled tables, 2021 form
TEMPLATE_DOCX = ROOT / "tests" / "data" / "template-2021.docx"  # the blank official form (国办公开办函〔2021〕30号)
COMPLETE_FORMATS = ("txt", "html", "html-gbk", "docx", "docx-form", "pdf", "html-in-txt", "html-in-script")
OFFICIAL_TABLES = ("2021.二", "2021.三", "2021.四")  # the tables of TEMPLATE_DOCX, in order


def _zoo() -> Any:
    """The national forms as grids with their merges (``tests/zoo.py``, checked against the official form)."""
    from tests import zoo

    return zoo


def form_table(form: Any, texts: dict[str, str]) -> Table:
    """A national form as a grid with its official merges; value slots hold ``texts`` by key (else empty)."""
    cells = [
        Cell(c.row, c.col, texts.get(c.slot.key, "") if c.slot is not None else c.text, c.rowspan, c.colspan)
        for c in form.cells
    ]
    return Table(cells, form.n_rows, form.n_cols, form.name)


def complete_blocks(base: Extracted) -> list[Block]:
    """The real report as blocks: its own lines, each table region replaced by the official forms it fills.

    A form goes to the table region holding the first of its values the source gave; each value
    slot holds the source cell's exact text (``Statistic.text``), so every format carries the
    same cells as the source, in the national form's grid with its merges.
    """
    zoo = _zoo()
    raw = base.doc.source.text
    cells = {s.key: s for s in base.doc.stats if s.source == "table"}
    template = base.doc.meta.template
    forms = [f for f in zoo.FORMS.values() if f.template == template and any(s.key in cells for s in f.slots)]
    line_starts = [0]
    for line in raw.split("\n"):
        line_starts.append(line_starts[-1] + len(line) + 1)
    placed: dict[int, list[Any]] = {}
    for form in forms:
        first = min(cells[s.key].start for s in form.slots if s.key in cells)
        line = max(k for k, a in enumerate(line_starts) if a <= first)
        placed.setdefault(line, []).append(form)
    texts = {k: s.text for k, s in cells.items()}

    def region(i: int, j: int) -> list[Block] | None:
        here = [f for line, fs in sorted(placed.items()) if i <= line < j for f in fs]
        if here:
            return [form_table(f, texts) for f in here]
        if any(line_starts[i] <= s.start < line_starts[j] for s in cells.values()):
            return []  # the rest of a form already placed above
        return None

    return report_blocks(raw, region)


def text_table_rows(table: Table) -> list[str]:
    """Pipe rows as text from Word gives them: a merged cell once, an empty cell where a row merge reaches."""
    owner: dict[tuple[int, int], Cell] = {
        (r, k): c for c in table.cells for r in range(c.row, c.row + c.rowspan) for k in range(c.col, c.col + c.colspan)
    }
    rows = []
    for r in range(table.n_rows):
        out, k = [], 0
        while k < table.width:
            c = owner[(r, k)]
            out.append(c.text.replace("\n", "") if c.row == r else "")
            k = c.col + c.colspan
        rows.append(" | ".join(out) + " |")
    return rows


def build_text(blocks: Sequence[Block]) -> bytes:
    """The report as a plain .txt: one line per paragraph, tables as pipe rows (tests/data/43_* has this layout)."""
    lines: list[str] = []
    for b in blocks:
        lines += [b] if isinstance(b, str) else text_table_rows(b)
    return ("\n".join(lines) + "\n").encode("utf-8")


def build_form_docx(blocks: Sequence[Block], path: Path, template: Path = TEMPLATE_DOCX) -> None:
    """The blank official form filled in: its paragraphs replaced by the report's, its own tables filled.

    Each table of the form keeps Word's XML as the form has it (``w:gridSpan``, ``w:vMerge``,
    widths, borders, fonts); its empty value cells get the report's values at their grid
    positions.  Tables that are not among the official ones are added as ruled Word tables.
    """
    import copy

    import docx
    from docx.oxml.ns import qn

    document = docx.Document(str(template))
    body = document.element.body
    official = {name: tbl for name, tbl in zip(OFFICIAL_TABLES, body.iterchildren(qn("w:tbl")), strict=False)}
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)
    for b in blocks:
        if isinstance(b, str):
            document.add_paragraph(b)
        elif b.form in official:
            tbl = copy.deepcopy(official[b.form])
            _fill_word_table(tbl, b)
            body.insert(len(body) - 1, tbl)  # before the section properties
            document.add_paragraph("")
        else:
            add_word_table(document, b)
    document.save(str(path))


def _fill_word_table(tbl: Any, table: Table) -> None:
    """Write each grid cell's text into the ``w:tc`` that starts at its grid position, where the form has none."""
    from docx.oxml.ns import qn

    by_position = {(c.row, c.col): c for c in table.cells}
    for r, tr in enumerate(tbl.iterchildren(qn("w:tr"))):
        before = tr.find(f"{qn('w:trPr')}/{qn('w:gridBefore')}")
        col = int(before.get(qn("w:val"))) if before is not None else 0
        for tc in tr.iterchildren(qn("w:tc")):
            span = tc.find(f"{qn('w:tcPr')}/{qn('w:gridSpan')}")
            cell = by_position.get((r, col))
            if cell is not None and cell.text and not "".join(tc.itertext()).strip(" \u3000\xa0\t"):
                _set_word_cell(tc, cell.text)
            col += int(span.get(qn("w:val"))) if span is not None else 1


def _set_word_cell(tc: Any, text: str) -> None:
    """The cell's first paragraph (its properties and run format kept) holds ``text``; other paragraphs go."""
    import copy

    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    paragraphs = tc.findall(qn("w:p"))
    for p in paragraphs[1:]:
        tc.remove(p)
    p = paragraphs[0]
    runs = p.findall(qn("w:r"))
    rpr = runs[0].find(qn("w:rPr")) if runs else None
    for run in runs:
        p.remove(run)
    run = OxmlElement("w:r")
    if rpr is not None:
        run.append(copy.deepcopy(rpr))
    t = OxmlElement("w:t")
    t.text = text
    t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    run.append(t)
    p.append(run)


def build_complete(source: Path, base: Extracted, workdir: Path, formats: Sequence[str]) -> dict[str, Path]:
    """The report in every format: the source itself (for ``pdf``, when it is one), the rest built from its blocks.

    Without a PDF source, ``pdf`` is LibreOffice's rendering of the filled-in official form.
    """
    blocks = complete_blocks(base)
    stem = workdir / source.stem
    out: dict[str, Path] = {}
    builders: dict[str, tuple[str, Callable[[Path], None]]] = {
        "txt": (".txt", lambda p: p.write_bytes(build_text(blocks))),
        "html": (".html", lambda p: p.write_bytes(build_html(blocks))),
        "html-gbk": (".gbk.html", lambda p: p.write_bytes(build_html(blocks, charset="gbk"))),
        "docx": (".docx", lambda p: build_docx(blocks, p)),
        "docx-form": (".form.docx", lambda p: build_form_docx(blocks, p)),
        "html-in-txt": (".markup.txt", lambda p: p.write_bytes(build_markup_text(blocks))),
        "html-in-script": (".script.txt", lambda p: p.write_bytes(build_markup_text(blocks, script=True))),
    }
    for fmt in formats:
        if fmt in builders:
            suffix, build = builders[fmt]
            out[fmt] = Path(str(stem) + suffix)
            build(out[fmt])
    if "pdf" in formats:
        if source.suffix.lower() == ".pdf":
            out["pdf"] = source
        elif "docx-form" in out:
            made = build_pdfs([out["docx-form"]], workdir / "pdf")
            if out["docx-form"] in made:
                out["pdf"] = made[out["docx-form"]]
    return out


def complete_parity(
    source: Path, extractor: Extractor, workdir: Path, formats: Sequence[str] = COMPLETE_FORMATS
) -> tuple[Extracted, dict[str, Path], list[Comparison]]:
    """Every format of one complete report compared with the source file's own result."""
    base = extract(extractor, source)
    files = build_complete(source, base, workdir, formats)
    results = [compare_file(source.name, fmt, base, files.get(fmt), extractor) for fmt in formats]
    return base, files, results


def print_complete(source: Path, base: Extracted, files: dict[str, Path], results: Sequence[Comparison]) -> None:
    """Per format: its file, statistics (all / from tables), and how they differ from the source's."""
    n_table = sum(1 for s in base.doc.stats if s.source == "table")
    print(f"one complete report: {source} ({base.doc.source.format}, template {base.doc.meta.template})")
    print(f"source: {len(base.pairs)} statistics ({n_table} from tables)\n")
    head = (
        f"{'format':15} {'file':28} {'stats':>6} {'table':>6} {'= src':>6} {'missing':>8} {'extra':>6} {'lab(all)':>9}"
    )
    print(head)
    print("-" * len(head))
    for c in results:
        path = files.get(c.fmt)
        name = path.name if path is not None else "-"
        if c.error:
            print(f"{c.fmt:15} {name[-28:]:28} {c.error}")
            continue
        print(
            f"{c.fmt:15} {name[-28:]:28} {c.fmt_pairs:6d} {c.table_pairs:6d} {'yes' if c.stats_identical else 'NO':>6} "
            f"{len(c.missing):8d} {len(c.extra):6d} {c.agreement:9.1%}"
        )
    built = [c for c in results if not c.error]
    same = all(c.stats_identical for c in built)
    verdict = "yes" if same else "NO"
    print(f"\n{len(built)}/{len(results)} formats built; statistics identical across all of them: {verdict}")
    for c in built:
        if c.missing or c.extra:
            print(f"  {c.fmt}: missing {_pairs(c.missing, 8)}; extra {_pairs(c.extra, 8)}")


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("reports", nargs="*", type=Path, help="txt reports (default: examples, tests/data, corpus)")
    ap.add_argument("--formats", default=",".join(FORMATS), help="comma-separated subset of " + ",".join(FORMATS))
    ap.add_argument("--keep", type=Path, help="write the built files here (default: a temporary directory)")
    ap.add_argument("--json", type=Path, help="write per-report results and the summary as JSON")
    ap.add_argument(
        "--complete",
        nargs="?",
        type=Path,
        const=COMPLETE,
        help=f"one complete real report (default {COMPLETE.relative_to(ROOT)}) in every format of "
        f"{','.join(COMPLETE_FORMATS)}, each compared with the source file",
    )
    args = ap.parse_args(argv)
    if args.complete is not None:
        return main_complete(args.complete, args.keep, args.json)
    formats = [f for f in args.formats.split(",") if f]
    unknown = set(formats) - set(FORMATS)
    if unknown:
        ap.error(f"unknown formats: {sorted(unknown)}")
    if any(f in PDF_FROM for f in formats) and soffice() is None:
        print("pdf: LibreOffice (soffice) not found; PDF rows show every report as not built", file=sys.stderr)
    reports = args.reports or default_reports()
    extractor = Extractor.load()
    t0 = time.perf_counter()
    with contextlib.ExitStack() as stack:
        workdir = args.keep or Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="parity_")))
        workdir.mkdir(parents=True, exist_ok=True)
        bases = {p: extract(extractor, p) for p in reports}
        built = {
            p: build_files(report_blocks(b.doc.source.text), workdir / f"{p.parent.name}__{p.stem}", formats)
            for p, b in bases.items()
        }
        add_pdfs(built.values(), formats, workdir / "pdf")
        results = [
            compare_file(f"{p.parent.name}/{p.name}", fmt, bases[p], built[p].get(fmt), extractor)
            for p in reports
            for fmt in formats
        ]
    elapsed = time.perf_counter() - t0
    with_tables = {
        f"{p.parent.name}/{p.name}" for p, b in bases.items() if any(s.source == "table" for s in b.doc.stats)
    }
    rows = []
    for fmt in formats:
        rows.append(summarise(results, fmt))
        if with_tables:
            rows.append(summarise([c for c in results if c.report in with_tables], fmt, "table stats"))
    print(f"format parity over {len(reports)} reports ({len(with_tables)} with table statistics), {elapsed:.0f} s\n")
    print_table(rows)
    print(
        "\nstats = : reports whose (key, value) set equals the txt's;  stats P/R: micro over (key, value) pairs;\n"
        "lab(lbl): the txt's labelled narrative characters with the same label in the format;  lab(all): all the\n"
        "txt's narrative characters (label or none);  aligned: narrative characters found in the format's text;\n"
        ">=95%: reports with lab(all) >= 95%;  min: the lowest report's lab(all)."
    )
    print_failures(results)
    if args.json:
        args.json.write_text(
            json.dumps(
                {"summary": rows, "reports": [c.__dict__ | {"agreement": c.agreement} for c in results]},
                ensure_ascii=False,
                indent=1,
            ),
            encoding="utf-8",
        )
    return 0


def main_complete(source: Path, keep: Path | None, json_out: Path | None) -> int:
    """``--complete``: one real report in every format; exit 1 unless all give the source's statistics."""
    extractor = Extractor.load()
    with contextlib.ExitStack() as stack:
        workdir = keep or Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="parity_complete_")))
        workdir.mkdir(parents=True, exist_ok=True)
        base, files, results = complete_parity(source, extractor, workdir)
        print_complete(source, base, files, results)
    if json_out:
        json_out.write_text(
            json.dumps([c.__dict__ | {"agreement": c.agreement} for c in results], ensure_ascii=False, indent=1),
            encoding="utf-8",
        )
    return 0 if all(c.stats_identical for c in results if not c.error) else 1


if __name__ == "__main__":
    raise SystemExit(main())
