from __future__ import annotations

import json
from collections import Counter

import pytest

from nlp_extract.output import to_json, to_markdown
from nlp_extract.spacy_doc import to_spacy

from .conftest import EXAMPLES


@pytest.fixture(scope="module")
def results(extractor):
    return {p.name: extractor.extract_file(p) for p in EXAMPLES}


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name[:3])
def test_every_span_and_statistic_is_grounded_in_the_raw_text(path, results, validate_output):
    raw = path.read_text(encoding="utf-8")
    result = results[path.name]
    validate_output(result.to_dict())
    for item in [*result.spans, *result.stats]:
        assert raw[item.start : item.end] == item.text
    for s in result.sections:
        assert raw[s.heading_start : s.heading_end] == s.title
    heading_ranges = [(s.heading_start, s.heading_end) for s in result.sections]
    for sp in result.spans:
        assert "\n" not in sp.text and sp.text == sp.text.strip()
        assert all(sp.end <= a or sp.start >= b for a, b in heading_ranges)


def test_all_three_labels_found_on_the_samples(results):
    labels = Counter(sp.label for r in results.values() for sp in r.spans)
    assert set(labels) == {"measure", "shortcoming", "plan"}
    assert labels["measure"] > labels["plan"] > 0


def test_spans_are_linked_to_their_innermost_section(results):
    result = results[EXAMPLES[0].name]  # 000: 四、存在的不足和2019年重点工作 > （二）2019年重点工作
    by_id = {s.id: s for s in result.sections}
    plans = [sp for sp in result.spans if sp.heading_path and sp.heading_path[-1].endswith("2019年重點工作")]
    assert plans, "no span under （二）2019年重點工作"
    for sp in plans:
        section = by_id[sp.section]
        assert section.start <= sp.start < section.end and section.level == 2
        assert sp.heading_path[0].startswith("四、")
    assert sum(sp.label == "plan" for sp in plans) >= len(plans) / 2


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name[:3])
def test_metadata_matches_gold(path, results, seed_gold):
    meta, g = results[path.name].meta, seed_gold[path.name].meta
    assert meta.year == g["year"]
    assert meta.template == g["template"]
    if meta.organization is not None:
        assert meta.organization in {g["organization"], *g.get("organization_alt", [])}


def test_metadata_of_the_web_page_sample(results):
    meta = results[EXAMPLES[0].name].meta
    assert (meta.organization, meta.published) == ("北京市昌平区人民政府", "2019-03-19")


def test_same_input_gives_byte_identical_json(extractor):
    raw = EXAMPLES[2].read_text(encoding="utf-8")
    assert to_json(extractor.extract_text(raw)) == to_json(extractor.extract_text(raw))


def test_markdown_outline_lists_sections_and_spans(results):
    md = to_markdown(results[EXAMPLES[4].name])
    assert "## 一、重点工作情况" in md and "**measure**" in md


def test_spacy_doc_holds_the_spans(results):
    result = results[EXAMPLES[1].name]
    doc = to_spacy(result)
    spans = doc.spans["nlp_extract"]
    assert doc.text == result.text
    assert len(spans) == len(result.spans)
    assert {s.label_ for s in spans} == {sp.label for sp in result.spans}
    assert spans[0].start_char == result.spans[0].start


def test_text_and_bytes_entry_points_agree(extractor):
    path = EXAMPLES[3]
    a = extractor.extract_file(path).to_dict()
    b = extractor.extract_bytes(path.read_bytes(), path=str(path)).to_dict()
    assert json.dumps(a, ensure_ascii=False) == json.dumps(b, ensure_ascii=False)


def test_position_counts_narrative_characters_only():
    """A table or page chrome added to a report does not move its sentences (the labeller reads position)."""
    from nlp_extract.pipeline import Extractor, make_doc

    stages = ("structure", "statistics", "metadata", "sentences", "contexts")
    raw = EXAMPLES[0].read_text(encoding="utf-8")
    lines = raw.split("\n")
    middle = len(lines) // 2
    table = ["项目 | 本年数 |", "收到申请数 | 3 |", "办结数 | 3 |"]
    padded = "\n".join(["首页 | 政务公开 | 年度报告", *lines[:middle], *table, *lines[middle:]])

    def contexts(text: str) -> list:
        return Extractor(pipeline=stages).run(make_doc(text)).contexts

    plain, framed = contexts(raw), contexts(padded)
    assert [u.text for u in plain] == [u.text for u in framed] and len(plain) > 20
    assert [u.position for u in plain] == pytest.approx([u.position for u in framed])
    positions = [u.position for u in plain]
    assert positions == sorted(positions) and positions[0] < 0.05 and positions[-1] < 1.0
