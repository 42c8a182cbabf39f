"""Space-aligned column blocks read as grids (``nlp_extract.stats.columns``), on real ``pdftotext -layout`` text.

The layout zoo (``tests/test_zoo.py``: layouts ``layout``, ``pdftotext``, ``wrapped``) checks every
form in every filling; here the reader meets a real report: Huai'an 2024, whose PDF
``pdftotext -layout`` turned into ``tests/data/huaian_city_2024.pdftotext-layout.txt``.
"""

from __future__ import annotations

from pathlib import Path

from nlp_extract.normalise import normalise
from nlp_extract.stats import extract_statistics
from nlp_extract.stats.columns import column_tables
from nlp_extract.stats.keys import TABLE4_KEYS

DATA = Path(__file__).resolve().parent / "data"
HUAIAN = (DATA / "huaian_city_2024.pdftotext-layout.txt").read_text(encoding="utf-8")
TABLE4 = [72, 64, 178, 37, 351, 13, 4, 8, 1, 26, 12, 1, 1, 6, 20]


def _lines() -> list[str]:
    return HUAIAN.split("\n")


def _edit(lines: list[str], starts: str, old: str, new: str) -> None:
    """Replace ``old`` by ``new`` (same width) on the line that starts with ``starts``."""
    i = next(n for n, line in enumerate(lines) if line.startswith(starts))
    assert old in lines[i] and len(old) == len(new)
    lines[i] = lines[i].replace(old, new, 1)


def _table(text: str) -> dict[str, float]:
    return {f.key: f.value for f in extract_statistics(text).figures if f.source == "table"}


def test_tables_two_and_four_are_grids_with_every_value_under_its_header() -> None:
    text = normalise(HUAIAN).text
    tables = column_tables(text)
    rows = [(r.label_texts, [c.text for c in r.slots]) for t in tables for r in t.rows() if r.slots]
    assert rows == [
        (["规章"], ["1", "0", "11"]),
        (["行政规范性文件"], ["8", "26", "66"]),
        (["行政许可"], ["447228"]),
        (["行政处罚"], ["3985758"]),
        (["行政强制"], ["88283"]),
        (["行政事业性收费"], ["96171.6"]),
        ([], [str(v) for v in TABLE4]),  # table 四: a header wrapped over six lines, fifteen columns
    ]
    assert all(not t.unplaced for t in tables)
    assert all(r.explicit for t in tables for r in t.rows())
    cells = [c for t in tables for r in t.rows() for c in r.slots]
    assert all(text[c.start : c.end] == c.text for c in cells)


def test_a_block_that_aligns_under_no_measure_is_left_to_the_line_reader() -> None:
    """Table 三's header is wrapped character by character and its values sit off their headers'
    extents: no column is sure, so no grid claims it (the line reader reads its full rows by count)."""
    lines = _lines()
    start = next(n for n, line in enumerate(lines) if "申请人情况" in line)
    end = next(n for n, line in enumerate(lines) if line.startswith("四、结转下年度继续办理"))
    text = normalise(HUAIAN).text
    first, last = (sum(len(x) + 1 for x in lines[:n]) for n in (start, end))
    assert not [t for t in column_tables(text) if t.start <= last and t.end >= first]
    table = _table(HUAIAN)
    assert table["requests.new.total"] == 3119 and table["requests.carried_out.total"] == 103


def test_blank_cells_leave_the_other_values_in_their_columns() -> None:
    """Cells emptied in tables 二 and 四: the values left keep their columns, the emptied give nothing."""
    lines = _lines()
    _edit(lines, "行政规范性文件", " 26 ", "    ")
    _edit(lines, "72   64", "178", "   ")
    _edit(lines, "72   64", "  8  ", "     ")
    table = _table("\n".join(lines))
    assert table["proactive.normative_docs.issued"] == 8
    assert table["proactive.normative_docs.in_force"] == 66
    assert "proactive.normative_docs.repealed" not in table
    assert [table.get(k) for k in TABLE4_KEYS] == [v if v not in (178, 8) else None for v in TABLE4]


def test_a_value_between_two_columns_is_placed_nowhere_and_checked() -> None:
    """``0`` moved into the gap between 本年制发件数 and 本年废止件数, ``11`` emptied: two values for
    three columns and one of them under no header: the row gives no value and a check."""
    lines = _lines()
    row = next(line for line in lines if line.startswith("规章"))
    head = next(line for line in lines if line.startswith("信息内容") and "本年废止件数" in line)
    gap = head.index("本年制发件数") + len("本年制发件数") + 1
    assert head[gap] == " " and gap < head.index("本年废止件数")
    moved = row[: row.index("1") + 1].ljust(gap) + "0"
    lines[lines.index(row)] = moved
    result = extract_statistics("\n".join(lines))
    table = {f.key for f in result.figures if f.source == "table"}
    assert not {k for k in table if k.startswith("proactive.rules.")}
    assert any(c.rule == "table.unplaced" and "proactive.rules.issued" in c.keys for c in result.checks)
    assert {"proactive.normative_docs.issued", "proactive.normative_docs.in_force"} <= table  # the next row is sure
