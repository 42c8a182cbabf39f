"""The learning loop: the units a model is least sure of, pre-annotated for review in Label Studio or doccano.

``suggest`` runs the pipeline over a corpus, scores every sentence unit by uncertainty (the
margin between the model's two most probable labels, or the entropy of its label
distribution) and keeps the ``n`` least certain, ties broken by file order and offset.  Each
report holding one of them becomes **one task over the whole report text**, pre-annotated
with *all* the model's labels and headings: an annotator corrects the flagged units in their
context, and what comes back (``nlp-extract convert``) is a complete annotation record over
the raw text — offsets are raw offsets, so nothing needs mapping and ``train`` reads it as
it is.  A task of one paragraph would come back as a report without its headings or
position, which are the model's strongest cues; and a report pre-annotated only at the
flagged units would come back with every unreviewed sentence silently labelled "none".

The flagged units ride along in the task's data (``uncertain``: offsets in the tool's unit,
the model's label, its probabilities; ``review``: the same as lines to read), which the tools
keep and ``convert`` ignores.  The task formats are those of :mod:`nlp_extract.interop`.
"""

from __future__ import annotations

import argparse
import heapq
import json
import math
import sys
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from . import interop
from .annotations import Gold, validate
from .errors import InputError
from .schema import LABELS, Label, Result

if TYPE_CHECKING:
    from .classify import UnitContext
    from .pipeline import Extractor

Strategy = Literal["margin", "entropy"]
STRATEGIES: tuple[str, ...] = ("margin", "entropy")
FORMATS: tuple[str, ...] = ("labelstudio", "doccano")
CLASSES: tuple[str, ...] = ("none", *LABELS)  # a labeller's class order unless it names its own
_WHITESPACE = " \t\r\n\u3000\xa0"


@dataclass(frozen=True)
class UnitScore:
    """One sentence unit (raw offsets) with the model's label and how sure the model is of it."""

    start: int
    end: int
    text: str
    label: Label | None
    probabilities: dict[str, float]
    margin: float  # top probability minus the second: 0 = torn between two labels
    entropy: float  # of the label distribution, divided by its maximum: 1 = no idea

    def uncertainty(self, by: Strategy) -> float:
        """Lower is less certain (the sort key of ``select``)."""
        return self.margin if by == "margin" else -self.entropy


@dataclass(frozen=True)
class ScoredReport:
    """A report run through the pipeline, with every unit scored."""

    path: str
    result: Result
    units: list[UnitScore]

    @property
    def text(self) -> str:
        return self.result.source.text

    @property
    def report_id(self) -> str:
        """Readable and stable across runs: the file's stem and the first digits of its text's hash."""
        return f"{Path(self.path).stem}-{self.result.source.sha256[:8]}"


def unit_probabilities(labeller: Any, contexts: Sequence[UnitContext]) -> tuple[tuple[str, ...], np.ndarray]:
    """The labeller's class names and one row of label probabilities per unit.

    The one place that asks a labeller for probabilities: any labeller with ``predict_proba``
    (and, optionally, ``classes``: the column order) will do; the rule baseline has none.
    """
    predict_proba = getattr(labeller, "predict_proba", None)
    if predict_proba is None:
        raise InputError(f"{type(labeller).__name__} gives no probabilities: suggest needs a trained model (--model)")
    classes = tuple(getattr(labeller, "classes", CLASSES))
    if not contexts:
        return classes, np.zeros((0, len(classes)))
    proba = np.asarray(predict_proba(contexts), dtype=np.float64)
    if proba.shape != (len(contexts), len(classes)):
        raise ValueError(f"predict_proba gave shape {proba.shape} for {len(contexts)} units and classes {classes}")
    return classes, proba


def margin_and_entropy(p: np.ndarray) -> tuple[float, float]:
    """Uncertainty of one probability row: (top minus second, entropy / log(classes)); rounded so ties are exact."""
    top = np.sort(p)[::-1]
    margin = float(top[0] - top[1]) if len(top) > 1 else 1.0
    nz = p[p > 0]
    entropy = float(-(nz * np.log(nz)).sum() / math.log(len(p))) if len(p) > 1 else 0.0
    return round(margin, 6), round(entropy, 6)


