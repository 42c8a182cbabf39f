"""The one line type: source lines with exact offsets, as structure and the table readers see them."""

from __future__ import annotations

import bisect
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nlp_extract import pipeline, stats, structure
from nlp_extract.lines import Line, source_lines
from nlp_extract.pipeline import Extractor
from nlp_extract.stats import columns, read_tables, tables
from nlp_extract.structure import split_lines

from .conftest import EXAMPLES


def _check_grounded(text: str, lines: list[Line]) -> None:
    for ln in lines:
        assert text[ln.start : ln.end] == ln.text


@pytest.mark.parametrize("path", EXAMPLES[:6], ids=lambda p: Path(p).stem)
def test_source_lines_are_the_text_line_by_line_and_trimmed_lines_their_content(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    lines = source_lines(text)
    assert "\n".join(ln.text for ln in lines) == text
    _check_grounded(text, lines)
    trimmed = [ln.trimmed() for ln in lines]
    _check_grounded(text, trimmed)
    assert [t.text for t in trimmed] == [ln.text.strip() for ln in lines]
    assert [t.kind == "blank" for t in trimmed] == [not ln.text.strip() for ln in lines]
    # structure's whole lines are these trimmed lines (found by where they start: inline headings renumber)
    by_start = {t.start: t for t in trimmed}
    whole = [ln for ln in split_lines(text) if ln.piece == "line"]
    assert whole
    for ln in whole:
        t = by_start[ln.start]
        assert (ln.end, ln.text, ln.indented) == (t.end, t.text, t.indented)
    # the table readers' cells are grounded, each inside one source line
    starts = [ln.start for ln in lines]
    rows = read_tables(text).rows
    assert rows
    for row in rows:
        for c in [*row.labels, *row.slots, *row.units]:
            assert text[c.start : c.end] == c.text
            assert c.end <= lines[bisect.bisect_right(starts, c.start) - 1].end


@given(st.lists(st.sampled_from(["", " ", "\t", "\u3000", "主动公开", "12", "| 3 |", "\r"]), max_size=30))
@settings(max_examples=300, deadline=None)
def test_any_text_cuts_into_grounded_lines(parts: list[str]) -> None:
    text = "".join(parts).replace("\r", "\n")
    lines = source_lines(text)
    assert [ln.index for ln in lines] == list(range(text.count("\n") + 1))
    _check_grounded(text, lines)
    for ln in lines:
        t = ln.trimmed()
        assert text[t.start : t.end] == t.text == ln.text.strip()
        assert t.indented == ln.text.startswith("\t") and (t.kind == "blank") == (not t.text)
        assert t.start >= ln.start and t.end <= ln.end


def test_the_pipeline_cuts_a_report_into_lines_once_for_structure_and_statistics(
    extractor: Extractor, monkeypatch: pytest.MonkeyPatch
) -> None:
    import nlp_extract.lines as lines_module

    calls: list[str] = []

    def counted(text: str) -> list[Line]:
        calls.append(text)
        return source_lines(text)

    for module in (pipeline, structure, stats, columns, tables):  # every place that could cut the text again
        if hasattr(module, "source_lines"):
            monkeypatch.setattr(module, "source_lines", counted)
    monkeypatch.setattr(lines_module, "source_lines", counted)
    text = EXAMPLES[0].read_text(encoding="utf-8")
    result = extractor.extract_text(text)
    assert result.stats and result.sections  # both stages worked from the lines
    assert len(calls) == 1
