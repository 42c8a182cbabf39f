"""Compare unit labellers on held-out reports: linear, context and CRF models, spaCy textcat variants, rules.

The protocol is ``evaluate.cross_validate``'s: the same report-grouped folds (``grouped_folds``),
the same stages before classification (``prepare``), the same gold unit labels
(``unit_labels``) and the same scoring (``score`` → ``Tally`` → ``metrics``).  Every
labeller is trained on the same training reports of each fold and scored on the others.

How much a difference means: besides the pooled figures, each candidate's char macro-F1 per
fold, and its difference from the first candidate when any one report is left out of the
pooled tally (the largest such move is what one report can do).

    PYTHONPATH=. python benchmarks/compare_labellers.py [--annotations annotations/] [--only linear crf] \
        [--subset annotations/complete.jsonl] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import numpy as np

from nlp_extract.annotations import Gold, iter_files, load
from nlp_extract.classify import RuleLabeller, UnitContext
from nlp_extract.evaluate import Tally, _merge, grouped_folds, metrics, prepare, score
from nlp_extract.features import featurize
from nlp_extract.model import CLASSES, NONE, ContextLabeller, CrfLabeller, LinearLabeller, documents
from nlp_extract.schema import LABELS, Label
from nlp_extract.textcat import SpacyTextcatLabeller


@dataclass
class PlainCrfLabeller(CrfLabeller):
    """The CRF on each unit's own features only (``featurize``, the linear labeller's): what the chain
    features of ``model.chain_features`` (section boundaries, the neighbours' cues) add."""

    def _sequences(self, units: Sequence[UnitContext]) -> list[tuple[range, list[dict[str, float]]]]:
        return [(run, [featurize(units[i]) for i in run]) for run in documents(units)]


@dataclass
class TunedCrfLabeller(CrfLabeller):
    """The CRF with ``c2`` chosen by grouped cross-validation inside its own training data.

    Each candidate ``c2`` is fitted on ``inner`` report-grouped folds of the training units and
    scored by unit macro-F1 on the held-in reports it did not see; the best one is refitted on all
    of them.  Run as a candidate, the outer folds' test reports never take part in the choice:
    this is the honest figure for "c2 tuned", to set beside the fixed ``c2`` of ``CrfLabeller``.
    """

    grid: tuple[float, ...] = (0.03, 0.1, 0.3, 1.0)
    inner: int = 3
    chosen: list[float] = field(default_factory=list)

    def fit(self, units: Sequence[UnitContext], labels: Sequence[Label | None]) -> TunedCrfLabeller:
        runs = documents(units)
        folds = [[i for n, run in enumerate(runs) if n % self.inner == k for i in run] for k in range(self.inner)]

        def inner_macro(c2: float) -> float:
            confusion = np.zeros((len(CLASSES), len(CLASSES)))
            for held in folds:
                kept = sorted(set(range(len(units))) - set(held))
                part = CrfLabeller(self.c1, c2, self.max_iterations).fit(
                    [units[i] for i in kept], [labels[i] for i in kept]
                )
                for i, (p, _) in zip(held, part.predict([units[i] for i in held]), strict=True):
                    confusion[CLASSES.index(labels[i] or NONE), CLASSES.index(p or NONE)] += 1
            tp = np.diag(confusion)[1:]
            f1 = 2 * tp / np.maximum(confusion[1:].sum(axis=1) + confusion[:, 1:].sum(axis=0), 1)
            return float(f1.mean())

        self.c2 = max(self.grid, key=inner_macro)
        self.chosen.append(self.c2)
        print(f"inner CV chose c2={self.c2}", file=sys.stderr)
        return cast(TunedCrfLabeller, super().fit(units, labels))


CANDIDATES: dict[str, Callable[[], Any]] = {
    "linear": lambda: LinearLabeller(c=1.0),
    "context": lambda: ContextLabeller(c=1.0),
    "textcat-bow-jieba": SpacyTextcatLabeller,
    "textcat-bow-char": lambda: SpacyTextcatLabeller(segmenter="char"),
    "textcat-bow-char-inner": lambda: SpacyTextcatLabeller(segmenter="char", headings="inner"),
    "textcat-bow2-char": lambda: SpacyTextcatLabeller(segmenter="char", ngram_size=2, epochs=3),
    "textcat-cnn-char": lambda: SpacyTextcatLabeller(segmenter="char", architecture="cnn", learn_rate=0.003),
    "textcat-ensemble-char": lambda: SpacyTextcatLabeller(segmenter="char", architecture="ensemble"),
    "crf": CrfLabeller,
    "crf-plain": PlainCrfLabeller,
    "crf-tuned": TunedCrfLabeller,
    "rules": RuleLabeller,
}


def compare(
    reports: Sequence[Gold], names: Sequence[str], folds: int = 5, subset: Iterable[str] = ()
) -> dict[str, dict[str, Any]]:
    """Held-out metrics, per-fold and leave-one-report-out figures and training seconds of each candidate.

    ``subset``: report ids whose held-out figures are also pooled on their own (``subset_metrics``).
    """
    subset = set(subset)
    prepared = {r.id: prepare(r) for r in reports}
    per_report: dict[str, dict[str, Tally]] = {name: {} for name in names}
    fold_of: dict[str, int] = {}
    seconds = dict.fromkeys(names, 0.0)
    for fold in grouped_folds(reports, prepared, folds):
        fold_of.update({r.id: fold.index for r in fold.test})
        for name in names:
            t0 = time.perf_counter()
            model = CANDIDATES[name]().fit(fold.units, fold.labels)
            seconds[name] += time.perf_counter() - t0
            per_report[name].update({r.id: score(model, [r], prepared) for r in fold.test})
            print(f"fold {fold.index + 1}/{folds} {name}: {seconds[name]:.1f}s so far", file=sys.stderr)
    results: dict[str, dict[str, Any]] = {}
    first = names[0]
    for name in names:
        tallies = per_report[name]
        by_fold = [
            macro(pooled(t for rid, t in tallies.items() if fold_of[rid] == k)) for k in sorted(set(fold_of.values()))
        ]
        results[name] = {
            "metrics": metrics(pooled(tallies.values())),
            "fold_macro_f1": by_fold,
            "train_seconds": round(seconds[name], 1),
        }
        if subset:
            results[name]["subset_metrics"] = metrics(pooled(t for rid, t in tallies.items() if rid in subset))
        if name != first:
            results[name]["vs_" + first] = differences(per_report[first], tallies, fold_of)
    return results


def pooled(tallies: Iterable[Tally]) -> Tally:
    out = Tally()
    for t in tallies:
        _merge(out, t)
    return out


def macro(t: Tally) -> float:
    """Char macro-F1 over the labels the gold has (a fold without a plan would otherwise score a 0 for it)."""
    per = metrics(t)["char"]["per_label"].values()
    present = [v["f1"] for v in per if v["support"]]
    return sum(present) / len(present) if present else 0.0


def differences(base: dict[str, Tally], other: dict[str, Tally], fold_of: dict[str, int]) -> dict[str, Any]:
    """Char macro-F1 of ``other`` minus ``base``: pooled, per fold, and with each single report left out."""
    pooled_delta = macro(pooled(other.values())) - macro(pooled(base.values()))
    folds = sorted(set(fold_of.values()))
    per_fold = [
        macro(pooled(other[r] for r in other if fold_of[r] == k))
        - macro(pooled(base[r] for r in base if fold_of[r] == k))
        for k in folds
    ]
    left_out = {
        rid: macro(pooled(t for r, t in other.items() if r != rid))
        - macro(pooled(t for r, t in base.items() if r != rid))
        for rid in base
    }
    lo, hi = min(left_out, key=left_out.__getitem__), max(left_out, key=left_out.__getitem__)
    return {
        "pooled": round(pooled_delta, 4),
        "per_fold": [round(d, 4) for d in per_fold],
        "leave_one_report_out": {
            "min": round(left_out[lo], 4),
            "min_report": lo,
            "max": round(left_out[hi], 4),
            "max_report": hi,
        },
    }


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
    lines.append("")
    lines.append(f"{'labeller':24}char macro-F1 per fold (labels present in the fold's gold)")
    for name, res in results.items():
        lines.append(f"{name:24}" + " ".join(f"{v:.4f}" for v in res["fold_macro_f1"]))
    for name, res in results.items():
        for key, d in res.items():
            if key.startswith("vs_"):
                lo = d["leave_one_report_out"]
                lines.append(
                    f"{name} {key.replace('_', ' ')}: char macro-F1 {d['pooled']:+.4f} pooled; per fold "
                    + " ".join(f"{v:+.4f}" for v in d["per_fold"])
                    + f"; one report left out {lo['min']:+.4f} ({lo['min_report']})"
                    + f" .. {lo['max']:+.4f} ({lo['max_report']})"
                )
    if any("subset_metrics" in res for res in results.values()):
        lines.append("")
        lines.append(
            f"{'labeller':24}held out, the --subset reports only: char macro-F1, sentence macro-F1, char F1 per label"
        )
        for name, res in results.items():
            m = res["subset_metrics"]
            cells = " ".join(f"{m['char']['per_label'][lab]['f1']:.4f}" for lab in LABELS)
            lines.append(f"{name:24}{m['char']['macro_f1']:.4f} {m['sentence']['macro_f1']:.4f}  {cells}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--annotations", default="annotations", help="JSONL file or directory of them")
    p.add_argument("--folds", type=int, default=5)
    p.add_argument("--only", nargs="+", choices=sorted(CANDIDATES), help="candidates to run (default: all)")
    p.add_argument("--json", help="also write the full metrics to this file")
    p.add_argument("--subset", help="an annotation file among --annotations whose reports are also scored alone")
    args = p.parse_args(argv)
    names = args.only or list(CANDIDATES)
    reports = load(args.annotations)
    files = [f.name for f in iter_files(args.annotations)]
    print(f"{args.folds}-fold CV grouped by report: {len(reports)} reports from {', '.join(files)}")
    t0 = time.perf_counter()
    subset = [r.id for r in load(args.subset)] if args.subset else []
    results = compare(reports, names, args.folds, subset)
    print(table(results))
    print(f"total {time.perf_counter() - t0:.1f}s")
    if args.json:
        out = {"reports": len(reports), "files": files, "folds": args.folds, "results": results}
        Path(args.json).write_text(json.dumps(out, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
