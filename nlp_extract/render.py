"""A self-contained HTML review page for one result (``nlp-extract render``).

People judging extractions would rather look than read JSON: the page shows the raw text
with spans coloured by label (score and heading path on hover), headings marked, the
statistics table whose rows jump to each value's source characters, and the checks.
Everything is inline (CSS, JS, no fonts or scripts from elsewhere; a CSP forbids loads),
so the page works offline and can be mailed around.  All text is ``html.escape``d.

Ranges may overlap (a statistic inside a span, a check across a span edge), so the text
markup is built from a sorted boundary list: an element that has to close while a later
one is still open is split, and only its first fragment carries the ``id``; every
fragment carries ``data-ref`` so the page can highlight all of them.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from html import escape
from pathlib import Path
from typing import Any

from .schema import LABELS, Result

#: Background colours of the labels (also used by the legend).
COLOURS: dict[str, str] = {"measure": "#c9f2c7", "shortcoming": "#ffd1d1", "plan": "#cfe2ff"}

# Nesting rank for ranges with the same start and end: lower is outer.  A statistic is
# innermost, so its anchor wraps exactly its own characters.
_RANK = {"heading": 0, "span": 1, "check": 2, "stat": 3}


@dataclass(frozen=True)
class _Mark:
    """One range of the text to wrap in an element."""

    start: int
    end: int
    kind: str
    ref: str  # element id of the first fragment; data-ref of all
    classes: str
    title: str


def _attr(value: object) -> str:
    return escape(str(value), quote=True)


def _open(mark: _Mark, first: bool) -> str:
    ident = f' id="{_attr(mark.ref)}"' if first else ""
    cont = "" if first else " cont"
    return (
        f'<span{ident} class="{_attr(mark.classes)}{cont}" data-ref="{_attr(mark.ref)}"'
        f' data-start="{mark.start}" data-end="{mark.end}" title="{_attr(mark.title)}">'
    )


def _marks(result: Result) -> list[_Mark]:
    """All ranges to mark (``markup`` clamps them to the text)."""
    marks = [
        _Mark(s.heading_start, s.heading_end, "heading", f"sec-{s.id}", f"heading h{s.level}", f"H{s.level}")
        for s in result.sections
    ]
    for sp in result.spans:
        path = " › ".join(sp.heading_path) or "(before the first heading)"
        title = f"{sp.label} · score {sp.score:.3f}\n{path}"
        marks.append(_Mark(sp.start, sp.end, "span", f"span-{sp.id}", f"lab lab-{sp.label}", title))
    for i, c in enumerate(result.checks):
        for j, off in enumerate(c.offsets):
            if len(off) == 2:
                title = f"{c.rule}: {c.message}"
                marks.append(_Mark(off[0], off[1], "check", f"chk-{i}-{j}", f"chk sev-{c.severity}", title))
    for i, st in enumerate(result.stats):
        unit = f" {st.unit}" if st.unit else ""
        label = f" {st.label}" if st.label else ""
        title = f"{st.key}{label} = {'≈' if st.approx else ''}{st.value}{unit} ({st.source})"
        marks.append(_Mark(st.start, st.end, "stat", f"stat-{i}", "stat", title))
    return marks


def markup(text: str, marks: Sequence[_Mark]) -> str:
    """Escaped ``text`` with every mark wrapped in a ``<span>``; always well nested.

    Marks are clamped to the text; those left empty are dropped (no element, no id).
    """
    n = len(text)
    marks = [replace(m, start=max(0, m.start), end=min(n, m.end)) for m in marks]
    marks = [m for m in marks if m.start < m.end]
    starts: dict[int, list[int]] = defaultdict(list)
    ends: dict[int, list[int]] = defaultdict(list)
    for k, m in enumerate(marks):
        starts[m.start].append(k)
        ends[m.end].append(k)
    out: list[str] = []
    stack: list[int] = []
    prev = 0
    for pos in sorted(starts.keys() | ends.keys()):
        out.append(escape(text[prev:pos], quote=False))
        prev = pos
        closing = set(ends.get(pos, ()))
        reopen: list[int] = []
        while closing & set(stack):
            top = stack.pop()
            out.append("</span>")
            if top in closing:
                closing.discard(top)
            else:
                reopen.append(top)
        # Longer ranges outside shorter ones; continuations of split elements compete like new ones.
        opening = [(k, False) for k in reopen] + [(k, True) for k in starts.get(pos, ())]
        opening.sort(key=lambda item: (-marks[item[0]].end, _RANK[marks[item[0]].kind], item[0]))
        for k, first in opening:
            out.append(_open(marks[k], first))
            stack.append(k)
    out.append(escape(text[prev:], quote=False))
    return "".join(out)


def _visible(offsets: Sequence[int], n: int) -> bool:
    """Whether a range keeps any characters once clamped to the text (so its anchor exists)."""
    return len(offsets) == 2 and max(0, offsets[0]) < min(n, offsets[1])


def _number(value: float | int) -> str:
    return f"{value:,}" if isinstance(value, int) else f"{value:,.2f}".rstrip("0").rstrip(".")


def _stats_table(result: Result) -> str:
    if not result.stats:
        return '<p class="empty">No statistics extracted.</p>'
    n = len(result.text)
    rows = []
    for i, s in enumerate(result.stats):
        linked = _visible([s.start, s.end], n)
        shown = escape(s.text) or "(source)"
        source = f'<a href="#stat-{i}">{shown}</a>' if linked else shown
        rows.append(
            f'<tr id="row-stat-{i}"><td class="num">{i}</td><td><code>{escape(s.key)}</code></td>'
            f"<td>{escape(s.label or '')}</td>"
            f'<td class="num">{"≈" if s.approx else ""}{escape(_number(s.value))}</td>'
            f"<td>{escape(s.unit or '')}</td><td>{escape(s.source)}</td><td>{source}</td></tr>"
        )
    head = (
        "<tr><th>#</th><th>key</th><th>form label</th><th>value</th><th>unit</th><th>from</th><th>source text</th></tr>"
    )
    return f'<table class="stats"><thead>{head}</thead><tbody>{"".join(rows)}</tbody></table>'


def _checks_list(result: Result) -> str:
    if not result.checks:
        return '<p class="empty">No checks raised.</p>'
    n = len(result.text)
    first_stat: dict[str, int] = {}
    for i, s in enumerate(result.stats):
        if _visible([s.start, s.end], n):
            first_stat.setdefault(s.key, i)
    items = []
    for i, c in enumerate(result.checks):
        keys = " ".join(
            f'<a href="#stat-{first_stat[k]}"><code>{escape(k)}</code></a>'
            if k in first_stat
            else f"<code>{escape(k)}</code>"
            for k in c.keys
        )
        where = " ".join(f'<a href="#chk-{i}-{j}">@{off[0]}</a>' for j, off in enumerate(c.offsets) if _visible(off, n))
        extra = (f' <span class="keys">{keys}</span>' if keys else "") + (
            f' <span class="where">{where}</span>' if where else ""
        )
        items.append(
            f'<li class="sev-{_attr(c.severity)}"><span class="sev">{escape(c.severity)}</span> '
            f"<code>{escape(c.rule)}</code> {escape(c.message)}{extra}</li>"
        )
    return f'<ul class="checks">{"".join(items)}</ul>'


def _outline(result: Result) -> str:
    if not result.sections:
        return '<p class="empty">No headings found.</p>'
    items = [
        f'<li class="lvl{min(s.level, 6)}"><a href="#sec-{_attr(s.id)}">{escape(s.title)}</a></li>'
        for s in result.sections
    ]
    return f'<ul class="outline">{"".join(items)}</ul>'


def _legend(result: Result) -> str:
    counts = Counter(sp.label for sp in result.spans)
    items = [
        f'<label><input type="checkbox" checked data-label="{label}"> '
        f'<span class="lab lab-{label}">{label}</span> <span class="count">{counts[label]}</span></label>'
        for label in LABELS
    ]
    items.append('<span class="lgd-stat"><span class="stat">123</span> statistic</span>')
    items.append('<span class="lgd-head"><span class="heading">heading</span></span>')
    return f'<div class="legend">{"".join(items)}</div>'


_LABEL_CSS = "".join(f".lab-{label} {{ background: {colour}; }}\n" for label, colour in COLOURS.items())
_CSS = """
:root { --panel: 30rem; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.6 "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei",
  "WenQuanYi Micro Hei", system-ui, sans-serif; color: #1d2329; background: #fafbfc; }
header { padding: .8rem 1.2rem; background: #24303c; color: #fff; }
header h1 { margin: 0 0 .2rem; font-size: 1.2rem; }
header .meta { font-size: .85rem; opacity: .85; }
.layout { display: grid; grid-template-columns: minmax(0, 1fr) var(--panel); gap: 1rem; padding: 1rem 1.2rem; }
.text { white-space: pre-wrap; overflow-wrap: anywhere; background: #fff; border: 1px solid #dde2e6;
  border-radius: 6px; padding: 1rem 1.2rem; line-height: 1.9; }
aside { position: sticky; top: 0; align-self: start; max-height: 100vh; overflow: auto; padding-bottom: 1rem; }
aside h2 { font-size: 1rem; margin: 1rem 0 .4rem; }
.legend { display: flex; flex-wrap: wrap; gap: .4rem .9rem; align-items: center; font-size: .9rem;
  position: sticky; top: 0; background: #fafbfc; padding: .5rem 0; z-index: 2; }
.legend .count { color: #5c6670; }
.lab { border-radius: 3px; padding: 1px 0; }
.text .lab:hover { outline: 1px solid #5c6670; }
body.hide-measure .text .lab-measure, body.hide-shortcoming .text .lab-shortcoming,
body.hide-plan .text .lab-plan { background: transparent; }
.heading { font-weight: 700; color: #0b4f8a; border-bottom: 2px solid #9cc3e6; }
.heading.h1 { font-size: 1.08em; }
.stat { border-bottom: 2px dotted #d9480f; font-weight: 600; }
.stat.flash, .stat:target { background: #ffe066; outline: 2px solid #e8590c; border-radius: 2px;
  animation: flash 1.2s ease-out 2; }
@keyframes flash { 50% { background: #ffa94d; } }
.chk { text-decoration: underline wavy #c92a2a; text-underline-offset: 3px; }
.chk.sev-info { text-decoration-color: #868e96; }
.chk.flash, .chk:target { background: #ffe3e3; }
.lab.flash { outline: 2px solid #364fc7; }
table.stats { border-collapse: collapse; width: 100%; font-size: .82rem; background: #fff; }
table.stats th, table.stats td { border: 1px solid #dde2e6; padding: 2px 5px; text-align: left; vertical-align: top; }
table.stats td.num { text-align: right; font-variant-numeric: tabular-nums; }
table.stats tr:target { background: #fff3bf; }
code { font-size: .85em; word-break: break-all; }
ul.outline, ul.checks { padding-left: 0; list-style: none; margin: 0; font-size: .85rem; }
ul.outline li { padding: 1px 0; }
ul.outline .lvl2 { padding-left: 1em; } ul.outline .lvl3 { padding-left: 2em; }
ul.outline .lvl4, ul.outline .lvl5, ul.outline .lvl6 { padding-left: 3em; }
ul.checks li { margin: .3rem 0; padding: .3rem .4rem; border-left: 3px solid #868e96; background: #fff; }
ul.checks li.sev-warning { border-color: #f59f00; } ul.checks li.sev-error { border-color: #c92a2a; }
ul.checks .sev { font-weight: 700; text-transform: uppercase; font-size: .75rem; }
.empty { color: #5c6670; font-style: italic; font-size: .85rem; }
a { color: #1c64b4; }
@media (max-width: 60rem) { .layout { grid-template-columns: 1fr; } aside { position: static; max-height: none; } }
"""

# Follows #stat-N / #chk-… / #sec-… links: scroll the target into view and highlight all its
# fragments.  What happened is written to <body data-*> so a headless browser test can read it.
_JS = """
(function () {
  "use strict";
  var body = document.body;
  function fragments(id) {
    return document.querySelectorAll('[data-ref="' + (window.CSS && CSS.escape ? CSS.escape(id) : id) + '"]');
  }
  function record(target) {
    body.setAttribute("data-scroll-y", String(Math.round(window.scrollY)));
    body.setAttribute("data-viewport-height", String(window.innerHeight));
    body.setAttribute("data-target", target ? target.id : "");
    if (target) {
      var r = target.getBoundingClientRect();
      body.setAttribute("data-target-top", String(Math.round(r.top)));
      body.setAttribute("data-target-bottom", String(Math.round(r.bottom)));
    }
  }
  function follow() {
    var id = "";
    try { id = decodeURIComponent(location.hash.slice(1)); } catch (e) { id = location.hash.slice(1); }
    document.querySelectorAll(".flash").forEach(function (e) { e.classList.remove("flash"); });
    var target = id ? document.getElementById(id) : null;
    if (target) {
      fragments(id).forEach(function (e) { e.classList.add("flash"); });
      target.scrollIntoView({ block: "center", inline: "nearest" });
    }
    record(target);
  }
  function countShown() {
    ["measure", "shortcoming", "plan"].forEach(function (label) {
      var shown = 0;
      document.querySelectorAll("#text .lab-" + label + ":not(.cont)").forEach(function (e) {
        var bg = getComputedStyle(e).backgroundColor;
        if (e.getClientRects().length && bg !== "transparent" && bg !== "rgba(0, 0, 0, 0)") { shown++; }
      });
      body.setAttribute("data-shown-" + label, String(shown));
    });
  }
  document.querySelectorAll(".legend input[data-label]").forEach(function (box) {
    box.addEventListener("change", function () {
      body.classList.toggle("hide-" + box.getAttribute("data-label"), !box.checked);
      countShown();
    });
  });
  window.addEventListener("hashchange", follow);
  window.addEventListener("load", follow);
  countShown();
  follow();
  body.setAttribute("data-ready", "1");
})();
"""

_CSP = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:"


def render_html(result: Result) -> str:
    """The review page of ``result`` as one HTML string (UTF-8, nothing loaded from elsewhere)."""
    meta, source = result.meta, result.source
    heading = f"{meta.organization or '(unknown body)'} — {meta.year or '?'}"
    facts = [
        f"source: {source.path or '(text)'}",
        f"{source.format}, {source.encoding}",
        f"published: {meta.published or '—'}",
        f"template: {meta.template or '—'}",
        f"{len(result.spans)} spans, {len(result.sections)} sections, {len(result.stats)} statistics, "
        f"{len(result.checks)} checks",
    ]
    text = markup(result.text, _marks(result))
    return f"""<!DOCTYPE html>
<html lang="zh">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{_attr(_CSP)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="nlp_extract.render">
<title>{escape(heading)} · nlp_extract review</title>
<style>{_LABEL_CSS}{_CSS}</style>
</head>
<body>
<header><h1>{escape(heading)}</h1><div class="meta">{escape(" · ".join(facts))}</div></header>
<div class="layout">
<main>
{_legend(result)}
<div id="text" class="text" lang="zh">{text}</div>
</main>
<aside>
<h2>Statistics</h2>
{_stats_table(result)}
<h2>Checks</h2>
{_checks_list(result)}
<h2>Outline</h2>
{_outline(result)}
</aside>
</div>
<script>{_JS}</script>
</body>
</html>
"""


def cmd_render(args: argparse.Namespace) -> int:
    from .pipeline import Extractor

    page = render_html(Extractor.load(args.model).extract_file(args.file))
    if args.output:
        Path(args.output).write_text(page, encoding="utf-8")
    else:
        sys.stdout.write(page)
    return 0


def register(sub: Any) -> None:
    """Add ``render`` to the CLI's subparsers."""
    p = sub.add_parser("render", help="write a self-contained HTML review page of one report's extraction")
    p.add_argument("file", help="report: .txt (any encoding), .html, .docx, .pdf")
    p.add_argument("-o", "--output", help="write the page here instead of stdout")
    p.add_argument("--model", help="model directory (default: the shipped models/default)")
    p.set_defaults(handler=cmd_render)
