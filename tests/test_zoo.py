"""The layout zoo (issue 13) in the test command: every form in every layout gives back every value.

Per layout x form a few hypothesis examples (derandomized: the same ones on every run) of a
report holding that form filled at random (``tests/zoo.py``), written to a file and read by
``Extractor.extract_file``.  Each must give every value of a filled cell under its key with
source ``table`` (amounts in the key's unit), nothing from a blank cell, every statistic
grounded, and no section or narrative span from the table's cells.  The full zoo, with many
more examples and a recall/precision matrix, is ``benchmarks/zoo.py``.  The generator itself
is checked first against the official 2021 form.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st

from nlp_extract.stats import keys as K

from . import zoo
from .conftest import ROOT

# per layout x form: two fixed fillings with every kind of cell (zoo.showcase) and this many drawn by
# hypothesis (the first, its simplest, is all blank): 18 layouts x 7 forms in about a minute
EXAMPLES = 2
FORM_IDS = [n.replace("二", "t2").replace("三", "t3").replace("四", "t4") for n in zoo.FORMS]  # ASCII test ids

# ----------------------------------------------------------------------------- the generator


@pytest.mark.parametrize("name", list(zoo.FORMS), ids=FORM_IDS)
def test_every_key_of_the_form_is_one_slot(name: str) -> None:
    form = zoo.FORMS[name]
    slots = [s.key for s in form.slots]
    assert len(slots) == len(set(slots))
    assert set(slots) == zoo.form_keys(form)
    assert set(slots) <= K.all_keys()
    assert all(s.unit == "万元" for s in form.slots if s.key.endswith(".amount") or s.key in ("fees.total",))
    form.owner()  # the cells tile the grid: no overlap, no hole (raises otherwise)


def _word_structure(table: Any) -> list[list[tuple[str, int, str]]]:
    """Per ``<w:tr>``: each ``<w:tc>`` as (text, gridSpan, vMerge)."""
    from docx.oxml.ns import qn

    rows = []
    for tr in table._tbl.tr_lst:
        row = []
        for tc in tr.tc_lst:
            text = "".join(t.text or "" for t in tc.iter(qn("w:t"))).strip(" \u3000")
            row.append((text, tc.grid_span, tc.vMerge or ""))
        rows.append(row)
    return rows


def _form_structure(form: zoo.Form) -> list[list[tuple[str, int, str]]]:
    """The form's cells as Word would store them: a row merge is ``restart`` then ``continue`` cells."""
    rows = []
    for r, line in enumerate(form.owner()):
        row, k = [], 0
        while k < len(line):
            c = line[k]
            merge = "" if c.rowspan == 1 else ("restart" if c.row == r else "continue")
            row.append((c.text if c.row == r else "", c.colspan, merge))
            k += c.colspan
        rows.append(row)
    return rows


def test_2021_forms_are_the_official_blank_form() -> None:
    """Labels, column and row merges of tables 二、三、四 cell by cell as in the official Word template."""
    import docx

    official = docx.Document(str(ROOT / "tests" / "data" / "template-2021.docx")).tables
    assert len(official) == 3
    for table, name in zip(official, ("2021.二", "2021.三", "2021.四"), strict=True):
        assert _word_structure(table) == _form_structure(zoo.FORMS[name]), name


def test_2019_forms_differ_where_the_templates_do() -> None:
    t2019, t2021 = zoo.FORMS["2019.三"], zoo.FORMS["2021.三"]
    assert t2019.n_cols == t2021.n_cols and t2021.n_rows - t2019.n_rows == 2  # （六） one row vs three
    assert zoo.FORMS["2019.四"].cells == zoo.FORMS["2021.四"].cells
    headers = {c.text for c in zoo.FORMS["2019.二"].cells}
    assert {"本年新制作数量", "上一年项目数量", "采购总金额", "政府集中采购"} <= headers


