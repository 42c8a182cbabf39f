"""The review page: self-contained, escaped, well nested, and working in a real browser.

The statistics module may still return nothing for the samples, so the page is also
rendered from a result with statistics and a check added by hand (one value far down the
text so that following its link has to scroll, one inside a span, a check crossing a span
edge): the links are tested whatever the extractor finds.
"""

from __future__ import annotations

import argparse
import dataclasses
import re
import shutil
import subprocess
from collections import Counter, defaultdict
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nlp_extract.render import _Mark, markup, register, render_html
from nlp_extract.schema import LABELS, Check, Meta, Result, Section, Source, Span, Statistic

from .conftest import EXAMPLES

VOID = {"meta", "link", "br", "img", "input", "hr", "col", "area", "base", "embed", "source", "track", "wbr"}
URL_ATTRS = {"src", "href", "action", "formaction", "data", "poster", "srcset", "background", "xlink:href"}
CHROMIUM = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)


class Page(HTMLParser):
    """Parses a page: checks nesting, collects the text of every ``data-ref`` and of ``#text``."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, dict[str, str]]] = []
        self.errors: list[str] = []
        self.refs: dict[str, str] = defaultdict(str)
        self.classes: dict[str, set[str]] = defaultdict(set)
        self.titles: dict[str, str] = {}
        self.ids: Counter[str] = Counter()
        self.urls: list[str] = []
        self.text = ""
        self.body: dict[str, str] = {}
        self.inline_code = ""
        self.csp = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        self.urls += [v for k, v in a.items() if k in URL_ATTRS]
        if "id" in a:
            self.ids[a["id"]] += 1
        if tag == "body":
            self.body = a
        if tag == "meta" and a.get("http-equiv", "").lower() == "content-security-policy":
            self.csp = a.get("content", "")
        if "data-ref" in a:
            self.classes[a["data-ref"]].update(a.get("class", "").split())
            if "id" in a:
                self.titles[a["data-ref"]] = a.get("title", "")
        if tag not in VOID:
            self.stack.append((tag, a))

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        if not self.stack or self.stack[-1][0] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1][0] if self.stack else 'nothing'}")
            return
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        for tag, a in self.stack:
            if "data-ref" in a:
                self.refs[a["data-ref"]] += data
            if a.get("id") == "text":
                self.text += data
            if tag in ("style", "script"):
                self.inline_code += data


def parse(page: str) -> Page:
    p = Page()
    p.feed(page)
    p.close()
    assert not p.errors, p.errors[:5]
    assert [t for t, _ in p.stack] == [], "unclosed elements"
    return p


def with_statistics(result: Result) -> Result:
    """``result`` plus hand-made statistics and a check (after any real ones), all grounded in the text."""
    text = result.text
    numbers = list(re.finditer(r"\d+", text))
    assert numbers, "sample without digits"
    last = numbers[-1]
    stats = list(result.stats)
    stats.append(Statistic("requests.received", int(last.group()), "件", False, "table", *last.span(), last.group()))
    inside = next(
        (sp.start + m.start(), m.group()) for sp in result.spans for m in re.finditer(r"\d+", sp.text) if m.group()
    )
    start, digits = inside
    stats.append(Statistic("proactive.total", int(digits), "条", True, "text", start, start + len(digits), digits))
    sp = result.spans[len(result.spans) // 2]
    check = Check(
        "sum", "warning", "parts <do not> add up & more", ["requests.received"], [[sp.start - 2, sp.start + 3]]
    )
    return dataclasses.replace(result, stats=stats, checks=[*result.checks, check])


@pytest.fixture(scope="module")
def sample(extractor) -> Result:
    """The sample report with the most distinct labels (then the most spans)."""
    results = [extractor.extract_file(p) for p in EXAMPLES]
    best = max(results, key=lambda r: (len({s.label for s in r.spans}), len(r.spans)))
    return with_statistics(best)


@pytest.fixture(scope="module")
def page(sample: Result) -> str:
    return render_html(sample)


def test_page_loads_nothing_from_elsewhere(page: str) -> None:
    p = parse(page)
    assert p.urls and all(u.startswith("#") for u in p.urls), [u for u in p.urls if not u.startswith("#")][:5]
    code = p.inline_code.lower()
    for needle in ("http:", "https:", "//cdn", "@import", "url(", "@font-face", "fetch(", "xmlhttprequest"):
        assert needle not in code, needle
    assert "<link" not in page and "<img" not in page and "<iframe" not in page
    assert "default-src 'none'" in p.csp  # the CSP forbids loads even if something slipped in


def test_text_is_preserved_and_well_nested(page: str, sample: Result) -> None:
    p = parse(page)
    assert p.text == sample.text
    duplicated = [i for i, n in p.ids.items() if n > 1]
    assert not duplicated, duplicated


def test_spans_of_all_labels_with_classes_score_and_heading_path(page: str, sample: Result) -> None:
    p = parse(page)
    assert {sp.label for sp in sample.spans} == set(LABELS)
    for sp in sample.spans:
        ref = f"span-{sp.id}"
        assert p.ids[ref] == 1
        assert {"lab", f"lab-{sp.label}"} <= p.classes[ref]
        assert p.refs[ref] == sp.text
        assert f"{sp.score:.3f}" in p.titles[ref]
        assert all(title in p.titles[ref] for title in sp.heading_path)
    for label in LABELS:
        assert f'class="lab lab-{label}"' in page


def test_headings_marked_and_statistics_anchored(page: str, sample: Result) -> None:
    p = parse(page)
    for sec in sample.sections:
        assert p.refs[f"sec-{sec.id}"] == sec.title
        assert "heading" in p.classes[f"sec-{sec.id}"]
    for i, s in enumerate(sample.stats):
        assert p.ids[f"stat-{i}"] == 1 and p.refs[f"stat-{i}"] == s.text
        assert f'href="#stat-{i}"' in page and f'id="row-stat-{i}"' in page
    nested = sample.stats[-1]
    assert any(sp.start <= nested.start and nested.end <= sp.end for sp in sample.spans)
    assert "parts &lt;do not&gt; add up &amp; more" in page
    assert 'href="#chk-' in page


def test_everything_is_escaped() -> None:
    text = '一、概述<script>alert(1)</script>\n我们&加强了"公开"<b>工作</b>。\n'
    sections = [Section("s1", None, 1, text[:4], 0, 4, 0, len(text))]
    a, b, one = text.index("我们"), text.index("。") + 1, text.index("1")
    span = Span("p1", "measure", a, b, text[a:b], "s1", ["<i>一、概述</i>"], 0.5)
    stat = Statistic("k<&>", 1, "<u>", False, "text", one, one + 1, "1")
    result = Result(
        Source("<x>.txt", "utf-8", "0", "txt", text),
        Meta(organization="<b>机关</b>"),
        sections,
        [span],
        [stat],
        [Check("r<1>", "error", "<img src=x onerror=alert(1)>", ["k<&>"], [[0, 3]])],
    )
    page = render_html(result)
    p = parse(page)
    assert p.text == text
    assert "<script>alert" not in page and "<img" not in page and "<b>机关" not in page and "<i>" not in page
    assert p.refs["span-p1"] == span.text and p.refs["stat-0"] == "1"


def test_crossing_ranges_are_split_and_only_the_first_fragment_has_the_id() -> None:
    text = "abcdefghij"
    marks = [
        _Mark(0, 6, "span", "a", "lab", "A"),
        _Mark(4, 9, "check", "b", "chk", "B"),
        _Mark(5, 7, "stat", "c", "stat", "C"),
        _Mark(5, 7, "stat", "d", "stat", "D"),
    ]
    p = parse(f'<div id="text">{markup(text, marks)}</div>')
    assert p.text == text
    assert dict(p.refs) == {"a": "abcdef", "b": "efghi", "c": "fg", "d": "fg"}
    assert all(n == 1 for n in p.ids.values()) and set(p.ids) == {"text", "a", "b", "c", "d"}


@settings(max_examples=200, deadline=None)
@given(
    st.text(alphabet="ab<&>\"'\n一。", min_size=1, max_size=40),
    st.lists(
        st.tuples(st.integers(-3, 45), st.integers(-3, 45), st.sampled_from(["heading", "span", "check", "stat"]))
    ),
)
def test_any_ranges_nest_and_keep_the_text(text: str, ranges: list[tuple[int, int, str]]) -> None:
    marks = [_Mark(a, b, kind, f"m{i}", kind, kind) for i, (a, b, kind) in enumerate(ranges)]
    p = parse(f'<div id="text">{markup(text, marks)}</div>')
    assert p.text == text
    for m in marks:
        a, b = max(0, m.start), min(len(text), m.end)
        assert p.refs.get(m.ref, "") == (text[a:b] if a < b else "")


def test_render_command_writes_a_page(tmp_path: Path) -> None:
    parser = argparse.ArgumentParser()
    register(parser.add_subparsers())
    out = tmp_path / "page.html"
    args = parser.parse_args(["render", str(EXAMPLES[4]), "-o", str(out)])
    assert args.handler(args) == 0
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and 'class="lab lab-measure"' in page


# --- in a real browser -------------------------------------------------------------------------------------------

browser = pytest.mark.skipif(CHROMIUM is None, reason="chromium not on PATH (apt-get install chromium)")


def dump_dom(url: str, tmp_path: Path) -> Page:
    """The DOM after the page's scripts ran, from headless Chromium; ``body`` holds what the page recorded."""
    profile = tmp_path / f"profile-{len(list(tmp_path.iterdir()))}"
    cmd = [
        str(CHROMIUM),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={profile}",
        "--window-size=1280,900",
        "--virtual-time-budget=2000",
        "--dump-dom",
        url,
    ]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0 and "<body" in done.stdout, done.stderr[-2000:]
    p = Page()
    p.feed(done.stdout)
    assert p.body.get("data-ready") == "1", "the page's script did not run"
    return p


