"""Import and export of gold annotations for annotation tools: doccano, Label Studio, spaCy DocBin.

Annotators work in browser tools, whose offsets are not Python ``str`` indices:

* doccano (sequence labelling) counts UTF-16 code units, JavaScript's ``String.length``
  (doccano/doccano#2290), unless the project was created with "Count grapheme clusters as
  one character", which this module does not support.
* Label Studio's ``Text`` tag stores code points in ``value.start``/``value.end`` since the
  emoji fix (HumanSignal/label-studio#1559, label-studio-frontend#308; its own e2e test
  ``web/libs/editor/tests/integration/e2e/ner/emoji.cy.ts``: "Should calculate offsets by
  code points in text"). Older releases counted UTF-16 units (label-studio#1347), hence the
  ``unit`` parameter.

Both only differ from Python indices after a character outside the BMP (CJK Extension B
and later, emoji), which JavaScript stores as a surrogate pair: ``py_to_utf16`` and
``utf16_to_py`` convert, and refuse an offset that falls inside a pair.

Headings travel as labels ``heading_L{level}``; statistics and report metadata, which the
tools cannot edit, ride along in the record (doccano: extra columns, kept as example
metadata; Label Studio: ``data`` fields) so that a round trip loses nothing. Every import is
checked with :func:`nlp_extract.annotations.validate`; bad data raises ``InputError``.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, get_args

from .annotations import Gold, record_meta, validate
from .errors import InputError

if TYPE_CHECKING:
    from spacy.tokens import DocBin

Unit = Literal["utf16", "codepoints"]
UNITS: tuple[str, ...] = get_args(Unit)
DOCCANO_UNIT: Unit = "utf16"
LABEL_STUDIO_UNIT: Unit = "codepoints"

HEADING_LABEL = re.compile(r"heading_L([1-9][0-9]*)")
READ_FORMATS = ("jsonl", "doccano", "labelstudio")
WRITE_FORMATS = (*READ_FORMATS, "docbin")

_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


# --- offsets -----------------------------------------------------------------------------


@lru_cache(maxsize=32)
def _astral(text: str) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Python indices of astral characters and their UTF-16 starts (cached: one scan per text)."""
    pos = tuple(m.start() for m in _ASTRAL.finditer(text))
    return pos, tuple(p + k for k, p in enumerate(pos))


def _int(x: Any, what: str) -> int:
    if isinstance(x, bool) or not isinstance(x, int):
        raise InputError(f"{what}: offset must be an integer, got {x!r}")
    return x


def py_to_utf16(text: str, index: int) -> int:
    """UTF-16 code-unit offset of Python index ``index`` (each astral character before it counts 2)."""
    if not 0 <= index <= len(text):
        raise InputError(f"offset {index} outside the text (0-{len(text)})")
    return index + bisect_left(_astral(text)[0], index)


def utf16_to_py(text: str, offset: int) -> int:
    """Python index of UTF-16 offset ``offset``; an offset inside a surrogate pair is an error."""
    starts = _astral(text)[1]
    k = bisect_left(starts, offset)  # astral characters starting before the offset
    if k and starts[k - 1] + 1 == offset:
        raise InputError(f"UTF-16 offset {offset} splits the character at index {starts[k - 1] - (k - 1)}")
    index = offset - k
    if not 0 <= index <= len(text):
        raise InputError(f"UTF-16 offset {offset} outside the text (0-{len(text) + len(starts)})")
    return index


def to_unit(text: str, index: int, unit: Unit) -> int:
    """Python index to the tool's unit."""
    return py_to_utf16(text, index) if unit == "utf16" else index


def from_unit(text: str, offset: Any, unit: Unit, what: str = "offset") -> int:
    """The tool's offset to a Python index (type-checked: tool files are user input)."""
    offset = _int(offset, what)
    return utf16_to_py(text, offset) if unit == "utf16" else offset


def _check_unit(unit: str) -> Unit:
    if unit not in UNITS:
        raise ValueError(f"unit must be one of {UNITS}, not {unit!r}")
    return unit  # type: ignore[return-value]


