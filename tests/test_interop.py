"""Import/export for annotation tools: exact offsets both ways, UTF-16 vs code points, DocBin, bad input."""

from __future__ import annotations

import argparse
import json
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nlp_extract import interop
from nlp_extract.annotations import Gold, load
from nlp_extract.errors import InputError
from nlp_extract.interop import (
    from_doccano,
    from_labelstudio,
    py_to_utf16,
    to_docbin,
    to_doccano,
    to_labelstudio,
    utf16_to_py,
)

# CJK Extension B characters (U+20000, U+2A6A5, U+20001): one code point, two UTF-16 units each.
ASTRAL_TEXT = "一、𠀀𪚥工作情況\n加強𠀁建設,完善制度。\n下一步将推进𪚥公开。"


def js_len(s: str) -> int:
    """What JavaScript's String.length says."""
    return len(s.encode("utf-16-le")) // 2


def same(a: Gold, b: Gold) -> None:
    assert (b.id, b.text, b.path, b.meta) == (a.id, a.text, a.path, a.meta)
    assert b.spans == a.spans
    assert b.headings == a.headings
    assert b.stats == a.stats


@pytest.fixture(scope="module")
def astral() -> Gold:
    t = ASTRAL_TEXT

    def at(piece: str) -> tuple[int, int]:
        s = t.index(piece)
        return s, s + len(piece)

    h = at("一、𠀀𪚥工作情況")
    m = at("加強𠀁建設,完善制度。")
    p = at("下一步将推进𪚥公开。")
    return Gold(
        id="astral",
        text=t,
        headings=[{"start": h[0], "end": h[1], "level": 1, "text": t[h[0] : h[1]]}],
        spans=[
            {"start": m[0], "end": m[1], "label": "measure", "text": t[m[0] : m[1]]},
            {"start": p[0], "end": p[1], "label": "plan", "text": t[p[0] : p[1]]},
        ],
        stats=[],
        meta={"organization": None, "year": 2020, "published": None, "template": "2019"},
        path=None,
    )


# --- offset conversion ----------------------------------------------------------------------


def test_offset_conversion_counts_astral_characters_twice():
    t = "甲𠀀乙𪚥丙"
    assert [py_to_utf16(t, i) for i in range(len(t) + 1)] == [0, 1, 3, 4, 6, 7]
    assert [utf16_to_py(t, u) for u in (0, 1, 3, 4, 6, 7)] == list(range(len(t) + 1))
    for u in (2, 5):  # between the two halves of a surrogate pair
        with pytest.raises(InputError, match="splits"):
            utf16_to_py(t, u)
    with pytest.raises(InputError):
        utf16_to_py(t, 8)
    with pytest.raises(InputError):
        py_to_utf16(t, 6)
    assert py_to_utf16("政务公开", 3) == 3  # BMP only: identity


@given(st.text(alphabet=st.sampled_from("政务公开 \n。a𠀀𪚥😀"), max_size=40), st.data())
def test_offset_conversion_matches_javascript_and_inverts(text: str, data: st.DataObject):
    i = data.draw(st.integers(0, len(text)))
    u = py_to_utf16(text, i)
    assert u == js_len(text[:i])
    assert utf16_to_py(text, u) == i


# --- round trips of the whole corpus ----------------------------------------------------------


def test_every_annotation_round_trips_through_doccano(gold: dict[str, Gold]):
    for g in gold.values():
        for entities in (False, True):
            obj = json.loads(json.dumps(to_doccano(g, entities=entities), ensure_ascii=False))
            same(g, from_doccano(obj))


def test_every_annotation_round_trips_through_labelstudio(gold: dict[str, Gold]):
    for g in gold.values():
        for unit in ("codepoints", "utf16"):
            task = json.loads(json.dumps(to_labelstudio(g, unit=unit), ensure_ascii=False))
            same(g, from_labelstudio(task, unit=unit))


