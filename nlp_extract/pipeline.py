"""The pipeline: decode -> normalise -> structure -> sentences -> classify -> link -> statistics -> output.

``Doc`` carries one report through the stages; each stage is a small named component
(a function ``Doc -> Doc`` built from the model's config), in the spirit of spaCy.  What
several stages read is made once, on first use: the text's lines (``Doc.source_lines``) and
its tables (``Doc.tables``: structure keeps headings and narrative out of them, statistics
match them to the forms).
``Extractor`` loads a model directory once and runs the components over any number of
reports; it is what the CLI, the batch runner and the notebooks call.
"""

from __future__ import annotations

import bisect
import hashlib
import itertools
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from types import MappingProxyType
from typing import Any

from .classify import Prediction, RuleLabeller, UnitContext
from .errors import InputError
from .limits import DEFAULT_LIMITS, Limits, check_text
from .lines import Line, source_lines
from .link import build_sections, heading_paths, section_finder
from .metadata import extract_meta
from .model import Labeller, load_labeller
from .normalise import Normalised, normalise
from .schema import Check, Meta, Result, Section, Source, Span, Statistic
from .sentences import Unit, merge_units, segment
from .stats import Tables, extract_statistics, read_tables
from .stats.keys import form_label
from .structure import analyse

DEFAULT_MODEL = Path(__file__).resolve().parent.parent / "models" / "default"


@dataclass
class Doc:
    """A report in the making: every field after ``norm`` is filled by one component."""

    source: Source
    norm: Normalised
    lines: list[Line] = field(default_factory=list)
    units: list[Unit] = field(default_factory=list)
    contexts: list[UnitContext] = field(default_factory=list)
    predictions: list[Prediction] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    spans: list[Span] = field(default_factory=list)
    stats: list[Statistic] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)
    meta: Meta = field(default_factory=Meta)

    @property
    def text(self) -> str:
        """The analysis text (simplified, cleaned)."""
        return self.norm.text

    @cached_property
    def source_lines(self) -> list[Line]:
        """The analysis text's lines, cut once for both structure and statistics."""
        return source_lines(self.text)

    @cached_property
    def tables(self) -> Tables:
        """The text's table rows and grids, read once: structure takes no heading or paragraph
        where they lie, statistics match them to the national forms."""
        return read_tables(self.text, self.source_lines)

    def raw_slice(self, start: int, end: int) -> tuple[int, int, str]:
        """Analysis range -> raw range and the raw text it covers."""
        a, b = self.norm.to_raw(start, end)
        return a, b, self.source.text[a:b]


Component = Callable[[Doc], Doc]


def structure(doc: Doc) -> Doc:
    doc.lines = analyse(doc.text, doc.source_lines, doc.tables.spans)
    return doc


def sentences(doc: Doc) -> Doc:
    doc.units = segment(doc.text, [(ln.start, ln.end) for ln in doc.lines if ln.kind == "paragraph"])
    return doc


def metadata(doc: Doc) -> Doc:
    doc.meta = extract_meta(doc.lines, doc.text, doc.meta.template)
    return doc


def contexts(doc: Doc) -> Doc:
    """What the labeller sees of each unit: text, heading path, position, neighbours, year."""
    headings = [ln for ln in doc.lines if ln.kind == "heading"]
    units = doc.units
    position = narrative_position([(ln.start, ln.end) for ln in doc.lines if ln.kind == "paragraph"])
    paths = heading_paths(headings, [u.start for u in units])
    doc.contexts = [
        UnitContext(
            text=u.text,
            heading_path=paths[i],
            position=position(u.start),
            previous=units[i - 1].text if i else "",
            next=units[i + 1].text if i + 1 < len(units) else "",
            year=doc.meta.year,
        )
        for i, u in enumerate(units)
    ]
    return doc


def narrative_position(paragraphs: Sequence[tuple[int, int]]) -> Callable[[int], float]:
    """Offset -> share of the paragraph characters before it.

    Counted over paragraphs only, so that a web page's menus, a PDF's tables or a Word
    file's layout do not move the same sentence to another position.
    """
    starts = [a for a, _ in paragraphs]
    before = list(itertools.accumulate((b - a for a, b in paragraphs), initial=0))
    total = max(1, before[-1])

    def position(offset: int) -> float:
        i = bisect.bisect_right(starts, offset) - 1
        if i < 0:
            return 0.0
        a, b = paragraphs[i]
        return (before[i] + min(offset, b) - a) / total

    return position


def make_classify(labeller: Labeller) -> Component:
    def classify(doc: Doc) -> Doc:
        doc.predictions = labeller.predict(doc.contexts) if doc.contexts else []
        return doc

    return classify


def link(doc: Doc) -> Doc:
    """Sections from headings; labelled units merged into guide-sized spans, each tied to its section."""
    doc.sections = build_sections(doc.lines, doc.raw_slice, len(doc.source.text))
    labels = [p[0] for p in doc.predictions]
    scores = [p[1] for p in doc.predictions]
    spans: list[Span] = []
    find_section = section_finder(doc.sections)
    by_id = {s.id: s for s in doc.sections}
    for unit, label, members in merge_units(doc.units, labels, doc.text):
        if label is None:
            continue
        start, end, text = doc.raw_slice(unit.start, unit.end)
        section = find_section(start)
        spans.append(
            Span(
                id=f"p{len(spans) + 1}",
                label=label,
                start=start,
                end=end,
                text=text,
                section=section.id if section else None,
                heading_path=_titles(by_id, section),
                score=round(min(scores[i] for i in members), 4),
            )
        )
    doc.spans = spans
    return doc


