"""spaCy ``textcat`` labeller: the challenger to ``LinearLabeller`` (issue 3, item 3).

``SpacyTextcatLabeller`` is a plain estimator with the same interface as
``model.LinearLabeller``: ``fit(units, labels)`` trains an exclusive-class ``textcat``
(none / measure / shortcoming / plan) on a blank ``zh`` pipeline, ``predict(units)``
returns one ``(label or None, score)`` per unit.  The input text of a unit is its heading
context and its own text (``"{heading} ｜ {text}"``): the innermost heading, or by default
the whole heading path.  Everything runs offline on CPU: the ``char`` segmenter needs
nothing, ``jieba`` uses the dictionary jieba ships (spacy-pkuseg is never used: it ships no
model).  Training is deterministic: fixed seeds, a fixed number of epochs, a seeded shuffle.

Held out (``benchmarks/compare_labellers.py``), every textcat variant tried scores below
the linear labeller, so the shipped model stays linear; this module is the comparison.
Like every labeller it imports neither ``train`` nor ``evaluate`` (they import labellers);
it has no ``to_disk``, so ``model.LABELLERS`` does not offer it to ``train``.
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from .classify import Prediction, UnitContext
from .schema import LABELS, Label

NONE = "none"
CLASSES: tuple[str, ...] = (NONE, *LABELS)
Architecture = Literal["bow", "cnn", "ensemble"]
Segmenter = Literal["char", "jieba"]
Headings = Literal["inner", "path"]

_NUMBERING = re.compile(r"^(?:[（(][一二三四五六七八九十\d]+[）)]|[一二三四五六七八九十\d]+[、.．])\s*")
_DIGITS = re.compile(r"\d+")


def _model_config(architecture: Architecture, ngram_size: int, length: int) -> dict[str, Any]:
    """The ``textcat`` model block of one architecture (exclusive classes)."""
    bow = {
        "@architectures": "spacy.TextCatBOW.v3",
        "exclusive_classes": True,
        "length": length,
        "ngram_size": ngram_size,
        "no_output_layer": False,
    }
    if architecture == "bow":
        return bow
    if architecture == "cnn":
        return {
            "@architectures": "spacy.TextCatReduce.v1",
            "exclusive_classes": True,
            "use_reduce_first": False,
            "use_reduce_last": False,
            "use_reduce_max": True,
            "use_reduce_mean": True,
            "tok2vec": {
                "@architectures": "spacy.HashEmbedCNN.v2",
                "pretrained_vectors": None,
                "width": 64,
                "depth": 2,
                "embed_size": 2000,
                "window_size": 1,
                "maxout_pieces": 3,
                "subword_features": False,
            },
        }
    if architecture == "ensemble":
        return {
            "@architectures": "spacy.TextCatEnsemble.v2",
            "linear_model": bow,
            "tok2vec": {
                "@architectures": "spacy.Tok2Vec.v2",
                "embed": {
                    "@architectures": "spacy.MultiHashEmbed.v2",
                    "width": 64,
                    "rows": [2000, 2000],
                    "attrs": ["NORM", "SHAPE"],
                    "include_static_vectors": False,
                },
                "encode": {
                    "@architectures": "spacy.MaxoutWindowEncoder.v2",
                    "width": 64,
                    "window_size": 1,
                    "maxout_pieces": 3,
                    "depth": 2,
                },
            },
        }
    raise ValueError(f"unknown textcat architecture {architecture!r}")


def unit_parts(u: UnitContext, headings: Headings = "inner", max_chars: int = 200) -> tuple[str, str]:
    """Heading context and unit text as the textcat model reads them.

    The innermost heading (``inner``) or the whole heading path (``path``, outermost first),
    numbering stripped; digits become ``0`` (as in ``features``), except the report year
    and the next one, which become 本年 / 明年 (the tense cue they carry).
    """

    def norm(s: str) -> str:
        if u.year:
            s = s.replace(f"{u.year + 1}年", "明年").replace(f"{u.year}年", "本年")
        return _DIGITS.sub("0", s)

    titles = u.heading_path[-1:] if headings == "inner" else u.heading_path
    heading = " ／ ".join(norm(_NUMBERING.sub("", t))[:40] for t in titles) or "无标题"
    return heading, norm(u.text)[:max_chars]


def unit_text(u: UnitContext, headings: Headings = "inner") -> str:
    """One string: ``"{heading} ｜ {text}"``."""
    return " ｜ ".join(unit_parts(u, headings))


@dataclass
class SpacyTextcatLabeller:
    """Exclusive-class spaCy ``textcat`` over heading + unit text; deterministic, CPU only.

    Defaults are the best of the variants tried in ``benchmarks/compare_labellers.py``:
    bag of jieba words (``bow``, ``ngram_size=1``), the whole heading path, 10 epochs.
    ``balance`` repeats minority-class examples (up to ``balance`` times, in proportion to
    how rare they are) so that the small classes weigh more, as ``class_weight="balanced"``
    does for the linear model.
    """

    architecture: Architecture = "bow"
    segmenter: Segmenter = "jieba"
    headings: Headings = "path"
    mark_headings: bool = False
    ngram_size: int = 1
    length: int = 2**16
    epochs: int = 10
    learn_rate: float = 0.001
    dropout: float = 0.2
    batch_start: float = 16.0
    batch_stop: float = 64.0
    balance: float = 8.0
    seed: int = 0
    nlp: Any = field(default=None, repr=False)

    def _blank(self) -> Any:
        import spacy

        return spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": self.segmenter}}})

    def _doc(self, nlp: Any, u: UnitContext) -> Any:
        """The unit's ``Doc``; with ``mark_headings`` heading tokens get a prefix, so they are features of their own."""
        from spacy.tokens import Doc

        heading, text = unit_parts(u, self.headings)
        if not self.mark_headings:
            return nlp.make_doc(f"{heading} ｜ {text}")
        words = [f"H:{t.text}" for t in nlp.make_doc(heading)] + ["｜"] + [t.text for t in nlp.make_doc(text)]
        return Doc(nlp.vocab, words=words)

    def _repeats(self, labels: Sequence[str]) -> dict[str, int]:
        counts = {c: labels.count(c) for c in CLASSES}
        most = max(counts.values())
        return {c: max(1, min(round(self.balance), round(most / n))) if n else 1 for c, n in counts.items()}

    def fit(self, units: Sequence[UnitContext], labels: Sequence[Label | None]) -> SpacyTextcatLabeller:
        import spacy
        from spacy.training import Example
        from spacy.util import compounding, minibatch

        if not units:
            raise ValueError("no training units")
        if len(units) != len(labels):
            raise ValueError(f"{len(units)} units but {len(labels)} labels")
        spacy.util.fix_random_seed(self.seed)
        nlp = self._blank()
        model = _model_config(self.architecture, self.ngram_size, self.length)
        textcat = nlp.add_pipe("textcat", config={"model": model})
        for c in CLASSES:
            textcat.add_label(c)
        names = [label or NONE for label in labels]
        repeats = self._repeats(names)
        examples = []
        for u, name in zip(units, names, strict=True):
            cats = {c: float(c == name) for c in CLASSES}
            example = Example.from_dict(self._doc(nlp, u), {"cats": cats})
            examples.extend([example] * repeats[name])
        optimizer = nlp.initialize(lambda: examples[:200])
        optimizer.learn_rate = self.learn_rate
        rng = random.Random(self.seed)
        for _ in range(self.epochs):
            rng.shuffle(examples)
            for batch in minibatch(examples, size=compounding(self.batch_start, self.batch_stop, 1.001)):
                nlp.update(batch, drop=self.dropout, sgd=optimizer)
        self.nlp = nlp
        return self

    def predict(self, units: Sequence[UnitContext]) -> list[Prediction]:
        if self.nlp is None:
            raise ValueError("SpacyTextcatLabeller is not fitted")
        out: list[Prediction] = []
        for doc in self.nlp.pipe((self._doc(self.nlp, u) for u in units), batch_size=64):
            name = max(CLASSES, key=lambda c: (doc.cats.get(c, 0.0), -CLASSES.index(c)))
            out.append((None if name == NONE else name, round(float(doc.cats[name]), 4)))  # type: ignore[arg-type]
        return out