def test_doccano_shapes(gold: dict[str, Gold]):
    g = gold["seed-000"]
    obj = to_doccano(g)
    assert obj["text"] == g.text and obj["report_id"] == g.id
    assert len(obj["label"]) == len(g.spans) + len(g.headings)
    h = g.headings[0]
    assert [h["start"], h["end"], f"heading_L{h['level']}"] in obj["label"]
    ent = to_doccano(g, entities=True)
    assert "label" not in ent and ent["relations"] == []
    assert set(ent["entities"][0]) == {"id", "label", "start_offset", "end_offset"}
    # doccano's own export adds its integer id and a Comments column; the old key was "labels"
    plain = {"id": 7, "text": g.text, "labels": obj["label"], "Comments": []}
    back = from_doccano(plain)
    assert back.id == "7" and back.spans == g.spans and back.headings == g.headings
    assert from_doccano(plain, id="mine").id == "mine"


def test_labelstudio_shapes(gold: dict[str, Gold]):
    g = gold["seed-000"]
    task = to_labelstudio(g)
    assert task["data"]["text"] == g.text
    regions = task["annotations"][0]["result"]
    assert len(regions) == len(g.spans) + len(g.headings)
    r = regions[0]
    assert (r["from_name"], r["to_name"], r["type"]) == ("label", "text", "labels")
    assert g.text[r["value"]["start"] : r["value"]["end"]] == r["value"]["text"]
    assert len(r["value"]["labels"]) == 1
    # a cancelled annotation is skipped; other control types (choices, relations) are ignored
    cancelled = {"was_cancelled": True, "result": []}
    extra = {"type": "choices", "value": {"choices": ["ok"]}, "from_name": "c", "to_name": "text"}
    busy = {**task, "annotations": [cancelled, {"result": [*regions, extra]}]}
    same(g, from_labelstudio(busy))
    unannotated = from_labelstudio({"id": 3, "data": {"text": g.text}})
    assert unannotated.id == "3" and unannotated.spans == [] and unannotated.headings == []
    assert "pre-wrap" in interop.labelstudio_config()


# --- astral characters ----------------------------------------------------------------------


def test_astral_offsets_in_doccano_are_utf16(astral: Gold):
    t = astral.text
    obj = to_doccano(astral)
    for (s, e, label), (ps, pe, plabel) in zip(obj["label"], interop._labelled(astral), strict=True):
        assert (s, e, label) == (js_len(t[:ps]), js_len(t[:pe]), plabel)
        assert (s, e) != (ps, pe)  # every item sits after an astral character
    same(astral, from_doccano(obj))
    # the same file read as code points is caught, not silently shifted
    with pytest.raises(InputError):
        from_doccano(obj, unit="codepoints")


def test_astral_offsets_in_labelstudio_follow_the_unit(astral: Gold):
    t = astral.text
    cp = to_labelstudio(astral)
    u16 = to_labelstudio(astral, unit="utf16")
    for a, b, (ps, pe, _) in zip(
        cp["annotations"][0]["result"], u16["annotations"][0]["result"], interop._labelled(astral), strict=True
    ):
        assert (a["value"]["start"], a["value"]["end"]) == (ps, pe)
        assert (b["value"]["start"], b["value"]["end"]) == (js_len(t[:ps]), js_len(t[:pe]))
        assert a["value"]["text"] == b["value"]["text"] == t[ps:pe]
    same(astral, from_labelstudio(cp))
    same(astral, from_labelstudio(u16, unit="utf16"))
    with pytest.raises(InputError, match="wrong unit"):
        from_labelstudio(u16)  # UTF-16 offsets read as code points: region text no longer matches


def test_labelstudio_counts_code_points_like_its_own_e2e_test():
    # label-studio web/libs/editor/tests/integration/e2e/ner/emoji.cy.ts: "test" is at 21-25
    text = "🐱 Warning: This is a test text"
    region = {"from_name": "label", "to_name": "text", "type": "labels"}
    value = {"start": 21, "end": 25, "text": "test", "labels": ["measure"]}
    task = {"id": 1, "data": {"text": text}, "annotations": [{"result": [{**region, "value": value}]}]}
    g = from_labelstudio(task)
    assert g.spans == [{"start": 21, "end": 25, "label": "measure", "text": "test"}]
    assert to_labelstudio(g)["annotations"][0]["result"][0]["value"]["start"] == 21


