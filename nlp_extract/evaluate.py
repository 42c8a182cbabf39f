"""Evaluation against gold annotations: every figure is held out.

Character-level and sentence-level precision/recall/F1 per label, heading F1, link
accuracy and a character confusion matrix.  ``cross_validate`` splits by report (a report
is never on both sides), fits a fresh labeller of the chosen kind (``model.LABELLERS``) per
fold and scores the rule labeller on the same reports as the baseline.  Nothing here writes
a model: ``train`` does.
"""

from __future__ import annotations

import hashlib
import sys
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .annotations import Gold
from .classify import RuleLabeller, UnitContext
from .model import DEFAULT_LABELLER, Labeller, load_labeller, make_labeller
from .pipeline import PIPELINE, Doc, Extractor, make_doc
from .schema import LABELS, Label

ROWS: tuple[str, ...] = ("none", *LABELS)
_PREPARE = tuple(name for name in PIPELINE if name not in ("classify", "link", "statistics"))


def prepare(report: Gold) -> Doc:
    """Run the stages before classification on a gold report's raw text."""
    return Extractor(RuleLabeller(), _PREPARE).run(make_doc(report.text, path=report.path))


def unit_labels(doc: Doc, report: Gold) -> list[Label | None]:
    """Gold label of each unit: the span label covering most of the unit's raw characters."""
    owner = _char_labels(len(report.text), report.spans)
    labels: list[Label | None] = []
    for u in doc.units:
        a, b = doc.norm.to_raw(u.start, u.end)
        tally = [0] * len(ROWS)
        for k in owner[a:b]:
            tally[k] += 1
        best = max(range(len(ROWS)), key=lambda k: (tally[k], -k)) if b > a else 0
        labels.append(None if best == 0 or tally[best] * 2 < (b - a) else LABELS[best - 1])
    return labels


def training_units(reports: Iterable[Gold]) -> tuple[list[UnitContext], list[Label | None]]:
    units: list[UnitContext] = []
    labels: list[Label | None] = []
    for r in reports:
        doc = prepare(r)
        units.extend(doc.contexts)
        labels.extend(unit_labels(doc, r))
    return units, labels


def _char_labels(n: int, spans: Iterable[dict[str, Any]]) -> list[int]:
    owner = [0] * n
    for sp in spans:
        k = ROWS.index(sp["label"])
        owner[sp["start"] : sp["end"]] = [k] * (sp["end"] - sp["start"])
    return owner


@dataclass
class Tally:
    """Counts accumulated over reports; ``metrics`` turns them into scores."""

    confusion: list[list[int]] = field(default_factory=lambda: [[0] * len(ROWS) for _ in ROWS])
    unit_confusion: list[list[int]] = field(default_factory=lambda: [[0] * len(ROWS) for _ in ROWS])
    headings: list[int] = field(default_factory=lambda: [0, 0, 0, 0])  # tp, pred, gold, level-right
    links: list[int] = field(default_factory=lambda: [0, 0])  # right, total

    def add(self, report: Gold, doc: Doc) -> None:
        raw = report.text
        gold = _char_labels(len(raw), report.spans)
        pred = _char_labels(len(raw), [{"label": s.label, "start": s.start, "end": s.end} for s in doc.spans])
        for g, p, ch in zip(gold, pred, raw, strict=True):
            if not ch.isspace():
                self.confusion[g][p] += 1
        for g_label, (p_label, _) in zip(unit_labels(doc, report), doc.predictions, strict=True):
            self.unit_confusion[ROWS.index(g_label or "none")][ROWS.index(p_label or "none")] += 1
        gold_h = {(h["start"], h["end"]): h["level"] for h in report.headings}
        pred_h = {(s.heading_start, s.heading_end): s.level for s in doc.sections}
        both = gold_h.keys() & pred_h.keys()
        self.headings[0] += len(both)
        self.headings[1] += len(pred_h)
        self.headings[2] += len(gold_h)
        self.headings[3] += sum(gold_h[k] == pred_h[k] for k in both)
        starts = sorted(h["start"] for h in report.headings)
        sections = {s.id: s.heading_start for s in doc.sections}
        for gs in report.spans:
            best = max(doc.spans, key=lambda s: min(s.end, gs["end"]) - max(s.start, gs["start"]), default=None)
            if best is None or min(best.end, gs["end"]) <= max(best.start, gs["start"]):
                continue
            gold_link = max((s for s in starts if s < gs["start"]), default=None)
            self.links[0] += (sections.get(best.section) if best.section else None) == gold_link
            self.links[1] += 1


def _prf(confusion: Sequence[Sequence[int]], k: int) -> dict[str, float]:
    tp = confusion[k][k]
    pred = sum(row[k] for row in confusion)
    gold = sum(confusion[k])
    p = tp / pred if pred else 0.0
    r = tp / gold if gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4), "support": gold}


