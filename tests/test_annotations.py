from __future__ import annotations

import json
from collections import Counter
from dataclasses import replace
from pathlib import Path

from nlp_extract.annotations import validate, validate_all
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