def score_text(extractor: Extractor, raw: str, *, path: str, encoding: str = "utf-8", fmt: str = "txt") -> ScoredReport:
    """Run the pipeline on one text and score each of its units (offsets into ``raw``)."""
    from .limits import check_text
    from .pipeline import make_doc, to_result

    check_text(raw, extractor.limits, path)
    doc = extractor.run(make_doc(raw, path=path, encoding=encoding, fmt=fmt))
    classes, proba = unit_probabilities(extractor.labeller, doc.contexts)
    units = []
    for unit, (label, _), row in zip(doc.units, doc.predictions, proba, strict=True):
        start, end, text = doc.raw_slice(unit.start, unit.end)
        margin, entropy = margin_and_entropy(row)
        probabilities = {c: round(float(p), 4) for c, p in zip(classes, row, strict=True)}
        units.append(UnitScore(start, end, text, label, probabilities, margin, entropy))
    return ScoredReport(path, to_result(doc), units)


def score_file(extractor: Extractor, path: str | Path) -> ScoredReport:
    """``score_text`` on a file in any supported format (the text ``nlp-extract text`` prints)."""
    from .readers import read_document

    document = read_document(path, extractor.limits)
    return score_text(extractor, document.text, path=str(path), encoding=document.encoding, fmt=document.format)


def select(
    reports: Iterable[ScoredReport], n: int, by: Strategy = "margin"
) -> list[tuple[ScoredReport, list[UnitScore]]]:
    """The ``n`` least certain units of a stream of reports, grouped by report, least certain first.

    Ties go to the earlier report, then the earlier unit.  Only the reports holding a unit
    among the ``n`` so far are kept in memory, so a corpus of any size streams through.
    """
    if n < 1:
        raise InputError(f"-n must be at least 1, not {n}")
    heap: list[tuple[float, int, int, int]] = []  # negated (uncertainty, report, start), unit index: a max-heap
    held: dict[int, ScoredReport] = {}
    refs: dict[int, int] = {}
    for order, report in enumerate(reports):
        for k, u in enumerate(report.units):
            entry = (-u.uncertainty(by), -order, -u.start, k)
            if len(heap) < n:
                heapq.heappush(heap, entry)
            elif entry > heap[0]:  # less certain than the most certain one kept
                dropped = heapq.heapreplace(heap, entry)
                gone = -dropped[1]
                refs[gone] -= 1
                if not refs[gone]:
                    del refs[gone], held[gone]
            else:
                continue
            refs[order] = refs.get(order, 0) + 1
            held[order] = report
    ranked = sorted(heap, reverse=True)  # least certain first
    groups: dict[int, list[UnitScore]] = {}
    for _, neg_order, _, k in ranked:
        groups.setdefault(-neg_order, []).append(held[-neg_order].units[k])
    return [(held[order], sorted(units, key=lambda u: u.start)) for order, units in groups.items()]


# --- tasks ------------------------------------------------------------------------------------


def predicted_gold(report: ScoredReport) -> Gold:
    """The model's labels and headings on a report as an annotation record (statistics left out: not reviewed)."""
    raw = report.text
    spans = []
    for s in report.result.spans:
        start, end = _trim(raw, s.start, s.end)
        if start < end:
            spans.append({"start": start, "end": end, "label": s.label, "text": raw[start:end]})
    headings = [
        {"start": s.heading_start, "end": s.heading_end, "level": s.level, "text": raw[s.heading_start : s.heading_end]}
        for s in report.result.sections
        if s.heading_end > s.heading_start
    ]
    meta = asdict(report.result.meta)
    gold = Gold(
        id=report.report_id,
        text=raw,
        headings=headings,
        spans=spans,
        stats=[],
        meta={k: meta.get(k) for k in interop.META_KEYS},
        path=report.path,
    )
    problems = validate(gold)
    if problems:  # the pipeline's invariants broken: a bug, not bad input
        raise ValueError(f"pre-annotation of {report.path} is not a valid annotation: {problems[0]}")
    return gold