def metrics(t: Tally) -> dict[str, Any]:
    def block(conf: list[list[int]]) -> dict[str, Any]:
        per = {label: _prf(conf, ROWS.index(label)) for label in LABELS}
        return {"per_label": per, "macro_f1": round(sum(v["f1"] for v in per.values()) / len(LABELS), 4)}

    tp, npred, ngold, level_ok = t.headings
    hp, hr = (tp / npred if npred else 0.0), (tp / ngold if ngold else 0.0)
    return {
        "char": block(t.confusion),
        "sentence": block(t.unit_confusion),
        "char_confusion": {"rows_gold_cols_pred": list(ROWS), "matrix": t.confusion},
        "headings": {
            "precision": round(hp, 4),
            "recall": round(hr, 4),
            "f1": round(2 * hp * hr / (hp + hr) if hp + hr else 0.0, 4),
            "level_accuracy": round(level_ok / tp, 4) if tp else 0.0,
        },
        "link_accuracy": round(t.links[0] / t.links[1], 4) if t.links[1] else 0.0,
    }


def _fold(report_id: str, folds: int) -> int:
    return int(hashlib.sha256(report_id.encode()).hexdigest(), 16) % folds


def score(labeller: Labeller, reports: Iterable[Gold], prepared: dict[str, Doc] | None = None) -> Tally:
    from .pipeline import link, make_classify

    tally = Tally()
    classify = make_classify(labeller)
    for r in reports:
        doc = prepared[r.id] if prepared else prepare(r)
        tally.add(r, link(classify(doc)))
    return tally


@dataclass(frozen=True)
class Fold:
    """One split of a report-grouped cross-validation: the training units and the reports held out."""

    index: int
    units: list[UnitContext]
    labels: list[Label | None]
    test: list[Gold]


def grouped_folds(reports: Sequence[Gold], prepared: dict[str, Doc], folds: int = 5) -> Iterator[Fold]:
    """The folds whose two sides are both non-empty; a report is always wholly on one side."""
    gold_units = {r.id: unit_labels(prepared[r.id], r) for r in reports}
    for k in range(folds):
        train = [r for r in reports if _fold(r.id, folds) != k]
        test = [r for r in reports if _fold(r.id, folds) == k]
        if train and test:
            units = [u for r in train for u in prepared[r.id].contexts]
            yield Fold(k, units, [lab for r in train for lab in gold_units[r.id]], test)


def cross_validate(
    reports: Sequence[Gold],
    folds: int = 5,
    c: float = 1.0,
    progress: bool = False,
    labeller: str = DEFAULT_LABELLER,
) -> dict[str, Any]:
    """Report-grouped k-fold: the model of each fold never saw the reports it is scored on."""
    prepared = {r.id: prepare(r) for r in reports}
    model_tally = Tally()
    for fold in grouped_folds(reports, prepared, folds):
        model = make_labeller(labeller, c).fit(fold.units, fold.labels)
        _merge(model_tally, score(model, fold.test, prepared))
        if progress:
            print(
                f"fold {fold.index + 1}/{folds}: {len(reports) - len(fold.test)} train / {len(fold.test)} test reports",
                file=sys.stderr,
            )
    baseline = score(RuleLabeller(), reports, prepared)
    return {
        "protocol": f"{folds}-fold cross-validation grouped by report ({len(reports)} reports)",
        "model": metrics(model_tally),
        "rules_baseline": metrics(baseline),
    }


def evaluate_model(reports: Sequence[Gold], model_dir: Path) -> dict[str, Any]:
    return {
        "protocol": f"model {model_dir} on {len(reports)} reports (must be held out from its training)",
        "model": metrics(score(load_labeller(model_dir), reports)),
        "rules_baseline": metrics(score(RuleLabeller(), reports)),
    }


def _merge(into: Tally, part: Tally) -> None:
    for a, b in ((into.confusion, part.confusion), (into.unit_confusion, part.unit_confusion)):
        for i, row in enumerate(b):
            for j, v in enumerate(row):
                a[i][j] += v
    into.headings = [x + y for x, y in zip(into.headings, part.headings, strict=True)]
    into.links = [x + y for x, y in zip(into.links, part.links, strict=True)]


def format_report(result: dict[str, Any]) -> str:
    lines = [result["protocol"], ""]
    header = f"{'':22}{'char P':>8}{'char R':>8}{'char F1':>8}{'sent F1':>8}"
    for name in ("model", "rules_baseline"):
        m = result[name]
        lines += [f"[{name}]", header]
        for label in LABELS:
            c, s = m["char"]["per_label"][label], m["sentence"]["per_label"][label]
            lines.append(f"{label:22}{c['precision']:8.3f}{c['recall']:8.3f}{c['f1']:8.3f}{s['f1']:8.3f}")
        lines.append(f"{'macro':22}{'':16}{m['char']['macro_f1']:8.3f}{m['sentence']['macro_f1']:8.3f}")
        h = m["headings"]
        scores = f"P {h['precision']:.3f} R {h['recall']:.3f}, level acc {h['level_accuracy']:.3f}"
        lines.append(f"headings F1 {h['f1']:.3f} ({scores})")
        lines.append(f"link accuracy {m['link_accuracy']:.3f}")
        conf = m["char_confusion"]["matrix"]
        lines.append("char confusion (rows gold, cols pred): " + " ".join(f"{r[:4]:>8}" for r in ROWS))
        lines += [f"{'':14}{ROWS[i][:11]:>11} " + " ".join(f"{v:8d}" for v in row) for i, row in enumerate(conf)]
        lines.append("")
    return "\n".join(lines)
