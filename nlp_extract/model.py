"""Labellers and their model directories: what ``predict`` loads and ``train`` writes.

Every trainable labeller lives here with its features, ``fit``, ``predict`` and
``to_disk``/``from_disk``: ``train`` only fits and writes, ``evaluate`` only reads, and
neither is imported by this module (no import cycle).

A model directory holds ``config.json`` (which labeller, its settings, the training data
fingerprint) and the parameters in plain arrays and JSON — never pickles, so loading a
model cannot run code.

``LinearLabeller`` labels each unit on its own (its features include its neighbours'
cue words).  ``ContextLabeller`` stacks a second linear model on the first one's
probabilities for the previous and next unit and the unit's section, so that a lead-in
and its list, or a 问题 paragraph and the 改进 after it, can share a label.
``CrfLabeller`` (the default) labels a report's units as one chain: a linear-chain CRF
whose label transitions do that inside the model; it won the grouped cross-validation
(docs/EVALUATION.md).
"""

from __future__ import annotations

import hashlib
import itertools
import json
import tempfile
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from .classify import Prediction, RuleLabeller, UnitContext
from .errors import InputError
from .features import FEATURES_VERSION, UnitFeatures, unit_features
from .schema import LABELS, Label

NONE = "none"
CLASSES: tuple[str, ...] = (NONE, *LABELS)


class Labeller(Protocol):
    def predict(self, units: Sequence[UnitContext]) -> list[Prediction]: ...


class TrainableLabeller(Labeller, Protocol):
    def fit(self, units: Sequence[UnitContext], labels: Sequence[Label | None]) -> TrainableLabeller: ...

    def to_disk(self, path: Path, extra: dict[str, Any] | None = None) -> None: ...


def read_config(model_dir: Path) -> dict[str, object]:
    path = model_dir / "config.json"
    if not path.is_file():
        raise InputError(f"not a model directory (no config.json): {model_dir}")
    try:
        config = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise InputError(f"unreadable model config {path}: {e}") from None
    if not isinstance(config, dict):
        raise InputError(f"model config must be a JSON object: {path}")
    return config


def _check_features(config: dict[str, Any], path: Path) -> None:
    if (version := config.get("features", 1)) != FEATURES_VERSION:
        raise InputError(
            f"model in {path} was trained on features version {version}, this nlp_extract computes version "
            f"{FEATURES_VERSION}: retrain it (nlp-extract train --annotations DIR --out {path})"
        )


def _predictions(proba: np.ndarray, classes: Sequence[str]) -> list[Prediction]:
    """The most probable class of each row and its probability (rounded: the score a span reports)."""
    best = np.argmax(proba, axis=1)
    labels: list[Label | None] = [None if c == NONE else c for c in classes]  # type: ignore[misc]
    chosen = proba[np.arange(len(best)), best].tolist()
    return [(labels[k], round(p, 4)) for k, p in zip(best.tolist(), chosen, strict=True)]


