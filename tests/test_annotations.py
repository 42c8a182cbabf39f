from __future__ import annotations

from collections import Counter
from dataclasses import replace

from nlp_extract.annotations import validate, validate_all


def test_every_annotation_is_valid(gold):
    assert len(gold) >= 45
    assert validate_all(gold.values()) == []


def test_annotations_cover_both_template_generations_and_traditional_script(gold):
    templates = Counter(g.meta["template"] for g in gold.values())
    assert templates["pre2019"] >= 10 and templates["2019"] + templates["2021"] >= 10
    traditional = [g for g in gold.values() if "報告" in g.text or "資訊" in g.text or "區" in g.text]
    assert len(traditional) >= 4
    labels = Counter(sp["label"] for g in gold.values() for sp in g.spans)
    assert all(labels[k] >= 20 for k in ("measure", "shortcoming", "plan"))


def test_validator_catches_broken_records(gold):
    g = gold["seed-001"]
    span = dict(g.spans[0])
    assert validate(replace(g, spans=[{**span, "end": span["end"] + 1}])) != []  # text no longer matches
    h = g.headings[0]
    covering = {"start": h["start"], "end": h["end"], "label": "measure", "text": g.text[h["start"] : h["end"]]}
    assert any("overlaps" in p for p in validate(replace(g, spans=[*g.spans, covering])))
    assert any("label" in p for p in validate(replace(g, spans=[{**span, "label": "other"}])))