@settings(max_examples=10, deadline=None, derandomize=True, database=None)
@given(st.sampled_from(list(zoo.FORMS.values())).flatmap(zoo.reports))
def test_renderings_hold_every_cell(report: zoo.Report) -> None:
    """Renderer-independent check of the fillings, and that the HTML and Word files carry exactly the grid."""
    import io

    import docx
    from lxml import html as lxml_html

    (t,) = report.tables
    for key, entry in t.entries.items():
        if entry.value is None:
            assert entry.text in zoo.BLANKS
        else:
            slot = next(s for s in t.form.slots if s.key == key)
            assert slot.unit == "万元" or isinstance(entry.value, int)
    page = lxml_html.fromstring(zoo.render_html(report)[0])
    (table,) = page.iter("table")
    got = [
        [(td.text_content(), int(td.get("rowspan", 1)), int(td.get("colspan", 1))) for td in tr]
        for tr in table.iter("tr")
    ]
    want = [[(t.text(c), c.rowspan, c.colspan) for c in row] for row in t.form.rows()]
    assert got == want
    word = docx.Document(io.BytesIO(zoo.docx_bytes(report))).tables[0]
    grid = [[cell.text for cell in row.cells] for row in word.rows]
    assert grid == [[t.text(c) for c in row] for row in t.form.owner()]


def test_pdftotext_columns_are_aligned_by_characters() -> None:
    """The two space-aligned layouts line values up by display width and by character count."""
    form = zoo.FORMS["2021.二"]
    filled = zoo.Filled(form, {s.key: zoo.Entry("7", 7) for s in form.slots})
    for lines, measure in ((zoo.layout(filled), zoo.width), (zoo.pdftotext(filled), zoo.chars)):
        rows = [ln for ln in lines if ln.startswith("规章") or ln.startswith("信息内容")]
        head, values = rows[0], rows[1]
        starts = [measure(values[:i]) for i, ch in enumerate(values) if ch == "7"]
        header_starts = [measure(head[: head.index(h)]) for h in ("本年制发件数", "本年废止件数", "现行有效件数")]
        assert starts == header_starts


# ----------------------------------------------------------------------------- the zoo

# Layout x form pairs the parser does not read in full, each with its cause (empty: every pair is read):
# strict, so a pair that starts to pass must leave this list.
KNOWN_GAPS: dict[tuple[str, str], str] = {}


@pytest.mark.parametrize("form_name", list(zoo.FORMS), ids=FORM_IDS)
@pytest.mark.parametrize("layout_name", list(zoo.LAYOUTS))
def test_zoo(layout_name: str, form_name: str, extractor: Any, tmp_path: Path, request: Any) -> None:
    layout = zoo.LAYOUTS[layout_name]
    if why := layout.available():
        pytest.skip(why)
    if gap := KNOWN_GAPS.get((layout_name, form_name)):
        request.applymarker(pytest.mark.xfail(reason=gap, strict=True))
    failures: list[str] = []

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate],  # no shrinking: a failure is reported as found
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
    )
    @example(zoo.showcase(zoo.FORMS[form_name], 0))
    @example(zoo.showcase(zoo.FORMS[form_name], 1))
    @given(zoo.reports(zoo.FORMS[form_name]))
    def check(report: zoo.Report) -> None:
        for sc in zoo.run(extractor, report, layout, tmp_path).values():
            if not sc.perfect:
                failures.append(
                    f"recall {sc.recovered}/{sc.expected}, precision {sc.correct}/{sc.table_stats}, "
                    f"grounded {sc.grounded}/{sc.stats}"
                )
                failures.extend(sc.failures[:12])

    check()
    assert not failures, f"{layout_name} x {form_name}:\n" + "\n".join(failures)


# ----------------------------------------------------------------------------- tables are no narrative

_TEMPLATES = {
    "pre2019": ("pre2019",),
    "2019": ("2019.二", "2019.三", "2019.四"),
    "2021": ("2021.二", "2021.三", "2021.四"),
}


def _narrative(extractor: Any, report: zoo.Report, layout: zoo.Layout, directory: Path) -> tuple[list[str], list[str]]:
    result = extractor.extract_file(zoo.write(report, layout, directory, layout.name))
    return [s.title for s in result.sections], [f"{s.label}: {s.text.strip()}" for s in result.spans]


def _filled(name: str, filling: str) -> zoo.Filled:
    """The form with every kind of cell in turn, or with every value cell left empty."""
    form = zoo.FORMS[name]
    if filling == "blank":
        return zoo.Filled(form, {s.key: zoo.Entry("", None) for s in form.slots})
    return zoo.showcase(form).tables[0]