# --- shared pieces -------------------------------------------------------------------------


def _labelled(gold: Gold) -> list[tuple[int, int, str]]:
    """Spans and headings as (start, end, label) in text order: headings become ``heading_L{level}``."""
    items = [(s["start"], s["end"], str(s["label"])) for s in gold.spans]
    items += [(h["start"], h["end"], f"heading_L{h['level']}") for h in gold.headings]
    return sorted(items)


def _carried(gold: Gold, unit: Unit) -> dict[str, Any]:
    """What the tool cannot edit but must give back: id, path, metadata, statistics (offsets in ``unit``)."""
    stats = [
        {**st, "start": to_unit(gold.text, st["start"], unit), "end": to_unit(gold.text, st["end"], unit)}
        for st in gold.stats
    ]
    return {"report_id": gold.id, "path": gold.path, **record_meta(gold.meta), "stats": stats}


def _build(
    rid: str, text: str, items: Iterable[tuple[Any, Any, Any, Any]], carried: dict[str, Any], unit: Unit
) -> Gold:
    """A validated ``Gold`` from (start, end, label, text-or-None) items in the tool's unit."""
    spans: list[dict[str, Any]] = []
    headings: list[dict[str, Any]] = []
    for start, end, label, piece in items:
        s = from_unit(text, start, unit, f"{rid}: {label} start")
        e = from_unit(text, end, unit, f"{rid}: {label} end")
        if not isinstance(label, str):
            raise InputError(f"{rid}: label must be a string, got {label!r}")
        if piece is not None and (not 0 <= s < e <= len(text) or text[s:e] != piece):
            raise InputError(
                f"{rid}: region text {piece!r} differs from the text at {start}-{end} ({unit} offsets; wrong unit?)"
            )
        m = HEADING_LABEL.fullmatch(label)
        if m:
            headings.append({"start": s, "end": e, "level": int(m.group(1)), "text": text[s:e]})
        else:
            spans.append({"start": s, "end": e, "label": label, "text": text[s:e]})
    raw_stats = carried.get("stats") or []
    if not isinstance(raw_stats, list) or not all(isinstance(st, dict) for st in raw_stats):
        raise InputError(f"{rid}: stats must be a list of objects")
    stats = [
        {
            **st,
            "start": from_unit(text, st.get("start"), unit, f"{rid}: stat start"),
            "end": from_unit(text, st.get("end"), unit, f"{rid}: stat end"),
        }
        for st in raw_stats
    ]
    path = carried.get("path")
    gold = Gold(
        id=rid,
        text=text,
        headings=sorted(headings, key=lambda h: h["start"]),
        spans=sorted(spans, key=lambda sp: sp["start"]),
        stats=stats,
        meta=record_meta(carried),
        path=path if isinstance(path, str) else None,
    )
    problems = validate(gold)
    if problems:
        more = f" (and {len(problems) - 3} more)" if len(problems) > 3 else ""
        raise InputError("; ".join(problems[:3]) + more)
    return gold


def _text(obj: Any, where: str) -> str:
    if not isinstance(obj, dict):
        raise InputError(f"{where}: expected a JSON object, got {type(obj).__name__}")
    text = obj.get("text")
    if not isinstance(text, str) or not text:
        raise InputError(f"{where}: no text")
    return text


def _report_id(explicit: str | None, carried: dict[str, Any], fallback: Any, where: str) -> str:
    rid = explicit if explicit is not None else carried.get("report_id", fallback)
    if rid is None or isinstance(rid, (dict, list)):
        raise InputError(f"{where}: no report id (give one, or a report_id field)")
    return str(rid)


# --- doccano -------------------------------------------------------------------------------


def to_doccano(gold: Gold, unit: Unit = DOCCANO_UNIT, entities: bool = False) -> dict[str, Any]:
    """One doccano JSONL line: ``label: [[start, end, LABEL], ...]``, or ``entities`` (relation projects)."""
    unit = _check_unit(unit)
    items = [(to_unit(gold.text, s, unit), to_unit(gold.text, e, unit), label) for s, e, label in _labelled(gold)]
    record: dict[str, Any] = {"text": gold.text}
    if entities:
        record["entities"] = [
            {"id": n, "label": label, "start_offset": s, "end_offset": e} for n, (s, e, label) in enumerate(items, 1)
        ]
        record["relations"] = []
    else:
        record["label"] = [[s, e, label] for s, e, label in items]
    return {**record, **_carried(gold, unit)}


