"""Format parity (issues 6 and 13): the same report in every format gives the same result.

Three real reports with statistics tables in three different text layouts are rebuilt the way
users find them (``benchmarks/format_parity.py``: a government CMS page with real ``<table>``
markup and chrome around the content box, a GBK-encoded copy of it, a Word file with Word
tables and merged cells, and LibreOffice's PDF of that Word file) and run through
``Extractor.extract_file``.  Each must give exactly the txt's set of (key, value) statistics and
the same span label (or none) on >= 95% of the txt's narrative characters.  The PDF cases need
LibreOffice (``soffice``) and are skipped without it.  The tables' ``<table>`` markup kept in a
.txt (one line per table, or inside a script's string literal) is one more format.

One real complete report (the Huai'an PDF, ruled tables of the 2021 form) is also rebuilt in
every format with the official form's tables and merges -- including the blank official Word
form itself filled in -- and each must give exactly the statistics of the PDF.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from nlp_extract.readers import read_document

from . import zoo
from .conftest import ROOT, benchmark_module

fp: Any = benchmark_module("format_parity")

REPORTS = {
    # pre-2019 table, one cell per line, tab-indented, rows as blank-line-separated blocks
    "001": ROOT / "examples" / "001_b2486e1d6f11ea96.txt",
    # pre-2019 table, one cell per line ending " |", bare "|" lines for empty cells
    "004": ROOT / "examples" / "004_7c2d47552574f996.txt",
    # 2021 template: tables 2 and 3 as pipe rows, row-spanned label cells left empty ("| | 2.其他…")
    "43": ROOT / "tests" / "data" / "43_xuwen_bureau_2021format.txt",
}
FORMATS = ("html", "html-gbk", "docx", "pdf", "html-in-txt", "html-in-script")
OFFICE_MISSING = zoo.office_missing()
# pairs whose statistics agree but whose labels do not yet (strict: a pair that agrees must leave)
LABEL_GAPS: set[tuple[str, str]] = set()


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory, extractor: Any) -> dict[str, tuple[Any, dict[str, Path]]]:
    work = tmp_path_factory.mktemp("parity")
    out = {}
    for key, path in REPORTS.items():
        base = fp.extract(extractor, path)
        out[key] = (base, fp.build_files(fp.report_blocks(base.doc.source.text), work / path.stem, FORMATS))
    if not OFFICE_MISSING:
        fp.add_pdfs([files for _, files in out.values()], ["pdf"], work / "pdf")
    return out


def test_built_files_are_the_real_thing(built: dict[str, tuple[Any, dict[str, Path]]]) -> None:
    """The comparison is only worth something if the tables really are tables and the page a real page."""
    import docx

    _, files = built["43"]
    page = files["html"].read_text(encoding="utf-8")
    assert 'class="TRS_Editor"' in page and 'class="footer"' in page and 'class="nav"' in page
    assert page.count("<table") == 2 and "rowspan=" in page and "colspan=" in page
    gbk = files["html-gbk"].read_bytes()
    assert b'charset="gbk"' in gbk and "主动公开政府信息情况".encode("gbk") in gbk
    with pytest.raises(UnicodeDecodeError):
        gbk.decode("utf-8")
    assert read_document(files["html-gbk"]).encoding == "gb18030"
    word = docx.Document(str(files["docx"]))
    assert len(word.tables) == 2
    assert any(len({id(c._tc) for c in row.cells}) < len(row.cells) for t in word.tables for row in t.rows)
    markup = files["html-in-txt"].read_text(encoding="utf-8").splitlines()
    tables = [ln for ln in markup if ln.startswith("<table")]
    assert len(tables) == 2 and all("</table>" in ln for ln in tables) and "rowspan=" in tables[1]  # one line each
    script = files["html-in-script"].read_text(encoding="utf-8")
    assert script.count("var html = '<table") == 2 and script.count("document.write(html);") == 2
    assert read_document(files["html-in-txt"]).format == "txt"  # a text file with markup, not a page
    for key in ("001", "004"):  # one-cell-per-line tables are rebuilt as grids, not left as lines
        _, files = built[key]
        assert "<table" in files["html"].read_text(encoding="utf-8")


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("key", list(REPORTS))
def test_same_statistics_and_labels(
    built: dict[str, tuple[Any, dict[str, Path]]], extractor: Any, key: str, fmt: str
) -> None:
    if fmt == "pdf" and OFFICE_MISSING:
        pytest.skip(f"{OFFICE_MISSING}: no PDF can be made from the .docx")
    base, files = built[key]
    assert fmt in files, f"{fmt} was not built for {key}"
    c = fp.compare_file(key, fmt, base, files[fmt], extractor)
    assert c.error is None, c.error
    assert c.txt_pairs >= 20  # a real table was read from the txt: identical empty sets prove nothing
    assert not c.missing and not c.extra, f"{fmt}: missing {c.missing[:5]}, extra {c.extra[:5]}"
    assert c.narrative > 100 and c.labelled > 50  # narrative text with labels to compare
    if (key, fmt) in LABEL_GAPS:  # strict: once labels agree, this pair must leave the list
        assert c.agreement < fp.TARGET, f"{key} x {fmt} now keeps its labels: remove it from LABEL_GAPS"
        return
    assert c.agreement >= fp.TARGET, f"{fmt}: {c.agreement:.1%} of the narrative characters keep their label"
    assert c.labelled_agreement >= fp.TARGET, f"{fmt}: {c.labelled_agreement:.1%} of the labelled characters"
    if fmt.startswith("html"):
        text = read_document(files[fmt]).text
        assert "版权所有" not in text and "上一篇" not in text and "分享到" not in text  # page chrome dropped


@pytest.fixture(scope="module")
def complete(tmp_path_factory: pytest.TempPathFactory, extractor: Any) -> tuple[Any, dict[str, Path], list[Any]]:
    return fp.complete_parity(fp.COMPLETE, extractor, tmp_path_factory.mktemp("complete"))  # type: ignore[no-any-return]


def test_complete_report_is_built_with_the_official_forms(complete: tuple[Any, dict[str, Path], list[Any]]) -> None:
    """Every table value of the real PDF sits in a form cell; the Word form keeps its own merges and gets them all."""
    import zipfile

    base, files, _ = complete
    cells = {s.key: s.text for s in base.doc.stats if s.source == "table"}
    assert len(cells) >= 190  # the PDF's three tables were read: identical empty sets prove nothing
    tables = [b for b in fp.complete_blocks(base) if isinstance(b, fp.Table)]
    assert [t.form for t in tables] == list(fp.OFFICIAL_TABLES)
    zoo = fp._zoo()
    slots = {c.slot.key for t in tables for c in zoo.FORMS[t.form].cells if c.slot is not None}
    assert set(cells) <= slots  # every value the source's tables gave has its cell in a form
    assert set(fp.COMPLETE_FORMATS) <= set(files) | {"pdf"}
    xml = zipfile.ZipFile(files["docx-form"]).read("word/document.xml").decode("utf-8")
    assert xml.count("<w:gridSpan") >= 20 and xml.count("<w:vMerge") >= 40  # the official form's own merges
    assert all(f">{text}</w:t>" in xml for text in cells.values())
    assert "（文字描述）" not in xml  # the form's placeholders gave way to the report's text
    text = read_document(files["docx-form"]).text  # the Word reader fills row-merged cells from the XML
    assert "三、本年度办理结果 | （三）不予公开 | 2.其他法律行政法规禁止公开 | " in text


@pytest.mark.parametrize("fmt", fp.COMPLETE_FORMATS)
def test_complete_report_same_statistics_in_every_format(
    complete: tuple[Any, dict[str, Path], list[Any]], extractor: Any, fmt: str
) -> None:
    _, files, results = complete
    (c,) = [c for c in results if c.fmt == fmt]
    assert c.error is None, c.error
    assert not c.missing and not c.extra, f"{fmt}: missing {c.missing[:5]}, extra {c.extra[:5]}"
    assert c.table_pairs >= 190
    doc = fp.extract(extractor, files[fmt]).doc
    raw = doc.source.text
    assert all(raw[s.start : s.end] == s.text for s in doc.stats)  # grounded in the format's own text


def test_a_value_merged_down_keeps_its_row_in_every_grid_source(
    complete: tuple[Any, dict[str, Path], list[Any]], extractor: Any, tmp_path: Path
) -> None:
    """A value cell spanning two rows: the page, the Word file and the markup kept in a .txt read the same grid."""
    base, _, _ = complete
    blocks = fp.complete_blocks(base)
    (t3,) = [b for b in blocks if isinstance(b, fp.Table) and b.form == "2021.三"]
    rows = {c.row: c for c in t3.cells if c.col == 3}  # the 自然人 column
    upper = next(r for r in sorted(rows) if r + 1 in rows and rows[r].text == rows[r + 1].text)
    rows[upper].rowspan = 2  # two equal values written once, merged down
    t3.cells.remove(rows[upper + 1])
    files = fp.build_files(blocks, tmp_path / "merged", ["html", "docx", "html-in-txt"])
    for fmt, path in files.items():
        other = fp.extract(extractor, path)
        assert other.pairs == base.pairs, f"{fmt}: {sorted(base.pairs ^ other.pairs)[:6]}"


def test_table_markup_written_by_a_script_line_is_no_narrative(extractor: Any, tmp_path: Path) -> None:
    """A page whose script writes each table (``var html = '<table>…</table>';``, one line): that line
    is the table's, not a paragraph, so the txt's labels stay (report 08's line was labelled a measure)."""
    path = ROOT / "tests" / "data" / "08_hebao_town_rongchang_2020.txt"
    base = fp.extract(extractor, path)
    files = fp.build_files(fp.report_blocks(base.doc.source.text), tmp_path / path.stem, ("html-in-script",))
    c = fp.compare_file("08", "html-in-script", base, files["html-in-script"], extractor)
    assert c.txt_pairs >= 20 and not c.missing and not c.extra
    assert c.agreement >= fp.TARGET and c.labelled_agreement >= fp.TARGET, f"{c.agreement:.1%} keep their label"
    assert not any("<table" in s.text for s in extractor.extract_file(files["html-in-script"]).spans)
