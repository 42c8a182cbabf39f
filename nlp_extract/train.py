"""Training: the linear labeller, its model directory, and the ``train`` command.

``LinearLabeller`` is a plain estimator: ``fit`` learns a multinomial logistic regression
(scikit-learn) over ``features.unit_features``; ``predict`` is a dot product.  ``to_disk``
writes ``config.json``, ``vocab.json`` (feature names) and ``weights.npz`` (arrays, loaded
with ``allow_pickle=False``): no pickle, so a model directory cannot run code.
"""

from __future__ import annotations

import argparse
import itertools
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from .classify import Prediction, UnitContext
from .errors import InputError
from .features import FEATURES_VERSION, UnitFeatures, unit_features
from .schema import LABELS, Label

NONE = "none"
CLASSES: tuple[str, ...] = (NONE, *LABELS)


@dataclass
class LinearLabeller:
    """Logistic regression over sparse unit features; deterministic (fixed seed, sorted vocabulary)."""

    c: float = 1.0
    seed: int = 0
    vocab: dict[str, int] = field(default_factory=dict)
    coef: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))
    intercept: np.ndarray = field(default_factory=lambda: np.zeros(0))
    classes: tuple[str, ...] = CLASSES

    def _entries(self, features: Sequence[UnitFeatures]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Rows, vocabulary columns and values of the known features of each unit (unknown ones dropped)."""
        names: list[str] = []
        values: list[float] = []
        scales: list[float] = []
        sizes: list[int] = []  # lexical, context, lexical, context ...
        for f in features:
            names.extend(f.counts)
            names.extend(f.context)
            values.extend(f.counts.values())
            values.extend(f.context.values())
            scales += (f.norm, 1.0)
            sizes += (len(f.counts), len(f.context))
        unknown = len(self.vocab)
        cols = np.fromiter(map(self.vocab.get, names, itertools.repeat(unknown)), dtype=np.intp, count=len(names))
        per_unit = np.asarray(sizes, dtype=np.intp).reshape(-1, 2).sum(axis=1)
        rows = np.repeat(np.arange(len(features), dtype=np.intp), per_unit)
        vals = np.array(values, dtype=np.float64) / np.repeat(scales, sizes)  # as featurize: count / norm
        known = cols < unknown
        return rows[known], cols[known], vals[known]

    def _matrix(self, features: Sequence[UnitFeatures]) -> Any:
        from scipy.sparse import csr_matrix

        rows, cols, vals = self._entries(features)
        return csr_matrix((vals, (rows, cols)), shape=(len(features), len(self.vocab)), dtype=np.float64)

    def fit(self, units: Sequence[UnitContext], labels: Sequence[Label | None]) -> LinearLabeller:
        from sklearn.linear_model import LogisticRegression

        if not units:
            raise ValueError("no training units")
        features = [unit_features(u) for u in units]  # once: the vocabulary and the matrix both read them
        names = sorted({name for f in features for name in (*f.counts, *f.context)})
        self.vocab = {name: i for i, name in enumerate(names)}
        y = np.array([CLASSES.index(label or NONE) for label in labels])
        model = LogisticRegression(C=self.c, max_iter=2000, class_weight="balanced", random_state=self.seed)
        model.fit(self._matrix(features), y)
        coef = np.zeros((len(CLASSES), len(names)))
        intercept = np.zeros(len(CLASSES))
        for row, cls in enumerate(model.classes_):
            coef[cls] = model.coef_[row] if len(model.classes_) > 2 else model.coef_[0] * (1 if row else -1)
            intercept[cls] = model.intercept_[row] if len(model.classes_) > 2 else 0.0
        missing = [i for i in range(len(CLASSES)) if i not in set(model.classes_)]
        intercept[missing] = -1e9  # a class absent from training is never predicted
        self.coef, self.intercept = coef, intercept
        return self

    def predict_proba(self, units: Sequence[UnitContext]) -> np.ndarray:
        if not self.vocab:
            raise ValueError("LinearLabeller is not fitted")
        # the sparse product by hand: a scipy matrix per report costs more than the arithmetic
        rows, cols, vals = self._entries([unit_features(u) for u in units])
        weighted = self.coef[:, cols] * vals
        scores = np.tile(self.intercept, (len(units), 1))
        for k, w in enumerate(weighted):
            scores[:, k] += np.bincount(rows, weights=w, minlength=len(units))
        scores -= np.max(scores, axis=1, keepdims=True)
        exp = np.exp(scores)
        return exp / exp.sum(axis=1, keepdims=True)

    def predict(self, units: Sequence[UnitContext]) -> list[Prediction]:
        proba = self.predict_proba(units)
        best = np.argmax(proba, axis=1)
        labels: list[Label | None] = [None if c == NONE else c for c in self.classes]  # type: ignore[misc]
        chosen = proba[np.arange(len(best)), best].tolist()
        return [(labels[k], round(p, 4)) for k, p in zip(best.tolist(), chosen, strict=True)]

    def to_disk(self, path: Path, extra: dict[str, Any] | None = None) -> None:
        path.mkdir(parents=True, exist_ok=True)
        config = {
            "labeller": "linear",
            "features": FEATURES_VERSION,
            "c": self.c,
            "seed": self.seed,
            "classes": list(self.classes),
            **(extra or {}),
        }
        (path / "config.json").write_text(json.dumps(config, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        names = sorted(self.vocab, key=self.vocab.__getitem__)
        (path / "vocab.json").write_text(json.dumps(names, ensure_ascii=False) + "\n", encoding="utf-8")
        np.savez_compressed(path / "weights.npz", coef=self.coef.astype(np.float32), intercept=self.intercept)

    @classmethod
    def from_disk(cls, path: Path) -> LinearLabeller:
        config = json.loads((path / "config.json").read_text(encoding="utf-8"))
        if (version := config.get("features", 1)) != FEATURES_VERSION:
            raise InputError(
                f"model in {path} was trained on features version {version}, this nlp_extract computes version "
                f"{FEATURES_VERSION}: retrain it (nlp-extract train --annotations DIR --out {path})"
            )
        names = json.loads((path / "vocab.json").read_text(encoding="utf-8"))
        with np.load(path / "weights.npz", allow_pickle=False) as w:
            coef, intercept = w["coef"].astype(np.float64), w["intercept"]
        if coef.shape != (len(config["classes"]), len(names)):
            raise ValueError(f"model in {path} is inconsistent: weights {coef.shape}, vocab {len(names)}")
        return cls(
            config["c"], config["seed"], {n: i for i, n in enumerate(names)}, coef, intercept, tuple(config["classes"])
        )


def cmd_train(args: argparse.Namespace) -> int:
    from .annotations import load, validate_all
    from .evaluate import cross_validate, format_report, training_units

    reports = load(args.annotations)
    problems = validate_all(reports)
    if problems:
        raise InputError(f"{len(problems)} annotation problems, first: {problems[0]}")
    out = Path(args.out)
    metrics = cross_validate(reports, folds=args.folds, c=args.c, progress=not args.quiet)
    units, labels = training_units(reports)
    model = LinearLabeller(c=args.c, seed=0).fit(units, labels)
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
        metrics = cross_validate(reports, folds=args.folds, c=args.c, progress=not args.quiet)
    print(json.dumps(metrics, ensure_ascii=False, indent=2) if args.json else format_report(metrics))
    return 0


def register(sub: Any) -> None:
    p = sub.add_parser("train", help="train the span classifier on annotated reports (deterministic)")
    p.add_argument("--annotations", required=True, help="JSONL file or directory of them")
    p.add_argument("--out", required=True, help="model directory to write")
    p.add_argument("--folds", type=int, default=5, help="folds of the report-grouped cross-validation")
    p.add_argument("--c", type=float, default=1.0, help="inverse regularisation strength")
    p.add_argument("--quiet", action="store_true")
    p.set_defaults(handler=cmd_train)

    p = sub.add_parser("evaluate", help="held-out scores: grouped cross-validation, or a given model on the data")
    p.add_argument("--annotations", required=True)
    p.add_argument("--model", help="score this model directory on the annotations (they must be held out from it)")
    p.add_argument("--folds", type=int, default=5)
    p.add_argument("--c", type=float, default=1.0)
    p.add_argument("--json", action="store_true", help="print the metrics as JSON")
    p.add_argument("--quiet", action="store_true")
    p.set_defaults(handler=cmd_evaluate)