def from_doccano(obj: Any, id: str | None = None, unit: Unit = DOCCANO_UNIT) -> Gold:
    """A ``Gold`` from one doccano record (``label``/``labels`` triples or ``entities`` with offsets)."""
    unit = _check_unit(unit)
    where = f"doccano record {id}" if id is not None else "doccano record"
    text = _text(obj, where)
    rid = _report_id(id, obj, obj.get("id"), where)
    items: list[tuple[Any, Any, Any, Any]] = []
    if "entities" in obj:
        ents = obj["entities"]
        if not isinstance(ents, list) or not all(isinstance(x, dict) for x in ents):
            raise InputError(f"{rid}: entities must be a list of objects")
        items = [(x.get("start_offset"), x.get("end_offset"), x.get("label"), None) for x in ents]
    else:
        triples = obj.get("label", obj.get("labels", []))
        if not isinstance(triples, list) or not all(isinstance(x, list) and len(x) == 3 for x in triples):
            raise InputError(f"{rid}: label must be a list of [start, end, label]")
        items = [(s, e, label, None) for s, e, label in triples]
    return _build(rid, text, items, obj, unit)


# --- Label Studio --------------------------------------------------------------------------


def to_labelstudio(
    gold: Gold, unit: Unit = LABEL_STUDIO_UNIT, from_name: str = "label", to_name: str = "text"
) -> dict[str, Any]:
    """One Label Studio task with a single annotation of ``labels`` regions over ``data.text``."""
    unit = _check_unit(unit)
    result = [
        {
            "id": f"r{n:04d}",
            "from_name": from_name,
            "to_name": to_name,
            "type": "labels",
            "value": {
                "start": to_unit(gold.text, s, unit),
                "end": to_unit(gold.text, e, unit),
                "text": gold.text[s:e],
                "labels": [label],
            },
        }
        for n, (s, e, label) in enumerate(_labelled(gold), 1)
    ]
    return {"data": {"text": gold.text, **_carried(gold, unit)}, "annotations": [{"result": result}]}


def from_labelstudio(
    task: Any, id: str | None = None, unit: Unit = LABEL_STUDIO_UNIT, from_name: str | None = None
) -> Gold:
    """A ``Gold`` from one exported task: its first annotation not cancelled (none: no spans)."""
    unit = _check_unit(unit)
    where = f"Label Studio task {id if id is not None else task.get('id') if isinstance(task, dict) else ''}"
    if not isinstance(task, dict) or not isinstance(task.get("data"), dict):
        raise InputError(f"{where}: expected a task object with data")
    data = task["data"]
    text = _text(data, where)
    rid = _report_id(id, data, task.get("id"), where)
    annotations = task.get("annotations", task.get("completions", []))
    if not isinstance(annotations, list) or not all(isinstance(a, dict) for a in annotations):
        raise InputError(f"{rid}: annotations must be a list of objects")
    chosen: dict[str, Any] = next((a for a in annotations if not a.get("was_cancelled")), {"result": []})
    result = chosen.get("result", [])
    if not isinstance(result, list) or not all(isinstance(r, dict) for r in result):
        raise InputError(f"{rid}: annotation result must be a list of objects")
    items: list[tuple[Any, Any, Any, Any]] = []
    for region in result:
        if region.get("type") != "labels" or (from_name is not None and region.get("from_name") != from_name):
            continue  # relations, choices, other controls: not ours
        value = region.get("value")
        if not isinstance(value, dict):
            raise InputError(f"{rid}: region {region.get('id')} has no value")
        labels = value.get("labels")
        if not isinstance(labels, list) or len(labels) != 1:
            raise InputError(f"{rid}: region {region.get('id')} must have exactly one label, has {labels!r}")
        items.append((value.get("start"), value.get("end"), labels[0], value.get("text")))
    return _build(rid, text, items, data, unit)


