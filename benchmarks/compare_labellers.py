"""Compare unit labellers on held-out reports: linear model, spaCy textcat variants, rules.

The protocol is ``evaluate.cross_validate``'s: the same report-grouped folds (``grouped_folds``),
the same stages before classification (``prepare``), the same gold unit labels
(``unit_labels``) and the same scoring (``score`` → ``Tally`` → ``metrics``).  Every
labeller is trained on the same training reports of each fold and scored on the others.

    PYTHONPATH=. python benchmarks/compare_labellers.py [--annotations annotations/] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from nlp_extract.annotations import Gold, iter_files, load
from nlp_extract.classify import RuleLabeller
from nlp_extract.evaluate import Tally, _merge, grouped_folds, metrics, prepare, score
from nlp_extract.schema import LABELS
from nlp_extract.textcat import SpacyTextcatLabeller
from nlp_extract.train import LinearLabeller

CANDIDATES: dict[str, Callable[[], Any]] = {
    "linear": lambda: LinearLabeller(c=1.0),
    "textcat-bow-jieba": SpacyTextcatLabeller,
    "textcat-bow-char": lambda: SpacyTextcatLabeller(segmenter="char"),
    "textcat-bow-char-inner": lambda: SpacyTextcatLabeller(segmenter="char", headings="inner"),
    "textcat-bow2-char": lambda: SpacyTextcatLabeller(segmenter="char", ngram_size=2, epochs=3),
    "textcat-cnn-char": lambda: SpacyTextcatLabeller(segmenter="char", architecture="cnn", learn_rate=0.003),
    "textcat-ensemble-char": lambda: SpacyTextcatLabeller(segmenter="char", architecture="ensemble"),
    "rules": RuleLabeller,
}


def compare(reports: Sequence[Gold], names: Sequence[str], folds: int = 5) -> dict[str, dict[str, Any]]:
    """Held-out metrics and training seconds of each named candidate, over the same grouped folds."""
    prepared = {r.id: prepare(r) for r in reports}
    tallies = {name: Tally() for name in names}
    seconds = dict.fromkeys(names, 0.0)
    for fold in grouped_folds(reports, prepared, folds):
        for name in names:
            t0 = time.perf_counter()
            model = CANDIDATES[name]().fit(fold.units, fold.labels)
            seconds[name] += time.perf_counter() - t0
            _merge(tallies[name], score(model, fold.test, prepared))
            print(f"fold {fold.index + 1}/{folds} {name}: {seconds[name]:.1f}s so far", file=sys.stderr)
    return {name: {"metrics": metrics(tallies[name]), "train_seconds": round(seconds[name], 1)} for name in names}


def table(results: dict[str, dict[str, Any]]) -> str:
    """Macro-F1 and per-label F1, character and sentence level, and training time."""
    per = "".join(f"{'c:' + lab[:5]:>9}" for lab in LABELS) + "".join(f"{'s:' + lab[:5]:>9}" for lab in LABELS)
    lines = [f"{'labeller':24}{'char F1':>9}{'sent F1':>9}{per}{'train s':>9}"]
    for name, res in results.items():
        m = res["metrics"]
        cells = [m["char"]["per_label"][lab]["f1"] for lab in LABELS]
        cells += [m["sentence"]["per_label"][lab]["f1"] for lab in LABELS]
        lines.append(
            f"{name:24}{m['char']['macro_f1']:9.4f}{m['sentence']['macro_f1']:9.4f}"
            + "".join(f"{v:9.4f}" for v in cells)
            + f"{res['train_seconds']:9.1f}"
        )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--annotations", default="annotations", help="JSONL file or directory of them")
    p.add_argument("--folds", type=int, default=5)
    p.add_argument("--only", nargs="+", choices=sorted(CANDIDATES), help="candidates to run (default: all)")
    p.add_argument("--json", help="also write the full metrics to this file")
    args = p.parse_args(argv)
    names = args.only or list(CANDIDATES)
    reports = load(args.annotations)
    files = [f.name for f in iter_files(args.annotations)]
    print(f"{args.folds}-fold CV grouped by report: {len(reports)} reports from {', '.join(files)}")
    t0 = time.perf_counter()
    results = compare(reports, names, args.folds)
    print(table(results))
    print(f"total {time.perf_counter() - t0:.1f}s")
    if args.json:
        out = {"reports": len(reports), "files": files, "folds": args.folds, "results": results}
        Path(args.json).write_text(json.dumps(out, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