def test_stats_ride_along_with_converted_offsets(gold: dict[str, Gold], astral: Gold):
    t = astral.text
    s = t.index("推进")
    stat = {
        "key": "capacity.staff",
        "value": 1,
        "unit": None,
        "approx": False,
        "source": "text",
        "start": s,
        "end": s + 2,
    }
    g = replace(astral, stats=[{**stat, "text": t[s : s + 2]}])
    obj = to_doccano(g)
    assert obj["stats"][0]["start"] == js_len(t[:s])
    same(g, from_doccano(obj))
    assert to_labelstudio(g)["data"]["stats"][0]["start"] == s
    with_stats = next(x for x in gold.values() if x.stats)
    same(with_stats, from_labelstudio(to_labelstudio(with_stats, unit="utf16"), unit="utf16"))


# --- spaCy DocBin -----------------------------------------------------------------------------


def test_docbin_has_the_spans_at_exact_char_offsets(gold: dict[str, Gold], astral: Gold):
    from spacy.tokens import DocBin

    from nlp_extract.spacy_doc import blank_zh

    golds = [gold["seed-000"], gold["seed-002"], astral]
    nlp = blank_zh()
    db = DocBin(store_user_data=True).from_bytes(to_docbin(golds, nlp).to_bytes())
    docs = list(db.get_docs(nlp.vocab))
    assert len(docs) == len(golds)
    for g, doc in zip(golds, docs, strict=True):
        assert doc.text == g.text
        assert doc.cats == {}
        assert doc.user_data["id"] == g.id
        sc = [(sp.start_char, sp.end_char, sp.label_) for sp in doc.spans["sc"]]
        assert sc == sorted((s["start"], s["end"], s["label"]) for s in g.spans)
        heads = [(sp.start_char, sp.end_char, sp.label_) for sp in doc.spans["headings"]]
        assert heads == sorted((h["start"], h["end"], f"heading_L{h['level']}") for h in g.headings)
        assert {sp.label_ for sp in doc.spans["sc"]} <= {"measure", "shortcoming", "plan"}


def test_every_annotation_fits_a_docbin(gold: dict[str, Gold], tmp_path: Path):
    out = interop.write_docbin(gold.values(), tmp_path / "train.spacy")
    assert out.stat().st_size > 0


# --- bad input --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "obj",
    [
        [1, 2, 3],  # not an object
        {"report_id": "x", "label": []},  # no text
        {"report_id": "x", "text": "", "label": []},
        {"text": "加強建設。", "label": []},  # no id anywhere
        {"report_id": "x", "text": "加強建設。", "label": [[0, 99, "measure"]]},  # out of range
        {"report_id": "x", "text": "加強建設。", "label": [[-1, 3, "measure"]]},
        {"report_id": "x", "text": "加強建設。", "label": [[3, 1, "measure"]]},
        {"report_id": "x", "text": "加強建設。", "label": [["0", 5, "measure"]]},  # not an int
        {"report_id": "x", "text": "加強建設。", "label": [[0, 5]]},  # not a triple
        {"report_id": "x", "text": "加強建設。", "label": [[0, 5, "other"]]},  # unknown label
        {"report_id": "x", "text": "加強建設。", "label": [[0, 5, "heading_L0"]]},
        {"report_id": "x", "text": "加強建設。", "label": [[0, 5, "measure"], [2, 5, "heading_L1"]]},  # overlap
        {"report_id": "x", "text": " 加強建設。", "label": [[0, 6, "measure"]]},  # untrimmed
        {"report_id": "x", "text": "𠀀加強。", "label": [[1, 4, "measure"]]},  # splits a surrogate pair
        {"report_id": "x", "text": "加強建設。", "entities": [{"start_offset": 0, "label": "measure"}]},
        {"report_id": "x", "text": "加強建設。", "label": [], "stats": [{"start": 0, "end": 9}]},
    ],
)
def test_bad_doccano_records_raise_input_error(obj: object):
    with pytest.raises(InputError):
        from_doccano(obj)