def _write_config(path: Path, labeller: str, settings: dict[str, Any], extra: dict[str, Any] | None) -> None:
    """``config.json`` of a model directory: the labeller's kind, the feature version, its settings."""
    path.mkdir(parents=True, exist_ok=True)
    config = {"labeller": labeller, "features": FEATURES_VERSION, **settings, **(extra or {})}
    (path / "config.json").write_text(json.dumps(config, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


@dataclass
class LinearLabeller:
    """Logistic regression over sparse unit features; deterministic (fixed seed, sorted vocabulary).

    ``fit`` learns a multinomial logistic regression (scikit-learn) over
    ``features.unit_features``; ``predict`` is a dot product.  ``to_disk`` writes
    ``config.json``, ``vocab.json`` (feature names) and ``weights.npz`` (arrays, loaded with
    ``allow_pickle=False``).
    """

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
        if not units:
            raise ValueError("no training units")
        return self.fit_features([unit_features(u) for u in units], labels)

    def fit_features(self, features: Sequence[UnitFeatures], labels: Sequence[Label | None]) -> LinearLabeller:
        """``fit`` on features already computed (once: the vocabulary and the matrix both read them)."""
        from sklearn.linear_model import LogisticRegression

        if not features:
            raise ValueError("no training units")
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
        return self.proba_features([unit_features(u) for u in units])

    def proba_features(self, features: Sequence[UnitFeatures]) -> np.ndarray:
        """Class probabilities of units whose features are already computed (columns: ``classes``)."""
        if not self.vocab:
            raise ValueError("LinearLabeller is not fitted")
        # the sparse product by hand: a scipy matrix per report costs more than the arithmetic
        rows, cols, vals = self._entries(features)
        weighted = self.coef[:, cols] * vals
        scores = np.tile(self.intercept, (len(features), 1))
        for k, w in enumerate(weighted):
            scores[:, k] += np.bincount(rows, weights=w, minlength=len(features))
        scores -= np.max(scores, axis=1, keepdims=True)
        exp = np.exp(scores)
        return exp / exp.sum(axis=1, keepdims=True)

    def predict(self, units: Sequence[UnitContext]) -> list[Prediction]:
        return _predictions(self.predict_proba(units), self.classes)

    def to_disk(self, path: Path, extra: dict[str, Any] | None = None) -> None:
        _write_config(path, "linear", {"c": self.c, "seed": self.seed, "classes": list(self.classes)}, extra)
        names = sorted(self.vocab, key=self.vocab.__getitem__)
        (path / "vocab.json").write_text(json.dumps(names, ensure_ascii=False) + "\n", encoding="utf-8")
        np.savez_compressed(path / "weights.npz", coef=self.coef.astype(np.float32), intercept=self.intercept)

    @classmethod
    def from_disk(cls, path: Path) -> LinearLabeller:
        config = json.loads((path / "config.json").read_text(encoding="utf-8"))
        _check_features(config, path)
        names = json.loads((path / "vocab.json").read_text(encoding="utf-8"))
        with np.load(path / "weights.npz", allow_pickle=False) as w:
            coef, intercept = w["coef"].astype(np.float64), w["intercept"]
        if coef.shape != (len(config["classes"]), len(names)):
            raise ValueError(f"model in {path} is inconsistent: weights {coef.shape}, vocab {len(names)}")
        return cls(
            config["c"], config["seed"], {n: i for i, n in enumerate(names)}, coef, intercept, tuple(config["classes"])
        )


def documents(units: Sequence[UnitContext]) -> list[range]:
    """The runs of units that are one report's consecutive units, found from the units themselves.

    A unit continues the run before it when each names the other as its neighbour
    (``previous`` / ``next``), which is how ``pipeline.contexts`` builds them; a report's first
    unit has no previous text.  So concatenated training reports split where one ends.
    """
    starts = [
        i
        for i, u in enumerate(units)
        if i == 0 or not u.previous or u.previous != units[i - 1].text or units[i - 1].next != u.text
    ]
    return [range(a, b) for a, b in itertools.pairwise([*starts, len(units)])]


def neighbour_features(units: Sequence[UnitContext], proba: np.ndarray) -> list[dict[str, float]]:
    """Features from the first pass's class probabilities around each unit.

    The previous and the next unit of the same report, and the mean over the other units of
    the unit's section (same heading path): ``ctx:prev:plan`` = the previous unit's plan
    probability, and so on.  A unit without such a neighbour gets none of that family.
    """
    out: list[dict[str, float]] = [{} for _ in units]
    for run in documents(units):
        sections: dict[tuple[str, ...], list[int]] = {}
        for i in run:
            sections.setdefault(units[i].heading_path, []).append(i)
        for i in run:
            f = out[i]
            for name, j in (("prev", i - 1), ("next", i + 1)):
                if j in run:
                    f.update({f"ctx:{name}:{c}": float(p) for c, p in zip(CLASSES, proba[j], strict=True)})
            others = [j for j in sections[units[i].heading_path] if j != i]
            if others:
                mean = proba[others].mean(axis=0)
                f.update({f"ctx:sec:{c}": float(p) for c, p in zip(CLASSES, mean, strict=True)})
    return out


def _with_context(features: Sequence[UnitFeatures], extra: Sequence[dict[str, float]]) -> list[UnitFeatures]:
    return [UnitFeatures(f.counts, f.norm, {**f.context, **e}) for f, e in zip(features, extra, strict=True)]


@dataclass
class ContextLabeller:
    """Two linear passes: the second sees the first pass's probabilities of the unit's neighbours.

    ``fit`` trains the first pass (``base``) on all units, and the second (``stack``) on the
    unit features plus ``neighbour_features`` of *out-of-fold* first-pass probabilities: each
    report's probabilities come from a first pass that did not see it (``folds`` report-grouped
    folds), so the second pass learns how far to trust neighbours as it will meet them on new
    reports.  Deterministic: folds by report order, fixed seeds.
    """

    c: float = 1.0
    seed: int = 0
    folds: int = 5
    base: LinearLabeller = field(default_factory=LinearLabeller)
    stack: LinearLabeller = field(default_factory=LinearLabeller)

    def fit(self, units: Sequence[UnitContext], labels: Sequence[Label | None]) -> ContextLabeller:
        if not units:
            raise ValueError("no training units")
        features = [unit_features(u) for u in units]
        runs = documents(units)
        oof = np.zeros((len(units), len(CLASSES)))
        folds = min(self.folds, len(runs))
        for k in range(folds):
            held = [i for n, run in enumerate(runs) if n % folds == k for i in run]
            kept = [i for n, run in enumerate(runs) if n % folds != k for i in run]
            if not kept:  # a single report: its own probabilities are the best there is
                kept = held
            part = LinearLabeller(self.c, self.seed).fit_features(
                [features[i] for i in kept], [labels[i] for i in kept]
            )
            oof[held] = part.proba_features([features[i] for i in held])
        self.base = LinearLabeller(self.c, self.seed).fit_features(features, labels)
        stacked = _with_context(features, neighbour_features(units, oof))
        self.stack = LinearLabeller(self.c, self.seed).fit_features(stacked, labels)
        return self

    def predict_proba(self, units: Sequence[UnitContext]) -> np.ndarray:
        features = [unit_features(u) for u in units]
        first = self.base.proba_features(features)
        return self.stack.proba_features(_with_context(features, neighbour_features(units, first)))

    @property
    def classes(self) -> tuple[str, ...]:
        """Column order of ``predict_proba``."""
        return self.stack.classes

    def predict(self, units: Sequence[UnitContext]) -> list[Prediction]:
        return _predictions(self.predict_proba(units), self.classes)

    def to_disk(self, path: Path, extra: dict[str, Any] | None = None) -> None:
        """``config.json`` here; the two passes as linear model directories ``base/`` and ``stack/``."""
        settings = {"c": self.c, "seed": self.seed, "folds": self.folds, "classes": list(self.classes)}
        _write_config(path, "context", settings, extra)
        self.base.to_disk(path / "base")
        self.stack.to_disk(path / "stack")

    @classmethod
    def from_disk(cls, path: Path) -> ContextLabeller:
        config = json.loads((path / "config.json").read_text(encoding="utf-8"))
        _check_features(config, path)
        return cls(
            config["c"],
            config["seed"],
            config["folds"],
            LinearLabeller.from_disk(path / "base"),
            LinearLabeller.from_disk(path / "stack"),
        )


_NEIGHBOUR_FAMILIES = ("cue:", "first:")
"""What a CRF unit reads of its neighbours: their tense cues and first two characters (``features.unit_features``)."""


def chain_features(units: Sequence[UnitContext], features: Sequence[UnitFeatures]) -> list[dict[str, float]]:
    """The CRF's observation features of each unit: its own (``featurize``) and a few of its neighbours'.

    The chain's transition weights see only the labels of neighbours; what the neighbours *say*
    enters here: whether the unit opens or closes its section (a label mostly changes at a heading),
    and the previous and next unit's ``_NEIGHBOUR_FAMILIES`` features under ``p:`` / ``n:``.  Every
    name is longer than two characters, so none collides with a character n-gram.
    """
    out: list[dict[str, float]] = []
    for run in documents(units):
        told = [[(k, v) for k, v in features[i].context.items() if k.startswith(_NEIGHBOUR_FAMILIES)] for i in run]
        for i in run:
            f = features[i].as_dict()
            u = units[i]
            if i == run.start or units[i - 1].heading_path != u.heading_path:
                f["opens_section"] = 1.0
            if i + 1 == run.stop or units[i + 1].heading_path != u.heading_path:
                f["closes_section"] = 1.0
            for prefix, j in (("p:", i - 1), ("n:", i + 1)):
                if j in run:
                    f.update({prefix + k: v for k, v in told[j - run.start]})
            out.append(f)
    return out


@dataclass
class CrfLabeller:
    """A linear-chain CRF over each report's units (python-crfsuite): labels that see their neighbours' labels.

    Observation features are ``chain_features``; the chain adds label-to-label transition weights,
    so a lead-in and its list, or the plans after a 问题 paragraph, are labelled together.
    ``predict`` takes each unit's most probable label by its marginal (so its score is that
    marginal, and ``predict_proba`` gives all of them).  Training is L-BFGS with elastic-net
    regularisation (``c1`` L1, ``c2`` L2), deterministic.  The model is crfsuite's own binary
    file (``model.crfsuite``): loading it runs no code.  ``config.json`` holds its SHA-256, checked
    before crfsuite reads it (crfsuite reads a cut file past its end).
    """

    c1: float = 0.0
    c2: float = 0.1
    max_iterations: int = 200
    model: bytes = b""
    classes: tuple[str, ...] = CLASSES
    _taggers: dict[int, tuple[bytes, Any]] = field(default_factory=dict, init=False, repr=False, compare=False)

    def _sequences(self, units: Sequence[UnitContext]) -> list[tuple[range, list[dict[str, float]]]]:
        features = chain_features(units, [unit_features(u) for u in units])
        return [(run, features[run.start : run.stop]) for run in documents(units)]

    def fit(self, units: Sequence[UnitContext], labels: Sequence[Label | None]) -> CrfLabeller:
        import pycrfsuite

        if not units:
            raise ValueError("no training units")
        trainer = pycrfsuite.Trainer(algorithm="lbfgs", verbose=False)
        trainer.set_params({"c1": self.c1, "c2": self.c2, "max_iterations": self.max_iterations})
        for run, xseq in self._sequences(units):
            trainer.append(xseq, [labels[i] or NONE for i in run])
        with tempfile.TemporaryDirectory(prefix="nlp_extract_crf") as tmp:
            path = Path(tmp) / "model.crfsuite"
            trainer.train(str(path))
            self.model = path.read_bytes()
        return self

    def _tagger(self) -> Any:
        """A crfsuite tagger of ``model``, opened once per thread (a tagger holds the sequence it tags;
        opening one per call was a fifth of the labelling of a short report)."""
        import pycrfsuite

        if not self.model:
            raise ValueError("CrfLabeller is not fitted")
        thread = threading.get_ident()
        opened = self._taggers.get(thread)
        if opened is None or opened[0] is not self.model:
            tagger = pycrfsuite.Tagger()
            tagger.open_inmemory(self.model)
            opened = self._taggers[thread] = (self.model, tagger)
        return opened[1]

    def __getstate__(self) -> dict[str, Any]:
        return {**self.__dict__, "_taggers": {}}  # taggers do not pickle; they reopen from ``model``

    def predict_proba(self, units: Sequence[UnitContext]) -> np.ndarray:
        """Each unit's marginal probability of each class (columns: ``classes``; a class never seen in training: 0)."""
        proba = np.zeros((len(units), len(self.classes)))
        if not units:
            return proba
        tagger = self._tagger()
        known = [(k, c) for k, c in enumerate(self.classes) if c in set(tagger.labels())]
        for run, xseq in self._sequences(units):
            tagger.set(xseq)
            for t, i in enumerate(run):
                for k, c in known:
                    proba[i, k] = tagger.marginal(c, t)
        return proba

    def predict(self, units: Sequence[UnitContext]) -> list[Prediction]:
        return _predictions(self.predict_proba(units), self.classes)

    def to_disk(self, path: Path, extra: dict[str, Any] | None = None) -> None:
        """``config.json`` and ``model.crfsuite`` (the bytes crfsuite wrote)."""
        if not self.model:
            raise ValueError("CrfLabeller is not fitted")
        settings = {
            "c1": self.c1,
            "c2": self.c2,
            "max_iterations": self.max_iterations,
            "classes": list(self.classes),
            "model_sha256": hashlib.sha256(self.model).hexdigest(),
        }
        _write_config(path, "crf", settings, extra)
        (path / "model.crfsuite").write_bytes(self.model)

    @classmethod
    def from_disk(cls, path: Path) -> CrfLabeller:
        config = json.loads((path / "config.json").read_text(encoding="utf-8"))
        _check_features(config, path)
        model = (path / "model.crfsuite").read_bytes()
        if hashlib.sha256(model).hexdigest() != config.get("model_sha256"):  # crfsuite crashes on a cut file
            raise InputError(f"damaged model in {path}: model.crfsuite is not the file config.json names; retrain it")
        labeller = cls(config["c1"], config["c2"], config["max_iterations"], model, tuple(config["classes"]))
        labeller._tagger()
        return labeller


LABELLERS: dict[str, Callable[[float], TrainableLabeller]] = {
    "linear": lambda c: LinearLabeller(c=c),
    "context": lambda c: ContextLabeller(c=c),
    "crf": lambda c: CrfLabeller(c2=0.1 / c),
}
"""Trainable labellers by the name ``train --labeller`` and ``config.json`` use; ``c`` is the inverse
regularisation strength (the CRF's L2 weight is 0.1 / c)."""

DEFAULT_LABELLER = "crf"


def make_labeller(kind: str, c: float = 1.0) -> TrainableLabeller:
    """A fresh, unfitted labeller of a kind named in ``LABELLERS``."""
    if kind not in LABELLERS:
        raise InputError(f"unknown labeller {kind!r}; known: {', '.join(sorted(LABELLERS))}")
    return LABELLERS[kind](c)


def load_labeller(model_dir: Path) -> Labeller:
    """The labeller a model directory describes."""
    config = read_config(model_dir)
    kind = config.get("labeller", "rules")
    if kind == "rules":
        return RuleLabeller()
    if kind == "linear":
        return LinearLabeller.from_disk(model_dir)
    if kind == "context":
        return ContextLabeller.from_disk(model_dir)
    if kind == "crf":
        return CrfLabeller.from_disk(model_dir)
    raise InputError(f"unknown labeller {kind!r} in {model_dir / 'config.json'}")