def _titles(by_id: Mapping[str, Section], section: Section | None) -> list[str]:
    path = []
    while section is not None:
        path.append(section.title)
        section = by_id.get(section.parent) if section.parent else None
    return path[::-1]


def statistics(doc: Doc) -> Doc:
    found = extract_statistics(doc.text, doc.tables)
    doc.stats = []
    for f in found.figures:
        start, end, text = doc.raw_slice(f.start, f.end)
        label = form_label(f.key, found.template)
        doc.stats.append(Statistic(f.key, f.value, f.unit, f.approx, f.source, start, end, text, label))
    doc.checks = [replace(c, offsets=[list(doc.norm.to_raw(a, b)) for a, b in c.offsets]) for c in found.checks]
    doc.meta = replace(doc.meta, template=found.template)
    return doc


def _components(labeller: Labeller) -> Mapping[str, Component]:
    return MappingProxyType(
        {
            "structure": structure,
            "statistics": statistics,
            "metadata": metadata,
            "sentences": sentences,
            "contexts": contexts,
            "classify": make_classify(labeller),
            "link": link,
        }
    )


PIPELINE: tuple[str, ...] = ("structure", "statistics", "metadata", "sentences", "contexts", "classify", "link")


def make_doc(raw: str, *, path: str | None = None, encoding: str = "utf-8", fmt: str = "txt") -> Doc:
    digest = hashlib.sha256(raw.encode("utf-8")).hexdigest()
    return Doc(source=Source(path, encoding, digest, fmt, raw), norm=normalise(raw))


_SURROGATE = re.compile("[\ud800-\udfff]")


class Extractor:
    """Load a model once; extract from paths or strings.

    >>> ex = Extractor.load()                      # the shipped default model
    >>> result = ex.extract_file("report.txt")     # doctest: +SKIP

    ``limits`` bounds every input (:class:`~nlp_extract.limits.Limits`): a text over them is an
    ``InputError`` before any stage runs, so no input can take long.
    """

    def __init__(
        self, labeller: Labeller | None = None, pipeline: Sequence[str] = PIPELINE, *, limits: Limits | None = None
    ) -> None:
        self.labeller: Labeller = labeller if labeller is not None else RuleLabeller()
        self.limits = limits or DEFAULT_LIMITS
        components = _components(self.labeller)
        unknown = [name for name in pipeline if name not in components]
        if unknown:
            raise ValueError(f"unknown pipeline components: {unknown}; known: {sorted(components)}")
        self.pipeline = tuple(pipeline)
        self._steps = [components[name] for name in pipeline]

    @classmethod
    def load(cls, model_dir: str | Path | None = None, *, limits: Limits | None = None) -> Extractor:
        return cls(load_labeller(Path(model_dir) if model_dir else DEFAULT_MODEL), limits=limits)

    def run(self, doc: Doc) -> Doc:
        for step in self._steps:
            doc = step(doc)
        return doc

    def extract_text(self, raw: str, *, path: str | None = None, encoding: str = "utf-8", fmt: str = "txt") -> Result:
        check_text(raw, self.limits, path or "the text")
        if (bad := _SURROGATE.search(raw)) is not None:  # a str decoded with surrogateescape: not text
            raise InputError(f"{path or 'the text'} has a lone surrogate (U+{ord(bad.group()):04X}): not valid Unicode")
        doc = self.run(make_doc(raw, path=path, encoding=encoding, fmt=fmt))
        return to_result(doc)

    def extract_bytes(self, data: bytes, *, path: str | None = None) -> Result:
        from .readers import decode_text

        try:
            text, encoding = decode_text(data, self.limits)
        except InputError as e:
            raise InputError(f"{path}: {e}" if path else str(e)) from None
        return self.extract_text(text, path=path, encoding=encoding)

    def extract_file(self, path: str | Path) -> Result:
        from .readers import read_document

        document = read_document(path, self.limits)
        return self.extract_text(document.text, path=str(path), encoding=document.encoding, fmt=document.format)

    def __call__(self, raw: str) -> Result:
        return self.extract_text(raw)


def to_result(doc: Doc) -> Result:
    return Result(doc.source, doc.meta, doc.sections, doc.spans, doc.stats, doc.checks)


def extract(path_or_text: str | Path, model_dir: str | Path | None = None) -> dict[str, Any]:
    """One-shot convenience (loads the model each call): a path or a text -> the output dict."""
    ex = Extractor.load(model_dir)
    p = Path(path_or_text) if isinstance(path_or_text, Path) or len(str(path_or_text)) < 4096 else None
    if p is not None and p.exists():
        return ex.extract_file(p).to_dict()
    return ex.extract_text(str(path_or_text)).to_dict()