def labelstudio_config(
    labels: Sequence[str] = ("measure", "shortcoming", "plan"), max_level: int = 4, review: bool = False
) -> str:
    """Labeling config for the project: whitespace kept (``pre-wrap``), else Label Studio trims it from results.

    ``review`` adds a panel above the text showing ``data.review`` (the units ``nlp-extract suggest`` flags).
    """
    names = [*labels, *(f"heading_L{n}" for n in range(1, max_level + 1))]
    label_tags = "\n".join(f'    <Label value="{n}"/>' for n in names)
    panel = (
        '  <View style="background: #fff8e1; padding: 0.5em">\n    <Header value="Review first" size="5"/>\n'
        '    <Text name="review" value="$review"/>\n  </View>\n'
    )
    return (
        "<View>\n  <Style>.htx-text { white-space: pre-wrap; }</Style>\n"
        + (panel if review else "")
        + f'  <Labels name="label" toName="text">\n{label_tags}\n  </Labels>\n'
        '  <Text name="text" value="$text" granularity="symbol"/>\n</View>\n'
    )


# --- spaCy ---------------------------------------------------------------------------------


def to_docbin(golds: Iterable[Gold], nlp: Any | None = None, headings_key: str | None = "headings") -> DocBin:
    """Docs over the raw text (char tokens), labelled spans in ``doc.spans["sc"]`` for spancat training.

    Headings go to their own group so that ``sc`` holds only the narrative labels; ``doc.cats``
    stays empty; the report id and metadata are kept in ``user_data``.
    """
    from spacy.tokens import DocBin

    from .spacy_doc import blank_zh

    nlp = nlp if nlp is not None else blank_zh()
    db = DocBin(store_user_data=True)
    for gold in golds:
        doc = nlp.make_doc(gold.text)

        def span(start: int, end: int, label: str, gold: Gold = gold, doc: Any = doc) -> Any:
            sp = doc.char_span(start, end, label=label, alignment_mode="strict")
            if sp is None:
                raise InputError(f"{gold.id}: {label} {start}-{end} does not fall on token boundaries")
            return sp

        doc.spans["sc"] = [span(s["start"], s["end"], s["label"]) for s in sorted(gold.spans, key=lambda x: x["start"])]
        if headings_key:
            doc.spans[headings_key] = [
                span(h["start"], h["end"], f"heading_L{h['level']}")
                for h in sorted(gold.headings, key=lambda x: x["start"])
            ]
        doc.user_data["id"] = gold.id
        doc.user_data["meta"] = dict(gold.meta)
        db.add(doc)
    return db


def write_docbin(golds: Iterable[Gold], path: str | Path, nlp: Any | None = None) -> Path:
    """``to_docbin`` written to ``path`` (``.spacy``), loadable by ``spacy train``."""
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    to_docbin(golds, nlp).to_disk(out)
    return out


# --- files ---------------------------------------------------------------------------------


def to_record(gold: Gold) -> dict[str, Any]:
    """A ``Gold`` as one line of ``annotations/*.jsonl`` (the shape ``annotations.load`` reads)."""
    return {
        "id": gold.id,
        "path": gold.path,
        "text": gold.text,
        **record_meta(gold.meta),
        "headings": gold.headings,
        "spans": gold.spans,
        "stats": gold.stats,
    }


def _files(path: Path, suffix: str) -> list[Path]:
    if path.is_dir():
        return sorted(path.glob(f"*{suffix}"))
    if path.is_file():
        return [path]
    raise InputError(f"no such file or directory: {path}")


def _json(text: str, where: str) -> Any:
    try:
        return json.loads(text)
    except ValueError as e:
        raise InputError(f"{where}: not JSON ({e})") from None


