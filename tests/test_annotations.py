from __future__ import annotations

import json
from collections import Counter
from dataclasses import replace
from pathlib import Path

from nlp_extract.annotations import accepted_keys, validate, validate_all
from nlp_extract.stats.evaluate import match, score_statistics
from nlp_extract.stats.keys import APPLICANTS, RESULTS, all_keys

ANNOTATIONS = Path(__file__).resolve().parent.parent / "annotations"


def test_every_annotation_is_valid(gold):
    assert len(gold) >= 87
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


def _complete(gold):
    return [g for g in gold.values() if (g.path or "").startswith("corpus/complete/")]


def test_complete_reports_are_one_line_and_annotated_whole(gold):
    complete = _complete(gold)
    assert len(complete) == 8
    for g in complete:
        assert "\n" not in g.text  # as the crawler left them
        assert len(g.headings) >= 6
        labels = Counter(sp["label"] for sp in g.spans)
        assert labels["measure"] >= 9
        # every report but the tax bureau's (it has no problems section) admits problems and plans
        if "tax_bureau" not in g.id:
            assert labels["shortcoming"] >= 1 and labels["plan"] >= 1, g.id


def test_complete_table_cells_obey_the_forms_sums(gold):
    """The flattened tables were split by the forms' sums: the gold must satisfy them."""
    checked = 0
    for g in _complete(gold):
        table = {s["key"]: s["value"] for s in g.stats if s["source"] == "table"}
        cells = sorted((s for s in g.stats if s["source"] == "table"), key=lambda s: s["start"])
        assert all(s["text"].replace(".", "").isdigit() for s in cells)
        if g.meta["template"] == "pre2019":
            continue
        rows = {k.rsplit(".", 1)[0] for k in table if k.startswith("requests.")}
        for row in rows:
            parts = [table[f"{row}.{a}"] for a, _ in APPLICANTS[:-1]]
            assert sum(parts) == table[f"{row}.total"], row
        for a, _ in APPLICANTS:
            assert table[f"requests.new.{a}"] + table[f"requests.carried_in.{a}"] == (
                table[f"requests.handled.{a}"] + table[f"requests.carried_out.{a}"]
            ), a
            results = [v for k, v in table.items() if k.endswith(f".{a}") and k.split(".")[1] in _RESULT_ROWS]
            assert sum(results) == table[f"requests.handled.{a}"], a
        for group in ("review", "litigation.direct", "litigation.after_review"):
            assert sum(table[f"{group}.{r}"] for r in RESULTS[:-1]) == table[f"{group}.total"], group
        checked += 1
    assert checked == 3


_RESULT_ROWS = {"granted", "partly_granted", "refused", "unable", "not_processed", "other"}


def test_alternative_forms_are_well_formed():
    """organization_alt and alt_keys (ANNOTATION_GUIDE 3-4): other forms, never the primary one again."""
    keys = all_keys()
    seen_alt = 0
    for file in sorted(ANNOTATIONS.glob("*.jsonl")):
        for line in file.read_text(encoding="utf-8").splitlines():
            r = json.loads(line)
            alt = r.get("organization_alt", [])
            assert isinstance(alt, list) and r.get("organization") not in alt
            assert all(isinstance(o, str) and o and " " not in o for o in alt)
            for s in r.get("stats", []):
                for k in s.get("alt_keys", []):
                    assert k != s["key"] and k in keys, (r["id"], k)
                    seen_alt += 1
    assert seen_alt >= 1
