from __future__ import annotations

from collections import Counter
from dataclasses import replace

from nlp_extract.annotations import accepted_keys, validate, validate_all
from nlp_extract.stats.evaluate import match, score_statistics


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


def test_validator_checks_alternatives_and_units(gold):
    g = gold["huaian_city_2024"]
    fee = next(s for s in g.stats if s["key"] == "fees.total")
    assert (fee["value"], fee["unit"], fee["text"]) == (0.394, "万元", "3940")  # 3940元 stored in the key's 万元
    others = [s for s in g.stats if s is not fee]
    assert any("万元" in p for p in validate(replace(g, stats=[*others, {**fee, "value": 3940, "unit": "元"}])))
    for alts in (["proactive.nonsense"], [fee["key"]], "capacity.budget"):
        assert any("alt" in p for p in validate(replace(g, stats=[*others, {**fee, "alt_keys": alts}])))
    for forms in ([""], [" 淮安市"], ["淮安市人民政府"], "淮安市"):
        assert validate(replace(g, meta={**g.meta, "organization_alt": forms})) != []


def test_alternative_keys_and_forms_are_accepted_in_scoring(gold):
    # b18: "在苍溪县人民政府门户网站主动公开政府信息267条。其中:概况类信息11条…" is proactive.total,
    # alternative key proactive.channels.website (guide, section 3): a tool is right with either.
    g = gold["b18_cangxi_agri_bureau_2018"]
    (fig,) = [s for s in g.stats if s["value"] == 267]
    assert accepted_keys(fig) == {"proactive.total", "proactive.channels.website"}
    with_alt = score_statistics([g])["overall"]["text"]
    without = score_statistics([replace(g, stats=[{**fig, "alt_keys": []}])])["overall"]["text"]
    assert (with_alt["tp"], with_alt["fn"]) == (1, 0) and (without["tp"], without["fn"]) == (0, 1)
    # one predicted figure is matched to one gold figure, even where two would accept it
    total_or_site = (("proactive.total", "proactive.channels.website"), 145.0)
    site = (("proactive.channels.website",), 145.0)
    assert len(match({total_or_site, site}, {("proactive.channels.website", 145.0)})) == 1
    assert len(match({total_or_site, site}, {("proactive.channels.website", 145.0), ("proactive.total", 145.0)})) == 2
    assert gold["79_zibo_hitech_police_branch_2024"].organizations == {
        "淄博市公安局高新区分局",
        "淄博市公安局高新技术产业开发区分局",
    }