@pytest.mark.parametrize("filling", ["showcase", "blank"])
@pytest.mark.parametrize("template", list(_TEMPLATES))
# PDF is left to test_zoo's stray count: LibreOffice takes seconds a file
@pytest.mark.parametrize("layout_name", [n for n in zoo.LAYOUTS if n not in ("html", "pdf")])
def test_table_cells_are_no_heading_and_no_narrative_in_any_layout(
    layout_name: str, template: str, filling: str, extractor: Any, tmp_path: Path
) -> None:
    """A report's sections and narrative spans are those of its HTML page, whatever layout its tables
    came in: no row label or column header is taken for a heading, no header or figure for a measure."""
    layout = zoo.LAYOUTS[layout_name]
    tables = tuple(_filled(name, filling) for name in _TEMPLATES[template])
    report = zoo.Report(zoo.ORGANIZATIONS[0], 2023, tables)
    sections, spans = _narrative(extractor, report, zoo.LAYOUTS["html"], tmp_path)
    headings = {zoo.closing(report)[0], *(t.form.caption for t in tables)}
    assert sections and set(sections) <= headings  # the reference: the page's own headings only
    assert _narrative(extractor, report, layout, tmp_path) == (sections, spans)


# ----------------------------------------------------------------------------- tables inside layout tables


def _boxed_docx(data: bytes, shape: str) -> bytes:
    """The Word file's whole body moved into a layout table of this shape (a box, a box in a box, a box
    under a title row, or beside a navigation column)."""
    import io

    import docx
    from docx.oxml.ns import qn

    document = docx.Document(io.BytesIO(data))
    for _ in range(2 if shape == "box_in_box" else 1):
        body = document.element.body
        content = [c for c in body.iterchildren() if c.tag != qn("w:sectPr")]
        rows, cols = {"title_row": (2, 1), "side_column": (1, 2)}.get(shape, (1, 1))
        table = document.add_table(rows=rows, cols=cols)
        if shape == "title_row":
            table.cell(0, 0).text = "政府信息公开"
        if shape == "side_column":
            table.cell(0, 0).text = "首页 政务公开 年度报告"
        cell = table._tbl.tr_lst[-1].tc_lst[-1]
        for child in content:
            cell.p_lst[-1].addprevious(child)
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def _boxed_html(page: bytes, shape: str) -> bytes:
    """The same shapes of page-layout table around an HTML article."""
    html = page.decode("utf-8")
    start, end = html.index('<div class="article">'), html.index("</body>")
    article = html[start:end]
    for _ in range(2 if shape == "box_in_box" else 1):
        article = {
            "title_row": f"<table><tr><td>政府信息公开</td></tr><tr><td>{article}</td></tr></table>",
            "side_column": f"<table><tr><td>首页 政务公开 年度报告</td><td>{article}</td></tr></table>",
        }.get(shape, f"<table><tr><td>{article}</td></tr></table>")
    return (html[:start] + article + html[end:]).encode("utf-8")


@pytest.mark.parametrize("form_name", ["pre2019", "2021.三"], ids=["pre2019", "2021.t3"])
@pytest.mark.parametrize("shape", ["box", "box_in_box", "title_row", "side_column"])
@pytest.mark.parametrize("fmt", ["docx", "html"])
def test_a_form_inside_any_layout_table_is_read_whole(
    fmt: str, shape: str, form_name: str, extractor: Any, tmp_path: Path
) -> None:
    """Neighbours of the zoo's boxed layouts: nested twice, under a title row, beside a navigation
    column, in Word and in HTML: every value back, no stray section or span."""
    report = zoo.showcase(zoo.FORMS[form_name])
    if fmt == "docx":
        path = tmp_path / "boxed.docx"
        path.write_bytes(_boxed_docx(zoo.docx_bytes(report), shape))
    else:
        path = tmp_path / "boxed.html"
        path.write_bytes(_boxed_html(zoo.render_html(report)[0], shape))
    (sc,) = zoo.score(extractor.extract_file(path), report).values()
    assert sc.perfect, sc.failures[:5]
