"""Compare unit labellers on held-out reports: linear and context models, spaCy textcat variants, rules.

The protocol is ``evaluate.cross_validate``'s: the same report-grouped folds (``grouped_folds``),
the same stages before classification (``prepare``), the same gold unit labels
(``unit_labels``) and the same scoring (``score`` → ``Tally`` → ``metrics``).  Every
labeller is trained on the same training reports of each fold and scored on the others.

How much a difference means: besides the pooled figures, each candidate's char macro-F1 per
fold, and its difference from the first candidate when any one report is left out of the
pooled tally (the largest such move is what one report can do).

    PYTHONPATH=. python benchmarks/compare_labellers.py [--annotations annotations/] [--only linear context] \
        [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nlp_extract.annotations import Gold, iter_files, load
from nlp_extract.classify import Prediction, RuleLabeller, UnitContext
from nlp_extract.evaluate import Tally, _merge, grouped_folds, metrics, prepare, score
from nlp_extract.features import featurize
from nlp_extract.model import CLASSES, NONE, ContextLabeller, LinearLabeller, documents
from nlp_extract.schema import LABELS, Label
from nlp_extract.textcat import SpacyTextcatLabeller


@dataclass
class CrfLabeller:
    """A linear-chain CRF over each report's units (sklearn-crfsuite, if installed): comparison only.

    Each unit's features are ``features.featurize`` (the linear labeller's); the chain adds
    label-transition weights.  Not offered to ``train``: it needs a dependency the tool does not have.
    """

    c2: float = 0.1
    model: Any = None

    def _sequences(self, units: Sequence[UnitContext]) -> list[list[dict[str, float]]]:
        return [[featurize(units[i]) for i in run] for run in documents(units)]

    def fit(self, units: Sequence[UnitContext], labels: Sequence[Label | None]) -> CrfLabeller:
        import sklearn_crfsuite

        y = [[labels[i] or NONE for i in run] for run in documents(units)]
        self.model = sklearn_crfsuite.CRF(algorithm="lbfgs", c1=0.0, c2=self.c2, max_iterations=200)
        self.model.fit(self._sequences(units), y)
        return self

    def predict(self, units: Sequence[UnitContext]) -> list[Prediction]:
        out: list[Prediction] = []
        for sequence in self.model.predict_marginals(self._sequences(units)):
            for marginals in sequence:
                name = max(CLASSES, key=lambda c: (marginals.get(c, 0.0), -CLASSES.index(c)))
                out.append((None if name == NONE else name, round(marginals[name], 4)))  # type: ignore[arg-type]
        return out


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
    "rules": RuleLabeller,
}


def compare(reports: Sequence[Gold], names: Sequence[str], folds: int = 5) -> dict[str, dict[str, Any]]:
    """Held-out metrics, per-fold and leave-one-report-out figures and training seconds of each candidate."""
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