def read(path: str | Path, fmt: str, unit: Unit | None = None) -> list[Gold]:
    """Validated reports from a file (or a directory of them) in ``fmt``, sorted by id."""
    p = Path(path)
    golds: list[Gold] = []
    if fmt == "jsonl":
        from .annotations import load

        golds = load(p)
        problems = [x for g in golds for x in validate(g)]
        if problems:
            raise InputError("; ".join(problems[:3]))
    elif fmt == "doccano":
        for file in _files(p, ".jsonl"):
            for n, line in enumerate(file.read_text(encoding="utf-8").splitlines(), 1):
                if line.strip():
                    obj = _json(line, f"{file}:{n}")
                    named = isinstance(obj, dict) and ("report_id" in obj or "id" in obj)
                    golds.append(from_doccano(obj, id=None if named else f"{file.stem}-{n}", unit=unit or DOCCANO_UNIT))
    elif fmt == "labelstudio":
        for file in _files(p, ".json"):
            tasks = _json(file.read_text(encoding="utf-8"), str(file))
            for n, task in enumerate(tasks if isinstance(tasks, list) else [tasks], 1):
                rid = None if _has_id(task) else f"{file.stem}-{n}"
                golds.append(from_labelstudio(task, id=rid, unit=unit or LABEL_STUDIO_UNIT))
    else:
        raise InputError(f"cannot read format {fmt!r} (one of {READ_FORMATS})")
    ids = [g.id for g in golds]
    if len(set(ids)) != len(ids):
        raise InputError(f"duplicate report ids in {p}")
    return sorted(golds, key=lambda g: g.id)


def _has_id(task: Any) -> bool:
    return isinstance(task, dict) and (
        "id" in task or (isinstance(task.get("data"), dict) and "report_id" in task["data"])
    )


def write(golds: Sequence[Gold], path: str | Path, fmt: str, unit: Unit | None = None) -> Path:
    """Reports written to ``path`` in ``fmt``: JSONL lines, a Label Studio JSON array, or a DocBin."""
    out = Path(path)
    if fmt == "docbin":
        return write_docbin(golds, out)
    if fmt == "jsonl":
        body = "".join(json.dumps(to_record(g), ensure_ascii=False) + "\n" for g in golds)
    elif fmt == "doccano":
        body = "".join(json.dumps(to_doccano(g, unit or DOCCANO_UNIT), ensure_ascii=False) + "\n" for g in golds)
    elif fmt == "labelstudio":
        tasks = [to_labelstudio(g, unit or LABEL_STUDIO_UNIT) for g in golds]
        body = json.dumps(tasks, ensure_ascii=False, indent=1) + "\n"
    else:
        raise InputError(f"cannot write format {fmt!r} (one of {WRITE_FORMATS})")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(body, encoding="utf-8")
    return out


# --- command line --------------------------------------------------------------------------


def cmd_convert(args: argparse.Namespace) -> int:
    src_unit = args.doccano_unit if args.src == "doccano" else args.labelstudio_unit
    dst_unit = args.doccano_unit if args.dst == "doccano" else args.labelstudio_unit
    golds = read(args.input, args.src, src_unit)
    out = write(golds, args.output, args.dst, dst_unit)
    n_spans = sum(len(g.spans) for g in golds)
    n_heads = sum(len(g.headings) for g in golds)
    print(f"{len(golds)} reports, {n_spans} spans, {n_heads} headings -> {out} ({args.dst})", file=sys.stderr)
    return 0


def register(sub: Any) -> None:
    p = sub.add_parser("convert", help="convert annotations: JSONL, doccano, Label Studio (both ways), spaCy DocBin")
    p.add_argument("--from", dest="src", choices=READ_FORMATS, required=True)
    p.add_argument("--to", dest="dst", choices=WRITE_FORMATS, required=True)
    p.add_argument(
        "--doccano-unit", choices=UNITS, default=DOCCANO_UNIT, help="offset unit of doccano files (default: utf16)"
    )
    p.add_argument(
        "--labelstudio-unit",
        choices=UNITS,
        default=LABEL_STUDIO_UNIT,
        help="offset unit of Label Studio files (default: codepoints, as Label Studio since its 2022 emoji fix)",
    )
    p.add_argument("input", help="file or directory to read")
    p.add_argument("output", help="file to write")
    p.set_defaults(handler=cmd_convert)