def _trim(raw: str, start: int, end: int) -> tuple[int, int]:
    while start < end and raw[start] in _WHITESPACE:
        start += 1
    while end > start and raw[end - 1] in _WHITESPACE:
        end -= 1
    return start, end


def _flagged(report: ScoredReport, units: Sequence[UnitScore], unit: interop.Unit) -> list[dict[str, Any]]:
    """The flagged units as data the tools keep: offsets in the tool's unit."""
    return [
        {
            "start": interop.to_unit(report.text, u.start, unit),
            "end": interop.to_unit(report.text, u.end, unit),
            "text": u.text,
            "label": u.label,
            "margin": u.margin,
            "entropy": u.entropy,
            "probabilities": u.probabilities,
        }
        for u in units
    ]


def _review(units: Sequence[UnitScore]) -> str:
    """The flagged units as lines an annotator reads beside the text: the model's two best guesses, the unit."""
    lines = []
    for n, u in enumerate(units, 1):
        best = sorted(u.probabilities.items(), key=lambda kv: (-kv[1], kv[0]))[:2]
        guesses = " / ".join(f"{label} {p:.2f}" for label, p in best)
        lines.append(f"{n}. [{guesses}] {u.text}")
    return "\n".join(lines)


def _confidence(units: Sequence[UnitScore], by: Strategy) -> float:
    """A task's score (higher: surer): its least certain unit; Label Studio sorts tasks by it."""
    return min(u.margin if by == "margin" else round(1 - u.entropy, 6) for u in units)


def labelstudio_task(
    report: ScoredReport, units: Sequence[UnitScore], model_version: str, by: Strategy = "margin"
) -> dict[str, Any]:
    """One Label Studio task: the report text, the model's labels and headings as a prediction."""
    task = interop.to_labelstudio(predicted_gold(report), interop.LABEL_STUDIO_UNIT)
    result = task.pop("annotations")[0]["result"]
    scores = {_trim(report.text, s.start, s.end): s.score for s in report.result.spans}
    for region in result:  # code points are Python indices: the keys match as they are
        score = scores.get((region["value"]["start"], region["value"]["end"]))
        if score is not None:
            region["score"] = score
    task["data"].update(
        sha256=report.result.source.sha256,
        uncertain=_flagged(report, units, interop.LABEL_STUDIO_UNIT),
        review=_review(units),
    )
    task["predictions"] = [{"model_version": model_version, "score": _confidence(units, by), "result": result}]
    return task


def doccano_record(report: ScoredReport, units: Sequence[UnitScore]) -> dict[str, Any]:
    """One doccano line: the model's labels as ``label`` triples, the flagged units as metadata columns."""
    record = interop.to_doccano(predicted_gold(report), interop.DOCCANO_UNIT)
    record.update(
        sha256=report.result.source.sha256,
        uncertain=_flagged(report, units, interop.DOCCANO_UNIT),
        review=_review(units),
    )
    return record


def render_tasks(
    chosen: Sequence[tuple[ScoredReport, Sequence[UnitScore]]], fmt: str, model_version: str, by: Strategy
) -> str:
    """The file to import: a JSON array of Label Studio tasks, or doccano JSONL."""
    if fmt == "labelstudio":
        tasks = [labelstudio_task(r, units, model_version, by) for r, units in chosen]
        return json.dumps(tasks, ensure_ascii=False, indent=1) + "\n"
    if fmt == "doccano":
        return "".join(json.dumps(doccano_record(r, units), ensure_ascii=False) + "\n" for r, units in chosen)
    raise InputError(f"cannot write tasks as {fmt!r} (one of {FORMATS})")


# --- command line -------------------------------------------------------------------------------


def _annotated(path: str | None) -> set[str]:
    """SHA-256 of the texts of annotated reports (the same digest as ``source.sha256``)."""
    if not path:
        return set()
    import hashlib

    from .annotations import load

    return {hashlib.sha256(g.text.encode("utf-8")).hexdigest() for g in load(path)}


