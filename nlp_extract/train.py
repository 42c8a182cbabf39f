"""The ``train`` and ``evaluate`` commands: training fits a labeller and writes its model directory.

The labellers themselves (features, ``predict``, ``to_disk``/``from_disk``) live in
``nlp_extract.model``; held-out scoring lives in ``nlp_extract.evaluate``.  ``--labeller``
picks the kind (``model.LABELLERS``); training is deterministic, so the same annotations give
byte-identical model files.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from .errors import InputError
from .model import DEFAULT_LABELLER, LABELLERS, LinearLabeller, make_labeller

__all__ = ["LinearLabeller", "cmd_evaluate", "cmd_train", "register"]  # LinearLabeller: where it used to live


def cmd_train(args: argparse.Namespace) -> int:
    from .annotations import load, validate_all
    from .evaluate import cross_validate, format_report, training_units

    reports = load(args.annotations)
    problems = validate_all(reports)
    if problems:
        raise InputError(f"{len(problems)} annotation problems, first: {problems[0]}")
    out = Path(args.out)
    metrics = cross_validate(reports, folds=args.folds, c=args.c, progress=not args.quiet, labeller=args.labeller)
    units, labels = training_units(reports)
    model = make_labeller(args.labeller, args.c).fit(units, labels)
    model.to_disk(out, {"trained_on": sorted(r.id for r in reports), "units": len(units)})
    (out / "metrics.json").write_text(json.dumps(metrics, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(format_report(metrics))
    print(f"model written to {out}")
    return 0


def cmd_evaluate(args: argparse.Namespace) -> int:
    from .annotations import load
    from .evaluate import cross_validate, evaluate_model, format_report

    reports = load(args.annotations)
    if args.model:
        metrics = evaluate_model(reports, Path(args.model))
    else:
        metrics = cross_validate(reports, folds=args.folds, c=args.c, progress=not args.quiet, labeller=args.labeller)
    print(json.dumps(metrics, ensure_ascii=False, indent=2) if args.json else format_report(metrics))
    return 0


LABELLER_HELP = (
    "crf: a linear-chain CRF over each report's units; linear: one logistic regression per unit; "
    "context: a second linear pass over the neighbours' probabilities "
    f"(default {DEFAULT_LABELLER})"
)


def register(sub: Any) -> None:
    p = sub.add_parser("train", help="train the span classifier on annotated reports (deterministic)")
    p.add_argument("--annotations", required=True, help="JSONL file or directory of them")
    p.add_argument("--out", required=True, help="model directory to write")
    p.add_argument("--folds", type=int, default=5, help="folds of the report-grouped cross-validation")
    p.add_argument("--c", type=float, default=1.0, help="inverse regularisation strength (crf: L2 weight 0.1 / c)")
    p.add_argument("--labeller", choices=sorted(LABELLERS), default=DEFAULT_LABELLER, help=LABELLER_HELP)
    p.add_argument("--quiet", action="store_true")
    p.set_defaults(handler=cmd_train)

    p = sub.add_parser("evaluate", help="held-out scores: grouped cross-validation, or a given model on the data")
    p.add_argument("--annotations", required=True)
    p.add_argument("--model", help="score this model directory on the annotations (they must be held out from it)")
    p.add_argument("--folds", type=int, default=5)
    p.add_argument("--c", type=float, default=1.0)
    p.add_argument("--labeller", choices=sorted(LABELLERS), default=DEFAULT_LABELLER, help="kind cross-validated")
    p.add_argument("--json", action="store_true", help="print the metrics as JSON")
    p.add_argument("--quiet", action="store_true")
    p.set_defaults(handler=cmd_evaluate)
