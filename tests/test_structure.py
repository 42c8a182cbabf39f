from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nlp_extract.normalise import normalise
from nlp_extract.structure import Marker, analyse, outline_levels

from .conftest import EXAMPLES, ROOT


def _predicted_headings(raw: str) -> set[tuple[int, int, int]]:
    n = normalise(raw)
    return {(*n.to_raw(ln.start, ln.end), ln.level) for ln in analyse(n.text) if ln.kind == "heading"}


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name[:3])
def test_headings_of_samples_match_gold(path, seed_gold):
    g = seed_gold[path.name]
    expected = {(h["start"], h["end"], h["level"]) for h in g.headings}
    assert _predicted_headings(g.text) == expected


def test_table_rows_are_not_headings():
    for path in (EXAMPLES[1], EXAMPLES[4]):  # 统计表 flattened one cell per line
        n = normalise(path.read_text(encoding="utf-8"))
        lines = analyse(n.text)
        titles = [ln.text for ln in lines if ln.kind == "heading"]
        assert not any("主动公开政府信息数" in t or t.startswith("（一）收到申请数") for t in titles)
        table = [ln.text for ln in lines if ln.kind == "table"]
        assert any("一、主动公开情况" in t for t in table)


def test_mixed_marker_styles_follow_the_visible_outline():
    # seed 001: 1、 > （1） > （1） restart, then （三） continues the second level, 三、 the first
    marks = [
        Marker("num_dun", "dun", 1, 2),
        Marker("num_paren", "paren", 1, 3),
        Marker("num_paren", "paren", 2, 3),
        Marker("num_paren", "paren", 1, 3),
        Marker("cn_paren", "paren", 3, 3),
        Marker("num_dun", "dun", 2, 2),
        Marker("cn_dun", "dun", 3, 2),
    ]
    assert outline_levels(marks) == [1, 2, 2, 3, 2, 1, 1]


def test_run_in_title_is_a_paragraph_not_a_heading():
    text = "一、概述\n1、強化領導,完善各項製度保障。調整並公開區政務公開領導小組名單。\n"
    kinds = [(ln.text[:4], ln.kind) for ln in analyse(normalise(text).text) if ln.text]
    assert kinds == [("一、概述", "heading"), ("1、强化", "paragraph")]


@given(st.text(alphabet="一二三、（）()1.。，\n 主动公开情况工作0|\t", max_size=400))
def test_structure_never_crashes_and_levels_are_positive(text):
    for ln in analyse(text):
        assert ln.kind != "heading" or ln.level >= 1
        assert text[ln.start : ln.end] == ln.text


def test_a_pdf_as_layout_text_has_the_sections_of_the_pdf(extractor, tmp_path):
    """The real Huai'an report as ``pdftotext -layout`` would write it (pdfplumber's layout text): its
    tables come as space-aligned columns, and none of their row labels is taken for a section."""
    import pdfplumber

    pdf = ROOT / "tests" / "data" / "huaian_city_2024.pdf"
    with pdfplumber.open(pdf) as doc:
        text = "\n".join(page.extract_text(layout=True) for page in doc.pages)
    (tmp_path / "layout.txt").write_text(text, encoding="utf-8")
    from_layout = extractor.extract_file(tmp_path / "layout.txt")
    from_pdf = extractor.extract_file(pdf)
    assert [s.title for s in from_layout.sections] == [s.title for s in from_pdf.sections]
    assert len(from_layout.sections) == 6  # the template's six sections
    assert len(from_layout.stats) > 150


_TABLE4_HEADERS = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]


@given(
    st.sampled_from(["  ", "    ", "\t", "\u3000", "\xa0\xa0", " \u3000 "]),
    st.permutations(_TABLE4_HEADERS),
    st.integers(2, 5),
    st.sampled_from(["", "    ", "\t"]),
)
def test_header_lines_of_an_all_blank_table_are_table_lines(sep, headers, n, indent):
    """Table 四 with every figure blank: only its header lines are left, in any separator, order or
    indent (``pdftotext -layout``, tabs, ideographic spaces); none is a heading or narrative."""
    header_lines = [
        indent + sep.join(["行政复议", "行政诉讼"]),
        indent + sep.join([*headers[:n], "未经复议直接起诉", "复议后起诉"]),
        indent + sep.join(headers[:n] * 2),
    ]
    raw = "\n".join(
        [
            "四、政府信息公开行政复议、行政诉讼情况",
            *header_lines,
            "",
            "五、存在的主要问题及改进情况",
            "我单位政府信息公开工作仍存在公开内容不够全面等问题，下一步将进一步加强。",
        ]
    )
    n_text = normalise(raw)
    kinds = {ln.text: ln.kind for ln in analyse(n_text.text)}
    assert [kinds[normalise(h).text.strip()] for h in header_lines] == ["table"] * 3
    assert kinds["四、政府信息公开行政复议、行政诉讼情况"] == kinds["五、存在的主要问题及改进情况"] == "heading"