def test_bad_labelstudio_tasks_raise_input_error():
    region = {"from_name": "label", "to_name": "text", "type": "labels"}
    ok = {"start": 0, "end": 5, "text": "加強建設。", "labels": ["measure"]}

    def task(**value: object) -> dict[str, object]:
        result = [{**region, "value": {**ok, **value}}]
        return {"id": 1, "data": {"text": "加強建設。"}, "annotations": [{"result": result}]}

    assert from_labelstudio(task()).spans[0]["label"] == "measure"
    for bad in (
        task(labels=["measure", "plan"]),
        task(labels=[]),
        task(text="加強"),
        task(end=9),
        task(labels=["nope"]),
        {"id": 1, "text": "加強建設。"},  # no data
        {"id": 1, "data": {"text": "加強建設。"}, "annotations": {"result": []}},
        "not a task",
    ):
        with pytest.raises(InputError):
            from_labelstudio(bad)
    with pytest.raises(ValueError):
        from_labelstudio(task(), unit="bytes")  # type: ignore[arg-type]


def test_bad_files_raise_input_error(tmp_path: Path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "加強建設。", "label": []}\n{not json\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"bad\.jsonl:2"):
        interop.read(bad, "doccano")
    dup = tmp_path / "dup.jsonl"
    line = json.dumps({"report_id": "a", "text": "加強建設。", "label": []}, ensure_ascii=False)
    dup.write_text(f"{line}\n{line}\n", encoding="utf-8")
    with pytest.raises(InputError, match="duplicate"):
        interop.read(dup, "doccano")
    with pytest.raises(InputError):
        interop.read(tmp_path / "missing.json", "labelstudio")
    ls = tmp_path / "ls.json"
    ls.write_text("[1, 2]", encoding="utf-8")
    with pytest.raises(InputError):
        interop.read(ls, "labelstudio")


# --- command line -------------------------------------------------------------------------------


def run_convert(*argv: str) -> int:
    parser = argparse.ArgumentParser()
    interop.register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["convert", *argv])
    return int(args.handler(args))


def test_convert_command_round_trips_files(tmp_path: Path):
    root = Path(__file__).resolve().parent.parent / "annotations"
    src = root / "seeds_a.jsonl"
    d, ls, back = (str(tmp_path / n) for n in ("d.jsonl", "l.json", "b.jsonl"))
    assert run_convert("--from", "jsonl", "--to", "doccano", str(src), d) == 0
    assert run_convert("--from", "doccano", "--to", "labelstudio", d, ls) == 0
    assert run_convert("--from", "labelstudio", "--to", "jsonl", ls, back) == 0
    original = load(src)
    for a, b in zip(original, load(back), strict=True):
        same(a, b)
    tasks = json.loads(Path(ls).read_text(encoding="utf-8"))
    assert isinstance(tasks, list) and len(tasks) == len(original)
    assert run_convert("--from", "jsonl", "--to", "docbin", str(root), str(tmp_path / "all.spacy")) == 0
    assert (tmp_path / "all.spacy").stat().st_size > 0
    with pytest.raises(InputError):
        run_convert("--from", "jsonl", "--to", "doccano", str(tmp_path / "missing"), d)


def test_convert_command_applies_the_unit_options(astral: Gold, tmp_path: Path):
    src = interop.write([astral], tmp_path / "a.jsonl", "jsonl")
    first = astral.spans[0]["start"]
    expected = {"codepoints": first, "utf16": js_len(astral.text[:first])}
    for unit, start in expected.items():
        out = tmp_path / f"{unit}.json"
        assert (
            run_convert("--from", "jsonl", "--to", "labelstudio", "--labelstudio-unit", unit, str(src), str(out)) == 0
        )
        regions = json.loads(out.read_text(encoding="utf-8"))[0]["annotations"][0]["result"]
        assert [r["value"]["start"] for r in regions if r["value"]["labels"] == ["measure"]] == [start]
        dc = tmp_path / f"{unit}.jsonl"
        assert (
            run_convert("--from", "labelstudio", "--to", "doccano", "--labelstudio-unit", unit, str(out), str(dc)) == 0
        )
        same(astral, interop.read(dc, "doccano")[0])
