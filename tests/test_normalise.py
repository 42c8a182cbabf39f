from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from nlp_extract.normalise import apply_edits, normalise

from .conftest import EXAMPLES

CJK = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5)
NOISE = st.sampled_from(["(qū)", "(guān)", "（wù）", "(d?ng)", "（q?）", "\u200b", "\ufeff", "\u00ad"])


def test_traditional_sample_is_simplified_with_identity_lengths():
    raw = EXAMPLES[0].read_text(encoding="utf-8")
    n = normalise(raw)
    assert "北京市昌平区人民政府2018年政府信息公开工作年度报告" in n.text
    assert len(n.text) == len(raw)  # t2s keeps lengths; nothing to remove in this sample


def test_pinyin_and_question_mark_noise_removed_from_sample_003():
    raw = EXAMPLES[3].read_text(encoding="utf-8")
    n = normalise(raw)
    assert "(qū)" in raw and "(qū)" not in n.text and "?" not in n.text
    assert "昆都仑区人民政府" in n.text
    i = n.text.index("昆都仑区人民政府")
    a, b = n.to_raw(i, i + len("昆都仑区人民政府"))
    assert raw[a:b] == "昆都侖區(qū)人民政府"


def test_widths_unified_and_mapped_back():
    raw = "共收到申請１２３件（含網上）"
    n = normalise(raw)
    assert n.text == "共收到申请123件（含网上）"
    i = n.text.index("123")
    assert raw[slice(*n.to_raw(i, i + 3))] == "１２３"


@given(st.lists(st.tuples(CJK, st.one_of(st.none(), NOISE)), min_size=1, max_size=60))
def test_inserted_noise_vanishes_and_offsets_point_at_the_source(pieces):
    raw = "".join(c + (noise or "") for c, noise in pieces)
    clean = "".join(c for c, _ in pieces)
    n = normalise(raw)
    assert n.text == normalise(clean).text
    # every analysis char maps to a raw range that starts with the character it came from
    for i in range(len(n.text)):
        a, b = n.to_raw(i, i + 1)
        assert 0 <= a < b <= len(raw)
        assert normalise(raw[a]).text == n.text[i]


@settings(max_examples=200)
@given(st.text(max_size=300), st.data())
def test_offset_map_is_monotonic_and_in_range_for_any_text(text, data):
    n = normalise(text)
    starts, ends = n.offsets.starts, n.offsets.ends
    assert len(starts) == len(ends) == len(n.text)
    assert all(0 <= a < b <= len(text) for a, b in zip(starts, ends, strict=True))
    assert list(starts) == sorted(starts)
    if n.text:
        i = data.draw(st.integers(0, len(n.text) - 1))
        j = data.draw(st.integers(i, len(n.text)))
        a, b = n.to_raw(i, j)
        assert 0 <= a <= b <= len(text)


def test_apply_edits_keeps_char_alignment_for_equal_length_replacements():
    text, m = apply_edits("ab??cd", [(2, 4, "  ")])
    assert text == "ab  cd"
    assert m.to_raw(2, 3) == (2, 3)