def far_statistic(sample: Result) -> int:
    return max(range(len(sample.stats)), key=lambda i: sample.stats[i].start)


def assert_scrolled_to(p: Page, target: str) -> None:
    body = p.body
    assert body["data-target"] == target
    top, bottom, height = (int(body[k]) for k in ("data-target-top", "data-target-bottom", "data-viewport-height"))
    assert int(body["data-scroll-y"]) > 0, body
    assert 0 <= top < bottom <= height, body
    assert "flash" in p.classes[target]


@browser
def test_browser_shows_the_spans(page: str, sample: Result, tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    path.write_text(page, encoding="utf-8")
    p = dump_dom(path.as_uri(), tmp_path)
    counts = Counter(sp.label for sp in sample.spans)
    for label in LABELS:
        assert int(p.body[f"data-shown-{label}"]) == counts[label] > 0, p.body
    assert p.body["data-scroll-y"] == "0" and p.body["data-target"] == ""


@browser
def test_browser_statistic_link_scrolls_to_its_source(page: str, sample: Result, tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    path.write_text(page, encoding="utf-8")
    k = far_statistic(sample)
    assert_scrolled_to(dump_dom(f"{path.as_uri()}#stat-{k}", tmp_path), f"stat-{k}")


@browser
def test_browser_clicking_a_table_link_scrolls(page: str, sample: Result, tmp_path: Path) -> None:
    k = far_statistic(sample)
    click = (
        "<script>window.addEventListener('load', function () { setTimeout(function () {"
        f" document.querySelector('table.stats a[href=\"#stat-{k}\"]').click(); }}, 50); }});</script></body>"
    )
    path = tmp_path / "clicked.html"
    path.write_text(page.replace("</body>", click), encoding="utf-8")
    assert_scrolled_to(dump_dom(path.as_uri(), tmp_path), f"stat-{k}")