def scored_corpus(
    extractor: Extractor, files: Iterable[str], skip: set[str], skipped: list[tuple[str, str]]
) -> Iterator[ScoredReport]:
    """Each readable file scored, once per distinct text; unreadable ones go to ``skipped`` with the reason."""
    seen = set(skip)
    for path in files:
        try:
            report = score_file(extractor, path)
        except InputError as e:
            skipped.append((path, str(e)))
            continue
        if report.result.source.sha256 not in seen:
            seen.add(report.result.source.sha256)
            yield report


def cmd_suggest(args: argparse.Namespace) -> int:
    from .batch import expand_inputs
    from .pipeline import DEFAULT_MODEL, Extractor

    files, problems = expand_inputs(args.corpus)
    for where, why in problems:
        print(f"nlp-extract: warning: {where}: {why}", file=sys.stderr)
    if not files:
        raise InputError(f"no report files in {' '.join(args.corpus)}")
    if args.n < 1:
        raise InputError(f"-n must be at least 1, not {args.n}")
    extractor = Extractor.load(args.model)
    unit_probabilities(extractor.labeller, [])  # a model without probabilities fails before any file is read
    skipped: list[tuple[str, str]] = []
    chosen = select(scored_corpus(extractor, files, _annotated(args.exclude), skipped), args.n, args.by)
    for path, why in skipped:
        print(f"nlp-extract: skipped {path}: {why}", file=sys.stderr)
    if not chosen:
        raise InputError("no sentence units to suggest in the readable reports")
    model_version = Path(args.model or DEFAULT_MODEL).resolve().name
    body = render_tasks(chosen, args.to, model_version, args.by)
    if args.output:
        out = Path(args.output)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(body, encoding="utf-8")
    else:
        sys.stdout.write(body)
    if args.config:
        Path(args.config).write_text(interop.labelstudio_config(review=True), encoding="utf-8")
    units = [u for _, us in chosen for u in us]
    print(
        f"{len(units)} units in {len(chosen)} reports ({len(files) - len(skipped)} read, {len(skipped)} skipped), "
        f"{args.by} {min(u.margin for u in units) if args.by == 'margin' else max(u.entropy for u in units):.3f}"
        f"-{max(u.margin for u in units) if args.by == 'margin' else min(u.entropy for u in units):.3f} "
        f"-> {args.output or 'stdout'} ({args.to})",
        file=sys.stderr,
    )
    return 0


def register(sub: Any) -> None:
    p = sub.add_parser(
        "suggest",
        help="the units a model is least sure of, pre-annotated for review in Label Studio or doccano",
        description="Score every sentence unit of the reports by the model's uncertainty and write the reports "
        "holding the N least certain as pre-annotated tasks (whole report text, all the model's labels; the flagged "
        "units in data.uncertain and data.review). Review them, export, then `nlp-extract convert --from labelstudio "
        "--to jsonl EXPORT annotations/reviewed.jsonl` and train (docs/LEARNING_LOOP.md).",
    )
    p.add_argument("corpus", nargs="+", metavar="CORPUS", help="report file, directory (recursive) or glob")
    p.add_argument("--model", help="model directory (default: the shipped models/default); must be a trained one")
    p.add_argument("-n", type=int, default=200, help="how many units to flag (default 200)")
    p.add_argument("-o", "--output", help="tasks file to write (default: stdout)")
    p.add_argument("--to", choices=FORMATS, default="labelstudio", help="task format (default: labelstudio)")
    p.add_argument(
        "--by", choices=STRATEGIES, default="margin", help="uncertainty: top-two margin (default) or entropy"
    )
    p.add_argument("--exclude", metavar="ANNOTATIONS", help="skip reports whose text is already in these annotations")
    p.add_argument("--config", metavar="FILE", help="also write a Label Studio labelling config showing data.review")
    p.set_defaults(handler=cmd_suggest)
