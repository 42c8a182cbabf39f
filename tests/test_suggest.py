"""The learning loop end to end: suggest -> an annotator's Label Studio export -> convert -> train -> better.

The annotator is played by the gold annotations: a few annotated reports are given to
``suggest`` as an unlabelled corpus, the export corrects the model's pre-annotations to their
gold labels, and the model trained on a small base set plus the imported reports must label
the flagged units better than the model that flagged them.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from nlp_extract import interop
from nlp_extract.annotations import Gold, load, validate
from nlp_extract.cli import main
from nlp_extract.pipeline import Extractor
from nlp_extract.suggest import score_file, select

from .conftest import EXAMPLES, ROOT

NEW_REPORTS = 3  # the corpus the loop suggests from
BASE_REPORTS = 12  # what the first model is trained on


def gold_label(report: Gold, start: int, end: int) -> str:
    """The gold label of a raw range: the label of most of its characters ("none" unless over half)."""
    owner = Counter[str]()
    for sp in report.spans:
        owner[sp["label"]] += max(0, min(end, sp["end"]) - max(start, sp["start"]))
    label, chars = max(owner.items(), key=lambda kv: (kv[1], kv[0]), default=("none", 0))
    return label if chars * 2 > end - start else "none"


def annotate(task: dict[str, Any], report: Gold) -> dict[str, Any]:
    """What Label Studio exports after an annotator corrected the prediction to the gold labels.

    Regions the model got right are kept as they were (Label Studio copies accepted prediction
    regions); wrong ones are deleted and the missing gold ones drawn by hand.
    """
    wanted = {(s["start"], s["end"], s["label"]) for s in report.spans}
    wanted |= {(h["start"], h["end"], f"heading_L{h['level']}") for h in report.headings}
    predicted = task["predictions"][0]["result"]
    kept = [r for r in predicted if (r["value"]["start"], r["value"]["end"], r["value"]["labels"][0]) in wanted]
    have = {(r["value"]["start"], r["value"]["end"], r["value"]["labels"][0]) for r in kept}
    drawn = [
        {
            "id": f"manual{n}",
            "from_name": "label",
            "to_name": "text",
            "type": "labels",
            "origin": "manual",
            "value": {"start": s, "end": e, "text": report.text[s:e], "labels": [label]},
        }
        for n, (s, e, label) in enumerate(sorted(wanted - have))
    ]
    return {**task, "annotations": [{"id": 1, "result": kept + drawn, "was_cancelled": False}]}


@pytest.fixture(scope="module")
def split(gold: dict[str, Gold]) -> tuple[list[Gold], list[Gold]]:
    """New reports: the annotated ones with the most shortcoming and plan spans (where a small model is weakest);
    base: the first reports by id among the rest."""
    ranked = sorted(gold.values(), key=lambda g: (-sum(s["label"] != "measure" for s in g.spans), g.id))
    new = ranked[:NEW_REPORTS]
    base = sorted((g for g in gold.values() if g not in new), key=lambda g: g.id)[:BASE_REPORTS]
    return new, base


def write_jsonl(reports: list[Gold], path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(interop.to_record(g), ensure_ascii=False) + "\n" for g in reports), "utf-8")
    return path


def test_suggest_export_edit_convert_train_is_better_on_the_edited_units(tmp_path, split, capsys):
    new, base = split
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    by_file = {}
    for g in new:
        path = corpus / f"{g.id}.txt"
        path.write_text(g.text, encoding="utf-8")
        by_file[str(path)] = g

    # the first model, on the base set only
    write_jsonl(base, tmp_path / "base" / "base.jsonl")
    old = tmp_path / "old-model"
    assert main(["train", "--annotations", str(tmp_path / "base"), "--out", str(old), "--folds", "2", "--quiet"]) == 0

    # export: the 24 units the old model is least sure of, as Label Studio tasks
    tasks_file = tmp_path / "tasks.json"
    assert main(["suggest", str(corpus), "--model", str(old), "-n", "24", "-o", str(tasks_file)]) == 0
    assert "24 units in" in capsys.readouterr().err
    tasks = json.loads(tasks_file.read_text(encoding="utf-8"))
    assert 1 <= len(tasks) <= NEW_REPORTS
    flagged = [(task["data"]["path"], u) for task in tasks for u in task["data"]["uncertain"]]
    assert len(flagged) == 24
    for task in tasks:
        text = task["data"]["text"]
        report = by_file[task["data"]["path"]]
        assert text == report.text  # the whole raw text: offsets need no mapping
        for region in task["predictions"][0]["result"]:
            v = region["value"]
            assert region["type"] == "labels" and text[v["start"] : v["end"]] == v["text"]
        for u in task["data"]["uncertain"]:
            assert text[u["start"] : u["end"]] == u["text"]
            assert abs(sum(u["probabilities"].values()) - 1) < 1e-3

    # the annotator corrects the pre-annotations to the gold labels; Label Studio exports the tasks
    export = tmp_path / "export.json"
    edited = [{"id": n, **annotate(t, by_file[t["data"]["path"]])} for n, t in enumerate(tasks, 1)]
    export.write_text(json.dumps(edited, ensure_ascii=False), encoding="utf-8")

    # import: back to annotation records, exactly the gold labels over the raw text
    reviewed = tmp_path / "annotations" / "reviewed.jsonl"
    assert main(["convert", "--from", "labelstudio", "--to", "jsonl", str(export), str(reviewed)]) == 0
    imported = load(reviewed)
    assert len(imported) == len(tasks)
    for g in imported:
        report = by_file[g.path or ""]
        assert not validate(g)
        assert (g.text, g.spans, g.headings) == (report.text, report.spans, report.headings)

    # train on the base set and the reviewed reports; the new model labels the flagged units better
    write_jsonl(base, tmp_path / "annotations" / "base.jsonl")
    new_model = tmp_path / "new-model"
    args = ["train", "--annotations", str(tmp_path / "annotations"), "--out", str(new_model), "--folds", "2", "--quiet"]
    assert main(args) == 0
    retrained = Extractor.load(new_model)
    new_units = {p: {(u.start, u.end): u.label for u in score_file(retrained, p).units} for p in by_file}
    gold_of = [gold_label(by_file[p], u["start"], u["end"]) for p, u in flagged]
    old_right = sum(g == (u["label"] or "none") for g, (_, u) in zip(gold_of, flagged, strict=True))
    new_labels = [new_units[p][(u["start"], u["end"])] or "none" for p, u in flagged]
    new_right = sum(g == lab for g, lab in zip(gold_of, new_labels, strict=True))
    assert new_right > old_right, (old_right, new_right)

    # and `evaluate` shows the change on the reviewed reports
    figures = {}
    for name, model in (("old", old), ("new", new_model)):
        capsys.readouterr()
        assert main(["evaluate", "--annotations", str(reviewed), "--model", str(model), "--json"]) == 0
        figures[name] = json.loads(capsys.readouterr().out)["model"]["char"]["macro_f1"]
    assert figures["new"] > figures["old"], figures


def test_selection_is_the_least_certain_units_in_a_deterministic_order(extractor):
    reports = [score_file(extractor, p) for p in EXAMPLES]
    everything = sorted(
        ((u.margin, order, u.start) for order, r in enumerate(reports) for u in r.units),
    )
    for n in (1, 7, 40):
        chosen = select(iter(reports), n, "margin")
        got = sorted((u.margin, reports.index(r), u.start) for r, units in chosen for u in units)
        assert got == everything[:n]
        firsts = [min(u.margin for u in units) for _, units in chosen]
        assert firsts == sorted(firsts)  # tasks come least certain first
    by_entropy = select(iter(reports), 10, "entropy")
    top = sorted((-u.entropy, order, u.start) for order, r in enumerate(reports) for u in r.units)[:10]
    assert sorted((-u.entropy, reports.index(r), u.start) for r, us in by_entropy for u in us) == top
    assert select(iter(reports), 10, "margin") == select(iter(reports), 10, "margin")


def test_doccano_tasks_count_utf16_and_convert_back(tmp_path, extractor):
    # a character outside the BMP before everything: doccano's offsets then differ from Python's
    text = "𠀀" + EXAMPLES[0].read_text(encoding="utf-8")
    (tmp_path / "corpus").mkdir()
    (tmp_path / "corpus" / "astral.txt").write_text(text, encoding="utf-8")
    out = tmp_path / "tasks.jsonl"
    assert main(["suggest", str(tmp_path / "corpus"), "-n", "5", "--to", "doccano", "-o", str(out)]) == 0
    (record,) = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert record["text"] == text
    for u in record["uncertain"]:
        a, b = interop.utf16_to_py(text, u["start"]), interop.utf16_to_py(text, u["end"])
        assert text[a:b] == u["text"] and u["start"] == a + 1
    # accepted as it is: the model's own spans come back, at Python offsets
    back = tmp_path / "back.jsonl"
    assert main(["convert", "--from", "doccano", "--to", "jsonl", str(out), str(back)]) == 0
    (g,) = load(back)
    predicted = extractor.extract_text(text).spans
    assert [(s["start"], s["end"], s["label"]) for s in g.spans] == [(s.start, s.end, s.label) for s in predicted]


def test_excluded_reports_and_labelling_config(tmp_path, seed_gold):
    config = tmp_path / "config.xml"
    out = tmp_path / "tasks.json"
    examples = str(ROOT / "examples")
    argv = ["suggest", examples, "-n", "50", "-o", str(out), "--config", str(config)]
    assert main([*argv, "--exclude", str(ROOT / "annotations" / "seeds_a.jsonl")]) == 0
    excluded = {g.text for g in load(ROOT / "annotations" / "seeds_a.jsonl")}
    tasks = json.loads(out.read_text(encoding="utf-8"))
    assert tasks and not {t["data"]["text"] for t in tasks} & excluded
    assert '"$review"' in config.read_text(encoding="utf-8")
    assert all(t["data"]["review"].count("\n") + 1 == len(t["data"]["uncertain"]) for t in tasks)


@pytest.mark.parametrize(
    "argv, message",
    [
        (["-n", "0"], "-n must be at least 1"),
        (["--model", "RULES"], "gives no probabilities"),
        (["--model", "MISSING"], "not a model directory"),
    ],
)
def test_bad_requests_give_one_line_and_exit_2(tmp_path, capsys, argv, message):
    (tmp_path / "RULES").mkdir()
    (tmp_path / "RULES" / "config.json").write_text('{"labeller": "rules"}', encoding="utf-8")
    argv = [str(tmp_path / a) if a in ("RULES", "MISSING") else a for a in argv]
    assert main(["suggest", str(EXAMPLES[0]), *argv]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1


def test_no_report_files_is_an_input_error(tmp_path, capsys):
    assert main(["suggest", str(tmp_path)]) == 2
    assert "no report files" in capsys.readouterr().err


def test_a_pdf_report_round_trips_to_its_annotation(tmp_path, gold):
    """Any supported format: the task's text is the extracted text the annotation embeds, so a review maps back."""
    pdf = ROOT / "tests" / "data" / "huaian_city_2024.pdf"
    (annotation,) = [g for g in gold.values() if Path(g.path or "").name == pdf.name]
    tasks_file = tmp_path / "tasks.json"
    assert main(["suggest", str(pdf), "-n", "10", "-o", str(tasks_file)]) == 0
    (task,) = json.loads(tasks_file.read_text(encoding="utf-8"))
    assert task["data"]["text"] == annotation.text and task["data"]["path"] == str(pdf)
    export = tmp_path / "export.json"
    export.write_text(json.dumps([{"id": 7, **annotate(task, annotation)}], ensure_ascii=False), encoding="utf-8")
    back = tmp_path / "back.jsonl"
    assert main(["convert", "--from", "labelstudio", "--to", "jsonl", str(export), str(back)]) == 0
    (g,) = load(back)
    assert (g.spans, g.headings) == (annotation.spans, annotation.headings)
